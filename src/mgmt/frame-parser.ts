// Incremental parser of the management stream (docs/protocol.md §7.2), on bytes: a frame is delivered as a RawFrame, a view
// of offsets into the bytes it came in (the socket's chunk, or the parser's one growing buffer for a frame cut by a
// chunk boundary). No string and no object is made per frame or per field: field names become small integers
// (field-names.ts), the Type value an interned string.
//
// RawFrame is also a FrameView for readers of a few fields (the peer check in mgmt-port.ts, a STATS's byte counts in
// session-runner.ts): `type`, and `int`, `text`, `path` of a field by its native name (the last occurrence, as typing.ts keeps the last value), decoded
// only when asked. A RawFrame is valid during the onFrame call only: the parser reuses it and its bytes for the
// next frame; copy() gives one to keep.
import { FNV_OFFSET, FNV_PRIME, TYPE_ID, fieldName, fieldNameId, idOfNative, nameBytes, typeText } from "./field-names.js";
import { unescapePath } from "./escape.js";
import { indexOfLF } from "./byte-scan.js";
import { integerAt } from "./typing.js";

/** One management frame as strings: names and values in frame order (parallel arrays, repeats kept). */
export interface Frame {
  readonly names: readonly string[];
  readonly values: readonly string[];
}

/** What per-frame hooks read of a frame, decoded on demand (see the top of this file). */
export interface FrameView {
  /** The Type field's value ("STATS", "STOP", …). */
  readonly type: string;
  /** A field's value as typing.ts reads an integer (base 10, optional '-', within Number.MAX_SAFE_INTEGER), else undefined. */
  int(native: string): number | undefined;
  /** A field's value as sent (UTF-8 decoded), undefined when the frame has no such field. */
  text(native: string): string | undefined;
  /** A path field's value with the protocol's escapes undone (escape.ts), undefined when absent. */
  path(native: string): string | undefined;
}

export type FrameWarningCode = "frame_dropped" | "malformed_frame" | "frame_too_long";

export interface FrameWarning {
  readonly code: FrameWarningCode;
  readonly message: string;
}

export interface FrameParserOptions {
  onFrame: (frame: RawFrame) => void;
  onWarning: (warning: FrameWarning) => void;
  /** Longest accepted line, and longest accepted frame (header + field lines), in bytes. Default 1 MiB. */
  maxFrameBytes?: number;
}

export const DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;

const LF = 0x0a;
/** Frames a line must stay unchanged before it is compared as part of a run (see FrameParser, "memo"). */
const CALM = 8;
const CR = 0x0d;
const SPACE = 0x20;
const COLON = 0x3a;
// Any line starting with this is a header: ascp sends "FASPMGR 2"; the Go fixture has "FASPMGR2".
const HEADER = Buffer.from("FASPMGR");

function isHeader(data: Buffer, at: number): boolean {
  for (let i = 1; i < HEADER.length; i++) if (data[at + i] !== HEADER[i]) return false;
  return true;
}

const LF_LF = Buffer.from("\n\n");
const LF_CR_LF = Buffer.from("\n\r\n");

/**
 * Where the first empty line of `chunk` that follows an LF in it ends, -1 if none: what comes after it is not part of
 * any frame or line begun before.
 */
function emptyLineEnd(chunk: Buffer): number {
  const a = chunk.indexOf(LF_LF);
  // A CRLF stream's: looked for only before the first LF LF (most streams have none, and the chunk is 64 KiB).
  const b = (a < 0 ? chunk : chunk.subarray(0, a + 1)).indexOf(LF_CR_LF);
  return b >= 0 ? b + 3 : a >= 0 ? a + 2 : -1;
}

function grown(a: Int32Array, n = a.length * 2): Int32Array<ArrayBuffer> {
  const b = new Int32Array(Math.max(n, a.length * 2));
  b.set(a);
  return b;
}

function grownBytes(a: Uint8Array, n = a.length * 2): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(Math.max(n, a.length * 2));
  b.set(a);
  return b;
}

