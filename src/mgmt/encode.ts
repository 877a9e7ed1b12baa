import type { Command } from "../generated/commands.js";
import { COMMAND_FIELDS, type CommandFieldKind } from "../generated/fields.js";
import { escapePath } from "./escape.js";

/** A command as commands.schema.json defines it (validated), e.g. {type: "RATE", rate: 5000}. */
export type { Command };

/** The command cannot be framed; the caller reports it as COMMAND_REJECTED. */
export class EncodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EncodeError";
  }
}

// The transfer spec's policy names → ascp's Adaptive values (docs/protocol.md §4).
const POLICY: Readonly<Record<string, string>> = { fair: "Adaptive", high: "Adaptive", fixed: "Fixed", low: "Trickle" };

// Keys that are never sent: the type goes in the Type line, session_index only routes the command.
const NOT_FIELDS = new Set(["type", "session_index"]);

function wireValue(key: string, kind: CommandFieldKind, value: unknown): string {
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) throw new EncodeError(`${key} must be an integer, got ${value}`);
    return String(value);
  }
  if (typeof value === "boolean") return value ? "Yes" : "No";
  if (typeof value !== "string") throw new EncodeError(`${key} must be a string or a number, got ${typeof value}`);
  if (kind === "path") return escapePath(value);
  if (kind === "policy") {
    const native = POLICY[value];
    if (native === undefined) throw new EncodeError(`${key} must be one of ${Object.keys(POLICY).join(", ")}, got ${JSON.stringify(value)}`);
    return native;
  }
  // Only path fields have an escape; CR or LF anywhere else would end the line (or the frame) early.
  if (value.indexOf("\n") >= 0 || value.indexOf("\r") >= 0) {
    throw new EncodeError(`${key} must not contain a line break (CR or LF)`);
  }
  return value;
}

/**
 * Command → management frame text, fields in the schema's (wire) order, ending with the empty line.
 * Unknown types and keys are refused here too, so no input can ever add a field to the frame.
 */
export function encodeCommand(command: Command): string {
  const record = command as unknown as Readonly<Record<string, unknown>>;
  const fields = Object.hasOwn(COMMAND_FIELDS, command.type) ? COMMAND_FIELDS[command.type] : undefined;
  if (fields === undefined) {
    throw new EncodeError(`unknown command type ${JSON.stringify(command.type)} (known: ${Object.keys(COMMAND_FIELDS).join(", ")})`);
  }
  for (const key of Object.keys(command)) {
    if (!NOT_FIELDS.has(key) && !fields.some((f) => f.json === key)) {
      throw new EncodeError(`unknown key ${key} for ${command.type}`);
    }
  }
  let frame = `FASPMGR 2\nType: ${command.type}\n`;
  const sent = new Set<string>();
  for (const field of fields) {
    const value = record[field.json];
    if (value === undefined) continue;
    // adaptive and policy both map to Adaptive; ascp must never get a field twice.
    if (sent.has(field.native)) throw new EncodeError(`${field.json} repeats the ${field.native} field of another key`);
    sent.add(field.native);
    frame += `${field.native}: ${wireValue(field.json, field.kind, value)}\n`;
  }
  return frame + "\n";
}
