// What JSON input must not hold even when it parses: nesting deeper than MAX_JSON_DEPTH (recursive walks after
// parsing — validation, JSON.stringify of an error — would overflow the stack), a number too large for a double
// (JSON.parse makes 1e400 Infinity, which later prints as null), and strings that cannot be passed on unchanged
// (a NUL cuts an argv item, a file list line or a frame; a lone UTF-16 surrogate becomes U+FFFD in UTF-8).
// Input with any of these is rejected with a message that names where, never cut or replaced. Pure.
import { MAX_JSON_DEPTH } from "./limits.js";

export interface TextProblem {
  /** UTF-16 offset in the JSON text. */
  position: number;
  message: string;
}

/** Scans a JSON text that JSON.parse accepted for nesting deeper than maxDepth and numbers that overflow a double. */
export function checkJsonText(text: string, maxDepth = MAX_JSON_DEPTH): TextProblem | null {
  let depth = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      i = stringEnd(text, i);
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > maxDepth) return { position: i, message: `nested deeper than ${maxDepth} levels` };
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      let j = i + 1;
      while (j < n && isNumberChar(text.charCodeAt(j))) j++;
      const token = text.slice(i, j);
      // Only an exponent or a very long literal can overflow.
      if ((token.length > 300 || /[eE]/.test(token)) && !Number.isFinite(Number(token))) {
        const shown = token.length > 40 ? `${token.slice(0, 37)}...` : token;
        return { position: i, message: `the number ${shown} is too large for a double-precision number` };
      }
      i = j - 1;
    }
  }
  return null;
}

/** Index of the closing quote of the string that opens at `open`. */
function stringEnd(text: string, open: number): number {
  let at = open;
  for (;;) {
    at = text.indexOf('"', at + 1);
    if (at < 0) return text.length;
    let backslashes = 0;
    while (text.charCodeAt(at - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return at;
  }
}

function isNumberChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === 0x2d;
}

// String.prototype.isWellFormed is in Node 20 but not in TypeScript's ES2022 lib.
/** Why a string cannot be passed on unchanged, or null. */
export function textProblem(s: string): string | null {
  if (s.indexOf("\0") >= 0) return "a NUL character (U+0000), which ascp would take as the end of the value";
  if (!(s as unknown as { isWellFormed(): boolean }).isWellFormed()) return "a lone UTF-16 surrogate, which UTF-8 cannot encode";
  return null;
}

/**
 * Whether a JSON text may hold such a string. In valid JSON text decoded from valid UTF-8, a NUL or a lone surrogate
 * can only come from a \\u escape (raw control characters are not allowed in strings): texts without one need no
 * walk. May say yes wrongly (an escaped backslash before "u0000"); the walk then finds nothing.
 */
export function mayHoldUnsendable(text: string): boolean {
  return /\\u(?:0000|[dD][89a-fA-F])/.test(text);
}

/**
 * The first string (value or key) in a parsed JSON value that cannot be passed on unchanged, as
 * "<path> contains <why>"; the value itself is never quoted (it may be a secret). Iterative, so any depth; the
 * path is only spelled out for the string found (a spec of a million paths is walked without building one).
 */
export function findUnsendableText(value: unknown, root: string): string | null {
  // Depth-first, with three parallel stacks (no object per node); trail holds the keys from the root down.
  const values: unknown[] = [value];
  const keys: (string | number)[] = [""];
  const depths: number[] = [0];
  const trail: (string | number)[] = [];
  const pathTo = () => trail.reduce<string>((p, k) => (typeof k === "number" ? `${p}[${k}]` : memberPath(p, k)), root);
  while (values.length > 0) {
    const v = values.pop();
    const key = keys.pop()!;
    const depth = depths.pop()!;
    trail.length = Math.max(0, depth - 1);
    if (depth > 0) trail.push(key);
    if (typeof v === "string") {
      const why = textProblem(v);
      if (why) return `${pathTo()} contains ${why}`;
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) {
        values.push(v[i]);
        keys.push(i);
        depths.push(depth + 1);
      }
    } else if (typeof v === "object" && v !== null) {
      const own = Object.keys(v);
      for (let i = own.length - 1; i >= 0; i--) {
        const k = own[i]!;
        const why = textProblem(k);
        if (why) return `a key of ${pathTo() || "(root)"} contains ${why}`;
        values.push((v as Record<string, unknown>)[k]);
        keys.push(k);
        depths.push(depth + 1);
      }
    }
  }
  return null;
}

function memberPath(path: string, key: string): string {
  const member = /^[A-Za-z_][\w-]*$/.test(key) ? key : JSON.stringify(key);
  if (path === "") return member;
  return member.startsWith('"') ? `${path}[${member}]` : `${path}.${member}`;
}
