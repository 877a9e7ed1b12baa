// Validation of the session spec and of stdin commands against schema/ (pre-compiled ajv validators, see
// schema/codegen/gen-validators.mjs), with messages that name the field as a path, the rule and the allowed values:
//   spec.direction must be one of: send, receive (got "upload")
import type { ErrorObject } from "ajv";
import * as validators from "./generated/validators.js";
import type { ValidateFunction } from "./generated/validators.js";
import type { SessionSpec } from "./generated/session-spec.js";
import type { Command } from "./generated/commands.js";
import { SECRET_KEYS } from "./plan/ascp-map.js";

export type Validation<T> = { ok: true; value: T } | { ok: false; errors: string[] };

/** At most this many messages: a spec with a million bad paths must not produce a million lines. */
const MAX_MESSAGES = 20;

export function validateSessionSpec(value: unknown): Validation<SessionSpec> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return { ok: false, errors: [`the session spec must be a JSON object (got ${describeValue(value)})`] };
  }
  return run(validators.sessionSpec, value, "") as Validation<SessionSpec>;
}

const COMMAND_VALIDATORS: Record<string, ValidateFunction> = {
  START: validators.commandStart,
  RATE: validators.commandRate,
  DONE: validators.commandDone,
  CANCEL: validators.commandCancel,
  STATUS: validators.commandStatus,
};

/** Validates one stdin command; dispatching on `type` first gives one clear message instead of oneOf noise. */
export function validateCommand(value: unknown): { ok: true; value: Command } | { ok: false; message: string } {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return { ok: false, message: `a command must be a JSON object (got ${describeValue(value)})` };
  }
  const type = (value as { type?: unknown }).type;
  if (type === undefined) return { ok: false, message: `a command needs a type (one of: ${Object.keys(COMMAND_VALIDATORS).join(", ")})` };
  const validate = typeof type === "string" ? COMMAND_VALIDATORS[type] : undefined;
  if (!validate) {
    return { ok: false, message: `unknown command type ${JSON.stringify(type)} (expected one of: ${Object.keys(COMMAND_VALIDATORS).join(", ")})` };
  }
  const result = run(validate, value, `${type}`);
  return result.ok ? { ok: true, value: result.value as Command } : { ok: false, message: result.errors.join("; ") };
}

function run(validate: ValidateFunction, value: object, prefix: string): Validation<unknown> {
  if (validate(value)) return { ok: true, value };
  return { ok: false, errors: formatErrors(validate.errors ?? [], prefix) };
}

/** Turns ajv errors into one line each, most specific first, without duplicates and without oneOf/anyOf noise. */
export function formatErrors(errors: ErrorObject[], prefix = ""): string[] {
  // anyOf branches of different types (file_list: boolean or object) give one line, not one per branch.
  const typesAt = new Map<string, string[]>();
  for (const e of errors) {
    if (e.keyword === "type") typesAt.set(e.instancePath, [...(typesAt.get(e.instancePath) ?? []), String((e.params as { type: unknown }).type)]);
  }
  const out: string[] = [];
  for (const error of errors) {
    const message = formatError(error, prefix, typesAt.get(error.instancePath));
    if (message !== null && !out.includes(message)) out.push(message);
    if (out.length === MAX_MESSAGES) {
      out.push(`(more errors not shown)`);
      break;
    }
  }
  return out.length > 0 ? out : [`${prefix || "value"} is invalid`];
}

function formatError(error: ErrorObject, prefix: string, types: string[] = []): string | null {
  const where = jsonPath(prefix, error.instancePath);
  // A secret given with the wrong type is still a secret: say what it is, never what it holds.
  const secretKey = /^\/spec\/([^/]+)/.exec(error.instancePath)?.[1];
  const describe = secretKey !== undefined && SECRET_KEYS.has(secretKey) ? describeKind : describeValue;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "required":
      return `${jsonPath(prefix, `${error.instancePath}/${String(params.missingProperty)}`)} is required`;
    case "additionalProperties": {
      const key = String(params.additionalProperty);
      const known = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      const hint = closest(key, known);
      return `unknown key ${jsonPath(prefix, `${error.instancePath}/${key}`)}${hint ? ` (did you mean ${hint}?)` : ""}${known.length ? `; known keys: ${known.join(", ")}` : ""}`;
    }
    case "enum":
      return `${where} must be one of: ${(params.allowedValues as unknown[]).map(String).join(", ")} (got ${describe(error.data)})`;
    case "const":
      return `${where} must be ${JSON.stringify(params.allowedValue)} (got ${describe(error.data)})`;
    case "type":
      return `${where} must be ${types.join(",").split(",").join(" or ")} (got ${describe(error.data)})`;
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
    case "minLength":
    case "maxLength":
    case "minItems":
    case "maxItems":
    case "minProperties":
    case "pattern":
      return `${where} ${error.message} (got ${describe(error.data)})`;
    case "false schema": {
      // dependentSchemas/<dep>/properties/<prop>: <prop> may not come with <dep>.
      const m = /dependentSchemas\/([^/]+)\/properties\/([^/]+)\//.exec(error.schemaPath + "/");
      return m ? `${where} cannot be given together with ${m[1]}` : `${where} is not allowed`;
    }
    case "anyOf":
    case "oneOf":
      // The branch errors that precede it say more; keep this only when nothing else was said.
      return null;
    default:
      return `${where} ${error.message ?? "is invalid"}`;
  }
}

function jsonPath(prefix: string, pointer: string): string {
  let out = prefix;
  for (const raw of pointer.split("/").slice(1)) {
    const part = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (/^\d+$/.test(part)) out += `[${part}]`;
    else if (/^[A-Za-z_][\w-]*$/.test(part)) out += out ? `.${part}` : part;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out || "(root)";
}

function describeKind(value: unknown): string {
  if (value === null) return "null";
  return Array.isArray(value) ? "an array" : `a ${typeof value}`;
}

function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value);
  if (text === undefined) return typeof value;
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** The known name nearest to `key` (edit distance at most a third of its length), for "did you mean". */
export function closest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(key.length / 3)) + 1;
  for (const candidate of known) {
    const d = distance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}
