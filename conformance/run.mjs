#!/usr/bin/env node
// Conformance runner: executes the case files of conformance/cases against an implementation
// command line (the engine, or a binding's adapter) with the ascp simulator on PATH.
// Usage: node conformance/run.mjs --impl "node dist/cli.js" [--filter s] [--jobs 2]
//        [--include-engine-only | --binding] [--json out.json] [--timeout-ms N] [--coverage]
import { spawn } from "node:child_process";
import net from "node:net";
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, existsSync, writeFileSync, accessSync, constants, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, dirname, isAbsolute, delimiter } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { mismatch, matches, closeness, subsequence, regex } from "./lib/match.mjs";
import { materialize, checkFile } from "./lib/files.mjs";
import { checkArgv } from "./lib/argv.mjs";
import { splitCommand } from "./lib/shell.mjs";
import { coverage } from "./lib/coverage.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "..");
const CASES = join(HERE, "cases");
const SIMULATOR = join(HERE, "simulator", "ascp");
const FAKE_ENGINE = join(HERE, "fake-engine", "asession.js");
const require = createRequire(import.meta.url);
const Ajv2020 = require("ajv/dist/2020").default;

// Values of the secret transfer-spec keys (generated from schema/) are checked against argv/stderr/stdout.
import { SECRET_SPEC_KEYS as SECRET_KEYS, OUTCOME_ROW_IDS } from "./generated/facts.mjs";

function parseCli(argv) {
  const o = { jobs: 2, filter: [], includeEngineOnly: false, binding: false, json: null, impl: null, timeoutMs: null, coverage: false, keepAll: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    if (a === "--impl") o.impl = val();
    else if (a === "--filter") o.filter.push(val());
    else if (a === "--jobs") o.jobs = Number(val());
    else if (a === "--include-engine-only") o.includeEngineOnly = true;
    else if (a === "--binding") o.binding = true;
    else if (a === "--json") o.json = val();
    else if (a === "--timeout-ms") o.timeoutMs = Number(val());
    else if (a === "--coverage") o.coverage = true;
    else if (a === "--keep") o.keepAll = true;
    else if (a === "--help" || a === "-h") usage(null);
    else usage(`unknown argument ${a}`);
  }
  if (o.binding && o.includeEngineOnly) usage("--binding skips engine-only cases; it cannot be combined with --include-engine-only");
  if (!Number.isInteger(o.jobs) || o.jobs < 1) usage("--jobs needs a positive integer");
  if (!o.coverage && !o.impl) usage("--impl is required");
  return o;
}

function usage(err) {
  const text = `usage: node conformance/run.mjs --impl "<command line>" [options]
  --impl CMD              implementation to test, split like a shell would ("node dist/cli.js")
  --filter S              run only cases whose name contains S (repeatable: any of them)
  --jobs N                cases run at once (default 2)
  --include-engine-only   also run cases marked engine_only (CLI arguments, --help, dry run...)
  --binding               binding adapter mode: engine_only cases are skipped (the default)
  --json FILE             write the results as JSON
  --timeout-ms N          override every case's timeout
  --keep                  keep the work folders of passing cases too
  --coverage              list transfer-spec keys with an x-ascp mapping that no mapping case covers`;
  if (err) {
    process.stderr.write(`run.mjs: ${err}\n${text}\n`);
    process.exit(2);
  }
  process.stdout.write(`${text}\n`);
  process.exit(0);
}

function listCases() {
  const out = [];
  for (const category of readdirSync(CASES).sort()) {
    const dir = join(CASES, category);
    if (!statSync(dir).isDirectory()) continue;
    for (const f of readdirSync(dir).sort()) {
      if (f.endsWith(".json")) out.push({ name: `${category}/${f.slice(0, -5)}`, category, file: join(dir, f) });
    }
  }
  return out;
}

// ${LOCAL} ${REMOTE} ${WORK} ${SIM} ${REPEAT:c:n} in every string of a JSON value.
function substitute(value, vars) {
  if (typeof value === "string") {
    return value.replace(/\$\{(LOCAL|REMOTE|WORK|SIM)\}|\$\{REPEAT:(.):(\d+)\}/gu, (_, name, ch, n) => (name ? vars[name] : ch.repeat(Number(n))));
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, vars));
  if (value !== null && typeof value === "object") {
    const out = {};
    for (const [k, v] of Object.entries(value)) out[substitute(k, vars)] = substitute(v, vars);
    return out;
  }
  return value;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Folders on PATH minus those holding an executable named ascp (for "ascp not found" cases).
