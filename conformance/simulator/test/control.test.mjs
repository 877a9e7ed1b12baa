// Rates, commands on the management socket, persistent sessions, signals, multi-session.
import { describe, test, expect, beforeEach, afterAll } from "vitest";
import { writeFileSync, readFileSync, existsSync, mkdirSync } from "node:fs";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { runSim, tmpDir, sha, types, readRecord, ASCP, cleanupTmp } from "./harness.mjs";

let local;
let remote;
let env;
const hostDir = (...p) => path.join(remote, "h1", ...p);
const send = (...a) => ["--mode=send", "--host=h1", "--user=bob", ...a];
const only = (run, type) => run.frames.filter((f) => f.Type === type);
const file = (name, size) => {
  const p = path.join(local, name);
  writeFileSync(p, Buffer.alloc(size, name.charCodeAt(0)));
  return p;
};

afterAll(cleanupTmp);

beforeEach(() => {
  local = tmpDir("local");
  remote = tmpDir("remote");
  env = { ASCP_SIM_REMOTE_ROOT: remote, ASCP_SIM_RECORD: path.join(local, "record.jsonl") };
});

describe("rates", () => {
  test("-l is enforced: 200 KB at 800 kbps takes about 2 s; STATS at least every second", async () => {
    const src = file("slow", 200_000);
    const t0 = Date.now();
    const run = await runSim({ args: send("-d", "-l", "800", src, "/r"), env });
    expect((await run.exit).code).toBe(0);
    const elapsed = Date.now() - t0;
    expect(elapsed).toBeGreaterThanOrEqual(2000 * 0.8);
    expect(elapsed).toBeLessThan(8000);
    expect(only(run, "STATS").length).toBeGreaterThanOrEqual(4);
    const bytes = only(run, "STATS").map((s) => Number(s.FileBytes));
    expect([...bytes].sort((a, b) => a - b)).toEqual(bytes);
    expect(sha(hostDir("r", "slow"))).toBe(sha(src));
  });

  test("-l with a suffix: 1M = 1000 kbps", async () => {
    const src = file("m", 125_000);
    const t0 = Date.now();
    const run = await runSim({ args: send("-d", "-l1M", src, "/r"), env });
    await run.exit;
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1000 * 0.8);
    expect(only(run, "SESSION")[0].Rate).toBe("1000");
  });

  test("RATE changes the speed live and triggers a NOTIFICATION with the new values", async () => {
    const src = file("r", 400_000);
    let sent = false;
    const t0 = Date.now();
    const run = await runSim({
      args: send("-d", "-l", "400", "-m", "100", src, "/r"),
      env,
      onFrame: (f, r) => {
        if (f.Type === "STATS" && !sent) {
          sent = true;
          r.send("RATE", { Rate: "40000", MinRate: "15000", Adaptive: "Fixed" });
        }
      },
    });
    expect((await run.exit).code).toBe(0);
    // At 400 kbps this file would need 8 s.
    expect(Date.now() - t0).toBeLessThan(6000);
    const notes = only(run, "NOTIFICATION");
    expect(notes[0]).toMatchObject({ Rate: "400", MinRate: "100", Adaptive: "Adaptive" });
    expect(notes[1]).toMatchObject({ Rate: "40000", MinRate: "15000", Adaptive: "Fixed" });
    const rec = readRecord(env.ASCP_SIM_RECORD).find((r) => r.kind === "frame_received");
    expect(rec.frame).toEqual({ Type: "RATE", Rate: "40000", MinRate: "15000", Adaptive: "Fixed" });
    expect(rec.raw).toBe("FASPMGR 2\nType: RATE\nRate: 40000\nMinRate: 15000\nAdaptive: Fixed\n\n");
  });

  test("RATE applies in the middle of a slow chunk", async () => {
    const src = file("t", 5000);
    let sent = false;
    const t0 = Date.now();
    const run = await runSim({
      args: send("-d", "-l", "8", src, "/r"),
      env,
      onFrame: (f, r) => {
        if (f.Type === "STATS" && !sent) {
          sent = true;
          setTimeout(() => r.send("RATE", { Rate: "100000" }), 200);
        }
      },
    });
    expect((await run.exit).code).toBe(0);
    // At 8 kbps the file would need 5 s.
    expect(Date.now() - t0).toBeLessThan(3000);
  });

  test("RATE 0 pauses the copy until a new rate arrives", async () => {
    const src = file("p", 300_000);
    let step = 0;
    const run = await runSim({
      args: send("-d", "-l", "2000", src, "/r"),
      env,
      onFrame: (f, r) => {
        if (f.Type === "STATS" && step === 0) {
          step = 1;
          r.send("RATE", { Rate: "0" });
          setTimeout(() => r.send("RATE", { Rate: "100000" }), 800);
        }
      },
    });
    const t0 = Date.now();
    await run.exit;
    expect(Date.now() - t0).toBeGreaterThanOrEqual(700);
    expect(only(run, "NOTIFICATION").map((n) => n.Rate)).toEqual(["2000", "0", "100000"]);
  });
});

