#!/usr/bin/env node
// The one-file engine: src/cli.ts and everything it imports (validators, the schema data, ajv's runtime
// helpers) bundled by esbuild into the source of one function, carried by src/boot.ts (which runs it with V8's
// code cache of an earlier run) in one ESM file that needs nothing but Node >= 20.19. `tsc` still type-checks
// and emits dist/ (tools such as conformance/bench import modules from it); this file then replaces
// dist/cli.js, so every test that runs dist/cli.js runs the bundle that ships.
//   node scripts/bundle.mjs            write dist/cli.js (mode 755); tsc's own dist/cli.js is kept as
//                                      dist/cli.modules.js, the entry over separate modules, for the tests that
//                                      hold one module's load (a signal while main.js is still loading)
// bundleEngine() is also used by schema/codegen/gen-zz-engine-copy.mjs for the copy the Go module embeds.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { createHash } from "node:crypto";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const ENGINE_OUT = "dist/cli.js";

// The licence notice of each package whose code ends up in the bundle (the bundle carries them in its header).
const NOTICES = { ajv: "MIT License, Copyright (c) 2015-2021 Evgeny Poberezkin" };

/** The bundle's text; deterministic for a given source tree and esbuild version (the drift check relies on it). */
export async function bundleEngine() {
  const { version } = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
  const common = {
    absWorkingDir: root,
    bundle: true,
    platform: "node",
    target: "node20.19",
    write: false,
    // Identifiers kept: an internal error's message and a profile stay readable; whitespace and syntax are
    // squeezed, which is what shortens load time.
    minifyWhitespace: true,
    minifySyntax: true,
    metafile: true,
    logLevel: "silent",
  };
  // The engine proper, as the body of the function src/boot.ts compiles (CommonJS: require() is its parameter).
  const engine = await build({ ...common, entryPoints: ["src/cli.ts"], format: "cjs", outfile: "engine.cjs", legalComments: "eof" });
  const source = engine.outputFiles[0].text.replace(/^#!.*\n/, "");
  if (/\bimport\(|\bmodule\.exports\b/.test(source)) throw new Error("bundle.mjs: the engine body must not import() at run time nor export anything");
  const hash = createHash("sha256").update(source).digest("hex").slice(0, 16);
  const boot = await build({
    ...common,
    entryPoints: ["src/boot.ts"],
    format: "esm",
    outfile: ENGINE_OUT,
    define: { ENGINE_SOURCE: JSON.stringify(source), ENGINE_HASH: JSON.stringify(hash) },
  });
  const packages = new Set(
    [engine, boot].flatMap((r) => Object.keys(r.metafile.inputs).flatMap((f) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(f)?.[1] ?? [])),
  );
  const missing = [...packages].filter((p) => !NOTICES[p]);
  if (missing.length) throw new Error(`bundle.mjs: add the licence notice of ${missing.join(", ")} to NOTICES`);
  const header = ["#!/usr/bin/env node", `// asession engine ${version}: one file built from src/ by scripts/bundle.mjs. Do not edit.`];
  for (const p of [...packages].sort()) header.push(`// Includes code of ${p}: ${NOTICES[p]}.`);
  return [...header, boot.outputFiles[0].text].join("\n");
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = path.join(root, ENGINE_OUT);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  if (fs.existsSync(out) && !fs.readFileSync(out, "utf8").includes("// asession engine ")) fs.copyFileSync(out, path.join(root, "dist/cli.modules.js"));
  fs.writeFileSync(out, await bundleEngine(), { mode: 0o755 });
  fs.chmodSync(out, 0o755);
}
