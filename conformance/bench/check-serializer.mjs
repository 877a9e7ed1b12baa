#!/usr/bin/env node
// Differential check of the typed events' fast JSON text (Symbol.for("asession.ndjson-line"), src/mgmt/typing.ts)
// against JSON.stringify: random frames (names from the dictionary and made up, values with quotes, backslashes,
// control characters, escapes, non-ASCII, numbers out of range), then the mutations the engine and its users make
// (session_index added, values changed or removed, keys deleted and re-added, nested values).
//   node conformance/bench/check-serializer.mjs [iterations]   (after npm run build)
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT } from "./lib/procs.mjs";

const dist = (p) => pathToFileURL(join(ROOT, "dist", p)).href;
const { FrameParser } = await import(dist("mgmt/frame-parser.js"));
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
process.exit(bad === 0 && fast > 0 ? 0 : 1);
