// Differential check of the hot path (FrameParser → frame-json.ts, bytes to bytes) against the previous path kept as
// the oracle (StringFrameParser → typing.ts → redaction, session_index → JSON text), over the captured transcripts and
// generated frames: same frames, same warnings, byte-identical event lines.
import { readdirSync, readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EVENT_FIELDS } from "../generated/fields.js";
import { bytesPath, oraclePath, splitAt, type PathRun } from "./oracle/differential.js";

const TRANSCRIPT_DIRS = ["/work/shared/reference/transcripts", new URL("../../conformance/transcripts", import.meta.url).pathname];

function expectSame(data: Buffer, sessionIndex: number | undefined, offsets: number[] = [], max?: number): PathRun {
  const want = oraclePath(data, sessionIndex, max);
  const got = bytesPath(splitAt(data, offsets.map((o) => o % (data.length + 1))), sessionIndex, max);
  expect(got.warnings).toEqual(want.warnings);
  expect(got.frames).toBe(want.frames);
  expect(got.lines.toString("latin1")).toEqual(want.lines.toString("latin1"));
  return got;
}

describe("frame-json: captured transcripts", () => {
  const files = TRANSCRIPT_DIRS.flatMap((dir) => readdirSync(dir).filter((f) => f.endsWith(".txt")).map((f) => `${dir}/${f}`));

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

// Field names: the dictionary, made-up ones (naming rule), names whose JSON key is special or repeats another's,
// non-ASCII and invalid UTF-8 bytes. Picked from a small pool so that repeats within a frame are common.
const NAMES: Buffer[] = [
  ...[...EVENT_FIELDS.keys()].slice(0, 40),
  "FileBytes", "TransferBytes", "Elapsedusec", "Encryption", "Remote", "Rate", "MinRate", "File", "Source", "Cookie", "Token", "Password",
  "Foo", "BarBaz", "type", "session_index", "SessionIndex", "__proto__", "constructor", "toString", "cookie", "file_bytes", "1", "A-B", "UTF\u00e9", "X Y",
].map((n) => Buffer.from(n));
NAMES.push(Buffer.from([0x4e, 0xff, 0x6d]), Buffer.from([0xc3, 0x28]));

const PIECES: Buffer[] = [
  "", "0", "00", "007", "-0", "-007", "-", "12", "-7", "+1", "1e3", "0x10", " 12", "12 ", "3.5",
  "9007199254740991", "9007199254740992", "-9007199254740991", "-9007199254740993", "99999999999999999999", "0009007199254740991",
  "Yes", "No", "yes", "50%", "null", "true", "a\"b", "c\\d", "\t", "\u0001", "\u001f", "\u007f", "\r", "\b\f",
  "\x1bn", "\x1br", "\x1b\x1b", "\x1bx", "\x1b", "é", "中文", "😀", "\u2028", "/a b/", ":", ": x",
].map((p) => Buffer.from(p));
// Invalid UTF-8: lone continuation, truncated sequences, overlong, an encoded surrogate, out of range.
PIECES.push(...[[0x80], [0xc3], [0xe6, 0x97], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xff], [0xc3, 0x1b, 0x6e]].map((b) => Buffer.from(b)));
const TYPES = ["STATS", "STOP", "INIT", "DONE", "ERROR", "X\"Y", "é", "", "SPAWN"].map((t) => Buffer.from(t));

const valueArb = fc.array(fc.constantFrom(...PIECES), { maxLength: 4 }).map((parts) => Buffer.concat(parts));
const fieldArb = fc.tuple(fc.constantFrom(...NAMES), valueArb, fc.boolean());
const frameArb = fc.record({
  type: fc.option(fc.constantFrom(...TYPES), { nil: undefined }),
  typeAt: fc.nat(),
  fields: fc.array(fieldArb, { maxLength: 12 }),
  crlf: fc.boolean(),
});

function frameBytes(f: { type: Buffer | undefined; typeAt: number; fields: [Buffer, Buffer, boolean][]; crlf: boolean }): Buffer {
  const eol = Buffer.from(f.crlf ? "\r\n" : "\n");
  const lines: Buffer[] = f.fields.map(([name, value, space]) => Buffer.concat([name, Buffer.from(space ? ": " : ":"), value, eol]));
  if (f.type !== undefined) lines.splice(f.typeAt % (lines.length + 1), 0, Buffer.concat([Buffer.from("Type: "), f.type, eol]));
  return Buffer.concat([Buffer.from("FASPMGR 2"), eol, ...lines, eol]);
}

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
