// asession: one transfer job per process. Session spec in (argument or first JSON value on stdin), NDJSON
// events out on stdout, JSON commands in on later stdin lines. See README.md and ../schema/.
import fs from "node:fs";
import { randomUUID } from "./random.js";
import { parseInvocation, parseSpecText, readSpecFile, checkInlineSpec, InputReader, type SpecSource } from "./intake.js";
import { validateSessionSpec } from "./validate.js";
import { normalizeSessionSpec } from "./normalize.js";
import { planTransfer, planAgentExtras, sessionArgv, sessionArgvWithOrigins, maskedCommandLine, PlanError, type Plan } from "./plan/plan.js";
import { findAscp, AscpNotFoundError } from "./plan/discover.js";
import { NdjsonWriter } from "./ndjson-writer.js";
import { Logger, writeStderr, type LogLevel } from "./log.js";
import { Redactor, secretValues } from "./redact.js";
import { Job } from "./job.js";
import { TerminalView } from "./progress/terminal.js";
import { userStringArg } from "./mgmt-port.js";
import { EXIT, MAX_LINE_BYTES, MAX_SPEC_BYTES } from "./limits.js";
import { VERSION } from "./generated/version.js";
import type { ResultEvent } from "./generated/events.js";
import type { SessionSpec } from "./generated/session-spec.js";

const HELP = `asession - run IBM Aspera ascp transfers through JSON over stdio

Usage:
  asession [--dry-run]                       session spec = first JSON value on stdin
  asession [--dry-run] @json:'{"spec":{...}}' session spec inline
  asession [--dry-run] @json:@file:PATH       session spec from a file
  asession [--dry-run] @json:@stdin           same as no argument
  asession --progress | --no-progress ...     a live progress line on stderr (default: when stderr is a terminal)
  asession --help | --version

The session spec: {"spec": <transfer spec>, "agent": {...}, "loglevel": "warn", "events": "all"}
(schema/session-spec.schema.json). Every later stdin line is a command, one JSON object each:
  {"type":"START","source":"a","destination":"b"}   {"type":"RATE","rate":50000}
  {"type":"DONE"}  {"type":"DONE","operation":"Linger"}  {"type":"CANCEL"}  {"type":"STATUS"}
stdout: one JSON event per line (ascp events and SPAWN, RETRY, COMMAND_REJECTED, WARNING,
FILE_START, FILE_END, PROGRESS, STALLED); RESULT is always the last line. Logs go to stderr.

--dry-run      validate the spec and print the planned ascp command (secrets masked); start nothing.
--progress     a progress line and a final summary on stderr even when it is not a terminal.
--no-progress  neither, even on a terminal.

Exit status: 0 success, 1 transfer failed, 2 invalid input, 3 ascp not found or could not start,
130 cancelled (SIGINT/SIGTERM).
`;

export interface SignalSource {
  /** Signals that arrived before main() took over, in order. */
  early: NodeJS.Signals[];
  /** Set by main(): receives every later signal. */
  handler: ((signal: NodeJS.Signals) => void) | null;
}

/** After the first signal the engine is gone within this long, whatever ascp or the reader do (2 s CANCEL, 2 s SIGTERM, flush). */
const SIGNAL_DEADLINE_MS = 8000;
/** After a second signal: ascp's group is killed at once; this long to hand RESULT to a reader that reads. */
const SECOND_SIGNAL_DEADLINE_MS = 1000;

/** What the entry point may want to know of a run (src/boot.ts: the one-file engine caches its compiled code). */
export interface MainHooks {
  /** A session is under way: the code it runs is worth caching for the next start. */
  sessionStarted(): void;
}

