// Which spec key (or agent option) put an ascp option on the command line, read from the schema's x-ascp
// annotations so that a new key is covered without code here. Pure. Used to name the key behind an option ascp
// refuses (RESULT and stderr), and by the real-ascp tier.
import { transferSpecMap, type AscpMapping, type SpecialName, type TransferSpecMap } from "./ascp-map.js";

/** Options each {special} handler of plan.ts can emit: the one place where code, not an annotation, picks them. */
const SPECIAL_OPTIONS: Record<SpecialName, readonly string[]> = {
  refuse_ascp4: [],
  wss: ["--ws-connect", "-P"],
  multi_session: ["--tags64", "-C", "-O"],
  proxy: ["--proxy"],
  fallback_port: ["-t"],
  paths: ["--file-list", "--file-pair-list"],
  destination: ["--dest64"],
};

/** Every option (name only, e.g. `--overwrite`, `-T`) a key with this annotation can put on ascp's command line. */
export function optionsOfMapping(m: AscpMapping): string[] {
  switch (m.kind) {
    case "option":
      return [m.option, ...Object.values(m.map ?? {}).flatMap((t) => (typeof t === "string" ? [] : [t.switch]))];
    case "switch":
      return [...m.switches];
    case "special":
      return [...SPECIAL_OPTIONS[m.special]];
    case "env":
    case "ignore":
      return [];
  }
}

export interface OriginInput {
  spec: Record<string, unknown>;
  agent?: { ascp_args?: readonly string[]; file_list?: unknown };
}

/** `--name=value` → `--name`; a short option or cluster keeps its first letter: `-Z1` → `-Z`. */
export function optionName(arg: string): string {
  if (arg.startsWith("--")) return arg.split("=", 1)[0]!;
  return arg.length > 2 && arg.startsWith("-") && arg !== "-SSH" ? arg.slice(0, 2) : arg;
}

/**
 * Where `option` came from: `spec.<key>` for each key given in the spec (not null) whose annotation can emit it,
 * `agent.file_list` for a list it names, `agent.ascp_args` when they hold it. Empty when nothing given explains it
 * (the engine's own -M, -u, -q).
 */
export function optionOrigins(option: string, input: OriginInput, map: TransferSpecMap = transferSpecMap): string[] {
  const name = optionName(option);
  const origins = map.keys
    .filter((key) => input.spec[key] !== undefined && input.spec[key] !== null && optionsOfMapping(map.mappings[key]!).includes(name))
    .map((key) => `spec.${key}`);
  const fileList = input.agent?.file_list;
  if (typeof fileList === "object" && fileList !== null && (name === "--file-list" || name === "--file-pair-list")) origins.push("agent.file_list");
  if ((input.agent?.ascp_args ?? []).some((a) => a.startsWith("-") && optionName(a) === name)) origins.push("agent.ascp_args");
  return origins;
}