function pathWithoutAscp(path) {
  return path
    .split(delimiter)
    .filter((d) => {
      try {
        accessSync(join(d, "ascp"), constants.X_OK);
        return false;
      } catch {
        return true;
      }
    })
    .join(delimiter);
}

function readRecord(file) {
  if (!existsSync(file)) return [];
  const out = [];
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line));
    } catch {
      // A simulator killed mid-write leaves a partial last line; the rest is still evidence.
    }
  }
  return out;
}

function groupAlive(pid) {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie still answers kill 0; it has exited all the same.
  try {
    return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "latin1"));
  } catch {
    return true;
  }
}

function killGroup(pid, signal = "SIGKILL") {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

// Runs one case: returns { name, status, ms, failures, dir, events }.
async function runCase(c, opts, validateEvents) {
  const started = Date.now();
  const work = mkdtempSync(join(tmpdir(), `asession-conf-${c.name.replace(/[^A-Za-z0-9]+/g, "-")}-`));
  const dirs = { WORK: work, LOCAL: join(work, "local"), REMOTE: join(work, "remote"), SIM: SIMULATOR };
  const bin = join(work, "bin");
  const stateDir = join(work, "state");
  const recordFile = join(work, "record.jsonl");
  for (const d of [dirs.LOCAL, dirs.REMOTE, bin, stateDir]) mkdirSync(d, { recursive: true });
  if (c.data.fake_engine) writeFileSync(join(work, "fake-engine.json"), JSON.stringify(c.data.fake_engine));
  symlinkSync(SIMULATOR, join(bin, "ascp"));

  const spec = substitute(c.data, dirs);
  const expect = spec.expect ?? {};
  const failures = [];
  const resolvePath = (p) => (isAbsolute(p) ? p : join(work, p));

  for (const [where, base] of [["local", dirs.LOCAL], ["remote", dirs.REMOTE]]) {
    for (const [name, entry] of Object.entries(spec.setup?.[where] ?? {})) materialize(join(base, name), entry, c.name);
  }

  const basePath = spec.ascp_on_path === false ? pathWithoutAscp(process.env.PATH ?? "") : `${bin}${delimiter}${process.env.PATH ?? ""}`;
  const env = { ...process.env };
  // The runner's own environment must not leak credentials or an ascp into the case.
  for (const k of Object.keys(env)) if (k.startsWith("ASPERA_") || k.startsWith("ASCP_")) delete env[k];
  Object.assign(env, {
    PATH: basePath,
    ASCP_SIM_RECORD: recordFile,
    ASCP_SIM_REMOTE_ROOT: dirs.REMOTE,
    ASCP_SIM_STATE: stateDir,
    ...(spec.simulator ? { ASCP_SIM_SCENARIO: JSON.stringify(spec.simulator) } : {}),
    ...(spec.fake_engine ? { ASESSION_BIN: FAKE_ENGINE } : {}),
    ...(spec.env ?? {}),
  });

  const [cmd, ...implArgs] = splitCommand(opts.impl);
  const cmdPath = cmd.includes("/") ? resolve(ROOT, cmd) : cmd;
  const args = [...implArgs.map((a) => (a.includes("/") && !isAbsolute(a) && existsSync(resolve(ROOT, a)) ? resolve(ROOT, a) : a)), ...(spec.args ?? [])];
  const child = spawn(cmdPath, args, { cwd: dirs.LOCAL, env, detached: true, stdio: ["pipe", "pipe", "pipe"] });

  const events = [];
  const badLines = [];
  let stdoutText = "";
  let stderrText = "";
  let pending = "";
  const waiters = new Set();
  let readerClosed = false;
  let exited = false;
  let exitInfo = { code: null, signal: null };
  // Wall time to the implementation's exit (duration_ms), not to the end of its output: a reader that paused
  // stdout keeps the pipe open after the exit.
  let exitMs = null;
  child.on("exit", () => (exitMs ??= Date.now() - started));

  const notify = () => {
    for (const w of [...waiters]) w();
  };
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk) => {
    stdoutText += chunk;
    pending += chunk;
    let nl;
    while ((nl = pending.indexOf("\n")) !== -1) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      let obj;
      try {
        obj = JSON.parse(line);
      } catch {
        obj = undefined;
      }
      if (obj === null || typeof obj !== "object" || Array.isArray(obj)) badLines.push(line);
      else events.push({ t: Date.now() - started, e: obj });
    }
    notify();
  });
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk) => {
    stderrText += chunk;
  });
  child.stderr.on("error", () => {});
  child.stdin.on("error", () => {
    // The implementation may exit before reading everything: that is judged by the expectations.
  });
  const stdoutClosed = new Promise((r) => child.stdout.on("close", r));
  const exitPromise = new Promise((r) =>
    child.on("close", (code, signal) => {
      exited = true;
      exitInfo = { code, signal };
      notify();
      r();
    }),
  );
  const spawnError = new Promise((r) => child.on("error", (err) => r(err)));

  // Resolves true once `count` events match `matcher`, false if the process ends first. Each
  // waiter scans only the events that arrived since its last look.
  const waitEvent = (matcher, count = 1) =>
    new Promise((res) => {
      let seen = 0;
      let hits = 0;
      const check = () => {
        for (; seen < events.length; seen++) if (matches(matcher, events[seen].e)) hits++;
        if (hits >= count) {
          waiters.delete(check);
          res(true);
        } else if (exited) {
          waiters.delete(check);
          res(false);
        }
      };
      waiters.add(check);
      check();
    });

  const write = (text) => {
    if (!child.stdin.destroyed && child.stdin.writable) child.stdin.write(text);
  };

  const timeoutMs = opts.timeoutMs ?? spec.timeout_ms ?? 30000;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(child.pid);
  }, timeoutMs);

  const drive = async () => {
    if (spec.stdin_base64 !== undefined) write(Buffer.from(spec.stdin_base64, "base64"));
    else if (spec.stdin !== undefined) write(spec.stdin);
    else if (spec.session !== undefined) write(`${JSON.stringify(spec.session)}\n`);
    const close = spec.stdin_close ?? "after_commands";
    if (close === "immediately") {
      child.stdin.end();
      return;
    }
    for (const [i, command] of (spec.commands ?? []).entries()) {
      if (command.after && !(await waitEvent(command.after, command.occurrence ?? 1))) {
        failures.push(`command #${i + 1} never sent: no event matched ${JSON.stringify(command.after)} before the process ended`);
        return;
      }
      if (command.delay_ms) await sleep(command.delay_ms);
      if (exited) {
        failures.push(`command #${i + 1} never sent: the process had ended`);
        return;
      }
      if (command.raw_base64 !== undefined) {
        write(Buffer.concat([Buffer.from(command.raw_base64, "base64"), Buffer.from("\n")]));
        continue;
      }
      const text = command.raw !== undefined ? command.raw : JSON.stringify(command.line);
      write(text.endsWith("\n") ? text : `${text}\n`);
    }
    if (typeof close === "object") {
      if (close.after && !(await waitEvent(close.after, close.occurrence ?? 1))) return;
      if (close.delay_ms) await sleep(close.delay_ms);
      child.stdin.end();
    } else if (close === "after_commands") {
      child.stdin.end();
    }
  };

  // Signals in order, each after its own event and delay.
  const sendSignals = async () => {
    for (const s of [].concat(spec.signal ?? [])) {
      if (s.after && !(await waitEvent(s.after, s.occurrence ?? 1))) {
        failures.push(`signal ${s.name} never sent: no event matched ${JSON.stringify(s.after)} before the process ended`);
        return;
      }
      if (s.delay_ms) await sleep(s.delay_ms);
      if (exited) return;
      try {
        process.kill(s.target === "group" ? -child.pid : child.pid, s.name);
      } catch (err) {
        failures.push(`signal ${s.name} could not be sent: ${err.message}`);
      }
    }
  };

  // The reader's side of stdout: stop reading for a while (a slow consumer), or close it (a consumer
  // that went away, like `asession | head -1`).
  const readerActions = async () => {
    const p = spec.stdout_pause;
    if (p && (!p.after || (await waitEvent(p.after, p.occurrence ?? 1))) && !exited) {
      child.stdout.pause();
      await sleep(p.ms);
      child.stdout.resume();
    }
    const c = spec.stdout_close;
    if (c && (!c.after || (await waitEvent(c.after, c.occurrence ?? 1))) && !exited) {
      readerClosed = true;
      child.stdout.destroy();
    }
  };
  // A parent that closed the read end of the implementation's stderr: its writes fail with EPIPE.
  const stderrClose = async () => {
    const c = spec.stderr_close;
    if (c && (!c.after || (await waitEvent(c.after, c.occurrence ?? 1))) && !exited) child.stderr.destroy();
  };

  // A local process that is not ascp connects to the management port named in SPAWN's argv and
  // writes frames: the implementation must not turn them into events.
  const strayClients = [];
  const stray = async () => {
    const s = spec.stray_client;
    if (!s || !(await waitEvent(s.after ?? { type: "SPAWN" }, s.occurrence ?? 1))) return;
    const argv = events.find((x) => x.e.type === "SPAWN")?.e.argv ?? [];
    const m = /^(?:(.+):)?(\d+)$/.exec(argv[argv.indexOf("-M") + 1] ?? "");
    if (!m) {
      failures.push(`stray_client: no -M port in SPAWN argv ${JSON.stringify(argv)}`);
      return;
    }
    const socket = net.connect({ host: m[1] ?? "127.0.0.1", port: Number(m[2]) });
    strayClients.push(socket);
    socket.on("error", () => {
      // Refused or reset: exactly what a careful implementation does.
    });
    socket.on("connect", () => socket.write(s.text));
  };

  const err = await Promise.race([Promise.all([drive(), sendSignals(), readerActions(), stderrClose(), stray(), exitPromise, stdoutClosed]).then(() => null), spawnError]);
  for (const socket of strayClients) socket.destroy();
  clearTimeout(timer);
  if (err) failures.push(`could not start ${cmdPath}: ${err.message}`);
  if (!child.stdin.destroyed) child.stdin.destroy();
  // A line cut by our own closing of stdout is not the implementation's fault.
  if (pending && !readerClosed) badLines.push(pending);
  const ms = Date.now() - started;

  // Every ascp the implementation started (the simulator records its pid) must be gone once the
  // implementation has exited, wherever its process group is.
  let record = readRecord(recordFile);
  const ascpPids = record.filter((r) => r.kind === "start").map((r) => r.pid);
  const alive = () => ascpPids.filter(pidAlive);
  if (!timedOut && !err) {
    for (let i = 0; i < 20 && (alive().length || groupAlive(child.pid)); i++) await sleep(100);
    if (alive().length) failures.push(`ascp (pid ${alive().join(", ")}) still running 2 s after the implementation exited`);
    else if (groupAlive(child.pid)) failures.push("processes of the implementation's process group still running 2 s after it exited");
  }
  killGroup(child.pid);
  for (const pid of alive()) killGroup(pid);
  for (const pid of alive()) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone
    }
  }

  if (timedOut) failures.push(`timed out after ${timeoutMs} ms (process group killed); ${events.length} events seen`);
  record = readRecord(recordFile);
  try {
    failures.push(...checkExpectations({ expect, spec, events, badLines, stdoutText, stderrText, exitInfo, record, ms: exitMs ?? ms, resolvePath, validateEvents }));
  } catch (e) {
    // A broken case (a bad regex...) fails itself, not the whole run.
    failures.push(`case error while checking: ${e.message}`);
  }

  const status = failures.length ? "fail" : "pass";
  if (status === "pass" && !opts.keepAll) rmSync(work, { recursive: true, force: true });
  return { name: c.name, status, ms, failures, dir: work, exit: exitInfo, events: events.map((x) => x.e), stderr: stderrText };
}

