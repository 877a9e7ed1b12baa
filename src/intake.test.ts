import { describe, expect, it } from "vitest";
import { PassThrough } from "node:stream";
import fc from "fast-check";
import { isUtf8 } from "node:buffer";
import { InputReader, SpecBytes, checkInlineSpec, decodeSpec, invalidUtf8Offset, parseInvocation, parseSpecText, type Line } from "./intake.js";

const limits = { maxSpecBytes: 1 << 20, maxLineBytes: 64 };

/** Feeds `chunks` to an InputReader and collects the spec text and the lines. */
async function read(chunks: (string | Buffer)[], specFromStdin = true) {
  const stream = new PassThrough();
  const reader = new InputReader(stream, specFromStdin, limits);
  const lines: Line[] = [];
  const ended = new Promise<void>((resolve) => reader.onLines((l) => lines.push(l), resolve));
  for (const c of chunks) stream.write(c);
  stream.end();
  await ended;
  return { spec: await reader.specText, lines };
}

describe("parseInvocation", () => {
  it.each([
    [[], { mode: "run", source: { kind: "stdin" }, dryRun: false }],
    [["@json:@stdin"], { mode: "run", source: { kind: "stdin" }, dryRun: false }],
    [["@json:@stdin:"], { mode: "run", source: { kind: "stdin" }, dryRun: false }],
    [["@json:@file:/tmp/s.json"], { mode: "run", source: { kind: "file", path: "/tmp/s.json" }, dryRun: false }],
    [['@json:{"spec":{}}'], { mode: "run", source: { kind: "inline", text: '{"spec":{}}' }, dryRun: false }],
    [["--dry-run", "@json:@stdin"], { mode: "run", source: { kind: "stdin" }, dryRun: true }],
    [["--progress"], { mode: "run", source: { kind: "stdin" }, dryRun: false, progress: true }],
    [["--no-progress", "@json:@stdin"], { mode: "run", source: { kind: "stdin" }, dryRun: false, progress: false }],
    [["--help"], { mode: "help" }],
    [["-h"], { mode: "help" }],
    [["--version"], { mode: "version" }],
  ])("%j", (args, expected) => {
    expect(parseInvocation(args)).toEqual(expected);
  });

  it.each([
    [["{}"], /must start with @json:/],
    [["--frobnicate"], /unknown option "--frobnicate"/],
    [["@json:@file:"], /needs a path/],
    [["@json:@env:X"], /unsupported extended value/],
    [["@json:@stdin", "@json:{}"], /only one session spec/],
  ])("refuses %j", (args, message) => {
    const r = parseInvocation(args);
    expect(r.mode).toBe("usage-error");
    expect((r as { message: string }).message).toMatch(message);
  });
});

describe("parseSpecText", () => {
  it("names the position of a syntax error", () => {
    const r = parseSpecText('{"spec": [1,}');
    expect(r.ok).toBe(false);
    expect((r as { message: string }).message).toMatch(/not valid JSON: line 1, column 13/);
  });
  it("says when the input is empty", () => {
    expect(parseSpecText("  \n")).toEqual({ ok: false, message: expect.stringMatching(/empty/) });
  });
});

describe("InputReader", () => {
  it("reads a pretty multi-line spec, then numbers command lines from the start of stdin", async () => {
    const { spec, lines } = await read(['{\n  "spec": {\n    "a": "}{\\"x"\n  }\n}\n', '{"type":"DONE"}\n', "\n", "second\r\n"]);
    expect(spec).toEqual({ ok: true, text: '{\n  "spec": {\n    "a": "}{\\"x"\n  }\n}' });
    expect(JSON.parse((spec as { text: string }).text)).toEqual({ spec: { a: '}{"x' } });
    expect(lines).toEqual([
      { lineNo: 6, text: '{"type":"DONE"}' },
      { lineNo: 7, text: "" },
      { lineNo: 8, text: "second" },
    ]);
  });

  it("treats text after the spec on its last line as the first command line", async () => {
    const { lines } = await read(['{"spec":{}} {"type":"DONE"}\n']);
    expect(lines).toEqual([{ lineNo: 1, text: ' {"type":"DONE"}' }]);
  });

  it("gives a scalar or garbage first line to JSON.parse, which explains", async () => {
    const { spec } = await read(["hello world\n"]);
    expect(spec).toEqual({ ok: true, text: "hello world" });
  });

  it("reports an unfinished spec and an empty stdin", async () => {
    expect((await read(['{"spec": {']) ).spec).toMatchObject({ ok: false, message: expect.stringMatching(/before the session spec was complete/) });
    expect((await read([])).spec).toMatchObject({ ok: false, message: expect.stringMatching(/stdin is empty/) });
  });

  it("reports an over-long line by number without keeping it, and goes on", async () => {
    const long = "x".repeat(200);
    const { lines } = await read(['{"spec":{}}\n', "ok\n", long.slice(0, 50), long.slice(50) + "\n", "after"]);
    expect(lines).toEqual([
      { lineNo: 2, text: "ok" },
      { lineNo: 3, tooLong: 200 },
      { lineNo: 4, text: "after" },
    ]);
  });

  it("refuses a spec over the size limit", async () => {
    const stream = new PassThrough();
    const reader = new InputReader(stream, true, { maxSpecBytes: 100, maxLineBytes: 64 });
    stream.end(`{"spec":"${"y".repeat(200)}"}`);
    expect(await reader.specText).toMatchObject({ ok: false, message: expect.stringMatching(/larger than/) });
  });

  it("with the spec from arguments, every stdin line is a command from line 1", async () => {
    const { lines } = await read(['{"type":"DONE"}\n'], false);
    expect(lines).toEqual([{ lineNo: 1, text: '{"type":"DONE"}' }]);
  });

  it("gives the same spec and lines whatever the chunking (incl. split UTF-8)", async () => {
    const input = Buffer.from('{\n "spec": {"p": "é→\\"}"}\n}\n{"type":"RATE","rate":5}\nnaïve\n', "utf8");
    const whole = await read([input]);
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.integer({ min: 1, max: input.length - 1 }), { maxLength: 6 }), async (cuts) => {
        const points = [0, ...cuts.sort((a, b) => a - b), input.length];
        const chunks = points.slice(1).map((end, i) => input.subarray(points[i], end));
        expect(await read(chunks)).toEqual(whole);
      }),
      { numRuns: 100 },
    );
  });
});

