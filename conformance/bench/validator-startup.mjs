#!/usr/bin/env node
// Why src/validate.ts uses pre-compiled (ajv standalone) validators: time from a fresh process to the first
// validated session spec, standalone module vs compiling schema/ at run time. Median of N runs each.
// Usage: npm run build && node conformance/bench/validator-startup.mjs [runs]
import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const runs = Number(process.argv[2] ?? 9);
const spec = JSON.stringify({ spec: { direction: "send", remote_host: "h", paths: [{ source: "a" }] } });

const standalone = `
const t0 = performance.now();
const v = await import(${JSON.stringify(pathToFileURL(path.join(root, "dist/validate.js")).href)});
const ok = v.validateSessionSpec(${spec}).ok;
console.log(performance.now() - t0, ok);`;

const compiled = `
const t0 = performance.now();
const { default: Ajv2020 } = await import(${JSON.stringify(pathToFileURL(path.join(root, "node_modules/ajv/dist/2020.js")).href)});
const fs = await import("node:fs");
const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true });
ajv.addVocabulary(["x-ascp", "x-native", "x-value", "x-event-types"]);
for (const f of ["session-spec", "transfer-spec", "agent-options", "commands"]) ajv.addSchema(JSON.parse(fs.readFileSync(${JSON.stringify(path.join(root, "schema"))} + "/" + f + ".schema.json", "utf8")));
const ok = ajv.getSchema("https://asession.dev/schema/session-spec.schema.json")(${spec});
for (const d of ["StartCommand", "RateCommand", "DoneCommand", "CancelCommand"]) ajv.getSchema("https://asession.dev/schema/commands.schema.json#/$defs/" + d);
console.log(performance.now() - t0, ok);`;

function median(code) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const [ms, ok] = execFileSync(process.execPath, ["--input-type=module", "-e", code], { encoding: "utf8" }).trim().split(" ");
    if (ok !== "true") throw new Error("the reference spec did not validate");
    times.push(Number(ms));
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const a = median(standalone);
const b = median(compiled);
console.log(`| validators | ms to first validated spec (median of ${runs}) |\n|---|---:|`);
console.log(`| standalone (pre-compiled, used) | ${a.toFixed(1)} |\n| compiled at start | ${b.toFixed(1)} |`);
console.log(`compiled / standalone: ${(b / a).toFixed(1)}x`);
