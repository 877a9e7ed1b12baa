#!/usr/bin/env node
// Every test of the project, one suite after the other: builds, installs what each language needs, runs it,
// reads its pass/fail counts, and ends with one line "N passed, N failed" summing all suites.
// A suite that cannot run (install failed, runner crashed, no counts) counts as one failure, never as zero.
// Usage: node .ci/test-all.mjs [--only name,name]   (suite names: see SUITES below)
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const logDir = fs.mkdtempSync(path.join(os.tmpdir(), "asession-tests-"));
const onlyArg = process.argv.indexOf("--only");
const only = onlyArg > 0 ? new Set(process.argv[onlyArg + 1].split(",")) : null;

/** Counts from a runner's output: the plain "N passed, N failed" line first, then each runner's own summary. */
function counts(raw) {
  const output = raw.replace(/\x1b\[[0-9;]*m/g, "");
  const plain = [...output.matchAll(/^(?:\w+: )?(\d+) passed, (\d+) failed/gm)].at(-1);
  if (plain) return { passed: +plain[1], failed: +plain[2] };
  const vitest = [...output.matchAll(/^\s*Tests\s+(.*)$/gm)].at(-1);
  if (vitest) {
    const n = (w) => +(new RegExp(`(\\d+) ${w}`).exec(vitest[1])?.[1] ?? 0);
    return { passed: n("passed"), failed: n("failed") };
  }
  // pytest: "44 passed in 6.2s" (-q) or "=== 1 failed, 43 passed in 6.2s ===".
  const pytest = [...output.matchAll(/^=*\s*(\d+ (?:passed|failed|error|errors|skipped)\b.*) in [\d.]+s/gm)].at(-1);
  if (pytest) {
    const n = (w) => +(new RegExp(`(\\d+) ${w}`).exec(pytest[1])?.[1] ?? 0);
    return { passed: n("passed"), failed: n("failed") + n("error") };
  }
  return null;
}

/** go test -json: one event per test; subtests count too. */
function goCounts(output) {
  let passed = 0;
  let failed = 0;
  for (const line of output.split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      const e = JSON.parse(line);
      if (e.Test && e.Action === "pass") passed++;
      if (e.Test && e.Action === "fail") failed++;
    } catch {
      // build output mixed in
    }
  }
  return passed + failed > 0 ? { passed, failed } : null;
}

/** Maven Surefire XML reports. */
function surefireCounts() {
  const dir = path.join(root, "bindings/java/target/surefire-reports");
  if (!fs.existsSync(dir)) return null;
  let tests = 0;
  let bad = 0;
  for (const f of fs.readdirSync(dir).filter((f) => f.endsWith(".xml"))) {
    const head = /<testsuite[^>]*>/.exec(fs.readFileSync(path.join(dir, f), "utf8"))?.[0] ?? "";
    const attr = (name) => +(new RegExp(`${name}="(\\d+)"`).exec(head)?.[1] ?? 0);
    tests += attr("tests") - attr("skipped");
    bad += attr("failures") + attr("errors");
  }
  return tests > 0 ? { passed: tests - bad, failed: bad } : null;
}

const venv = path.join(root, "bindings/python/.venv");
const py = path.join(venv, "bin/python");
const goAdapter = path.join(root, "bindings/go/bin/asession-conformance");

