#!/usr/bin/env node
// asession: one transfer job per process. Session spec in (argument or first JSON value on stdin), NDJSON
// events out on stdout, JSON commands in on later stdin lines. See README.md and ../schema/.
import fs from "node:fs";
import { randomUUID } from "node:crypto";
import { parseInvocation, parseSpecText, readSpecFile, InputReader, type SpecSource } from "./intake.js";
import { validateSessionSpec } from "./validate.js";
import { planTransfer, sessionArgv, maskedCommandLine, PlanError, type Plan } from "./plan/plan.js";
import { findAscp, AscpNotFoundError } from "./plan/discover.js";
import { agentExtras } from "./plan/agent-env.js";
import { benchFrameHook } from "./bench-frame-hook.js";
import { NdjsonWriter } from "./ndjson-writer.js";
import { Logger, type LogLevel } from "./log.js";
import { Job } from "./job.js";
import { EXIT, MAX_LINE_BYTES, MAX_SPEC_BYTES } from "./limits.js";
import type { ResultEvent } from "./generated/events.js";
import type { SessionSpec } from "./generated/session-spec.js";

const HELP = `asession - run IBM Aspera ascp transfers through JSON over stdio

Usage:
  asession [--dry-run]                       session spec = first JSON value on stdin
  asession [--dry-run] @json:'{"spec":{...}}' session spec inline
  asession [--dry-run] @json:@file:PATH       session spec from a file
  asession [--dry-run] @json:@stdin           same as no argument
  asession --help | --version

The session spec: {"spec": <transfer spec>, "agent": {...}, "loglevel": "warn", "events": "all"}
(schema/session-spec.schema.json). Every later stdin line is a command, one JSON object each:
  {"type":"START","source":"a","destination":"b"}   {"type":"RATE","rate":50000}
  {"type":"DONE"}  {"type":"DONE","operation":"Linger"}  {"type":"CANCEL"}
stdout: one JSON event per line (ascp events and SPAWN, RETRY, COMMAND_REJECTED, WARNING);
RESULT is always the last line. Logs go to stderr.

--dry-run  validate the spec and print the planned ascp command (secrets masked); start nothing.

Exit status: 0 success, 1 transfer failed, 2 invalid input, 3 ascp not found or could not start,
130 cancelled (SIGINT/SIGTERM).
`;

