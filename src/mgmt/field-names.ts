// Field names and Type values of management frames, interned from their bytes: the parser turns each name into a
// small integer without making a string, and the JSON writer (frame-json.ts) finds the name's JSON key as
// precomputed bytes. Names come from the field dictionary (src/generated/fields.ts), else the naming rule with the
// value kept a string, as in typing.ts. Both tables are bounded: a peer sending ever new names cannot grow memory.
import { EVENT_FIELDS, type FieldKind } from "../generated/fields.js";
import { snakeCaseRule } from "./naming.js";

/** Fields whose value is replaced by "***" in events: ascp may echo a credential (Cookie in INIT, say). */
export const REDACTED_FIELDS: readonly string[] = ["cookie", "token", "password"];

export interface FieldName {
  readonly id: number;
  readonly native: string;
  readonly json: string;
  readonly kind: FieldKind;
  /** `"json":` as UTF-8 bytes, written as is before the value. */
  readonly key: Buffer;
  /** Same id for names with the same JSON key (a repeat makes the frame one the JSON writer leaves to typing.ts). */
  readonly jsonId: number;
  /** The value is written as "***". */
  readonly redacted: boolean;
  /**
   * A JSON key the writer must not write from bytes: type (set by the Type field only), session_index (added by the
   * job), __proto__, and integer keys such as "1" (an object lists them first, so JSON.stringify too).
   */
  readonly special: boolean;
}

// FNV-1a over bytes (the parser computes it while it looks for the colon); the tables are open-addressed, sized to a
// power of two well above their bound.
export const FNV_OFFSET = 0x811c9dc5 | 0;
export const FNV_PRIME = 0x01000193;
export function hashBytes(buf: Uint8Array, start: number, end: number): number {
  let h = FNV_OFFSET;
  for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i]!, FNV_PRIME);
  return h >>> 0;
}

function sameBytes(a: Uint8Array, buf: Uint8Array, start: number, end: number): boolean {
  if (a.length !== end - start) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== buf[start + i]) return false;
  return true;
}

/** Byte strings → dense ids, up to `max` of them; -1 once full. */
class ByteInterner {
  private readonly slots: Int32Array;
  private readonly bytes: Buffer[] = [];
  constructor(private readonly max: number) {
    let size = 16;
    while (size < max * 2) size *= 2;
    this.slots = new Int32Array(size).fill(-1);
  }

  /** The bytes of an id. */
  bytesOf(id: number): Buffer {
    return this.bytes[id]!;
  }

  /** Id of buf[start, end) (hash: hashBytes of it), added if new and there is room; -1 when not found and full. */
  id(buf: Uint8Array, start: number, end: number, hash = hashBytes(buf, start, end)): number {
    const mask = this.slots.length - 1;
    for (let s = hash & mask; ; s = (s + 1) & mask) {
      const id = this.slots[s]!;
      if (id < 0) {
        if (this.bytes.length >= this.max) return -1;
        this.slots[s] = this.bytes.length;
        this.bytes.push(Buffer.from(buf.subarray(start, end)));
        return this.bytes.length - 1;
      }
      if (sameBytes(this.bytes[id]!, buf, start, end)) return id;
    }
  }
}

const MAX_LEARNED_NAMES = 4096;
const nameIds = new ByteInterner(EVENT_FIELDS.size + MAX_LEARNED_NAMES);
const names: FieldName[] = [];
const jsonIds = new Map<string, number>();
const byNative = new Map<string, number>();

/** The id of the field name buf[start, end) (-1 when the table is full: such a frame goes through typing.ts). */
export function fieldNameId(buf: Uint8Array, start: number, end: number, hash = hashBytes(buf, start, end)): number {
  if (names.length === 0) loadDictionary();
  return intern(buf, start, end, hash);
}

function intern(buf: Uint8Array, start: number, end: number, hash: number): number {
  const known = names.length;
  const id = nameIds.id(buf, start, end, hash);
  if (id === known) addName(Buffer.from(buf.subarray(start, end)).toString("utf8"));
  return id;
}

function isArrayIndex(key: string): boolean {
  return /^(0|[1-9][0-9]*)$/.test(key) && Number(key) < 2 ** 32 - 1;
}

function addName(native: string): void {
  const dict = EVENT_FIELDS.get(native);
  const json = dict?.json ?? snakeCaseRule(native);
  let jsonId = jsonIds.get(json);
  if (jsonId === undefined) jsonIds.set(json, (jsonId = jsonIds.size));
  const id = names.length;
  if (!byNative.has(native)) byNative.set(native, id);
  names.push({
    id,
    native,
    json,
    kind: dict?.kind ?? "string",
    key: Buffer.from(`${JSON.stringify(json)}:`),
    jsonId,
    redacted: REDACTED_FIELDS.includes(json),
    special: json === "type" || json === "session_index" || json === "__proto__" || isArrayIndex(json),
  });
}

// The dictionary first, so that its names have stable ids: the i-th name of EVENT_FIELDS has id i. Done when the
// first name is looked up, not at load: it costs a few ms that a session's start (up to SPAWN) need not wait for.
function loadDictionary(): void {
  for (const native of EVENT_FIELDS.keys()) {
    const b = Buffer.from(native);
    intern(b, 0, b.length, hashBytes(b, 0, b.length));
  }
}

export const TYPE_ID = [...EVENT_FIELDS.keys()].indexOf("Type");

/** The native name of an id, as bytes. */
export function nameBytes(id: number): Buffer {
  return nameIds.bytesOf(id);
}

export function fieldName(id: number): FieldName {
  return names[id]!;
}

/** The id of a native name given as text, -1 if no frame has carried it yet (then no frame has that field). */
export function idOfNative(native: string): number {
  if (names.length === 0) loadDictionary();
  return byNative.get(native) ?? -1;
}

const MAX_TYPES = 256;
const typeIds = new ByteInterner(MAX_TYPES);
const typeTexts: string[] = [];

/** The Type value buf[start, end) as a string, the same string object for the same bytes (no allocation once seen). */
export function typeText(buf: Uint8Array, start: number, end: number): string {
  const id = typeIds.id(buf, start, end);
  if (id < 0) return Buffer.from(buf.subarray(start, end)).toString("utf8");
  if (id === typeTexts.length) typeTexts.push(Buffer.from(buf.subarray(start, end)).toString("utf8"));
  return typeTexts[id]!;
}
