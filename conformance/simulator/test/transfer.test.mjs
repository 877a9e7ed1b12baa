// Real copies through the simulator, checked like a manager would: frames and files on disk.
import { describe, test, expect, beforeEach, afterAll } from "vitest";
import { writeFileSync, mkdirSync, readFileSync, existsSync, statSync, utimesSync, truncateSync } from "node:fs";
import path from "node:path";
import { createHash } from "node:crypto";
import { runSim, tmpDir, sha, types, readRecord, cleanupTmp } from "./harness.mjs";

let local;
let remote;
let env;
const b64 = (s) => Buffer.from(s).toString("base64");
const hostDir = (...p) => path.join(remote, "h1", ...p);
const send = (...a) => ["--mode=send", "--host=h1", "--user=bob", ...a];
const recv = (...a) => ["--mode", "recv", "--host", "h1", "--user", "bob", ...a];
const sim = async (args, extra = {}) => {
  const run = await runSim({ ...extra, args, env: { ...env, ...extra.env } });
  run.result = await run.exit;
  return run;
};
const only = (run, type) => run.frames.filter((f) => f.Type === type);

afterAll(cleanupTmp);

beforeEach(() => {
  local = tmpDir("local");
  remote = tmpDir("remote");
  env = { ASCP_SIM_REMOTE_ROOT: remote, ASCP_SIM_RECORD: path.join(local, "record.jsonl") };
});

const list = (name, lines, mode = 0o600) => {
  const p = path.join(local, name);
  writeFileSync(p, lines.map((l) => `${l}\n`).join(""), { mode });
  return p;
};