/** A frame as offsets into `bytes`: field i is named ids[i] (field-names.ts; -1 when the name table is full). */
export class RawFrame implements FrameView {
  bytes: Buffer = Buffer.alloc(0);
  count = 0;
  ids: Int32Array<ArrayBuffer> = new Int32Array(64);
  nameStart: Int32Array<ArrayBuffer> = new Int32Array(64);
  nameEnd: Int32Array<ArrayBuffer> = new Int32Array(64);
  valueStart: Int32Array<ArrayBuffer> = new Int32Array(64);
  valueEnd: Int32Array<ArrayBuffer> = new Int32Array(64);
  /** Where field i's line ends, after its LF. */
  lineEnd: Int32Array<ArrayBuffer> = new Int32Array(64);
  /**
   * same[i] = 1: field i's line is byte for byte the line at the same place in the parser's previous frame (see
   * FrameParser, "memo"); the JSON writer then copies what it wrote for that line (jsonValid, below).
   */
  same: Uint8Array<ArrayBuffer> = new Uint8Array(64);
  // The JSON writer's memo (frame-json.ts), kept here because it lives as long as the parser's frame: the field
  // section of the last line it wrote, field i's text at json[jsonAt[i], jsonAt[i + 1]); jsonValid[i] = 1 while the
  // parser has not seen line i change since. A copy() starts without one.
  json: Buffer = Buffer.alloc(0);
  jsonAt: Int32Array<ArrayBuffer> = new Int32Array(65);
  jsonValid: Uint8Array<ArrayBuffer> = new Uint8Array(64);
  /**
   * Whether frame-json.ts writes frames of these field names from their bytes (isPlainFrame): 1 or 0 once known,
   * -1 when not known; kept by the parser while frames keep the same names in the same order.
   */
  plainNames = -1;
  /**
   * Changes whenever the parser cannot tell that this frame's field names are the previous frame's, in the same
   * order: readers that derive something from the names alone (progress/facts.ts) keep it while this stays.
   */
  namesVersion = 0;
  /** Index of the last Type field. */
  typeAt = -1;
  type = "";

  /** Index of the last field named `native`, -1 if none. */
  indexOf(native: string): number {
    const id = idOfNative(native);
    if (id < 0) return -1;
    for (let i = this.count - 1; i >= 0; i--) if (this.ids[i] === id) return i;
    return -1;
  }

  int(native: string): number | undefined {
    const i = this.indexOf(native);
    return i < 0 ? undefined : integerAt(this.bytes, this.valueStart[i]!, this.valueEnd[i]!);
  }

  text(native: string): string | undefined {
    const i = this.indexOf(native);
    return i < 0 ? undefined : this.value(i);
  }

  path(native: string): string | undefined {
    const i = this.indexOf(native);
    return i < 0 ? undefined : unescapePath(this.value(i));
  }

  value(i: number): string {
    return this.bytes.toString("utf8", this.valueStart[i]!, this.valueEnd[i]!);
  }

  name(i: number): string {
    const id = this.ids[i]!;
    return id >= 0 ? fieldName(id).native : this.bytes.toString("utf8", this.nameStart[i]!, this.nameEnd[i]!);
  }

  /** Names and values as strings (what typing.ts takes). */
  toFrame(): Frame {
    const names: string[] = [];
    const values: string[] = [];
    for (let i = 0; i < this.count; i++) {
      names.push(this.name(i));
      values.push(this.value(i));
    }
    return { names, values };
  }

  /** A copy that owns its bytes, to keep after the onFrame call. */
  copy(): RawFrame {
    const c = new RawFrame();
    const from = this.count > 0 ? Math.min(this.nameStart[0]!, this.valueStart[0]!) : 0;
    const to = this.count > 0 ? this.valueEnd[this.count - 1]! : 0;
    c.bytes = Buffer.from(this.bytes.subarray(from, to));
    c.count = this.count;
    c.ids = this.ids.slice(0, Math.max(this.count, 1));
    const rebased = (a: Int32Array) => a.slice(0, Math.max(this.count, 1)).map((x) => x - from);
    c.nameStart = rebased(this.nameStart);
    c.nameEnd = rebased(this.nameEnd);
    c.valueStart = rebased(this.valueStart);
    c.valueEnd = rebased(this.valueEnd);
    c.lineEnd = rebased(this.lineEnd);
    c.typeAt = this.typeAt;
    c.type = this.type;
    return c;
  }

  /** Adds field buf[start, colon) = buf[value, end), named id (field-names.ts), its line ending at lineEnd. */
  add(id: number, start: number, colon: number, value: number, end: number, lineEnd: number, same: number): void {
    const i = this.count;
    if (i === this.ids.length) this.reserve(i + 1);
    this.ids[i] = id;
    this.nameStart[i] = start;
    this.nameEnd[i] = colon;
    this.valueStart[i] = value;
    this.valueEnd[i] = end;
    this.lineEnd[i] = lineEnd;
    this.same[i] = same;
    if (id === TYPE_ID) this.typeAt = i;
    this.count = i + 1;
  }

  /**
   * Adds the memo's lines k to j - 1 (FrameParser, "memo") as fields k to j - 1, their line starts at[m] moved by
   * shift: add() for each, in one loop without its per-field checks.
   */
  addFrom(id: Int32Array, at: Int32Array, colon: Int32Array, value: Int32Array, end: Int32Array, k: number, j: number, shift: number): void {
    if (j > this.ids.length) this.reserve(j);
    const { ids, nameStart, nameEnd, valueStart, valueEnd, lineEnd, same } = this;
    for (let m = k; m < j; m++) {
      const start = at[m]! + shift;
      ids[m] = id[m]!;
      nameStart[m] = start;
      nameEnd[m] = start + colon[m]!;
      valueStart[m] = start + value[m]!;
      valueEnd[m] = start + end[m]!;
      lineEnd[m] = at[m + 1]! + shift;
      same[m] = 1;
      if (id[m] === TYPE_ID) this.typeAt = m;
    }
    this.count = j;
  }