describe("commands", () => {
  test("CANCEL: ERROR 28, exit 1", async () => {
    const src = file("c", 500_000);
    const run = await runSim({
      args: send("-d", "-l", "1000", src, "/r"),
      env,
      onFrame: (f, r) => f.Type === "SESSION" && r.send("CANCEL"),
    });
    expect((await run.exit).code).toBe(1);
    expect(run.last).toMatchObject({ Type: "ERROR", Code: "28" });
    expect(readRecord(env.ASCP_SIM_RECORD).at(-1)).toMatchObject({ kind: "exit", code: 1 });
  });

  test("SIGINT: ERROR 28 on the socket, exit 1", async () => {
    const src = file("s", 500_000);
    const run = await runSim({ args: send("-d", "-l", "1000", src, "/r"), env, onFrame: (f, r) => f.Type === "STATS" && r.child.kill("SIGINT") });
    expect((await run.exit).code).toBe(1);
    expect(run.last).toMatchObject({ Type: "ERROR", Code: "28" });
  });

  test("manager closing the socket: exit 1", async () => {
    const src = file("k", 500_000);
    const run = await runSim({ args: send("-d", "-l", "1000", src, "/r"), env, onFrame: (f, r) => f.Type === "SESSION" && r.socket.end() });
    expect((await run.exit).code).toBe(1);
    expect(run.stderr).toMatch(/management connection closed/);
  });
});

describe("persistent session (--keepalive)", () => {
  test("START per file, byte range, plain DONE finishes queued work", async () => {
    const a = file("a", 1000);
    const b = file("b", 1000);
    const run = await runSim({
      args: send("--keepalive", "/base"),
      env,
      onFrame: (f, r) => {
        if (f.Type !== "SESSION") return;
        r.send("START", { Source: a, Destination: "x/a1" });
        r.send("START", { Source: b, Destination: "b-part", FileBytes: "10:100" });
        r.send("DONE");
      },
    });
    expect((await run.exit).code).toBe(0);
    expect(only(run, "SESSION")[0]).toMatchObject({ Keepalive: "Yes" });
    expect(sha(hostDir("base", "x", "a1"))).toBe(sha(a));
    const part = readFileSync(hostDir("base", "b-part"));
    expect(part.length).toBe(100);
    expect(part.subarray(10).equals(readFileSync(b).subarray(10, 100))).toBe(true);
    expect(only(run, "STOP").map((s) => [s.File, s.StartByte, s.Written])).toEqual([
      ["/base/x/a1", "0", "1000"],
      ["/base/b-part", "10", "90"],
    ]);
    expect(only(run, "DONE")[0]).toMatchObject({ TransfersPassed: "2" });
  });

  test("DONE Linger: queued work finishes, a later START gets FILEERROR", async () => {
    const a = file("a", 200_000);
    const run = await runSim({
      args: send("--keepalive", "-l", "4000", "/base"),
      env,
      onFrame: (f, r) => {
        if (f.Type === "SESSION") {
          r.send("START", { Source: a });
          r.send("DONE", { Operation: "Linger" });
          r.send("START", { Source: a, Destination: "again" });
        }
      },
    });
    expect((await run.exit).code).toBe(0);
    expect(only(run, "FILEERROR")[0]).toMatchObject({ File: a });
    expect(existsSync(hostDir("base", "a"))).toBe(true);
    expect(existsSync(hostDir("base", "again"))).toBe(false);
    const rec = readRecord(env.ASCP_SIM_RECORD).filter((r) => r.kind === "frame_received").map((r) => r.frame.Type);
    expect(rec).toEqual(["START", "DONE", "START"]);
  });

  test("waits for START; socket closed by the manager → exit 1", async () => {
    const run = await runSim({ args: send("--keepalive", "/base"), env, onFrame: (f, r) => f.Type === "SESSION" && setTimeout(() => r.socket.end(), 300) });
    expect((await run.exit).code).toBe(1);
    expect(types(run)).toEqual(["INIT", "SESSION", "NOTIFICATION"]);
  });

  test("START of a missing file: FILEERROR 4, session continues", async () => {
    const a = file("a", 10);
    const run = await runSim({
      args: send("--keepalive", "/base"),
      env,
      onFrame: (f, r) => {
        if (f.Type === "SESSION") {
          r.send("START", { Source: path.join(local, "missing") });
          r.send("START", { Source: a });
          r.send("DONE");
        }
      },
    });
    expect((await run.exit).code).toBe(0);
    expect(types(run).filter((t) => t !== "STATS")).toEqual(["INIT", "SESSION", "NOTIFICATION", "FILEERROR", "STOP", "DONE"]);
  });
});

