import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PassThrough, Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { NdjsonWriter } from "./ndjson-writer.js";
import { Redactor } from "./redact.js";
import type { ByteSink } from "./mgmt/frame-json.js";

/** A stream that takes writes only when told to (a reader that is behind), keeping what it got. */
class HeldStream extends Writable {
  got = "";
  writes = 0;
  private held: (() => void)[] = [];
  hold = false;
  override _write(chunk: Buffer, _enc: BufferEncoding, done: (e?: Error | null) => void): void {
    this.got += chunk.toString("utf8");
    this.writes++;
    if (this.hold) this.held.push(() => done());
    else done();
  }
  release(): void {
    this.hold = false;
    for (const done of this.held.splice(0)) done();
  }
}

const turn = () => new Promise((r) => setImmediate(r));
const lines = (s: HeldStream) => s.got.split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

/** A line encoder like frame-json's: writes straight into the writer's buffer. */
function encodeText(out: ByteSink, text: string, _: number): void {
  const b = Buffer.from(`${text}\n`);
  out.ensure(b.length);
  out.len += b.copy(out.buf, out.len);
}

describe("NdjsonWriter", () => {
  it("a reader that keeps up gets every line, objects and encoded lines, in order", async () => {
    const s = new HeldStream();
    const w = new NdjsonWriter(s);
    for (let i = 0; i < 5000; i++) {
      if (i % 3 === 0) w.write({ type: "STATS", n: i, s: "é\"" }, 0, true);
      else w.writeWith(encodeText, JSON.stringify({ type: i % 3 === 1 ? "STATS" : "STOP", n: i }), 0, 0, i % 3 === 1);
      if (i % 500 === 0) await turn();
    }
    await w.close();
    const got = lines(s);
    expect(got.map((e) => e.n)).toEqual(Array.from({ length: 5000 }, (_, i) => i));
    expect(got[0]).toEqual({ type: "STATS", n: 0, s: "é\"" });
    expect(w.merged).toBe(0);
  });

  it("behind: keeps only the newest STATS of a session since its last other event; never drops another event", async () => {
    const s = new HeldStream();
    const w = new NdjsonWriter(s);
    w.write({ type: "INIT" }, 0);
    await turn();
    s.hold = true; // the first batch is now stuck in the reader
    w.write({ type: "X", n: 0 }, 0);
    await turn();
    // Behind by the count of waiting lines (8192 bound): STATS of two sessions, with a STOP of session 0 between.
    for (let i = 1; i <= 20000; i++) {
      w.writeWith(encodeText, JSON.stringify({ type: "STATS", session: i % 2, n: i }), 0, i % 2, true);
      if (i === 18000) w.write({ type: "STOP", session: 0, n: i }, 0);
    }
    s.release();
    await w.close();
    const got = lines(s);
    const types = got.map((e) => `${e.type}${e.session ?? ""}`);
    // Everything that is not a STATS arrives, in order.
    expect(got.filter((e) => e.type !== "STATS").map((e) => e.type)).toEqual(["INIT", "X", "STOP"]);
    // Per session, STATS stay in order and the last one is the newest.
    for (const session of [0, 1]) {
      const ns = got.filter((e) => e.type === "STATS" && e.session === session).map((e) => e.n as number);
      expect([...ns].sort((a, b) => a - b)).toEqual(ns);
      expect(ns.at(-1)).toBe(session === 0 ? 20000 : 19999);
    }
    // Session 0's STATS before the STOP are not merged past it.
    const stopAt = types.indexOf("STOP0");
    expect(got.slice(0, stopAt).some((e) => e.type === "STATS" && e.session === 0)).toBe(true);
    expect(w.merged).toBeGreaterThan(10000);
    expect(got.length + w.merged).toBe(20000 + 3);
  });
});

