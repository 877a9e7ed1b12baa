// The management peer check: which connection is taken as ascp's, which are refused, and what a wait reports.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { MgmtListener, firstFrameMismatch, statExiting, userStringArg, type PeerOutcome, type SocketOwner, type WaitOptions } from "./mgmt-port.js";
import { FrameParser, type RawFrame } from "./mgmt/frame-parser.js";

const encode = (fields: Record<string, string>) => `FASPMGR 2\n${Object.entries(fields).map(([k, v]) => `${k}: ${v}\n`).join("")}\n`;
/** The frame of these fields as the parser delivers it. */
function frame(fields: Record<string, string>): RawFrame {
  const frames: RawFrame[] = [];
  const parser = new FrameParser({ onFrame: (f) => frames.push(f.copy()), onWarning: () => {} });
  parser.push(Buffer.from(encode(fields)));
  return frames[0]!;
}

describe("userStringArg: the -u ascp reads from ascp_args", () => {
  it.each<[string[], string | undefined]>([
    [[], undefined],
    [["-u", "my-tag"], "my-tag"],
    [["-umy-tag"], "my-tag"],
    [["-qu", "my-tag"], "my-tag"],
    [["-u", "a", "-DD", "-u", "b"], "b"],
    [["-L", "-u"], undefined],
    [["-DDL-", "-u", "x"], "x"],
    [["-u"], undefined],
    [["--user", "u"], undefined],
    [["--user=-u"], undefined],
    [["-SSH", "-u", "t"], "t"],
    [["--", "-u", "x"], undefined],
    [["-oUserKnownHostsFile=/dev/null"], undefined],
    [["-u", ""], ""],
  ])("%j → %j", (args, expected) => {
    expect(userStringArg(args)).toBe(expected);
  });
});

describe("firstFrameMismatch: where /proc cannot tell, the first frame must be INIT with the -u value", () => {
  it.each<[Record<string, string>, RegExp | null]>([
    [{ Type: "INIT", UserStr: "n1" }, null],
    [{ Type: "INIT", SessionId: "s", Direction: "Send", UserStr: "n1", Operation: "Transfer" }, null],
    [{ Type: "INIT" }, /INIT has no UserStr/],
    [{ Type: "INIT", UserStr: "other" }, /carries UserStr "other", not the -u value/],
    [{ Type: "INIT", UserStr: "x".repeat(100) }, /"x{40}…"/],
    [{ Type: "DONE", UserStr: "n1" }, /first frame is DONE, not INIT/],
  ])("%j", (fields, expected) => {
    const why = firstFrameMismatch(frame(fields), "n1");
    if (expected === null) expect(why).toBeNull();
    else expect(why).toMatch(expected);
  });
});

describe("statExiting: a process whose sockets /proc may no longer tie to it", () => {
  const stat = (comm: string, state: string, flags: number) => `4242 (${comm}) ${state} 1 4242 4242 0 -1 ${flags} 120 0 0 0 1 0`;
  it.each([
    ["running", stat("ascp", "S", 0x400100), false],
    ["a command name with spaces and parentheses", stat("a) S 1 (b", "R", 0x400000), false],
    ["PF_EXITING set (closing its files)", stat("ascp", "R", 0x400104), true],
    ["a zombie", stat("ascp", "Z", 0x400100), true],
    ["dead", stat("ascp", "X", 0), true],
    ["a line cut short", "4242 (ascp) S 1", true],
  ])("%s", (_, line, exiting) => expect(statExiting(line)).toBe(exiting));

  it.runIf(process.platform === "linux")("this process, alive, is not exiting", () => {
    expect(statExiting(fs.readFileSync("/proc/self/stat", "latin1"))).toBe(false);
  });
});