  /** Room for n fields. */
  private reserve(n: number): void {
    this.ids = grown(this.ids, n);
    this.nameStart = grown(this.nameStart, n);
    this.nameEnd = grown(this.nameEnd, n);
    this.valueStart = grown(this.valueStart, n);
    this.valueEnd = grown(this.valueEnd, n);
    this.lineEnd = grown(this.lineEnd, n);
    this.same = grownBytes(this.same, n);
    this.jsonValid = grownBytes(this.jsonValid, n);
    this.jsonAt = grown(this.jsonAt, this.ids.length + 1);
  }

  /** Offsets moved down by `by` (the frame's bytes were moved to the front of the parser's buffer). */
  shift(by: number): void {
    for (let i = 0; i < this.count; i++) {
      this.nameStart[i]! -= by;
      this.nameEnd[i]! -= by;
      this.valueStart[i]! -= by;
      this.valueEnd[i]! -= by;
      this.lineEnd[i]! -= by;
    }
  }
}

/**
 * A steady frame (FrameParser, "steady frames"): a frame whose lines are those of the parser's template, the lines
 * unchanged in the last frames byte for byte ("fixed": field i's value is template[tStart[i], tEnd[i])), the others
 * ("variable", fields vars[0, varCount)) with the template's names and values of their own, the one of vars[v] at
 * bytes[start[v], end[v]). Everything but bytes, start, end and span is the template's and stays while the template
 * does; readers may derive what they need from it once and keep it in `json` or `facts` (both cleared when the
 * template changes). Valid during the onSteady call only.
 */
export class SteadyFrame {
  type = "";
  typeAt = -1;
  count = 0;
  ids: Int32Array<ArrayBuffer> = new Int32Array(0);
  fixed: Uint8Array<ArrayBuffer> = new Uint8Array(0);
  template: Buffer = Buffer.alloc(0);
  tStart: Int32Array<ArrayBuffer> = new Int32Array(0);
  tEnd: Int32Array<ArrayBuffer> = new Int32Array(0);
  vars: Int32Array<ArrayBuffer> = new Int32Array(0);
  varCount = 0;
  bytes: Buffer = Buffer.alloc(0);
  start: Int32Array<ArrayBuffer> = new Int32Array(64);
  end: Int32Array<ArrayBuffer> = new Int32Array(64);
  /** The frame's length in bytes, header to its last field line. */
  span = 0;
  /** What the JSON writer (frame-json.ts) derives from the template. */
  json: unknown = null;
  /** What the progress facts reader (progress/facts.ts) derives from the template. */
  facts: unknown = null;
}

/**
 * Incremental parser of the management stream (docs/protocol.md §7.2).
 *
 * Tolerance, as in the newest aspera-cli:
 * - field = bytes up to the first colon, at most one space after it stripped, the rest is the value;
 *   one CR before LF is stripped; an empty line ends the frame; extra empty lines between frames are ignored;
 * - a header before the empty line drops the unfinished frame (`frame_dropped`);
 * - a body line without a colon (or with an empty name) is skipped and the frame kept, since losing a
 *   whole DONE or STOP to one garbled line would be worse; text outside any frame is skipped. Both give
 *   `malformed_frame`, once per frame or per run of stray lines. A frame without `Type` is dropped
 *   (`malformed_frame`): nothing downstream can route it;
 * - a line, or a frame, longer than maxFrameBytes drops that frame and everything up to the next empty
 *   line or header (`frame_too_long`); at most maxFrameBytes of a partial line is ever buffered.
 * Lines are cut at LF bytes, so a chunk boundary anywhere (inside a line or a UTF-8 character) changes nothing.
 * At end(), an unfinished frame is reported (`frame_dropped`), never delivered.
 *
 * Steady frames (enableSteady): a stream's frames soon repeat most of their lines byte for byte (see "memo" below),
 * and a blast of STATS differs from frame to frame in a few counters only. Once the memo's frame has its Type line
 * among the lines unchanged in the last CALM frames and the caller accepts it (a plain STATS, say), it becomes the
 * template: its header and unchanged lines as runs of bytes, its other lines as names. A frame that starts with the
 * template's header, has each run byte for byte and each other line with the template's name in the template's
 * order, then an empty line, all within the data at hand and the frame limit, is delivered whole as a SteadyFrame:
 * one compare per run and one scan per variable line, no field arrays, the memo left as it is. Anything else (a
 * changed line, a frame cut by a chunk boundary) takes the usual way, which delivers exactly the same frame content.
 */
