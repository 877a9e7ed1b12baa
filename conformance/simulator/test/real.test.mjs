// The simulator against the real ascp 3.9 captures in conformance/transcripts: the same argv (with
// the simulator's -M port) and a scenario that stands for what happened in the capture must give the
// same frames, field names in the same order, the same values (bar SessionId and ClientUser), the
// same stderr and exit status.
import { afterAll, describe, expect, test } from "vitest";
import net from "node:net";
import path from "node:path";
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { FrameParser } from "../lib/frames.mjs";
import { runSim, tmpDir, cleanupTmp } from "./harness.mjs";

const TRANSCRIPTS = fileURLToPath(new URL("../../transcripts/", import.meta.url));
const capture = (name) => ({
  frames: new FrameParser().feed(readFileSync(path.join(TRANSCRIPTS, `real-${name}.txt`), "utf8")).frames.map((f) => f.frame),
  raw: readFileSync(path.join(TRANSCRIPTS, `real-${name}.txt`), "utf8"),
  meta: JSON.parse(readFileSync(path.join(TRANSCRIPTS, `real-${name}.meta.json`), "utf8")),
});

afterAll(cleanupTmp);

// The capture's argv with our -M port; --file-list/--file-pair-list point to new files holding the
// entries the capture's SESSION shows.
function argvOf(meta, port, dir) {
  const argv = meta.argv.slice(1);
  argv[argv.indexOf("-M") + 1] = String(port);
  return argv.map((a) => {
    const m = /^--(file-list|file-pair-list)=(.*)$/.exec(a);
    if (!m) return a;
    const file = path.join(dir, path.basename(m[2]));
    const src = "/tmp/asession-real-eNehoY/src.txt";
    writeFileSync(file, m[1] === "file-list" ? `${src}\n` : `${src}\ndest.txt\n`);
    return `--${m[1]}=${file}`;
  });
}

async function simulate(name, scenario, extraEnv = {}) {
  const real = capture(name);
  const dir = tmpDir("real");
  const env = {
    ASCP_SIM_REMOTE_ROOT: path.join(dir, "remote"),
    ASCP_SIM_RECORD: path.join(dir, "record.jsonl"),
    ASCP_SIM_STATE: path.join(dir, "state"),
    ASCP_SIM_SCENARIO: JSON.stringify(scenario),
    ...extraEnv,
  };
  const run = await runSim({ args: (port) => argvOf(real.meta, port, dir), env, keepRaw: true });
  run.result = await run.exit;
  return { real, run };
}

function expectSameFrames(real, run) {
  expect(run.frames.map((f) => f.Type)).toEqual(real.frames.map((f) => f.Type));
  real.frames.forEach((want, i) => {
    const got = run.frames[i];
    expect(Object.keys(got), `${want.Type} field order`).toEqual(Object.keys(want));
    const { SessionId, ClientUser, ...rest } = want;
    expect(got).toMatchObject(rest);
    expect(got.SessionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });
  expect(new Set(run.frames.map((f) => f.SessionId)).size).toBe(1);
  expect(run.result.code).toBe(real.meta.exit.code);
}

describe("same frames as ascp 3.9", () => {
  test("wrong password (remote_password): INIT SESSION ERROR 19 'failed to authenticate', no DONE", async () => {
    const { real, run } = await simulate("wrong-password", { remote_password: "right" }, { ASPERA_SCP_PASS: "wrong" });
    expectSameFrames(real, run);
    expect(run.stderr).toBe(real.meta.stderr);
  });

  test("auth fault = the refused legacy host key capture (also 19)", async () => {
    const real = capture("ssh-legacy-hostkey-refused");
    const dir = tmpDir("real");
    const env = { ASCP_SIM_REMOTE_ROOT: dir, ASCP_SIM_SCENARIO: JSON.stringify({ faults: [{ type: "auth" }] }) };
    const run = await runSim({ args: (port) => argvOf({ argv: real.meta.argv.map((a) => (a === "<port>" ? "0" : a)) }, port, dir), env });
    run.result = await run.exit;
    expectSameFrames(real, run);
    expect(run.stderr).toBe(real.meta.stderr);
  });

  // A closed SSH port is modelled by retryable_then_success with the code real ascp gave (44).
  for (const name of ["closed-port", "multi-session", "keepalive", "file-list-dest64", "file-pair-list"]) {
    test(`${name}: INIT SESSION ERROR 44 with the capture's fields`, async () => {
      const { real, run } = await simulate(name, { faults: [{ type: "retryable_then_success", failures: 1, code: 44 }] });
      expectSameFrames(real, run);
      expect(run.stderr).toBe(real.meta.stderr);
    });
  }

  test("ERROR bytes: Type Loss Code Description SessionId UserStr, then the blank line", async () => {
    const { real, run } = await simulate("closed-port", { faults: [{ type: "retryable_then_success", failures: 1, code: 44 }] });
    const lastFrame = (raw) => raw.split("FASPMGR 2\n").at(-1).replace(/SessionId: .*\n/, "SessionId: X\n");
    expect(lastFrame(run.raw)).toBe(lastFrame(real.raw));
  });
});

describe("no frame at all, like ascp 3.9", () => {
  test("usage error: stderr line, exit 1, the management port is never dialled", async () => {
    const { real, run } = await simulate("usage-error", {});
    expect(run.socket).toBeNull();
    expect(run.frames).toEqual([]);
    expect(run.stderr).toBe(real.meta.stderr);
    expect(run.result.code).toBe(1);
  });

  test("nothing listens on -M: the same two stderr lines, exit 1", async () => {
    const real = capture("no-mgmt-listener");
    const server = net.createServer();
    await new Promise((r) => server.listen(0, "127.0.0.1", r));
    const port = server.address().port;
    await new Promise((r) => server.close(r));
    const dir = tmpDir("real");
    const run = await runSim({ args: () => argvOf(real.meta, port, dir), env: { ASCP_SIM_REMOTE_ROOT: dir } });
    run.result = await run.exit;
    expect(run.stderr).toBe(real.meta.stderr.replace(String(real.meta.argv[2]), String(port)));
    expect(run.result.code).toBe(1);
  });
});