const SUITES = [
  { name: "gen-drift", cmd: "node schema/codegen/gen.mjs --check", parse: (_, code) => ({ passed: code === 0 ? 1 : 0, failed: code === 0 ? 0 : 1 }) },
  { name: "engine-unit", cmd: "npx vitest run --reporter=default" },
  { name: "simulator", cmd: "npx vitest run --config conformance/simulator/vitest.config.mjs --reporter=default" },
  { name: "conformance-engine", cmd: 'node conformance/run.mjs --impl "node dist/cli.js" --include-engine-only' },
  { name: "real-ascp", cmd: "bash .ci/real-ascp.sh" },
  {
    name: "python",
    setup: `python3 -m venv ${venv} && ${py} -m pip install -q --disable-pip-version-check -e 'bindings/python[test]'`,
    cmd: `${py} -m pytest -q bindings/python/tests`,
  },
  { name: "conformance-python", cmd: `node conformance/run.mjs --binding --impl "${py} -m asession.conformance_adapter"` },
  { name: "go", cwd: "bindings/go", cmd: "go test -race -json -count=1 ./...", parse: goCounts },
  { name: "conformance-go", setup: `cd bindings/go && go build -o ${goAdapter} ./cmd/asession-conformance`, cmd: `node conformance/run.mjs --binding --impl "${goAdapter}"` }, // engine: $ASESSION_BIN (set below; a case may name another)
  { name: "java", cwd: "bindings/java", cmd: "mvn -B -q test", parse: () => surefireCounts() },
  { name: "conformance-java", setup: "bash bindings/java/conformance-adapter.sh --build", cmd: 'node conformance/run.mjs --binding --impl "bash bindings/java/conformance-adapter.sh"' },
  // go.mod's go line is the oldest Go the module needs (1.20: errors.Join); toolchains on the module proxy start
  // at 1.21.0, so the tests run with that one, the oldest that can be had.
  { name: "go-oldest", cwd: "bindings/go", cmd: "GOTOOLCHAIN=go1.21.0 go test -json -count=1 ./...; rc=$?; echo 'go.mod says go 1.20; go1.20 is not on the module proxy: tested with go1.21.0, the oldest there'; exit $rc", parse: goCounts },
  // Each package installed as a user would, README's example run after that install alone (conformance/packaging).
  { name: "package-npm", cmd: "node conformance/packaging/run.mjs npm" },
  { name: "package-python", cmd: "node conformance/packaging/run.mjs python" },
  { name: "package-go", cmd: "node conformance/packaging/run.mjs go" },
  { name: "package-java", cmd: "node conformance/packaging/run.mjs java" },
];

function sh(cmd, cwd, log) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn("bash", ["-c", cmd], { cwd: path.join(root, cwd ?? "."), env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0", ASESSION_BIN: path.join(root, "dist/cli.js") } });
    let output = "";
    const take = (chunk) => {
      output += chunk;
      fs.appendFileSync(log, chunk);
    };
    child.stdout.on("data", take);
    child.stderr.on("data", take);
    child.on("close", (code) => resolve({ code, output, ms: Date.now() - started }));
  });
}

const rows = [];
const prep = await sh("npm run build", ".", path.join(logDir, "build.log"));
if (prep.code !== 0) {
  process.stdout.write(prep.output);
  rows.push({ name: "build", passed: 0, failed: 1, ms: prep.ms, note: "npm run build failed" });
}
for (const suite of SUITES) {
  if (only && !only.has(suite.name)) continue;
  if (prep.code !== 0) break;
  const log = path.join(logDir, `${suite.name}.log`);
  process.stdout.write(`\n### ${suite.name}\n`);
  let note = "";
  if (suite.setup) {
    const s = await sh(suite.setup, suite.cwd, log);
    if (s.code !== 0) {
      process.stdout.write(s.output.slice(-4000));
      rows.push({ name: suite.name, passed: 0, failed: 1, ms: s.ms, note: "setup failed" });
      continue;
    }
  }
  const r = await sh(suite.cmd, suite.cwd, log);
  const c = (suite.parse ?? counts)(r.output, r.code);
  if (!c) note = `no test counts found (exit ${r.code})`;
  else if (r.code !== 0 && c.failed === 0) note = `exit ${r.code} with no failed test`;
  const row = { name: suite.name, passed: c?.passed ?? 0, failed: (c?.failed ?? 0) + (note ? 1 : 0), ms: r.ms, note };
  rows.push(row);
  // Full output of a failing suite; a passing one only says how it ended.
  const tail = r.output.trimEnd().split("\n").slice(row.failed ? -150 : -3).join("\n");
  process.stdout.write(`${tail}\n--- ${suite.name}: ${row.passed} passed, ${row.failed} failed (${(r.ms / 1000).toFixed(1)} s)${note ? ` [${note}]` : ""}\n`);
}

process.stdout.write(`\n| suite | passed | failed | seconds |\n|---|---:|---:|---:|\n`);
for (const r of rows) process.stdout.write(`| ${r.name}${r.note ? ` (${r.note})` : ""} | ${r.passed} | ${r.failed} | ${(r.ms / 1000).toFixed(1)} |\n`);
process.stdout.write(`logs: ${logDir}\n`);
const passed = rows.reduce((n, r) => n + r.passed, 0);
const failed = rows.reduce((n, r) => n + r.failed, 0);
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exit(failed === 0 ? 0 : 1);
