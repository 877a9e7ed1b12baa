// Differential check of the hot path (FrameParser → frame-json.ts, bytes to bytes) against the previous path kept as
// the oracle (StringFrameParser → typing.ts → redaction, session_index → JSON text), over the captured transcripts and
// generated frames: same frames, same warnings, byte-identical event lines.
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it, onTestFinished } from "vitest";
import { FrameParser } from "./frame-parser.js";
import { EVENT_FIELDS } from "../generated/fields.js";
import { bytesPath, oraclePath, splitAt, type PathRun } from "./oracle/differential.js";
import { frameArb, frameBytes, mutationArb, streamBytes, transcriptFiles, valueArb } from "./oracle/frame-arbitraries.js";


function expectSame(data: Buffer, sessionIndex: number | undefined, offsets: number[] = [], max?: number, viaTyping?: (n: number) => boolean): PathRun {
  const want = oraclePath(data, sessionIndex, max);
  const got = bytesPath(splitAt(data, offsets.map((o) => o % (data.length + 1))), sessionIndex, max, viaTyping);
  expect(got.warnings).toEqual(want.warnings);
  expect(got.frames).toBe(want.frames);
  expect(got.lines.toString("latin1")).toEqual(want.lines.toString("latin1"));
  return got;
}

describe("frame-json: captured transcripts", () => {
  const files = transcriptFiles();

  it.each(files)("%s", (file) => {
    const data = readFileSync(file);
    expectSame(data, undefined);
    expectSame(data, 2, [...data.keys()].filter((i) => i % 7 === 0));
  });

  it("writes the transcripts' event frames from their bytes", () => {
    const data = Buffer.concat(files.filter((f) => f.includes("go-evt-") || f.includes("real-")).map((f) => readFileSync(f)));
    const run = expectSame(data, 0);
    expect(run.plain).toBeGreaterThan(20);
  });
});

describe("frame-json: streams of similar frames (the parser's and the writer's memo of the previous frame)", () => {
  // Each frame is the one before with a few changes, or none: lines are taken from the memo, changed lines parsed
  // and written again, layouts change, malformed lines and the typed path (which skips the writer's memo) interleave.
  const streamArb = fc.tuple(
    frameArb,
    // Most frames unchanged, so that lines stay unchanged long enough to be compared a run at a time.
    fc.array(fc.oneof({ weight: 5, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.array(mutationArb, { minLength: 1, maxLength: 3 }) }), {
      minLength: 1,
      maxLength: 60,
      size: "large",
    }),
    fc.array(fc.nat(), { maxLength: 6 }),
    fc.option(fc.nat(20), { nil: undefined }),
    fc.array(fc.boolean(), { maxLength: 60 }),
    fc.option(fc.nat(60), { nil: undefined }),
  );

  it("byte-identical to the previous path, frame after frame", () => {
    // The memo's fast path must be taken, not only its fallbacks: its private method, counted.
    const proto = FrameParser.prototype as unknown as { matchMemo: (d: Buffer, p: number, e: number) => number };
    const original = proto.matchMemo;
    let taken = 0;
    proto.matchMemo = function (this: unknown, d: Buffer, p: number, e: number) {
      const q = original.call(this, d, p, e);
      if (q !== p) taken++;
      return q;
    };
    onTestFinished(() => {
      proto.matchMemo = original;
    });
    fc.assert(
      fc.property(streamArb, ([first, steps, offsets, sessionIndex, typed, garbledAt]) => {
        // With garbledAt, a malformed line inside one frame (it empties the memo).
        expectSame(streamBytes(first, steps, garbledAt), sessionIndex, offsets, undefined, (n) => typed[n] === true);
      }),
      { numRuns: 1500 },
    );
    expect(taken).toBeGreaterThan(1000);
  });

  it("a long run of STATS that differ in counters only: the same lines as the previous path", () => {
    const prefix = "FASPMGR 2\nType: STATS\nAdaptive: Adaptive\nFile: /a\x1bnb é\nRateInfo: " + "r".repeat(300) + "\nSessionId: x\n";
    let text = "";
    for (let i = 0; i < 400; i++) text += `${prefix}Elapsedusec: ${i % 3 === 0 ? 5 : i * 977}\nFileBytes: ${i * 1024}\nPassword: p${i % 2}\n\n`;
    const data = Buffer.from(text);
    const run = expectSame(data, 1, [1000, 7777, 30001, 65536]);
    expect(run.plain).toBe(400);
    expect(run.steady).toBeGreaterThan(350);
  });
});