describe("input that must not be altered or crash (issue 11)", () => {
  it("a UTF-8 byte order mark before the spec is skipped (text and stdin)", async () => {
    expect(parseSpecText('\uFEFF{"spec":{}}')).toEqual({ ok: true, value: { spec: {} } });
    const { spec, lines } = await read([Buffer.from([0xef, 0xbb]), Buffer.from([0xbf]), '{"spec":{}}\n{"type":"DONE"}\n']);
    expect(spec.ok && parseSpecText(spec.text)).toEqual({ ok: true, value: { spec: {} } });
    expect(lines).toEqual([{ lineNo: 2, text: '{"type":"DONE"}' }]);
  });

  it("a number too large for a double is reported as written, with its place", () => {
    expect(parseSpecText('{"spec":\n {"rate": 1e400}}')).toEqual({ ok: false, message: "the session spec is refused: line 2, column 11: the number 1e400 is too large for a double-precision number" });
  });

  it("nesting 100,000 deep is refused with a message, no stack overflow", () => {
    const r = parseSpecText(`{"spec":{"tags":${"[".repeat(100_000)}${"]".repeat(100_000)}}}`);
    expect(r).toEqual({ ok: false, message: "the session spec is refused: line 1, column 115: nested deeper than 100 levels" });
  });

  it("invalid UTF-8 in the spec on stdin or in a command line is reported with its byte offset, never replaced", async () => {
    const bad = await read([Buffer.concat([Buffer.from('{"spec":{"paths":["a'), Buffer.from([0xff]), Buffer.from('"]}}\n{"type":"START","source":"b'), Buffer.from([0xc3, 0x28]), Buffer.from('"}\n')])]);
    expect(bad.spec).toEqual({ ok: false, message: "the session spec on stdin is not valid UTF-8 (byte 20); asession does not replace what it cannot read" });
    expect(bad.lines).toEqual([{ lineNo: 2, invalidUtf8: 27 }]);
    expect(decodeSpec(Buffer.from([0x7b, 0xed, 0xa0, 0x80, 0x7d]), "x")).toEqual({ ok: false, message: "x is not valid UTF-8 (byte 1); asession does not replace what it cannot read" });
  });

  it("an inline spec with U+FFFD that was written as such passes", () => {
    expect(checkInlineSpec('{"a":"\uFFFD"}')).toEqual({ ok: true, text: '{"a":"\uFFFD"}' });
  });

  it("property: SpecBytes over any chunking gives what decodeSpec gives for the bytes whole, and refuses what passes its limit", () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 40 }),
      fc.string({ unit: "binary", maxLength: 30 }).map((s) => new Uint8Array(Buffer.from(s))),
    );
    fc.assert(
      // A limit too large to reserve (as under a low `ulimit -v`) takes the way without a reserved buffer.
      fc.property(bytes, fc.array(fc.nat(), { maxLength: 6 }), fc.oneof(fc.integer({ min: 0, max: 50 }), fc.constant(2 ** 53)), (b, cuts, max) => {
        const spec = new SpecBytes(max, "x");
        const at = [...new Set(cuts.map((c) => c % (b.length + 1)))].sort((p, q) => p - q);
        let from = 0;
        let kept = true;
        for (const c of [...at, b.length]) {
          kept &&= spec.push(b.subarray(from, c));
          from = c;
        }
        expect(kept).toBe(b.length <= max);
        if (!kept) return;
        expect(spec.end()).toEqual(decodeSpec(Buffer.from(b), "x"));
        expect(spec.size).toBe(0);
      }),
      { numRuns: 2000 },
    );
  });

  it("property: invalidUtf8Offset is -1 exactly for valid UTF-8, and the prefix before it is valid", () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 40 }), fc.string({ unit: "binary" }).map((s) => new Uint8Array(Buffer.from(s)))), (bytes) => {
        const at = invalidUtf8Offset(bytes);
        expect(at === -1).toBe(isUtf8(bytes));
        if (at >= 0) expect(isUtf8(bytes.subarray(0, at))).toBe(true);
      }),
    );
  });
});
