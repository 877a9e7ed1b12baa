// Prints the field dictionary for the management protocol layer (src/mgmt) from the model's x-native / x-value
// annotations of events.schema.json (AscpEvent) and commands.schema.json, so the code never drifts from them.
const EVENT_KINDS = new Set(["integer", "boolean", "rate", "path", "string"]);
const COMMAND_KINDS = new Set([...EVENT_KINDS, "policy"]);

function eventFields(ascp) {
  const rows = [];
  for (const f of ascp.fields) {
    // Properties without x-native (session_index) are added by the engine, not sent by ascp.
    if (f.native === undefined) continue;
    if (!EVENT_KINDS.has(f.value)) throw new Error(`events.schema.json AscpEvent.${f.key}: unknown x-value ${f.value}`);
    rows.push([f.native, f.key, f.value]);
  }
  return rows;
}

function commandFields(commands) {
  // Schema property order is the wire order (matches the published Go command frames).
  return commands.map((c) => [
    c.typeConst,
    c.fields
      .filter((f) => f.native !== undefined)
      .map((f) => {
        if (!COMMAND_KINDS.has(f.value)) throw new Error(`commands.schema.json ${c.typeConst}.${f.key}: unknown x-value ${f.value}`);
        return [f.key, f.native, f.value];
      }),
  ]);
}

const q = (s) => JSON.stringify(s);

export default async function generate({ model }) {
  const events = eventFields(model.events.ascp);
  const commands = commandFields(model.commands);
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
