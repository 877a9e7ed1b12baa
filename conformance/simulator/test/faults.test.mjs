// Scenario faults, as a manager's tests would use them, and what the record shows.
import { describe, test, expect, beforeEach, afterAll } from "vitest";
import { writeFileSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { runSim, tmpDir, types, readRecord, cleanupTmp } from "./harness.mjs";

let local;
let remote;
let env;
const hostDir = (...p) => path.join(remote, "h1", ...p);
const send = (...a) => ["--mode=send", "--host=h1", "--user=bob", ...a];
const only = (run, type) => run.frames.filter((f) => f.Type === type);
const scenario = (s) => ({ ...env, ASCP_SIM_SCENARIO: JSON.stringify(s) });
const file = (name, size) => {
  const p = path.join(local, name);
  writeFileSync(p, Buffer.alloc(size, 7));
  return p;
};
const sim = async (args, extraEnv, more = {}) => {
  const run = await runSim({ args, env: { ...env, ...extraEnv }, ...more });
  run.result = await run.exit;
  return run;
};
const rec = () => readRecord(env.ASCP_SIM_RECORD);

afterAll(cleanupTmp);

beforeEach(() => {
  local = tmpDir("local");
  remote = tmpDir("remote");
  env = { ASCP_SIM_REMOTE_ROOT: remote, ASCP_SIM_RECORD: path.join(local, "record.jsonl") };
});

describe("authentication", () => {
  test("auth fault: INIT, SESSION, ERROR 19 'failed to authenticate', ascp's stderr line, exit 1", async () => {
    const run = await sim(send("-d", file("a", 10), "/r"), scenario({ faults: [{ type: "auth" }] }));
    expect(run.result.code).toBe(1);
    expect(types(run)).toEqual(["INIT", "SESSION", "ERROR"]);
    expect(run.last).toMatchObject({ Code: "19", Description: "failed to authenticate" });
    expect(run.stderr).toBe("ascp: failed to authenticate, exiting.\n");
    // SSH was connected, the login refused: RemoteAddress, nothing negotiated with a peer yet.
    expect(only(run, "SESSION")[0]).toMatchObject({ RemoteAddress: "127.0.0.1", TCPPort: "22", PeerVLinkVersion: "0", RateControlAlgorithm: "alg_none", RateCap: "18446744073709551" });
  });

  test("like real ascp: field order of INIT/ERROR, no UserStr without -u, no counters before the transfer", async () => {
    const run = await sim(send("-d", file("a", 10), "/r"), scenario({ faults: [{ type: "auth" }] }), { keepRaw: true });
    const [init, , error] = run.raw.split("\n\n");
    expect(init.split("\n").map((l) => l.split(":")[0])).toEqual(["FASPMGR 2", "Type", "SessionId", "Direction", "Operation"]);
    expect(error.split("\n").map((l) => l.split(":")[0])).toEqual(["FASPMGR 2", "Type", "Loss", "Code", "Description", "SessionId"]);
  });

  test("remote_password must match ASPERA_SCP_PASS", async () => {
    const s = scenario({ remote_password: "s3cret" });
    const bad = await sim(send("-d", file("a", 10), "/r"), { ...s, ASPERA_SCP_PASS: "wrong" });
    expect(bad.last).toMatchObject({ Type: "ERROR", Code: "19" });
    const good = await sim(send("-d", file("a", 10), "/r"), { ...s, ASPERA_SCP_PASS: "s3cret" });
    expect(good.result.code).toBe(0);
    expect(good.last.Type).toBe("DONE");
  });
});

describe("recording", () => {
  test("secrets appear only as hashes; secret on argv is flagged", async () => {
    const secret = "pa55-word-xyz";
    await sim(send("-d", file("a", 10), "/r"), { ASPERA_SCP_PASS: secret, ASPERA_SCP_TOKEN: "Bearer tok" });
    const text = readFileSync(env.ASCP_SIM_RECORD, "utf8");
    expect(text).not.toContain(secret);
    const e = rec().find((r) => r.kind === "env");
    expect(e.names).toEqual(expect.arrayContaining(["ASPERA_SCP_PASS", "ASPERA_SCP_TOKEN"]));
    expect(e.secrets.ASPERA_SCP_PASS).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(e.secret_on_argv).toBe(false);
    await sim(send("-d", "-W", "Bearer tok", file("a", 10), "/r"), { ASPERA_SCP_TOKEN: "Bearer tok" });
    expect(rec().filter((r) => r.kind === "env").at(-1).secret_on_argv).toBe(true);
  });

  test("start, parsed options, frames sent and exit are recorded in order", async () => {
    await sim(send("-d", "-u", "u1", file("a", 10), "/r"));
    const kinds = rec().map((r) => r.kind);
    expect(kinds[0]).toBe("start");
    expect(kinds).toContain("parsed");
    expect(rec().filter((r) => r.kind === "frame_sent").map((r) => r.type)).toEqual(["INIT", "SESSION", "NOTIFICATION", "STOP", "DONE"]);
    expect(rec().at(-1)).toMatchObject({ kind: "exit", code: 0 });
  });
});

describe("ssh_hang (SSH peer that never answers, as in the real captures)", () => {
  test("SIGINT while SSH is pending: only INIT, exit 1, no ERROR (real-sigint-during-connect)", async () => {
    const run = await runSim({ args: send("-d", file("a", 10), "/r"), env: scenario({ faults: [{ type: "ssh_hang" }] }) });
    await run.waitFor((f) => f.Type === "INIT");
    await new Promise((r) => setTimeout(r, 300));
    run.child.kill("SIGINT");
    expect((await run.exit).code).toBe(1);
    expect(types(run)).toEqual(["INIT"]);
  });

  test("CANCEL is not acted on; SIGTERM then ends it with only INIT (real-cancel-during-connect)", async () => {
    const run = await runSim({ args: send("-d", file("a", 10), "/r"), env: scenario({ faults: [{ type: "ssh_hang" }] }) });
    await run.waitFor((f) => f.Type === "INIT");
    run.send("CANCEL");
    await new Promise((r) => setTimeout(r, 500));
    expect(run.child.exitCode).toBeNull();
    run.child.kill("SIGTERM");
    expect((await run.exit).code).toBe(1);
    expect(types(run)).toEqual(["INIT"]);
    expect(rec().find((r) => r.kind === "command_ignored")).toMatchObject({ type: "CANCEL", reason: "SSH connection pending" });
  });

  test("with seconds: the peer answers late and the session goes on", async () => {
    const t0 = Date.now();
    const run = await sim(send("-d", file("a", 10), "/r"), scenario({ faults: [{ type: "ssh_hang", seconds: 0.4 }] }));
    expect(run.result.code).toBe(0);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(400);
    expect(types(run).filter((t) => t !== "STATS")).toEqual(["INIT", "SESSION", "NOTIFICATION", "STOP", "DONE"]);
  });
});

describe("connection faults", () => {
  test("connection_lost after N bytes: ERROR 16, partial file, then resume with -k1", async () => {
    const src = file("big", 200_000);
    const lost = await sim(send("-d", src, "/r"), scenario({ faults: [{ type: "connection_lost", after_bytes: 50_000 }] }));
    expect(lost.result.code).toBe(1);
    expect(lost.last).toMatchObject({ Type: "ERROR", Code: "16", TransferBytes: "50000" });
    expect(statSync(hostDir("r", "big")).size).toBe(50_000);
    const again = await sim(send("-d", "-k1", src, "/r"));
    expect(only(again, "STOP")[0]).toMatchObject({ StartByte: "50000", Written: "150000" });
    expect(readFileSync(hostDir("r", "big")).equals(readFileSync(src))).toBe(true);
  });

  test("retryable_then_success: the first N processes fail, the next succeeds", async () => {
    const s = { ...scenario({ faults: [{ type: "retryable_then_success", failures: 2 }] }), ASCP_SIM_STATE: tmpDir("state") };
    const src = file("a", 100);
    const codes = [];
    for (let i = 0; i < 3; i++) {
      const run = await sim(send("-d", src, "/r"), s);
      codes.push([run.result.code, run.last.Type, run.last.Code]);
    }
    expect(codes).toEqual([
      [1, "ERROR", "16"],
      [1, "ERROR", "16"],
      [0, "DONE", undefined],
    ]);
  });

  test("never_connect with exit_after_ms: no connection, exit 1", async () => {
    const run = await sim(send("-d", file("a", 1), "/r"), scenario({ faults: [{ type: "never_connect", exit_after_ms: 300 }] }));
    expect(run.result.code).toBe(1);
    expect(run.socket).toBeNull();
  });

  test("never_connect: sleeps until killed", async () => {
    const run = await runSim({ args: send("-d", file("a", 1), "/r"), env: scenario({ faults: [{ type: "never_connect" }] }) });
    setTimeout(() => run.child.kill("SIGKILL"), 700);
    expect(await run.exit).toEqual({ code: null, signal: "SIGKILL" });
    expect(run.socket).toBeNull();
  });

  test("connect_late: the connection comes after the delay", async () => {
    const t0 = Date.now();
    const run = await runSim({ args: send("-d", file("a", 1), "/r"), env: scenario({ faults: [{ type: "connect_late", delay_ms: 600 }] }) });
    await run.connected;
    expect(Date.now() - t0).toBeGreaterThanOrEqual(550);
    expect((await run.exit).code).toBe(0);
  });

  test("crash after frames: SIGKILL, stream ends without DONE", async () => {
    const run = await sim(send("-d", file("a", 100), "/r"), scenario({ faults: [{ type: "crash", after_frames: 3 }] }));
    expect(run.result.signal).toBe("SIGKILL");
    expect(types(run)).toEqual(["INIT", "SESSION", "NOTIFICATION"]);
    expect(rec().find((r) => r.kind === "fault")).toMatchObject({ type: "crash", frames: 3 });
  });

  test("crash after bytes", async () => {
    const run = await sim(send("-d", file("a", 100_000), "/r"), scenario({ faults: [{ type: "crash", after_bytes: 30_000 }] }));
    expect(run.result.signal).toBe("SIGKILL");
    expect(statSync(hostDir("r", "a")).size).toBe(30_000);
  });

  test("close_socket after frames: no DONE, exit with the given code", async () => {
    const run = await sim(send("-d", file("a", 100), "/r"), scenario({ faults: [{ type: "close_socket", after_frames: 2, code: 0 }] }));
    expect(run.result.code).toBe(0);
    expect(types(run)).toEqual(["INIT", "SESSION"]);
  });

  test("stall after SESSION and after STATS: silence for that long", async () => {
    const at = {};
    const onFrame = (f) => {
      (at[f.Type] ??= []).push(Date.now());
    };
    await sim(send("-d", file("a", 100), "/r"), scenario({ faults: [{ type: "stall", seconds: 1 }] }), { onFrame });
    expect(at.STATS[0] - at.SESSION[0]).toBeGreaterThanOrEqual(900);
    for (const k of Object.keys(at)) delete at[k];
    await sim(send("-d", "-l", "8000", file("b", 100_000), "/r"), scenario({ stats_interval_ms: 50, faults: [{ type: "stall", seconds: 1, after: "STATS" }] }), { onFrame });
    expect(at.STATS[1] - at.STATS[0]).toBeGreaterThanOrEqual(900);
    expect(at.STOP[0] - at.STATS[0]).toBeGreaterThanOrEqual(900);
  });

  test("pre_transfer false: the NOTIFICATION carries no PreTransferBytes / PreTransferFiles", async () => {
    const run = await sim(send("-d", file("a", 100), "/r"), scenario({ pre_transfer: false }));
    const notes = only(run, "NOTIFICATION");
    expect(notes.length).toBeGreaterThan(0);
    for (const n of notes) expect([n.PreTransferBytes, n.PreTransferFiles]).toEqual([undefined, undefined]);
    expect(run.result.code).toBe(0);
  });

  test("stall with processes: only the first N processes stall, the next goes straight on", async () => {
    const s = { ...scenario({ faults: [{ type: "stall", seconds: 1, processes: 1 }] }), ASCP_SIM_STATE: tmpDir("state") };
    const src = file("a", 100);
    const gaps = [];
    for (let i = 0; i < 2; i++) {
      const at = {};
      await sim(send("-d", src, "/r"), s, { onFrame: (f) => (at[f.Type] ??= Date.now()) });
      gaps.push(at.STATS - at.SESSION);
    }
    expect(gaps[0]).toBeGreaterThanOrEqual(900);
    expect(gaps[1]).toBeLessThan(900);
  });
});

describe("malformed output", () => {
  const expectations = {
    garbage_line: (r) => expect(r.junk.map((j) => j.reason)).toContain("line outside a frame"),
    crlf: (r) => expect(r.raw).toContain("Type: NOTIFICATION\r\n"),
    truncated_frame: (r) => expect(r.junk.map((j) => j.reason)).toContain("frame cut by a new header"),
    header_in_frame: (r) => expect(r.junk.map((j) => j.reason)).toContain("frame cut by a new header"),
    unknown_type: (r) => expect(types(r)).toContain("FROBNICATE"),
    unknown_field: (r) => expect(only(r, "NOTIFICATION").some((n) => n.FooBar === "x")).toBe(true),
    non_ascii: (r) => expect(only(r, "SKIP")[0].File).toBe("/données/日本語-ñ.txt"),
    newline_in_path: (r) => {
      expect(r.raw).toContain("File: /dir\x1bnwith\x1brspecial\x1b\x1b/file\n");
      expect(only(r, "SKIP")[0].File).toBe("/dir\nwith\rspecial\x1b/file");
    },
    no_colon: (r) => expect(r.junk.some((j) => /without a field name/.test(j.reason))).toBe(true),
  };
  test.each(Object.keys(expectations))("%s: injected after SESSION, session still ends with DONE", async (kind) => {
    const run = await sim(send("-d", file("a", 10), "/r"), scenario({ faults: [{ type: "malformed", kind }] }), { keepRaw: true });
    expect(run.result.code).toBe(0);
    expect(run.last.Type).toBe("DONE");
    expectations[kind](run);
    expect(rec().find((r) => r.kind === "fault")).toMatchObject({ type: "malformed", malformed: kind });
  });
});

describe("blast", () => {
  test("count STATS frames with strictly increasing counters, then STOP and DONE", async () => {
    let prev = -1;
    let increasing = true;
    const run = await sim(send("x", "/r"), scenario({ faults: [{ type: "blast", count: 20_000, bytes_per_frame: 900 }] }), {
      countOnly: true,
      keepRaw: false,
      onFrame: (f) => {
        if (f.Type !== "STATS") return;
        const n = Number(f.FileBytes);
        if (n <= prev || f.TransferBytes !== f.FileBytes) increasing = false;
        prev = n;
      },
    });
    expect(run.result.code).toBe(0);
    expect(run.count).toBe(20_000 + 5);
    expect(increasing).toBe(true);
    expect(prev).toBe(20_000 * 1024);
    expect(types(run)).toEqual(["INIT", "SESSION", "NOTIFICATION", "STOP", "DONE"]);
    expect(only(run, "DONE")[0]).toMatchObject({ FileBytes: String(20_000 * 1024), TransfersPassed: "1" });
    const b = rec().find((r) => r.kind === "blocked");
    expect(b).toMatchObject({ frames: 20_000 });
    expect(b.bytes / 20_000).toBeGreaterThan(850);
    expect(b.bytes / 20_000).toBeLessThan(950);
  });

  test("a slow reader blocks the writer, and the record says for how long", async () => {
    const run = await runSim({
      args: send("x", "/r"),
      env: scenario({ faults: [{ type: "blast", count: 50_000 }] }),
      countOnly: true,
      onFrame: (f, r) => {
        if (f.Type === "SESSION") {
          r.socket.pause();
          setTimeout(() => r.socket.resume(), 600);
        }
      },
    });
    expect((await run.exit).code).toBe(0);
    const b = rec().find((r) => r.kind === "blocked");
    expect(b.total_ms).toBeGreaterThanOrEqual(400);
    expect(b.max_ms).toBeGreaterThanOrEqual(300);
    expect(run.last.Type).toBe("DONE");
  });
});

describe("exit shaping", () => {
  test("exit_code after DONE and stderr text", async () => {
    const run = await sim(send("-d", file("a", 1), "/r"), scenario({ faults: [{ type: "exit_code", code: 3 }, { type: "stderr", text: "warning: simulated\n" }] }));
    expect(run.result.code).toBe(3);
    expect(run.last.Type).toBe("DONE");
    expect(run.stderr).toContain("warning: simulated");
  });

  test("scenario from a file with @path", async () => {
    const p = path.join(local, "scn.json");
    writeFileSync(p, JSON.stringify({ faults: [{ type: "auth" }] }));
    const run = await sim(send("-d", file("a", 1), "/r"), { ASCP_SIM_SCENARIO: `@${p}` });
    expect(run.last).toMatchObject({ Type: "ERROR", Code: "19" });
  });
});

describe("peer identity and older ascp builds", () => {
  test("-u is echoed as UserStr in every frame; no_user_str plays a build that leaves it out", async () => {
    const tagged = await sim(send("-d", "-u", "my-tag", file("a", 10), "/r"));
    expect(tagged.frames.every((f) => f.UserStr === "my-tag")).toBe(true);
    const bare = await sim(send("-d", "-u", "my-tag", file("a", 10), "/r"), scenario({ faults: [{ type: "no_user_str" }] }));
    expect(bare.result.code).toBe(0);
    expect(types(bare)).toEqual(expect.arrayContaining(["INIT", "SESSION", "DONE"]));
    expect(bare.frames.some((f) => "UserStr" in f)).toBe(false);
  });

  test("close_socket with hang: INIT, socket closed, the process stays until a signal", async () => {
    const run = await runSim({ args: send("-d", file("a", 10), "/r"), env: scenario({ faults: [{ type: "close_socket", after_frames: 1, hang: true }] }) });
    await run.waitFor((f) => f.Type === "INIT");
    // The close may already have happened while INIT was awaited.
    if (!run.socket.destroyed) await new Promise((r) => run.socket.once("close", r));
    // Still running well after its socket closed.
    await new Promise((r) => setTimeout(r, 700));
    expect(run.child.exitCode).toBeNull();
    run.child.kill("SIGTERM");
    expect(await run.exit).toEqual({ code: 1, signal: null });
    expect(types(run)).toEqual(["INIT"]);
    expect(rec().find((r) => r.kind === "fault")).toMatchObject({ type: "close_socket", frames: 1, hang: true });
  });

  test("unknown_options: an older ascp refuses those options as it refuses any unknown one, before dialling -M", async () => {
    const s = scenario({ unknown_options: ["--remove-skipped", "-@"] });
    const long = await runSim({ args: send("--remove-skipped", file("a", 10), "/r"), env: s });
    expect((await long.exit).code).toBe(1);
    expect(long.stderr).toBe("unrecognized option `--remove-skipped'\n");
    expect(long.socket).toBeNull();
    const short = await runSim({ args: send("-@", "0:5", file("a", 10), "/r"), env: s });
    expect((await short.exit).code).toBe(1);
    expect(short.stderr).toBe("unrecognized option `-@'\n");
    // Options not listed still work.
    const ok = await sim(send("-d", "--remove-empty-directories", file("a", 10), "/r"), s);
    expect(ok.result.code).toBe(0);
  });

  test("unknown_options must be option names", async () => {
    const run = await runSim({ args: send("x", "/y"), env: scenario({ unknown_options: ["remove-skipped"] }) });
    expect((await run.exit).code).toBe(1);
    expect(run.frames[0].Description).toMatch(/unknown_options must be an array of option names/);
  });
});
