// NDJSON output: one JSON object per line on stdout, nothing else.
//
// A slow reader must never stall ascp, so stdout is written asynchronously and never blocks the event loop
// (on Linux, process.stdout writes to a pipe synchronously: a full pipe would freeze the management socket too).
// While the reader lags, events queue here; consecutive STATS of one session replace each other in the queue,
// because they are cumulative (DESIGN §7). No other event is ever merged or dropped.
import fs from "node:fs";
import net from "node:net";
import type { Writable } from "node:stream";

interface Queued {
  event: object;
  session: number;
  stats: boolean;
}

/** Bytes per write while draining a backlog: large enough to be cheap, small enough not to hold a huge string. */
const BATCH_BYTES = 1 << 20;

export class NdjsonWriter {
  private readonly stream: Writable;
  private queue: Queued[] = [];
  /** Index in `queue` of the last STATS of a session, while no later event of that session is queued. */
  private lastStats = new Map<number, number>();
  private blocked = false;
  private scheduled = false;
  private broken = false;
  private brokenHandler: () => void = () => {};
  merged = 0;
  written = 0;

  /** fd: stdout by default; tests pass a stream. */
  constructor(output: number | Writable = 1) {
    this.stream = typeof output === "number" ? openOutput(output) : output;
    this.stream.on("error", () => this.markBroken());
    this.stream.on("close", () => {
      if (!this.closing) this.markBroken();
    });
    this.stream.on("drain", () => {
      this.blocked = false;
      this.pump();
    });
  }

  private closing = false;

  /** Called once when the reader is gone (EPIPE or closed pipe); later writes are discarded. */
  onBroken(handler: () => void): void {
    this.brokenHandler = handler;
  }

  get isBroken(): boolean {
    return this.broken;
  }

  /** Queues one event; `session` groups STATS for merging (-1 for engine events without a session). */
  write(event: object, session = -1, isStats = false): void {
    if (this.broken) return;
    if (isStats && this.blocked) {
      const at = this.lastStats.get(session);
      if (at !== undefined) {
        this.queue[at] = { event, session, stats: true };
        this.merged++;
        return;
      }
    }
    this.queue.push({ event, session, stats: isStats });
    if (isStats) this.lastStats.set(session, this.queue.length - 1);
    else this.lastStats.delete(session);
    if (!this.scheduled && !this.blocked) {
      this.scheduled = true;
      // Flush after the current batch of socket data: one write per batch, still within a millisecond.
      setImmediate(() => {
        this.scheduled = false;
        this.pump();
      });
    }
  }

  private pump(): void {
    while (!this.blocked && !this.broken && this.queue.length > 0) {
      let text = "";
      let taken = 0;
      for (; taken < this.queue.length && text.length < BATCH_BYTES; taken++) text += JSON.stringify(this.queue[taken]!.event) + "\n";
      this.written += taken;
      this.queue = taken === this.queue.length ? [] : this.queue.slice(taken);
      this.lastStats.clear();
      this.queue.forEach((q, i) => {
        if (q.stats) this.lastStats.set(q.session, i);
        else this.lastStats.delete(q.session);
      });
      if (!this.stream.write(text)) this.blocked = true;
    }
  }

  /** Writes everything queued, then ends the stream; resolves when the bytes are handed to the OS (or the reader is gone). */
  close(): Promise<void> {
    this.closing = true;
    return new Promise((resolve) => {
      const finish = () => {
        if (this.broken) return resolve();
        this.stream.end(() => resolve());
      };
      const wait = () => {
        if (this.broken || (this.queue.length === 0 && !this.blocked)) return finish();
        this.pump();
        setTimeout(wait, 5);
      };
      wait();
    });
  }

  private markBroken(): void {
    if (this.broken) return;
    this.broken = true;
    this.queue = [];
    this.lastStats.clear();
    this.brokenHandler();
  }
}

/** A non-blocking stream on fd: pipes and sockets through net.Socket, files and terminals through fs. */
function openOutput(fd: number): Writable {
  let stat: fs.Stats | undefined;
  try {
    stat = fs.fstatSync(fd);
  } catch {
    stat = undefined;
  }
  if (stat && (stat.isFIFO() || stat.isSocket())) return new net.Socket({ fd, readable: false, writable: true });
  return fs.createWriteStream("", { fd, autoClose: false });
}
