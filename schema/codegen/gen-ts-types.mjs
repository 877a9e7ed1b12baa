// TypeScript types for the engine, from schema/ (json-schema-to-typescript).
import fs from "node:fs";
import path from "node:path";
import { compile } from "json-schema-to-typescript";

const HEADER = "/* Generated from schema/ by `npm run gen` (json-schema-to-typescript). Do not edit. */\n";
const SCHEMAS = [
  ["session-spec.schema.json", "session-spec.ts"],
  ["events.schema.json", "events.ts"],
  ["commands.schema.json", "commands.ts"],
];

export default async function generate({ root }) {
  const out = [];
  for (const [schemaFile, tsFile] of SCHEMAS) {
    const file = path.join(root, "schema", schemaFile);
    const schema = JSON.parse(fs.readFileSync(file, "utf8"));
    const ts = await compile(schema, schema.title, {
      cwd: path.join(root, "schema"),
      bannerComment: "",
      additionalProperties: false,
      strictIndexSignatures: false,
      unreachableDefinitions: true,
      format: true,
      style: { printWidth: 120 },
    });
    out.push({ path: `src/generated/${tsFile}`, content: HEADER + ts });
  }
  return out;
}
