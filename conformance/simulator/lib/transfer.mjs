// Moving bytes: a token-bucket rate limiter, the resume/overwrite decision, and a chunked copy
// that never holds a whole file in memory.
import { open, rename, utimes, unlink, stat } from "node:fs/promises";
import { createReadStream } from "node:fs";
import { createHash } from "node:crypto";
import { statOrNull } from "./plan.mjs";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// kbps → bytes/ms is kbps/8. null = unlimited; 0 = paused until the rate changes.
export class Limiter {
  constructor(kbps) {
    this.kbps = kbps;
    this.next = 0;
    this.waiters = [];
    this.pausedUntil = 0;
    this.epoch = 0;
  }

  set(kbps) {
    this.kbps = kbps;
    this.next = Date.now();
    this.epoch++;
    for (const w of this.waiters.splice(0)) w();
  }

  pause(ms) {
    this.pausedUntil = Math.max(this.pausedUntil, Date.now() + ms);
  }

  chunkSize() {
    if (this.kbps === null || this.kbps === 0) return 256 * 1024;
    // About 20 chunks a second keeps progress smooth at any rate.
    return Math.max(1024, Math.min(256 * 1024, Math.floor((this.kbps * 125) / 20)));
  }

  async take(n) {
    for (;;) {
      const now = Date.now();
      if (this.pausedUntil > now) {
        await sleep(this.pausedUntil - now);
        continue;
      }
      if (this.kbps === 0) {
        await Promise.race([new Promise((r) => this.waiters.push(r)), sleep(200)]);
        continue;
      }
      break;
    }
    if (this.kbps === null) return;
    this.next = Math.max(this.next, Date.now()) + n / (this.kbps / 8);
    // Sleep in short slices so a RATE change applies even in the middle of a slow chunk.
    const epoch = this.epoch;
    while (this.epoch === epoch && this.next > Date.now()) await sleep(Math.min(100, this.next - Date.now()));
  }
}

// Files are copied one at a time, so one buffer serves every copy.
const buf = Buffer.allocUnsafe(256 * 1024);

const HASHES = { "sha-512": "sha512", "sha-384": "sha384", "sha-256": "sha256", sha1: "sha1", md5: "md5" };

export function fileChecksum(file, type, start = 0, end = undefined) {
  return new Promise((resolve, reject) => {
    const h = createHash(HASHES[type]);
    const opts = { start };
    if (end !== undefined) opts.end = end - 1;
    if (end !== undefined && end <= start) return resolve(h.digest("hex"));
    createReadStream(file, opts)
      .on("data", (d) => h.update(d))
      .on("error", reject)
      .on("end", () => resolve(h.digest("hex")));
  });
}

// Samples a few blocks, like a sparse checksum: cheap but catches most differences.
async function sparseEqual(a, b, size) {
  const block = 4096;
  const points = [0, Math.floor(size / 2), Math.max(0, size - block)];
  const fa = await open(a, "r");
  const fb = await open(b, "r");
  try {
    for (const p of points) {
      const ba = Buffer.alloc(block);
      const bb = Buffer.alloc(block);
      const ra = await fa.read(ba, 0, block, p);
      const rb = await fb.read(bb, 0, block, p);
      if (ra.bytesRead !== rb.bytesRead || !ba.subarray(0, ra.bytesRead).equals(bb.subarray(0, rb.bytesRead))) return false;
    }
    return true;
  } finally {
    await fa.close();
    await fb.close();
  }
}

async function sameContent(a, b, size, level) {
  if (level === 1) return true;
  if (level === 2) return sparseEqual(a, b, size);
  return (await fileChecksum(a, "md5", 0, size)) === (await fileChecksum(b, "md5", 0, size));
}

// What to do with one job: { action: "skip" } | { action: "complete" } | { action: "copy", from }.
// Resume (-k 1..3) first: a complete destination is not sent again, a shorter one is continued;
// then the overwrite rule decides about an existing destination.
export async function decide(job, { resume = 0, overwrite = "diff", partialSuffix }) {
  const partial = partialSuffix ? `${job.dst}${partialSuffix}` : null;
  const dstSt = statOrNull(job.dst);
  if (dstSt?.isDirectory()) return { action: "error", code: 7, message: `destination ${job.file} is a folder` };
  if (resume > 0 && dstSt && dstSt.size === job.size && (await sameContent(job.src, job.dst, job.size, resume))) {
    return { action: "complete" };
  }
  if (dstSt) {
    const differ = dstSt.size !== job.size || Math.abs(dstSt.mtimeMs - job.mtimeMs) >= 1000;
    const older = dstSt.mtimeMs + 1000 <= job.mtimeMs;
    const keep = {
      never: true,
      always: false,
      diff: !differ,
      older: !older,
      "diff+older": !(differ && older),
    }[overwrite];
    if (keep) return { action: "skip" };
  }
  const partSt = partial ? statOrNull(partial) : dstSt;
  if (resume > 0 && partSt && partSt.size > 0 && partSt.size < job.size) {
    const target = partial ?? job.dst;
    if (await sameContent(job.src, target, partSt.size, resume)) return { action: "copy", from: partSt.size };
  }
  return { action: "copy", from: 0 };
}

// Copies [from, end) of job.src into the destination (or its partial file), chunk by chunk.
// hooks.allow(n) may shrink a chunk (fault thresholds) and returns 0 to stop; hooks.progress(n)
// is called after each chunk. Returns the number of bytes written.
export async function copyRange(job, { from, end, partialSuffix, preserveMtime }, limiter, hooks) {
  const target = partialSuffix ? `${job.dst}${partialSuffix}` : job.dst;
  const src = await open(job.src, "r");
  const exists = statOrNull(target) !== null;
  // Keep what is already there when resuming or writing a byte range; start afresh otherwise.
  const dst = await open(target, exists && (from > 0 || end !== job.size) ? "r+" : "w");
  let pos = from;
  let written = 0;
  try {
    while (pos < end) {
      let n = Math.min(limiter.chunkSize(), end - pos, buf.length);
      n = hooks.allow(n);
      if (n <= 0) return { written, stopped: true };
      const { bytesRead } = await src.read(buf, 0, n, pos);
      if (bytesRead === 0) break;
      await dst.write(buf, 0, bytesRead, pos);
      pos += bytesRead;
      written += bytesRead;
      hooks.progress(bytesRead);
      await limiter.take(bytesRead);
      if (hooks.cancelled()) return { written, stopped: true };
    }
    if (end === job.size) await dst.truncate(job.size);
  } finally {
    await src.close();
    await dst.close();
  }
  if (partialSuffix) await rename(target, job.dst);
  if (preserveMtime) {
    const st = await stat(job.src);
    await utimes(job.dst, st.atime, st.mtime);
  }
  return { written, stopped: false };
}

export const removeSource = (job) => unlink(job.src);
