#!/usr/bin/env node
// A stand-in for the asession engine, for the client/ cases: they check how a binding drives an engine (signals,
// grace period, stderr tail, pipe drain, environment, outcome table), which needs an engine that misbehaves on
// request. Never a model of the real engine's output: only the lines its scenario names.
// The runner writes the scenario (a case's fake_engine object) to <work>/fake-engine.json and points ASESSION_BIN
// here; the engine runs with <work>/local as cwd, so both are found from the cwd even with an emptied environment.
// It appends what it saw to <work>/record.jsonl: engine_start {argv, env}, engine_stdin {line}, engine_signal
// {name}, engine_exit {code}.
//
// Scenario: stdout: [line] (a string is written as is, an object as JSON; {"$result": status} is a whole RESULT
// with exit_code), stderr_bytes: n, exit_code (0), wait_for_signal (false), on_signal: "result" (after
// signal_delay_ms, default 500: RESULT cancelled, exit 130) or "ignore", read_stdin (false: record every stdin
// line until its end before exiting), hold_pipes_ms: n (a detached process keeps stdout and stderr open that long).
import { appendFileSync, readFileSync } from "node:fs";
import { spawn } from "node:child_process";
import path from "node:path";
import readline from "node:readline";

const work = path.dirname(process.cwd());
const scenario = JSON.parse(readFileSync(path.join(work, "fake-engine.json"), "utf8"));
const record = (entry) => appendFileSync(path.join(work, "record.jsonl"), `${JSON.stringify(entry)}\n`);
const exitCode = scenario.exit_code ?? 0;

const result = (status, exit_code) => ({
  type: "RESULT",
  status,
  exit_code,
  error: status === "success" ? null : { source: "engine", message: `fake engine: ${status}`, retryable: false },
  sessions: [],
  totals: { files_passed: 0, files_failed: 0, files_skipped: 0, bytes_transferred: 0, file_bytes: 0 },
  elapsed_ms: 1,
});
const line = (item) => (typeof item === "string" ? item : JSON.stringify(item.$result ? result(item.$result, item.exit_code ?? exitCode) : item));

function exit(code) {
  record({ kind: "engine_exit", code });
  process.exit(code);
}

record({ kind: "engine_start", argv: process.argv.slice(2), env: process.env });
let signals = 0;
for (const name of ["SIGTERM", "SIGINT"]) {
  process.on(name, () => {
    record({ kind: "engine_signal", name });
    if (scenario.on_signal === "ignore" || ++signals > 1) return;
    setTimeout(() => {
      process.stdout.write(`${JSON.stringify(result("cancelled", 130))}\n`);
      exit(130);
    }, scenario.signal_delay_ms ?? 500);
  });
}

if (scenario.hold_pipes_ms) {
  // Its own process group: the runner's check for leftovers of the implementation's group must not see it.
  spawn(process.execPath, ["-e", `setTimeout(() => {}, ${Number(scenario.hold_pipes_ms)})`], { detached: true, stdio: ["ignore", "inherit", "inherit"] }).unref();
}

const input = readline.createInterface({ input: process.stdin });
let specSeen = false;
input.on("line", (text) => {
  if (!specSeen) {
    specSeen = true;
    run();
  } else if (scenario.read_stdin) record({ kind: "engine_stdin", line: text });
});
input.on("close", () => {
  if (scenario.read_stdin && !scenario.wait_for_signal) exit(exitCode);
});

function run() {
  if (scenario.stderr_bytes) {
    const row = `${"e".repeat(99)}\n`;
    process.stderr.write(row.repeat(Math.floor(scenario.stderr_bytes / 100)) + "e".repeat(scenario.stderr_bytes % 100));
  }
  for (const item of scenario.stdout ?? []) process.stdout.write(`${line(item)}\n`);
  if (scenario.wait_for_signal) setInterval(() => {}, 1 << 30);
  else if (!scenario.read_stdin) process.stdout.write("", () => process.stderr.write("", () => exit(exitCode)));
}