describe("MgmtListener.waitForPeer", () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children.splice(0)) c.kill("SIGKILL");
  });

  /** A child process that connects to `port`, writes `text`, then closes (`end`) or stays (`stay`). */
  function client(port: number, text: string, then: "end" | "stay"): ChildProcess {
    const script = `const s=require("net").connect(${port},"127.0.0.1",()=>{s.write(${JSON.stringify(text)});${then === "end" ? "s.end();" : ""}});s.on("error",()=>{});setInterval(()=>{},1e6);`;
    const c = spawn(process.execPath, ["-e", script], { stdio: "ignore" });
    children.push(c);
    return c;
  }

  async function wait(o: Partial<WaitOptions> & { pid: number }, listener: MgmtListener, strays: string[]): Promise<PeerOutcome> {
    return listener.waitForPeer({ userStr: "nonce-1", timeoutMs: 5000, abort: new Promise(() => {}), onStray: (r) => strays.push(r), ...o });
  }

  const linux = process.platform === "linux";

  it.runIf(linux)("takes the child's connection on /proc's word even when its INIT carries another UserStr (a user's -u) or none", async () => {
    for (const init of [{ Type: "INIT", UserStr: "my-tag" }, { Type: "INIT", SessionId: "s" }]) {
      const listener = await MgmtListener.open();
      const strays: string[] = [];
      const child = client(listener.port, encode(init), "stay");
      const outcome = await wait({ pid: child.pid! }, listener, strays);
      expect(outcome.kind).toBe("connected");
      if (outcome.kind === "connected") {
        const first = outcome.peer.first.map((item) => ("frame" in item ? item.frame.toFrame().names : item.warning.code));
        expect(first).toEqual([Object.keys(init)]);
        outcome.peer.socket.destroy();
      }
      expect(strays).toEqual([]);
    }
  });

  it.runIf(linux)("refuses a connection /proc shows to be another process's, even with our INIT, and the wait reports it", async () => {
    const listener = await MgmtListener.open();
    const strays: string[] = [];
    const ascp = spawn(process.execPath, ["-e", "setInterval(()=>{},1e6)"], { stdio: "ignore" });
    children.push(ascp);
    let stop!: () => void;
    const abort = new Promise<void>((r) => (stop = r));
    const pending = wait({ pid: ascp.pid!, abort }, listener, strays);
    const s = net.connect(listener.port, "127.0.0.1", () => s.write(encode({ Type: "INIT", UserStr: "nonce-1" })));
    s.on("error", () => {});
    await new Promise((r) => s.on("close", r));
    stop();
    const outcome = await pending;
    expect(outcome).toEqual({ kind: "aborted", refused: [{ reason: "it does not belong to the ascp process we started", couldBeAscp: false }] });
    expect(strays).toEqual([expect.stringMatching(/^refused a management connection from 127\.0\.0\.1:\d+: it does not belong/)]);
  });

  describe("on a system where /proc cannot tell (owner unknown)", () => {
    const unknown = (): SocketOwner => "unknown";

    it("takes the INIT with the -u value ascp was given (our nonce, or the user's own)", async () => {
      for (const userStr of ["nonce-1", "my-tag"]) {
        const listener = await MgmtListener.open();
        const strays: string[] = [];
        const child = client(listener.port, encode({ Type: "INIT", UserStr: userStr }), "stay");
        const outcome = await wait({ pid: child.pid!, owner: unknown, userStr }, listener, strays);
        expect(outcome.kind).toBe("connected");
        if (outcome.kind === "connected") outcome.peer.socket.destroy();
        expect(strays).toEqual([]);
      }
    });

    it("refuses an INIT without that UserStr, says why, and the wait's outcome says it may have been ascp", async () => {
      const listener = await MgmtListener.open();
      const strays: string[] = [];
      const child = client(listener.port, encode({ Type: "INIT", SessionId: "s" }), "stay");
      const outcome = await wait({ pid: child.pid!, owner: unknown, timeoutMs: 1500 }, listener, strays);
      expect(outcome.kind).toBe("timeout");
      if (outcome.kind === "connected") return;
      expect(outcome.refused).toEqual([{ reason: expect.stringMatching(/INIT has no UserStr; this system cannot tie a connection to ascp's process/), couldBeAscp: true }]);
      expect(strays).toHaveLength(1);
    });
  });

  it("a client that sent our INIT and closed before it could be checked is taken as ascp's when the wait times out (ascp hung)", async () => {
    const listener = await MgmtListener.open();
    const strays: string[] = [];
    const child = client(listener.port, encode({ Type: "INIT", UserStr: "nonce-1" }), "end");
    const outcome = await wait({ pid: child.pid!, owner: () => "closed", timeoutMs: 1000 }, listener, strays);
    expect(outcome.kind).toBe("connected");
    if (outcome.kind === "connected") {
      await outcome.peer.closed;
      expect(outcome.peer.first).toHaveLength(1);
    }
    expect(strays).toEqual([]);
  });

  it("an ascp that connected, sent INIT and exited while the loop was held: the abort after its exit still takes that connection", async () => {
    const listener = await MgmtListener.open();
    const strays: string[] = [];
    // spawnSync holds this loop: the kernel queues the connection and its bytes, nothing is accepted until it returns.
    const script = `const s=require("net").connect(${listener.port},"127.0.0.1",()=>s.end(${JSON.stringify(encode({ Type: "INIT", UserStr: "nonce-1" }))},()=>process.exit(0)));`;
    const done = spawnSync(process.execPath, ["-e", script], { stdio: "ignore" });
    expect(done.status).toBe(0);
    // The abort is already due when the wait starts, as after a pause longer than the wait after ascp's exit.
    const outcome = await wait({ pid: done.pid!, abort: Promise.resolve() }, listener, strays);
    expect(outcome.kind).toBe("connected");
    if (outcome.kind === "connected") expect(outcome.peer.first).toHaveLength(1);
    expect(strays).toEqual([]);
  });

  it("two such clients cannot be told apart: both refused, reported as possibly ascp's", async () => {
    const listener = await MgmtListener.open();
    const strays: string[] = [];
    const child = client(listener.port, encode({ Type: "INIT", UserStr: "nonce-1" }), "end");
    client(listener.port, encode({ Type: "INIT", UserStr: "nonce-1" }), "end");
    const outcome = await wait({ pid: child.pid!, owner: () => "closed", timeoutMs: 1000 }, listener, strays);
    expect(outcome).toEqual({ kind: "timeout", refused: [expect.objectContaining({ couldBeAscp: true }), expect.objectContaining({ couldBeAscp: true })] });
    expect(strays).toHaveLength(2);
  });
});
