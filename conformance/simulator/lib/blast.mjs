// The "blast" fault: as many STATS frames as the socket accepts, to test a manager's throughput
// and backpressure. Frames are built from a precomputed prefix; several go out per write.
import { once } from "node:events";
import { escapePath } from "./frames.mjs";

const BATCH_BYTES = 256 * 1024;
const STEP = 1024; // FileBytes grows by this much per frame

export async function runBlast(session, fault) {
  const count = fault.count;
  const target = fault.bytes_per_frame ?? 900;
  const file = session.sources[0]?.source ?? "blast.bin";
  const size = count * STEP;
  const socket = session.socket;
  const ids = `SessionId: ${session.sessionId}\n${session.userStr === undefined ? "" : `UserStr: ${session.userStr}\n`}`;
  // Fields like the published STATS frames; the changing ones go last.
  const f = session.sessionFields();
  session.started = true;
  let prefix =
    `FASPMGR 2\nType: STATS\nAdaptive: ${f.Adaptive}\nCipher: ${f.Cipher}\nClientUser: ${f.ClientUser}\n` +
    `ClusterNodeId: ${f.ClusterNodeId}\nClusterNumNodes: ${f.ClusterNumNodes}\nCreatePolicy: ${f.CreatePolicy}\n` +
    `DSPipelineDepth: 32\nDatagramSize: ${f.DatagramSize}\nDelay: 1\nDirection: ${session.direction}\nEncryption: ${f.Encryption}\n` +
    `File: ${escapePath(file)}\nLoss: 0\nRate: ${session.rate}\nSize: ${size}\nStartByte: 0\n${ids}`;
  // Sample suffix with the largest numbers, to size the padding field.
  const suffixLen = `Elapsedusec: ${"9".repeat(12)}\nFileBytes: ${size}\nTransferBytes: ${size}\nWritten: ${size}\n\n`.length;
  const pad = target - prefix.length - suffixLen - "RateInfo: \n".length;
  if (pad > 0) prefix += `RateInfo: ${"r".repeat(pad)}\n`;

  let blockedTotal = 0;
  let blockedMax = 0;
  let bytes = 0;
  const started = Date.now();
  let batch = "";
  let sinceYield = 0;
  for (let i = 1; i <= count; i++) {
    const n = i * STEP;
    batch += `${prefix}Elapsedusec: ${session.elapsedUsec()}\nFileBytes: ${n}\nTransferBytes: ${n}\nWritten: ${n}\n\n`;
    if (batch.length < BATCH_BYTES && i < count) continue;
    if (session.finishing || session.dead) return;
    bytes += batch.length;
    const ok = socket.write(batch);
    batch = "";
    if (!ok) {
      const t = Date.now();
      await Promise.race([once(socket, "drain"), once(socket, "close")]);
      const waited = Date.now() - t;
      blockedTotal += waited;
      blockedMax = Math.max(blockedMax, waited);
    } else if (++sinceYield >= 16) {
      // Let incoming commands (CANCEL) be read even when the socket never pushes back.
      sinceYield = 0;
      await new Promise((r) => setImmediate(r));
    }
  }
  session.framesSent += count;
  session.fileBytes = size;
  session.transferBytes = size;
  session.recorder.write({ kind: "blocked", total_ms: blockedTotal, max_ms: blockedMax, frames: count, bytes, elapsed_ms: Date.now() - started });
  session.counters.ArgScansAttempted = 1;
  session.counters.ArgScansCompleted = 1;
  session.counters.PathScansAttempted = 1;
  session.counters.TransfersAttempted = 1;
  session.counters.TransfersPassed = 1;
  session.send("STOP", { File: file, Size: size, StartByte: 0, Written: size, FileBytes: size, TransferBytes: size, Loss: 0, Elapsedusec: session.elapsedUsec() });
  session.send("DONE", { Direction: session.direction, Operation: "Transfer", ...session.counterFields() });
  await session.finish(0);
}
