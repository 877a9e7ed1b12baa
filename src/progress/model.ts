// The transfer progress model: ascp's per-session counters in, the job as an integrator sees it out
// (FILE_START, FILE_END, PROGRESS, STALLED events). Pure: no I/O, no timers; time comes from an injected clock
// and events leave through an injected sink, in the order they must be written.
//
// Input, deliberately narrow so that a hot path that never builds event objects can feed it from a few numbers
// pulled out of a frame:
//   frame(session, kind, facts)  one ascp frame. `kind` is a FrameKind (frameKind(type) maps ascp's Type); `facts`
//                                is a FrameFacts the caller may reuse between calls: file name and a handful of
//                                integers, -1 when the frame has no such field (every real value is >= 0).
//   attemptStarted(session, n)   ascp attempt n of the session was spawned (its counters start again at zero).
//   retryWait(session)           the attempt failed and a retry is due.
//   sessionEnded(session, end)   the session is over (done / failed / cancelled, with the error).
//   startQueued(session)         a START command reached a persistent session (its total grows).
//   checkStalls(), snapshot(), finish()   on the caller's timers, STATUS commands, and at the end.
//
// The arithmetic (reference/mgmt-protocol.md §4, aspera-cli's progress tests on real excerpts):
// - TransferBytes and FileBytes are cumulative per ascp attempt; FileBytes also counts parts that were already at
//   the destination, so FileBytes - TransferBytes is what the attempt found there (resume). Deltas of these go to
//   the file the frame names; a new attempt starts its baselines at zero, so nothing is counted twice.
// - Bytes a resumed attempt finds at the destination that this job had itself sent in an earlier attempt are not
//   "already present": only what exceeds the file's transferred bytes at the attempt's start is.
// - A STOP whose StartByte equals its Size: the whole file was there (ascp sends FileBytes 0 for it). SKIP: the
//   file is left as it was; its size counts as already present. In both cases nothing counts as transferred.
// - Per file, transferred + already_present never exceeds its size (a byte sent again after a retry is one byte).
// - In a multi-session job StartByte is a part offset, never a resume point, and a STOP may end only one part of
//   a file: the file ends once its bytes are all accounted for, or when the sessions are over.
// - Totals: the sum of each session's first PreTransferBytes / PreTransferFiles, known only once every session
//   sent one (never one session's value multiplied). A persistent session has no total up front: it grows with
//   each START; percent and ETA stay null there, as whenever the total is unknown.
// - Every file ascp names gets exactly one FILE_END; files ended once ignore later frames (a sibling session's
//   STOP of a file already there, a retry walking over completed files).

import type { FileEndEvent, FileStartEvent, ProgressEvent, StalledEvent } from "../generated/events.js";

/** ascp frame types the model reads; every other Type is OTHER. */
export const FrameKind = { OTHER: 0, SESSION: 1, NOTIFICATION: 2, STATS: 3, STOP: 4, SKIP: 5, FILEERROR: 6, DONE: 7, ERROR: 8 } as const;
export type FrameKind = (typeof FrameKind)[keyof typeof FrameKind];

const KINDS: ReadonlyMap<string, FrameKind> = new Map(Object.entries(FrameKind).filter(([k]) => k !== "OTHER") as [string, FrameKind][]);

export function frameKind(type: string): FrameKind {
  return KINDS.get(type) ?? FrameKind.OTHER;
}

/** The few values of one frame the model reads; -1 (or undefined) when the frame does not carry the field. */
export interface FrameFacts {
  file: string | undefined;
  size: number;
  startByte: number;
  fileBytes: number;
  transferBytes: number;
  /** Target rate, kbps (Rate). */
  rateKbps: number;
  preTransferBytes: number;
  preTransferFiles: number;
  /** Code and Description of FILEERROR. */
  code: number;
  description: string | undefined;
}

export function emptyFacts(): FrameFacts {
  return { file: undefined, size: -1, startByte: -1, fileBytes: -1, transferBytes: -1, rateKbps: -1, preTransferBytes: -1, preTransferFiles: -1, code: -1, description: undefined };
}

// The events' shapes are the schema's (schema/events.schema.json → src/generated/events.ts).
export type { FileStartEvent, FileEndEvent, StalledEvent };
export type ProgressSnapshot = ProgressEvent;
export type SessionState = ProgressEvent["sessions"][number]["state"];
export type StallAction = StalledEvent["action"];
export type ProgressModelEvent = FileStartEvent | FileEndEvent | ProgressEvent | StalledEvent;

