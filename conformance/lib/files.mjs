// Deterministic file contents for case set-up, and file checks.
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync, readFileSync, existsSync, statSync } from "node:fs";
import { dirname } from "node:path";

// Bytes are SHA-256 of "<seed>:<block index>" chained together: the same seed and size always
// give the same file, on every platform, without shipping data files.
export function seededBytes(seed, size) {
  const out = Buffer.allocUnsafe(size);
  let off = 0;
  for (let block = 0; off < size; block++) {
    const digest = createHash("sha256").update(`${seed}:${block}`).digest();
    off += digest.copy(out, off, 0, Math.min(digest.length, size - off));
  }
  return out;
}

export function sha256(buf) {
  return createHash("sha256").update(buf).digest("hex");
}

// entry: { size, seed? } | { content } | { dir: true }
export function materialize(path, entry, defaultSeed) {
  if (entry.dir) {
    mkdirSync(path, { recursive: true });
    return;
  }
  mkdirSync(dirname(path), { recursive: true });
  const data = entry.content !== undefined ? Buffer.from(entry.content, "utf8") : seededBytes(entry.seed ?? `${defaultSeed}:${path}`, entry.size);
  writeFileSync(path, data, entry.mode !== undefined ? { mode: parseInt(entry.mode, 8) } : undefined);
}

// Returns null when the file at `path` meets `expect`, else the reason.
export function checkFile(path, expect, resolve) {
  const exists = existsSync(path);
  if (expect.absent) return exists ? `${path}: expected absent, but it exists` : null;
  if (!exists) return `${path}: missing`;
  if (expect.dir) return statSync(path).isDirectory() ? null : `${path}: expected a directory`;
  const data = readFileSync(path);
  if (expect.size !== undefined && data.length !== expect.size) return `${path}: size ${data.length}, expected ${expect.size}`;
  if (expect.sha256 !== undefined && sha256(data) !== expect.sha256) {
    return `${path}: sha256 ${sha256(data)}, expected ${expect.sha256}`;
  }
  if (expect.content !== undefined && data.toString("utf8") !== expect.content) {
    return `${path}: content ${JSON.stringify(data.toString("utf8").slice(0, 200))}, expected ${JSON.stringify(expect.content)}`;
  }
  if (expect.same_as !== undefined) {
    const other = resolve(expect.same_as);
    if (!existsSync(other)) return `${path}: reference file ${other} is missing`;
    const ref = readFileSync(other);
    if (!ref.equals(data)) return `${path}: differs from ${other} (${data.length} vs ${ref.length} bytes)`;
  }
  return null;
}
