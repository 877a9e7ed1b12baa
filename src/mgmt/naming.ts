import { EVENT_FIELDS } from "../generated/fields.js";

const isLower = (c: number): boolean => c >= 0x61 && c <= 0x7a;
const isUpper = (c: number): boolean => c >= 0x41 && c <= 0x5a;
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

/**
 * The snake_case rule of docs/protocol.md §3, without the dictionary: `_` between a lower-case letter or digit and a
 * capital, then between a run of capitals and a capital followed by a lower-case letter, then lower-case.
 * Both insertions look only at the original neighbours, so one pass gives the same result as two.
 */
export function snakeCaseRule(native: string): string {
  let out = "";
  let from = 0;
  for (let i = 1; i < native.length; i++) {
    const c = native.charCodeAt(i);
    if (!isUpper(c)) continue;
    const prev = native.charCodeAt(i - 1);
    const split =
      isLower(prev) || isDigit(prev) || (isUpper(prev) && i + 1 < native.length && isLower(native.charCodeAt(i + 1)));
    if (split) {
      out += native.slice(from, i) + "_";
      from = i;
    }
  }
  return (out + native.slice(from)).toLowerCase();
}

/** JSON name of a native field: the dictionary's name (which holds the exceptions), else the rule. */
export function jsonName(native: string): string {
  return EVENT_FIELDS.get(native)?.json ?? snakeCaseRule(native);
}