describe("send", () => {
  test("file list, -d, --dest64: files arrive intact and frames follow the reference order", async () => {
    writeFileSync(path.join(local, "a.txt"), "alpha\n");
    writeFileSync(path.join(local, "b.bin"), Buffer.alloc(200_000, 3));
    const fl = list("files", [path.join(local, "a.txt"), path.join(local, "b.bin")]);
    const run = await sim(send("-u", "tag-1", "-d", "--file-list", fl, "--dest64", b64("/Upload")), { env: { ASPERA_SCP_COOKIE: "My data" } });
    expect(run.result.code).toBe(0);
    expect(types(run).filter((t) => t !== "STATS")).toEqual(["INIT", "SESSION", "NOTIFICATION", "STOP", "STOP", "DONE"]);
    expect(sha(hostDir("Upload", "b.bin"))).toBe(sha(path.join(local, "b.bin")));
    expect(readFileSync(hostDir("Upload", "a.txt"), "utf8")).toBe("alpha\n");
    const [init] = run.frames;
    expect(init).toMatchObject({ Type: "INIT", Direction: "Send", Operation: "Transfer", UserStr: "tag-1", Cookie: "My data" });
    expect(init.SessionId).toMatch(/^[0-9a-f-]{36}$/);
    for (const f of run.frames) expect(f).toMatchObject({ SessionId: init.SessionId, UserStr: "tag-1" });
    expect(only(run, "NOTIFICATION")[0]).toMatchObject({ PreTransferBytes: "200006", PreTransferFiles: "2" });
    const session = only(run, "SESSION")[0];
    expect(session).toMatchObject({ Host: "h1", User: "bob", Destination: "/Upload", Cipher: "aes-128", Encryption: "Yes", Direction: "Send" });
    // Real ascp 3.9's order and its out-of-safe-range "no cap" value.
    expect(Object.keys(session).slice(0, 6)).toEqual(["Type", "Rate", "MinRate", "SessionId", "User", "Host"]);
    // A transfer that runs has talked to the remote ascp: values of the real loopback capture.
    expect(session).toMatchObject({ RateCap: "4503599627370495", PolicyCap: "Fixed", PeerVLinkVersion: "1", RateControlAlgorithm: "alg_delay", XoptFlags: "2147485776", RemoteAddress: "127.0.0.1", TCPPort: "22", OverwritePolicy: "overwrite_deny", ResumePolicy: "policy_none" });
    const firstStats = only(run, "STATS")[0];
    expect(firstStats).toMatchObject({ File: "/Upload/a.txt", Size: "6", StartByte: "0", Loss: "0" });
    expect(only(run, "STOP")[1]).toMatchObject({ File: "/Upload/b.bin", Size: "200000", Written: "200000", StartByte: "0" });
    expect(only(run, "DONE")[0]).toMatchObject({ TransfersAttempted: "2", TransfersPassed: "2", TransfersFailed: "0", FileBytes: "200006", TransferBytes: "200006", ArgScansAttempted: "2", ArgScansCompleted: "2" });
    const rec = readRecord(env.ASCP_SIM_RECORD);
    expect(rec.find((r) => r.kind === "file_list")).toMatchObject({ option: "--file-list", mode: "0600", lines: [path.join(local, "a.txt"), path.join(local, "b.bin")] });
    expect(rec.find((r) => r.kind === "env").secrets.ASPERA_SCP_COOKIE).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(rec.at(-1)).toMatchObject({ kind: "exit", code: 0 });
  });

  test("missing source: FILEERROR 4, the session goes on, DONE counts the failure", async () => {
    writeFileSync(path.join(local, "ok"), "x");
    const run = await sim(send("-d", path.join(local, "nope"), path.join(local, "ok"), "/in"));
    expect(run.result.code).toBe(0);
    expect(only(run, "FILEERROR")[0]).toMatchObject({ Code: "4", File: path.join(local, "nope") });
    expect(only(run, "FILEERROR")[0].Description).toMatch(/No such file/);
    expect(only(run, "DONE")[0]).toMatchObject({ TransfersAttempted: "2", TransfersPassed: "1", TransfersFailed: "1", PathScansFailed: "1" });
    expect(existsSync(hostDir("in", "ok"))).toBe(true);
  });

  test("file pair list renames each source below the destination", async () => {
    writeFileSync(path.join(local, "one"), "1");
    mkdirSync(path.join(local, "tree", "sub"), { recursive: true });
    writeFileSync(path.join(local, "tree", "sub", "two"), "22");
    const fl = list("pairs", [path.join(local, "one"), "renamed/first", path.join(local, "tree"), "copy-of-tree"]);
    const run = await sim(send("--file-pair-list", fl, "--dest64", b64("/base")));
    expect(run.result.code).toBe(0);
    expect(readFileSync(hostDir("base", "renamed", "first"), "utf8")).toBe("1");
    expect(readFileSync(hostDir("base", "copy-of-tree", "sub", "two"), "utf8")).toBe("22");
  });

  test("a path escaping the docroot is refused with FILEERROR 41", async () => {
    writeFileSync(path.join(local, "f"), "1");
    const fl = list("pairs", [path.join(local, "f"), "../../../etc/evil"]);
    const run = await sim(send("--file-pair-list", fl, "/"));
    expect(only(run, "FILEERROR")[0]).toMatchObject({ Code: "41" });
    expect(run.result.code).toBe(0);
  });

  test("--source-prefix64 and --src-base64 keep the structure below the base", async () => {
    mkdirSync(path.join(local, "d1", "d2"), { recursive: true });
    mkdirSync(path.join(local, "d1", "d3"), { recursive: true });
    writeFileSync(path.join(local, "d1", "d2", "f2"), "f2");
    writeFileSync(path.join(local, "d1", "d3", "f3"), "f3");
    const run = await sim(send(`--source-prefix64=${b64(local)}`, `--src-base64=${b64("d1")}`, "d1/d2/f2", "d1/d3/f3", "/d"));
    expect(run.result.code).toBe(0);
    expect(readFileSync(hostDir("d", "d2", "f2"), "utf8")).toBe("f2");
    expect(readFileSync(hostDir("d", "d3", "f3"), "utf8")).toBe("f3");
  });
});

