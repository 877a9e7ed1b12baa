// Differential check of the hot path (FrameParser → frame-json.ts, bytes to bytes) against the previous path kept as
// the oracle (StringFrameParser → typing.ts → redaction, session_index → JSON text), over the captured transcripts and
// generated frames: same frames, same warnings, byte-identical event lines.
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EVENT_FIELDS } from "../generated/fields.js";
import { bytesPath, oraclePath, splitAt, type PathRun } from "./oracle/differential.js";
import { frameArb, frameBytes, transcriptFiles, valueArb } from "./oracle/frame-arbitraries.js";


function expectSame(data: Buffer, sessionIndex: number | undefined, offsets: number[] = [], max?: number): PathRun {
  const want = oraclePath(data, sessionIndex, max);
  const got = bytesPath(splitAt(data, offsets.map((o) => o % (data.length + 1))), sessionIndex, max);
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
