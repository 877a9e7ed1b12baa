// Raw bytes for the "malformed" fault: each kind breaks the stream in one documented way.
// sid/us are SessionId and UserStr so the surrounding frames stay attributable.
import { encodeFrame } from "./frames.mjs";

export function malformedBytes(kind, sid, us) {
  const ids = { SessionId: sid, UserStr: us };
  switch (kind) {
    case "garbage_line":
      return "this line is not part of any frame\n";
    case "crlf":
      return encodeFrame("NOTIFICATION", { ...ids, Rate: 10000, MinRate: 0 }).replace(/\n/g, "\r\n");
    case "truncated_frame":
      // A frame that never gets its blank line: the next header starts a new frame.
      return `FASPMGR 2\nType: STATS\nFile: /truncated\nSize: 1000\nFileBy\n`;
    case "header_in_frame":
      return `FASPMGR 2\nType: NOTIFICATION\nRate: 1\n${encodeFrame("NOTIFICATION", { Rate: 10000, MinRate: 0, ...ids })}`;
    case "unknown_type":
      return encodeFrame("FROBNICATE", { ...ids, Detail: "a frame type no manager knows" });
    case "unknown_field":
      return encodeFrame("NOTIFICATION", { ...ids, Rate: 10000, MinRate: 0, FooBar: "x" });
    case "non_ascii":
      return encodeFrame("SKIP", { ...ids, File: "/données/日本語-ñ.txt" });
    case "newline_in_path":
      return encodeFrame("SKIP", { ...ids, File: "/dir\nwith\rspecial\x1b/file" });
    case "no_colon":
      return `FASPMGR 2\nType: NOTIFICATION\ninvalid\n\n`;
    default:
      throw new Error(`unknown malformed kind ${kind}`);
  }
}

// Kinds that report a (fake) skipped file, so DONE's TransfersSkipped counts them.
export const SKIP_KINDS = new Set(["non_ascii", "newline_in_path"]);
