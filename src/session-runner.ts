// One ascp session of a job (one -C part): its attempts, each an ascp process with its own management
// listener, and the retries between them. The job (job.ts) owns several of these.
import { randomBytes } from "./random.js";
import { AscpProcess, type ProcessExit } from "./ascp-process.js";
import { MgmtListener, ioSettled, userStringArg, type Peer, type Refusal } from "./mgmt-port.js";
import { exitedEarlyMessage, refusalText } from "./ascp-complaint.js";
import type { FrameWarning, RawFrame, SteadyFrame } from "./mgmt/frame-parser.js";
import { typeFrame, type AscpEvent } from "./mgmt/typing.js";
import { isPlainFrame } from "./mgmt/frame-json.js";
import { REDACTED_FIELDS } from "./mgmt/field-names.js";
import { ascpError } from "./mgmt/errors.js";
import { sessionArgvWithOrigins, type Plan } from "./plan/plan.js";
import type { Logger } from "./log.js";
import type { FrameFacts } from "./progress/model.js";
import type { ErrorInfo, SessionOutcome } from "./generated/events.js";
import { ASCP_CODE, ENGINE_EVENT_TYPES } from "./generated/facts.js";

export interface ResumePolicy {
  iter_max: number;
  sleep_initial: number;
  sleep_factor: number;
  sleep_max: number;
}

export interface SessionConfig {
  /** 0-based, as in events. */
  index: number;
  ascpPath: string;
  plan: Plan;
  fileListPath: string | undefined;
  env: NodeJS.ProcessEnv;
  cwd: string;
  spawnTimeoutMs: number;
  resume: ResumePolicy;
  /** How long ascp gets to exit after CANCEL, then after SIGTERM, before the next step. */
  graceMs: number;
  maxFrameBytes: number;
}

export interface SessionHooks {
  /**
   * Every ascp frame of this session, in order (the job writes it, adding session_index). `event` is the frame as
   * an object when it must be written from one (not plain, see mgmt/frame-json.ts), else null: written from its bytes.
   * Returns the progress facts read from the frame (progress/facts.ts), valid until the next frame.
   */
  frame(frame: RawFrame, event: AscpEvent | null): FrameFacts;
  /** A steady frame (mgmt/frame-parser.ts) of a plain STATS template, in order with the others: as frame(f, null). */
  steady(frame: SteadyFrame): FrameFacts;
  spawned(info: { attempt: number; pid: number; argv: string[] }): void;
  retrying(info: { attempt: number; code: number; name: string; message: string; delaySec: number }): void;
  warning(code: string, message: string): void;
  log: Logger;
}

type AttemptEnd =
  | { kind: "done"; exit: ProcessExit; hung: boolean }
  | { kind: "error"; code: number; description: string; exit: ProcessExit }
  | { kind: "lost"; message: string; exit: ProcessExit | null }
  | { kind: "spawn_failed"; message: string }
  | { kind: "exited_early"; exit: ProcessExit; argv: string[]; origins: string[]; refused: Refusal[] }
  | { kind: "stopped"; exit: ProcessExit | null }
  | { kind: "aborted"; failure: ErrorInfo; exit: ProcessExit | null };

const { USER_CANCEL, SOME_FILE_ERRS } = ASCP_CODE;
const { CONNECTION_LOST } = ASCP_CODE;
const EXITED_ACCEPT_MS = 200;

/** Wait before retry n (0-based): sleep_initial·factorⁿ, capped at sleep_max. */
export function retryDelaySec(r: ResumePolicy, n: number): number {
  // Rounded to the millisecond: 0.05·3 must read 0.15 in RETRY, not 0.15000000000000002.
  return Math.round(Math.min(r.sleep_max, r.sleep_initial * Math.pow(r.sleep_factor, n)) * 1000) / 1000;
}