describe.runIf(process.platform === "linux")("NdjsonWriter on a pipe (what the bindings and shells give as stdout)", () => {
  /** A named pipe opened at both ends (the write end blocking, as a parent hands it over), read only when told. */
  function pipe() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ndjson-pipe-"));
    const file = path.join(dir, "p");
    execFileSync("mkfifo", [file]);
    const readFd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    const writeFd = fs.openSync(file, fs.constants.O_WRONLY);
    const target = fs.readlinkSync(`/proc/self/fd/${writeFd}`);
    const chunks: Buffer[] = [];
    return {
      readFd,
      writeFd,
      /** Reads what the pipe holds now. */
      drain: () => {
        const b = Buffer.alloc(1 << 16);
        for (;;) {
          try {
            const n = fs.readSync(readFd, b);
            if (n === 0) return;
            chunks.push(Buffer.from(b.subarray(0, n)));
          } catch {
            return; // EAGAIN: empty
          }
        }
      },
      text: () => Buffer.concat(chunks).toString("utf8"),
      /** fds of this process open on the pipe. */
      opened: () =>
        fs.readdirSync("/proc/self/fd").filter((fd) => {
          try {
            return fs.readlinkSync(`/proc/self/fd/${fd}`) === target;
          } catch {
            return false;
          }
        }).length,
      blocking: () => (parseInt(/^flags:\s*([0-7]+)/m.exec(fs.readFileSync(`/proc/self/fdinfo/${writeFd}`, "latin1"))![1]!, 8) & fs.constants.O_NONBLOCK) === 0,
      cleanup: () => {
        fs.closeSync(writeFd);
        fs.closeSync(readFd);
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const PIPE_BYTES = 1 << 16;
  /** Reads until the text holds `lines` whole lines (the thread pool's write finishes as the pipe empties). */
  async function readLines(p: ReturnType<typeof pipe>, lines: number): Promise<string[]> {
    for (let i = 0; i < 500; i++) {
      p.drain();
      const got = p.text().split("\n").slice(0, -1);
      if (got.length >= lines) return got;
      await new Promise((r) => setTimeout(r, 2));
    }
    throw new Error(`only ${p.text().split("\n").length - 1} lines came`);
  }

  it("lines arrive whole and in order: a pipe with room, one nearly full (part now, the rest later), one full, batches larger than the pipe", async () => {
    const p = pipe();
    const w = new NdjsonWriter(p.writeFd);
    // Its own description of the pipe, for the direct writes.
    expect(p.opened()).toBe(3);
    const events = [{ type: "INIT", n: 0 }];
    w.write(events[0]!);
    await turn();
    expect(await readLines(p, 1)).toEqual(['{"type":"INIT","n":0}']);
    // Room for two pages only (a pipe holds 16): part of the line goes at once, the rest when the reader reads; then
    // no room at all. The line is over PIPE_BUF (4 KiB): a pipe takes only what fits of such a write.
    let fillers = 0;
    for (const room of [8192, 0]) {
      fs.writeSync(p.writeFd, `${"#".repeat(PIPE_BYTES - room - 1)}\n`); // the pipe is empty: this does not block
      fillers++;
      const e = { type: "STOP", n: events.length, room, pad: "y".repeat(12_000) };
      events.push(e);
      w.write(e);
      await turn();
      await new Promise((r) => setTimeout(r, 10));
      await readLines(p, events.length + fillers);
    }
    // Larger than the pipe, and a run of small ones after.
    for (let i = 0; i < 2000; i++) events.push({ type: "FILE_START", n: events.length, pad: "x".repeat(100) } as never);
    for (const e of events.slice(3)) w.write(e);
    for (let i = 0; i < 50; i++) {
      const e = { type: "STOP", n: events.length };
      events.push(e);
      w.write(e);
      await turn();
    }
    const closed = w.close();
    const got = (await readLines(p, events.length + fillers)).filter((l) => !l.startsWith("#"));
    await closed;
    expect(got.map((l) => JSON.parse(l))).toEqual(events);
    expect(w.merged).toBe(0);
    expect(p.opened()).toBe(2);
    expect(p.blocking()).toBe(true);
    p.cleanup();
  });

  it("a reader that went away: the writer reports it once and discards later lines", async () => {
    const p = pipe();
    const w = new NdjsonWriter(p.writeFd);
    let broken = 0;
    w.onBroken(() => broken++);
    fs.closeSync(p.readFd);
    w.write({ type: "INIT" });
    await turn();
    await turn();
    w.write({ type: "STOP" });
    await turn();
    expect(broken).toBe(1);
    expect(w.isBroken).toBe(true);
    expect(p.opened()).toBe(1);
    await w.close();
    fs.closeSync(p.writeFd);
  });
});

/** What the writer sends for these events (objects, or JSON texts written by an encoder as frame-json does). */
async function written(events: (object | string)[], secrets: string[]): Promise<string> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on("data", (b: Buffer) => chunks.push(b));
  const redactor = new Redactor();
  const writer = new NdjsonWriter(out, redactor);
  // The writer exists before the spec is parsed; secrets learnt later apply to everything written after.
  for (const s of secrets) redactor.add(s);
  for (const e of events) typeof e === "string" ? writer.writeWith(encodeText, e, 0, 0, false) : writer.write(e);
  await writer.close();
  return Buffer.concat(chunks).toString("utf8");
}

describe("NdjsonWriter with a Redactor: the one point every stdout line passes", () => {
  const secret = 'tok"en\n-\u00e9-9876';
  const events = [
    { type: "WARNING", code: "x", message: `echo ${secret}` },
    { type: "STATS", file: "/a" },
    { type: "RESULT", status: "failed", error: { message: `spawn failed: '${secret.replace("\n", "\\n")}'` }, sessions: [{ stderr_tail: `ascp: ${secret}\n` }] },
  ];

  it("masks secrets in any field of any event, lines stay JSON, other lines are untouched", async () => {
    const text = await written(events, [secret]);
    const lines = text.trimEnd().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[1]).toBe('{"type":"STATS","file":"/a"}');
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    expect(text).not.toContain(JSON.stringify(secret).slice(1, -1));
    expect(text).not.toContain("9876");
    expect(JSON.parse(lines[2]!)).toMatchObject({ type: "RESULT", status: "failed", sessions: [{ stderr_tail: "ascp: ***\n" }] });
  });

  it("lines written straight into the buffer (writeWith) are masked exactly as the same events written as objects", async () => {
    const asObjects = await written(events, [secret]);
    expect(await written(events.map((e) => JSON.stringify(e)), [secret])).toBe(asObjects);
    // A short secret (masked as a whole token) too, and a line without any secret goes out as it came.
    const short = [{ type: "ERROR", description: "bad key ab1 given" }, { type: "STATS", file: "/ab1x" }];
    const shortText = await written(short.map((e) => JSON.stringify(e)), ["ab1"]);
    expect(shortText).toBe(await written(short, ["ab1"]));
    expect(shortText).toContain('"bad key *** given"');
    expect(shortText).toContain('"/ab1x"');
  });
});
