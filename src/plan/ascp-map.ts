// The x-ascp annotations of schema/transfer-spec.schema.json, read once and checked, so the planner is
// driven by the schema alone. A malformed annotation fails at load time, not in the middle of a job.
import { transferSpecSchema } from "../generated/transfer-spec-schema.js";

export const SPECIALS = ["refuse_ascp4", "wss", "multi_session", "proxy", "fallback_port", "paths", "destination"] as const;
export type SpecialName = (typeof SPECIALS)[number];

export const IGNORE_LABELS = ["node", "connect", "transferd", "httpgw", "faspex", "ascp4", "server"] as const;
export type IgnoreLabel = (typeof IGNORE_LABELS)[number];

export type MapTarget = string | { switch: string };

export type AscpMapping =
  | { kind: "option"; option: string; map?: Record<string, MapTarget>; convert?: "base64" | "base64_json"; repeat?: boolean }
  | { kind: "switch"; switches: string[] }
  | { kind: "env"; env: string; secret: boolean; unless?: string }
  | { kind: "special"; special: SpecialName }
  | { kind: "ignore"; agent: IgnoreLabel };

export interface TransferSpecMap {
  /** Every key of the schema, in schema order (which is also argv order). */
  keys: string[];
  mappings: Record<string, AscpMapping>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === "string" && s.length > 0);

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
    checkFields(key, a, ["option", "map", "convert", "repeat"]);
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
    return m;
  }
  if (typeof a.switch === "string") {
    checkFields(key, a, ["switch"]);
    return { kind: "switch", switches: [a.switch] };
  }
  if (a.switches !== undefined) {
    checkFields(key, a, ["switches"]);
    if (!isStringArray(a.switches) || a.switches.length === 0) fail(key, "switches must be a non-empty string array");
    return { kind: "switch", switches: a.switches };
  }
  if (typeof a.env === "string") {
    checkFields(key, a, ["env", "secret", "unless"]);
    if (typeof a.secret !== "boolean") fail(key, "secret must be a boolean");
    const m: AscpMapping = { kind: "env", env: a.env, secret: a.secret };
    if (a.unless !== undefined) {
      if (typeof a.unless !== "string") fail(key, "unless must be a key name");
      m.unless = a.unless;
    }
    return m;
  }
  if (a.special !== undefined) {
    checkFields(key, a, ["special"]);
    if (!(SPECIALS as readonly unknown[]).includes(a.special)) fail(key, `special ${String(a.special)} has no handler`);
    return { kind: "special", special: a.special as SpecialName };
  }
  if (a.ignore !== undefined) {
    checkFields(key, a, ["ignore"]);
    if (!(IGNORE_LABELS as readonly unknown[]).includes(a.ignore)) fail(key, `ignore ${String(a.ignore)} is not one of ${IGNORE_LABELS.join(", ")}`);
    return { kind: "ignore", agent: a.ignore as IgnoreLabel };
  }
  fail(key, "has none of option, switch, switches, env, special, ignore");
}

export function parseTransferSpecSchema(schema: unknown): TransferSpecMap {
  if (!isObject(schema) || !isObject(schema.properties)) throw new Error("transfer-spec.schema.json: no properties");
  const keys = Object.keys(schema.properties);
  const mappings: Record<string, AscpMapping> = {};
  for (const key of keys) {
    const prop = schema.properties[key];
    mappings[key] = parseMapping(key, isObject(prop) ? prop["x-ascp"] : undefined);
  }
  for (const key of keys) {
    const m = mappings[key];
    if (m.kind === "env" && m.unless !== undefined && !keys.includes(m.unless)) fail(key, `unless names unknown key ${m.unless}`);
  }
  return { keys, mappings };
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
export const SECRET_KEYS: ReadonlySet<string> = new Set([
  ...Object.entries(transferSpecMap.mappings)
    .filter(([, m]) => m.kind === "env" && m.secret)
    .map(([k]) => k),
  "proxy",
]);