export interface SessionEnd {
  status: "done" | "failed" | "cancelled";
  error?: { code?: number; message: string } | null;
}

export interface ModelOptions {
  sessions: number;
  /** keepalive: files come from START commands; no total up front. */
  persistent: boolean;
  /** Stall detection threshold; absent: off. */
  stallTimeoutMs?: number;
  stallAction?: StallAction;
  /** Milliseconds, monotonic. */
  now: () => number;
  emit: (event: ProgressModelEvent) => void;
}

interface FileTrack {
  readonly name: string;
  size: number;
  transferred: number;
  present: number;
  ended: boolean;
  /** The session that touched it last: the one its FILE_END names. */
  session: number;
  /**
   * Per session, the furthest point any attempt reached in its part of the file (where it resumed plus what it
   * sent). The file's transferred + present is their sum: a retry sending bytes again below that point adds nothing.
   */
  readonly reach: number[];
}

/** One file as seen by one attempt of one session. */
interface Part {
  readonly file: FileTrack;
  /** FileBytes - TransferBytes growth attributed to this file in this attempt: where it resumed. */
  resumed: number;
  /** TransferBytes growth attributed to this file in this attempt. */
  sent: number;
}

interface SessionTrack {
  readonly index: number;
  state: SessionState;
  attempt: number;
  /** Baselines of the current attempt (ascp's counters start at zero in each). */
  lastTransfer: number;
  lastResumed: number;
  current: Part | null;
  parts: Map<string, Part>;
  preBytes: number;
  preFiles: number;
  rateKbps: number;
  /** Frames that moved a counter: the per-frame path only counts them; checkStalls() reads the clock. */
  moves: number;
  movesSeen: number;
  lastMoveAt: number;
  stallReported: boolean;
}

/**
 * Rate window: samples of the transferred counter taken when a snapshot is made (the job's and the terminal's
 * timers), at most one per SAMPLE_MS, covering about WINDOW_MS. Never per frame: a STATS reads no clock.
 */
const WINDOW_MS = 5000;
const SAMPLE_MS = 250;
const SLOTS = 32;

export class ProgressModel {
  private readonly sessions: SessionTrack[] = [];
  /** Files started and not ended; ended ones keep only their name, so a job of a million files stays small. */
  private readonly files = new Map<string, FileTrack>();
  private readonly endedFiles = new Set<string>();
  private readonly startedAt: number;
  private transferred = 0;
  private present = 0;
  private done = 0;
  private skipped = 0;
  private failed = 0;
  private running = 0;
  /** Persistent sessions: files and bytes queued so far. */
  private queuedFiles = 0;
  private queuedBytes = 0;
  private readonly sampleAt = new Float64Array(SLOTS);
  private readonly sampleBytes = new Float64Array(SLOTS);
  private samples = 0;
  private finished = false;

  constructor(private readonly o: ModelOptions) {
    this.startedAt = o.now();
    for (let i = 0; i < o.sessions; i++) {
      this.sessions.push({
        index: i,
        state: "starting",
        attempt: 0,
        lastTransfer: 0,
        lastResumed: 0,
        current: null,
        parts: new Map(),
        preBytes: -1,
        preFiles: -1,
        rateKbps: -1,
        moves: 0,
        movesSeen: 0,
        lastMoveAt: this.startedAt,
        stallReported: false,
      });
    }
    this.sample(this.startedAt);
  }

  attemptStarted(index: number, attempt: number): void {
    const s = this.sessions[index]!;
    s.attempt = attempt;
    s.lastTransfer = 0;
    s.lastResumed = 0;
    s.current = null;
    s.parts.clear();
    this.setState(s, "connecting");
  }

  retryWait(index: number): void {
    this.setState(this.sessions[index]!, "retry_wait");
  }

  startQueued(index: number): void {
    if (this.sessions[index] && this.o.persistent) this.queuedFiles++;
  }

