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

function typedValue(kind: FieldKind, text: string): string | number | boolean {
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

interface Shape {
  readonly entries: readonly NameEntry[];
  readonly typeIndex: number;
  // A private copy of the first event of this shape: cloning it gives every later event its keys in one
  // step instead of one property transition per field (about twice as fast). Never handed out.
  template: AscpEvent | undefined;
}

// Frames with the names of the previous frame share its names array (see Frame), so the name lookups of
// a STATS stream are done once; weak keys let old shapes go with their frames.
const shapes = new WeakMap<readonly string[], Shape>();

function shapeOf(fieldNames: readonly string[]): Shape {
  let shape = shapes.get(fieldNames);
  if (shape === undefined) {
    shape = { entries: fieldNames.map(lookup), typeIndex: fieldNames.indexOf("Type"), template: undefined };
    shapes.set(fieldNames, shape);
  }
  return shape;
}

/**
 * Frame → event. Names come from the dictionary, else the naming rule (value kept as a string).
 * A repeated field: the last value wins, at the position of its first occurrence.
 * A field whose name maps to `type` (only `Type` in practice) sets the event type.
 */
export function typeFrame(frame: Frame): AscpEvent {
  const shape = shapeOf(frame.names);
  const { entries, typeIndex, template } = shape;
  const values = frame.values;
  const type = typeIndex < 0 ? "" : values[typeIndex]!;
  const event: AscpEvent = template === undefined ? { type } : { ...template, type };
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    const value = typedValue(entry.kind, values[i]!);
    // Plain assignment to __proto__ would change (or ignore) the prototype instead of adding the field.
    if (entry.json === "__proto__") Object.defineProperty(event, "__proto__", { value, enumerable: true, writable: true, configurable: true });
    else event[entry.json] = value;
  }
  if (template === undefined) shape.template = { ...event };
  return event;
}
