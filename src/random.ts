// Unpredictable bytes for the management-port nonce and the transfer id, read from the kernel's generator: loading
// node:crypto for them would cost every start a few ms before SPAWN (README, Performance). Where there is no
// /dev/urandom (Windows), node:crypto's generator, loaded then.
import fs from "node:fs";

export function randomBytes(n: number): Buffer {
  const out = Buffer.alloc(n);
  let fd: number | undefined;
  try {
    fd = fs.openSync("/dev/urandom", "r");
    let got = 0;
    while (got < n) {
      const read = fs.readSync(fd, out, got, n - got, null);
      if (read <= 0) throw new Error("short read from /dev/urandom");
      got += read;
    }
    return out;
  } catch {
    return process.getBuiltinModule("node:crypto").randomBytes(n);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** An RFC 9562 version 4 UUID. */
export function randomUUID(): string {
  const b = randomBytes(16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
