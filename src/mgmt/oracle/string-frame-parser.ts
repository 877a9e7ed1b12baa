// The previous frame parser (strings per field), kept unchanged as the oracle of the differential checks:
// src/mgmt/frame-json.test.ts and conformance/bench/check-serializer.mjs compare the byte-level parser and JSON
// writer with this parser + typing.ts + JSON.stringify. Not used by the engine.
import { isAscii } from "node:buffer";
import { DEFAULT_MAX_FRAME_BYTES, type Frame, type FrameWarning, type FrameWarningCode } from "../frame-parser.js";

/**
 * A frame with the same names as the previous one shares its names array: never mutate it.
 */
export interface StringFrameParserOptions {
  onFrame: (frame: Frame) => void;
  onWarning: (warning: FrameWarning) => void;
  /** Longest accepted line, and longest accepted frame (header + field lines), in bytes. Default 1 MiB. */
  maxFrameBytes?: number;
}

const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
// Any line starting with this is a header: ascp sends "FASPMGR 2"; the Go fixture has "FASPMGR2".
const HEADER = "FASPMGR";
const HEADER_FIRST = HEADER.charCodeAt(0);

// text.startsWith(part, at) without its cost (measured: V8 is slow on startsWith with a position).
function sameAt(text: string, at: number, part: string): boolean {
  for (let i = 0; i < part.length; i++) if (text.charCodeAt(at + i) !== part.charCodeAt(i)) return false;
  return true;
}

/**
 * Incremental parser of the management stream (reference §2). Works on whole lines: bytes are cut at LF
 * before decoding, so a chunk boundary anywhere (inside a line or a UTF-8 character) changes nothing.
 *
 * Tolerance, as in the newest aspera-cli:
 * - field = text up to the first colon, at most one space after it stripped, the rest is the value;
 *   one CR before LF is stripped; an empty line ends the frame; extra empty lines between frames are ignored;
 * - a header before the empty line drops the unfinished frame (`frame_dropped`);
 * - a body line without a colon (or with an empty name) is skipped and the frame kept, since losing a
 *   whole DONE or STOP to one garbled line would be worse; text outside any frame is skipped. Both give
 *   `malformed_frame`, once per frame or per run of stray lines. A frame without `Type` is dropped
 *   (`malformed_frame`): nothing downstream can route it;
 * - a line, or a frame, longer than maxFrameBytes drops that frame and everything up to the next empty
 *   line or header (`frame_too_long`); at most maxFrameBytes of a partial line is ever buffered.
 * At end(), an unfinished frame is reported (`frame_dropped`), never delivered.
 */
export class StringFrameParser {
  private readonly max: number;
  private readonly onFrame: (frame: Frame) => void;
  private readonly onWarning: (warning: FrameWarning) => void;
  // Bytes of the line not yet terminated by LF.
  private partial: Buffer[] = [];
  private partialBytes = 0;
  // Dropping the rest of an over-long line, up to its LF.
  private discarding = false;
  // Open frame. While its names repeat those of the previous frame, names stays null: the frame will get
  // the previous frame's names array, so typing resolves the names of a STATS stream only once.
  private open = false;
  private prev: readonly string[] = [];
  private names: string[] | null = null;
  private count = 0;
  private values: string[] = [];
  private hasType = false;
  private frameBytes = 0;
  // After frame_too_long: ignore lines up to the next empty line or header.
  private skipping = false;
  private warnedMalformed = false;
  private lineNo = 0;

  constructor(options: StringFrameParserOptions) {
    this.onFrame = options.onFrame;
    this.onWarning = options.onWarning;
    this.max = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  }

  push(chunk: Buffer): void {
    let start = 0;
    if (this.discarding) {
      const lf = chunk.indexOf(LF);
      if (lf < 0) return;
      this.discarding = false;
      this.lineNo++;
      start = lf + 1;
    } else if (this.partialBytes > 0) {
      const lf = chunk.indexOf(LF);
      if (lf < 0) {
        this.keepPartial(chunk);
        return;
      }
      this.partial.push(chunk.subarray(0, lf + 1));
      const line = Buffer.concat(this.partial, this.partialBytes + lf + 1);
      this.partial = [];
      this.partialBytes = 0;
      this.lines(line, 0, line.length);
      start = lf + 1;
    }
    const last = chunk.lastIndexOf(LF);
    if (last >= start) {
      this.lines(chunk, start, last + 1);
      start = last + 1;
    }
    if (start < chunk.length) this.keepPartial(start === 0 ? chunk : chunk.subarray(start));
  }

  /** End of stream: a last line without LF still counts; an unfinished frame is reported, not delivered. */
  end(): void {
    if (this.partialBytes > 0) {
      const line = Buffer.concat(this.partial, this.partialBytes);
      this.partial = [];
      this.partialBytes = 0;
      const text = line.toString("utf8");
      this.line(text, 0, text.length, line.length, text.indexOf(":"));
    }
    if (this.open && !this.skipping) {
      this.warn("frame_dropped", `stream ended inside a frame${this.typeOf()} (no empty line after it); frame dropped`);
    }
    this.discarding = false;
    this.skipping = false;
    this.open = false;
    this.warnedMalformed = false;
  }

  private keepPartial(part: Buffer): void {
    if (this.partialBytes + part.length > this.max) {
      this.partial = [];
      this.partialBytes = 0;
      this.discarding = true;
      this.tooLong(this.lineNo + 1, `line longer than ${this.max} bytes`);
      return;
    }
    // Copy: the caller may reuse the chunk's memory after push returns.
    this.partial.push(Buffer.from(part));
    this.partialBytes += part.length;
  }

