// A transfer job: N ascp sessions (multi_session), their events on one stdout, stdin commands routed to them,
// cancellation, and the RESULT line. Planning and validation happen before (cli.ts); the job only runs.
import { writeFileList, collectStale, privateFolder, type WrittenFileList } from "./plan/file-list.js";
import type { Plan } from "./plan/plan.js";
import { SessionRunner, sleep, type ResumePolicy } from "./session-runner.js";
import { parseCommandLine } from "./mgmt/command-line.js";
import { validateCommand } from "./validate.js";
import type { InputReader, Line } from "./intake.js";
import type { NdjsonWriter } from "./ndjson-writer.js";
import type { Logger } from "./log.js";
import type { AscpEvent } from "./mgmt/typing.js";
import { ASCP_ERRORS } from "./mgmt/errors.js";
import type { RawFrame, SteadyFrame } from "./mgmt/frame-parser.js";
import { writeFrameJson, writeSteadyJson } from "./mgmt/frame-json.js";
import { ProgressModel, emptyFacts, FrameKind, type ProgressModelEvent, type ProgressSnapshot, type SessionEnd } from "./progress/model.js";
import { readFacts, readFrameFacts, readSteadyFacts } from "./progress/facts.js";
import type { ErrorInfo, ResultEvent, SessionOutcome } from "./generated/events.js";
import type { SessionSpec } from "./generated/session-spec.js";
import { MAX_FRAME_BYTES, EXIT } from "./limits.js";
import { AGENT_DEFAULTS, ASCP_CODE } from "./generated/facts.js";

export interface JobInput {
  session: SessionSpec;
  plan: Plan;
  ascpPath: string;
  input: InputReader;
  writer: NdjsonWriter;
  log: Logger;
  startedAt: number;
  /** Also told every event of the progress model (the terminal line of cli.ts). */
  onProgress?: (event: ProgressModelEvent) => void;
}

export interface JobEnding {
  status: ResultEvent["status"];
  error: string | null;
  progress: ProgressSnapshot;
  rateAvgBps: number;
}

const DONE_FRAME = "FASPMGR 2\nType: DONE\n\n";

export class Job {
  private readonly sessions: SessionRunner[] = [];
  private readonly ascpOnly: boolean;
  /** events "progress": engine events only, no ascp frame on stdout. */
  private readonly engineOnly: boolean;
  private model: ProgressModel | null = null;
  private readonly facts = emptyFacts();
  private readonly timers: NodeJS.Timeout[] = [];
  private ending: JobEnding | null = null;
  private resultWritten = false;
  private cancelled = false;
  private signalled = false;
  private wakeCancel!: () => void;
  private readonly cancelSignal = new Promise<void>((r) => (this.wakeCancel = r));
  private fileList: WrittenFileList | null = null;
  private readonly doneSent = new Set<number>();

  constructor(private readonly j: JobInput) {
    this.ascpOnly = j.session.events === "ascp";
    this.engineOnly = j.session.events === "progress";
  }

  /**
   * SIGINT/SIGTERM or a reader that went away ("signal"), or a CANCEL command of the whole job ("command"). A second
   * signal kills at once; a CANCEL command never does (a binding may send CANCEL, then signal after a timeout).
   */
  cancel(kind: "signal" | "command" = "signal"): void {
    if (kind === "signal") {
      if (this.signalled) {
        for (const s of this.sessions) s.kill();
        return;
      }
      this.signalled = true;
    }
    if (this.cancelled) return;
    this.cancelled = true;
    this.wakeCancel();
    for (const s of this.sessions) s.stop("cancel");
  }

  /** Kills every ascp's process group at once (second signal, forced exit). */
  kill(): void {
    for (const s of this.sessions) s.kill();
  }

  /** The progress model's snapshot now (null before the sessions exist). */
  progressSnapshot(): ProgressSnapshot | null {
    return this.model?.snapshot() ?? null;
  }

  /** How the job ended, for the final summary on stderr; null while it runs (or when it ended before any session). */
  get ended(): JobEnding | null {
    return this.ending;
  }

  /** Removes the file list now; for exit paths that cannot wait. */
  cleanupSync(): void {
    this.fileList?.removeSync();
  }

