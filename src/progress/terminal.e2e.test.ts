// The terminal line under a real pseudo-terminal: the built CLI (npm run build first) runs inside `script`
// (util-linux), which gives it a pty for stderr, while its stdout goes to a file, like `asession > events.ndjson`
// typed at a shell. Also: nothing of it on a pipe unless --progress, and then no control characters.
import { execFileSync, spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const CLI = path.join(root, "dist/cli.js");
const SIM = path.join(root, "conformance/simulator/ascp");
const hasScript = spawnSync("script", ["--version"]).status === 0;

let work: string;
beforeEach(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "asession-pty-"));
  fs.mkdirSync(path.join(work, "local"));
  fs.mkdirSync(path.join(work, "remote/demo/up"), { recursive: true });
  fs.writeFileSync(path.join(work, "local/a.bin"), crypto.randomBytes(150_000));
  fs.writeFileSync(path.join(work, "local/b.bin"), crypto.randomBytes(100_000));
});
afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

const spec = JSON.stringify({
  spec: { direction: "send", remote_host: "demo", remote_user: "x", paths: [{ source: "a.bin" }, { source: "b.bin" }, { source: "missing.bin" }], destination_root: "/up", target_rate_kbps: 2000 },
  agent: { ascp_path: SIM },
});
const env = () => ({ ...process.env, ASCP_SIM_REMOTE_ROOT: path.join(work, "remote"), ASCP_SIM_SCENARIO: '{"stats_interval_ms":50}' });
const q = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

/** Runs the CLI with stderr on a pty; returns what the terminal showed and the stdout file. */
function underPty(args: string[]): { terminal: string; stdout: string } {
  fs.writeFileSync(path.join(work, "spec.json"), spec);
  const out = path.join(work, "out.ndjson");
  const command = `cd ${q(path.join(work, "local"))} && ${q(process.execPath)} ${q(CLI)} ${args.join(" ")} < ${q(path.join(work, "spec.json"))} > ${q(out)}`;
  const terminal = execFileSync("script", ["-q", "-e", "-c", command, "/dev/null"], { env: env(), encoding: "utf8", timeout: 30_000 }).toString();
  return { terminal, stdout: fs.readFileSync(out, "utf8") };
}

function pureNdjson(stdout: string): Record<string, unknown>[] {
  expect(stdout).not.toMatch(/[\r\x1b]/);
  const events = stdout.trimEnd().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(events.at(-1)!.type).toBe("RESULT");
  return events;
}

describe.runIf(hasScript)("the progress line on a real terminal", () => {
  it("stderr a pty: the line is redrawn in place, then a summary lists the failed file; stdout stays pure NDJSON", () => {
    let r: { terminal: string; stdout: string } | null = null;
    try {
      underPty([]);
    } catch (error) {
      // A failed file makes the job exit 1: `script -e` passes that on; its output is still what we check.
      const e = error as { stdout: string };
      r = { terminal: e.stdout, stdout: fs.readFileSync(path.join(work, "out.ndjson"), "utf8") };
    }
    expect(r).not.toBeNull();
    const { terminal, stdout } = r!;
    const redraws = terminal.split("\r\x1b[K").filter((s) => s.startsWith("asession: "));
    expect(redraws.length).toBeGreaterThan(2);
    expect(terminal).toMatch(/asession: \d\/[23] files {2}[\d.]+ k?B \/ 250\.0 kB \([\d.]+%\) {2}[\d.]+ (k|M)?bit\/s/);
    expect(terminal).toMatch(/asession: failed: 2 done, 0 skipped, 1 failed; 250\.0 kB transferred; average [\d.]+ (k|M)bit\/s; 0:0\d/);
    expect(terminal).toMatch(/ {2}failed: missing\.bin: .*\(code 4\)/);
    const events = pureNdjson(stdout);
    const last = events.at(-1) as { totals: { files: unknown } };
    expect(last.totals.files).toEqual({ total: 3, done: 2, skipped: 0, failed: 1, running: 0 });
  });

  it("--no-progress: nothing on the terminal", () => {
    let terminal = "";
    try {
      terminal = underPty(["--no-progress"]).terminal;
    } catch (error) {
      terminal = (error as { stdout: string }).stdout;
    }
    expect(terminal).not.toMatch(/asession: /);
  });
});

describe("the progress line elsewhere", () => {
  const runPiped = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { cwd: path.join(work, "local"), env: env(), input: spec, encoding: "utf8", timeout: 30_000 });

  it("stderr not a terminal: no line, no summary", () => {
    const r = runPiped([]);
    expect(r.stderr).not.toMatch(/asession: (\d|failed|success)/);
    pureNdjson(r.stdout);
  });

  it("--progress with stderr on a pipe: plain lines and the summary, no redraw", () => {
    const r = runPiped(["--progress"]);
    expect(r.stderr).not.toMatch(/[\r\x1b]/);
    // ascp counts found files only (PreTransferFiles): the missing one joins the total when its FILEERROR comes.
    expect(r.stderr).toMatch(/^asession: \d+\/[23] files/m);
    expect(r.stderr).toMatch(/^asession: failed: 2 done, 0 skipped, 1 failed/m);
    pureNdjson(r.stdout);
  });
});