  /** buf[from, to) holds complete lines (buf[to - 1] is LF). */
  private lines(buf: Buffer, from: number, to: number): void {
    if (isAscii(buf.subarray(from, to))) {
      // One decode for the whole region; string offsets equal byte offsets.
      const text = buf.toString("latin1", from, to);
      let colon = -1;
      for (let p = 0; p < text.length; ) {
        const lf = text.indexOf("\n", p);
        // The first colon at or after p, remembered so colon-less lines never rescan the region.
        if (colon < p) {
          colon = text.indexOf(":", p);
          if (colon < 0) colon = text.length;
        }
        // Most lines are fields of an open frame: handled here, without the call and the checks of line().
        // Anything else (empty line, header, CR, over-long line or frame, no colon) goes to line().
        const len = lf - p;
        if (
          this.open && !this.skipping && colon > p && colon < lf && text.charCodeAt(lf - 1) !== CR &&
          !(text.charCodeAt(p) === HEADER_FIRST && len >= HEADER.length && sameAt(text, p, HEADER)) &&
          len <= this.max && this.frameBytes + len <= this.max
        ) {
          this.lineNo++;
          this.frameBytes += len;
          this.field(text, p, colon, lf);
        } else this.line(text, p, lf, len, colon);
        p = lf + 1;
      }
      return;
    }
    // Non-ASCII (UTF-8 paths): decode line by line to keep byte lengths exact.
    for (let p = from; p < to; ) {
      const lf = buf.indexOf(LF, p);
      const text = buf.toString("utf8", p, lf);
      this.line(text, 0, text.length, lf - p, text.indexOf(":"));
      p = lf + 1;
    }
  }

  /** One line text[start, end) without its LF; byteLen = its size on the wire; colon = first ':' at or after start (or none). */
  private line(text: string, start: number, end: number, byteLen: number, colon: number): void {
    const lineNo = ++this.lineNo;
    if (byteLen > this.max) {
      this.tooLong(lineNo, `line longer than ${this.max} bytes`);
      return;
    }
    if (end > start && text.charCodeAt(end - 1) === CR) end--;
    if (end === start) {
      this.warnedMalformed = false;
      if (this.skipping) this.skipping = false;
      else if (this.open) this.finish(lineNo);
      return;
    }
    if (end - start >= HEADER.length && text.charCodeAt(start) === HEADER_FIRST && sameAt(text, start, HEADER)) {
      if (this.open && !this.skipping) {
        this.warn(
          "frame_dropped",
          `line ${lineNo}: new header before the end of the previous frame${this.typeOf()}; previous frame dropped`,
        );
      }
      this.skipping = false;
      this.warnedMalformed = false;
      this.open = true;
      this.names = null;
      this.count = 0;
      this.values = [];
      this.hasType = false;
      this.frameBytes = byteLen;
      return;
    }
    if (this.skipping) return;
    if (!this.open) {
      this.malformed(lineNo, "text outside a frame (no FASPMGR header before it) skipped");
      return;
    }
    if (colon < 0 || colon >= end || colon === start) {
      this.malformed(lineNo, colon === start ? "field without a name skipped" : "line without a colon skipped");
      return;
    }
    this.frameBytes += byteLen;
    if (this.frameBytes > this.max) {
      this.tooLong(lineNo, `frame longer than ${this.max} bytes`);
      return;
    }
    this.field(text, start, colon, end);
  }

  /** A field line text[start, end) of the open frame, its colon at `colon`. */
  private field(text: string, start: number, colon: number, end: number): void {
    let name = text.slice(start, colon);
    if (this.names === null) {
      const same = this.prev[this.count];
      if (name === same) name = same;
      else {
        this.names = this.prev.slice(0, this.count);
        this.names.push(name);
      }
    } else this.names.push(name);
    this.count++;
    let v = colon + 1;
    if (v < end && text.charCodeAt(v) === SPACE) v++;
    if (name === "Type") this.hasType = true;
    this.values.push(text.slice(v, end));
  }

  private finish(lineNo: number): void {
    const names = this.names ?? (this.count === this.prev.length ? this.prev : this.prev.slice(0, this.count));
    const frame: Frame = { names, values: this.values };
    this.prev = names;
    this.open = false;
    this.values = [];
    if (this.hasType) this.onFrame(frame);
    else this.warn("malformed_frame", `line ${lineNo}: frame without a Type field dropped`);
  }

  private tooLong(lineNo: number, what: string): void {
    if (this.skipping) return; // already reported for the frame being skipped
    const dropped = this.open ? `; frame${this.typeOf()} dropped` : "";
    this.warn("frame_too_long", `line ${lineNo}: ${what}${dropped}; skipped up to the next empty line or header`);
    this.open = false;
    this.values = [];
    this.skipping = true;
  }

  private malformed(lineNo: number, what: string): void {
    if (this.warnedMalformed) return;
    this.warnedMalformed = true;
    this.warn("malformed_frame", `line ${lineNo}: ${what}`);
  }

  private typeOf(): string {
    const i = (this.names ?? this.prev).indexOf("Type");
    return i < 0 || i >= this.count ? "" : ` (Type ${this.values[i]})`;
  }

  private warn(code: FrameWarningCode, message: string): void {
    this.onWarning({ code, message });
  }
}
