// Secret masking: the one point every byte the engine writes goes through (NDJSON lines in ndjson-writer.ts,
// log lines in log.ts). The secrets are the values of the transfer spec keys the schema annotates as secret
// (x-ascp {secret: true}, see plan/ascp-map.ts) and a password inside spec.proxy.
//
// A secret can come back in several spellings: as is, JSON-escaped (ascp or a Node message quoting JSON), as
// util.inspect prints it (Node's own error messages: 'a\x00b'), one line at a time (a PEM key in stderr lines).
// Each spelling is masked. A secret of fewer than MIN_SUBSTRING characters is masked only where it stands as a
// token of its own: masking every "ab" inside every path and message would destroy the output, not protect it.
import { inspect } from "node:util";
import { SECRET_KEYS } from "./plan/ascp-map.js";

export const MASK = "***";
/** Shorter secrets are masked as whole tokens only (see above). */
export const MIN_SUBSTRING = 4;
/** Event fields whose values are the protocol's own words (an event type, a status): never masked. */
const PROTOCOL_FIELDS = new Set(["type", "status"]);

/** The secret values of a parsed session spec (before or after validation: only strings are taken). */
export function secretValues(session: unknown): string[] {
  const spec = isObject(session) && isObject(session.spec) ? session.spec : {};
  const out: string[] = [];
  for (const key of SECRET_KEYS) {
    const value = Object.hasOwn(spec, key) ? spec[key] : undefined;
    if (typeof value !== "string" || value === "") continue;
    if (key === "proxy") out.push(...proxyPassword(value));
    else out.push(value);
  }
  return out;
}

/** The password of a proxy URL, as written (percent-encoded) and decoded; none when the URL has none. */
function proxyPassword(raw: string): string[] {
  let password: string;
  try {
    password = new URL(raw).password;
  } catch {
    // Not a URL: the planner rejects it; until then the whole text is the only safe guess.
    return [raw];
  }
  if (password === "") return [];
  let decoded = password;
  try {
    decoded = decodeURIComponent(password);
  } catch {
    // Malformed escapes: the raw form is what would be printed.
  }
  return decoded === password ? [password] : [password, decoded];
}

/** Every spelling of a secret that may be printed back (see the header), longest first. */
export function secretForms(secret: string): string[] {
  const forms = new Set<string>([secret, JSON.stringify(secret).slice(1, -1), inspect(secret).slice(1, -1)]);
  const lines = secret.split(/\r?\n|\r/);
  if (lines.length > 1) for (const line of lines) if (line.trim().length >= MIN_SUBSTRING) forms.add(line);
  return [...forms].filter((f) => f !== "").sort((a, b) => b.length - a.length);
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export class Redactor {
  /** Spellings masked wherever they occur. */
  private long: string[] = [];
  /** Same, as they look inside a JSON string (for the fast test on a serialized line), and as UTF-8 bytes. */
  private longInJson: string[] = [];
  private longInJsonBytes: Buffer[] = [];
  /** Short spellings, masked as whole tokens. */
  private short: RegExp | null = null;
  private shortForms: string[] = [];

  get empty(): boolean {
    return this.long.length === 0 && this.short === null;
  }

  add(secret: string): void {
    for (const form of secretForms(secret)) {
      if (form.length >= MIN_SUBSTRING) {
        if (this.long.includes(form)) continue;
        this.long.push(form);
        this.longInJson.push(JSON.stringify(form).slice(1, -1));
      } else if (!this.shortForms.includes(form)) this.shortForms.push(form);
    }
    // Longest first, so a secret that contains another is masked whole.
    this.long.sort((a, b) => b.length - a.length);
    this.longInJson.sort((a, b) => b.length - a.length);
    this.longInJsonBytes = this.longInJson.map((form) => Buffer.from(form));
    if (this.shortForms.length > 0) {
      const alternatives = [...this.shortForms].sort((a, b) => b.length - a.length).map(escapeRegExp).join("|");
      this.short = new RegExp(`(?<![\\p{L}\\p{N}_])(?:${alternatives})(?![\\p{L}\\p{N}_])`, "gu");
    }
  }

  /** Free text (a log line, a message): every spelling masked. */
  text(text: string): string {
    let out = text;
    // Masking can join pieces into a new occurrence ("**" + "***x" + "x" → "*****x"): again until none is left.
    // Each pass shortens the text (a spelling here is longer than the mask), so this ends.
    for (let again = true; again; ) {
      again = false;
      for (const form of this.long) {
        if (!out.includes(form)) continue;
        out = out.split(form).join(MASK);
        again = true;
      }
    }
    if (this.short) out = out.replace(this.short, MASK);
    return out;
  }

  /**
   * One serialized NDJSON line (without its newline). Fast when no secret is in it (a substring test per
   * spelling); otherwise the line is parsed and every string value masked, so the line stays valid JSON.
   */
  line(json: string): string {
    if (this.empty || !this.mayHold(json)) return json;
    return JSON.stringify(this.value(JSON.parse(json) as unknown, ""));
  }

  /**
   * line() for a serialized line given as UTF-8 bytes buf[start, end) (written straight from an ascp frame's bytes):
   * the masked text when a secret may be in it, null when the bytes can go out as they are. The long spellings are
   * looked for in the bytes themselves (no string per line); short ones need the text.
   */
  lineBytes(buf: Buffer, start: number, end: number): string | null {
    if (this.empty) return null;
    const bytes = buf.subarray(start, end);
    const may = this.longInJsonBytes.some((form) => bytes.includes(form));
    if (!may && this.short === null) return null;
    const json = bytes.toString("utf8");
    return may || this.mayHold(json) ? this.line(json) : null;
  }

  private mayHold(json: string): boolean {
    for (const form of this.longInJson) if (json.includes(form)) return true;
    if (this.short === null) return false;
    this.short.lastIndex = 0;
    // The JSON escapes of a short secret are found by the token test on the unescaped values in value().
    return this.short.test(json) || this.shortForms.some((f) => json.includes(JSON.stringify(f).slice(1, -1)));
  }

  private value(v: unknown, key: string): unknown {
    if (typeof v === "string") return PROTOCOL_FIELDS.has(key) ? v : this.text(v);
    if (Array.isArray(v)) return v.map((x) => this.value(x, ""));
    if (isObject(v)) {
      // fromEntries defines own properties: a key named __proto__ stays a key.
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, this.value(x, k)]));
    }
    return v;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
