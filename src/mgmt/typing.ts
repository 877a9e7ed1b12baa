import { EVENT_FIELDS, type FieldKind } from "../generated/fields.js";
import { unescapePath } from "./escape.js";
import type { Frame } from "./frame-parser.js";
import { snakeCaseRule } from "./naming.js";

/** An ascp frame as a JSON event: `type` first, then the fields in frame order. */
export type AscpEvent = { type: string } & Record<string, string | number | boolean>;

interface NameEntry {
  readonly json: string;
  readonly kind: FieldKind;
}

// Dictionary names plus names met at run time (naming rule, kind string). Unknown names are cached up to
// a bound so a peer sending ever new names cannot grow memory without limit.
const names = new Map<string, NameEntry>(EVENT_FIELDS);
const dictionarySize = names.size;
const MAX_LEARNED_NAMES = 4096;

function lookup(native: string): NameEntry {
  const known = names.get(native);
  if (known !== undefined) return known;
  const entry: NameEntry = { json: snakeCaseRule(native), kind: "string" };
  if (names.size < dictionarySize + MAX_LEARNED_NAMES) names.set(native, entry);
  return entry;
}

/**
 * A base-10 integer (optional leading '-') as a number. Values beyond Number.MAX_SAFE_INTEGER stay the
 * string ascp sent: a number there would silently lose digits. Anything else stays the string too.
 */
export function parseInteger(text: string): number | string {
  const len = text.length;
  let i = len > 0 && text.charCodeAt(0) === 0x2d ? 1 : 0;
  if (i === len) return text;
  let n = 0;
  for (; i < len; i++) {
    const d = text.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return text;
    n = n * 10 + d;
  }
  if (n > Number.MAX_SAFE_INTEGER) return text;
  return text.charCodeAt(0) === 0x2d ? -n : n;
}

const MAX_SAFE_DIGITS = String(Number.MAX_SAFE_INTEGER);

/**
 * parseInteger on bytes buf[start, end), without a string: the index of the first significant digit (end for a
 * zero) when parseInteger would give a number, else -1 (it keeps the string).
 */
export function integerDigits(buf: Uint8Array, start: number, end: number): number {
  let i = start < end && buf[start] === 0x2d ? start + 1 : start;
  if (i === end) return -1;
  for (let j = i; j < end; j++) {
    const d = buf[j]! - 0x30;
    if (d < 0 || d > 9) return -1;
  }
  while (i < end && buf[i] === 0x30) i++;
  const digits = end - i;
  if (digits < MAX_SAFE_DIGITS.length) return i;
  if (digits > MAX_SAFE_DIGITS.length) return -1;
  for (let k = 0; k < digits; k++) {
    const d = buf[i + k]! - MAX_SAFE_DIGITS.charCodeAt(k);
    if (d !== 0) return d < 0 ? i : -1;
  }
  return i;
}

/** parseInteger on bytes: the number, or undefined where parseInteger keeps the string. */
export function integerAt(buf: Uint8Array, start: number, end: number): number | undefined {
  const first = integerDigits(buf, start, end);
  if (first < 0) return undefined;
  let n = 0;
  for (let i = first; i < end; i++) n = n * 10 + (buf[i]! - 0x30);
  return buf[start] === 0x2d ? -n : n;
}

/** A field's value as its event carries it, by the field's kind. */
export function typedValue(kind: FieldKind, text: string): string | number | boolean {
  switch (kind) {
    case "integer":
    case "rate": // a percentage such as "50%" is not an integer, so it stays a string
      return parseInteger(text);
    case "boolean":
      return text === "Yes" ? true : text === "No" ? false : text;
    case "path":
      return unescapePath(text);
    case "string":
      return text;
  }
}

const toBoolean = (text: string): boolean | string => (text === "Yes" ? true : text === "No" ? false : text);

type Build = (values: readonly string[]) => AscpEvent;

/**
 * The event of one frame shape, field by field: a fallback for shapes that are not compiled (a field named
 * __proto__, or more distinct shapes than the cache holds).
 */
function interpret(entries: readonly NameEntry[], typeIndex: number, values: readonly string[]): AscpEvent {
  const event: AscpEvent = { type: typeIndex < 0 ? "" : values[typeIndex]! };
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    const value = typedValue(entry.kind, values[i]!);
    // Plain assignment to __proto__ would change (or ignore) the prototype instead of adding the field.
    if (entry.json === "__proto__") Object.defineProperty(event, "__proto__", { value, enumerable: true, writable: true, configurable: true });
    else event[entry.json] = value;
  }
  return event;
}

/**
 * Symbol.for("asession.ndjson-line") on an event's prototype: a method returning the event's JSON text, the same
 * text JSON.stringify gives, found by the NDJSON writer (src/ndjson-writer.ts).
 */
