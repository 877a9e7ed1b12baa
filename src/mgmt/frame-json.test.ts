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
