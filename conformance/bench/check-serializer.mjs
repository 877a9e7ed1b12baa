#!/usr/bin/env node
// Differential check of the typed events' fast JSON text (Symbol.for("asession.ndjson-line"), src/mgmt/typing.ts)
// against JSON.stringify: random frames (names from the dictionary and made up, values with quotes, backslashes,
// control characters, escapes, non-ASCII, numbers out of range), then the mutations the engine and its users make
// (session_index added, values changed or removed, keys deleted and re-added, nested values).
// Then the hot path against that one: frames written from their bytes (src/mgmt/frame-json.ts, after the byte-level
// parser) must be byte-identical to the previous parser (src/mgmt/oracle/) + typing + redaction + session_index +
// serializer, over the captured transcripts, random frames (invalid UTF-8 included) and streams of similar STATS (the
// parser's steady frames, written from its template). The same differential check
// runs in CI as src/mgmt/frame-json.test.ts (fast-check).
//   node conformance/bench/check-serializer.mjs [iterations]   (after npm run build)
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT } from "./lib/procs.mjs";

const dist = (p) => pathToFileURL(join(ROOT, "dist", p)).href;
const { FrameParser } = await import(dist("mgmt/oracle/string-frame-parser.js")).then((m) => ({ FrameParser: m.StringFrameParser }));
const { bytesPath, oraclePath } = await import(dist("mgmt/oracle/differential.js"));
const { typeFrame } = await import(dist("mgmt/typing.js"));
const { EVENT_FIELDS } = await import(dist("generated/fields.js"));

const LINE = Symbol.for("asession.ndjson-line");
const iterations = Number(process.argv[2] ?? 20000);
const known = [...EVENT_FIELDS.keys()];
const made = ["Foo", "BarBaz", "constructor", "toString", "1", "0x", "Type", "__proto__", "hasOwnProperty", "UTF\u00e9", "A-B"];
const pieces = ["", "0", "12", "-7", "007", "9007199254740993", "Yes", "No", "50%", "a\"b", "c\\d", "\t", "\u0001", "\x1bn", "\x1b\x1b", "é", "中", "😀", "\ud800", " x ", "null", "1e3"];

// xorshift32: repeatable runs.
let seed = 0x9e3779b9;
const rand = (n) => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) % n;
};
const pick = (a) => a[rand(a.length)];

let checked = 0;
let fast = 0;
let bad = 0;
const check = (event) => {
  checked++;
  const f = event[LINE];
  if (typeof f === "function") fast++;
  const got = typeof f === "function" ? f.call(event) : JSON.stringify(event);
  const want = JSON.stringify(event);
  if (got !== want && bad++ < 5) console.log(`MISMATCH\n  fast: ${got}\n  JSON: ${want}`);
};
const mutations = [
  () => {},
  (e) => (e.session_index = rand(4)),
  (e) => (e.size = pick([undefined, null, "x\"", 3.5, -0, NaN, Infinity, true, { a: [1, "b"] }, () => 1])),
  (e) => {
    delete e.type;
    e.type = "T";
  },
  (e) => {
    e.session_index = 1;
    e.later = pick(["v", undefined, 2]);
  },
  (e) => (e[pick(Object.keys(e))] = pick(pieces)),
];

// Fewer shapes than typing compiles (256), so most events take the compiled path; values vary freely.
const shapes = Array.from({ length: 200 }, () => {
  const names = Array.from({ length: 1 + rand(8) }, () => (rand(3) === 0 ? pick(made) : pick(known)));
  if (rand(4) !== 0) names.splice(rand(names.length + 1), 0, "Type");
  return names;
});
for (let k = 0; k < iterations; k++) {
  let text = "FASPMGR 2\n";
  for (const name of pick(shapes)) text += `${name}: ${name === "Type" ? pick(["STATS", "STOP", "X\"Y"]) : pick(pieces) + pick(pieces)}\n`;
  text += "\n";
  const parser = new FrameParser({
    onFrame: (frame) => {
      for (const mutate of mutations) {
        const event = typeFrame(frame);
        mutate(event);
        check(event);
      }
    },
    onWarning: () => {},
  });
  // Twice: the first frame of a shape and a later one take different paths in typing.
  parser.push(Buffer.from(text + text));
  parser.end();
}
console.log(`${checked} events checked (${fast} through the fast serializer), ${bad} mismatches`);

