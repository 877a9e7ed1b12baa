import { readdirSync, readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EVENT_FIELDS } from "../generated/fields.js";
import { escapePath } from "./escape.js";
import { FrameParser, type FrameWarning, type RawFrame } from "./frame-parser.js";
import { splitAt } from "./oracle/differential.js";

const TRANSCRIPTS = "/work/shared/reference/transcripts";

interface Parsed {
  frames: [string, string][][];
  warnings: FrameWarning[];
}

function parseChunks(chunks: Buffer[], maxFrameBytes?: number): Parsed {
  const out: Parsed = { frames: [], warnings: [] };
  const parser = new FrameParser({
    onFrame: (f) => {
      const { names, values } = f.toFrame();
      out.frames.push(names.map((n, i) => [n, values[i]!]));
    },
    onWarning: (w) => out.warnings.push(w),
    ...(maxFrameBytes === undefined ? {} : { maxFrameBytes }),
  });
  for (const chunk of chunks) parser.push(chunk);
  parser.end();
  return out;
}

const parseText = (text: string, maxFrameBytes?: number): Parsed => parseChunks([Buffer.from(text)], maxFrameBytes);
const codes = (p: Parsed): string[] => p.warnings.map((w) => w.code);

describe("FrameParser: framing rules", () => {
  it.each<[string, string, [string, string][][], string[]]>([
    ["one frame", "FASPMGR 2\nType: INIT\nSessionId: x\n\n", [[["Type", "INIT"], ["SessionId", "x"]]], []],
    ["CRLF line ends", "FASPMGR 2\r\nType: INIT\r\nA: b\r\n\r\n", [[["Type", "INIT"], ["A", "b"]]], []],
    ["only one CR stripped", "FASPMGR 2\nType: X\nA: b\r\r\n\n", [[["Type", "X"], ["A", "b\r"]]], []],
    [
      "value keeps colons, spaces after the first one and trailing spaces",
      "FASPMGR 2\nType: ERROR\nDescription: Server aborted session: denied\nA:  two\nB:none\nC: trail  \n\n",
      [[["Type", "ERROR"], ["Description", "Server aborted session: denied"], ["A", " two"], ["B", "none"], ["C", "trail  "]]],
      [],
    ],
    ["empty values", "FASPMGR 2\nType: STOP\nUserStr:\nDescription: \n\n", [[["Type", "STOP"], ["UserStr", ""], ["Description", ""]]], []],
    ["header typo FASPMGR2 and FASPMGR 4", "FASPMGR2\nType: SKIP\n\nFASPMGR 4\nType: PUT\n\n", [[["Type", "SKIP"]], [["Type", "PUT"]]], []],
    ["blank lines between frames ignored", "\n\nFASPMGR 2\nType: A\n\n\n\r\nFASPMGR 2\nType: B\n\n", [[["Type", "A"]], [["Type", "B"]]], []],
    ["repeated fields kept in order", "FASPMGR 2\nType: A\nX: 1\nX: 2\n\n", [[["Type", "A"], ["X", "1"], ["X", "2"]]], []],
    ["new header drops the unfinished frame", "FASPMGR 2\nType: A\nX: 1\nFASPMGR 2\nType: B\n\n", [[["Type", "B"]]], ["frame_dropped"]],
    ["line without colon skipped, frame kept", "FASPMGR 2\nType: A\ngarbage\nmore\nX: 1\n\n", [[["Type", "A"], ["X", "1"]]], ["malformed_frame"]],
    ["field without a name skipped", "FASPMGR 2\nType: A\n: v\n\n", [[["Type", "A"]]], ["malformed_frame"]],
    [
      "text before any header skipped, one warning per run",
      "Type: A\nX: 1\n\nY: 2\nFASPMGR 2\nType: B\n\n",
      [[["Type", "B"]]],
      ["malformed_frame", "malformed_frame"],
    ],
    ["frame without Type dropped", "FASPMGR 2\nSize: 1\n\n", [], ["malformed_frame"]],
    ["unterminated frame at end", "FASPMGR 2\nType: A\nX: 1\n", [], ["frame_dropped"]],
    ["unterminated last line at end", "FASPMGR 2\nType: A\nX: 1", [], ["frame_dropped"]],
    ["last line without LF that ends nothing", "FASPMGR 2\nType: A\n\nnoise", [[["Type", "A"]]], ["malformed_frame"]],
    ["empty stream", "", [], []],
    ["UTF-8 and ESC in values", "FASPMGR 2\nType: STATS\nFile: /é/日本/\x1bn😀\n\n", [[["Type", "STATS"], ["File", "/é/日本/\x1bn😀"]]], []],
    ["invalid UTF-8 becomes U+FFFD", "FASPMGR 2\nType: A\nX: \udfff\n\n", [[["Type", "A"], ["X", "\ufffd"]]], []],
  ])("%s", (_name, text, frames, warnings) => {
    const parsed = parseText(text);
    expect(parsed.frames).toEqual(frames);
    expect(codes(parsed)).toEqual(warnings);
  });

  it("delivers every frame in one reused view, read through FrameView by native name (last value wins)", () => {
    const seen: [string, number | undefined, string | undefined, string | undefined][] = [];
    const views = new Set<RawFrame>();
    const parser = new FrameParser({
      onFrame: (f) => {
        views.add(f);
        seen.push([f.type, f.int("Size"), f.text("Loss"), f.path("File")]);
      },
      onWarning: () => {},
    });
    const text = ["Type: STATS\nSize: 1\n", "Type: STATS\nSize: 9007199254740993\nFile: a\x1bnb\n", "Type: STOP\nLoss: 3\nLoss: 4\nSize: -007\n"]
      .map((body) => `FASPMGR 2\n${body}\n`)
      .join("");
    const data = Buffer.from(text);
    // Cut inside the second frame: its bytes are moved to the parser's own buffer, offsets with them.
    parser.push(data.subarray(0, 40));
    parser.push(data.subarray(40));
    expect(seen).toEqual([
      ["STATS", 1, undefined, undefined],
      ["STATS", undefined, undefined, "a\nb"],
      ["STOP", -7, "4", undefined],
    ]);
    expect(views.size).toBe(1);
  });

  it("copy() keeps a frame after the call", () => {
    const kept: RawFrame[] = [];
    const parser = new FrameParser({ onFrame: (f) => kept.push(f.copy()), onWarning: () => {} });
    parser.push(Buffer.from("FASPMGR 2\nType: INIT\nUserStr: n1\n\nFASPMGR 2\nType: STATS\nSize: 5\n\n"));
    expect(kept.map((f) => f.toFrame())).toEqual([
      { names: ["Type", "UserStr"], values: ["INIT", "n1"] },
      { names: ["Type", "Size"], values: ["STATS", "5"] },
    ]);
    expect(kept[0]!.text("UserStr")).toBe("n1");
  });

  it("names the line and the dropped type in warnings", () => {
    const parsed = parseText("FASPMGR 2\nType: STATS\nFASPMGR 2\nType: DONE\n");
    expect(parsed.warnings).toEqual([
      { code: "frame_dropped", message: "line 3: new header before the end of the previous frame (Type STATS); previous frame dropped" },
      { code: "frame_dropped", message: "stream ended inside a frame (Type DONE) (no empty line after it); frame dropped" },
    ]);
  });

  it("drops a frame with a line over the limit and skips to the next empty line", () => {
    const long = "x".repeat(100);
    const text = `FASPMGR 2\nType: A\nX: ${long}\nY: 1\n\nFASPMGR 2\nType: B\n\n`;
    const parsed = parseText(text, 64);
    expect(parsed.frames).toEqual([[["Type", "B"]]]);
    expect(parsed.warnings).toEqual([
      { code: "frame_too_long", message: "line 3: line longer than 64 bytes; frame (Type A) dropped; skipped up to the next empty line or header" },
    ]);
  });

  it("a header ends the skipping after an over-long line", () => {
    const parsed = parseText(`FASPMGR 2\nType: A\nX: ${"y".repeat(100)}\nFASPMGR 2\nType: B\n\n`, 64);
    expect(parsed.frames).toEqual([[["Type", "B"]]]);
    expect(codes(parsed)).toEqual(["frame_too_long"]);
  });

  it("drops a frame whose lines add up to more than the limit", () => {
    const lines = Array.from({ length: 10 }, (_, i) => `F${i}: 0123456789`).join("\n");
    const parsed = parseText(`FASPMGR 2\nType: A\n${lines}\n\nFASPMGR 2\nType: B\n\n`, 64);
    expect(parsed.frames).toEqual([[["Type", "B"]]]);
    expect(parsed.warnings[0]!.message).toMatch(/^line 6: frame longer than 64 bytes; frame \(Type A\) dropped/);
  });

  it("never buffers more than the limit of an endless line", () => {
    const limit = 1024 * 1024;
    const parser = new FrameParser({ onFrame: () => {}, onWarning: () => {} });
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    parser.push(Buffer.from("FASPMGR 2\nType: A\nX: "));
    for (let i = 0; i < 64; i++) parser.push(chunk); // 4 MiB without LF
    const state = parser as unknown as { carry: Buffer };
    expect(state.carry.length).toBeLessThanOrEqual(2 * limit);
    const frames: string[] = [];
    const warnings: string[] = [];
    const fresh = new FrameParser({ onFrame: (f) => frames.push(f.type), onWarning: (w) => warnings.push(w.code) });
    fresh.push(Buffer.from("FASPMGR 2\nType: A\nX: "));
    for (let i = 0; i < 64; i++) fresh.push(chunk);
    fresh.push(Buffer.from("\nY: 1\n\nFASPMGR 2\nType: B\n\n"));
    fresh.end();
    expect(frames).toEqual(["B"]);
    expect(warnings).toEqual(["frame_too_long"]);
  });

  it("gives the same result for a UTF-8 character or CRLF split at every byte", () => {
    const data = Buffer.from("FASPMGR 2\r\nType: STATS\r\nFile: 日本😀é\r\n\r\n");
    const whole = parseChunks([data]);
    for (let cut = 0; cut <= data.length; cut++) expect(parseChunks(splitAt(data, [cut]))).toEqual(whole);
    expect(parseChunks(splitAt(data, [...data.keys()]))).toEqual(whole);
  });
});

