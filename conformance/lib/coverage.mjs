// --coverage: every transfer-spec key that reaches ascp (an x-ascp annotation in
// schema/transfer-spec.schema.json) must be used by at least one case that checks what ascp saw.
import { existsSync, readFileSync } from "node:fs";

// A case "checks what ascp saw" when it has argv, env or record expectations.
const CHECKS = ["argv", "env_names", "records", "record_count", "secrets_not_in", "frames_received"];

export function mappedKeys(schema) {
  const props = schema.properties ?? {};
  return Object.entries(props)
    .filter(([, p]) => p && typeof p === "object" && p["x-ascp"] !== undefined && !isIgnored(p["x-ascp"]))
    .map(([k]) => k)
    .sort();
}

// {ignore: agent} marks keys that only other agents use: they never reach ascp.
function isIgnored(ann) {
  return ann === null || typeof ann !== "object" || ann.ignore !== undefined;
}

export function coverage(cases, schemaFile) {
  if (!existsSync(schemaFile)) {
    process.stderr.write(`coverage: ${schemaFile} does not exist yet\n`);
    return false;
  }
  const keys = mappedKeys(JSON.parse(readFileSync(schemaFile, "utf8")));
  const covered = new Map(keys.map((k) => [k, []]));
  for (const c of cases) {
    const ts = c.data.session?.spec;
    const expect = c.data.expect ?? {};
    if (!ts || typeof ts !== "object" || !CHECKS.some((k) => expect[k] !== undefined)) continue;
    for (const k of Object.keys(ts)) covered.get(k)?.push(c.name);
  }
  const missing = keys.filter((k) => covered.get(k).length === 0);
  for (const k of keys) process.stdout.write(`${covered.get(k).length ? "covered " : "MISSING "} ${k}${covered.get(k).length ? `  (${covered.get(k).slice(0, 3).join(", ")})` : ""}\n`);
  process.stdout.write(`${keys.length - missing.length} of ${keys.length} mapped transfer-spec keys covered${missing.length ? `; missing: ${missing.join(", ")}` : ""}\n`);
  return missing.length === 0;
}