describe("frame-json: steady frames (a STATS template's lines repeated, a few values changing)", () => {
  // A plain STATS, then frames that change a few fields' values each time (counters, awkward values too), with now and
  // then any other change (a name, a field added or removed, the Type, CRLF) or a malformed line: templates are made,
  // taken, left and made again, frames cut anywhere.
  const dictionary = [...EVENT_FIELDS.keys()].filter((n) => n !== "Type").map((n) => Buffer.from(n));
  const steadyArb = fc.tuple(
    fc.array(fc.tuple(fc.constantFrom(...dictionary), valueArb, fc.boolean()), { minLength: 1, maxLength: 10 }),
    fc.nat(),
    fc.boolean(),
    fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
    fc.array(valueArb, { minLength: 1, maxLength: 6 }),
    fc.array(fc.oneof({ weight: 12, arbitrary: fc.constant("counters" as const) }, { weight: 1, arbitrary: fc.array(mutationArb, { minLength: 1, maxLength: 2 }) }), {
      minLength: 10,
      maxLength: 80,
    }),
    fc.array(fc.nat(), { maxLength: 6 }),
    fc.option(fc.nat(20), { nil: undefined }),
    fc.option(fc.nat(80), { nil: undefined }),
    fc.option(fc.nat(80), { nil: undefined }),
  );

  it("byte-identical to the previous path and to the usual way, same warnings", () => {
    let steady = 0;
    fc.assert(
      fc.property(steadyArb, ([fields, typeAt, crlf, counters, odd, plan, offsets, sessionIndex, garbledAt, junkAt]) => {
        const first = { type: Buffer.from("STATS"), typeAt, fields, crlf };
        const steps = plan.map((step, i) =>
          step === "counters" ? counters.map((at, k) => ({ kind: "value" as const, at, value: i % 5 === 4 ? odd[(i + k) % odd.length]! : Buffer.from(String(i * 977 + k)) })) : step,
        );
        let data = streamBytes(first, steps, garbledAt);
        if (junkAt !== undefined) {
          // A line of a CR and more before the empty line of frame junkAt: not an empty line, a malformed one.
          let at = -1;
          for (let n = 0; n <= junkAt && (at = data.indexOf("\n\n", at + 1)) >= 0; n++);
          if (at >= 0) data = Buffer.concat([data.subarray(0, at + 1), Buffer.from("\rx\n"), data.subarray(at + 1)]);
        }
        const run = expectSame(data, sessionIndex, offsets);
        const usual = bytesPath(splitAt(data, offsets.map((o) => o % (data.length + 1))), sessionIndex, undefined, undefined, false);
        expect(usual.steady).toBe(0);
        expect(run.lines.equals(usual.lines)).toBe(true);
        expect(run.warnings).toEqual(usual.warnings);
        steady += run.steady;
      }),
      { numRuns: 1500 },
    );
    expect(steady).toBeGreaterThan(5000);
  });

  it("byte-identical with a small frame limit: a steady frame over it is left to the usual way, which drops it", () => {
    const line = (i: number) => `FASPMGR 2\nType: STATS\nFile: /x\nRateInfo: ${"r".repeat(40)}\nFileBytes: ${i === 30 ? "9".repeat(60) : i}\n\n`;
    const data = Buffer.from(Array.from({ length: 40 }, (_, i) => line(i)).join(""));
    const run = expectSame(data, 0, [], 100);
    expect(run.steady).toBeGreaterThan(20);
    expect(run.warnings.join("\n")).toContain("frame longer than 100 bytes");
  });
});

describe("frame-json: generated frames", () => {
  it("byte-identical to the previous path for any frames, chunking and session_index", () => {
    fc.assert(
      fc.property(
        fc.array(frameArb, { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.option(fc.nat(20), { nil: undefined }),
        (frames, offsets, sessionIndex) => {
          expectSame(Buffer.concat(frames.map(frameBytes)), sessionIndex, offsets);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("most generated frames with dictionary names only are written from their bytes", () => {
    let plain = 0;
    let frames = 0;
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...[...EVENT_FIELDS.keys()].filter((n) => n !== "Type").map((n) => Buffer.from(n))), valueArb, fc.boolean()), { maxLength: 6 }), (fields) => {
        const data = frameBytes({ type: Buffer.from("STATS"), typeAt: 0, fields, crlf: false });
        const run = expectSame(data, 1);
        frames++;
        plain += run.plain;
      }),
      { numRuns: 500 },
    );
    expect(plain / frames).toBeGreaterThan(0.9);
  });

  it("byte-identical with a small frame limit (frames dropped alike)", () => {
    fc.assert(
      fc.property(fc.array(frameArb, { minLength: 1, maxLength: 4 }), fc.array(fc.nat(), { maxLength: 4 }), fc.integer({ min: 8, max: 120 }), (frames, offsets, max) => {
        expectSame(Buffer.concat(frames.map(frameBytes)), 0, offsets, max);
      }),
      { numRuns: 1000 },
    );
  });

  it("random bytes: same frames, warnings and lines", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.array(fc.nat(), { maxLength: 4 }), (bytes, offsets) => {
        const data = Buffer.concat([Buffer.from("FASPMGR 2\nType: STATS\n"), Buffer.from(bytes), Buffer.from("\n\n")]);
        expectSame(data, 3, offsets);
      }),
      { numRuns: 1000 },
    );
  });
});
