// NDJSON output: one JSON object per line on stdout, nothing else.
//
// A slow reader must never stall ascp, so stdout is written asynchronously and never blocks the event loop
// (on Linux, process.stdout writes to a pipe synchronously: a full pipe would freeze the management socket too).
// Events are serialized at once (a line is far smaller than the event object, and the object dies young) and go
// out in batches, one write in flight at a time. When the reader falls behind, consecutive STATS of one session
// replace each other, because they are cumulative (docs/protocol.md §3). No other event is ever merged or dropped, and a
// reader that keeps up loses nothing. Every line passes the job's Redactor first (redact.ts): no secret goes out.
import fs from "node:fs";
import net from "node:net";
import type { Writable } from "node:stream";
import { Redactor } from "./redact.js";

/**
 * Most bytes per write. One write is in flight at a time and its completion is seen once per event-loop turn,
 * while one turn can read 32 x 64 KiB of frames from ascp: a batch must hold a whole turn's output.
 */
const BATCH_BYTES = 4 << 20;
/** Once the reader is behind, small batches: it gets fresh STATS soon after the batch it is stuck on. */
const BEHIND_BATCH_BYTES = 64 << 10;
/**
 * The first batches are small and grow while the reader takes each within a loop turn: a reader that turns out
 * slow is stuck on a few hundred stale lines, not on BATCH_BYTES of them.
 */
const FIRST_BATCH_BYTES = 256 << 10;
/**
 * The reader is behind when a write is still not taken after this many loop turns with events and this long:
 * a reader that keeps up takes a batch within a turn; the time floor covers turns that pass quickly.
 */
const BEHIND_TURNS = 3;
const BEHIND_MS = 250;
/** Past this many waiting lines the reader counts as behind whatever the timing, so memory stays bounded. */
const MAX_WAITING = 16384;

/**
 * An event may carry (on its prototype) a method under this symbol that returns exactly JSON.stringify(event),
 * faster: the typed ascp events do (src/mgmt/typing.ts).
 */
const NDJSON_LINE = Symbol.for("asession.ndjson-line");

function jsonText(event: object): string {
  const toLine = (event as { [NDJSON_LINE]?: unknown })[NDJSON_LINE];
  if (typeof toLine !== "function") return JSON.stringify(event);
  const text = (toLine as () => string).call(event);
  // Built by concatenation, the text is a rope of ~50 pieces: flattened now (ToNumber flattens it in place), a
  // waiting line is one string instead of ~50 heap objects, and the encode later copies it once.
  void ((text as unknown as number) | 0);
  return text;
}

export class NdjsonWriter {
  private readonly stream: Writable;
  // Serialized lines not yet written: lines[head..]; "" marks a STATS merged away. Indices never shift while
  // lines wait (see compact()). meta: (session + 1) * 2 + (STATS ? 1 : 0), for merging.
  private lines: string[] = [];
  private meta: number[] = [];
  private head = 0;
  /** Index in `lines` of the last STATS of a session, while no later event of that session is queued. */
  private lastStats = new Map<number, number>();
  private inFlight = false;
  private inFlightBuffer: Buffer | null = null;
  private spare: Buffer | null = null;
  private inFlightSince = 0;
  private inFlightTurn = 0;
  private turn = 0;
  private behind = false;
  private batchLimit = FIRST_BATCH_BYTES;
  private scheduled = false;
  private broken = false;
  private closing = false;
  private brokenHandler: () => void = () => {};
  private readonly tick = () => {
    this.scheduled = false;
    this.turn++;
    if (!this.behind && this.inFlight && this.turn - this.inFlightTurn >= BEHIND_TURNS && performance.now() - this.inFlightSince >= BEHIND_MS) {
      // A reader this slow starts over with small batches, so that it is never stuck on a big one again.
      this.batchLimit = FIRST_BATCH_BYTES;
      this.fallBehind();
    }
    this.pump();
  };
  private readonly afterWrite = (error?: Error | null) => {
    this.inFlight = false;
    // Taken within a turn: grow fast (x4), since a whole turn's output must fit in one write again before the
    // backlog reaches MAX_WAITING and forces merging with a reader that keeps up.
    if (this.turn - this.inFlightTurn <= 1) this.batchLimit = Math.min(BATCH_BYTES, this.batchLimit * 4);
    // The stream is done with it: reused for the next batch unless it grew unusually large.
    if (this.inFlightBuffer !== null && this.inFlightBuffer.length <= 2 * BATCH_BYTES) this.spare = this.inFlightBuffer;
    this.inFlightBuffer = null;
    if (error) return;
    // Taken: the reader may have caught up; if not, the next write shows it again.
    this.behind = this.waiting() >= MAX_WAITING;
    this.pump();
  };
  merged = 0;
  written = 0;

  /** fd: stdout by default; tests pass a stream. The redactor is shared with the logger and learns the secrets later. */
  constructor(
    output: number | Writable = 1,
    private readonly redactor: Redactor = new Redactor(),
  ) {
    this.stream = typeof output === "number" ? openOutput(output) : output;
    this.stream.on("error", () => this.markBroken());
    this.stream.on("close", () => {
      if (!this.closing) this.markBroken();
    });
  }

  /** Called once when the reader is gone (EPIPE or closed pipe); later writes are discarded. */
  onBroken(handler: () => void): void {
    this.brokenHandler = handler;
  }

  get isBroken(): boolean {
    return this.broken;
  }

  /** Nothing queued and no write in flight: everything written so far is with the OS (or the reader is gone). */
  get drained(): boolean {
    return this.broken || (!this.inFlight && this.head === this.lines.length);
  }