export class FrameParser {
  private readonly max: number;
  private readonly onFrame: (frame: RawFrame) => void;
  private readonly onWarning: (warning: FrameWarning) => void;
  // The bytes kept between chunks: the open frame (from its header) and the line not yet ended, at carry[0, carryLen).
  private carry = Buffer.allocUnsafe(64 << 10);
  private carryLen = 0;
  // Where the line not yet ended starts in carry.
  private partialAt = 0;
  // Dropping the rest of an over-long line, up to its LF.
  private discarding = false;
  private open = false;
  private frameStart = 0;
  private firstTypeAt = -1;
  private readonly frame = new RawFrame();
  // The names of the previous frame: most frames repeat them, so a name is compared with the one expected at its
  // position before it is hashed and looked up.
  private prevIds = new Int32Array(64);
  private prevCount = 0;
  private frameBytes = 0;
  // After frame_too_long: ignore lines up to the next empty line or header.
  private skipping = false;
  private warnedMalformed = false;
  private lineNo = 0;
  // The memo: the body lines (after the header) of the last frame delivered, as its own copy. Frames of a stream
  // repeat most of their lines byte for byte (a STATS differs from the one before in a few counters), so the lines
  // of the open frame are first compared with the memo's, a run at a time (one native compare), and the fields of
  // equal lines taken from it without a scan. Only lines unchanged in the last CALM frames join a run: the others
  // are parsed as usual (and compared after, to count how long they stay unchanged), since one changed line fails
  // the compare of its whole run (a counter that changes every other frame would otherwise fail most runs). Line k of the memo is at
  // memo[memoAt[k], memoAt[k + 1]), LF included; its field's offsets relative to that start are in memoColon, memoValue,
  // memoEnd. A frame with a malformed line is not remembered, and empties the memo.
  private memo = Buffer.allocUnsafe(4096);
  private memoCount = 0;
  private memoAt = new Int32Array(65);
  private memoId = new Int32Array(64);
  private memoColon = new Int32Array(64);
  private memoValue = new Int32Array(64);
  private memoEnd = new Int32Array(64);
  private calm = new Uint8Array(64);
  // Lines read since the open frame's header (malformed ones too: the open frame follows the memo while this is its
  // field count), and the end of a run whose compare failed (its lines are parsed as usual).
  private bodyLines = 0;
  private noRunUntil = 0;
  // The open frame's fields parsed the usual way (not taken from the memo): only these can change the memo.
  private parsed = new Int32Array(64);
  private parsedCount = 0;
  // Steady frames (see above): the template is the memo's frame, its header at header[0, headerLen) and its lines as
  // segments, segLine[s] >= 0 a variable memo line, else a run of unchanged lines at memo[segFrom[s], segTo[s]).
  // Rebuilt after a frame that changed the memo's names, layout, header or set of unchanged lines (templateDirty).
  private onSteady: ((frame: SteadyFrame) => void) | null = null;
  private acceptsSteady: (frame: RawFrame) => boolean = () => false;
  private readonly steady = new SteadyFrame();
  private steadyArmed = false;
  private templateDirty = true;
  private header = Buffer.alloc(64);
  private headerLen = 0;
  private segCount = 0;
  private segLine = new Int32Array(64);
  private segFrom = new Int32Array(64);
  private segTo = new Int32Array(64);

  constructor(options: FrameParserOptions) {
    this.onFrame = options.onFrame;
    this.onWarning = options.onWarning;
    this.max = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  }

  /**
   * Delivers steady frames (see above) to onSteady, for templates that `accepts` (asked once per template, with the
   * frame that makes it: what it reads of the frame is then true of every steady frame of that template).
   */
  enableSteady(accepts: (frame: RawFrame) => boolean, onSteady: (frame: SteadyFrame) => void): void {
    this.acceptsSteady = accepts;
    this.onSteady = onSteady;
    this.templateDirty = true;
  }

  push(chunk: Buffer): void {
    let data = chunk;
    let p = 0;
    if (this.carryLen > 0) {
      // The kept bytes (an open frame, a line not yet ended) go on with the chunk's start: that much of the chunk is
      // copied after them, up to the end of its first empty line (a frame ends there, so nothing kept waits past it)
      // or all of it when it has none; the frame's offsets stay valid. Past the cut, the chunk is parsed where it is.
      const cut = emptyLineEnd(chunk);
      const n = cut < 0 ? chunk.length : cut;
      this.reserve(this.carryLen + n);
      chunk.copy(this.carry, this.carryLen, 0, n);
      this.carryLen += n;
      if (cut < 0) data = this.carry;
      else {
        this.scan(this.carry, this.partialAt, this.carryLen);
        this.carryLen = 0;
        this.partialAt = 0;
        p = cut;
      }
    } else if (this.discarding) {
      const lf = chunk.indexOf(LF);
      if (lf < 0) return;
      this.discarding = false;
      this.lineNo++;
      p = lf + 1;
    }
    const end = data === this.carry ? this.carryLen : data.length;
    p = this.scan(data, data === this.carry ? this.partialAt : p, end);
    if (end - p > this.max) {
      this.carryLen = 0;
      this.discarding = true;
      this.tooLong(this.lineNo + 1, `line longer than ${this.max} bytes`);
      return;
    }
    this.keep(data, this.open && !this.skipping ? this.frameStart : p, p, end);
  }