async function main(): Promise<number> {
  const startedAt = performance.now();
  const log = new Logger("warn");
  const invocation = parseInvocation(process.argv.slice(2));
  if (invocation.mode === "help") return printAndExit(HELP);
  if (invocation.mode === "version") return printAndExit(`asession ${version()}\n`);

  const writer = new NdjsonWriter(1);
  // A signal before the job exists (the spec is still being read, say): nothing runs yet, so end at once, cancelled,
  // with the RESULT a caller waits for. Once the job exists, signals go to it (job.cancel: CANCEL, SIGTERM, SIGKILL).
  let job: Job | null = null;
  let earlyExit = false;
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(signal, () => {
      if (job) {
        log.warn(`${signal} received: cancelling`);
        return job.cancel();
      }
      if (earlyExit) return;
      earlyExit = true;
      log.warn(`${signal} received before any ascp started: exiting`);
      writer.write({ ...failureResult(EXIT.CANCELLED, `cancelled by ${signal} before any ascp started`, startedAt), status: "cancelled" });
      void writer.close().then(() => process.exit(EXIT.CANCELLED));
    });
  }
  const input = new InputReader(process.stdin, invocation.mode === "run" && invocation.source.kind === "stdin", {
    maxSpecBytes: MAX_SPEC_BYTES,
    maxLineBytes: MAX_LINE_BYTES,
  });
  // After an early signal the RESULT is written and the process is exiting: nothing more goes out.
  const exiting = () => new Promise<number>(() => {});
  const fail = async (exitCode: number, message: string): Promise<number> => {
    if (earlyExit) return exiting();
    log.error(message);
    writer.write(failureResult(exitCode, message, startedAt));
    input.close();
    await writer.close();
    return exitCode;
  };
  if (invocation.mode === "usage-error") return fail(EXIT.INVALID_INPUT, `${invocation.message}\n(see asession --help)`);

  const parsed = await readSpec(invocation.source, input);
  if (!parsed.ok) return fail(EXIT.INVALID_INPUT, parsed.message);
  const valid = validateSessionSpec(parsed.value);
  if (!valid.ok) return fail(EXIT.INVALID_INPUT, `invalid session spec:\n  ${valid.errors.join("\n  ")}`);
  const session = valid.value;
  log.setLevel((session.loglevel ?? "warn") as LogLevel);

  let plan: Plan;
  try {
    plan = planTransfer(session as Parameters<typeof planTransfer>[0], { xferId: randomUUID() });
  } catch (error) {
    if (error instanceof PlanError) return fail(EXIT.INVALID_INPUT, `invalid session spec: ${error.message}`);
    throw error;
  }
  for (const name of plan.secretEnvNames) log.addSecret(plan.env[name]!);

  let ascpPath: string;
  try {
    ascpPath = await findAscp({ ascpPath: session.agent?.ascp_path, sdk: session.sdk });
  } catch (error) {
    if (error instanceof AscpNotFoundError) return fail(EXIT.NO_ASCP, error.message);
    throw error;
  }

  const extras = agentExtras(session.agent ?? {}, session.spec, ascpPath, {
    isDirectory: (p) => fs.statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false,
    isFile: (p) => fs.statSync(p, { throwIfNoEntry: false })?.isFile() ?? false,
  });
  // The generated options end with --dest64; the agent's extras go just before it.
  plan = { ...plan, env: { ...plan.env, ...extras.env }, args: [...plan.args.slice(0, -1), ...extras.args, ...plan.args.slice(-1)] };
  if ((session.agent?.trusted_certs ?? []).filter((c) => fs.statSync(c, { throwIfNoEntry: false })?.isFile()).length > 1) {
    log.warn("agent.trusted_certs: ascp reads one certificate file (SSL_CERT_FILE); only the first is used");
  }

  if (earlyExit) return exiting();
  if (invocation.dryRun) {
    writer.write(dryRunReport(session, plan, ascpPath));
    input.close();
    await writer.close();
    return EXIT.OK;
  }

  const theJob = new Job({ session, plan, ascpPath, input, writer, log, startedAt, onFrame: benchFrameHook() });
  // From now on the first signal cancels cleanly; a second kills ascp now.
  job = theJob;
  // The reader went away: stop ascp the same way, then leave quietly (nothing more can be written).
  writer.onBroken(() => {
    log.warn("stdout was closed by the reader: cancelling");
    theJob.cancel();
  });
  process.on("exit", () => theJob.cleanupSync());
  const exitCode = await theJob.run();
  input.close();
  await writer.close();
  return exitCode;
}

/** The spec's text lives only in here: a 1,000,000-path spec is tens of MB that the job does not need. */
async function readSpec(source: SpecSource, input: InputReader): Promise<{ ok: true; value: unknown } | { ok: false; message: string }> {
  const text = await specText(source, input);
  return text.ok ? parseSpecText(text.text) : text;
}

async function specText(source: SpecSource, input: InputReader) {
  switch (source.kind) {
    case "inline":
      return { ok: true as const, text: source.text };
    case "file":
      return readSpecFile(source.path, MAX_SPEC_BYTES);
    case "stdin":
      return input.specText;
  }
}

function dryRunReport(session: SessionSpec, plan: Plan, ascpPath: string) {
  const sessions = Array.from({ length: plan.sessionCount }, (_, i) => {
    // Placeholders where the real run puts values known only then.
    const argv = sessionArgv(plan, { index: i + 1, mgmtPort: 0, userStr: "<nonce>", fileListPath: "<file list>" });
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

function version(): string {
  const pkg = JSON.parse(fs.readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
  return pkg.version;
}

function printAndExit(text: string): number {
  process.stdout.write(text);
  return EXIT.OK;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    // A bug of ours: say so plainly, no stack trace unless debugging.
    process.stderr.write(`asession: internal error: ${(error as Error)?.message ?? String(error)}\n`);
    if (process.env.ASESSION_DEBUG) process.stderr.write(`${(error as Error)?.stack}\n`);
    process.exit(EXIT.FAILED);
  },
);