  /** Queues one event; `session` groups STATS for merging (-1 for engine events without a session). */
  write(event: object, session = -1, isStats = false): void {
    if (this.broken) return;
    const line = `${this.redactor.line(jsonText(event))}\n`;
    if (isStats) {
      const at = this.lastStats.get(session);
      if (this.behind && at !== undefined && at >= this.head) {
        this.lines[at] = line;
        this.merged++;
        return;
      }
      this.lastStats.set(session, this.lines.length);
    } else this.lastStats.delete(session);
    this.lines.push(line);
    this.meta.push((session + 1) * 2 + (isStats ? 1 : 0));
    if (!this.behind && this.waiting() >= MAX_WAITING) this.fallBehind();
    if (!this.scheduled) {
      this.scheduled = true;
      // After the current batch of socket data: one write per batch, still within a millisecond.
      setImmediate(this.tick);
    }
  }

  private waiting(): number {
    return this.lines.length - this.head;
  }

  /** The reader is behind: from now on STATS merge, and those already waiting are merged too. */
  private fallBehind(): void {
    this.behind = true;
    // From the newest back: a STATS with a later STATS of its session and no other event of that session in
    // between is superseded.
    const laterStats = new Set<number>();
    for (let i = this.lines.length - 1; i >= this.head; i--) {
      const session = this.meta[i]! >> 1;
      if ((this.meta[i]! & 1) === 0) laterStats.delete(session);
      else if (!laterStats.has(session)) laterStats.add(session);
      else if (this.lines[i] !== "") {
        this.lines[i] = "";
        this.merged++;
      }
    }
  }

  /** Hands waiting lines to the stream as one write, unless a write is still in flight. */
  private pump(): void {
    if (this.inFlight || this.broken || this.head === this.lines.length) return;
    const lines = this.lines;
    const limit = this.behind ? BEHIND_BATCH_BYTES : this.batchLimit;
    let end = this.head;
    let chars = 0;
    for (; end < lines.length && chars < limit; end++) chars += lines[end]!.length;
    // Encoded straight into one buffer: concatenating the lines first would build a rope that the write then has
    // to flatten and encode again. Sized for ASCII (JSON of ascp's frames nearly always is), grown when not.
    // One write is in flight at a time, so one buffer serves every batch: fresh buffers per batch would pile up
    // (tens of MB) until a full GC frees them.
    let buf = this.spare !== null && this.spare.length >= chars + 1024 ? this.spare : Buffer.allocUnsafe(chars + 1024);
    this.spare = null;
    let off = 0;
    for (let i = this.head; i < end; i++) {
      const line = lines[i]!;
      if (line === "") continue;
      if (buf.length - off < line.length * 3) {
        const need = Buffer.byteLength(line);
        if (buf.length - off < need) {
          const bigger = Buffer.allocUnsafe(Math.max(buf.length * 2, off + need + 1024));
          buf.copy(bigger, 0, 0, off);
          buf = bigger;
        }
      }
      off += buf.write(line, off);
      lines[i] = "";
      this.written++;
    }
    this.head = end;
    if (end === lines.length) {
      this.lines = [];
      this.meta = [];
      this.head = 0;
      this.lastStats.clear();
    } else if (end >= 4096 && end * 2 >= lines.length) this.compact();
    if (off === 0) return;
    this.inFlight = true;
    this.inFlightSince = performance.now();
    this.inFlightTurn = this.turn;
    this.inFlightBuffer = buf;
    this.stream.write(buf.subarray(0, off), this.afterWrite);
  }

  /** Drops the written prefix of a queue that never empties (a reader that lags for good). */
  private compact(): void {
    const shift = this.head;
    this.lines = this.lines.slice(shift);
    this.meta = this.meta.slice(shift);
    this.head = 0;
    for (const [session, at] of this.lastStats) {
      if (at < shift) this.lastStats.delete(session);
      else this.lastStats.set(session, at - shift);
    }
  }

  /** Writes everything queued, then ends the stream; resolves when the bytes are handed to the OS (or the reader is gone). */
  close(): Promise<void> {
    this.closing = true;
    return new Promise((resolve) => {
      const wait = () => {
        if (this.broken) return resolve();
        this.pump();
        if (!this.inFlight && this.head === this.lines.length) return void this.stream.end(() => resolve());
        setTimeout(wait, 5);
      };
      wait();
    });
  }

  private markBroken(): void {
    if (this.broken) return;
    this.broken = true;
    this.lines = [];
    this.meta = [];
    this.head = 0;
    this.lastStats.clear();
    this.brokenHandler();
  }
}

/**
 * A non-blocking stream on fd. A blocking pipe or socket (what a parent normally hands us) is written from the
 * thread pool like a file: the write proceeds while the event loop parses ascp's frames, so output keeps pace with
 * a fast reader instead of moving one pipe-full per loop turn. A non-blocking one (shared with a parent that uses
 * it non-blocking) goes through net.Socket; files and terminals through fs.
 */
function openOutput(fd: number): Writable {
  let stat: fs.Stats | undefined;
  try {
    stat = fs.fstatSync(fd);
  } catch {
    stat = undefined;
  }
  if (stat && (stat.isFIFO() || stat.isSocket()) && !isBlocking(fd)) return new net.Socket({ fd, readable: false, writable: true });
  return fs.createWriteStream("", { fd, autoClose: false });
}

/** O_NONBLOCK clear on fd, from /proc (Linux); elsewhere unknown, taken as non-blocking. */
function isBlocking(fd: number): boolean {
  try {
    const m = /^flags:\s*([0-7]+)/m.exec(fs.readFileSync(`/proc/self/fdinfo/${fd}`, "latin1"));
    return m !== null && (parseInt(m[1]!, 8) & 0o4000) === 0;
  } catch {
    return false;
  }
}