  /** Parses the lines of data[p, end); returns where the line not yet ended starts. */
  private scan(data: Buffer, p: number, end: number): number {
    this.frame.bytes = data;
    for (;;) {
      if (!this.open) {
        if (this.steadyArmed && !this.skipping && p < end && data[p] === HEADER[0]) {
          const q = this.matchSteady(data, p, end);
          if (q !== p) {
            p = q;
            continue;
          }
        }
      } else if (this.frame.count < this.memoCount && this.frame.count === this.bodyLines && !this.skipping) {
        const q = this.matchMemo(data, p, end);
        if (q !== p) {
          p = q;
          continue;
        }
      }
      const lf = indexOfLF(data, p, end);
      if (lf < 0) return p;
      this.line(data, p, lf);
      p = lf + 1;
    }
  }

  /** Keeps data[from, end) at the front of carry; the line not yet ended starts at `partial`. */
  private keep(data: Buffer, from: number, partial: number, end: number): void {
    if (from > 0 && this.open && !this.skipping) {
      this.frame.shift(from);
      this.frameStart -= from;
    }
    const n = end - from;
    if (data === this.carry) {
      if (from > 0) this.carry.copyWithin(0, from, end);
    } else if (n > 0) {
      this.reserve(n);
      data.copy(this.carry, 0, from, end);
    }
    this.carryLen = n;
    this.partialAt = partial - from;
    this.frame.bytes = this.carry;
  }

  private reserve(n: number): void {
    if (this.carry.length >= n) return;
    const bigger = Buffer.allocUnsafe(Math.max(n, this.carry.length * 2));
    this.carry.copy(bigger, 0, 0, this.carryLen);
    this.carry = bigger;
  }

  /** End of stream: a last line without LF still counts; an unfinished frame is reported, not delivered. */
  end(): void {
    // The stream is over: nothing to compare with any more (and the last line has no LF to compare).
    this.memoCount = 0;
    this.steadyArmed = false;
    this.templateDirty = true;
    if (this.carryLen > this.partialAt) {
      this.frame.bytes = this.carry;
      this.line(this.carry, this.partialAt, this.carryLen);
    }
    if (this.open && !this.skipping) {
      this.warn("frame_dropped", `stream ended inside a frame${this.typeOf()} (no empty line after it); frame dropped`);
    }
    this.carryLen = 0;
    this.partialAt = 0;
    this.discarding = false;
    this.skipping = false;
    this.open = false;
    this.warnedMalformed = false;
  }