/** Runs one job and exits the process with its status. */
export function main(signals: SignalSource, hooks?: MainHooks): void {
  const startedAt = performance.now();
  // One Redactor for stdout and stderr; it learns the secrets as soon as the spec is parsed.
  const redactor = new Redactor();
  // The terminal line (if any) must make room for log lines: they go through it. Both pass the redactor.
  let view: TerminalView | null = null;
  const log = new Logger("warn", (text) => (view ? view.log(text) : writeStderr(text)), redactor);
  const writer = new NdjsonWriter(1, redactor);
  let job: Job | null = null;
  let input: InputReader | null = null;
  // The exit status the one RESULT (or DRY_RUN) that went out stands for; null while none did. Whoever sets it first
  // (the job, a failure, an early signal) writes the RESULT; the others write nothing more.
  let outcome: number | null = null;
  const claim = (exitCode: number): boolean => {
    if (outcome !== null) return false;
    outcome = exitCode;
    return true;
  };
  const emitResult = (result: ResultEvent): boolean => {
    if (!claim(result.exit_code)) return false;
    writer.write(result);
    return true;
  };

  const finish = async (exitCode: number): Promise<never> => {
    input?.close();
    await writer.close();
    return exit(exitCode);
  };
  const exit = (exitCode: number): never => {
    job?.cleanupSync();
    process.exit(exitCode);
  };
  // A deadline passed: end now. ascp's group is killed, the file list removed. When a write to a reader that does not
  // read is stuck, a normal exit would wait for it forever (libuv waits for its threads at exit): the engine then
  // ends by the signal it was sent, as Unix programs do.
  const forceExit = (signal: NodeJS.Signals): never => {
    job?.kill();
    job?.cleanupSync();
    if (writer.drained) process.exit(outcome ?? EXIT.CANCELLED);
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
    return process.exit(outcome ?? EXIT.CANCELLED);
  };
  const deadline = (signal: NodeJS.Signals, ms: number) => setTimeout(() => forceExit(signal), ms).unref();

  let signalCount = 0;
  signals.handler = (signal) => {
    signalCount++;
    if (signalCount > 1) {
      log.warn(`${signal} received again: ending now`);
      job?.kill();
      deadline(signal, SECOND_SIGNAL_DEADLINE_MS);
      return;
    }
    deadline(signal, SIGNAL_DEADLINE_MS);
    if (job) {
      log.warn(`${signal} received: cancelling`);
      return job.cancel();
    }
    // Nothing runs yet (the spec is still being read, say): end at once, cancelled, with the RESULT a caller waits
    // for; unless a RESULT is already out (a failure that raced the signal), which then stands.
    log.warn(`${signal} received before any ascp started: exiting`);
    if (emitResult({ ...failureResult(EXIT.CANCELLED, `cancelled by ${signal} before any ascp started`, startedAt), status: "cancelled" })) void finish(EXIT.CANCELLED);
  };
  for (const signal of signals.early.splice(0)) signals.handler(signal);

  // A bug of ours (here or in an event handler): say so plainly, no stack trace unless debugging; RESULT still ends
  // the output and ascp is not left running.
  const internalError = (error: unknown) => {
    log.error(`internal error: ${(error as Error)?.message ?? String(error)}`);
    if (process.env.ASESSION_DEBUG) writeStderr(`${redactor.text(String((error as Error)?.stack))}\n`);
    job?.kill();
    if (emitResult(failureResult(EXIT.FAILED, `internal error: ${(error as Error)?.message ?? String(error)}`, startedAt))) void finish(EXIT.FAILED);
    deadline("SIGTERM", SECOND_SIGNAL_DEADLINE_MS);
  };
  process.on("uncaughtException", internalError);
  run().then((code) => (code === null ? undefined : finish(code)), internalError);

  /** The job; null when the process is already ending on another path (an early signal). */
  async function run(): Promise<number | null> {
    const invocation = parseInvocation(process.argv.slice(2));
    if (invocation.mode === "help") return printAndExit(HELP);
    if (invocation.mode === "version") return printAndExit(`asession ${VERSION}\n`);

    input = new InputReader(process.stdin, invocation.mode === "run" && invocation.source.kind === "stdin", {
      maxSpecBytes: MAX_SPEC_BYTES,
      maxLineBytes: MAX_LINE_BYTES,
    });
    const fail = (exitCode: number, message: string): number | null => {
      if (!emitResult(failureResult(exitCode, message, startedAt))) return null;
      log.error(message);
      return exitCode;
    };
    if (invocation.mode === "usage-error") return fail(EXIT.INVALID_INPUT, `${invocation.message}\n(see asession --help)`);

    const parsed = await readSpec(invocation.source, input);
    if (!parsed.ok) return fail(EXIT.INVALID_INPUT, parsed.message);
    // From here on no secret of the spec is printed, not even in a validation message.
    for (const secret of secretValues(parsed.value)) redactor.add(secret);
    const normalized = normalizeSessionSpec(parsed.value);
    if (!normalized.ok) return fail(EXIT.INVALID_INPUT, `invalid session spec:\n  ${normalized.errors.join("\n  ")}`);
    // An alias of a secret key is a secret too: read the secrets again once aliases have their canonical names.
    for (const secret of secretValues(normalized.value)) redactor.add(secret);
    const valid = validateSessionSpec(normalized.value);
    if (!valid.ok) return fail(EXIT.INVALID_INPUT, `invalid session spec:\n  ${valid.errors.join("\n  ")}`);
    const session = valid.value;
    log.setLevel((session.loglevel ?? "warn") as LogLevel);
    for (const note of normalized.notes) log.debug(note);

    let plan: Plan;
    try {
      plan = planTransfer(session, { xferId: randomUUID(), platform: process.platform });
    } catch (error) {
      if (error instanceof PlanError) return fail(EXIT.INVALID_INPUT, `invalid session spec: ${error.message}`);
      throw error;
    }
    for (const name of plan.secretEnvNames) redactor.add(plan.env[name]!);

    let ascpPath: string;
    try {
      ascpPath = await findAscp({ ascpPath: session.agent?.ascp_path, sdk: session.sdk });
    } catch (error) {
      if (error instanceof AscpNotFoundError) return fail(EXIT.NO_ASCP, error.message);
      throw error;
    }

    const completed = planAgentExtras(plan, session, ascpPath, {
      isDirectory: (p) => fs.statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false,
      isFile: (p) => fs.statSync(p, { throwIfNoEntry: false })?.isFile() ?? false,
    });
    plan = completed.plan;
    for (const warning of completed.warnings) log.warn(warning);

    const oversized = oversizedArgument(plan);
    if (oversized) return fail(EXIT.INVALID_INPUT, `invalid session spec: ${oversized}`);

    if (invocation.dryRun) {
      if (!claim(EXIT.OK)) return null;
      writer.write(dryRunReport(session, plan, ascpPath));
      return EXIT.OK;
    }
    // An early signal has already written RESULT cancelled: nothing starts.
    if (outcome !== null) return null;

    // The human view: when stderr is a terminal, or asked for with --progress; never with --no-progress.
    const tty = process.stderr.isTTY === true;
    if (invocation.progress ?? tty) {
      view = new TerminalView({ write: (text) => writeStderr(redactor.text(text)), tty, columns: () => process.stderr.columns, now: () => performance.now() });
    }
    const shown = view;
    const theJob = new Job({ session, plan, ascpPath, input, writer, log, startedAt, onProgress: shown ? (e) => shown.onEvent(e) : undefined });
    hooks?.sessionStarted();
    const redraw = shown
      ? setInterval(() => {
          const snapshot = theJob.progressSnapshot();
          if (snapshot) shown.update(snapshot);
        }, tty ? 250 : 1000).unref()
      : null;
    // From now on the first signal cancels cleanly; a second kills ascp now.
    job = theJob;
    // The reader went away: stop ascp the same way, then leave quietly (nothing more can be written).
    writer.onBroken(() => {
      log.warn("stdout was closed by the reader: cancelling");
      theJob.cancel();
    });
    process.on("exit", () => theJob.cleanupSync());
    const exitCode = await theJob.run();
    if (redraw) clearInterval(redraw);
    if (shown && theJob.ended) shown.finish(theJob.ended);
    // The job wrote its RESULT; a signal from now on does not write another.
    claim(exitCode);
    return exitCode;
  }
}

