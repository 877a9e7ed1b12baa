// Frees the management sockets' spent read buffers while a blast streams in.
//
// Node reads a socket into a new 64 KiB buffer each time and frees it only when a garbage collection finds it dead.
// The hot path (steady frames, mgmt/frame-parser.ts) allocates almost nothing on the JavaScript heap, so no
// collection comes on its own for a long time: during a blast, tens of MB of spent read buffers piled up (peak RSS
// 1.35x the pass-through's; README, Performance). A minor collection after every READ_GC_BYTES read frees them: it
// takes well under a millisecond, since hardly anything in the young generation is alive, and reused memory also
// spares the kernel the page faults of fresh memory. V8 exposes collections only to code run with --expose-gc: the
// flag is set for the moment of making one new context, which hands over its gc function, then unset.
import v8 from "node:v8";
import vm from "node:vm";

// Peak RSS during a 1,000,000-frame blast: 110-113 MB without, 87-91 with 4 MiB, 87-94 with 8 MiB, 94-97 with 16 MiB
// (three runs each, code cache off); the collections' share of a blast's profile: 9 % with 4 MiB, 5 % with 8 MiB.
export const READ_GC_BYTES = 8 << 20;

type Collect = (options: { type: "minor" }) => void;
let collect: Collect | null | undefined;
let sinceGc = 0;

/** Counts n bytes read from a management socket; collects the spent read buffers every READ_GC_BYTES. */
export function bytesRead(n: number): void {
  sinceGc += n;
  if (sinceGc < READ_GC_BYTES) return;
  sinceGc = 0;
  if (collect === undefined) collect = exposeGc();
  collect?.({ type: "minor" });
}

function exposeGc(): Collect | null {
  // Already exposed (node --expose-gc): the process's own.
  const own = (globalThis as { gc?: unknown }).gc;
  if (typeof own === "function") return own as Collect;
  try {
    v8.setFlagsFromString("--expose-gc");
    const gc = vm.runInNewContext("gc") as unknown;
    return typeof gc === "function" ? (gc as Collect) : null;
  } catch {
    return null;
  } finally {
    v8.setFlagsFromString("--no-expose-gc");
  }
}
