// The x-ascp and x-aliases annotations of schema/transfer-spec.schema.json, read once and checked, so the
// planner and the normalizer are driven by the schema alone. A malformed annotation fails at load time, not in the middle of a job.
import { transferSpecSchema } from "../generated/transfer-spec-schema.js";
import { SECRET_SPEC_KEYS } from "../generated/facts.js";

export const SPECIALS = ["refuse_ascp4", "wss", "multi_session", "tags", "proxy", "fallback_port", "paths", "destination"] as const;
export type SpecialName = (typeof SPECIALS)[number];

export const IGNORE_LABELS = ["node", "connect", "transferd", "httpgw", "faspex", "ascp4", "server"] as const;
export type IgnoreLabel = (typeof IGNORE_LABELS)[number];

export type MapTarget = string | { switch: string };

export type AscpMapping =
  | {
      kind: "option";
      option: string;
      map?: Record<string, MapTarget>;
      convert?: "base64" | "base64_json";
      repeat?: boolean;
      /** Keys not applied when this one is given (safety: the reading that deletes less). */
      clears?: string[];
      /** A key that must not be given with this one. */
      excludes?: string;
    }
  | { kind: "switch"; switch: string; off?: string }
  | { kind: "implies"; implies: string[]; falseClears: string[] }
  | { kind: "env"; env: string; secret: boolean; winsWith?: string[] }
  | { kind: "special"; special: SpecialName }
  | { kind: "ignore"; agent: IgnoreLabel; applies?: string };

/** x-aliases of one canonical key: other spellings of the key, other spellings of its values. */
export interface KeyAliases {
  keys: string[];
  values: Record<string, string>;
}

export interface TransferSpecMap {
  /** Every key of the schema, in schema order (which is also argv order). */
  keys: string[];
  mappings: Record<string, AscpMapping>;
  /** Canonical key → its aliases, for the keys that have some. */
  aliases: Record<string, KeyAliases>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === "string" && s.length > 0);
const optionalStringArray = (key: string, field: string, v: unknown): string[] | undefined => {
  if (v === undefined) return undefined;
  if (!isStringArray(v) || v.length === 0) fail(key, `${field} must be a non-empty string array`);
  return v;
};

function fail(key: string, why: string): never {
  throw new Error(`transfer-spec.schema.json: properties.${key}.x-ascp ${why}`);
}

function checkFields(key: string, a: Record<string, unknown>, allowed: string[]): void {
  const extra = Object.keys(a).filter((k) => !allowed.includes(k));
  if (extra.length) fail(key, `has unexpected field(s) ${extra.join(", ")}`);
}

export function parseMapping(key: string, a: unknown): AscpMapping {
  if (!isObject(a)) fail(key, "is missing or not an object");
  if (typeof a.option === "string") {
    checkFields(key, a, ["option", "map", "convert", "repeat", "clears", "excludes"]);
    const m: AscpMapping = { kind: "option", option: a.option };
    if (a.map !== undefined) {
      if (!isObject(a.map)) fail(key, "map must be an object");
      for (const [from, to] of Object.entries(a.map)) {
        const ok = typeof to === "string" || (isObject(to) && typeof to.switch === "string" && Object.keys(to).length === 1);
        if (!ok) fail(key, `map.${from} must be a string or {switch}`);
      }
      m.map = a.map as Record<string, MapTarget>;
    }
    if (a.convert !== undefined) {
      if (a.convert !== "base64" && a.convert !== "base64_json") fail(key, `convert ${String(a.convert)} is unknown`);
      m.convert = a.convert;
    }
    if (a.repeat !== undefined) {
      if (typeof a.repeat !== "boolean") fail(key, "repeat must be a boolean");
      m.repeat = a.repeat;
    }
    const clears = optionalStringArray(key, "clears", a.clears);
    if (clears) m.clears = clears;
    if (a.excludes !== undefined) {
      if (typeof a.excludes !== "string") fail(key, "excludes must be a key name");
      m.excludes = a.excludes;
    }
    return m;
  }
  if (typeof a.switch === "string") {
    checkFields(key, a, ["switch", "off"]);
    if (a.off !== undefined && typeof a.off !== "string") fail(key, "off must be a string");
    return a.off === undefined ? { kind: "switch", switch: a.switch } : { kind: "switch", switch: a.switch, off: a.off as string };
  }
  if (a.implies !== undefined) {
    checkFields(key, a, ["implies", "false_clears"]);
    return { kind: "implies", implies: optionalStringArray(key, "implies", a.implies)!, falseClears: optionalStringArray(key, "false_clears", a.false_clears) ?? [] };
  }
  if (typeof a.env === "string") {
    checkFields(key, a, ["env", "secret", "wins_with"]);
    if (typeof a.secret !== "boolean") fail(key, "secret must be a boolean");
    const m: AscpMapping = { kind: "env", env: a.env, secret: a.secret };
    const winsWith = optionalStringArray(key, "wins_with", a.wins_with);
    if (winsWith) m.winsWith = winsWith;
    return m;
  }
  if (a.special !== undefined) {
    checkFields(key, a, ["special"]);
    if (!(SPECIALS as readonly unknown[]).includes(a.special)) fail(key, `special ${String(a.special)} has no handler`);
    return { kind: "special", special: a.special as SpecialName };
  }
  if (a.ignore !== undefined) {
    checkFields(key, a, ["ignore", "applies"]);
    if (!(IGNORE_LABELS as readonly unknown[]).includes(a.ignore)) fail(key, `ignore ${String(a.ignore)} is not one of ${IGNORE_LABELS.join(", ")}`);
    if (a.applies !== undefined && typeof a.applies !== "string") fail(key, "applies must be a string");
    return a.applies === undefined ? { kind: "ignore", agent: a.ignore as IgnoreLabel } : { kind: "ignore", agent: a.ignore as IgnoreLabel, applies: a.applies as string };
  }
  fail(key, "has none of option, switch, implies, env, special, ignore");
}

