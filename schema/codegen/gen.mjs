#!/usr/bin/env node
// Regenerates every file derived from schema/: runs each schema/codegen/gen-*.mjs in name order.
// Each generator's default export gets { root, loadSchema, model } (model: the one language-neutral walk over
// schema/, see model.mjs) and returns [{ path, content }] (paths relative to the project root).
// `--check` writes nothing and exits 1 when a committed file differs from what the schemas give (CI drift check).
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { buildModel } from "./model.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const check = process.argv.includes("--check");

const loadSchema = (name) => JSON.parse(fs.readFileSync(path.join(root, "schema", name), "utf8"));
const model = buildModel(loadSchema);
// The engine bundle goes last: it is built from src/, including what the other generators write there.
const LAST = "gen-engine-copy.mjs";
const generators = fs.readdirSync(here).filter((f) => /^gen-.*\.mjs$/.test(f)).sort((a, b) => (a === LAST) - (b === LAST) || (a < b ? -1 : a > b ? 1 : 0));
const drift = [];
for (const file of generators) {
  const { default: generate } = await import(pathToFileURL(path.join(here, file)).href);
  for (const { path: rel, content } of await generate({ root, loadSchema, model })) {
    const target = path.join(root, rel);
    const current = fs.existsSync(target) ? fs.readFileSync(target, "utf8") : null;
    if (current === content) continue;
    if (check) drift.push(rel);
    else {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, content);
      console.log(`wrote ${rel}`);
    }
  }
}
if (drift.length) {
  console.error(`generated files out of date (run npm run gen):\n  ${drift.join("\n  ")}`);
  process.exit(1);
}
if (check) console.log("generated files match schema/");
