// Path escaping of the management protocol (docs/protocol.md §7.3): the escape character is the ESC byte.
const ESC = "\x1b";

/** LF → ESC n, CR → ESC r, ESC → ESC ESC; everything else unchanged. */
export function escapePath(raw: string): string {
  if (raw.indexOf(ESC) < 0 && raw.indexOf("\n") < 0 && raw.indexOf("\r") < 0) return raw;
  let out = "";
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i];
    out += ch === "\n" ? "\x1bn" : ch === "\r" ? "\x1br" : ch === ESC ? "\x1b\x1b" : ch;
  }
  return out;
}

/** Inverse of escapePath; any other ESC + char pair, and a lone trailing ESC, are kept as they are. */
export function unescapePath(wire: string): string {
  let esc = wire.indexOf(ESC);
  if (esc < 0) return wire;
  let out = "";
  let from = 0;
  while (esc >= 0 && esc + 1 < wire.length) {
    const next = wire[esc + 1];
    const raw = next === "n" ? "\n" : next === "r" ? "\r" : next === ESC ? ESC : undefined;
    if (raw === undefined) {
      esc = wire.indexOf(ESC, esc + 1);
      continue;
    }
    out += wire.slice(from, esc) + raw;
    from = esc + 2;
    esc = wire.indexOf(ESC, from);
  }
  return out + wire.slice(from);
}
