// Typed ascp event → the few facts the progress model reads (model.ts, FrameFacts). The one place that knows
// which event fields feed the model; a later hot path that skips event objects fills FrameFacts itself.
import type { AscpEvent } from "../mgmt/typing.js";
import { frameKind, type FrameFacts, type FrameKind } from "./model.js";

const int = (v: unknown): number => (typeof v === "number" && v >= 0 ? v : -1);

/** Fills `into` (reused between frames) from the event; returns the frame's kind. */
export function readFacts(event: AscpEvent, into: FrameFacts): FrameKind {
  into.file = typeof event.file === "string" ? event.file : undefined;
  into.size = int(event.size);
  into.startByte = int(event.start_byte);
  into.fileBytes = int(event.file_bytes);
  into.transferBytes = int(event.transfer_bytes);
  into.rateKbps = int(event.rate);
  into.preTransferBytes = int(event.pre_transfer_bytes);
  into.preTransferFiles = int(event.pre_transfer_files);
  into.code = int(event.code);
  into.description = typeof event.description === "string" ? event.description : undefined;
  return frameKind(event.type);
}