describe("FrameParser: published transcripts", () => {
  const files = readdirSync(TRANSCRIPTS).filter((f) => f.endsWith(".txt"));
  const read = (name: string): Buffer => readFileSync(`${TRANSCRIPTS}/${name}`);

  it.each(files.filter((f) => f.startsWith("go-") && f !== "go-evt-invalid.txt"))("%s: one frame, no warning", (file) => {
    const data = read(file);
    const parsed = parseChunks([data]);
    expect(parsed.warnings).toEqual([]);
    expect(parsed.frames).toHaveLength(1);
    const lines = data.toString("utf8").split("\n").slice(1, -2);
    expect(parsed.frames[0]).toEqual(lines.map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 2)]));
    expect(parseChunks(splitAt(data, [...data.keys()]))).toEqual(parsed);
  });

  it("go-evt-invalid.txt: the colon-less line is reported and the Type-less frame dropped", () => {
    const parsed = parseChunks([read("go-evt-invalid.txt")]);
    expect(parsed.frames).toEqual([]);
    expect(parsed.warnings).toEqual([
      { code: "malformed_frame", message: "line 2: line without a colon skipped" },
      { code: "malformed_frame", message: "line 3: frame without a Type field dropped" },
    ]);
  });

  // COS strings and the PyPI example have no empty line after each frame: every frame but the last is
  // dropped by the next header, the last one by the end of the stream. Nothing is emitted.
  it.each(files.filter((f) => f.startsWith("cos-") || f.startsWith("pypi-")))("%s: every frame dropped with a warning", (file) => {
    const data = read(file);
    const headers = data.toString("utf8").split("\n").filter((l) => l.startsWith("FASPMGR")).length;
    const parsed = parseChunks([data]);
    expect(parsed.frames).toEqual([]);
    expect(codes(parsed)).toEqual(Array(headers).fill("frame_dropped"));
  });
});

