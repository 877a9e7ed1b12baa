// The progress model's facts read from a frame's bytes (readFrameFacts, the hot path) equal those read from its typed
// event (readFacts), for every frame written from its bytes: captured transcripts and generated frames with awkward
// names (made-up ones whose JSON key is one the model reads) and values (huge numbers, escapes, invalid UTF-8).
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FrameParser, type Frame, type SteadyFrame } from "../mgmt/frame-parser.js";
import { fieldName } from "../mgmt/field-names.js";
import { isPlainFrame } from "../mgmt/frame-json.js";
import { typeFrame } from "../mgmt/typing.js";
import { frameArb, frameBytes, mutationArb, streamBytes, transcriptFiles, valueArb } from "../mgmt/oracle/frame-arbitraries.js";
import { readFacts, readFrameFacts, readSteadyFacts } from "./facts.js";
import { emptyFacts, FrameKind } from "./model.js";

/** A steady frame's names and values as strings (what typing.ts takes). */
function steadyFrame(f: SteadyFrame): Frame {
  const names: string[] = [];
  const values: string[] = [];
  for (let i = 0, v = 0; i < f.count; i++) {
    names.push(fieldName(f.ids[i]!).native);
    values.push(f.fixed[i] === 1 ? f.template.toString("utf8", f.tStart[i]!, f.tEnd[i]!) : f.bytes.toString("utf8", f.start[v]!, f.end[v++]!));
  }
  return { names, values };
}

/**
 * Compares both readings for every plain frame of data (cut at `cuts`), steady frames (readSteadyFacts) included;
 * returns how many frames were compared.
 */
function compareAll(data: Buffer, cuts: readonly number[] = [], counts = { steady: 0 }): number {
  let compared = 0;
  const fromBytes = emptyFacts();
  const fromEvent = emptyFacts();
  const parser = new FrameParser({
    onFrame: (f) => {
      if (!isPlainFrame(f)) return;
      // A stale fact from the frame before must not survive either reading.
      Object.assign(fromBytes, { file: "stale", size: 7, description: "stale" });
      const kind = readFrameFacts(f, fromBytes);
      expect(kind).toBe(readFacts(typeFrame(f.toFrame()), fromEvent));
      expect(fromBytes).toEqual(fromEvent);
      compared++;
    },
    onWarning: () => {},
  });
  parser.enableSteady(
    (f) => f.type === "STATS" && isPlainFrame(f),
    (f) => {
      Object.assign(fromBytes, { file: "stale", size: 7, description: "stale" });
      const kind = readSteadyFacts(f, fromBytes);
      expect(kind).toBe(readFacts(typeFrame(steadyFrame(f)), fromEvent));
      expect(fromBytes).toEqual(fromEvent);
      compared++;
      counts.steady++;
    },
  );
  let from = 0;
  for (const c of [...cuts.map((c) => c % (data.length + 1)).sort((a, b) => a - b), data.length]) {
    parser.push(data.subarray(from, c));
    from = c;
  }
  parser.end();
  return compared;
}

describe("readFrameFacts: the same facts as readFacts of the frame's event", () => {
  it("captured transcripts", () => {
    let compared = 0;
    const kinds = new Set<number>();
    for (const file of transcriptFiles()) {
      const data = readFileSync(file);
      compared += compareAll(data);
      const parser = new FrameParser({ onFrame: (f) => void kinds.add(readFrameFacts(f, emptyFacts())), onWarning: () => {} });
      parser.push(data);
    }
    expect(compared).toBeGreaterThan(40);
    // The transcripts exercise the frames the model acts on.
    for (const k of [FrameKind.STATS, FrameKind.STOP, FrameKind.DONE, FrameKind.NOTIFICATION]) expect(kinds).toContain(k);
  });

  it("generated frames", () => {
    fc.assert(
      fc.property(fc.array(frameArb, { minLength: 1, maxLength: 6 }), (frames) => {
        compareAll(Buffer.concat(frames.map(frameBytes)));
      }),
      { numRuns: 3000 },
    );
  });

  it("streams of similar frames: names kept, changed, moved, and malformed lines in between (the layout kept per names)", () => {
    const steps = fc.array(fc.oneof({ weight: 3, arbitrary: fc.constant([]) }, { weight: 2, arbitrary: fc.array(mutationArb, { minLength: 1, maxLength: 3 }) }), { minLength: 1, maxLength: 30 });
    fc.assert(
      fc.property(frameArb, steps, fc.array(fc.nat(), { maxLength: 5 }), fc.option(fc.nat(30), { nil: undefined }), (first, changes, cuts, garbledAt) => {
        compareAll(streamBytes(first, changes, garbledAt), cuts);
      }),
      { numRuns: 1500 },
    );
  });

  it("steady frames: a STATS template whose counters change (the fixed fields' facts kept with the template)", () => {
    const counts = { steady: 0 };
    const names = ["File", "Size", "StartByte", "FileBytes", "TransferBytes", "Rate", "PreTransferBytes", "Code", "Description", "Elapsedusec", "Foo"];
    const fields = fc.array(fc.tuple(fc.constantFrom(...names.map((n) => Buffer.from(n))), valueArb, fc.boolean()), { minLength: 1, maxLength: 8 });
    const plan = fc.array(fc.oneof({ weight: 10, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.array(mutationArb, { minLength: 1, maxLength: 2 }) }), { minLength: 10, maxLength: 40 });
    fc.assert(
      fc.property(fields, fc.nat(), fc.array(fc.nat(), { minLength: 1, maxLength: 3 }), plan, fc.array(fc.nat(), { maxLength: 5 }), (first, typeAt, counters, steps, cuts) => {
        const changes = steps.map((step, i) => step ?? counters.map((at, k) => ({ kind: "value" as const, at, value: Buffer.from(i % 7 === 6 ? `-${i}` : String(i * 1000 + k)) })));
        compareAll(streamBytes({ type: Buffer.from("STATS"), typeAt, fields: first, crlf: false }, changes), cuts, counts);
      }),
      { numRuns: 800 },
    );
    expect(counts.steady).toBeGreaterThan(2000);
  });
});