  /** One line data[start, lf) (lf: its LF, or the end of the stream). */
  private line(data: Buffer, start: number, lf: number): void {
    const lineNo = ++this.lineNo;
    const byteLen = lf - start;
    if (byteLen > this.max) {
      this.tooLong(lineNo, `line longer than ${this.max} bytes`);
      return;
    }
    let end = lf;
    if (end > start && data[end - 1] === CR) end--;
    if (end === start) {
      this.warnedMalformed = false;
      if (this.skipping) this.skipping = false;
      else if (this.open) this.finish(lineNo);
      return;
    }
    if (end - start >= HEADER.length && data[start] === HEADER[0] && isHeader(data, start)) {
      if (this.open && !this.skipping) {
        this.warn("frame_dropped", `line ${lineNo}: new header before the end of the previous frame${this.typeOf()}; previous frame dropped`);
      }
      this.skipping = false;
      this.warnedMalformed = false;
      this.open = true;
      const ids = this.frame.ids;
      this.frame.ids = this.prevIds.length >= ids.length ? this.prevIds : new Int32Array(ids.length);
      this.prevIds = ids;
      this.prevCount = this.frame.count;
      this.frame.count = 0;
      this.frame.typeAt = -1;
      this.firstTypeAt = -1;
      this.bodyLines = 0;
      this.noRunUntil = 0;
      this.parsedCount = 0;
      this.frameStart = start;
      this.frameBytes = byteLen;
      return;
    }
    if (this.skipping) return;
    if (!this.open) {
      this.malformed(lineNo, "text outside a frame (no FASPMGR header before it) skipped");
      return;
    }
    this.bodyLines++;
    const f = this.frame;
    let id = -1;
    let colon = -1;
    if (f.count < this.prevCount) {
      const expected = this.prevIds[f.count]!;
      if (expected >= 0) {
        const name = nameBytes(expected);
        const n = name.length;
        if (start + n < end && data[start + n] === COLON) {
          let k = 0;
          while (k < n && data[start + k] === name[k]) k++;
          if (k === n) {
            id = expected;
            colon = start + n;
          }
        }
      }
    }
    let hash = FNV_OFFSET;
    if (colon < 0) {
      // The name's hash for field-names.ts, computed while looking for the colon.
      colon = start;
      for (; colon < end; colon++) {
        const b = data[colon]!;
        if (b === COLON) break;
        hash = Math.imul(hash ^ b, FNV_PRIME);
      }
    }
    if (colon >= end || colon === start) {
      this.malformed(lineNo, colon === start ? "field without a name skipped" : "line without a colon skipped");
      return;
    }
    this.frameBytes += byteLen;
    if (this.frameBytes > this.max) {
      this.tooLong(lineNo, `frame longer than ${this.max} bytes`);
      return;
    }
    let v = colon + 1;
    if (v < end && data[v] === SPACE) v++;
    // lf + 1 even at the end of the stream, where no LF follows: the memo (which compares whole lines) then differs.
    const k = f.count;
    const fid = id >= 0 ? id : fieldNameId(data, start, colon, hash >>> 0);
    // The same known name as memo line k: the same bytes up to the colon, so only the rest is compared.
    const same = k === this.bodyLines - 1 && k < this.memoCount && this.sameAsMemo(k, data, start, lf + 1, fid >= 0 && fid === this.memoId[k] ? colon - start : 0) ? 1 : 0;
    f.add(fid, start, colon, v, end, lf + 1, same);
    if (this.parsedCount === this.parsed.length) this.parsed = grown(this.parsed);
    this.parsed[this.parsedCount++] = k;
    if (this.firstTypeAt < 0 && this.frame.typeAt >= 0) this.firstTypeAt = this.frame.typeAt;
  }

  /** Whether data[start, end) is memo line k, whose first `known` bytes are known to be equal. */
  private sameAsMemo(k: number, data: Buffer, start: number, end: number, known: number): boolean {
    const at = this.memoAt[k]!;
    const n = this.memoAt[k + 1]! - at;
    if (end - start !== n) return false;
    const memo = this.memo;
    for (let i = known; i < n; i++) if (data[start + i] !== memo[at + i]) return false;
    return true;
  }

  /**
   * Takes the run of memo lines from the open frame's next line up to the next one not calm yet, when data[p…) holds
   * exactly those bytes; returns where parsing goes on (p when it did not take them).
   */
  private matchMemo(data: Buffer, p: number, end: number): number {
    const f = this.frame;
    const k = f.count;
    if (k < this.noRunUntil || this.calm[k]! < CALM) return p;
    let j = k + 1;
    while (j < this.memoCount && this.calm[j]! >= CALM) j++;
    const from = this.memoAt[k]!;
    const n = this.memoAt[j]! - from;
    // Not all here yet, or too long for the frame limit: the usual way, which waits for the rest or reports it.
    if (end - p < n || this.frameBytes + n - (j - k) > this.max) return p;
    if (data.compare(this.memo, from, from + n, p, p + n) !== 0) {
      this.noRunUntil = j;
      return p;
    }
    f.addFrom(this.memoId, this.memoAt, this.memoColon, this.memoValue, this.memoEnd, k, j, p - from);
    this.lineNo += j - k;
    this.bodyLines += j - k;
    this.frameBytes += n - (j - k);
    if (this.firstTypeAt < 0 && f.typeAt >= 0) this.firstTypeAt = f.typeAt;
    return p + n;
  }

  /**
   * The delivered frame becomes the memo: only its changed lines are copied when no line changed length, else all
   * of it. A changed line starts counting calm frames again, and its JSON in the writer's memo is stale. Then the
   * template follows the memo (rebuilt when what it is made of changed).
   */
  private remember(f: RawFrame): void {
    this.memorize(f);
    // The header line: from the frame's start to its first field line (no malformed line in between when remembered).
    const header = f.count > 0 && this.memoCount === f.count ? f.nameStart[0]! - this.frameStart : -1;
    if (header >= 0 && !this.templateDirty && (header !== this.headerLen || f.bytes.compare(this.header, 0, header, this.frameStart, this.frameStart + header) !== 0)) {
      this.templateDirty = true;
    }
    if (!this.templateDirty) return;
    this.templateDirty = false;
    this.steadyArmed = false;
    this.steady.json = null;
    this.steady.facts = null;
    if (header < 0 || this.onSteady === null) return;
    if (header > this.header.length) this.header = Buffer.allocUnsafe(Math.max(header, this.header.length * 2));
    f.bytes.copy(this.header, 0, this.frameStart, this.frameStart + header);
    this.headerLen = header;
    this.buildTemplate(f);
  }

