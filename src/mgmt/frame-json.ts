// A frame's JSON event line written straight from its bytes: the same text as typing.ts's event through
// JSON.stringify (redacted fields "***", session_index appended), UTF-8 encoded, with no object and no string in
// between. Keys are the field dictionary's precomputed bytes (field-names.ts); integers, rates and booleans are
// copied from their text where typing.ts would make them a number or a boolean; paths are unescaped and strings
// JSON-escaped only where a byte needs it. Frames this cannot write identically (a repeated JSON key, a field
// other than Type mapping to `type`, `session_index` or `__proto__`, a full name table) are not "plain": the caller
// sends them through typing.ts. Differentially checked against that path: frame-json.test.ts.
import { isUtf8 } from "node:buffer";
import { fieldName, TYPE_ID } from "./field-names.js";
import type { RawFrame } from "./frame-parser.js";
import { integerDigits } from "./typing.js";
import { unescapePath } from "./escape.js";

/** A growable output: bytes go to buf[len…); ensure(n) makes room for n more. */
export interface ByteSink {
  buf: Buffer;
  len: number;
  ensure(n: number): void;
}

// Per JSON key, the number of the last frame that used it: a repeat within a frame shows as the current number.
let stamps = new Int32Array(1024);
let frameNo = 0;

/** Whether writeFrameJson writes this frame exactly as typing.ts + JSON.stringify would. */
export function isPlainFrame(f: RawFrame): boolean {
  frameNo = (frameNo + 1) | 0;
  if (frameNo === 0) {
    stamps.fill(-1);
    frameNo = 1;
  }
  for (let i = 0; i < f.count; i++) {
    const id = f.ids[i]!;
    if (id < 0) return false;
    const name = fieldName(id);
    if (name.special && id !== TYPE_ID) return false;
    if (name.jsonId >= stamps.length) {
      const bigger = new Int32Array(Math.max(stamps.length * 2, name.jsonId + 1));
      bigger.set(stamps);
      stamps = bigger;
    }
    if (stamps[name.jsonId] === frameNo) return false;
    stamps[name.jsonId] = frameNo;
  }
  return true;
}

const OPEN_TYPE = Buffer.from('{"type":');
const SESSION_INDEX = Buffer.from(',"session_index":');
const TRUE = Buffer.from("true");
const FALSE = Buffer.from("false");
const STARS = Buffer.from('"***"');
// JSON.stringify's escapes of ASCII bytes: 0 = copied as is, else the letter after the backslash ('u' for \\u00XX).
const ESCAPE = new Uint8Array(128);
for (let b = 0; b < 0x20; b++) ESCAPE[b] = 0x75;
for (const [b, letter] of [[0x08, "b"], [0x09, "t"], [0x0a, "n"], [0x0c, "f"], [0x0d, "r"], [0x22, '"'], [0x5c, "\\"]] as const) ESCAPE[b] = letter.charCodeAt(0);
const HEX = "0123456789abcdef";
const ESC = 0x1b; // below 0x20: always escaped

/** Writes the event line (with its LF) of a plain frame (isPlainFrame); sessionIndex appended unless undefined. */
export function writeFrameJson(out: ByteSink, f: RawFrame, sessionIndex: number | undefined): void {
  const bytes = f.bytes;
  put(out, OPEN_TYPE);
  jsonString(out, bytes, f.valueStart[f.typeAt]!, f.valueEnd[f.typeAt]!, false);
  for (let i = 0; i < f.count; i++) {
    if (i === f.typeAt) continue;
    const name = fieldName(f.ids[i]!);
    const start = f.valueStart[i]!;
    const end = f.valueEnd[i]!;
    out.ensure(name.key.length + 1);
    out.buf[out.len++] = 0x2c;
    name.key.copy(out.buf, out.len);
    out.len += name.key.length;
    if (name.redacted) put(out, STARS);
    else if (name.kind === "integer" || name.kind === "rate") {
      const first = integerDigits(bytes, start, end);
      if (first < 0) jsonString(out, bytes, start, end, false);
      else {
        out.ensure(end - first + 2);
        if (bytes[start] === 0x2d && first < end) out.buf[out.len++] = 0x2d;
        if (first === end) out.buf[out.len++] = 0x30;
        else out.len += bytes.copy(out.buf, out.len, first, end);
      }
    } else if (name.kind === "boolean" && isWord(bytes, start, end, TRUE_WORD)) put(out, TRUE);
    else if (name.kind === "boolean" && isWord(bytes, start, end, FALSE_WORD)) put(out, FALSE);
    else jsonString(out, bytes, start, end, name.kind === "path");
  }
  if (sessionIndex !== undefined) {
    put(out, SESSION_INDEX);
    const digits = String(sessionIndex);
    out.ensure(digits.length);
    out.len += out.buf.write(digits, out.len, "latin1");
  }
  out.ensure(2);
  out.buf[out.len++] = 0x7d;
  out.buf[out.len++] = 0x0a;
}

const TRUE_WORD = Buffer.from("Yes");
const FALSE_WORD = Buffer.from("No");

function isWord(bytes: Buffer, start: number, end: number, word: Buffer): boolean {
  return end - start === word.length && bytes.compare(word, 0, word.length, start, end) === 0;
}

function put(out: ByteSink, b: Buffer): void {
  out.ensure(b.length);
  b.copy(out.buf, out.len);
  out.len += b.length;
}

/**
 * bytes[start, end) as a JSON string, as JSON.stringify writes the UTF-8 decoding of those bytes (after
 * unescapePath for a path). Valid UTF-8 is copied; invalid UTF-8 (which decoding turns into U+FFFD) takes the string way.
 */
function jsonString(out: ByteSink, bytes: Buffer, start: number, end: number, isPath: boolean): void {
  // Room for the worst case, every byte as \u00XX.
  out.ensure((end - start) * 6 + 2);
  const buf = out.buf;
  const at = out.len;
  let o = at;
  buf[o++] = 0x22;
  let checked = false;
  for (let i = start; i < end; i++) {
    let b = bytes[i]!;
    if (b >= 0x80) {
      if (!checked) {
        if (!isUtf8(bytes.subarray(start, end))) {
          out.len = at;
          viaString(out, bytes, start, end, isPath);
          return;
        }
        checked = true;
      }
      buf[o++] = b;
      continue;
    }
    if (ESCAPE[b] === 0) {
      buf[o++] = b;
      continue;
    }
    // A path's ESC pair is one raw character (escape.ts), escaped as JSON.
    if (isPath && b === ESC && i + 1 < end) {
      const next = bytes[i + 1];
      const raw = next === 0x6e ? 0x0a : next === 0x72 ? 0x0d : next === ESC ? ESC : -1;
      if (raw >= 0) {
        b = raw;
        i++;
      }
    }
    buf[o++] = 0x5c;
    const letter = ESCAPE[b]!;
    buf[o++] = letter;
    if (letter === 0x75) {
      buf[o++] = 0x30;
      buf[o++] = 0x30;
      buf[o++] = HEX.charCodeAt(b >> 4);
      buf[o++] = HEX.charCodeAt(b & 15);
    }
  }
  buf[o++] = 0x22;
  out.len = o;
}

function viaString(out: ByteSink, bytes: Buffer, start: number, end: number, isPath: boolean): void {
  const text = bytes.toString("utf8", start, end);
  const json = JSON.stringify(isPath ? unescapePath(text) : text);
  out.ensure(Buffer.byteLength(json));
  out.len += out.buf.write(json, out.len);
}