// Values free of CR and LF (the only characters a value cannot carry); names free of ':' that never look
// like a header. Paths are escaped, as ascp sends them.
const valueArb = fc.string({ unit: fc.oneof(fc.constantFrom(" ", ":", "\x1b", "é", "😀", "日"), fc.constantFrom("grapheme", "grapheme-ascii").chain((unit) => fc.string({ unit, minLength: 1, maxLength: 1 }))) }).map((s) => s.replace(/[\r\n]/g, ""));
const nameArb = fc.oneof(
  fc.constantFrom(...EVENT_FIELDS.keys()),
  fc.stringMatching(/^[A-Za-z][A-Za-z0-9_ -]{0,12}$/).filter((n) => !n.startsWith("FASPMGR")),
);
const frameArb = fc.tuple(
  fc.constantFrom("INIT", "STATS", "STOP", "DONE"),
  fc.array(fc.tuple(nameArb, valueArb, fc.boolean())),
  fc.boolean(),
);

describe("FrameParser: properties", () => {
  it("(a) any split of a valid stream yields the frames of the stream, as one chunk does", () => {
    fc.assert(
      fc.property(fc.array(frameArb, { maxLength: 5 }), fc.array(fc.nat()), (frames, offsets) => {
        const expected: [string, string][][] = [];
        let text = "";
        for (const [type, fields, crlf] of frames) {
          const eol = crlf ? "\r\n" : "\n";
          const pairs: [string, string][] = [["Type", type]];
          for (const [name, value, isPath] of fields) pairs.push([name, isPath ? escapePath(value) : value]);
          text += `FASPMGR 2${eol}` + pairs.map(([n, v]) => `${n}: ${v}${eol}`).join("") + eol;
          expected.push(pairs);
        }
        const data = Buffer.from(text);
        const whole = parseChunks([data]);
        expect(whole).toEqual({ frames: expected, warnings: [] });
        expect(parseChunks(splitAt(data, offsets.map((o) => o % (data.length + 1))))).toEqual(whole);
      }),
    );
  });

  const tokenArb = fc.oneof(
    fc.constantFrom("FASPMGR 2\n", "FASPMGR2\r\n", "\n", "\r\n", "\r", ":", ": ", "Type: STATS\n", "Size: 12\n", "\x1b", "é", "日本"),
    fc.uint8Array({ maxLength: 8 }).map((b) => Buffer.from(b).toString("latin1")),
    fc.string({ maxLength: 8 }),
  );
  const noisyArb = fc.tuple(
    fc.array(fc.oneof(tokenArb, fc.uint8Array({ maxLength: 4 }).map((b) => Buffer.from(b))), { maxLength: 60 }),
    fc.array(fc.nat()),
    fc.option(fc.integer({ min: 1, max: 40 }), { nil: undefined }),
  );

  it("(c) random bytes never throw, and chunking never changes frames or warnings", () => {
    fc.assert(
      fc.property(noisyArb, ([parts, offsets, max]) => {
        const data = Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p, "utf8") : p)));
        const whole = parseChunks([data], max);
        expect(parseChunks(splitAt(data, offsets.map((o) => o % (data.length + 1))), max)).toEqual(whole);
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), fc.array(fc.nat()), (bytes, offsets) => {
        const data = Buffer.from(bytes);
        expect(parseChunks(splitAt(data, offsets.map((o) => o % (data.length + 1))))).toEqual(parseChunks([data]));
      }),
    );
  });
});