  async run(): Promise<number> {
    const { session, plan, log } = this.j;
    for (const key of plan.unknownKeys) {
      this.engineEvent({ type: "WARNING", code: "unknown_spec_key", key, message: `spec.${key} is not a transfer spec key asession knows; ignored` });
    }
    for (const key of plan.ignoredKeys) log.debug(`spec.${key} is only used by other transfer agents; ignored`);
    for (const w of plan.warnings) {
      log.warn(w.message);
      this.engineEvent({ type: "WARNING", ...w });
    }
    void this.collectStaleLists();

    try {
      if (plan.fileList && "lines" in plan.fileList) this.fileList = writeFileList(plan.fileList.lines, session.file_list_folder);
    } catch (error) {
      return this.finish([], { source: "engine", message: `cannot write the file list: ${(error as Error).message}`, retryable: false });
    }

    const agent = session.agent ?? {};
    this.startProgress(plan.sessionCount);
    const resume: ResumePolicy = { ...AGENT_DEFAULTS.resume, ...agent.resume };
    const env = { ...process.env, ...plan.env };
    for (let i = 0; i < plan.sessionCount; i++) {
      this.sessions.push(
        new SessionRunner(
          {
            index: i,
            ascpPath: this.j.ascpPath,
            plan,
            fileListPath: this.fileList?.path,
            env,
            cwd: process.cwd(),
            spawnTimeoutMs: (agent.spawn_timeout_sec ?? AGENT_DEFAULTS.spawn_timeout_sec) * 1000,
            resume,
            graceMs: 2000,
            maxFrameBytes: MAX_FRAME_BYTES,
          },
          this.hooks(i),
        ),
      );
    }
    this.j.input.onLines(
      (line) => this.onLine(line),
      () => this.onInputEnd(),
    );

    // Sessions start spawn_delay_sec apart; one that fails (after its retries) stops its siblings.
    const delayMs = (agent.spawn_delay_sec ?? AGENT_DEFAULTS.spawn_delay_sec) * 1000;
    const outcomes: Promise<SessionOutcome>[] = [];
    let siblingFailed = false;
    let wakeFailed!: () => void;
    const failedSignal = new Promise<void>((r) => (wakeFailed = r));
    for (const [i, runner] of this.sessions.entries()) {
      if (i > 0) await Promise.race([sleep(delayMs), this.cancelSignal, failedSignal]);
      // After a cancel or a failed session the job is over: later sessions are not started at all.
      if (this.cancelled || siblingFailed || runner.stopping) {
        const outcome = notStarted(i, "cancelled");
        if (siblingFailed && !this.cancelled) outcome.error = { source: "engine", code: ASCP_CODE.USER_CANCEL, name: "USER_CANCEL", message: "not started because another session of the job failed", retryable: false };
        this.model?.sessionEnded(i, sessionEnd(outcome));
        outcomes.push(Promise.resolve(outcome));
        continue;
      }
      outcomes.push(
        runner.run().then((outcome) => {
          this.model?.sessionEnded(i, sessionEnd(outcome));
          if (outcome.status === "failed" || outcome.status === "not_started") {
            siblingFailed = true;
            wakeFailed();
            for (const s of this.sessions) if (s !== runner) s.stop("stop");
          }
          return outcome;
        }),
      );
    }
    const results = await Promise.all(outcomes);
    return this.finish(results, null);
  }

  private hooks(index: number) {
    const { log, writer } = this.j;
    const withIndex = this.ascpOnly ? undefined : index;
    return {
      log,
      frame: (frame: RawFrame, event: AscpEvent | null) => {
        // The raw frame first: the model's FILE_START/FILE_END follow the frame that caused them. A frame written from
        // its bytes gives the model the same facts as its event object would.
        const kind = event === null ? readFrameFacts(frame, this.facts) : readFacts(event, this.facts);
        if (!this.engineOnly) {
          if (event === null) writer.writeWith(writeFrameJson, frame, withIndex, index, kind === FrameKind.STATS);
          else {
            if (withIndex !== undefined) event.session_index = withIndex;
            writer.write(event, index, kind === FrameKind.STATS);
          }
        }
        this.model?.frame(index, kind, this.facts);
        return this.facts;
      },
      // As frame() for a frame written from its bytes.
      steady: (frame: SteadyFrame) => {
        const kind = readSteadyFacts(frame, this.facts);
        if (!this.engineOnly) writer.writeWith(writeSteadyJson, frame, withIndex, index, kind === FrameKind.STATS);
        this.model?.frame(index, kind, this.facts);
        return this.facts;
      },
      spawned: (info: { attempt: number; pid: number; argv: string[] }) => {
        log.info(`session ${index}: started ascp (pid ${info.pid}, attempt ${info.attempt})`);
        this.engineEvent({ type: "SPAWN", session_index: index, attempt: info.attempt, pid: info.pid, ascp_path: this.j.ascpPath, argv: info.argv }, index);
        this.model?.attemptStarted(index, info.attempt);
      },
      retrying: (info: { attempt: number; code: number; name: string; message: string; delaySec: number }) => {
        log.warn(`session ${index}: ${info.name} (${info.code}) on attempt ${info.attempt}: ${info.message}; retrying in ${info.delaySec} s`);
        this.engineEvent(
          { type: "RETRY", session_index: index, attempt: info.attempt, code: info.code, name: info.name, message: info.message, delay_sec: info.delaySec },
          index,
        );
        this.model?.retryWait(index);
      },
      warning: (code: string, message: string) => {
        log.warn(`session ${index}: ${message}`);
        this.engineEvent({ type: "WARNING", code, message, session_index: index }, index);
      },
    };
  }

