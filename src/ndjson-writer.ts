// NDJSON output: one JSON object per line on stdout, nothing else.
//
// A slow reader must never stall ascp, so stdout is written asynchronously and never blocks the event loop
// (on Linux, process.stdout writes to a pipe synchronously: a full pipe would freeze the management socket too).
// Events are serialized at once into one output buffer (ascp frames straight from their bytes, see writeWith; other
// events as JSON text) and go out in batches, one write in flight at a time, each batch the buffer itself (a small one
// on a pipe straight from this thread, through a non-blocking description of the pipe of our own). When the
// reader falls behind, only the newest waiting STATS of a session is kept while no other event of that session came
// after it, because STATS are cumulative (docs/protocol.md §3). No other event is ever merged or dropped, and a reader
// that keeps up loses nothing. Every line passes the job's Redactor (redact.ts): no secret goes out, whichever way
// the line was made.
import fs from "node:fs";
import net from "node:net";
import type { Writable } from "node:stream";
import type { ByteSink } from "./mgmt/frame-json.js";
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
/**
 * Past this many waiting lines, or bytes, the reader counts as behind whatever the timing, so memory stays bounded.
 * Twice a batch: a reader that takes each batch as it comes never reaches it. The waiting bytes are held about twice
 * (the buffer being filled and the one being written), so this bound is most of the engine's memory in a blast
 * (README, Performance: 8 MiB keeps the engine within 1.2x of the pass-through's peak RSS; 16 MiB did not).
 */
const MAX_WAITING = 8192;
const MAX_WAITING_BYTES = 2 * BATCH_BYTES;

/**
 * An event may carry (on its prototype) a method under this symbol that returns exactly JSON.stringify(event),
 * faster: the typed ascp events do (src/mgmt/typing.ts).
 */
const NDJSON_LINE = Symbol.for("asession.ndjson-line");

function jsonText(event: object): string {
  const toLine = (event as { [NDJSON_LINE]?: unknown })[NDJSON_LINE];
  return typeof toLine === "function" ? (toLine as () => string).call(event) : JSON.stringify(event);
}

/**
 * A batch this small (a pipe's capacity) first goes out from the event loop's own thread, when stdout is a pipe with
 * room: no thread-pool round trip for a command's answer or a trickle of events. What the pipe does not take at once
 * goes the usual way.
 */
const DIRECT_BYTES = 64 << 10;

/** First size of the two output buffers; they grow to the largest backlog seen. */
const INITIAL_BUFFER_BYTES = 256 << 10;
/** A line merged away. */
const DEAD = -1;

/** Writes one line (with its LF) into a ByteSink; the writer's own sink, so no copy per line. */
export type LineEncoder<A, B> = (out: ByteSink, a: A, b: B) => void;

