// A frame's JSON event line written straight from its bytes: the same text as typing.ts's event through
// JSON.stringify (redacted fields "***", session_index appended), UTF-8 encoded, with no object and no string in
// between. Keys are the field dictionary's precomputed bytes (field-names.ts); integers, rates and booleans are
// copied from their text where typing.ts would make them a number or a boolean; paths are unescaped and strings
// JSON-escaped only where a byte needs it. Frames this cannot write identically (a repeated JSON key, a field
// other than Type mapping to `type`, `session_index` or `__proto__`, a full name table) are not "plain": the caller
// sends them through typing.ts. A steady frame (frame-parser.ts) of a plain template is written from the template's
// JSON, made once by the same code from the template's bytes, and its own values (writeSteadyJson). Differentially
// checked against that path: frame-json.test.ts.
import { isUtf8 } from "node:buffer";
import { fieldName, TYPE_ID, type FieldName } from "./field-names.js";
import type { RawFrame, SteadyFrame } from "./frame-parser.js";
import { integerDigits } from "./typing.js";
import { unescapePath } from "./escape.js";
import { isPlainAscii } from "./byte-scan.js";

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
  // A function of the field names alone: known while frames repeat them (FrameParser keeps plainNames).
  if (f.plainNames >= 0) return f.plainNames === 1;
  const plain = namesArePlain(f);
  f.plainNames = plain ? 1 : 0;
  return plain;
}

