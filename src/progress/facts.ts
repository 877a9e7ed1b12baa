// ascp frame → the few facts the progress model reads (model.ts, FrameFacts). The one place that knows which event
// fields feed the model, read from any form a frame takes: its typed event, or (on the hot path, where a plain
// frame is written from its bytes and no event is made, see session-runner.ts) the frame's bytes, or a steady
// frame's (mgmt/frame-parser.ts: the template's facts, read once, and the values of its own). All give the same
// facts for the same frame: progress/facts.test.ts checks it over the transcripts and generated frames.
import type { AscpEvent } from "../mgmt/typing.js";
import { integerAt, typedValue } from "../mgmt/typing.js";
import { fieldName } from "../mgmt/field-names.js";
import type { RawFrame, SteadyFrame } from "../mgmt/frame-parser.js";
import { emptyFacts, frameKind, type FrameFacts, type FrameKind } from "./model.js";

const int = (v: unknown): number => (typeof v === "number" && v >= 0 ? v : -1);
const text = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/** Fills `into` (reused between frames) from the event; returns the frame's kind. */
export function readFacts(event: AscpEvent, into: FrameFacts): FrameKind {
  into.file = text(event.file);
  into.size = int(event.size);
  into.startByte = int(event.start_byte);
  into.fileBytes = int(event.file_bytes);
  into.transferBytes = int(event.transfer_bytes);
  into.rateKbps = int(event.rate);
  into.preTransferBytes = int(event.pre_transfer_bytes);
  into.preTransferFiles = int(event.pre_transfer_files);
  into.code = int(event.code);
  into.description = text(event.description);
  return frameKind(event.type);
}

// Which fact a field feeds, by field id (field-names.ts), found once per name: a frame's fields are then sorted out
// with one table look each, not a comparison of their keys.
const NO_FACT = 0;
const FILE = 1;
const SIZE = 2;
const START_BYTE = 3;
const FILE_BYTES = 4;
const TRANSFER_BYTES = 5;
const RATE = 6;
const PRE_TRANSFER_BYTES = 7;
const PRE_TRANSFER_FILES = 8;
const CODE = 9;
const DESCRIPTION = 10;
const FACT_OF_KEY: Record<string, number> = {
  file: FILE,
  size: SIZE,
  start_byte: START_BYTE,
  file_bytes: FILE_BYTES,
  transfer_bytes: TRANSFER_BYTES,
  rate: RATE,
  pre_transfer_bytes: PRE_TRANSFER_BYTES,
  pre_transfer_files: PRE_TRANSFER_FILES,
  code: CODE,
  description: DESCRIPTION,
};
const UNKNOWN = 255;
let factOfId = new Uint8Array(256).fill(UNKNOWN);

function factOf(id: number): number {
  if (id >= factOfId.length) {
    const bigger = new Uint8Array(Math.max(factOfId.length * 2, id + 1)).fill(UNKNOWN);
    bigger.set(factOfId);
    factOfId = bigger;
  }
  let fact = factOfId[id]!;
  if (fact === UNKNOWN) {
    const key = fieldName(id).json;
    fact = factOfId[id] = Object.hasOwn(FACT_OF_KEY, key) ? FACT_OF_KEY[key]! : NO_FACT;
  }
  return fact;
}

// Where the facts are among a frame's fields, as (field index, fact) pairs in frame order: found once for a run of
// frames with the same names (RawFrame.namesVersion), so a STATS of 24 fields is read in a handful of steps.
let layoutOf: RawFrame | null = null;
let layoutVersion = -1;
let layoutCount = 0;
let layoutAt = new Int32Array(16);
let layoutFact = new Uint8Array(16);

function readLayout(frame: RawFrame): void {
  layoutCount = 0;
  for (let i = 0; i < frame.count; i++) {
    const id = frame.ids[i]!;
    const fact = id < 0 ? NO_FACT : factOf(id);
    if (fact === NO_FACT) continue;
    if (layoutCount === layoutAt.length) {
      const at = new Int32Array(layoutAt.length * 2);
      at.set(layoutAt);
      layoutAt = at;
      const facts = new Uint8Array(layoutFact.length * 2);
      facts.set(layoutFact);
      layoutFact = facts;
    }
    layoutAt[layoutCount] = i;
    layoutFact[layoutCount++] = fact;
  }
  layoutOf = frame;
  layoutVersion = frame.namesVersion;
}

/**
 * readFacts of the frame's event, read from a plain frame's bytes (frame-json.ts isPlainFrame: every field named,
 * each JSON key once). Fields are found by their JSON key, as the event has them, and valued as typing.ts values
 * them: integers from their digits without a string, texts decoded only when present.
 */
export function readFrameFacts(frame: RawFrame, into: FrameFacts): FrameKind {
  into.file = undefined;
  into.size = into.startByte = into.fileBytes = into.transferBytes = into.rateKbps = -1;
  into.preTransferBytes = into.preTransferFiles = into.code = -1;
  into.description = undefined;
  if (frame !== layoutOf || frame.namesVersion !== layoutVersion) readLayout(frame);
  for (let k = 0; k < layoutCount; k++) {
    const i = layoutAt[k]!;
    setFact(into, layoutFact[k]!, frame.ids[i]!, frame.bytes, frame.valueStart[i]!, frame.valueEnd[i]!);
  }
  return frameKind(frame.type);
}

