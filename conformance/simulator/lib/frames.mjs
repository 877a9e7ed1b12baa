// FASPMGR 2 frames: encoding of outgoing events, tolerant parsing of incoming commands.

const ESC = "\x1b";
const PATH_FIELDS = new Set(["Source", "Destination", "File"]);
const MAX_LINE = 1 << 20;

export function escapePath(p) {
  return p.replace(/[\n\r\x1b]/g, (c) => (c === "\n" ? `${ESC}n` : c === "\r" ? `${ESC}r` : `${ESC}${ESC}`));
}

export function unescapePath(p) {
  return p.replace(/\x1b([nr\x1b])/g, (_, c) => (c === "n" ? "\n" : c === "r" ? "\r" : ESC));
}

// Type first, then the fields in the order given (real ascp writes emission order, not sorted).
// Undefined/null fields are left out; path fields are escaped.
export function encodeFrame(type, fields) {
  let out = `FASPMGR 2\nType: ${type}\n`;
  for (const name of Object.keys(fields)) {
    const v = fields[name];
    if (v === undefined || v === null) continue;
    const s = String(v);
    out += `${name}: ${PATH_FIELDS.has(name) ? escapePath(s) : s.replace(/[\r\n]/g, " ")}\n`;
  }
  return `${out}\n`;
}

// Incremental parser: feed text chunks, get complete frames back. Rules of docs/protocol.md §7.2:
// name up to the first colon, at most one space stripped; a header inside a frame drops the
// unfinished one; lines outside frames and body lines without colon are reported as junk.
export class FrameParser {
  constructor() {
    this.buf = "";
    this.current = null;
  }

  feed(chunk) {
    this.buf += chunk;
    const frames = [];
    const junk = [];
    let nl;
    while ((nl = this.buf.indexOf("\n")) !== -1) {
      let line = this.buf.slice(0, nl);
      this.buf = this.buf.slice(nl + 1);
      const rawLine = `${line}\n`;
      if (line.endsWith("\r")) line = line.slice(0, -1);
      if (/^FASPMGR ?\d+$/.test(line)) {
        if (this.current) junk.push({ reason: "frame cut by a new header", raw: this.current.raw });
        this.current = { fields: {}, raw: rawLine, bad: null };
        continue;
      }
      if (!this.current) {
        if (line !== "") junk.push({ reason: "line outside a frame", raw: rawLine });
        continue;
      }
      this.current.raw += rawLine;
      if (line === "") {
        const f = this.current;
        this.current = null;
        if (f.bad) junk.push({ reason: f.bad, raw: f.raw });
        else if (!f.fields.Type) junk.push({ reason: "frame without Type", raw: f.raw });
        else frames.push({ frame: f.fields, raw: f.raw });
        continue;
      }
      const colon = line.indexOf(":");
      if (colon <= 0) {
        this.current.bad = `body line without a field name: ${JSON.stringify(line)}`;
        continue;
      }
      const name = line.slice(0, colon);
      let value = line.slice(colon + 1);
      if (value.startsWith(" ")) value = value.slice(1);
      this.current.fields[name] = PATH_FIELDS.has(name) ? unescapePath(value) : value;
    }
    // A peer that never sends a newline must not grow the buffer without bound.
    if (this.buf.length > MAX_LINE) {
      junk.push({ reason: `line longer than ${MAX_LINE} characters`, raw: `${this.buf.slice(0, 200)}…` });
      this.buf = "";
      if (this.current) this.current.bad = "line too long";
    }
    return { frames, junk };
  }
}