export class SessionRunner {
  private peer: Peer | null = null;
  private proc: AscpProcess | null = null;
  private pending: string[] = [];
  private stopRequested: "cancel" | "stop" | null = null;
  /** abort() was called during the current attempt: how that attempt ends. */
  private abortFailure: ErrorInfo | null = null;
  private wakeStop!: () => void;
  private readonly stopSignal = new Promise<void>((r) => (this.wakeStop = r));
  private finished = false;
  private attempts = 0;
  private sessionId: string | undefined;
  private passed = new Set<string>();
  private failed = new Set<string>();
  private skipped = new Set<string>();
  private done: AscpEvent | null = null;
  private bytesEarlierAttempts = 0;
  private transferBytes = 0;
  private fileBytes = 0;

  constructor(
    private readonly config: SessionConfig,
    private readonly hooks: SessionHooks,
  ) {}

  get ended(): boolean {
    return this.finished;
  }

  /** stop() was called: the session is ending, or must not start. */
  get stopping(): boolean {
    return this.stopRequested !== null;
  }

  /** Sends a command frame now, or when ascp connects; "ended" when the session is over. */
  send(frame: string): "sent" | "queued" | "ended" {
    if (this.finished || this.stopRequested) return "ended";
    if (this.peer && !this.peer.socket.destroyed) {
      this.peer.socket.write(frame);
      return "sent";
    }
    this.pending.push(frame);
    return "queued";
  }

  /**
   * Ends the session early: "cancel" (user) or "stop" (a sibling failed). CANCEL goes to ascp first; its
   * process group gets SIGTERM after the grace period, then SIGKILL.
   */
  stop(kind: "cancel" | "stop"): void {
    if (this.stopRequested || this.finished) return;
    this.stopRequested = kind;
    this.wakeStop();
    const proc = this.proc;
    if (!proc || proc.hasExited) return;
    this.terminate(proc);
  }

  /**
   * Ends the running attempt with this failure (a stall, say): ascp is stopped as by stop(), and run() retries
   * when the failure is retryable, like any retryable failure (RETRY), else the session fails with it.
   */
  abort(failure: ErrorInfo): void {
    const proc = this.proc;
    if (this.stopRequested || this.finished || this.abortFailure || !proc || proc.hasExited) return;
    this.abortFailure = failure;
    this.terminate(proc);
  }

  /** CANCEL to ascp; its process group gets SIGTERM after the grace period, then SIGKILL. */
  private terminate(proc: AscpProcess): void {
    if (this.peer && !this.peer.socket.destroyed) this.peer.socket.write("FASPMGR 2\nType: CANCEL\n\n");
    const grace = this.config.graceMs;
    const term = setTimeout(() => void proc.stop(grace), grace);
    void proc.exited.then(() => clearTimeout(term));
  }

  /** Kills ascp's group at once (second signal, engine exit). */
  kill(): void {
    this.proc?.signal("SIGKILL");
  }

  async run(): Promise<SessionOutcome> {
    const { resume } = this.config;
    let end: AttemptEnd;
    for (;;) {
      this.attempts++;
      end = await this.attempt(this.attempts);
      this.abortFailure = null;
      const failure = this.failureOf(end);
      if (!failure || !failure.retryable || this.stopRequested || this.attempts > resume.iter_max) break;
      const delaySec = retryDelaySec(resume, this.attempts - 1);
      this.hooks.retrying({ attempt: this.attempts, code: failure.code!, name: failure.name!, message: failure.message, delaySec });
      this.bytesEarlierAttempts += this.transferBytes;
      this.transferBytes = 0;
      this.fileBytes = 0;
      this.done = null;
      await Promise.race([sleep(delaySec * 1000), this.stopSignal]);
      if (this.stopRequested) {
        // Stopped while waiting to retry: the session ends because of the stop, not the failure before it.
        end = { kind: "stopped", exit: "exit" in end ? end.exit : null };
        break;
      }
    }
    this.finished = true;
    // ascp's refusal (or our refusal of its connection) is the one thing to read on stderr at the default level.
    if (end.kind === "exited_early") this.hooks.log.error(`session ${this.config.index}: ${this.failureOf(end)!.message}`);
    return this.outcome(end);
  }