const NDJSON_LINE = Symbol.for("asession.ndjson-line");

// Unsupported values (undefined, functions, symbols: JSON.stringify drops their key; bigint: it throws) set
// `bad`, and the event then goes through JSON.stringify itself.
const valueText = { bad: false };
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;
function jsonValue(v: unknown): string {
  switch (typeof v) {
    case "string":
      return NEEDS_ESCAPE.test(v) ? JSON.stringify(v) : `"${v}"`;
    case "number":
      return Number.isFinite(v) ? `${v}` : "null";
    case "boolean":
      return v ? "true" : "false";
    case "object": {
      const text = v === null ? "null" : (JSON.stringify(v) as string | undefined);
      if (text !== undefined) return text;
      break;
    }
  }
  valueText.bad = true;
  return "";
}

/**
 * A builder for one shape, compiled to a constructor that sets every key in one go: V8 then gives all events
 * of the shape one hidden class with in-object (fast) properties, instead of ~25 keyed stores that turn each
 * event into a slow dictionary object. Same result as interpret(): `type` first, then keys in order of first
 * occurrence, each with its last value. The shape's prototype also carries a serializer that writes the known
 * keys with their names pre-quoted, and falls back to JSON.stringify whenever the event's keys are not exactly
 * those (plus keys added after them, such as session_index). Keys are JSON-quoted and values only read by
 * index, so nothing from the wire becomes code.
 */
function compile(entries: readonly NameEntry[], typeIndex: number): Build | null {
  const last = new Map<string, number>([["type", -1]]);
  entries.forEach((entry, i) => last.set(entry.json, i));
  if (last.has("__proto__")) return null;
  const keys = [...last.keys()];
  const assign: string[] = [];
  for (const [key, i] of last) {
    let expr: string;
    if (i < 0) expr = typeIndex < 0 ? '""' : `v[${typeIndex}]`;
    else {
      switch (entries[i]!.kind) {
        case "integer":
        case "rate":
          expr = `I(v[${i}])`;
          break;
        case "boolean":
          expr = `B(v[${i}])`;
          break;
        case "path":
          expr = `P(v[${i}])`;
          break;
        case "string":
          expr = `v[${i}]`;
          break;
      }
    }
    assign.push(`this[${JSON.stringify(key)}] = ${expr};`);
  }
  const sameKeys = keys.map((key, i) => `k[${i}] !== ${JSON.stringify(key)}`).join(" || ");
  const text = keys.map((key, i) => `${JSON.stringify(`${i === 0 ? "{" : ","}${JSON.stringify(key)}:`)} + S(this[${JSON.stringify(key)}])`).join(" + ");
  const code = `"use strict";
function Event(v) { ${assign.join(" ")} }
Object.defineProperty(Event.prototype, L, { value: function () {
  const k = Object.keys(this);
  if (k.length < ${keys.length} || ${sameKeys}) return JSON.stringify(this);
  let s = ${text};
  for (let j = ${keys.length}; j < k.length; j++) s += "," + JSON.stringify(k[j]) + ":" + S(this[k[j]]);
  if (F.bad) { F.bad = false; return JSON.stringify(this); }
  return s + "}";
} });
return (v) => new Event(v);`;
  return new Function("I", "B", "P", "S", "F", "L", code)(parseInteger, toBoolean, unescapePath, jsonValue, valueText, NDJSON_LINE) as Build;
}

// Frames with the names of the previous frame share its names array (see Frame): the weak map finds their
// builder without looking at the names. Shapes that alternate (STATS, STOP, STATS...) come with new arrays and
// are found by content. Both bounded: a peer sending ever new shapes gets interpreted events, not ever more code.
const byArray = new WeakMap<readonly string[], Build>();
const byContent = new Map<string, Build>();
const MAX_SHAPES = 256;

function builderOf(fieldNames: readonly string[]): Build {
  let build = byArray.get(fieldNames);
  if (build !== undefined) return build;
  const key = fieldNames.join("\n"); // a name never holds a line feed
  build = byContent.get(key);
  if (build === undefined) {
    const entries = fieldNames.map(lookup);
    const typeIndex = fieldNames.indexOf("Type");
    const compiled = byContent.size < MAX_SHAPES ? compile(entries, typeIndex) : null;
    build = compiled ?? ((values) => interpret(entries, typeIndex, values));
    if (compiled !== null) byContent.set(key, compiled);
  }
  byArray.set(fieldNames, build);
  return build;
}

/**
 * Frame → event. Names come from the dictionary, else the naming rule (value kept as a string).
 * A repeated field: the last value wins, at the position of its first occurrence.
 * A field whose name maps to `type` (only `Type` in practice) sets the event type.
 */
export function typeFrame(frame: Frame): AscpEvent {
  return builderOf(frame.names)(frame.values);
}