// items: [{e, t?}] (t: ms since spawn, for stdout events).
function describeNearest(matcher, items, from) {
  const scored = items
    .map(({ e, t }, i) => ({ i, e, t, s: closeness(matcher, e) }))
    .filter((x) => x.i >= from && x.s > 0)
    .sort((a, b) => b.s - a.s || a.i - b.i)
    .slice(0, 3);
  if (!scored.length) {
    const types = items.map(({ e }) => e.type ?? e.kind).join(" ");
    return `      seen: ${types || "(nothing)"}`;
  }
  return scored.map((x) => `      nearest #${x.i}${x.t !== undefined ? ` (${x.t} ms)` : ""}: ${JSON.stringify(x.e)}\n        why: ${mismatch(matcher, x.e)}`).join("\n");
}

function checkExpectations({ expect, spec, events: timed, badLines, stdoutText, stderrText, exitInfo, record, ms, resolvePath, validateEvents }) {
  const f = [];
  const events = timed.map((x) => x.e);

  if (expect.exit_code !== undefined && !matches(expect.exit_code, exitInfo.code)) {
    f.push(`exit status ${exitInfo.code}${exitInfo.signal ? ` (signal ${exitInfo.signal})` : ""}, expected ${JSON.stringify(expect.exit_code)}`);
  }
  if (expect.duration_ms !== undefined && !matches(expect.duration_ms, ms)) f.push(`ran ${ms} ms, expected ${JSON.stringify(expect.duration_ms)}`);
  if (expect.exit_matches_result) {
    const result = [...events].reverse().find((e) => e.type === "RESULT");
    if (!result) f.push("exit_matches_result: no RESULT event");
    else if (result.exit_code !== exitInfo.code) f.push(`exit_matches_result: exit status ${exitInfo.code}${exitInfo.signal ? ` (signal ${exitInfo.signal})` : ""}, RESULT says ${result.exit_code}`);
  }
  if ((expect.stdout_is_ndjson ?? true) && badLines.length) {
    f.push(`stdout has ${badLines.length} line(s) that are not JSON objects, first: ${JSON.stringify(badLines[0].slice(0, 300))}`);
  }
  if ((expect.events_match_schema ?? true) && validateEvents) {
    for (const [i, e] of events.entries()) {
      if (!validateEvents(e)) {
        const errs = validateEvents.errors.slice(0, 3).map((x) => `${x.instancePath || "/"} ${x.message}${x.params?.additionalProperty ? ` (${x.params.additionalProperty})` : ""}`).join("; ");
        f.push(`event #${i} does not match schema/events.schema.json (${errs}): ${JSON.stringify(e).slice(0, 400)}`);
        break;
      }
    }
  }
  if (expect.events) {
    const r = subsequence(expect.events, events);
    if (!r.ok) {
      f.push(
        `events: expected #${r.failedAt} ${JSON.stringify(expect.events[r.failedAt])} after event #${r.from - 1} (matched so far at ${JSON.stringify(r.positions)})\n${describeNearest(expect.events[r.failedAt], timed, r.from)}`,
      );
    }
  }
  for (const m of expect.absent_events ?? []) {
    const hit = events.findIndex((e) => matches(m, e));
    if (hit !== -1) f.push(`absent_events: ${JSON.stringify(m)} matched event #${hit}: ${JSON.stringify(events[hit])}`);
  }
  if (expect.last_event !== undefined) {
    const last = events[events.length - 1];
    if (last === undefined) f.push(`last_event: no event at all, expected ${JSON.stringify(expect.last_event)}`);
    else {
      const why = mismatch(expect.last_event, last);
      if (why) f.push(`last_event: ${why}`);
    }
  }
  for (const c of expect.count ?? []) {
    const n = events.filter((e) => matches(c.matcher, e)).length;
    if ((c.min !== undefined && n < c.min) || (c.max !== undefined && n > c.max)) {
      f.push(`count: ${n} events match ${JSON.stringify(c.matcher)}, expected ${c.min ?? 0}..${c.max ?? "∞"}`);
    }
  }
  for (const [path, want] of Object.entries(expect.files ?? {})) {
    const why = checkFile(resolvePath(path), want, resolvePath);
    if (why) f.push(`files: ${why}`);
  }

  const starts = record.filter((r) => r.kind === "start");
  const frames = record.filter((r) => r.kind === "frame_received").map((r) => r.frame);
  if (expect.frames_received) {
    const r = subsequence(expect.frames_received, frames);
    if (!r.ok) {
      f.push(`frames_received: expected ${JSON.stringify(expect.frames_received[r.failedAt])} (in order); frames the simulator received: ${JSON.stringify(frames).slice(0, 1500)}`);
    }
  }
  if (expect.file_lists_removed) {
    const lists = record.filter((r) => r.kind === "file_list");
    if (!lists.length) f.push("file_lists_removed: the simulator recorded no file list");
    for (const l of lists) if (existsSync(l.path)) f.push(`file_lists_removed: ${l.path} still exists after the run`);
  }
  for (const m of expect.frames_absent ?? []) {
    const hit = frames.find((fr) => matches(m, fr));
    if (hit) f.push(`frames_absent: the simulator received ${JSON.stringify(hit)}`);
  }
  if (expect.records) {
    const r = subsequence(expect.records, record);
    if (!r.ok) {
      f.push(`records: expected ${JSON.stringify(expect.records[r.failedAt])} (in order); record kinds: ${record.map((x) => x.kind).join(" ")}\n${describeNearest(expect.records[r.failedAt], record.map((e) => ({ e })), r.from)}`);
    }
  }
  for (const c of expect.record_count ?? []) {
    const n = record.filter((x) => matches(c.matcher, x)).length;
    if ((c.min !== undefined && n < c.min) || (c.max !== undefined && n > c.max)) {
      f.push(`record_count: ${n} record entries match ${JSON.stringify(c.matcher)}, expected ${c.min ?? 0}..${c.max ?? "∞"}`);
    }
  }
  if (expect.argv) {
    if (!starts.length) f.push("argv: the simulator never started (no start record)");
    for (const a of [].concat(expect.argv)) {
      const targets = a.start_index !== undefined ? [starts[a.start_index]] : starts;
      for (const [k, s] of targets.entries()) {
        if (!s) {
          f.push(`argv: no start record #${a.start_index} (${starts.length} starts)`);
          continue;
        }
        for (const why of checkArgv(s.argv, a)) f.push(`argv (start #${a.start_index ?? k}): ${why}`);
      }
    }
  }
  if (expect.env_names) {
    const envs = record.filter((r) => r.kind === "env");
    if (!envs.length) f.push("env_names: the simulator recorded no env");
    for (const e of envs) {
      for (const n of expect.env_names.present ?? []) if (!e.names.includes(n)) f.push(`env_names: ${n} not in ascp's environment`);
      for (const n of expect.env_names.absent ?? []) if (e.names.includes(n)) f.push(`env_names: ${n} must not be in ascp's environment`);
    }
  }
  if (expect.secrets_not_in) {
    const secrets = expect.secrets ?? secretValues(spec.session);
    if (!secrets.length) f.push("secrets_not_in: the case has no secret values to look for");
    const places = {
      argv: starts.map((s) => s.argv.join("\0")).join("\n") + events.filter((e) => e.type === "SPAWN").map((e) => JSON.stringify(e.argv)).join("\n"),
      stderr: stderrText,
      stdout: stdoutText,
    };
    for (const where of expect.secrets_not_in) {
      for (const s of secrets) {
        for (const piece of secretPieces(s)) {
          if (places[where].includes(piece) || (where === "stdout" && places.stdout.includes(JSON.stringify(piece).slice(1, -1)))) {
            f.push(`secrets_not_in: a secret (${JSON.stringify(piece.slice(0, 6))}…) appears in ${where}`);
          }
        }
      }
    }
  }
  for (const re of [].concat(expect.stderr_matches ?? [])) {
    if (!regex(re).test(stderrText)) f.push(`stderr does not match /${re}/; stderr: ${JSON.stringify(stderrText.slice(-1500))}`);
  }
  for (const re of [].concat(expect.stderr_not_matches ?? [])) {
    const m = regex(re).exec(stderrText);
    if (m) f.push(`stderr matches /${re}/ but must not: ${JSON.stringify(m[0])}`);
  }
  for (const re of [].concat(expect.stdout_not_matches ?? [])) {
    const m = regex(re).exec(stdoutText);
    if (m) f.push(`stdout matches /${re}/ but must not: ${JSON.stringify(m[0])}`);
  }
  return f;
}

