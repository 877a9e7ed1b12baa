// Scans of frame bytes four at a time, with bit tricks on 32-bit words of a view over the same memory: cheaper
// than a JS loop per byte or a native call per line, and without the per-chunk string that V8's own search needs
// (at a blast's rate, that garbage alone grows the young generation by tens of MB).
let viewOf: Buffer | null = null;
let words: Int32Array<ArrayBufferLike> = new Int32Array(0);
// Index in viewOf of words[0]'s first byte (words are aligned on 4 in memory).
let wordsAt = 0;
const NO_WORDS = new Int32Array(0);

function view(bytes: Buffer): void {
  if (bytes === viewOf) return;
  viewOf = bytes;
  wordsAt = (4 - (bytes.byteOffset & 3)) & 3;
  const n = Math.max(0, (bytes.length - wordsAt) >> 2);
  // No word at all (a chunk of a few bytes): no view either, since its start could lie past the end of the memory.
  words = n === 0 ? NO_WORDS : new Int32Array(bytes.buffer, bytes.byteOffset + wordsAt, n);
}

// A byte of x is 0 exactly when this has its high bit set, for some byte (exact about "some").
const hasZero = (x: number): number => (x - 0x01010101) & ~x & 0x80808080;

/** Index of the first LF in bytes[from, end), -1 if none. */
export function indexOfLF(bytes: Buffer, from: number, end: number): number {
  view(bytes);
  let i = from;
  for (; i < end && ((i - wordsAt) & 3) !== 0; i++) if (bytes[i] === 0x0a) return i;
  for (; i + 4 <= end; i += 4) if (hasZero(words[(i - wordsAt) >> 2]! ^ 0x0a0a0a0a) !== 0) break;
  for (; i < end; i++) if (bytes[i] === 0x0a) return i;
  return -1;
}

/** Whether bytes[start, end) is all ASCII with no control character, '"' or '\\': what JSON copies as is. */
export function isPlainAscii(bytes: Buffer, start: number, end: number): boolean {
  view(bytes);
  let i = start;
  for (; i < end && ((i - wordsAt) & 3) !== 0; i++) if (!plainByte(bytes[i]!)) return false;
  for (; i + 4 <= end; i += 4) {
    const x = words[(i - wordsAt) >> 2]!;
    // A byte below 0x20 (exact where x has no high bit: the high bit is checked too).
    const low = ~((x | 0x80808080) - 0x20202020) & 0x80808080;
    if ((x & 0x80808080) | low | hasZero(x ^ 0x22222222) | hasZero(x ^ 0x5c5c5c5c)) return false;
  }
  for (; i < end; i++) if (!plainByte(bytes[i]!)) return false;
  return true;
}

const plainByte = (b: number): boolean => b >= 0x20 && b < 0x80 && b !== 0x22 && b !== 0x5c;
