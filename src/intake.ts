// Intake: where the session spec comes from (arguments or the first JSON value on stdin) and the stdin
// command lines that follow it. Framing only: meaning (validation, commands) lives in other modules.
//
// Our own byte-level line splitter instead of split2: the first JSON value may span several lines, and a line
// over the limit must be reported with its line number and skipped without buffering it whole.
import fs from "node:fs";
import { isUtf8 } from "node:buffer";
import type { Readable } from "node:stream";
import { findJsonSyntaxError } from "./mgmt/json-error.js";
import { checkJsonText, findUnsendableText, mayHoldUnsendable } from "./json-guard.js";

export type SpecSource = { kind: "stdin" } | { kind: "inline"; text: string } | { kind: "file"; path: string };

export type Invocation =
  | { mode: "help" }
  | { mode: "version" }
  /** progress: --progress (true) or --no-progress (false) for the terminal line on stderr; undefined: when stderr is a TTY. */
  | { mode: "run"; source: SpecSource; dryRun: boolean; progress?: boolean }
  | { mode: "usage-error"; message: string };

/** Parses asession's arguments: [--dry-run] [--progress | --no-progress] [@json:VALUE | @json:@file:PATH | @json:@stdin], --help, --version. */
export function parseInvocation(args: readonly string[]): Invocation {
  let dryRun = false;
  let progress: boolean | undefined;
  let source: SpecSource | undefined;
  for (const arg of args) {
    if (arg === "-h" || arg === "--help") return { mode: "help" };
    if (arg === "-v" || arg === "--version") return { mode: "version" };
    if (arg === "--dry-run" || arg === "-n") {
      dryRun = true;
      continue;
    }
    if (arg === "--progress" || arg === "--no-progress") {
      progress = arg === "--progress";
      continue;
    }
    if (source) return { mode: "usage-error", message: `only one session spec argument is accepted (got a second: ${preview(arg)})` };
    const parsed = parseExtendedValue(arg);
    if ("error" in parsed) return { mode: "usage-error", message: parsed.error };
    source = parsed;
  }
  const run: Invocation = { mode: "run", source: source ?? { kind: "stdin" }, dryRun };
  if (progress !== undefined) run.progress = progress;
  return run;
}

function parseExtendedValue(arg: string): SpecSource | { error: string } {
  if (arg.startsWith("-")) return { error: `unknown option ${preview(arg)} (see asession --help)` };
  if (!arg.startsWith("@json:")) {
    return { error: `the session spec argument must start with @json: (e.g. @json:'{"spec":{...}}', @json:@file:PATH or @json:@stdin); got ${preview(arg)}` };
  }
  const rest = arg.slice("@json:".length);
  if (rest === "@stdin" || rest === "@stdin:") return { kind: "stdin" };
  if (rest.startsWith("@file:")) {
    const path = rest.slice("@file:".length);
    return path ? { kind: "file", path } : { error: "@json:@file: needs a path" };
  }
  if (rest.startsWith("@")) return { error: `unsupported extended value ${preview(arg)} (supported: @json:@file:PATH, @json:@stdin)` };
  return { kind: "inline", text: rest };
}

