import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { NdjsonWriter } from "./ndjson-writer.js";
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
    // Behind by the count of waiting lines (16384 bound): STATS of two sessions, with a STOP of session 0 between.
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