  /** One ascp frame. Allocation-free for a STATS of the file already running. */
  frame(index: number, kind: FrameKind, f: FrameFacts): void {
    if (kind === FrameKind.OTHER) return;
    const s = this.sessions[index]!;
    if (f.rateKbps >= 0) s.rateKbps = f.rateKbps;
    if (kind === FrameKind.NOTIFICATION) {
      // The first attempt's totals stay: a retry's walk does not change the job.
      if (f.preTransferBytes >= 0 && s.preBytes < 0) s.preBytes = f.preTransferBytes;
      if (f.preTransferFiles >= 0 && s.preFiles < 0) s.preFiles = f.preTransferFiles;
      return;
    }
    if (kind === FrameKind.SESSION || kind === FrameKind.STATS || kind === FrameKind.STOP) {
      if (s.state === "connecting" || s.state === "starting") {
        s.lastMoveAt = this.o.now();
        this.setState(s, "transferring");
      }
    }
    const part = f.file !== undefined && kind !== FrameKind.DONE && kind !== FrameKind.ERROR ? this.partOf(s, f) : s.current;
    this.count(s, part, f);
    if (part === null || part.file.ended) return;
    const file = part.file;
    switch (kind) {
      case FrameKind.STOP:
        if (f.size >= 0 && f.startByte === f.size) this.addPresent(file, f.size);
        // One session: this STOP ends the file; what no frame counted was moved (a STOP without counters).
        if (this.sessions.length === 1 && file.size >= 0) this.addTransferred(file, file.size);
        if (this.sessions.length === 1 || this.complete(file)) this.end(file, index, "done");
        break;
      case FrameKind.SKIP:
        if (file.size >= 0) this.addPresent(file, file.size);
        this.end(file, index, "skipped");
        break;
      case FrameKind.FILEERROR:
        this.end(file, index, "failed", { code: f.code >= 0 ? f.code : undefined, message: f.description || "file failed" });
        break;
    }
  }

  sessionEnded(index: number, end: SessionEnd): void {
    const s = this.sessions[index]!;
    // The state first, so that the PROGRESS after each FILE_END below shows it; one PROGRESS if no file ends.
    s.state = end.status;
    s.current = null;
    const ended = this.done + this.skipped + this.failed;
    for (const file of this.files.values()) {
      if (file.ended || file.session !== index) continue;
      if (end.status !== "done") this.end(file, index, "failed", end.error ?? { message: end.status });
      else if (file.size < 0 || this.complete(file)) this.end(file, index, "done");
      else if (this.sessions.length === 1) this.end(file, index, "failed", { message: "ascp ended the session without reporting the end of this file" });
    }
    if (this.done + this.skipped + this.failed === ended) this.o.emit(this.snapshot());
  }

  /** Sessions that just stalled (each reported once per stall, with a STALLED event). */
  checkStalls(): number[] {
    const timeout = this.o.stallTimeoutMs;
    if (timeout === undefined || this.finished) return NONE;
    const now = this.o.now();
    let stalled: number[] = NONE;
    for (const s of this.sessions) {
      if (s.moves !== s.movesSeen) {
        s.movesSeen = s.moves;
        s.lastMoveAt = now;
        s.stallReported = false;
      }
      if (s.state !== "transferring" || s.stallReported) continue;
      // A persistent session between files waits for START commands: idle, not stalled.
      if (this.o.persistent && (s.current === null || s.current.file.ended)) {
        s.lastMoveAt = now;
        continue;
      }
      const idle = now - s.lastMoveAt;
      if (idle < timeout) continue;
      s.stallReported = true;
      if (stalled === NONE) stalled = [];
      stalled.push(s.index);
      const current = s.current?.file;
      const file = current && !current.ended ? { file: current.name } : undefined;
      this.o.emit({ type: "STALLED", session_index: s.index, attempt: s.attempt, stalled_sec: Math.round(idle / 100) / 10, ...file, action: this.o.stallAction ?? "warn" });
    }
    return stalled;
  }

  snapshot(): ProgressSnapshot {
    const now = this.o.now();
    this.sample(now);
    const total = this.totalBytes();
    const remaining = total === null ? null : Math.max(0, total - this.transferred - this.present);
    const current = this.currentRate(now);
    let target = -1;
    for (const s of this.sessions) if (s.rateKbps >= 0) target = (target < 0 ? 0 : target) + s.rateKbps * 1000;
    const known = total !== null && !this.o.persistent;
    return {
      type: "PROGRESS",
      elapsed_ms: Math.max(0, Math.round(now - this.startedAt)),
      files: { total: this.totalFiles(), done: this.done, skipped: this.skipped, failed: this.failed, running: this.running },
      bytes: { total, transferred: this.transferred, already_present: this.present, remaining },
      rate: { current_bps: current, target_bps: target < 0 ? null : target },
      percent: known ? (total === 0 ? 100 : Math.floor(((this.transferred + this.present) / total) * 10000) / 100) : null,
      eta_sec: known && current > 0 ? Math.round(((remaining! * 8) / current) * 10) / 10 : null,
      sessions: this.sessions.map((s) => ({ session_index: s.index, state: s.state, attempt: s.attempt })),
    };
  }

