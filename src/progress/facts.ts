// ascp frame → the few facts the progress model reads (model.ts, FrameFacts). The one place that knows which event
// fields feed the model, read from either form a frame takes: its typed event, or (on the hot path, where a plain
// frame is written from its bytes and no event is made, see session-runner.ts) the frame's bytes. Both give the
// same facts for the same frame: progress/facts.test.ts checks it over the transcripts and generated frames.
import type { AscpEvent } from "../mgmt/typing.js";
import { integerAt, typedValue } from "../mgmt/typing.js";
import { fieldName } from "../mgmt/field-names.js";
import type { RawFrame } from "../mgmt/frame-parser.js";
import { frameKind, type FrameFacts, type FrameKind } from "./model.js";

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
  for (let i = 0; i < frame.count; i++) {
    const id = frame.ids[i]!;
    if (id < 0) continue;
    switch (fieldName(id).json) {
      case "file":
        into.file = textAt(frame, i);
        break;
      case "size":
        into.size = intAt(frame, i);
        break;
      case "start_byte":
        into.startByte = intAt(frame, i);
        break;
      case "file_bytes":
        into.fileBytes = intAt(frame, i);
        break;
      case "transfer_bytes":
        into.transferBytes = intAt(frame, i);
        break;
      case "rate":
        into.rateKbps = intAt(frame, i);
        break;
      case "pre_transfer_bytes":
        into.preTransferBytes = intAt(frame, i);
        break;
      case "pre_transfer_files":
        into.preTransferFiles = intAt(frame, i);
        break;
      case "code":
        into.code = intAt(frame, i);
        break;
      case "description":
        into.description = textAt(frame, i);
        break;
    }
  }
  return frameKind(frame.type);
}

/** int() of field i's typed value: only integer and rate fields become numbers (typing.ts). */
function intAt(frame: RawFrame, i: number): number {
  const kind = fieldName(frame.ids[i]!).kind;
  if (kind !== "integer" && kind !== "rate") return -1;
  return int(integerAt(frame.bytes, frame.valueStart[i]!, frame.valueEnd[i]!));
}

/** text() of field i's typed value. */
function textAt(frame: RawFrame, i: number): string | undefined {
  return text(typedValue(fieldName(frame.ids[i]!).kind, frame.value(i)));
}
