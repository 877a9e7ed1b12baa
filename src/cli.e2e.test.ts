// End to end: the built CLI (dist/cli.js, `npm run build` first) against the ascp simulator.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const CLI = path.join(root, "dist/cli.js");
const SIM = path.join(root, "conformance/simulator/ascp");

interface Run {
  code: number | null;
  events: Record<string, unknown>[];
  stdout: string;
  stderr: string;
  record: Record<string, unknown>[];
}

let work: string;
let local: string;
let remote: string;

beforeEach(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "asession-e2e-"));
  local = path.join(work, "local");
  remote = path.join(work, "remote");
  fs.mkdirSync(local);
  fs.mkdirSync(remote);
});
afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

interface RunOptions {
  args?: string[];
  stdin?: string;
  /** Lines written once an event of this type is seen (then stdin closes). */
  after?: { type: string; lines: string[] };
  keepStdinOpen?: boolean;
  scenario?: object;
  env?: NodeJS.ProcessEnv;
  /** Sends this signal once an event of this type is seen. */
  signal?: { name: NodeJS.Signals; onType: string };
  /** stdout is text, not NDJSON (--help, --version). */
  raw?: boolean;
}

function run(o: RunOptions): Promise<Run> {
  const recordPath = path.join(work, "record.jsonl");
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ASCP_SIM_REMOTE_ROOT: remote,
    ASCP_SIM_RECORD: recordPath,
    ASCP_SIM_STATE: path.join(work, "state"),
    ...(o.scenario ? { ASCP_SIM_SCENARIO: JSON.stringify(o.scenario) } : {}),
    ...o.env,
  };
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...(o.args ?? [])], { cwd: local, env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let buffered = "";
    const events: Record<string, unknown>[] = [];
    let afterDone = false;
    let signalled = false;
    child.stdout.setEncoding("utf8").on("data", (text: string) => {
      stdout += text;
      if (o.raw) return;
      buffered += text;
      let nl: number;
      while ((nl = buffered.indexOf("\n")) >= 0) {
        const event = JSON.parse(buffered.slice(0, nl)) as Record<string, unknown>;
        buffered = buffered.slice(nl + 1);
        events.push(event);
        if (o.after && !afterDone && event.type === o.after.type) {
          afterDone = true;
          for (const line of o.after.lines) child.stdin.write(`${line}\n`);
          if (!o.keepStdinOpen) child.stdin.end();
        }
        if (o.signal && !signalled && event.type === o.signal.onType) {
          signalled = true;
          child.kill(o.signal.name);
        }
      }
    });
    child.stderr.setEncoding("utf8").on("data", (t: string) => (stderr += t));
    child.stdin.on("error", () => {});
    if (o.stdin !== undefined) child.stdin.write(o.stdin);
    if (!o.after && !o.keepStdinOpen) child.stdin.end();
    child.on("close", (code) => {
      const record = fs.existsSync(recordPath)
        ? fs.readFileSync(recordPath, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>)
        : [];
      resolve({ code, events, stdout, stderr, record });
    });
  });
}

