// Stand-in for the progress model's per-frame work until it is merged (issue "Speak the integrator's language"):
// reads, through the FrameView, the fields the model reads from every frame (file, size, start_byte, written,
// file_bytes, transfer_bytes, elapsed). Only the benchmarks turn it on (ASESSION_BENCH_FRAME_HOOK=1), so that the
// hot path's figures include that cost; at merge, the model takes its place as the Job's onFrame.
import type { FrameView } from "./mgmt/frame-parser.js";

// Where the values read go, so that the reads cannot be optimized away.
let sum = 0;

export function benchFrameHook(): ((session: number, frame: FrameView) => void) | undefined {
  if (process.env.ASESSION_BENCH_FRAME_HOOK !== "1") return undefined;
  return (session, f) => {
    const file = f.path("File");
    sum += session + (file?.length ?? 0) + (f.int("Size") ?? 0) + (f.int("StartByte") ?? 0) + (f.int("Written") ?? 0);
    sum += (f.int("FileBytes") ?? 0) + (f.int("TransferBytes") ?? 0) + (f.int("Elapsedusec") ?? 0);
    if (sum > Number.MAX_SAFE_INTEGER / 2) sum = 0;
  };
}