  /**
   * The end of the job: files still open get their FILE_END, then the last PROGRESS. Returns that snapshot, whose
   * files and bytes RESULT repeats, and the average rate.
   */
  finish(): { snapshot: ProgressSnapshot; rateAvgBps: number } {
    for (const file of this.files.values()) {
      if (file.ended) continue;
      const s = this.sessions[file.session]!;
      if (s.state === "done" && (file.size < 0 || this.complete(file))) this.end(file, file.session, "done", undefined, false);
      else this.end(file, file.session, "failed", { message: s.state === "done" ? "no session completed this file" : `the session ended ${s.state}` }, false);
    }
    this.finished = true;
    const snapshot = this.snapshot();
    this.o.emit(snapshot);
    const seconds = snapshot.elapsed_ms / 1000;
    return { snapshot, rateAvgBps: seconds > 0 ? Math.round((this.transferred * 8) / seconds) : 0 };
  }

  // --- internals ---

  private partOf(s: SessionTrack, f: FrameFacts): Part {
    const name = f.file!;
    const cur = s.current;
    if (cur !== null && cur.file.name === name) {
      if (f.size >= 0 && cur.file.size < 0) this.learnSize(cur.file, f.size);
      return cur;
    }
    let part = s.parts.get(name);
    if (part === undefined && this.endedFiles.has(name)) {
      // A file that has had its FILE_END: its frames move the baselines, nothing else (rare: no part kept).
      part = { file: { name, size: -1, transferred: 0, present: 0, ended: true, session: s.index, reach: [] }, resumed: 0, sent: 0 };
    } else if (part === undefined) {
      let file = this.files.get(name);
      if (file === undefined) {
        file = { name, size: -1, transferred: 0, present: 0, ended: false, session: s.index, reach: new Array<number>(this.sessions.length).fill(0) };
        this.files.set(name, file);
        this.running++;
      }
      if (f.size >= 0 && file.size < 0) this.learnSize(file, f.size);
      part = { file, resumed: 0, sent: 0 };
      s.parts.set(name, part);
      file.session = s.index;
      const startByte = f.startByte >= 0 ? f.startByte : 0;
      this.o.emit(
        file.size >= 0
          ? { type: "FILE_START", session_index: s.index, file: name, size: file.size, start_byte: startByte, attempt: s.attempt }
          : { type: "FILE_START", session_index: s.index, file: name, start_byte: startByte, attempt: s.attempt },
      );
    }
    s.current = part;
    return part;
  }

  private learnSize(file: FileTrack, size: number): void {
    file.size = size;
    if (this.o.persistent) this.queuedBytes += size;
  }

  /**
   * The attempt's counters moved: attribute the deltas to the frame's file. Only what takes the session's reach in
   * the file further counts: a resume point beyond it is what was there before the job (already present), sent
   * bytes beyond it are transferred.
   */
  private count(s: SessionTrack, part: Part | null, f: FrameFacts): void {
    const t = f.transferBytes;
    let moved = false;
    if (f.fileBytes >= 0 && t >= 0 && f.fileBytes - t > s.lastResumed) {
      const delta = f.fileBytes - t - s.lastResumed;
      s.lastResumed = f.fileBytes - t;
      moved = true;
      if (part !== null && !part.file.ended) {
        part.resumed += delta;
        const gain = this.advance(s, part);
        if (gain > 0) this.addPresent(part.file, part.file.present + gain);
      }
    }
    if (t > s.lastTransfer) {
      const delta = t - s.lastTransfer;
      s.lastTransfer = t;
      moved = true;
      if (part === null) this.transferred += delta; // bytes no frame tied to a file
      else if (!part.file.ended) {
        part.sent += delta;
        const gain = this.advance(s, part);
        if (gain > 0) this.addTransferred(part.file, part.file.transferred + gain);
      }
    }
    if (moved) s.moves++;
  }