/** The spec's text lives only in here: a 1,000,000-path spec is tens of MB that the job does not need. */
async function readSpec(source: SpecSource, input: InputReader): Promise<{ ok: true; value: unknown } | { ok: false; message: string }> {
  const text = await specText(source, input);
  return text.ok ? parseSpecText(text.text) : text;
}

async function specText(source: SpecSource, input: InputReader) {
  switch (source.kind) {
    case "inline":
      return checkInlineSpec(source.text);
    case "file":
      return readSpecFile(source.path, MAX_SPEC_BYTES);
    case "stdin":
      return input.specText;
  }
}

function dryRunReport(session: SessionSpec, plan: Plan, ascpPath: string) {
  const sessions = Array.from({ length: plan.sessionCount }, (_, i) => {
    const argv = sessionArgv(plan, { index: i + 1, ...placeholders(plan) });
    return { session_index: i, argv, command_line: maskedCommandLine(ascpPath, argv, plan) };
  });
  const env = Object.fromEntries(Object.entries(plan.env).map(([k, v]) => [k, plan.secretEnvNames.includes(k) ? "***" : v]));
  return {
    type: "DRY_RUN",
    ascp_path: ascpPath,
    sessions,
    env,
    file_list: plan.fileList ? { option: plan.fileList.option, ...("lines" in plan.fileList ? { entries: plan.fileList.lines.length } : { path: plan.fileList.path }) } : null,
    unknown_keys: plan.unknownKeys,
    ignored_keys: plan.ignoredKeys,
    events: session.events ?? "all",
  };
}

