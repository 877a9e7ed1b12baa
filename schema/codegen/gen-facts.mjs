// Prints the model's facts for the engine (src/generated/facts.ts) and for the conformance runner
// (conformance/generated/facts.mjs, plain JavaScript: the runner does not build TypeScript).
const q = (v) => JSON.stringify(v);
const HEAD = "// Generated from schema/ (facts.json, client-contract.json, *.schema.json) by npm run gen; do not edit.\n";

function constObject(name, doc, entries) {
  return `/** ${doc} */\nexport const ${name} = Object.freeze({\n${entries.map(({ name: k, value }) => `  ${k}: ${q(value)},`).join("\n")}\n} as const);\n`;
}

function engineFile(m) {
  const upper = (entries) => entries.map((e) => ({ ...e, name: e.name.toUpperCase() }));
  return [
    HEAD,
    constObject("LIMITS", "Size limits, bytes (schema/facts.json).", upper(m.limits)),
    constObject("EXIT_STATUS", "The engine's exit statuses (schema/facts.json).", upper(m.exitStatus)),
    "/** Agent-option defaults (the default keywords of schema/agent-options.schema.json). */",
    `export const AGENT_DEFAULTS = Object.freeze(${q(m.agentDefaults)} as const);\n`,
    "/** Types of the events the engine adds (the const types of schema/events.schema.json). */",
    `export const ENGINE_EVENT_TYPES: ReadonlySet<string> = new Set(${q(m.events.engine.map((e) => e.typeConst))});\n`,
    "/** Transfer-spec keys whose values are secrets (x-ascp secret in schema/transfer-spec.schema.json). */",
    `export const SECRET_SPEC_KEYS: readonly string[] = Object.freeze(${q(m.secretKeys)});\n`,
    "/** ascp error codes, indexed by code: [name, retryable, description] (schema/facts.json). */",
    "export const ASCP_ERROR_ROWS: ReadonlyArray<readonly [string, boolean, string]> = Object.freeze([",
    ...m.ascpErrors.map((e) => `  [${q(e.name)}, ${e.retryable}, ${q(e.description)}],`),
    "]);\n",
    constObject("ASCP_CODE", "ascp error codes by mnemonic (schema/facts.json).", m.ascpErrors.map((e) => ({ name: e.name, value: e.code }))),
  ].join("\n");
}

function conformanceFile(m) {
  return [
    HEAD,
    "/** Transfer-spec keys whose values are secrets (x-ascp secret in schema/transfer-spec.schema.json). */",
    `export const SECRET_SPEC_KEYS = Object.freeze(${q(m.secretKeys)});\n`,
    "/** ascp error codes, indexed by code: [name, retryable, description] (schema/facts.json). */",
    `export const ASCP_ERROR_ROWS = Object.freeze(${q(m.ascpErrors.map((e) => [e.name, e.retryable, e.description]))});\n`,
    "/** Ids of the client contract's outcome rows (schema/client-contract.json): each needs a client/ case. */",
    `export const OUTCOME_ROW_IDS = Object.freeze(${q(m.contract.outcomes.rows.map((r) => r.id))});\n`,
  ].join("\n");
}

export default async function generate({ model }) {
  return [
    { path: "src/generated/facts.ts", content: engineFile(model) },
    { path: "conformance/generated/facts.mjs", content: conformanceFile(model) },
  ];
}