function preview(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}...` : text);
}

export type SpecText = { ok: true; text: string } | { ok: false; message: string };

export function readSpecFile(path: string, maxBytes: number): SpecText {
  try {
    const stat = fs.statSync(path);
    if (!stat.isFile()) return { ok: false, message: `session spec file ${path} is not a regular file` };
    if (stat.size > maxBytes) return { ok: false, message: `session spec file ${path} is larger than ${mib(maxBytes)}` };
    return decodeSpec(fs.readFileSync(path), `session spec file ${path}`);
  } catch (error) {
    return { ok: false, message: `cannot read session spec file ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}` };
  }
}

/**
 * Bytes → text, refusing invalid UTF-8: decoding would replace it with U+FFFD and send a changed value on. The raw
 * bytes are checked, since after decoding the damage cannot be told from a U+FFFD that was really written.
 */
export function decodeSpec(bytes: Buffer, what: string): SpecText {
  if (isUtf8(bytes)) return { ok: true, text: bytes.toString("utf8") };
  return { ok: false, message: `${what} is not valid UTF-8 (byte ${invalidUtf8Offset(bytes)}); asession does not replace what it cannot read` };
}

/**
 * An inline spec (@json:...) comes from argv, which Node has already decoded with replacement: when the text holds
 * U+FFFD, the raw argument (/proc/self/cmdline, Linux) tells whether it was written or made up by decoding.
 */
export function checkInlineSpec(text: string): SpecText {
  if (!text.includes("\uFFFD")) return { ok: true, text };
  let raw: Buffer[];
  try {
    const cmdline = fs.readFileSync("/proc/self/cmdline");
    raw = [];
    for (let at = 0; at < cmdline.length; ) {
      const end = cmdline.indexOf(0, at);
      raw.push(cmdline.subarray(at, end < 0 ? cmdline.length : end));
      at = end < 0 ? cmdline.length : end + 1;
    }
  } catch {
    return { ok: true, text };
  }
  const bad = raw.find((arg) => arg.subarray(0, 6).toString("latin1") === "@json:" && !isUtf8(arg));
  return bad ? decodeSpec(bad, "the session spec argument") : { ok: true, text };
}

/** Offset of the first byte that does not belong to a well-formed UTF-8 sequence (RFC 3629), or -1. */
export function invalidUtf8Offset(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    // Sequence length and the allowed range of its second byte (no overlongs, no surrogates, nothing past U+10FFFF).
    let n: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b < 0x80) n = 1;
    else if (b >= 0xc2 && b <= 0xdf) n = 2;
    else if (b >= 0xe0 && b <= 0xef) [n, lo, hi] = [3, b === 0xe0 ? 0xa0 : 0x80, b === 0xed ? 0x9f : 0xbf];
    else if (b >= 0xf0 && b <= 0xf4) [n, lo, hi] = [4, b === 0xf0 ? 0x90 : 0x80, b === 0xf4 ? 0x8f : 0xbf];
    else return i;
    for (let k = 1; k < n; k++) {
      const c = bytes[i + k];
      if (c === undefined || c < (k === 1 ? lo : 0x80) || c > (k === 1 ? hi : 0xbf)) return i;
    }
    i += n;
  }
  return -1;
}

/**
 * The spec's bytes as they come, in one buffer that grows in place (a resizable ArrayBuffer: address space reserved up
 * to the limit, memory taken only as it fills, no copy on growth), decoded once and then given back to the system at
 * once: a spec of tens of MB is never held as chunks, their concatenation and its text together, and its bytes are gone
 * before JSON.parse builds the objects (README, Performance, "1,000,000 paths").
 */
export class SpecBytes {
  // null where the address space cannot be reserved (a low `ulimit -v`): then the chunks are kept and joined at the end.
  private readonly buffer: ArrayBuffer | null;
  private chunks: Uint8Array[] = [];
  private length = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly what: string,
  ) {
    let buffer: ArrayBuffer | null = null;
    try {
      buffer = new ArrayBuffer(0, { maxByteLength: maxBytes });
    } catch {
      buffer = null;
    }
    this.buffer = buffer;
  }

  get size(): number {
    return this.length;
  }

  /** Appends a chunk; false (and nothing kept) when the spec would pass the limit. */
  push(chunk: Uint8Array): boolean {
    const size = this.length + chunk.length;
    if (size > this.maxBytes) return false;
    const buffer = this.buffer;
    if (buffer === null) this.chunks.push(chunk);
    else {
      if (size > buffer.byteLength) buffer.resize(Math.min(this.maxBytes, Math.max(size, 2 * buffer.byteLength)));
      new Uint8Array(buffer, this.length, chunk.length).set(chunk);
    }
    this.length = size;
    return true;
  }

  /** The text, by decodeSpec's rules; the bytes are released. */
  end(): SpecText {
    const bytes = this.buffer === null ? Buffer.concat(this.chunks, this.length) : Buffer.from(this.buffer, 0, this.length);
    const text = decodeSpec(bytes, this.what);
    this.buffer?.resize(0);
    this.chunks = [];
    this.length = 0;
    return text;
  }
}

const BOM = "\uFEFF";

/**
 * Parses spec text; the message names the position (line:column) of a JSON syntax error, of nesting deeper than
 * MAX_JSON_DEPTH or of a number too large for a double, or the field holding a NUL or a lone surrogate. A UTF-8
 * byte order mark before the spec is skipped.
 */
export function parseSpecText(input: string): { ok: true; value: unknown } | { ok: false; message: string } {
  const text = input.startsWith(BOM) ? input.slice(1) : input;
  if (text.trim() === "") return { ok: false, message: "no session spec: the input is empty" };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // V8's message may lack a position and echoes the input; say where, as line:column, in our words.
    const error = findJsonSyntaxError(text);
    if (!error) return { ok: false, message: "the session spec is not valid JSON" };
    return { ok: false, message: `the session spec is not valid JSON: ${lineColumn(text, error.position)}: ${error.message}` };
  }
  const problem = checkJsonText(text);
  if (problem) return { ok: false, message: `the session spec is refused: ${lineColumn(text, problem.position)}: ${problem.message}` };
  const unsendable = mayHoldUnsendable(text) ? findUnsendableText(value, "") : null;
  if (unsendable) return { ok: false, message: `invalid session spec: ${unsendable}; rejected, not changed` };
  return { ok: true, value };
}

function lineColumn(text: string, position: number): string {
  const before = text.slice(0, position);
  return `line ${before.split("\n").length}, column ${position - before.lastIndexOf("\n")}`;
}

export type Line = { lineNo: number; text: string } | { lineNo: number; tooLong: number } | { lineNo: number; invalidUtf8: number };

export interface InputLimits {
  maxSpecBytes: number;
  maxLineBytes: number;
}

const LF = 0x0a;
const STDIN_SPEC = "the session spec on stdin";
const UTF8_BOM = [0xef, 0xbb, 0xbf];

/**
 * Reads stdin: optionally the first JSON value (which may span lines), then one command per line.
 * Lines are numbered from the first line of stdin, so a COMMAND_REJECTED line number matches what the user sent.
 */
export class InputReader {
  private spec: { resolve: (r: SpecText) => void; text: SpecBytes; depth: number; inString: boolean; escaped: boolean; started: boolean; scalar: boolean; done: boolean } | null;
  private lineNo = 1;
  /** The next line delivered is the end of the spec's last line. */
  private specTail = false;
  private partial: Buffer[] = [];
  private partialBytes = 0;
  private overflow = 0;
  private ended = false;
  // Lines that arrive before onLines() (while the spec is validated) wait here.
  private queued: Line[] | null = [];
  private lineHandler: (line: Line) => void = (line) => this.queued!.push(line);
  private endHandler: () => void = () => {};
  readonly specText: Promise<SpecText>;

  constructor(
    private readonly stream: Readable,
    specFromStdin: boolean,
    private readonly limits: InputLimits,
  ) {
    let resolve!: (r: SpecText) => void;
    this.specText = new Promise((r) => (resolve = r));
    this.spec = specFromStdin
      ? { resolve, text: new SpecBytes(limits.maxSpecBytes, STDIN_SPEC), depth: 0, inString: false, escaped: false, started: false, scalar: false, done: false }
      : null;
    if (!specFromStdin) resolve({ ok: false, message: "the session spec is not read from stdin" });
    stream.on("data", (chunk: Buffer) => this.feed(chunk));
    stream.on("end", () => this.finish());
    // A closed or broken stdin is the same as its end for us: no more commands.
    stream.on("error", () => this.finish());
  }

  /** Starts delivering command lines (call once the spec is accepted); lines read so far are delivered now. */
  onLines(handler: (line: Line) => void, onEnd: () => void): void {
    this.lineHandler = handler;
    this.endHandler = onEnd;
    const queued = this.queued ?? [];
    this.queued = null;
    for (const line of queued) handler(line);
    if (this.ended) onEnd();
  }

  /** Stops reading stdin (the job is over). */
  close(): void {
    this.stream.removeAllListeners("data");
    this.stream.pause();
    if ("destroy" in this.stream) this.stream.destroy();
  }

  private feed(chunk: Buffer): void {
    let rest: Buffer | null = chunk;
    if (this.spec && !this.spec.done) rest = this.feedSpec(chunk);
    if (rest && rest.length > 0) this.feedLines(rest);
  }

  /** Scans for the end of the first JSON value; returns the bytes after the line it ends on (commands). */
  private feedSpec(chunk: Buffer): Buffer | null {
    const s = this.spec!;
    // The scanner's state lives in locals while it runs (a spec of a million paths is tens of MB, byte by byte)
    // and goes back to `s` at the end of the chunk.
    let { started, scalar, inString, escaped, depth } = s;
    let lines = 0;
    let end = -1;
    const n = chunk.length;
    for (let i = 0; i < n; i++) {
      let c = chunk[i]!;
      if (inString) {
        if (escaped) {
          escaped = false;
          if (c === LF) lines++;
          continue;
        }
        // The body of a string: nothing to do up to its closing quote or next backslash.
        while (c !== 0x22 && c !== 0x5c) {
          if (c === LF) lines++;
          if (++i === n) break;
          c = chunk[i]!;
        }
        if (i === n) break;
        if (c === 0x5c) escaped = true;
        else inString = false;
        continue;
      }
      if (c === LF) lines++;
      if (!started) {
        if (c === 0x20 || c === 0x09 || c === 0x0d || c === LF) continue;
        // A byte order mark (EF BB BF) may open the stream; parseSpecText drops it.
        if (s.text.size + i < 3 && c === UTF8_BOM[s.text.size + i]) continue;
        started = true;
        scalar = c !== 0x7b && c !== 0x5b; // not { or [: the value ends with its line
      }
      if (scalar) {
        if (c === LF) {
          end = i;
          break;
        }
        continue;
      }
      if (c === 0x22) inString = true;
      else if (c === 0x7b || c === 0x5b) depth++;
      else if (c === 0x7d || c === 0x5d) {
        if (--depth === 0) {
          end = i + 1;
          break;
        }
      }
    }
    this.lineNo += lines;
    Object.assign(s, { started, scalar, inString, escaped, depth });
    const taken = end < 0 ? chunk : chunk.subarray(0, end);
    if (!s.text.push(taken)) {
      s.done = true;
      s.text.end();
      s.resolve({ ok: false, message: `the session spec on stdin is larger than ${mib(this.limits.maxSpecBytes)}` });
      return null;
    }
    if (end < 0) return null;
    s.done = true;
    s.resolve(s.text.end());
    // The rest of the spec's last line belongs to it when blank; otherwise it is the first command line.
    if (s.scalar) return chunk.subarray(end + 1);
    this.specTail = true;
    return chunk.subarray(end);
  }

  private feedLines(chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(LF, start);
      if (nl < 0) {
        this.appendPartial(chunk.subarray(start));
        return;
      }
      this.appendPartial(chunk.subarray(start, nl));
      this.emitLine();
      start = nl + 1;
    }
  }

  private appendPartial(piece: Buffer): void {
    if (piece.length === 0) return;
    if (this.overflow > 0 || this.partialBytes + piece.length > this.limits.maxLineBytes) {
      // Count the bytes of an over-long line but keep none of them.
      this.overflow += this.partialBytes + piece.length;
      this.partial = [];
      this.partialBytes = 0;
      return;
    }
    this.partial.push(piece);
    this.partialBytes += piece.length;
  }

  private emitLine(): void {
    const lineNo = this.lineNo++;
    if (this.overflow > 0) {
      this.specTail = false;
      const bytes = this.overflow;
      this.overflow = 0;
      this.lineHandler({ lineNo, tooLong: bytes });
      return;
    }
    const bytes = Buffer.concat(this.partial, this.partialBytes);
    this.partial = [];
    this.partialBytes = 0;
    if (!isUtf8(bytes)) {
      this.specTail = false;
      this.lineHandler({ lineNo, invalidUtf8: invalidUtf8Offset(bytes) });
      return;
    }
    let text = bytes.toString("utf8");
    if (text.endsWith("\r")) text = text.slice(0, -1);
    const tail = this.specTail;
    this.specTail = false;
    if (tail && text.trim() === "") return;
    this.lineHandler({ lineNo, text });
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.spec && !this.spec.done) {
      this.spec.done = true;
      const decoded = this.spec.text.end();
      if (decoded.ok && decoded.text.replace(BOM, "").trim() === "") this.spec.resolve({ ok: false, message: "no session spec: stdin is empty (pass the spec on stdin or as @json:...)" });
      // A scalar (or garbage) ends with stdin too; JSON.parse then says what is wrong. An unclosed object is incomplete.
      else if (!decoded.ok || this.spec.scalar) this.spec.resolve(decoded);
      else this.spec.resolve({ ok: false, message: "stdin ended before the session spec was complete (unbalanced braces or an unterminated string)" });
    }
    if (this.partialBytes > 0 || this.overflow > 0) this.emitLine();
    this.endHandler();
  }
}

export function mib(bytes: number): string {
  return `${Math.round(bytes / 1048576)} MiB`;
}