  private async attempt(attempt: number): Promise<AttemptEnd> {
    const cfg = this.config;
    const listener = await MgmtListener.open();
    // A user's own -u (agent.ascp_args, e.g. a FASP manager's session tag) reaches ascp unchanged and alone: ascp keeps
    // the last -u, so a nonce of ours would be dropped anyway. The peer check then expects the user's value in INIT
    // where /proc cannot prove the connection is ascp's (mgmt-port.ts).
    const userTag = userStringArg(cfg.plan.ascpArgs);
    const nonce = userTag === undefined ? randomBytes(12).toString("hex") : undefined;
    // The origins name the spec key behind an option ascp refuses.
    const { argv, origins } = sessionArgvWithOrigins(cfg.plan, { index: cfg.index + 1, mgmtPort: listener.port, userStr: nonce, fileListPath: cfg.fileListPath });
    let proc: AscpProcess;
    try {
      proc = await AscpProcess.start(cfg.ascpPath, argv, cfg.env, cfg.cwd, this.hooks.log, `session ${cfg.index}`);
    } catch (error) {
      listener.close();
      const e = error as NodeJS.ErrnoException;
      return { kind: "spawn_failed", message: `cannot start ${cfg.ascpPath}: ${e.code ?? ""} ${e.message}`.replace(/\s+/g, " ") };
    }
    this.proc = proc;
    this.hooks.spawned({ attempt, pid: proc.pid, argv });
    this.hooks.log.debug(`session ${cfg.index} attempt ${attempt}: ascp pid ${proc.pid} on management port ${listener.port}`);

    const waited = await listener.waitForPeer({
      userStr: userTag ?? nonce!,
      pid: proc.pid,
      timeoutMs: cfg.spawnTimeoutMs,
      maxFrameBytes: cfg.maxFrameBytes,
      onStray: (reason) => this.hooks.warning("stray_connection", reason),
      // A quick ascp can connect, send everything and exit before its connection is even accepted: after its exit,
      // a moment for what it left in the listener's queue.
      abort: Promise.race([proc.exited.then(() => sleep(EXITED_ACCEPT_MS)), this.stopSignal]),
    });
    if (waited.kind === "timeout") {
      const exit = await proc.stop(cfg.graceMs);
      const within = `within ${cfg.spawnTimeoutMs / 1000} s`;
      const message = waited.refused.length === 0 ? `ascp did not connect to the management port ${within}` : `no management connection could be accepted ${within}: ${refusalText(waited.refused)}`;
      return { kind: "lost", message, exit };
    }
    if (waited.kind === "aborted") {
      if (this.stopRequested) return { kind: "stopped", exit: await proc.stop(cfg.graceMs) };
      return { kind: "exited_early", exit: await proc.exited, argv, origins, refused: waited.refused };
    }
    return this.monitor(waited.peer, proc);
  }

