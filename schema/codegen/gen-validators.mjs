// Pre-compiled ("standalone") ajv validators for the session spec and each command type, so the engine
// does not compile schemas at every start (measured: see README, Performance). ESM output, imported by src/validate.ts.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const Ajv2020 = require("ajv/dist/2020").default;
const standaloneCode = require("ajv/dist/standalone").default;

// Annotation keywords of our schemas; declaring them keeps ajv strict about everything else.
export const ANNOTATIONS = ["x-ascp", "x-aliases", "x-native", "x-value", "x-event-types"];

export default async function generate({ root }) {
  const schemaDir = path.join(root, "schema");
  const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true, code: { source: true, esm: true, lines: false } });
  ajv.addVocabulary(ANNOTATIONS);
  for (const file of fs.readdirSync(schemaDir).filter((f) => f.endsWith(".schema.json")).sort()) {
    ajv.addSchema(JSON.parse(fs.readFileSync(path.join(schemaDir, file), "utf8")));
  }
  const base = "https://asession.dev/schema/";
  const exports = {
    sessionSpec: `${base}session-spec.schema.json`,
    commandStart: `${base}commands.schema.json#/$defs/StartCommand`,
    commandRate: `${base}commands.schema.json#/$defs/RateCommand`,
    commandDone: `${base}commands.schema.json#/$defs/DoneCommand`,
    commandCancel: `${base}commands.schema.json#/$defs/CancelCommand`,
    commandStatus: `${base}commands.schema.json#/$defs/StatusCommand`,
  };
  // ajv's ESM output still require()s its runtime helpers; turn those into imports so it loads as ESM.
  const imports = [];
  const code = standaloneCode(ajv, exports).replace(/require\("(ajv\/dist\/runtime\/[\w-]+)"\)/g, (_, mod) => {
    const name = `runtime${imports.length}`;
    // Node hands a CJS module.exports to a default import, bundlers (vitest) its .default: accept both.
    imports.push(`import ${name}_ from "${mod}.js";\nconst ${name} = { default: ${name}_.default ?? ${name}_ };\n`);
    return name;
  });
  const header = "// Generated from schema/ by `npm run gen` (ajv standalone). Do not edit.\n// @ts-nocheck\n";
  return [
    { path: "src/generated/validators.js", content: header + imports.join("") + code + "\n" },
    {
      path: "src/generated/validators.d.ts",
      content:
        "// Generated from schema/ by `npm run gen`. Do not edit.\n" +
        'import type { ErrorObject } from "ajv";\n' +
        "export interface ValidateFunction { (data: unknown): boolean; errors?: ErrorObject[] | null }\n" +
        Object.keys(exports).map((name) => `export declare const ${name}: ValidateFunction;\n`).join(""),
    },
  ];
}