// Validates an event against the $defs branch its type selects: errors of a oneOf over all
// event kinds would bury the one that matters.
// Engine event types come from the schema (each branch with a `type` const); every other type is an AscpEvent.
function eventValidator(schema) {
  const ENGINE_DEFS = {};
  for (const [def, body] of Object.entries(schema.$defs)) {
    const type = body.properties?.type?.const;
    if (typeof type === "string") ENGINE_DEFS[type] = def;
  }
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addSchema(schema);
  const byDef = {};
  const validate = (e) => {
    const def = ENGINE_DEFS[e?.type] ?? "AscpEvent";
    byDef[def] ??= ajv.getSchema(`${schema.$id}#/$defs/${def}`);
    const ok = byDef[def](e);
    validate.errors = byDef[def].errors;
    return ok;
  };
  return validate;
}

function secretValues(session) {
  const ts = session?.spec;
  if (!ts || typeof ts !== "object") return [];
  return SECRET_KEYS.filter((k) => typeof ts[k] === "string" && ts[k] !== "").map((k) => ts[k]);
}

// A multi-line secret (a PEM key) could leak one line at a time: look for each long line too.
function secretPieces(s) {
  const lines = s.split(/\r?\n/).filter((l) => l.length >= 16 && !/^-----/.test(l));
  return lines.length > 1 ? [s, ...lines] : [s];
}