describe("destination naming (seed table)", () => {
  beforeEach(() => {
    writeFileSync(path.join(local, "f1"), "one");
    writeFileSync(path.join(local, "f2"), "two");
    mkdirSync(path.join(local, "d3", "d4"), { recursive: true });
    writeFileSync(path.join(local, "d3", "f1"), "3-1");
    writeFileSync(path.join(local, "d3", "d4", "f2"), "3-2");
  });
  const L = (p) => path.join(local, p);

  test("f1 → d/f, d missing, no -d: error", async () => {
    const run = await sim(send(L("f1"), "/d/f"));
    expect(only(run, "FILEERROR")[0]).toMatchObject({ Code: "4" });
    expect(existsSync(hostDir("d"))).toBe(false);
  });
  test("f1 → d/f and d/f/. with d existing: renamed", async () => {
    mkdirSync(hostDir("d"), { recursive: true });
    await sim(send(L("f1"), "/d/f"));
    expect(readFileSync(hostDir("d", "f"), "utf8")).toBe("one");
    await sim(send(L("f2"), "/d/g/."));
    expect(readFileSync(hostDir("d", "g"), "utf8")).toBe("two");
  });
  test("f1 → d/f with d/f an existing folder: d/f/f1", async () => {
    mkdirSync(hostDir("d", "f"), { recursive: true });
    await sim(send(L("f1"), "/d/f"));
    expect(readFileSync(hostDir("d", "f", "f1"), "utf8")).toBe("one");
  });
  test("f1 f2 → d (existing): d/f1 d/f2", async () => {
    mkdirSync(hostDir("d"), { recursive: true });
    await sim(send(L("f1"), L("f2"), "/d"));
    expect(readFileSync(hostDir("d", "f2"), "utf8")).toBe("two");
  });
  test("d3 → d without -d: d is the renamed folder", async () => {
    await sim(send(L("d3"), "/d"));
    expect(readFileSync(hostDir("d", "f1"), "utf8")).toBe("3-1");
    expect(readFileSync(hostDir("d", "d4", "f2"), "utf8")).toBe("3-2");
  });
  test("with -d: d/d3/f1, d/d3/d4/f2, and basenames only for file sources", async () => {
    await sim(send("-d", L("d3"), "/d"));
    expect(readFileSync(hostDir("d", "d3", "d4", "f2"), "utf8")).toBe("3-2");
    await sim(send("-d", L("d3/d4/f2"), L("f1"), "/e"));
    expect(readFileSync(hostDir("e", "f2"), "utf8")).toBe("3-2");
    expect(readFileSync(hostDir("e", "f1"), "utf8")).toBe("one");
  });
});

describe("recv", () => {
  test("remote sources to a local folder", async () => {
    mkdirSync(hostDir("data"), { recursive: true });
    writeFileSync(hostDir("data", "r1"), Buffer.alloc(50_000, 9));
    const dest = path.join(local, "down");
    const fl = list("files", ["/data/r1"]);
    const run = await sim(recv("-d", "--file-list", fl, "--dest64", b64(dest)));
    expect(run.result.code).toBe(0);
    expect(run.frames[0]).toMatchObject({ Type: "INIT", Direction: "Receive" });
    expect(sha(path.join(dest, "r1"))).toBe(sha(hostDir("data", "r1")));
    expect(only(run, "STOP")[0]).toMatchObject({ File: path.join(dest, "r1"), Size: "50000" });
  });
});

describe("resume, overwrite, checksum", () => {
  const big = () => {
    const p = path.join(local, "big");
    writeFileSync(p, Buffer.from(Array.from({ length: 100_000 }, (_, i) => i % 251)));
    return p;
  };

  test("-k1: a complete destination is not sent again (StartByte = Size, Written 0)", async () => {
    const src = big();
    await sim(send("-d", src, "/r"));
    const run = await sim(send("-d", "-k1", src, "/r"));
    expect(only(run, "STATS")).toEqual([]);
    expect(only(run, "STOP")[0]).toMatchObject({ StartByte: "100000", Size: "100000", Written: "0" });
    expect(only(run, "DONE")[0]).toMatchObject({ TransferBytes: "0", FileBytes: "100000", TransfersPassed: "1" });
  });

  test("-k3: a partial destination is continued from where it stopped", async () => {
    const src = big();
    await sim(send("-d", src, "/r"));
    truncateSync(hostDir("r", "big"), 40_000);
    const run = await sim(send("-d", "-k3", src, "/r"));
    expect(only(run, "STOP")[0]).toMatchObject({ StartByte: "40000", Written: "60000" });
    expect(sha(hostDir("r", "big"))).toBe(sha(src));
  });

  test("--overwrite=never: SKIP; -k0 with always: sent again", async () => {
    const src = big();
    await sim(send("-d", src, "/r"));
    const never = await sim(send("-d", "--overwrite=never", src, "/r"));
    expect(only(never, "SKIP")[0]).toMatchObject({ File: "/r/big" });
    expect(only(never, "DONE")[0]).toMatchObject({ TransfersSkipped: "1" });
    const always = await sim(send("-d", "-k0", "--overwrite", "always", src, "/r"));
    expect(only(always, "STOP")[0]).toMatchObject({ Written: "100000" });
  });

  test("--overwrite=diff with identical size and mtime skips", async () => {
    const src = big();
    await sim(send("-d", "-p", src, "/r"));
    const run = await sim(send("-d", "-k0", "--overwrite=diff", src, "/r"));
    expect(types(run)).toContain("SKIP");
    utimesSync(src, new Date(), new Date(Date.now() + 5000));
    const again = await sim(send("-d", "-k0", "--overwrite=diff", src, "/r"));
    expect(only(again, "STOP")[0]).toMatchObject({ Written: "100000" });
  });

  test("--file-checksum reports the digest of the destination", async () => {
    const src = big();
    const run = await sim(send("-d", "--file-checksum=sha-256", src, "/r"));
    const stop = only(run, "STOP")[0];
    expect(stop.FileChecksumType).toBe("sha-256");
    expect(stop.FileChecksum).toBe(createHash("sha256").update(readFileSync(src)).digest("hex"));
  });

  test("--partial-file-suffix: data lands under the suffix, then is renamed", async () => {
    const src = big();
    await sim(send("-d", "--partial-file-suffix=.part", src, "/r"));
    expect(statSync(hostDir("r", "big")).size).toBe(100_000);
    expect(existsSync(hostDir("r", "big.part"))).toBe(false);
  });
});