  /** Reads frames until the socket closes and ascp exits; classifies how the attempt ended. */
  private async monitor(peer: Peer, proc: AscpProcess): Promise<AttemptEnd> {
    this.peer = peer;
    let terminal: AscpEvent | null = null;
    // After DONE or ERROR, ascp has nothing more to say: it gets graceMs to close and exit, not forever.
    let wakeTerminal!: () => void;
    const terminalSeen = new Promise<void>((r) => (wakeTerminal = r));
    const onFrame = (frame: RawFrame) => {
      const plain = isPlainFrame(frame);
      // An object only for what the engine reasons about: a plain STATS is written from its bytes, and its byte
      // counts read from them (the same numbers typing.ts gives a plain frame).
      const event = plain && frame.type === "STATS" ? null : typed(frame);
      const type = event === null ? frame.type : event.type;
      // A Type ascp never uses but our own events do would be mistaken for ours downstream.
      if (ENGINE_EVENT_TYPES.has(type)) {
        this.hooks.warning("malformed_frame", `ascp sent a frame of type ${type}, which only asession itself emits; dropped`);
        return;
      }
      if (event === null) {
        // The byte counts as the progress facts read them from the bytes: the frame is not read twice.
        const facts = this.hooks.frame(frame, null);
        this.trackBytes(facts.transferBytes, facts.fileBytes);
        return;
      }
      this.track(event);
      if (!terminal && (event.type === "DONE" || event.type === "ERROR")) {
        terminal = event;
        wakeTerminal();
      }
      this.hooks.frame(frame, plain ? null : event);
    };
    const onWarning = (w: FrameWarning) => this.hooks.warning(w.code, w.message);
    for (const item of peer.first.splice(0)) "frame" in item ? onFrame(item.frame) : onWarning(item.warning);
    peer.onFrame = onFrame;
    peer.onWarning = onWarning;
    // Frames that repeat a plain STATS's lines but for a few values come whole, without a RawFrame: the same line is
    // written and the same facts read (frame-json.ts writeSteadyJson, progress/facts.ts readSteadyFacts).
    peer.parser.enableSteady(
      (frame) => frame.type === "STATS" && isPlainFrame(frame),
      (frame) => {
        const facts = this.hooks.steady(frame);
        this.trackBytes(facts.transferBytes, facts.fileBytes);
      },
    );
    for (const frame of this.pending.splice(0)) peer.socket.write(frame);

    // peer.closed, not a new "close" listener: the socket may have closed already (ascp sent its frames and died).
    const closed = peer.closed;
    // ascp gone but its socket held open (by a child, say): stop waiting for the socket after a moment, once what it
    // sent before is read (the timer can come before that I/O after a pause).
    void proc.exited.then(() => setTimeout(() => void ioSettled(() => true).then(() => peer.socket.destroy()), 1000).unref());
    const grace = this.config.graceMs;
    const connectionHung = await Promise.race([closed.then(() => false), terminalSeen.then(() => sleep(grace)).then(() => true)]);
    peer.socket.destroy();
    peer.parser.end();
    this.peer = null;
    // ascp still running: a moment to exit (none if it already held the connection too long), then it is made to.
    const exited = await Promise.race([proc.exited.then(() => true), sleep(connectionHung ? 0 : grace).then(() => false)]);
    const final = (terminal as AscpEvent | null)?.type;
    const hung = !exited;
    if (hung && final !== undefined) this.hooks.warning("ascp_hung", `ascp sent ${final} but did not end within ${grace / 1000} s; stopped with SIGTERM, then SIGKILL`);
    const exit = exited ? await proc.exited : await proc.stop(grace);

    const t = terminal as AscpEvent | null;
    if (this.abortFailure && t?.type !== "DONE") return { kind: "aborted", failure: this.abortFailure, exit };
    if (this.stopRequested && (!t || t.type !== "DONE")) return { kind: "stopped", exit };
    // DONE is ascp's last word on the transfer: being stopped afterwards for hanging does not undo it.
    if (t?.type === "DONE") return { kind: "done", exit, hung };
    if (t?.type === "ERROR") {
      const code = typeof t.code === "number" ? t.code : 0;
      return { kind: "error", code, description: typeof t.description === "string" ? t.description : "", exit };
    }
    const after = hung ? `, then did not exit and was stopped (${describeExit(exit)})` : ` (${describeExit(exit)})`;
    return { kind: "lost", message: `ascp closed the management connection without DONE or ERROR${after}`, exit };
  }

  private track(event: AscpEvent): void {
    const file = typeof event.file === "string" ? event.file : undefined;
    switch (event.type) {
      case "INIT":
        if (typeof event.session_id === "string") this.sessionId = event.session_id;
        break;
      case "STOP":
        if (file !== undefined) {
          this.passed.add(file);
          this.failed.delete(file);
        }
        break;
      case "FILEERROR":
        if (file !== undefined && !this.passed.has(file)) this.failed.add(file);
        break;
      case "SKIP":
        if (file !== undefined) this.skipped.add(file);
        break;
      case "DONE":
        this.done = event;
        break;
    }
    this.trackBytes(event.transfer_bytes, event.file_bytes);
  }

  private trackBytes(transferBytes: unknown, fileBytes: unknown): void {
    if (typeof transferBytes === "number" && transferBytes > this.transferBytes) this.transferBytes = transferBytes;
    if (typeof fileBytes === "number" && fileBytes > this.fileBytes) this.fileBytes = fileBytes;
  }