  /**
   * The progress model and its timers: PROGRESS every progress_interval_ms, stall checks when
   * agent.stall_timeout_sec is set. Timers are unref'd: the sessions keep the process alive, not they.
   */
  private startProgress(sessionCount: number): void {
    const { session } = this.j;
    const agent = session.agent ?? {};
    const stallAction = agent.stall_action ?? "warn";
    const model = new ProgressModel({
      sessions: sessionCount,
      persistent: session.spec.keepalive === true,
      stallTimeoutMs: agent.stall_timeout_sec === undefined ? undefined : agent.stall_timeout_sec * 1000,
      stallAction,
      now: () => performance.now(),
      emit: (event) => {
        this.engineEvent(event, "session_index" in event ? event.session_index : -1);
        this.j.onProgress?.(event);
      },
    });
    this.model = model;
    const interval = session.progress_interval_ms ?? 1000;
    if (interval > 0) this.timers.push(setInterval(() => this.engineEvent(model.snapshot()), interval).unref());
    if (agent.stall_timeout_sec !== undefined) {
      const every = Math.max(50, Math.min(1000, (agent.stall_timeout_sec * 1000) / 4));
      this.timers.push(setInterval(() => this.onStalls(model.checkStalls(), stallAction, agent.stall_timeout_sec!), every).unref());
    }
  }

  /** stall_action retry: that ascp is stopped and the session retries (RETRY); fail: the session, so the job, fails. */
  private onStalls(stalled: number[], action: "warn" | "retry" | "fail", timeoutSec: number): void {
    if (action === "warn") return;
    for (const i of stalled) {
      const message = `no byte moved for ${timeoutSec} s (agent.stall_timeout_sec)`;
      this.j.log.warn(`session ${i}: stalled: ${message}; ${action === "retry" ? "restarting ascp" : "failing the job"}`);
      this.sessions[i]?.abort({ source: "engine", code: STALLED.code, name: STALLED.name, message: `transfer stalled: ${message}`, retryable: action === "retry" });
    }
  }

  private engineEvent(event: object, session = -1): void {
    // RESULT is the last line: a STATUS (or a timer) racing the end of the job writes nothing after it.
    if (!this.ascpOnly && !this.resultWritten) this.j.writer.write(event, session);
  }

  private onLine(line: Line): void {
    if ("tooLong" in line) {
      return this.reject(line.lineNo, `line ${line.lineNo} is longer than 1 MiB (${line.tooLong} bytes); ignored`);
    }
    if ("invalidUtf8" in line) return this.reject(line.lineNo, `line ${line.lineNo} is not valid UTF-8 (byte ${line.invalidUtf8}); not sent`);
    const parsed = parseCommandLine(line.text, line.lineNo, validateCommand);
    if (parsed.kind === "blank") return;
    if (!parsed.ok) return this.reject(line.lineNo, parsed.reason);
    if (parsed.command.type === "STATUS") {
      // Answered by the engine, never sent to ascp.
      if (this.model) this.engineEvent(this.model.snapshot());
      return;
    }
    const target = parsed.command.session_index;
    if (target !== undefined && target >= this.sessions.length) {
      return this.reject(line.lineNo, `session_index ${target} is out of range: the job has ${this.sessions.length} session(s)`, target);
    }
    const targets = target === undefined ? this.sessions.map((_, i) => i) : [target];
    if (parsed.command.type === "CANCEL") {
      // The same intent as SIGINT (and ascp 3.9 ignores the CANCEL frame): CANCEL, then SIGTERM, then SIGKILL.
      const live = targets.filter((i) => !this.sessions[i]!.ended);
      if (live.length === 0) return this.reject(line.lineNo, "the session has ended; CANCEL not sent", target);
      if (target === undefined) this.cancel("command");
      else this.sessions[target]!.stop("cancel");
      return;
    }
    let delivered = 0;
    for (const i of targets) {
      const state = this.sessions[i]!.send(parsed.frame);
      if (state !== "ended") delivered++;
      if (state !== "ended" && parsed.command.type === "DONE") this.doneSent.add(i);
      if (state !== "ended" && parsed.command.type === "START") this.model?.startQueued(i);
      this.j.log.debug(`line ${line.lineNo}: ${parsed.command.type} ${state} (session ${i})`);
    }
    if (delivered === 0) this.reject(line.lineNo, `the session has ended; ${parsed.command.type} not sent`, target);
  }