describe("paths in frames", () => {
  test("a newline in a file name is ESC-escaped in File", async () => {
    const name = "odd\nname";
    writeFileSync(path.join(local, name), "z");
    const run = await runSim({ args: send("-d", path.join(local, name), "/x"), env, keepRaw: true });
    await run.exit;
    expect(run.raw).toContain("File: /x/odd\x1bnname\n");
    expect(only(run, "STOP")[0].File).toBe("/x/odd\nname");
  });
});

describe("filters and options that need the environment", () => {
  test("-N/-E (first match wins) and PathScansExcluded", async () => {
    mkdirSync(path.join(local, "t", "logs"), { recursive: true });
    writeFileSync(path.join(local, "t", "a.txt"), "a");
    writeFileSync(path.join(local, "t", "b.tmp"), "b");
    writeFileSync(path.join(local, "t", "keep.tmp"), "k");
    writeFileSync(path.join(local, "t", "logs", "x.log"), "x");
    const run = await sim(send("-d", "-N", "keep.tmp", "-E", "*.tmp", "-E", "t/logs", path.join(local, "t"), "/f"));
    expect(run.result.code).toBe(0);
    expect(only(run, "STOP").map((s) => s.File).sort()).toEqual(["/f/t/a.txt", "/f/t/keep.tmp"]);
    expect(only(run, "DONE")[0]).toMatchObject({ PathScansExcluded: "2", TransfersPassed: "2" });
    expect(existsSync(hostDir("f", "t", "logs"))).toBe(false);
  });

  test("--exclude-newer-than skips files modified after the given time", async () => {
    writeFileSync(path.join(local, "old"), "o");
    writeFileSync(path.join(local, "new"), "n");
    utimesSync(path.join(local, "old"), new Date(1_000_000_000_000), new Date(1_000_000_000_000));
    const run = await sim(send("-d", "--exclude-newer-than=1500000000", path.join(local, "old"), path.join(local, "new"), "/x"));
    expect(only(run, "STOP").map((s) => s.File)).toEqual(["/x/old"]);
  });

  test("--file-crypt without ASPERA_SCP_FILEPASS: ERROR 48", async () => {
    writeFileSync(path.join(local, "s"), "s");
    const run = await sim(send("-d", "--file-crypt=encrypt", path.join(local, "s"), "/x"));
    expect(run.result.code).toBe(1);
    expect(run.frames.at(-1)).toMatchObject({ Type: "ERROR", Code: "48" });
    const ok = await sim(send("-d", "--file-crypt=encrypt", path.join(local, "s"), "/x"), { env: { ASPERA_SCP_FILEPASS: "pp" } });
    expect(ok.result.code).toBe(0);
  });
});

describe("source removal", () => {
  test("--remove-after-transfer deletes sent sources; with --remove-skipped also skipped ones", async () => {
    const a = path.join(local, "a");
    const b = path.join(local, "b");
    writeFileSync(a, "a");
    writeFileSync(b, "b");
    mkdirSync(hostDir("s"), { recursive: true });
    writeFileSync(hostDir("s", "b"), "old");
    await sim(send("-d", "--overwrite=never", "--remove-after-transfer", a, b, "/s"));
    expect([existsSync(a), existsSync(b)]).toEqual([false, true]);
    await sim(send("-d", "--overwrite=never", "--remove-after-transfer", "--remove-skipped", b, "/s"));
    expect(existsSync(b)).toBe(false);
    expect(readFileSync(hostDir("s", "b"), "utf8")).toBe("old");
  });
});