  private failureOf(end: AttemptEnd): ErrorInfo | null {
    switch (end.kind) {
      case "done": {
        const failedFiles = typeof this.done?.transfers_failed === "number" ? this.done.transfers_failed : this.failed.size;
        // DONE with failed files (FILEERROR) is not a success, whatever the exit status says.
        if (failedFiles > 0) {
          return { source: "ascp", code: SOME_FILE_ERRS, name: "SOME_FILE_ERRS", message: `${failedFiles} file(s) failed (see the FILEERROR events)`, retryable: false };
        }
        if (end.hung || end.exit.code === 0 || (end.exit.code === null && end.exit.signal === null)) return null;
        return { source: "ascp", message: `ascp sent DONE but exited with ${describeExit(end.exit)}`, retryable: false };
      }
      case "error": {
        const info = ascpError(end.code);
        return {
          source: "ascp",
          code: end.code,
          name: info?.name ?? "UNKNOWN",
          message: end.description || info?.description || `ascp error ${end.code}`,
          retryable: info?.retryable ?? false,
        };
      }
      case "lost":
        return { source: "engine", code: CONNECTION_LOST, name: "CONNECTION_LOST", message: end.message, retryable: true };
      case "spawn_failed":
        return { source: "engine", message: end.message, retryable: false };
      case "exited_early":
        return {
          source: "engine",
          message: this.hooks.log.redact(exitedEarlyMessage({ exit: describeExit(end.exit), stderr: this.proc?.stderrTail ?? "", argv: end.argv, origins: end.origins, refused: end.refused })),
          retryable: false,
        };
      case "aborted":
        return end.failure;
      case "stopped":
        return { source: "engine", code: USER_CANCEL, name: "USER_CANCEL", message: this.stopRequested === "cancel" ? "cancelled" : "stopped because another session of the job failed", retryable: false };
    }
  }

  private outcome(end: AttemptEnd): SessionOutcome {
    const error = this.failureOf(end);
    const exit = "exit" in end ? end.exit : null;
    // Stopped by the engine (user cancel, or a sibling session failed) or cancelled by a CANCEL command.
    const cancelled = end.kind === "stopped" || (end.kind === "error" && end.code === USER_CANCEL);
    const status: SessionOutcome["status"] = !error ? "success" : cancelled ? "cancelled" : end.kind === "spawn_failed" && this.attempts === 1 ? "not_started" : "failed";
    const doneCount = (v: unknown, fallback: number) => (typeof v === "number" ? v : fallback);
    const out: SessionOutcome = {
      session_index: this.config.index,
      status,
      attempts: this.attempts,
      error,
      files_passed: doneCount(this.done?.transfers_passed, this.passed.size),
      files_failed: doneCount(this.done?.transfers_failed, this.failed.size),
      files_skipped: doneCount(this.done?.transfers_skipped, this.skipped.size),
      bytes_transferred: this.bytesEarlierAttempts + this.transferBytes,
      file_bytes: this.fileBytes,
    };
    if (this.sessionId !== undefined) out.session_id = this.sessionId;
    if (this.proc) out.pid = this.proc.pid;
    if (exit) {
      out.exit_code = exit.code;
      out.signal = exit.signal;
    }
    if (error && this.proc?.stderrTail) out.stderr_tail = this.proc.stderrTail;
    return out;
  }
}

/** The frame as typing.ts's event; ascp may echo credentials (Cookie in INIT, say): secrets never reach stdout. */
function typed(frame: RawFrame): AscpEvent {
  const event = typeFrame(frame.toFrame());
  for (const key of REDACTED_FIELDS) if (key in event) event[key] = "***";
  return event;
}

function describeExit(exit: ProcessExit | null): string {
  if (!exit) return "still running";
  if (exit.code === null && exit.signal === null) return "still running after SIGKILL";
  return exit.signal ? `signal ${exit.signal}` : `exit status ${exit.code}`;
}

/** Node fires a timer over 2^31-1 ms (24.8 days) after 1 ms: a huge delay or timeout ("forever") would be none. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.min(ms, MAX_TIMER_MS)));
}