// ---- bytes → NDJSON against the previous path ----
let frames = 0;
let plain = 0;
let steady = 0;
let differ = 0;
function compare(data, sessionIndex) {
  const want = oraclePath(data, sessionIndex);
  // Cut in two at a random place: frames across chunks take the parser's own buffer.
  const cut = rand(data.length + 1);
  const got = bytesPath([data.subarray(0, cut), data.subarray(cut)], sessionIndex);
  frames += got.frames;
  plain += got.plain;
  steady += got.steady;
  const [g, w] = [got.lines.toString("latin1"), want.lines.toString("latin1")];
  if ((g !== w || got.frames !== want.frames) && differ++ < 5) console.log(`MISMATCH\n  bytes:  ${JSON.stringify(g)}\n  oracle: ${JSON.stringify(w)}`);
}
const transcripts = ["/work/shared/reference/transcripts", join(ROOT, "conformance", "transcripts")].flatMap((dir) => {
  try {
    return readdirSync(dir).filter((f) => f.endsWith(".txt")).map((f) => readFileSync(join(dir, f)));
  } catch {
    return [];
  }
});
for (const data of transcripts) for (const si of [undefined, 0, 7]) compare(data, si);
const bytePieces = [...pieces.map((p) => Buffer.from(p)), Buffer.from([0x80]), Buffer.from([0xc3]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xff, 0x1b, 0x6e]), Buffer.from("\r")];
for (let k = 0; k < iterations; k++) {
  const parts = [Buffer.from("FASPMGR 2\n")];
  for (const name of pick(shapes)) {
    const value = name === "Type" ? Buffer.from(pick(["STATS", "STOP", "X\"Y", "é"])) : Buffer.concat([pick(bytePieces), pick(bytePieces)]);
    parts.push(Buffer.from(`${name}: `), value, Buffer.from("\n"));
  }
  parts.push(Buffer.from("\n"));
  const frame = Buffer.concat(parts);
  compare(Buffer.concat([frame, frame]), rand(3) === 0 ? undefined : rand(5));
}
// Streams of STATS that repeat a frame but for a few values (counters, and now and then an awkward value): after a few
// frames they are steady frames, written from the parser's template (frame-parser.ts, writeSteadyJson).
for (let k = 0; k < iterations / 20; k++) {
  const names = pick(shapes).filter((n) => n !== "Type");
  if (names.length === 0) continue;
  const at = rand(names.length + 1);
  const counters = new Set([rand(names.length), rand(names.length)]);
  const fixed = names.map(() => Buffer.concat([pick(bytePieces), pick(bytePieces)]));
  const parts = [];
  for (let i = 0; i < 30; i++) {
    parts.push(Buffer.from("FASPMGR 2\n"));
    names.forEach((name, j) => {
      if (j === at) parts.push(Buffer.from("Type: STATS\n"));
      const value = !counters.has(j) ? fixed[j] : rand(4) === 0 ? Buffer.concat([pick(bytePieces), pick(bytePieces)]) : Buffer.from(String(i * 1021 + j));
      parts.push(Buffer.from(`${name}: `), value, Buffer.from("\n"));
    });
    if (at === names.length) parts.push(Buffer.from("Type: STATS\n"));
    parts.push(Buffer.from("\n"));
  }
  compare(Buffer.concat(parts), rand(3) === 0 ? undefined : rand(5));
}
console.log(
  `${frames} frames written from their bytes or typed (${plain} from their bytes, ${steady} of them steady frames), ${transcripts.length} transcripts, ${differ} mismatches`,
);
process.exit(bad === 0 && fast > 0 && differ === 0 && plain > 0 && steady > 0 ? 0 : 1);
