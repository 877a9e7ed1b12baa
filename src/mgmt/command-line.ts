import { COMMAND_FIELDS } from "../generated/fields.js";
import { EncodeError, encodeCommand, type Command } from "./encode.js";
import { findJsonSyntaxError } from "./json-error.js";
import { checkJsonText, findUnsendableText } from "../json-guard.js";
import { snakeCaseRule } from "./naming.js";

export const MAX_COMMAND_LINE_BYTES = 1024 * 1024;

export type Validate = (value: unknown) => { ok: true; value: Command } | { ok: false; message: string };

export type CommandLineResult =
  /** Empty or white-space only: nothing to send, nothing to report. */
  | { kind: "blank" }
  | { kind: "command"; ok: true; command: Command; frame: string }
  | { kind: "rejected"; ok: false; reason: string };

// Every snake_case key any command accepts: the target of "did you mean" hints.
const COMMAND_KEYS = new Set<string>(["type", "session_index"]);
const NATIVE_TO_KEY = new Map<string, string>([["Type", "type"]]);
for (const fields of Object.values(COMMAND_FIELDS)) {
  for (const field of fields) {
    COMMAND_KEYS.add(field.json);
    // Adaptive is both `adaptive` and `policy`; the native spelling means the former.
    if (!NATIVE_TO_KEY.has(field.native)) NATIVE_TO_KEY.set(field.native, field.json);
  }
}

/**
 * Keys are snake_case only. For a key written the native way (Rate, MinRate, FileBytes, SessionIndex),
 * the message that names the snake_case key; null when no key looks like that.
 */
export function nativeKeyHint(command: Readonly<Record<string, unknown>>): string | null {
  for (const key of Object.keys(command)) {
    if (COMMAND_KEYS.has(key)) continue;
    const suggestion = NATIVE_TO_KEY.get(key) ?? snakeCaseRule(key);
    if (suggestion !== key && COMMAND_KEYS.has(suggestion)) return `unknown key ${key} (did you mean ${suggestion}?)`;
  }
  return null;
}

function byteLength(line: string): number {
  // UTF-8 takes at most 3 bytes per UTF-16 unit: skip the exact count when the line is clearly short.
  return line.length * 3 <= MAX_COMMAND_LINE_BYTES ? line.length : Buffer.byteLength(line, "utf8");
}

const reject = (reason: string): CommandLineResult => ({ kind: "rejected", ok: false, reason });

/**
 * One stdin line after the session spec → the frame to send, or why not. lineNo is only used in messages.
 * `validate` checks the object against commands.schema.json (injected: validation lives elsewhere).
 */
export function parseCommandLine(line: string, lineNo: number, validate: Validate): CommandLineResult {
  if (byteLength(line) > MAX_COMMAND_LINE_BYTES) {
    return reject(`line ${lineNo} is longer than ${MAX_COMMAND_LINE_BYTES} bytes (1 MiB)`);
  }
  if (line.trim() === "") return { kind: "blank" };
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    const error = findJsonSyntaxError(line);
    return reject(`invalid JSON on line ${lineNo}` + (error === null ? "" : ` at position ${error.position}: ${error.message}`));
  }
  // Before anything walks the value: depth, numbers that became Infinity, text that would be sent changed.
  const limit = checkJsonText(line);
  if (limit !== null) return reject(`line ${lineNo} is refused at position ${limit.position}: ${limit.message}`);
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    const got = value === null ? "null" : Array.isArray(value) ? "an array" : `a ${typeof value}`;
    return reject(`a command must be a JSON object, got ${got}`);
  }
  const unsendable = findUnsendableText(value, "");
  if (unsendable !== null) return reject(`${unsendable}; not sent`);
  const hint = nativeKeyHint(value as Record<string, unknown>);
  if (hint !== null) return reject(hint);
  const checked = validate(value);
  if (!checked.ok) return reject(checked.message);
  try {
    return { kind: "command", ok: true, command: checked.value, frame: encodeCommand(checked.value) };
  } catch (error) {
    if (error instanceof EncodeError) return reject(error.message);
    throw error;
  }
}