const spec = (transfer: object, extra: object = {}) => JSON.stringify({ spec: transfer, agent: { ascp_path: SIM, resume: { sleep_initial: 0.05, sleep_factor: 1 } }, ...extra });
const sha = (file: string) => crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");
// The progress model's events (FILE_START, FILE_END, PROGRESS, STALLED) are checked in src/progress/.
const MODEL_EVENTS = new Set(["FILE_START", "FILE_END", "PROGRESS", "STALLED"]);
const types = (r: Run) => r.events.map((e) => e.type).filter((t) => !MODEL_EVENTS.has(t as string));
const result = (r: Run) => r.events.at(-1) as Record<string, unknown> & { error: Record<string, unknown> | null; sessions: Record<string, unknown>[] };
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("asession CLI against the simulator", () => {
  it("sends files and reports typed events, RESULT last", async () => {
    fs.writeFileSync(path.join(local, "a.bin"), crypto.randomBytes(70_000));
    fs.writeFileSync(path.join(local, "b c é.txt"), "hello");
    const r = await run({ stdin: spec({ direction: "send", remote_host: "h", destination_root: "/up", create_dir: true, paths: [{ source: "a.bin" }, { source: "b c é.txt" }] }) });
    expect(r.code).toBe(0);
    expect(r.stdout.endsWith("\n")).toBe(true);
    const t = types(r);
    expect(t[0]).toBe("SPAWN");
    expect(t.indexOf("INIT")).toBeLessThan(t.indexOf("SESSION"));
    expect(t.filter((x) => x === "STOP")).toHaveLength(2);
    expect(t.slice(-2)).toEqual(["DONE", "RESULT"]);
    const stop = r.events.find((e) => e.type === "STOP")!;
    expect(stop).toMatchObject({ file: "/up/a.bin", size: 70_000, session_index: 0 });
    const session = r.events.find((e) => e.type === "SESSION")!;
    expect(typeof session.encryption).toBe("boolean");
    expect(result(r)).toMatchObject({ status: "success", exit_code: 0, error: null, totals: { files_passed: 2, files_failed: 0, bytes_transferred: 70_005 } });
    expect(sha(path.join(remote, "h/up/a.bin"))).toBe(sha(path.join(local, "a.bin")));
    expect(fs.readFileSync(path.join(remote, "h/up/b c é.txt"), "utf8")).toBe("hello");
  });

  it("accepts a pretty multi-line spec followed by commands on the same stdin (persistent session)", async () => {
    fs.writeFileSync(path.join(local, "x.txt"), "x".repeat(1000));
    const pretty = JSON.stringify(JSON.parse(spec({ direction: "send", remote_host: "h", keepalive: true, destination_root: "/k" })), null, 2);
    const r = await run({
      stdin: `${pretty}\n`,
      after: { type: "SESSION", lines: ['{"type":"START","source":"x.txt","destination":"y.txt"}', "not json", '{"type":"RATE","Rate":5}'] },
    });
    expect(r.code).toBe(0);
    const rejected = r.events.filter((e) => e.type === "COMMAND_REJECTED");
    const specLines = pretty.split("\n").length;
    expect(rejected).toEqual([
      { type: "COMMAND_REJECTED", line: specLines + 2, reason: expect.stringMatching(/invalid JSON/) },
      { type: "COMMAND_REJECTED", line: specLines + 3, reason: "unknown key Rate (did you mean rate?)" },
    ]);
    expect(fs.readFileSync(path.join(remote, "h/k/y.txt"), "utf8")).toBe("x".repeat(1000));
    const received = r.record.filter((x) => x.kind === "frame_received").map((x) => (x.frame as Record<string, string>).Type);
    // START from stdin, then DONE because stdin ended.
    expect(received).toEqual(["START", "DONE"]);
  });

  it("keeps secrets off argv, out of logs at debug level, and passes them through env", async () => {
    fs.writeFileSync(path.join(local, "a.txt"), "a");
    const secrets = { remote_password: "pw-9f1c", token: "Bearer tok-77aa", content_protection_password: "fp-31", cookie: "ck-5e" };
    const r = await run({
      stdin: spec({ direction: "send", remote_host: "h", paths: [{ source: "a.txt" }], content_protection: "encrypt", ...secrets }, { loglevel: "debug" }),
      scenario: { remote_password: "pw-9f1c" },
    });
    expect(r.code).toBe(0);
    const start = r.record.find((x) => x.kind === "start")!;
    const envRecord = r.record.find((x) => x.kind === "env")!;
    for (const value of Object.values(secrets)) {
      expect(JSON.stringify(start.argv)).not.toContain(value);
      expect(r.stderr).not.toContain(value);
      // Even the cookie, which ascp echoes in INIT.
      expect(r.stdout).not.toContain(value);
    }
    expect(envRecord.names).toEqual(expect.arrayContaining(["ASPERA_SCP_PASS", "ASPERA_SCP_TOKEN", "ASPERA_SCP_FILEPASS", "ASPERA_SCP_COOKIE"]));
    expect(r.stderr).toMatch(/asession debug:/);
  });

  it("exit 2 with a message naming the field, in RESULT and on stderr", async () => {
    const r = await run({ stdin: spec({ direction: "upload", remote_host: "h", paths: [{ source: "a" }] }) });
    expect(r.code).toBe(2);
    expect(r.events).toHaveLength(1);
    expect(result(r)).toMatchObject({ type: "RESULT", status: "failed", exit_code: 2, error: { source: "engine", message: expect.stringContaining('spec.direction must be one of: send, receive (got "upload")') } });
    expect(r.stderr).toContain('spec.direction must be one of: send, receive (got "upload")');
  });

  it("exit 3 when ascp is not found, listing where it looked", async () => {
    const r = await run({ stdin: JSON.stringify({ spec: { direction: "send", remote_host: "h", paths: [{ source: "a" }] }, sdk: path.join(work, "no-sdk") }), env: { PATH: path.dirname(process.execPath) } });
    expect(r.code).toBe(3);
    expect(result(r).error!.message).toMatch(/ascp not found[\s\S]*no-sdk[\s\S]*\/opt\/aspera\/bin/);
  });

  it("authentication failure: exit 1, code 19, not retried", async () => {
    fs.writeFileSync(path.join(local, "a.txt"), "a");
    const r = await run({ stdin: spec({ direction: "send", remote_host: "h", paths: [{ source: "a.txt" }], remote_password: "wrong" }), scenario: { remote_password: "right" } });
    expect(r.code).toBe(1);
    expect(types(r)).not.toContain("RETRY");
    expect(result(r)).toMatchObject({ status: "failed", error: { source: "ascp", code: 19, name: "AUTH", retryable: false } });
  });

  it("retries retryable failures with RETRY events, then succeeds", async () => {
    fs.writeFileSync(path.join(local, "a.txt"), "abc");
    const r = await run({ stdin: spec({ direction: "send", remote_host: "h", paths: [{ source: "a.txt" }] }), scenario: { faults: [{ type: "retryable_then_success", failures: 2, code: 16 }] } });
    expect(r.code).toBe(0);
    const retries = r.events.filter((e) => e.type === "RETRY");
    expect(retries).toEqual([
      expect.objectContaining({ attempt: 1, code: 16, name: "CONNECTION_LOST", delay_sec: 0.05 }),
      expect.objectContaining({ attempt: 2, code: 16 }),
    ]);
    expect(r.events.filter((e) => e.type === "SPAWN").map((e) => e.attempt)).toEqual([1, 2, 3]);
    expect(result(r).sessions[0]).toMatchObject({ status: "success", attempts: 3 });
  });

  it("a socket closed without DONE counts as connection lost and is retried", async () => {
    fs.writeFileSync(path.join(local, "a.txt"), "abc");
    const r = await run({
      stdin: spec({ direction: "send", remote_host: "h", paths: [{ source: "a.txt" }] }, { agent: { ascp_path: SIM, resume: { iter_max: 1, sleep_initial: 0.01 } } }),
      scenario: { faults: [{ type: "close_socket", after_frames: 2 }] },
    });
    expect(r.code).toBe(1);
    expect(r.events.filter((e) => e.type === "RETRY")).toHaveLength(1);
    expect(result(r).error).toMatchObject({ source: "engine", code: 16, name: "CONNECTION_LOST", retryable: true });
  });

  it("SIGTERM cancels: CANCEL to ascp, RESULT cancelled, exit 130, no ascp left, no file list left", async () => {
    fs.writeFileSync(path.join(local, "big.bin"), crypto.randomBytes(400_000));
    const lists = path.join(work, "lists");
    const r = await run({
      stdin: JSON.stringify({ spec: { direction: "send", remote_host: "h", paths: [{ source: "big.bin" }], target_rate_kbps: 100 }, agent: { ascp_path: SIM }, file_list_folder: lists }),
      signal: { name: "SIGTERM", onType: "STATS" },
    });
    expect(r.code).toBe(130);
    expect(result(r)).toMatchObject({ status: "cancelled", exit_code: 130 });
    const pid = r.events.find((e) => e.type === "SPAWN")!.pid as number;
    expect(alive(pid)).toBe(false);
    expect(r.record.some((x) => x.kind === "frame_received" && (x.frame as Record<string, string>).Type === "CANCEL")).toBe(true);
    const owned = fs.readdirSync(lists).flatMap((d) => fs.readdirSync(path.join(lists, d)));
    expect(owned).toEqual([]);
  });

  it("events: ascp gives ascp events only, without session_index", async () => {
    fs.writeFileSync(path.join(local, "a.txt"), "a");
    const r = await run({ stdin: spec({ direction: "send", remote_host: "h", paths: [{ source: "a.txt" }] }, { events: "ascp" }) });
    expect(r.code).toBe(0);
    expect(types(r)).not.toContain("SPAWN");
    expect(types(r)).not.toContain("RESULT");
    expect(types(r).at(-1)).toBe("DONE");
    expect(r.events.every((e) => !("session_index" in e))).toBe(true);
  });

  it("reads the spec from @json:@file: and takes every stdin line as a command", async () => {
    fs.writeFileSync(path.join(local, "a.txt"), "a");
    const file = path.join(work, "spec.json");
    fs.writeFileSync(file, spec({ direction: "send", remote_host: "h", paths: [{ source: "a.txt" }] }));
    const r = await run({ args: [`@json:@file:${file}`], stdin: '{"type":"NOPE"}\n' });
    expect(r.code).toBe(0);
    expect(r.events.find((e) => e.type === "COMMAND_REJECTED")).toMatchObject({ line: 1 });
  });

  it("--dry-run prints the plan with secrets masked and starts nothing", async () => {
    const r = await run({ args: ["--dry-run"], stdin: spec({ direction: "receive", remote_host: "h", remote_password: "pw-x1", paths: [{ source: "/r/a" }], target_rate_kbps: 500 }) });
    expect(r.code).toBe(0);
    expect(r.events).toHaveLength(1);
    const plan = r.events[0] as { type: string; sessions: { argv: string[]; command_line: string }[]; env: Record<string, string> };
    expect(plan.type).toBe("DRY_RUN");
    expect(plan.sessions[0]!.argv).toEqual(expect.arrayContaining(["--mode", "recv", "-l", "500"]));
    expect(plan.env).toEqual({ ASPERA_SCP_PASS: "***" });
    expect(r.stdout).not.toContain("pw-x1");
    expect(r.record).toEqual([]);
  });

  it("--help and --version", async () => {
    const help = await run({ args: ["--help"], raw: true });
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Exit status: 0 success/);
    const version = await run({ args: ["--version"], raw: true });
    expect(version.stdout).toMatch(/^asession \d+\.\d+\.\d+\n$/);
  });
});
