// Property: any session spec that gets through normalization and validation plans (or is refused with a
// PlanError) an argv that holds no secret and no path ascp could read as an option. Specs are drawn from
// the transfer spec schema itself, every key, alias keys and nulls included, so a new key is tested too.
import fs from "node:fs";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { transferSpecMap, SECRET_KEYS } from "./ascp-map.js";
import { maskedCommandLine, planTransfer, PlanError, sessionArgvWithOrigins, type Plan } from "./plan.js";
import { normalizeSessionSpec } from "../normalize.js";
import { validateSessionSpec } from "../validate.js";

type Prop = { type?: string; enum?: unknown[]; minimum?: number; maximum?: number; anyOf?: Prop[]; items?: Prop; pattern?: string };
const schema = JSON.parse(fs.readFileSync(new URL("../../schema/transfer-spec.schema.json", import.meta.url), "utf8")) as { properties: Record<string, Prop> };

const MARK = "S3CR3T";
const secret = fc.stringMatching(/^[A-Za-z0-9]{6,10}$/).map((s) => `${MARK}${s}`);
// Text that tries hard to look like options: leading dashes, spaces, unicode, "=".
const text = fc.tuple(fc.constantFrom("", "-", "--", "-rf ", "./-", "/"), fc.string({ unit: "grapheme", maxLength: 8 })).map(([a, b]) => `${a}${b}`);
const path = text.filter((s) => s.length > 0);

function arbitraryFor(key: string, p: Prop): fc.Arbitrary<unknown> {
  if (SECRET_KEYS.has(key)) return key === "proxy" ? secret.map((s) => `dnat://u:${s}@px:9091`) : secret;
  if (key === "paths") {
    const items = (destination: boolean) => fc.array(destination ? fc.record({ source: path, destination: path }) : fc.record({ source: path }), { minLength: 1, maxLength: 4 });
    return fc.oneof(items(false), items(true));
  }
  if (key === "tags") return fc.record({ aspera: fc.option(fc.record({ xfer_id: fc.option(text, { nil: undefined }) }), { nil: undefined }), app: text }, { requiredKeys: [] });
  if (p.enum) return fc.constantFrom(...p.enum);
  if (p.anyOf) return fc.oneof(...p.anyOf.map((b) => arbitraryFor(key, b)));
  switch (p.type) {
    case "boolean":
      return fc.boolean();
    case "integer":
      return fc.integer({ min: p.minimum ?? -100000, max: Math.min(p.maximum ?? 100000, key === "multi_session" ? 3 : 100000) });
    case "string":
      return p.pattern ? fc.integer({ min: -100000, max: 100000 }).map(String) : text;
    case "array":
      return fc.array(text, { maxLength: 3 });
    default:
      return fc.dictionary(fc.string({ maxLength: 4 }), text, { maxKeys: 2 });
  }
}

const aliasKeys = Object.entries(transferSpecMap.aliases).flatMap(([key, a]) => a.keys.map((alias) => [alias, key] as const));
// Pairs of keys that give one option (src_base/src_base64): both at once is a PlanError, so keep one mostly.
const exclusive = transferSpecMap.keys.flatMap((k) => {
  const m = transferSpecMap.mappings[k];
  return m?.kind === "option" && m.excludes ? [[k, m.excludes] as const] : [];
});
const specArb = fc
  .tuple(
    fc.record(
      Object.fromEntries(Object.entries(schema.properties).map(([key, p]) => [key, fc.oneof({ weight: 1, arbitrary: fc.constant(null) }, { weight: 6, arbitrary: arbitraryFor(key, p) })])),
      { requiredKeys: [] },
    ),
    // At most one key written in another spelling (its canonical key then absent: both would be a conflict).
    fc.option(fc.constantFrom(...aliasKeys), { nil: undefined }),
    fc.boolean(),
  )
  .map(([spec, alias, keepBoth]) => {
    const out: Record<string, unknown> = { ...spec };
    if (alias && alias[1] in out) {
      out[alias[0]] = out[alias[1]];
      delete out[alias[1]];
    }
    // Mostly one key of each exclusive pair, and mostly no keepalive (it takes no paths).
    if (!keepBoth) for (const [k] of exclusive) delete out[k];
    if (!keepBoth) delete out.keepalive;
    delete out.use_ascp4;
    return out;
  });
const agentArb = fc.record(
  { file_list: fc.boolean(), multi_incr_udp: fc.boolean(), wss: fc.boolean(), quiet: fc.boolean() },
  { requiredKeys: [] },
);

/** Every value in the spec that is a secret: the marked strings, wherever they are. */
const secretsIn = (v: unknown): string[] =>
  typeof v === "string" ? [...v.matchAll(new RegExp(`${MARK}[A-Za-z0-9]+`, "g"))].map((m) => m[0]) : v && typeof v === "object" ? Object.values(v).flatMap(secretsIn) : [];

describe("any spec that validates", () => {
  it("plans an argv with no secret and no path that ascp could take for an option", () => {
    let planned = 0;
    fc.assert(
      fc.property(specArb, agentArb, fc.constantFrom("send", "receive"), (spec, agent, direction) => {
        const normalized = normalizeSessionSpec({ spec: { ...spec, direction, remote_host: "h" }, agent });
        if (!normalized.ok) return;
        const valid = validateSessionSpec(normalized.value);
        if (!valid.ok) return;
        let p: Plan;
        try {
          p = planTransfer(valid.value as never, { xferId: "x", platform: "linux" });
        } catch (e) {
          if (e instanceof PlanError) return;
          throw e;
        }
        planned++;
        const secrets = secretsIn(spec);
        for (let index = 1; index <= p.sessionCount; index++) {
          const { argv, origins } = sessionArgvWithOrigins(p, { index, mgmtPort: 1, userStr: "n", fileListPath: "/list" });
          for (const s of secrets) {
            expect(argv.some((a) => a.includes(s))).toBe(false);
            expect(maskedCommandLine("/ascp", argv, p)).not.toContain(s);
          }
          // Paths reach argv only as sources or the destination (both positional): none may start with "-".
          argv.forEach((a, i) => {
            const positional = (origins[i] === "spec.paths" && !a.startsWith("--file-") && argv[i - 1] !== "--file-list" && argv[i - 1] !== "--file-pair-list") || i === argv.length - 1;
            if (positional) expect(a.startsWith("-"), `${a} (${origins[i]})`).toBe(false);
          });
        }
      }),
      { numRuns: 400 },
    );
    // The property means nothing if no spec got through.
    expect(planned).toBeGreaterThan(50);
  });
});
