// One ascp process: spawn, watch, signal, and keep the tail of what it printed.
//
// node:child_process rather than execa: ascp runs in its own process group (detached) so that a cancel reaches
// it and whatever it started (ssh), and we signal that group ourselves in stages (SIGTERM, then SIGKILL after a
// grace period); execa's promise wrapper and single-pid kill semantics would get in the way of both.
import { spawn, type ChildProcess } from "node:child_process";
import type { Logger } from "./log.js";

/** Bytes of ascp's stderr kept for RESULT when it fails. */
const TAIL_BYTES = 4096;

export type ProcessExit = { code: number | null; signal: NodeJS.Signals | null };

export class AscpProcess {
  readonly pid: number;
  readonly exited: Promise<ProcessExit>;
  private exit: ProcessExit | null = null;
  private tail = "";
  private readonly child: ChildProcess;

  private constructor(child: ChildProcess, pid: number, exited: Promise<ProcessExit>) {
    this.child = child;
    this.pid = pid;
    this.exited = exited.then((e) => (this.exit = e));
  }

  /** Starts ascp; rejects with the OS error (ENOENT, EACCES...) when it cannot start. */
  static start(path: string, argv: string[], env: NodeJS.ProcessEnv, cwd: string, log: Logger, label: string): Promise<AscpProcess> {
    return new Promise((resolve, reject) => {
      const child = spawn(path, argv, { env, cwd, stdio: ["ignore", "pipe", "pipe"], detached: true });
      const stderrEnded = new Promise<void>((r) => child.stderr!.once("close", () => r()));
      const exited = new Promise<ProcessExit>((r) =>
        child.once("exit", (code, signal) => {
          // Whatever ascp left in its group (ssh, helpers) has no purpose without it: a crashed ascp must not
          // leave orphans. Done at once, while the group id cannot have been reused.
          try {
            process.kill(-child.pid!, "SIGKILL");
          } catch {
            // No such group left: nothing to clean.
          }
          // The last stderr lines may still be in the pipe: wait for them briefly, for the stderr tail in RESULT.
          void Promise.race([stderrEnded, new Promise((t) => setTimeout(t, 250))]).then(() => r({ code, signal }));
        }),
      );
      child.once("error", (error) => reject(error));
      child.once("spawn", () => {
        const proc = new AscpProcess(child, child.pid!, exited);
        // Both pipes are drained so ascp never blocks writing; stdout is never ours (it carries NDJSON only).
        proc.drain(child.stdout!, log, `${label} stdout`);
        proc.drain(child.stderr!, log, `${label} stderr`, true);
        resolve(proc);
      });
    });
  }

  get hasExited(): boolean {
    return this.exit !== null;
  }

  get stderrTail(): string {
    return this.tail;
  }

  /** Signals ascp's whole process group; a group that is already gone is not an error. */
  signal(signal: NodeJS.Signals): void {
    if (this.exit) return;
    try {
      process.kill(-this.pid, signal);
    } catch {
      try {
        this.child.kill(signal);
      } catch {
        // Already gone.
      }
    }
  }

  /**
   * SIGTERM, then SIGKILL after graceMs; resolves when ascp has exited, or graceMs after SIGKILL in any case (a
   * process stuck in the kernel outlives SIGKILL for a while; the engine does not wait for it): then the exit is
   * {code: null, signal: null}.
   */
  async stop(graceMs: number): Promise<ProcessExit> {
    if (this.exit) return this.exit;
    this.signal("SIGTERM");
    let timer: NodeJS.Timeout | undefined;
    const killed = new Promise<ProcessExit>((resolve) => {
      timer = setTimeout(() => {
        this.signal("SIGKILL");
        timer = setTimeout(() => resolve({ code: null, signal: null }), graceMs);
      }, graceMs);
    });
    const exit = await Promise.race([this.exited, killed]);
    clearTimeout(timer);
    return exit;
  }

  /**
   * Logs whole lines only and masks the tail before cutting it: a secret split across two reads must be seen whole
   * by the redactor, or each half would go out unmasked.
   */
  private drain(stream: NodeJS.ReadableStream, log: Logger, label: string, keepTail = false): void {
    stream.setEncoding("utf8");
    let partial = "";
    const logLines = (text: string) => {
      for (const line of text.split("\n")) if (line) log.debug(`${label}: ${line}`);
    };
    stream.on("data", (text: string) => {
      if (keepTail) this.tail = log.redact(this.tail + text).slice(-TAIL_BYTES);
      if (!log.enabled("debug")) return;
      const lines = partial + text;
      const end = lines.lastIndexOf("\n");
      logLines(lines.slice(0, end + 1));
      partial = lines.slice(end + 1);
      // A line that never ends is still logged, in pieces of TAIL_BYTES.
      if (partial.length > TAIL_BYTES) {
        logLines(partial.slice(0, TAIL_BYTES));
        partial = partial.slice(TAIL_BYTES);
      }
    });
    stream.on("end", () => logLines(partial));
    stream.on("error", () => {});
  }
}