describe("multi-session (-C i:N)", () => {
  test("each process takes its share of the files; together they copy all", async () => {
    const srcs = ["f0", "f1", "f2", "f3", "f4"].map((n) => file(n, 100));
    const runs = [];
    for (let i = 1; i <= 2; i++) {
      runs.push(await runSim({ args: send("-d", "-C", `${i}:2`, "-O", String(33000 + i), "-u", "job", "--multi-session-threshold=1000", ...srcs, "/m"), env }));
    }
    for (const r of runs) expect((await r.exit).code).toBe(0);
    const stops = runs.map((r) => only(r, "STOP").map((s) => path.basename(s.File)));
    expect(stops).toEqual([["f0", "f2", "f4"], ["f1", "f3"]]);
    expect(only(runs[1], "SESSION")[0]).toMatchObject({ ClusterNodeId: "1", ClusterNumNodes: "2", Port: "33002" });
    expect(only(runs[0], "NOTIFICATION")[0]).toMatchObject({ PreTransferFiles: "3", PreTransferBytes: "300" });
    expect(runs[0].frames[0].SessionId).not.toBe(runs[1].frames[0].SessionId);
    for (const n of ["f0", "f1", "f2", "f3", "f4"]) expect(existsSync(hostDir("m", n))).toBe(true);
  });
});

describe("usage", () => {
  test("an unknown option: ascp 3.9's stderr line, exit 1, -M never dialled", async () => {
    const run = await runSim({ args: ["-u", "me", "--no-such-thing", "--mode=send", "--host=h", "x", "y"], env });
    expect((await run.exit).code).toBe(1);
    expect(run.stderr).toBe("unrecognized option `--no-such-thing'\n");
    expect(run.socket).toBeNull();
    expect(readRecord(env.ASCP_SIM_RECORD).map((r) => r.kind)).toEqual(["start", "env", "usage_error", "exit"]);
  });

  test("a bad option value: stderr, exit 1, no connection", async () => {
    const run = await runSim({ args: ["-l", "fast", "--mode=send", "--host=h", "x", "y"], env });
    expect((await run.exit).code).toBe(1);
    expect(run.stderr).toMatch(/^ascp: -l: 'fast' is not a rate/);
    expect(run.socket).toBeNull();
  });

  test("no --host: ERROR 8 (USAGE) on -M, exit 1", async () => {
    const run = await runSim({ args: ["-u", "me", "--mode=send", "x", "y"], env });
    expect((await run.exit).code).toBe(1);
    expect(run.frames).toEqual([expect.objectContaining({ Type: "ERROR", Code: "8", UserStr: "me" })]);
  });

  test("a bad scenario is reported, not ignored", async () => {
    const run = await runSim({ args: send("x", "/y"), env: { ...env, ASCP_SIM_SCENARIO: '{"faults":[{"type":"explode"}]}' } });
    expect((await run.exit).code).toBe(1);
    expect(run.frames[0]).toMatchObject({ Type: "ERROR", Code: "11" });
    expect(run.frames[0].Description).toMatch(/unknown type "explode"/);
  });

  test("-A / --version: says it is the simulator, exit 0", () => {
    for (const flag of ["-A", "--version"]) {
      const r = spawnSync(process.execPath, [ASCP, flag], { encoding: "utf8" });
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/^ascp \(asession simulator\) version \d+\.\d+\.\d+\.\d+ — not IBM ascp$/m);
    }
  });

  test("no -M: the transfer still runs", async () => {
    mkdirSync(hostDir("q"), { recursive: true });
    const src = file("n", 10);
    const run = await runSim({ args: send(src, path.join(local, "gone"), "/q"), env, mgmt: false });
    expect((await run.exit).code).toBe(0);
    expect(existsSync(hostDir("q", "n"))).toBe(true);
    expect(run.stderr).toMatch(/gone: No such file or directory.*\(code 4\)/);
  });

  test("unreachable -M: exit 1 with ascp's message", () => {
    const r = spawnSync(process.execPath, [ASCP, "-M", "1", ...send("x", "/y")], { encoding: "utf8", env: { ...process.env, ...env } });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("ascp: required management connection to port localhost:1 failed.\n\nascp: failed to connect to management socket, exiting.\n");
  });
});
