// Scenario ($ASCP_SIM_SCENARIO): JSON text or @/path/file.json. Validated strictly so a typo
// in a test shows up as a clear error instead of a fault that silently never fires.
import { readFileSync } from "node:fs";

export class ScenarioError extends Error {}

const MALFORMED_KINDS = [
  "garbage_line",
  "crlf",
  "truncated_frame",
  "unknown_type",
  "unknown_field",
  "non_ascii",
  "newline_in_path",
  "no_colon",
  "header_in_frame",
];

const num = (min = 0) => (v) => Number.isInteger(v) && v >= min;
const FAULTS = {
  auth: {},
  ssh_hang: { seconds: (v) => typeof v === "number" && v >= 0 },
  connection_lost: { after_bytes: num(0), processes: num(1) },
  retryable_then_success: { failures: num(0), code: num(0) },
  never_connect: { exit_after_ms: num(0) },
  connect_late: { delay_ms: num(0) },
  crash: { after_frames: num(1), after_bytes: num(0) },
  close_socket: { after_frames: num(1), code: num(0), hang: (v) => typeof v === "boolean" },
  no_user_str: {},
  stall: { seconds: (v) => typeof v === "number" && v >= 0, after: (v) => v === "SESSION" || v === "STATS", processes: num(1) },
  malformed: { kind: (v) => MALFORMED_KINDS.includes(v), after: (v) => ["INIT", "SESSION", "STOP"].includes(v) },
  blast: { count: num(1), bytes_per_frame: num(200) },
  exit_code: { code: num(0) },
  stderr: { text: (v) => typeof v === "string" },
};
const REQUIRED = {
  connection_lost: ["after_bytes"],
  retryable_then_success: ["failures"],
  connect_late: ["delay_ms"],
  stall: ["seconds"],
  malformed: ["kind"],
  blast: ["count"],
  exit_code: ["code"],
  stderr: ["text"],
};

export function loadScenario(raw) {
  if (raw === undefined || raw === "") return { faults: [], text: "" };
  let text = raw;
  if (raw.startsWith("@")) {
    try {
      text = readFileSync(raw.slice(1), "utf8");
    } catch (e) {
      throw new ScenarioError(`cannot read scenario file ${raw.slice(1)}: ${e.message}`);
    }
  }
  let s;
  try {
    s = JSON.parse(text);
  } catch (e) {
    throw new ScenarioError(`scenario is not JSON: ${e.message}`);
  }
  if (s === null || typeof s !== "object" || Array.isArray(s)) throw new ScenarioError("scenario must be a JSON object");
  const known = ["faults", "stats_interval_ms", "remote_password", "unknown_options", "pre_transfer"];
  for (const k of Object.keys(s)) if (!known.includes(k)) throw new ScenarioError(`unknown scenario key '${k}' (known: ${known.join(", ")})`);
  // Capped at 1 s: a manager may rely on STATS at least every second while a file moves.
  if (s.stats_interval_ms !== undefined && !(num(10)(s.stats_interval_ms) && s.stats_interval_ms <= 1000)) {
    throw new ScenarioError("stats_interval_ms must be an integer from 10 to 1000");
  }
  if (s.remote_password !== undefined && typeof s.remote_password !== "string") throw new ScenarioError("remote_password must be a string");
  const optionName = /^(--[a-z0-9][a-z0-9-]*|-[A-Za-z0-9@])$/;
  if (s.unknown_options !== undefined && !(Array.isArray(s.unknown_options) && s.unknown_options.every((o) => typeof o === "string" && optionName.test(o)))) {
    throw new ScenarioError("unknown_options must be an array of option names (--long or -x)");
  }
  if (s.pre_transfer !== undefined && typeof s.pre_transfer !== "boolean") throw new ScenarioError("pre_transfer must be a boolean");
  const faults = s.faults ?? [];
  if (!Array.isArray(faults)) throw new ScenarioError("faults must be an array");
  faults.forEach((f, i) => {
    if (f === null || typeof f !== "object" || !FAULTS[f.type]) {
      throw new ScenarioError(`faults[${i}]: unknown type ${JSON.stringify(f?.type)} (known: ${Object.keys(FAULTS).join(", ")})`);
    }
    const params = FAULTS[f.type];
    for (const [k, v] of Object.entries(f)) {
      if (k === "type") continue;
      if (!params[k]) throw new ScenarioError(`faults[${i}] (${f.type}): unknown parameter '${k}'`);
      if (!params[k](v)) throw new ScenarioError(`faults[${i}] (${f.type}): bad value for '${k}': ${JSON.stringify(v)}`);
    }
    for (const k of REQUIRED[f.type] ?? []) if (f[k] === undefined) throw new ScenarioError(`faults[${i}] (${f.type}): '${k}' is required`);
    if (f.type === "crash" && (f.after_frames === undefined) === (f.after_bytes === undefined)) {
      throw new ScenarioError(`faults[${i}] (crash): give exactly one of after_frames, after_bytes`);
    }
    if (f.type === "close_socket" && f.after_frames === undefined) throw new ScenarioError(`faults[${i}] (close_socket): 'after_frames' is required`);
  });
  return { ...s, faults, text };
}

export const findFault = (scenario, type) => scenario.faults.find((f) => f.type === type);
export const findFaults = (scenario, type) => scenario.faults.filter((f) => f.type === type);
