// Normalization of a parsed session spec, between intake and validation: what other tools write for the
// same transfer is rewritten to asession's spelling, so specs from aspera-cli, the Node API, the Transfer
// SDK and Connect run with one meaning. Pure; driven by the x-aliases annotations of the transfer spec schema.
//   - a spec key whose value is null is absent (aspera-cli skips nil values; Node API specs carry many),
//     and so is a null source or destination of a paths item;
//   - an empty source_root is no prefix (aspera-cli drops it);
//   - an alias key (preserve_xattrs) becomes its canonical key (preserve_extended_attrs), an alias value
//     (cipher "aes128") the canonical value ("aes-128"); one debug note each;
//   - an alias that disagrees with its canonical key (or another alias of it) is an error, never a guess.
// Anything else is left as given for the validator to judge.
import { transferSpecMap, type KeyAliases } from "./plan/ascp-map.js";

export type Normalized = { ok: true; value: unknown; notes: string[] } | { ok: false; errors: string[] };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** How a value is shown in a message: short, and only for the non-secret scalars that aliases concern. */
const show = (v: unknown): string => (typeof v === "string" ? JSON.stringify(v.length > 40 ? `${v.slice(0, 37)}...` : v) : typeof v === "number" || typeof v === "boolean" ? String(v) : `a ${Array.isArray(v) ? "array" : typeof v}`);

const sameValue = (a: unknown, b: unknown): boolean => a === b || JSON.stringify(a) === JSON.stringify(b);

/** A paths item without its null keys (destination: null is no destination); the same object when it has none. */
function withoutNulls(item: unknown): unknown {
  // Only the item's two keys are looked at (any other key is refused by validation anyway): this runs once
  // per path, and a spec may hold a million.
  if (!isObject(item) || (item.source !== null && item.destination !== null)) return item;
  // fromEntries defines own properties, so a "__proto__" key stays a plain key.
  return Object.fromEntries(Object.entries(item).filter(([, v]) => v !== null));
}

/** The paths array with null item keys removed; the same array when there are none. */
function pathsWithoutNulls(paths: unknown[]): unknown[] {
  let out: unknown[] | undefined;
  for (let i = 0; i < paths.length; i++) {
    const item = withoutNulls(paths[i]);
    if (item === paths[i]) continue;
    out ??= paths.slice();
    out[i] = item;
  }
  return out ?? paths;
}

export function normalizeTransferSpec(
  spec: Record<string, unknown>,
  aliases: Readonly<Record<string, KeyAliases>> = transferSpecMap.aliases,
): { ok: true; spec: Record<string, unknown>; notes: string[] } | { ok: false; errors: string[] } {
  const notes: string[] = [];
  const errors: string[] = [];
  const nulls = Object.keys(spec).filter((k) => spec[k] === null);
  if (nulls.length) notes.push(`spec keys with a null value are treated as absent: ${nulls.join(", ")}`);
  let entries = Object.entries(spec).filter(([, v]) => v !== null);
  entries = entries.filter(([k, v]) => {
    if (k !== "source_root" || v !== "") return true;
    notes.push("spec.source_root is empty: no source prefix");
    return false;
  });
  entries = entries.map(([k, v]) => {
    if (k !== "paths" || !Array.isArray(v)) return [k, v];
    const items = pathsWithoutNulls(v);
    if (items !== v) notes.push("spec.paths: item keys with a null value are treated as absent");
    return [k, items];
  });
  const out = Object.fromEntries(entries);

  const canonicalValue = (key: string, raw: unknown, from: string): unknown => {
    const to = typeof raw === "string" ? aliases[key]?.values[raw] : undefined;
    if (to === undefined) return raw;
    notes.push(`${from} ${show(raw)} is read as ${show(to)}`);
    return to;
  };
  for (const [key, a] of Object.entries(aliases)) {
    // Where the canonical value came from, for a conflict message.
    let source = key in out ? `spec.${key}` : undefined;
    if (key in out) out[key] = canonicalValue(key, out[key], `spec.${key}`);
    for (const alias of a.keys) {
      if (!(alias in out)) continue;
      const value = canonicalValue(key, out[alias], `spec.${alias}`);
      delete out[alias];
      if (source !== undefined) {
        if (!sameValue(out[key], value)) {
          errors.push(`spec.${alias} (${show(value)}) and ${source} (${show(out[key])}) are two spellings of spec.${key} with different values: give one`);
        }
        continue;
      }
      notes.push(`spec.${alias} is read as spec.${key} (another spelling of it)`);
      out[key] = value;
      source = `spec.${alias}`;
    }
  }
  return errors.length ? { ok: false, errors } : { ok: true, spec: out, notes };
}

/** The session spec with its transfer spec normalized; anything that is not an object is left to validation. */
export function normalizeSessionSpec(session: unknown): Normalized {
  if (!isObject(session) || !isObject(session.spec)) return { ok: true, value: session, notes: [] };
  const result = normalizeTransferSpec(session.spec);
  if (!result.ok) return result;
  return { ok: true, value: { ...session, spec: result.spec }, notes: result.notes };
}
