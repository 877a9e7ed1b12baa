// Field dictionary for the management protocol layer (src/mgmt), derived from the x-native / x-value
// annotations of events.schema.json (AscpEvent) and commands.schema.json, so the code never drifts from them.
const EVENT_KINDS = new Set(["integer", "boolean", "rate", "path", "string"]);
const COMMAND_KINDS = new Set([...EVENT_KINDS, "policy"]);

function eventFields(schema) {
  const props = schema.$defs.AscpEvent.properties;
  const rows = [];
  for (const [json, prop] of Object.entries(props)) {
    // Properties without x-native (session_index) are added by the engine, not sent by ascp.
    if (prop["x-native"] === undefined) continue;
    const kind = prop["x-value"];
    if (!EVENT_KINDS.has(kind)) throw new Error(`events.schema.json AscpEvent.${json}: unknown x-value ${kind}`);
    rows.push([prop["x-native"], json, kind]);
  }
  return rows;
}

function commandFields(schema) {
  const types = [];
  for (const { $ref } of schema.oneOf) {
    const def = schema.$defs[$ref.replace("#/$defs/", "")];
    const type = def.properties.type.const;
    const fields = [];
    // Schema property order is the wire order (matches the published Go command frames).
    for (const [json, prop] of Object.entries(def.properties)) {
      if (prop["x-native"] === undefined) continue;
      const kind = prop["x-value"];
      if (!COMMAND_KINDS.has(kind)) throw new Error(`commands.schema.json ${type}.${json}: unknown x-value ${kind}`);
      fields.push([json, prop["x-native"], kind]);
    }
    types.push([type, fields]);
  }
  return types;
}

const q = (s) => JSON.stringify(s);

export default async function generate({ loadSchema }) {
  const events = eventFields(loadSchema("events.schema.json"));
  const commands = commandFields(loadSchema("commands.schema.json"));
  const lines = [
    "// generated from schema/events.schema.json and schema/commands.schema.json by npm run gen; do not edit",
    "",
    "export type FieldKind = \"integer\" | \"boolean\" | \"rate\" | \"path\" | \"string\";",
    "export type CommandFieldKind = FieldKind | \"policy\";",
    "export interface EventField { readonly json: string; readonly kind: FieldKind }",
    "export interface CommandField { readonly json: string; readonly native: string; readonly kind: CommandFieldKind }",
    "",
    "const f = (json: string, kind: FieldKind): EventField => Object.freeze({ json, kind });",
    "const c = (json: string, native: string, kind: CommandFieldKind): CommandField => Object.freeze({ json, native, kind });",
    "",
    "/** ascp native field name → JSON name and value kind, for every AscpEvent property. */",
    "export const EVENT_FIELDS: ReadonlyMap<string, EventField> = new Map([",
    ...events.map(([native, json, kind]) => `  [${q(native)}, f(${q(json)}, ${q(kind)})],`),
    "]);",
    "",
    "/** Command type → its fields in wire order (session_index is routing, never sent). */",
    "export const COMMAND_FIELDS: Readonly<Record<string, readonly CommandField[]>> = Object.freeze({",
    ...commands.map(
      ([type, fields]) =>
        `  ${q(type)}: Object.freeze([${fields.map(([json, native, kind]) => `c(${q(json)}, ${q(native)}, ${q(kind)})`).join(", ")}]),`,
    ),
    "});",
    "",
  ];
  return [{ path: "src/generated/fields.ts", content: lines.join("\n") }];
}