/** Linux refuses to start a program with an argument or environment string longer than this (MAX_ARG_STRLEN). */
const MAX_ARG_BYTES = 32 * 4096 - 1;

/** An argv item or environment value ascp could not be started with (E2BIG), said in terms of where it comes from. */
function oversizedArgument(plan: Plan): string | null {
  if (process.platform !== "linux") return null;
  const { argv, origins } = sessionArgvWithOrigins(plan, { index: 1, ...placeholders(plan) });
  for (const [i, arg] of argv.entries()) {
    const bytes = Buffer.byteLength(arg);
    if (bytes > MAX_ARG_BYTES) return `an ascp argument from ${origins[i]} would be ${bytes} bytes; Linux starts no program with an argument over ${MAX_ARG_BYTES} bytes`;
  }
  for (const [name, value] of Object.entries(plan.env)) {
    const bytes = Buffer.byteLength(`${name}=${value}`);
    if (bytes > MAX_ARG_BYTES) return `${name} would be ${bytes} bytes; Linux starts no program with an environment string over ${MAX_ARG_BYTES} bytes`;
  }
  return null;
}

function failureResult(exitCode: number, message: string, startedAt: number): ResultEvent {
  return {
    type: "RESULT",
    status: "failed",
    exit_code: exitCode,
    error: { source: "engine", message, retryable: false },
    sessions: [],
    totals: { files_passed: 0, files_failed: 0, files_skipped: 0, bytes_transferred: 0, file_bytes: 0 },
    elapsed_ms: Math.round(performance.now() - startedAt),
  };
}

/** Placeholders where the real run puts values known only then; no nonce when ascp_args carry the user's own -u. */
function placeholders(plan: Plan) {
  return { mgmtPort: 0, userStr: userStringArg(plan.ascpArgs) === undefined ? "<nonce>" : undefined, fileListPath: "<file list>" };
}

function printAndExit(text: string): number {
  process.stdout.write(text);
  return EXIT.OK;
}