async function pool(items, n, fn) {
  const results = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i]);
      }
    }),
  );
  return results;
}

async function main() {
  const opts = parseCli(process.argv.slice(2));
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  const validateCase = ajv.compile(JSON.parse(readFileSync(join(HERE, "case.schema.json"), "utf8")));
  const eventsSchemaFile = join(ROOT, "schema", "events.schema.json");
  const validateEvents = existsSync(eventsSchemaFile) ? eventValidator(JSON.parse(readFileSync(eventsSchemaFile, "utf8"))) : null;

  const all = listCases().map((c) => ({ ...c, data: JSON.parse(readFileSync(c.file, "utf8")) }));
  if (opts.coverage) {
    process.exit(coverage(all, join(ROOT, "schema", "transfer-spec.schema.json")) ? 0 : 1);
  }
  const chosen = all.filter((c) => !opts.filter.length || opts.filter.some((s) => c.name.includes(s)));
  const invalid = [];
  const runnable = [];
  const skipped = [];
  for (const c of chosen) {
    if (!validateCase(c.data)) {
      invalid.push({ name: c.name, status: "fail", ms: 0, failures: validateCase.errors.map((e) => `case file invalid: ${e.instancePath || "/"} ${e.message}`) });
    } else if ((c.data.engine_only && !opts.includeEngineOnly) || (c.data.binding_only && !opts.binding)) skipped.push(c);
    else runnable.push(c);
  }
  // Each row of the client contract's outcome table is checked by a case through every binding.
  if (opts.binding && !opts.filter.length) {
    const covered = new Set(all.map((c) => c.data.contract_row));
    for (const id of OUTCOME_ROW_IDS.filter((row) => !covered.has(row))) {
      invalid.push({ name: `contract/${id}`, status: "fail", ms: 0, failures: [`outcome row ${id} of schema/client-contract.json has no case (contract_row)`] });
    }
  }
  for (const r of invalid) report(r);
  const t0 = Date.now();
  const results = await pool(runnable, opts.jobs, async (c) => {
    const r = await runCase(c, opts, validateEvents);
    report(r);
    return r;
  });
  const all_results = [...invalid, ...results];
  const passed = all_results.filter((r) => r.status === "pass").length;
  const failed = all_results.length - passed;
  const total = ((Date.now() - t0) / 1000).toFixed(1);
  if (opts.json) {
    writeFileSync(
      opts.json,
      `${JSON.stringify({ impl: opts.impl, passed, failed, skipped: skipped.map((c) => c.name), seconds: Number(total), results: all_results.map(({ events, ...r }) => ({ ...r, events_seen: events?.length, last_event: events?.at(-1) })) }, null, 2)}\n`,
    );
  }
  process.stdout.write(`${passed} passed, ${failed} failed${skipped.length ? `, ${skipped.length} skipped (${opts.binding ? "engine_only" : "engine_only or binding_only"})` : ""}\n`);
  process.stderr.write(`suite time ${total} s\n`);
  process.exit(failed ? 1 : 0);
}

const clip = (text, n) => (text.length > n ? `${text.slice(0, n)}… (${text.length - n} more chars)` : text);

function report(r) {
  if (r.status === "pass") {
    process.stdout.write(`PASS ${r.name} (${r.ms} ms)\n`);
    return;
  }
  let text = `FAIL ${r.name} (${r.ms} ms)\n`;
  for (const why of r.failures) text += `    - ${clip(why, 1500)}\n`;
  if (r.exit) text += `    exit: ${JSON.stringify(r.exit)}; ${r.events?.length ?? 0} events; last: ${clip(JSON.stringify(r.events?.at(-1) ?? null), 600)}\n`;
  if (r.stderr) text += `    stderr (tail): ${JSON.stringify(r.stderr.slice(-600))}\n`;
  if (r.dir) text += `    kept: ${r.dir}\n`;
  process.stdout.write(text);
}

await main();