/** int() of the typed value of field `id` valued bytes[start, end): only integer and rate fields become numbers (typing.ts). */
function intOf(id: number, bytes: Buffer, start: number, end: number): number {
  const kind = fieldName(id).kind;
  if (kind !== "integer" && kind !== "rate") return -1;
  return int(integerAt(bytes, start, end));
}

/** text() of the typed value of field `id` valued bytes[start, end). */
function textOf(id: number, bytes: Buffer, start: number, end: number): string | undefined {
  return text(typedValue(fieldName(id).kind, bytes.toString("utf8", start, end)));
}

// The File of the last frame, as bytes and as its text: a blast of STATS names the same file thousands of times, and
// its text need not be decoded again while its bytes are the same.
let lastFileId = -1;
let lastFileBytes = Buffer.alloc(256);
let lastFileLength = -1;
let lastFile: string | undefined;

function fileOf(id: number, bytes: Buffer, start: number, end: number): string | undefined {
  const n = end - start;
  if (id === lastFileId && n === lastFileLength) {
    let k = 0;
    while (k < n && bytes[start + k] === lastFileBytes[k]) k++;
    if (k === n) return lastFile;
  }
  lastFile = textOf(id, bytes, start, end);
  if (n > lastFileBytes.length) lastFileBytes = Buffer.alloc(Math.max(n, lastFileBytes.length * 2));
  bytes.copy(lastFileBytes, 0, start, end);
  lastFileId = id;
  lastFileLength = n;
  return lastFile;
}

/** Fact `fact` of field `id` valued bytes[start, end), into `into`. */
function setFact(into: FrameFacts, fact: number, id: number, bytes: Buffer, start: number, end: number): void {
  switch (fact) {
    case FILE:
      into.file = fileOf(id, bytes, start, end);
      break;
    case SIZE:
      into.size = intOf(id, bytes, start, end);
      break;
    case START_BYTE:
      into.startByte = intOf(id, bytes, start, end);
      break;
    case FILE_BYTES:
      into.fileBytes = intOf(id, bytes, start, end);
      break;
    case TRANSFER_BYTES:
      into.transferBytes = intOf(id, bytes, start, end);
      break;
    case RATE:
      into.rateKbps = intOf(id, bytes, start, end);
      break;
    case PRE_TRANSFER_BYTES:
      into.preTransferBytes = intOf(id, bytes, start, end);
      break;
    case PRE_TRANSFER_FILES:
      into.preTransferFiles = intOf(id, bytes, start, end);
      break;
    case CODE:
      into.code = intOf(id, bytes, start, end);
      break;
    case DESCRIPTION:
      into.description = textOf(id, bytes, start, end);
      break;
  }
}

/**
 * What readSteadyFacts derives from a steady frame's template (SteadyFrame.facts): the facts of its fixed fields,
 * and which of its variable fields (by their place among them) feed which fact.
 */
interface SteadyFacts {
  base: FrameFacts;
  kind: FrameKind;
  count: number;
  slot: Int32Array;
  fact: Uint8Array;
}

function steadyFacts(f: SteadyFrame): SteadyFacts {
  const base = emptyFacts();
  const slot = new Int32Array(f.varCount);
  const facts = new Uint8Array(f.varCount);
  let count = 0;
  for (let i = 0, v = 0; i < f.count; i++) {
    const fact = factOf(f.ids[i]!);
    if (f.fixed[i] === 0) {
      if (fact !== NO_FACT) {
        slot[count] = v;
        facts[count++] = fact;
      }
      v++;
    } else if (fact !== NO_FACT) setFact(base, fact, f.ids[i]!, f.template, f.tStart[i]!, f.tEnd[i]!);
  }
  return { base, kind: frameKind(f.type), count, slot, fact: facts };
}

/** readFrameFacts of a steady frame (frame-parser.ts) whose template is plain: the fixed fields' facts are the template's. */
export function readSteadyFacts(f: SteadyFrame, into: FrameFacts): FrameKind {
  const c = (f.facts ??= steadyFacts(f)) as SteadyFacts;
  const b = c.base;
  into.file = b.file;
  into.size = b.size;
  into.startByte = b.startByte;
  into.fileBytes = b.fileBytes;
  into.transferBytes = b.transferBytes;
  into.rateKbps = b.rateKbps;
  into.preTransferBytes = b.preTransferBytes;
  into.preTransferFiles = b.preTransferFiles;
  into.code = b.code;
  into.description = b.description;
  for (let k = 0; k < c.count; k++) {
    const v = c.slot[k]!;
    setFact(into, c.fact[k]!, f.ids[f.vars[v]!]!, f.bytes, f.start[v]!, f.end[v]!);
  }
  return c.kind;
}