export class NdjsonWriter implements ByteSink {
  private readonly stream: Writable;
  /** stdout's pipe opened again, non-blocking, for the direct writes (DIRECT_BYTES); null where that cannot be. */
  private direct: number | null;
  // Waiting lines, as bytes: buf[0, len), line i from starts[i] to starts[i + 1] (or len). meta[i]:
  // (session + 1) * 2 + (STATS ? 1 : 0) for merging, DEAD once merged away. A batch is handed to the stream as
  // buf itself (no copy) and the other buffer takes its place; only lines past the batch are copied over.
  buf: Buffer = Buffer.allocUnsafe(INITIAL_BUFFER_BYTES);
  len = 0;
  private starts: number[] = [];
  private meta: number[] = [];
  private live = 0;
  private deadBytes = 0;
  /** compact()'s old line index → new one (-1: merged away). */
  private renumbered = new Int32Array(1024);
  /** Index of the last STATS of a session, while no later event of that session is waiting. */
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
    // The stream is done with it: the next spare. Kept whatever its size (bounded by MAX_WAITING_BYTES): a dropped
    // buffer is memory outside V8's heap that stays until a garbage collection, and this path makes little garbage.
    if (this.inFlightBuffer !== null) this.spare = this.inFlightBuffer;
    this.inFlightBuffer = null;
    if (error) return;
    // Taken: the reader may have caught up; if not, the next write shows it again.
    this.behind = this.live >= MAX_WAITING || this.len >= MAX_WAITING_BYTES;
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
    this.direct = typeof output === "number" && this.stream instanceof fs.WriteStream ? reopenPipeNonBlocking(output) : null;
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
    return this.broken || (!this.inFlight && this.starts.length === 0);
  }

  /** Queues one event; `session` groups STATS for merging (-1 for engine events without a session). */
  write(event: object, session = -1, isStats = false): void {
    if (this.broken) return;
    const start = this.len;
    this.appendLine(this.redactor.line(jsonText(event)));
    this.enqueue(start, session, isStats);
  }

  /** Queues one line that encode(this, a, b) writes straight into the output buffer, LF included. */
  writeWith<A, B>(encode: LineEncoder<A, B>, a: A, b: B, session: number, isStats: boolean): void {
    if (this.broken) return;
    const start = this.len;
    encode(this, a, b);
    // The same guarantee as write(): the encoder writes the text JSON.stringify would, so a line with a secret's
    // spelling in it is masked as that text would be. Nothing to look for when the spec has no secret.
    if (!this.redactor.empty) {
      const masked = this.redactor.lineBytes(this.buf, start, this.len - 1);
      if (masked !== null) {
        this.len = start;
        this.appendLine(masked);
      }
    }
    this.enqueue(start, session, isStats);
  }

  /** text and its LF at buf[len]. */
  private appendLine(text: string): void {
    this.ensure(text.length * 3 + 1);
    this.len += this.buf.write(text, this.len);
    this.buf[this.len++] = 0x0a;
  }

  /** ByteSink: room for n more bytes at buf[len]. */
  ensure(n: number): void {
    if (this.buf.length - this.len >= n) return;
    // x2: every growth copies what the buffer holds (a blast grows it to MBs while a write is in flight), and the
    // buffer is touched only up to what it holds.
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n + 1024));
    this.buf.copy(bigger, 0, 0, this.len);
    this.buf = bigger;
  }

  private enqueue(start: number, session: number, isStats: boolean): void {
    const index = this.starts.length;
    if (isStats) {
      const at = this.lastStats.get(session);
      // Behind: the newest STATS of a session is the only one worth sending (they are cumulative).
      if (this.behind && at !== undefined) this.kill(at, at + 1 < index ? this.starts[at + 1]! : start);
      this.lastStats.set(session, index);
    } else this.lastStats.delete(session);
    this.starts.push(start);
    this.meta.push((session + 1) * 2 + (isStats ? 1 : 0));
    this.live++;
    if (!this.behind && (this.live >= MAX_WAITING || this.len >= MAX_WAITING_BYTES)) this.fallBehind();
    // Merged lines are dropped from the buffer once they are half of it: a reader stuck on one write does not
    // make the buffer grow with every STATS.
    if (this.deadBytes > INITIAL_BUFFER_BYTES && this.deadBytes * 2 > this.len) this.compact();
    if (!this.scheduled) {
      this.scheduled = true;
      // After the current batch of socket data: one write per batch, still within a millisecond.
      setImmediate(this.tick);
    }
  }

  private end(i: number): number {
    return i + 1 < this.starts.length ? this.starts[i + 1]! : this.len;
  }

  /** Line i, ending at `end`, merged away. */
  private kill(i: number, end = this.end(i)): void {
    if (this.meta[i] === DEAD) return;
    this.meta[i] = DEAD;
    this.deadBytes += end - this.starts[i]!;
    this.live--;
    this.merged++;
  }

  /** The reader is behind: from now on STATS merge, and those already waiting are merged too. */
  private fallBehind(): void {
    this.behind = true;
    // From the newest back: a STATS with a later STATS of its session and no other event of that session in
    // between is superseded.
    const laterStats = new Set<number>();
    for (let i = this.starts.length - 1; i >= 0; i--) {
      const m = this.meta[i]!;
      if (m === DEAD) continue;
      const session = m >> 1;
      if ((m & 1) === 0) laterStats.delete(session);
      else if (!laterStats.has(session)) laterStats.add(session);
      else this.kill(i);
    }
  }

  /** Drops merged lines from the buffer (moving the others down, a run of them at a time) and renumbers the lines. */
  private compact(): void {
    const { starts, meta, buf } = this;
    const count = starts.length;
    if (this.renumbered.length < count) this.renumbered = new Int32Array(Math.max(count, this.renumbered.length * 2));
    let n = 0;
    let o = 0;
    // The run of live lines being gathered: its bytes at buf[runFrom, runTo), to go to buf[runAt…).
    let runFrom = 0;
    let runTo = 0;
    let runAt = 0;
    for (let i = 0; i < count; i++) {
      this.renumbered[i] = -1;
      if (meta[i] === DEAD) continue;
      const from = starts[i]!;
      const to = i + 1 < count ? starts[i + 1]! : this.len;
      if (from !== runTo) {
        if (runAt !== runFrom) buf.copyWithin(runAt, runFrom, runTo);
        runFrom = from;
        runAt = o;
      }
      runTo = to;
      // In place: line n (n <= i) takes line i's place; starts[i + 1] is still read above before it is written.
      starts[n] = o;
      meta[n] = meta[i]!;
      this.renumbered[i] = n++;
      o += to - from;
    }
    if (runAt !== runFrom) buf.copyWithin(runAt, runFrom, runTo);
    starts.length = n;
    meta.length = n;
    for (const [session, at] of this.lastStats) {
      const now = this.renumbered[at]!;
      if (now < 0) this.lastStats.delete(session);
      else this.lastStats.set(session, now);
    }
    this.len = o;
    this.deadBytes = 0;
  }

  /** Hands waiting lines to the stream as one write, unless a write is still in flight. */
  private pump(): void {
    if (this.inFlight || this.broken || this.starts.length === 0) return;
    if (this.deadBytes > 0) this.compact();
    const limit = this.behind ? BEHIND_BATCH_BYTES : this.batchLimit;
    // Lines [0, n) go: those that start within the limit (at least one).
    let n = this.starts.length;
    if (this.len > limit) {
      n = 1;
      while (n < this.starts.length && this.starts[n]! < limit) n++;
    }
    const batchEnd = n === this.starts.length ? this.len : this.starts[n]!;
    const out = this.buf;
    const rest = this.len - batchEnd;
    const next = this.spare !== null && this.spare.length >= rest ? this.spare : Buffer.allocUnsafe(Math.max(INITIAL_BUFFER_BYTES, rest + (rest >> 1)));
    this.spare = null;
    if (rest > 0) out.copy(next, 0, batchEnd, this.len);
    if (n === this.starts.length) {
      this.starts = [];
      this.meta = [];
      this.lastStats.clear();
    } else {
      this.starts = this.starts.slice(n).map((s) => s - batchEnd);
      this.meta = this.meta.slice(n);
      for (const [session, at] of this.lastStats) {
        if (at < n) this.lastStats.delete(session);
        else this.lastStats.set(session, at - n);
      }
    }
    this.buf = next;
    this.len = rest;
    this.live -= n;
    this.written += n;
    if (batchEnd === 0) return;
    const sent = batchEnd <= DIRECT_BYTES ? this.writeDirect(out, batchEnd) : 0;
    if (sent < 0) return this.markBroken();
    this.inFlight = true;
    this.inFlightSince = performance.now();
    this.inFlightTurn = this.turn;
    this.inFlightBuffer = out;
    if (sent === batchEnd) return this.afterWrite();
    this.stream.write(out.subarray(sent, batchEnd), this.afterWrite);
  }

  /** Bytes of out[0, n) the pipe took at once through the direct fd (0 if none or no such fd); -1: the reader is gone. */
  private writeDirect(out: Buffer, n: number): number {
    if (this.direct === null) return 0;
    try {
      return fs.writeSync(this.direct, out, 0, n);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EPIPE") return -1;
      // Anything but a full pipe: leave it to the stream, which reports real errors.
      if (code !== "EAGAIN") this.direct = null;
      return 0;
    }
  }

  /** Writes everything queued, then ends the stream; resolves when the bytes are handed to the OS (or the reader is gone). */
  close(): Promise<void> {
    this.closing = true;
    return new Promise((resolve) => {
      const wait = () => {
        if (this.broken) return resolve();
        this.pump();
        if (!this.inFlight && this.starts.length === 0) return void this.stream.end(() => (this.closeDirect(), resolve()));
        setTimeout(wait, 5);
      };
      wait();
    });
  }

  private closeDirect(): void {
    if (this.direct === null) return;
    fs.closeSync(this.direct);
    this.direct = null;
  }

  private markBroken(): void {
    if (this.broken) return;
    this.broken = true;
    this.closeDirect();
    this.starts = [];
    this.meta = [];
    this.len = 0;
    this.live = 0;
    this.deadBytes = 0;
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

/**
 * The pipe on fd opened again through /proc as a description of its own, set non-blocking: fd's description stays
 * blocking, as the parent (and anyone sharing it) expects. Linux only; null for anything but a pipe with a reader.
 * Opened close-on-exec, as Node opens every file: ascp does not inherit it.
 */
function reopenPipeNonBlocking(fd: number): number | null {
  try {
    if (!fs.fstatSync(fd).isFIFO()) return null;
    return fs.openSync(`/proc/self/fd/${fd}`, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
  } catch {
    return null;
  }
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