  private reject(line: number, reason: string, sessionIndex?: number): void {
    this.j.log.warn(`stdin line ${line} rejected: ${reason}`);
    const event: Record<string, unknown> = { type: "COMMAND_REJECTED", line, reason };
    if (sessionIndex !== undefined) event.session_index = sessionIndex;
    this.engineEvent(event);
  }

  /** End of stdin: no more commands. A persistent session is told so with DONE; a regular one goes on. */
  private onInputEnd(): void {
    if (!this.j.session.spec.keepalive) return;
    this.sessions.forEach((s, i) => {
      if (!this.doneSent.has(i) && s.send(DONE_FRAME) !== "ended") this.doneSent.add(i);
    });
    this.j.log.debug("stdin ended: DONE sent to the persistent session(s)");
  }

  private async collectStaleLists(): Promise<void> {
    try {
      const removed = await collectStale(privateFolder(this.j.session.file_list_folder));
      for (const dir of removed) this.j.log.info(`removed a file list left by a dead asession: ${dir}`);
    } catch (error) {
      this.j.log.debug(`stale file lists not collected: ${(error as Error).message}`);
    }
  }

  private async finish(outcomes: SessionOutcome[], engineError: ErrorInfo | null): Promise<number> {
    await this.fileList?.remove();
    this.fileList = null;
    // The session that failed first in index order; not_started ones only when none failed (ascp could not start).
    const failedSession = outcomes.find((o) => o.status === "failed") ?? outcomes.find((o) => o.status === "not_started");
    let status: ResultEvent["status"];
    let exitCode: number;
    let error: ErrorInfo | null;
    if (engineError) [status, exitCode, error] = ["failed", EXIT.FAILED, engineError];
    else if (this.cancelled) [status, exitCode, error] = ["cancelled", EXIT.CANCELLED, outcomes.find((o) => o.error)?.error ?? null];
    else if (failedSession) [status, exitCode, error] = ["failed", couldNotStart(failedSession) ? EXIT.NO_ASCP : EXIT.FAILED, failedSession.error];
    else if (outcomes.some((o) => o.status === "cancelled")) [status, exitCode, error] = ["cancelled", EXIT.CANCELLED, outcomes.find((o) => o.error)?.error ?? null];
    else [status, exitCode, error] = ["success", EXIT.OK, null];
    for (const t of this.timers) clearInterval(t);
    const progress = this.model?.finish();
    const sum = (k: "files_passed" | "files_failed" | "files_skipped" | "bytes_transferred" | "file_bytes") => outcomes.reduce((n, o) => n + (o[k] ?? 0), 0);
    const result: ResultEvent = {
      type: "RESULT",
      status,
      exit_code: exitCode,
      error,
      sessions: outcomes,
      totals: {
        files_passed: sum("files_passed"),
        files_failed: sum("files_failed"),
        files_skipped: sum("files_skipped"),
        bytes_transferred: sum("bytes_transferred"),
        file_bytes: sum("file_bytes"),
        ...(progress && { files: progress.snapshot.files, bytes: progress.snapshot.bytes, rate_avg_bps: progress.rateAvgBps }),
      },
      elapsed_ms: Math.round(performance.now() - this.j.startedAt),
    };
    this.engineEvent(result);
    this.resultWritten = true;
    if (progress) this.ending = { status, error: error?.message ?? null, progress: progress.snapshot, rateAvgBps: progress.rateAvgBps };
    // A failed job says why on stderr even at the default level, in one line (ascp's messages may span several).
    const summary = `job ${status} (exit ${exitCode})${error ? `: ${error.message}` : ""}`;
    if (status === "failed") this.j.log.error(summary.replace(/\s*\n\s*/g, " "));
    else this.j.log.info(summary);
    return exitCode;
  }
}

/** ascp could not be started at all (exit 3), as opposed to a transfer that failed (exit 1). */
function couldNotStart(o: SessionOutcome): boolean {
  return o.status === "not_started" || (o.attempts === 1 && o.error?.source === "engine" && o.error.code === undefined);
}

/** Timed-out transfers are ascp's DATA_TRANSFER_TIMEOUT ("transfer stalled and timed out"), a retryable code. */
const STALLED = ASCP_ERRORS.find((e) => e.name === "DATA_TRANSFER_TIMEOUT")!;

function sessionEnd(o: SessionOutcome): SessionEnd {
  const error = o.error ? (o.error.code === undefined ? { message: o.error.message } : { code: o.error.code, message: o.error.message }) : null;
  return { status: o.status === "success" ? "done" : o.status === "cancelled" ? "cancelled" : "failed", error };
}

function notStarted(index: number, status: SessionOutcome["status"]): SessionOutcome {
  return { session_index: index, status, attempts: 0, error: null, files_passed: 0, files_failed: 0, files_skipped: 0, bytes_transferred: 0, file_bytes: 0 };
}