  /** Moves the session's reach in the part's file to where this attempt got; returns by how much. */
  private advance(s: SessionTrack, part: Part): number {
    const reach = part.resumed + part.sent;
    const before = part.file.reach[s.index]!;
    if (reach <= before) return 0;
    part.file.reach[s.index] = reach;
    return reach - before;
  }

  /** Raises the file's transferred bytes to `to`, within its size; never lowers them. */
  private addTransferred(file: FileTrack, to: number): void {
    let target = to;
    if (file.size >= 0) target = Math.min(target, file.size - file.present);
    if (target > file.transferred) {
      this.transferred += target - file.transferred;
      file.transferred = target;
    }
  }

  /** Raises the file's already-present bytes to `to`, within what its size leaves after the transferred ones. */
  private addPresent(file: FileTrack, to: number): void {
    let target = to;
    if (file.size >= 0) target = Math.min(target, file.size - file.transferred);
    if (target > file.present) {
      this.present += target - file.present;
      file.present = target;
    }
  }

  private complete(file: FileTrack): boolean {
    return file.size >= 0 && file.transferred + file.present >= file.size;
  }

  private end(file: FileTrack, index: number, status: FileEndEvent["status"], error?: { code?: number; message: string }, progress = true): void {
    file.ended = true;
    this.running--;
    this.files.delete(file.name);
    this.endedFiles.add(file.name);
    for (const s of this.sessions) s.parts.delete(file.name);
    if (status === "done") this.done++;
    else if (status === "skipped") this.skipped++;
    else this.failed++;
    const event = { type: "FILE_END", session_index: index, file: file.name, status } as FileEndEvent;
    if (file.size >= 0) event.size = file.size;
    event.bytes_transferred = file.transferred;
    event.bytes_already_present = file.present;
    if (status === "failed" && error) event.error = error.code === undefined ? { message: error.message } : { code: error.code, message: error.message };
    this.o.emit(event);
    if (progress) this.o.emit(this.snapshot());
  }

  private setState(s: SessionTrack, state: SessionState): void {
    if (s.state === state) return;
    s.state = state;
    if (state === "transferring") s.stallReported = false;
    this.o.emit(this.snapshot());
  }

  private totalBytes(): number | null {
    return this.o.persistent ? this.queuedBytes : this.sessionsSum((s) => s.preBytes);
  }

  private totalFiles(): number | null {
    if (this.o.persistent) return this.queuedFiles;
    const sum = this.sessionsSum((s) => s.preFiles);
    // ascp's count leaves out what it could not find (a FILEERROR for a missing source): never fewer than named.
    return sum === null ? null : Math.max(sum, this.files.size + this.endedFiles.size);
  }

  /** The sum over sessions of a PreTransfer value; null until every session sent one. */
  private sessionsSum(value: (s: SessionTrack) => number): number | null {
    let sum = 0;
    for (const s of this.sessions) {
      const v = value(s);
      if (v < 0) return null;
      sum += v;
    }
    return sum;
  }

  private sample(now: number): void {
    if (this.samples > 0) {
      const last = (this.samples - 1) % SLOTS;
      // Before the first byte (connecting) the window has not begun: its one sample just moves along.
      if (this.transferred === 0) {
        this.sampleAt[last] = now;
        return;
      }
      if (now - this.sampleAt[last]! < SAMPLE_MS) return;
    }
    this.sampleAt[this.samples % SLOTS] = now;
    this.sampleBytes[this.samples % SLOTS] = this.transferred;
    this.samples++;
  }

  /** Bits per second between the oldest sample of the window and now. */
  private currentRate(now: number): number {
    const n = Math.min(this.samples, SLOTS);
    let oldest = -1;
    for (let k = n; k >= 1; k--) {
      const slot = (this.samples - k) % SLOTS;
      if (now - this.sampleAt[slot]! <= WINDOW_MS) {
        oldest = slot;
        break;
      }
    }
    if (oldest < 0) return 0;
    const dt = now - this.sampleAt[oldest]!;
    if (dt < 100) return 0;
    return Math.round(((this.transferred - this.sampleBytes[oldest]!) * 8 * 1000) / dt);
  }
}

const NONE: number[] = [];
