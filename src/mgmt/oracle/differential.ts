// The two paths from management bytes to NDJSON lines, side by side, for the differential checks
// (src/mgmt/frame-json.test.ts in CI, conformance/bench/check-serializer.mjs on a build): the engine's (FrameParser,
// then frame-json.ts for plain frames, typing.ts for the others) and the previous one (StringFrameParser, typing.ts,
// redaction, session_index, the typed event's serializer). Test support, not used by the engine.
import { REDACTED_FIELDS } from "../field-names.js";
import { isPlainFrame, writeFrameJson, writeSteadyJson, type ByteSink } from "../frame-json.js";
import { FrameParser, type Frame } from "../frame-parser.js";
import { typeFrame } from "../typing.js";
import { StringFrameParser } from "./string-frame-parser.js";

const LINE = Symbol.for("asession.ndjson-line");

export interface PathRun {
  /** The event lines, as bytes (UTF-8). */
  lines: Buffer;
  warnings: string[];
  /** Frames written from their bytes (the rest were typed). */
  plain: number;
  /** Of those, steady frames (frame-parser.ts). */
  steady: number;
  frames: number;
}

class Sink implements ByteSink {
  buf = Buffer.alloc(1024);
  len = 0;
  ensure(n: number): void {
    if (this.buf.length - this.len >= n) return;
    const bigger = Buffer.alloc(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(bigger, 0, 0, this.len);
    this.buf = bigger;
  }
}

/** The previous path's line for one frame: the typed event, redacted, with session_index, serialized. */
export function oracleLine(frame: Frame, sessionIndex: number | undefined): string {
  const event = typeFrame(frame);
  for (const key of REDACTED_FIELDS) if (key in event) event[key] = "***";
  if (sessionIndex !== undefined) event.session_index = sessionIndex;
  const toLine = (event as unknown as Record<symbol, unknown>)[LINE];
  return `${typeof toLine === "function" ? (toLine as () => string).call(event) : JSON.stringify(event)}\n`;
}

/**
 * The engine's path over chunks, steady frames included (as session-runner.ts takes them) unless `steady` is false.
 * viaTyping(n): frame n (from 0) is written through typing.ts even when plain, as the engine does in some modes, so
 * that frame-json.ts's memo misses that frame.
 */
export function bytesPath(
  chunks: readonly Buffer[],
  sessionIndex: number | undefined,
  maxFrameBytes?: number,
  viaTyping: (n: number) => boolean = () => false,
  steady = true,
): PathRun {
  const sink = new Sink();
  const run: PathRun = { lines: sink.buf, warnings: [], plain: 0, steady: 0, frames: 0 };
  const parser = new FrameParser({
    onFrame: (f) => {
      run.frames++;
      if (!viaTyping(run.frames - 1) && isPlainFrame(f)) {
        run.plain++;
        writeFrameJson(sink, f, sessionIndex);
      } else {
        const line = Buffer.from(oracleLine(f.toFrame(), sessionIndex));
        sink.ensure(line.length);
        sink.len += line.copy(sink.buf, sink.len);
      }
    },
    onWarning: (w) => run.warnings.push(w.message),
    ...(maxFrameBytes === undefined ? {} : { maxFrameBytes }),
  });
  if (steady) {
    parser.enableSteady(
      (f) => f.type === "STATS" && isPlainFrame(f),
      (f) => {
        run.frames++;
        run.plain++;
        run.steady++;
        writeSteadyJson(sink, f, sessionIndex);
      },
    );
  }
  for (const c of chunks) parser.push(c);
  parser.end();
  run.lines = Buffer.from(sink.buf.subarray(0, sink.len));
  return run;
}

/** The previous path over the same bytes in one chunk. */
export function oraclePath(data: Buffer, sessionIndex: number | undefined, maxFrameBytes?: number): PathRun {
  let text = "";
  const run: PathRun = { lines: Buffer.alloc(0), warnings: [], plain: 0, steady: 0, frames: 0 };
  const parser = new StringFrameParser({
    onFrame: (f) => {
      run.frames++;
      text += oracleLine(f, sessionIndex);
    },
    onWarning: (w) => run.warnings.push(w.message),
    ...(maxFrameBytes === undefined ? {} : { maxFrameBytes }),
  });
  parser.push(data);
  parser.end();
  run.lines = Buffer.from(text);
  return run;
}

/** Cuts data at the given offsets (any order, duplicates and out-of-range values allowed). */
export function splitAt(data: Buffer, offsets: readonly number[]): Buffer[] {
  const cuts = [...new Set(offsets.map((o) => Math.min(Math.max(o, 0), data.length)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const cut of cuts) {
    chunks.push(data.subarray(from, cut));
    from = cut;
  }
  chunks.push(data.subarray(from));
  return chunks;
}
