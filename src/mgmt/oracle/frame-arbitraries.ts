// Management frames for the differential tests (frame-json.test.ts, progress/facts.test.ts): the captured transcripts,
// and fast-check arbitraries of frames with awkward names and values. Test support, not used by the engine.
import { readdirSync } from "node:fs";
import fc from "fast-check";
import { EVENT_FIELDS } from "../../generated/fields.js";

const TRANSCRIPT_DIRS = ["/work/shared/reference/transcripts", new URL("../../../conformance/transcripts", import.meta.url).pathname];

/** Every captured transcript (.txt) of the reference and of the conformance suite. */
export function transcriptFiles(): string[] {
  return TRANSCRIPT_DIRS.flatMap((dir) => readdirSync(dir).filter((f) => f.endsWith(".txt")).map((f) => `${dir}/${f}`));
}

export interface GeneratedFrame {
  type: Buffer | undefined;
  typeAt: number;
  fields: [Buffer, Buffer, boolean][];
  crlf: boolean;
}

// Field names: the dictionary, made-up ones (naming rule), names whose JSON key is special or repeats another's,
// non-ASCII and invalid UTF-8 bytes. Picked from a small pool so that repeats within a frame are common.
const NAMES: Buffer[] = [
  ...[...EVENT_FIELDS.keys()].slice(0, 40),
  "FileBytes", "TransferBytes", "Elapsedusec", "Encryption", "Remote", "Rate", "MinRate", "File", "Source", "Cookie", "Token", "Password",
  "Size", "StartByte", "Code", "Description", "PreTransferBytes", "PreTransferFiles", "file", "size", "description", "start_byte",
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

export const valueArb = fc.array(fc.constantFrom(...PIECES), { maxLength: 4 }).map((parts) => Buffer.concat(parts));
const fieldArb = fc.tuple(fc.constantFrom(...NAMES), valueArb, fc.boolean());
export const frameArb = fc.record({
  type: fc.option(fc.constantFrom(...TYPES), { nil: undefined }),
  typeAt: fc.nat(),
  fields: fc.array(fieldArb, { maxLength: 12 }),
  crlf: fc.boolean(),
});

/** The management bytes of a generated frame. */
export function frameBytes(f: GeneratedFrame): Buffer {
  const eol = Buffer.from(f.crlf ? "\r\n" : "\n");
  const lines: Buffer[] = f.fields.map(([name, value, space]) => Buffer.concat([name, Buffer.from(space ? ": " : ":"), value, eol]));
  if (f.type !== undefined) lines.splice(f.typeAt % (lines.length + 1), 0, Buffer.concat([Buffer.from("Type: "), f.type, eol]));
  return Buffer.concat([Buffer.from("FASPMGR 2"), eol, ...lines, eol]);
}


/** One change from a frame to the next in a stream of similar frames (frames of a stream repeat most lines). */
export type Mutation =
  | { kind: "value"; at: number; value: Buffer }
  | { kind: "name"; at: number; name: Buffer }
  | { kind: "insert"; at: number; field: [Buffer, Buffer, boolean] }
  | { kind: "delete"; at: number }
  | { kind: "type"; type: Buffer | undefined }
  | { kind: "crlf" };

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant("value" as const), at: fc.nat(), value: valueArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("name" as const), at: fc.nat(), name: fc.constantFrom(...NAMES) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), field: fieldArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("delete" as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("type" as const), type: fc.option(fc.constantFrom(...TYPES), { nil: undefined }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: "crlf" as const }) },
);

/** The frame after the mutations. */
export function mutate(f: GeneratedFrame, changes: readonly Mutation[]): GeneratedFrame {
  const fields = [...f.fields];
  let { type, crlf } = f;
  for (const c of changes) {
    const at = fields.length === 0 ? 0 : ("at" in c ? c.at : 0) % fields.length;
    if (c.kind === "value" && fields.length > 0) fields[at] = [fields[at]![0], c.value, fields[at]![2]];
    else if (c.kind === "name" && fields.length > 0) fields[at] = [c.name, fields[at]![1], fields[at]![2]];
    else if (c.kind === "insert") fields.splice(at, 0, c.field);
    else if (c.kind === "delete") fields.splice(at, 1);
    else if (c.kind === "type") type = c.type;
    else if (c.kind === "crlf") crlf = !crlf;
  }
  return { type, typeAt: f.typeAt, fields, crlf };
}

/**
 * The bytes of a stream of similar frames: `first`, then each frame the one before with `steps[i]` applied; with
 * garbledAt, a line without a colon inside that frame (it empties the parser's memo).
 */
export function streamBytes(first: GeneratedFrame, steps: readonly (readonly Mutation[])[], garbledAt?: number): Buffer {
  const frames = [first];
  for (const changes of steps) frames.push(mutate(frames.at(-1)!, changes));
  const parts = frames.map(frameBytes);
  if (garbledAt !== undefined && garbledAt < parts.length) {
    const p = parts[garbledAt]!;
    const cut = p.indexOf(0x0a) + 1;
    parts[garbledAt] = Buffer.concat([p.subarray(0, cut), Buffer.from("no colon here\n"), p.subarray(cut)]);
  }
  return Buffer.concat(parts);
}