  /** remember(), the memo's part; sets templateDirty when the template must change with it. */
  private memorize(f: RawFrame): void {
    const n = f.count;
    if (this.bodyLines !== n) {
      // A malformed line among them: lines and fields no longer match one to one.
      this.memoCount = 0;
      this.templateDirty = true;
      f.jsonValid.fill(0);
      f.plainNames = -1;
      f.namesVersion++;
      return;
    }
    // Lines taken from the memo have its names; the others are checked.
    let sameNames = n === this.memoCount;
    for (let p = 0; p < this.parsedCount && sameNames; p++) if (f.ids[this.parsed[p]!] !== this.memoId[this.parsed[p]!]) sameNames = false;
    if (!sameNames) {
      f.plainNames = -1;
      f.namesVersion++;
      this.templateDirty = true;
    }
    if (n + 1 > this.memoAt.length) {
      this.memoAt = grown(this.memoAt, n + 1);
      this.memoId = grown(this.memoId, n);
      this.memoColon = grown(this.memoColon, n);
      this.memoValue = grown(this.memoValue, n);
      this.memoEnd = grown(this.memoEnd, n);
      this.calm = grownBytes(this.calm, n);
    }
    // Lines taken from the memo are unchanged and stay as they are: only the lines parsed the usual way are looked at.
    let sameLayout = n === this.memoCount;
    for (let p = 0; p < this.parsedCount; p++) {
      const k = this.parsed[p]!;
      const changed = f.same[k] === 0;
      const was = this.calm[k]!;
      this.calm[k] = changed ? 0 : Math.min(was + 1, CALM);
      // A line joins or leaves the template's unchanged lines.
      if ((was >= CALM) !== (this.calm[k]! >= CALM)) this.templateDirty = true;
      if (!changed) continue;
      f.jsonValid[k] = 0;
      if (sameLayout && f.lineEnd[k]! - f.nameStart[k]! !== this.memoAt[k + 1]! - this.memoAt[k]!) sameLayout = false;
    }
    if (sameLayout) {
      const memo = this.memo;
      const bytes = f.bytes;
      for (let p = 0; p < this.parsedCount; p++) {
        const k = this.parsed[p]!;
        if (f.same[k] === 1) continue;
        // The same known name as the memo's line: its bytes up to the colon are there already.
        const known = f.ids[k]! >= 0 && f.ids[k] === this.memoId[k] ? f.nameEnd[k]! - f.nameStart[k]! : 0;
        this.setMemoLine(f, k, this.memoAt[k]!);
        // A loop, not Buffer.copy: these lines are short (a counter), and a native call costs more than the bytes.
        for (let i = f.nameStart[k]! + known, o = this.memoAt[k]! + known, e = f.lineEnd[k]!; i < e; ) memo[o++] = bytes[i++]!;
      }
      return;
    }
    this.templateDirty = true;
    const base = f.nameStart[0]!;
    const size = f.lineEnd[n - 1]! - base;
    if (size > this.memo.length) this.memo = Buffer.allocUnsafe(Math.max(size, this.memo.length * 2));
    f.bytes.copy(this.memo, 0, base, base + size);
    for (let k = 0; k < n; k++) this.setMemoLine(f, k, f.nameStart[k]! - base);
    this.memoCount = n;
  }

  /**
   * The template from the memo's frame f (just remembered): armed when its Type line is among the unchanged lines
   * and the caller accepts it.
   */
  private buildTemplate(f: RawFrame): void {
    const n = this.memoCount;
    if (n === 0 || f.typeAt < 0 || this.calm[f.typeAt]! < CALM || !this.acceptsSteady(f)) return;
    if (n > this.segLine.length) {
      this.segLine = grown(this.segLine, n);
      this.segFrom = grown(this.segFrom, n);
      this.segTo = grown(this.segTo, n);
    }
    const t = this.steady;
    if (t.ids.length < n) {
      t.ids = new Int32Array(n);
      t.fixed = new Uint8Array(n);
      t.tStart = new Int32Array(n);
      t.tEnd = new Int32Array(n);
      t.vars = new Int32Array(n);
    }
    if (t.start.length < n) {
      t.start = new Int32Array(n);
      t.end = new Int32Array(n);
    }
    let segs = 0;
    t.varCount = 0;
    for (let k = 0; k < n; k++) {
      const at = this.memoAt[k]!;
      t.ids[k] = this.memoId[k]!;
      t.tStart[k] = at + this.memoValue[k]!;
      t.tEnd[k] = at + this.memoEnd[k]!;
      if (this.calm[k]! >= CALM) {
        t.fixed[k] = 1;
        // Adjacent unchanged lines make one run.
        if (segs > 0 && this.segLine[segs - 1] === -1) this.segTo[segs - 1] = this.memoAt[k + 1]!;
        else {
          this.segLine[segs] = -1;
          this.segFrom[segs] = at;
          this.segTo[segs++] = this.memoAt[k + 1]!;
        }
      } else {
        t.fixed[k] = 0;
        t.vars[t.varCount++] = k;
        this.segLine[segs++] = k;
      }
    }
    this.segCount = segs;
    t.count = n;
    t.typeAt = f.typeAt;
    t.type = f.type;
    t.template = this.memo;
    this.steadyArmed = true;
  }