function parseAliases(key: string, a: unknown, prop: Record<string, unknown>): KeyAliases {
  const where = `transfer-spec.schema.json: properties.${key}.x-aliases`;
  if (!isObject(a)) throw new Error(`${where} must be an object`);
  const extra = Object.keys(a).filter((k) => k !== "keys" && k !== "values");
  if (extra.length) throw new Error(`${where} has unexpected field(s) ${extra.join(", ")}`);
  if (a.keys !== undefined && !isStringArray(a.keys)) throw new Error(`${where}.keys must be a string array`);
  const values = a.values ?? {};
  if (!isObject(values) || !Object.values(values).every((v) => typeof v === "string")) throw new Error(`${where}.values must map strings to strings`);
  // A value alias must lead to a value the key accepts, or normalizing would only move the error.
  const allowed = Array.isArray(prop.enum) ? prop.enum : undefined;
  for (const [from, to] of Object.entries(values)) {
    if (allowed && !allowed.includes(to)) throw new Error(`${where}.values.${from} leads to ${String(to)}, not one of the key's values`);
  }
  return { keys: (a.keys as string[] | undefined) ?? [], values: values as Record<string, string> };
}

export function parseTransferSpecSchema(schema: unknown): TransferSpecMap {
  if (!isObject(schema) || !isObject(schema.properties)) throw new Error("transfer-spec.schema.json: no properties");
  const keys = Object.keys(schema.properties);
  const mappings: Record<string, AscpMapping> = {};
  const aliases: Record<string, KeyAliases> = {};
  const aliasOwner = new Map<string, string>();
  for (const key of keys) {
    const prop = schema.properties[key];
    mappings[key] = parseMapping(key, isObject(prop) ? prop["x-ascp"] : undefined);
    if (isObject(prop) && prop["x-aliases"] !== undefined) {
      aliases[key] = parseAliases(key, prop["x-aliases"], prop);
      for (const alias of aliases[key].keys) {
        if (keys.includes(alias) || aliasOwner.has(alias)) throw new Error(`transfer-spec.schema.json: alias ${alias} of ${key} is already a key or an alias`);
        aliasOwner.set(alias, key);
      }
    }
  }
  const known = (key: string, field: string, names: string[]) => {
    for (const name of names) if (!keys.includes(name)) fail(key, `${field} names unknown key ${name}`);
  };
  for (const key of keys) {
    const m = mappings[key];
    if (m.kind === "env" && m.winsWith) known(key, "wins_with", m.winsWith);
    if (m.kind === "implies") known(key, "implies", [...m.implies, ...m.falseClears]);
    if (m.kind === "option") known(key, "clears/excludes", [...(m.clears ?? []), ...(m.excludes ? [m.excludes] : [])]);
  }
  return { keys, mappings, aliases };
}

// A generated module, not a file read: the one-file engine carries the schema inside.
export const transferSpecMap: TransferSpecMap = parseTransferSpecSchema(transferSpecSchema);

/** Every transfer spec key asession knows (mapped to ascp or ignored on purpose). */
export const KNOWN_KEYS: readonly string[] = transferSpecMap.keys;

/** Keys only other agents (or servers, for information) use, with who uses them: debug log, no warning. */
export const IGNORED_KEYS: Readonly<Record<string, IgnoreLabel>> = Object.fromEntries(
  transferSpecMap.keys.flatMap((k) => {
    const m = transferSpecMap.mappings[k];
    return m.kind === "ignore" ? [[k, m.agent]] : [];
  }),
);

/** Keys whose values are secrets (never echoed, not even in a validation message); proxy may hold a password. */
export const SECRET_KEYS: ReadonlySet<string> = new Set([...SECRET_SPEC_KEYS, "proxy"]);