function namesArePlain(f: RawFrame): boolean {
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
// `,"session_index":N` per N, made once.
const sessionIndexes: Buffer[] = [];
function sessionIndexBytes(n: number): Buffer {
  return (sessionIndexes[n] ??= Buffer.from(`,"session_index":${n}`));
}
const TRUE = Buffer.from("true");
const FALSE = Buffer.from("false");
const STARS = Buffer.from('"***"');
// What a byte takes in a JSON string, one table look per byte: COPY, NON_ASCII (copied once the value is known to be
// valid UTF-8), else JSON.stringify's escape, the letter after the backslash ('u' for \\u00XX).
const COPY = 0;
const NON_ASCII = 1;
const ACTION = new Uint8Array(256);
for (let b = 0; b < 0x20; b++) ACTION[b] = 0x75;
for (const [b, letter] of [[0x08, "b"], [0x09, "t"], [0x0a, "n"], [0x0c, "f"], [0x0d, "r"], [0x22, '"'], [0x5c, "\\"]] as const) ACTION[b] = letter.charCodeAt(0);
ACTION.fill(NON_ASCII, 0x80);
const HEX = "0123456789abcdef";
const ESC = 0x1b; // below 0x20: always escaped

/** Writes the event line (with its LF) of a plain frame (isPlainFrame); sessionIndex appended unless undefined. */
export function writeFrameJson(out: ByteSink, f: RawFrame, sessionIndex: number | undefined): void {
  const bytes = f.bytes;
  // Room for the whole line at once: a key is at most 12 bytes per byte of its native name (snake_case, then JSON
  // escapes), a value 6 (\u00XX), and both lie within the frame's bytes.
  out.ensure(12 * (f.valueEnd[f.count - 1]! - f.nameStart[0]!) + 64);
  const buf = out.buf;
  let o = put(buf, out.len, OPEN_TYPE);
  o = jsonString(buf, o, bytes, f.valueStart[f.typeAt]!, f.valueEnd[f.typeAt]!, false);
  // The fields' section, recorded below as the frame's JSON memo: a run of fields whose lines are those of the last
  // frame written (f.same, f.jsonValid) is copied from it in one piece.
  const section = o;
  const at = f.jsonAt;
  const memo = f.json;
  // The memo is rewritten from this line when a piece moved, or a field written here had an unchanged line (it turned
  // calm: its text is worth keeping). Fields whose line changed are not worth it: most change again in the next frame.
  let record = memo.length === 0;
  for (let i = 0; i < f.count; i++) {
    if (i === f.typeAt) {
      if (at[i] !== o - section) record = true;
      at[i] = o - section; // written first, not here: an empty piece
      continue;
    }
    if (f.same[i] === 1 && f.jsonValid[i] === 1) {
      let j = i + 1;
      while (j < f.count && j !== f.typeAt && f.same[j] === 1 && f.jsonValid[j] === 1) j++;
      const from = at[i]!;
      const to = at[j]!;
      const shift = o - section - from;
      buf.set(memoView(memo, from, to), o);
      o += to - from;
      if (shift !== 0) {
        for (let m = i; m <= j; m++) at[m] = at[m]! + shift;
        record = true;
      }
      i = j - 1;
      continue;
    }
    if (at[i] !== o - section || f.same[i] === 1) record = true;
    at[i] = o - section;
    o = writeField(buf, o, f.ids[i]!, bytes, f.valueStart[i]!, f.valueEnd[i]!);
  }
  if (at[f.count] !== o - section) record = true;
  at[f.count] = o - section;
  if (record) remember(f, buf, section, o);
  if (sessionIndex !== undefined) o = put(buf, o, sessionIndexBytes(sessionIndex));
  buf[o++] = 0x7d;
  buf[o++] = 0x0a;
  out.len = o;
}

/** `,"key":value` of field `id` valued bytes[start, end) at buf[o] (room ensured by the caller); returns the new end. */
function writeField(buf: Buffer, o: number, id: number, bytes: Buffer, start: number, end: number): number {
  const name = fieldName(id);
  buf[o++] = 0x2c;
  return writeValue(buf, put(buf, o, name.key), name, bytes, start, end);
}

/** The JSON value of field `name` valued bytes[start, end) at buf[o]; returns the new end. */
function writeValue(buf: Buffer, o: number, name: FieldName, bytes: Buffer, start: number, end: number): number {
  if (name.redacted) return put(buf, o, STARS);
  if (name.kind === "integer" || name.kind === "rate") {
    const first = integerDigits(bytes, start, end);
    if (first < 0) return jsonString(buf, o, bytes, start, end, false);
    if (bytes[start] === 0x2d && first < end) buf[o++] = 0x2d;
    if (first === end) buf[o++] = 0x30;
    else for (let k = first; k < end; k++) buf[o++] = bytes[k]!;
    return o;
  }
  if (name.kind === "boolean" && isWord(bytes, start, end, TRUE_WORD)) return put(buf, o, TRUE);
  if (name.kind === "boolean" && isWord(bytes, start, end, FALSE_WORD)) return put(buf, o, FALSE);
  return jsonString(buf, o, bytes, start, end, name.kind === "path");
}

/**
 * A steady frame's JSON in pieces (SteadyFrame.json): lead[v] is what comes before variable field v's value (the
 * fixed fields since the previous one, then v's key; the first also `{"type":…`, Type being written first), fixed
 * what follows the last value (the fixed fields after it), and tail that followed by session_index for the index
 * tailFor (null: not made yet) and the closing brace and LF; fixedBytes bounds the pieces' total.
 */
interface SteadyJson {
  lead: Buffer[];
  names: FieldName[];
  fixed: Buffer;
  tail: Buffer;
  tailFor: number | undefined | null;
  fixedBytes: number;
}

const CLOSE = Buffer.from("}\n");

/** The pieces of f's template: each fixed field written once, from the template's bytes, as writeFrameJson would. */
function steadyJson(f: SteadyFrame): SteadyJson {
  // Keys take at most 12 bytes per byte of their names, values 6, and all lie within template[0, tEnd[count - 1]).
  const scratch = Buffer.allocUnsafe(12 * f.tEnd[f.count - 1]! + 64);
  const lead: Buffer[] = [];
  const names: FieldName[] = [];
  let o = put(scratch, 0, OPEN_TYPE);
  o = jsonString(scratch, o, f.template, f.tStart[f.typeAt]!, f.tEnd[f.typeAt]!, false);
  for (let i = 0; i < f.count; i++) {
    if (f.fixed[i] === 0) {
      const name = fieldName(f.ids[i]!);
      scratch[o++] = 0x2c;
      o = put(scratch, o, name.key);
      lead.push(Buffer.from(scratch.subarray(0, o)));
      names.push(name);
      o = 0;
    } else if (i !== f.typeAt) o = writeField(scratch, o, f.ids[i]!, f.template, f.tStart[i]!, f.tEnd[i]!);
  }
  const fixed = Buffer.from(scratch.subarray(0, o));
  // + 64: session_index and the closing brace.
  return { lead, names, fixed, tail: fixed, tailFor: null, fixedBytes: lead.reduce((n, b) => n + b.length, fixed.length + 64) };
}

/** Writes the event line (with its LF) of a steady frame whose template is plain (isPlainFrame); as writeFrameJson. */
export function writeSteadyJson(out: ByteSink, f: SteadyFrame, sessionIndex: number | undefined): void {
  const json = (f.json ??= steadyJson(f)) as SteadyJson;
  if (json.tailFor !== sessionIndex) {
    json.tail = Buffer.concat(sessionIndex === undefined ? [json.fixed, CLOSE] : [json.fixed, sessionIndexBytes(sessionIndex), CLOSE]);
    json.tailFor = sessionIndex;
  }
  // Room as in writeFrameJson: the variable fields lie within the frame's bytes.
  out.ensure(json.fixedBytes + 6 * f.span);
  const buf = out.buf;
  const { bytes, start, end } = f;
  const { lead, names } = json;
  let o = out.len;
  for (let v = 0; v < f.varCount; v++) {
    o = piece(buf, o, lead[v]!);
    o = writeValue(buf, o, names[v]!, bytes, start[v]!, end[v]!);
  }
  out.len = piece(buf, o, json.tail);
}

/** b at buf[o]: short pieces byte by byte, since a native copy costs more than their bytes; returns the new end. */
function piece(buf: Buffer, o: number, b: Buffer): number {
  const n = b.length;
  if (n >= 48) {
    buf.set(b, o);
    return o + n;
  }
  for (let i = 0; i < n; i++) buf[o + i] = b[i]!;
  return o + n;
}

// The view of the last memo run copied: a blast copies the same run of the same memo frame after frame, and
// TypedArray.set from a kept view is one native copy (Buffer.copy checks its arguments and makes a view per call).
let viewOf: Buffer | null = null;
let viewFrom = 0;
let view: Buffer = Buffer.alloc(0);

function memoView(memo: Buffer, from: number, to: number): Buffer {
  if (memo !== viewOf || from !== viewFrom || to - from !== view.length) {
    view = memo.subarray(from, to);
    viewOf = memo;
    viewFrom = from;
  }
  return view;
}

/** buf[section, end) (the fields after Type) becomes f's JSON memo (f.jsonAt already holds their places in it). */
function remember(f: RawFrame, buf: Buffer, section: number, end: number): void {
  const n = f.count;
  if (f.json.length < end - section) f.json = Buffer.allocUnsafe(Math.max(end - section, f.json.length * 2, 1024));
  buf.copy(f.json, 0, section, end);
  f.jsonValid.fill(1, 0, n);
  f.jsonValid[f.typeAt] = 0;
}

const TRUE_WORD = Buffer.from("Yes");
const FALSE_WORD = Buffer.from("No");

function isWord(bytes: Buffer, start: number, end: number, word: Buffer): boolean {
  if (end - start !== word.length) return false;
  for (let i = 0; i < word.length; i++) if (bytes[start + i] !== word[i]) return false;
  return true;
}

/** b at buf[o]; returns the new end. A loop: keys and constants are short, and Buffer.copy's own cost is more. */
function put(buf: Buffer, o: number, b: Uint8Array): number {
  for (let i = 0; i < b.length; i++) buf[o++] = b[i]!;
  return o;
}

/**
 * bytes[start, end) as a JSON string at buf[o] (room ensured by the caller), as JSON.stringify writes the UTF-8
 * decoding of those bytes (after unescapePath for a path); returns the new end. Valid UTF-8 is copied; invalid UTF-8
 * (which decoding turns into U+FFFD) takes the string way.
 */
function jsonString(buf: Buffer, o: number, bytes: Buffer, start: number, end: number, isPath: boolean): number {
  const at = o;
  buf[o++] = 0x22;
  if (end - start >= 32 && isPlainAscii(bytes, start, end)) {
    o += bytes.copy(buf, o, start, end);
    buf[o++] = 0x22;
    return o;
  }
  let checked = false;
  for (let i = start; i < end; i++) {
    let b = bytes[i]!;
    const action = ACTION[b]!;
    buf[o++] = b;
    if (action === COPY) continue;
    if (action === NON_ASCII) {
      if (!checked && !isUtf8(bytes.subarray(start, end))) return viaString(buf, at, bytes, start, end, isPath);
      checked = true;
      continue;
    }
    o--;
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
    const letter = ACTION[b]!;
    buf[o++] = letter;
    if (letter === 0x75) {
      buf[o++] = 0x30;
      buf[o++] = 0x30;
      buf[o++] = HEX.charCodeAt(b >> 4);
      buf[o++] = HEX.charCodeAt(b & 15);
    }
  }
  buf[o++] = 0x22;
  return o;
}

function viaString(buf: Buffer, o: number, bytes: Buffer, start: number, end: number, isPath: boolean): number {
  const text = bytes.toString("utf8", start, end);
  return o + buf.write(JSON.stringify(isPath ? unescapePath(text) : text), o);
}