  /**
   * Takes the frame at data[p…) as a steady frame when it is one (see above) and delivers it; returns where parsing
   * goes on (p when it did not take it: the usual way then parses the same bytes).
   */
  private matchSteady(data: Buffer, p: number, end: number): number {
    const header = this.header;
    const h = this.headerLen;
    if (end - p < h) return p;
    for (let i = 0; i < h; i++) if (data[p + i] !== header[i]) return p;
    const memo = this.memo;
    const t = this.steady;
    let q = p + h;
    let v = 0;
    for (let s = 0; s < this.segCount; s++) {
      const k = this.segLine[s]!;
      if (k < 0) {
        const from = this.segFrom[s]!;
        const n = this.segTo[s]! - from;
        if (end - q < n || data.compare(memo, from, from + n, q, q + n) !== 0) return p;
        q += n;
        continue;
      }
      // A variable line: the template's name and colon (no colon before it, so it is this line's first), then a value.
      const at = this.memoAt[k]!;
      const colon = this.memoColon[k]!;
      if (end - q <= colon) return p;
      for (let i = 0; i <= colon; i++) if (data[q + i] !== memo[at + i]) return p;
      const lf = indexOfLF(data, q + colon + 1, end);
      if (lf < 0) return p;
      // As line(): one CR before the LF and one space after the colon are not part of the value.
      const stop = data[lf - 1] === CR && lf - 1 > q + colon ? lf - 1 : lf;
      let value = q + colon + 1;
      if (value < stop && data[value] === SPACE) value++;
      t.start[v] = value;
      t.end[v++] = stop;
      q = lf + 1;
    }
    // The empty line that ends the frame.
    let after: number;
    if (q < end && data[q] === LF) after = q + 1;
    else if (q + 1 < end && data[q] === CR && data[q + 1] === LF) after = q + 2;
    else return p;
    // As line() counts a frame against the limit: every line but its LF.
    const lines = 1 + t.count;
    if (q - p - lines > this.max) return p;
    t.bytes = data;
    t.span = q - p;
    this.lineNo += lines + 1;
    this.warnedMalformed = false;
    this.onSteady!(t);
    return after;
  }
  /** Memo line k's place and field offsets, from field k of f, the line starting at memo[at]. */
  private setMemoLine(f: RawFrame, k: number, at: number): void {
    const start = f.nameStart[k]!;
    this.memoAt[k] = at;
    this.memoAt[k + 1] = f.lineEnd[k]! - start + at;
    this.memoId[k] = f.ids[k]!;
    this.memoColon[k] = f.nameEnd[k]! - start;
    this.memoValue[k] = f.valueStart[k]! - start;
    this.memoEnd[k] = f.valueEnd[k]! - start;
  }

  private finish(lineNo: number): void {
    this.open = false;
    const f = this.frame;
    if (f.typeAt < 0) {
      this.warn("malformed_frame", `line ${lineNo}: frame without a Type field dropped`);
      return;
    }
    f.type = typeText(f.bytes, f.valueStart[f.typeAt]!, f.valueEnd[f.typeAt]!);
    this.remember(f);
    this.onFrame(f);
  }

  private tooLong(lineNo: number, what: string): void {
    if (this.skipping) return; // already reported for the frame being skipped
    const dropped = this.open ? `; frame${this.typeOf()} dropped` : "";
    this.warn("frame_too_long", `line ${lineNo}: ${what}${dropped}; skipped up to the next empty line or header`);
    this.open = false;
    this.skipping = true;
  }

  private malformed(lineNo: number, what: string): void {
    if (this.warnedMalformed) return;
    this.warnedMalformed = true;
    this.warn("malformed_frame", `line ${lineNo}: ${what}`);
  }

  /** " (Type X)" of the open frame, from its first Type field. */
  private typeOf(): string {
    return this.firstTypeAt < 0 ? "" : ` (Type ${this.frame.value(this.firstTypeAt)})`;
  }

  private warn(code: FrameWarningCode, message: string): void {
    this.onWarning({ code, message });
  }
}
