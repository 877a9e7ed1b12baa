// The transfer spec schema as a module, for the planner's x-ascp table (src/plan/ascp-map.ts): the one-file
// engine reads no file of schema/ at run time.

export default function generate({ loadSchema }) {
  const schema = loadSchema("transfer-spec.schema.json");
  return [
    {
      path: "src/generated/transfer-spec-schema.ts",
      content: `// Generated from schema/transfer-spec.schema.json by \`npm run gen\`. Do not edit.\nexport const transferSpecSchema: unknown = ${JSON.stringify(schema, null, 2)};\n`,
    },
  ];
}
