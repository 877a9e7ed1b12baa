// Transfer spec → ascp command line, environment and file list. Pure: no I/O, no clock, no randomness
// (the job's xfer_id and the platform come from the caller). Driven by the x-ascp annotations of the schema;
// only the keys annotated {special} have code here, one handler per special name. Every argument it emits
// carries its origin (the spec or agent key that produced it), so a complaint of ascp about one argument
// can name the key to fix. When two keys disagree, the reading that deletes less wins, with a warning.
import { transferSpecMap, SPECIALS, type AscpMapping, type SpecialName, type TransferSpecMap } from "./ascp-map.js";
import { agentExtras, type MachineView } from "./agent-env.js";
import type { AgentOptions } from "../generated/session-spec.js";

export class PlanError extends Error {
  /** Where in the session spec the problem is, e.g. `spec.paths[3].source`. */
  readonly path: string;
  constructor(path: string, message: string) {
    super(message);
    this.name = "PlanError";
    this.path = path;
  }
}

/** The agent options (generated from agent-options.schema.json). */
export type PlanAgent = AgentOptions;

/** A schema-valid session spec, as far as the planner is concerned: the transfer spec is read key by key, as its
 * x-ascp annotations say. */
export interface PlanInput {
  spec: Record<string, unknown>;
  agent?: PlanAgent;
}

export interface PlanContext {
  /** tags.aspera.xfer_id when absent (a UUID): one per job, shared by all its sessions. */
  xferId: string;
  /** Where ascp runs: agent.multi_incr_udp defaults to true on Windows only. */
  platform: NodeJS.Platform;
}

/** Something the user should know about the plan (a WARNING event): which key, and why. */
export interface PlanWarning {
  code: "spec_conflict" | "key_not_applied" | "no_bypass_key";
  key: string;
  message: string;
}

/** What produced an argument: `spec.<key>`, `agent.<option>`, or `engine` (-M, -u). */
export type ArgOrigin = string;

export type FileListOption = "--file-list" | "--file-pair-list";

/** lines: write them to a private file; path: an existing list given by agent.file_list. */
export type PlanFileList = { option: FileListOption; lines: string[] } | { option: FileListOption; path: string };

export interface Plan {
  /** Generated options in a stable order (schema order), ending with --dest64; no -M/-u, -C/-O, file list. */
  args: string[];
  /** argOrigins[i] produced args[i]. */
  argOrigins: ArgOrigin[];
  /** Environment for ascp on top of the engine's own, secrets included. */
  env: Record<string, string>;
  secretEnvNames: string[];
  /** null for persistent sessions, sources on the command line, and when agent.ascp_args already name a file list. */
  fileList: PlanFileList | null;
  /** Sources for ascp's command line (agent.file_list false), before the destination; none start with "-". */
  sources: string[];
  /** destination_root, base64 (for --dest64); always the last argument. */
  destination: string;
  ascpArgs: string[];
  /** Number of ascp processes (multi_session, at least 1). */
  sessionCount: number;
  /** UDP port of session 1 when each session gets its own (-O base+i-1); null otherwise. */
  udpPortBase: number | null;
  /** The WebSocket session replaces SSH (no SSH bypass keys then). */
  wss: boolean;
  warnings: PlanWarning[];
  /** Spec keys nobody knows: the engine warns about them. */
  unknownKeys: string[];
  /** Spec keys only other agents use and that change nothing here: the engine logs them at debug. */
  ignoredKeys: string[];
}

const DEFAULT_FASP_PORT = 33001;
/** tags.aspera.xfer_retry when absent, as aspera-cli (seconds). */
const XFER_RETRY = 3600;
const MAX_PORT = 65535;

const base64 = (s: string): string => Buffer.from(s, "utf8").toString("base64");
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const present = (v: unknown): boolean => v !== undefined && v !== null;

interface Draft {
  /** The spec as applied: safety rules (implies, clears) already resolved. */
  spec: Record<string, unknown>;
  agent: PlanAgent;
  ctx: PlanContext;
  map: TransferSpecMap;
  /** Arguments per spec key; assembled in schema order at the end. */
  byKey: Map<string, string[]>;
  /** Origin of byKey entries that another key produced (default: spec.<key>). */
  originOf: Map<string, ArgOrigin>;
  /** Per variable: its value and the spec key that gave it. */
  env: Map<string, { value: string; secret: boolean; key: string }>;
  fileList: PlanFileList | null;
  sources: string[];
  warnings: PlanWarning[];
  destination: string;
  sessionCount: number;
  udpPortBase: number | null;
  wss: boolean;
}

function scalar(key: string, value: unknown): string {
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return String(value);
  throw new PlanError(`spec.${key}`, `spec.${key} must be a string, number or boolean`);
}

function optionArgs(key: string, m: Extract<AscpMapping, { kind: "option" }>, value: unknown): string[] {
  // A repeated option given one value (ssh_args as a string) is that value once.
  const values: unknown[] = m.repeat && Array.isArray(value) ? value : [value];
  return values.flatMap((v) => {
    if (m.map) {
      const target = m.map[scalar(key, v)];
      if (target === undefined) throw new PlanError(`spec.${key}`, `spec.${key} must be one of ${Object.keys(m.map).join(", ")}`);
      return typeof target === "string" ? [m.option, target] : [target.switch];
    }
    if (m.convert === "base64_json") return [m.option, base64(JSON.stringify(v))];
    if (m.convert === "base64") return [m.option, base64(scalar(key, v))];
    return [m.option, scalar(key, v)];
  });
}

const isOn = (v: unknown): boolean => v !== undefined && v !== null && v !== false;

/**
 * The spec as ascp will apply it, when keys that delete or move source files meet: `implies` (delete_source)
 * and option `clears` (move_after_transfer). Whenever two keys disagree, the reading that deletes less wins
 * and a warning says which key is not applied. `excludes`: two spellings of one option are an error.
 */
function resolveSafety(spec: Record<string, unknown>, map: TransferSpecMap, warnings: PlanWarning[]): { spec: Record<string, unknown>; impliedBy: Map<string, string> } {
  const out: Record<string, unknown> = { ...spec };
  const impliedBy = new Map<string, string>();
  const drop = (key: string, message: string) => {
    if (out[key] === true) warnings.push({ code: "spec_conflict", key, message });
    delete out[key];
  };
  for (const key of map.keys) {
    const m = map.mappings[key];
    if (m.kind !== "implies" || !present(spec[key])) continue;
    if (spec[key] === true) {
      for (const k of m.implies) {
        if (spec[k] === false) {
          warnings.push({ code: "spec_conflict", key: k, message: `spec.${key} is true but spec.${k} is false: ${k} is not applied (the reading that deletes less wins)` });
          continue;
        }
        if (spec[k] !== true) impliedBy.set(k, key);
        out[k] = true;
      }
    } else {
      for (const k of [...m.implies, ...m.falseClears]) drop(k, `spec.${key} is false: spec.${k} (true) is not applied; source files are kept`);
    }
  }
  for (const key of map.keys) {
    const m = map.mappings[key];
    if (m.kind !== "option" || !present(spec[key])) continue;
    if (m.excludes !== undefined && present(spec[m.excludes])) {
      throw new PlanError(`spec.${key}`, `spec.${key} and spec.${m.excludes} give the same ascp option (${m.option}): give one of them`);
    }
    for (const k of m.clears ?? []) {
      const via = impliedBy.get(k);
      drop(k, `spec.${key} is given: spec.${k}${via ? ` (from spec.${via})` : ""} is not applied, as ascp takes only one of them and ${key} deletes less`);
    }
  }
  return { spec: out, impliedBy };
}

/** Whether env key `key` wins ASPERA_SCP_PASS-like sharing over `other`, by their wins_with annotations. */
function envWinner(d: Draft, key: string, other: string): { winner: string; loser: string; because: string } {
  const rule = (k: string) => {
    const m = d.map.mappings[k];
    return m?.kind === "env" ? m.winsWith : undefined;
  };
  const satisfiedBy = (k: string) => rule(k)?.find((w) => present(d.spec[w]));
  for (const [a, b] of [[key, other], [other, key]] as const) {
    const by = satisfiedBy(a);
    if (by !== undefined) return { winner: a, loser: b, because: `spec.${by} is given` };
  }
  const [winner, loser] = rule(key) !== undefined ? [other, key] : [key, other];
  return { winner, loser, because: `none of ${rule(loser)?.map((k) => `spec.${k}`).join(", ") ?? "its conditions"} is given` };
}

/** Keys with option/switch/env annotations: no code per key. */
function applyGeneric(d: Draft): void {
  for (const key of d.map.keys) {
    const m = d.map.mappings[key];
    const value = d.spec[key];
    if (!present(value)) continue;
    switch (m.kind) {
      case "option":
        d.byKey.set(key, optionArgs(key, m, value));
        break;
      case "switch":
        if (value === true) d.byKey.set(key, [m.switch]);
        else if (value === false && m.off !== undefined) d.byKey.set(key, [m.off]);
        break;
      case "env": {
        const entry = { value: scalar(key, value), secret: m.secret, key };
        const previous = d.env.get(m.env);
        if (previous === undefined) {
          d.env.set(m.env, entry);
          break;
        }
        // Two keys for one variable (password and key pass phrase): the annotation decides, the loser is named.
        const { winner, loser, because } = envWinner(d, key, previous.key);
        if (winner === key) d.env.set(m.env, entry);
        d.warnings.push({
          code: "spec_conflict",
          key: loser,
          message: `spec.${loser} is not passed to ascp: ascp reads it from ${m.env}, like spec.${winner}, which wins because ${because}`,
        });
        break;
      }
      case "implies":
      case "special":
      case "ignore":
        break;
    }
  }
}

function fileListInAscpArgs(ascpArgs: string[]): boolean {
  return ascpArgs.some((a) => /^--file-(pair-)?list(=|$)/.test(a));
}

/** spec.paths[i].<key> must fit on one line of a file list (the path is named only on failure: a million runs). */
function checkListable(i: number, key: "source" | "destination", value: string): void {
  if (value.includes("\n") || value.includes("\r")) {
    const path = `spec.paths[${i}].${key}`;
    throw new PlanError(path, `${path} contains a newline; ascp file lists cannot hold it`);
  }
}

/** A source for ascp's command line: it must stay an argument, never become an option. */
function checkArgument(path: string, value: string): void {
  if (value.startsWith("-")) {
    throw new PlanError(path, `${path} starts with "-": on ascp's command line (agent.file_list false) it would be read as an option; write it ./${value} or use a file list`);
  }
  if (value.includes("\0")) throw new PlanError(path, `${path} contains a NUL character, which a command line cannot hold`);
}

const specials: Record<SpecialName, (d: Draft) => void> = {
  refuse_ascp4(d) {
    if (d.spec.use_ascp4 === true) throw new PlanError("spec.use_ascp4", "spec.use_ascp4: asession drives ascp only; ascp4 is not supported");
  },

  // The WebSocket session replaces SSH: its port takes -P, and the UDP port and SSH fingerprint do not apply.
  // As aspera-cli, agent.wss false keeps SSH only where the spec says which UDP port FASP uses.
  wss(d) {
    const port = d.spec.wss_port;
    if ((d.agent.wss === false && present(d.spec.fasp_port)) || d.spec.wss_enabled !== true || typeof port !== "number") return;
    d.wss = true;
    d.byKey.set("wss_enabled", ["--ws-connect"]);
    d.byKey.set("ssh_port", ["-P", String(port)]);
    d.originOf.set("ssh_port", "spec.wss_port");
    d.byKey.delete("fasp_port");
    d.byKey.delete("sshfp");
  },

  multi_session(d) {
    // The schema lets through an integer or its digits as a string (aspera-cli reads it with to_i).
    const n = Number(d.spec.multi_session ?? 0);
    d.sessionCount = n > 1 ? n : 1;
    if (d.sessionCount === 1) return;
    // As aspera-cli: each session its own UDP port by default on Windows only.
    const incrUdp = d.agent.multi_incr_udp ?? d.ctx.platform === "win32";
    if (!incrUdp || d.wss) return;
    const base = typeof d.spec.fasp_port === "number" ? d.spec.fasp_port : DEFAULT_FASP_PORT;
    if (base + d.sessionCount - 1 > MAX_PORT) {
      throw new PlanError("spec.multi_session", `spec.multi_session: UDP ports ${base}..${base + d.sessionCount - 1} go past ${MAX_PORT}`);
    }
    d.udpPortBase = base;
    d.byKey.delete("fasp_port");
  },

  // As aspera-cli: with an aspera object in tags, a job id for the server (one per job: every session of a
  // multi-session job is then seen as one transfer) and a retry timeout, unless given.
  tags(d) {
    const tags = d.spec.tags;
    if (!isObject(tags)) return;
    const aspera = tags.aspera;
    const unset = (v: unknown) => !present(v) || v === false;
    const value = isObject(aspera)
      ? { ...tags, aspera: { ...aspera, ...(unset(aspera.xfer_id) ? { xfer_id: d.ctx.xferId } : {}), ...(unset(aspera.xfer_retry) ? { xfer_retry: XFER_RETRY } : {}) } }
      : tags;
    d.byKey.set("tags", ["--tags64", base64(JSON.stringify(value))]);
  },

  // argv is visible to every local user: a password in the proxy URL goes to the environment instead.
  proxy(d) {
    const raw = d.spec.proxy;
    if (typeof raw !== "string") return;
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new PlanError("spec.proxy", "spec.proxy is not a URL (dnat://[user[:password]@]host:port)");
    }
    if (url.password === "") {
      d.byKey.set("proxy", ["--proxy", raw]);
      return;
    }
    d.env.set("ASPERA_PROXY_PASS", { value: decodeURIComponent(url.password), secret: true, key: "proxy" });
    url.password = "";
    d.byKey.set("proxy", ["--proxy", url.href]);
  },

  // ascp has one -t: the HTTPS port when data is encrypted, the HTTP port when cipher is none,
  // falling back to whichever one is given.
  fallback_port(d) {
    const order = d.spec.cipher === "none" ? ["http_fallback_port", "https_fallback_port"] : ["https_fallback_port", "http_fallback_port"];
    const key = order.find((k) => present(d.spec[k]));
    if (key === undefined) return;
    d.byKey.set("https_fallback_port", ["-t", scalar(key, d.spec[key])]);
    d.originOf.set("https_fallback_port", `spec.${key}`);
  },

  paths(d) {
    const paths = d.spec.paths;
    const given = present(paths);
    const listFile = d.agent.file_list;
    if (d.spec.keepalive === true) {
      if (given || isObject(listFile)) throw new PlanError(given ? "spec.paths" : "agent.file_list", "a persistent session (keepalive) takes no paths: send START commands instead");
      return;
    }
    if (isObject(listFile)) {
      if (given) throw new PlanError("spec.paths", "spec.paths and agent.file_list cannot both be given");
      d.fileList = { option: listFile.pairs ? "--file-pair-list" : "--file-list", path: listFile.path };
      return;
    }
    if (fileListInAscpArgs(d.agent.ascp_args ?? [])) {
      if (given) throw new PlanError("spec.paths", "spec.paths cannot be given when agent.ascp_args already name a file list");
      return;
    }
    if (!Array.isArray(paths) || paths.length === 0) {
      throw new PlanError("spec.paths", "spec.paths needs at least one item (unless keepalive is true or agent.file_list is a file list)");
    }
    // Read in place, one pass per use: a million paths copied into new objects would add tens of MB to the job's
    // peak memory (README, Performance, "1,000,000 paths").
    let paired = -1;
    for (let i = 0; i < paths.length; i++) {
      const p: unknown = paths[i];
      if (!isObject(p) || typeof p.source !== "string") throw new PlanError(`spec.paths[${i}].source`, `spec.paths[${i}].source is required`);
      if (paired < 0 && typeof p.destination === "string") paired = i;
    }
    const item = (i: number) => paths[i] as { source: string; destination?: unknown };
    if (listFile === false) {
      // As aspera-cli: the command line has room for sources only, so a pair list is an error there.
      if (paired >= 0) {
        throw new PlanError(`spec.paths[${paired}].destination`, `spec.paths[${paired}].destination: with agent.file_list false sources go on ascp's command line, which takes no destinations; remove them or use a file list`);
      }
      d.sources = paths.map((_, i) => {
        checkArgument(`spec.paths[${i}].source`, item(i).source);
        return item(i).source;
      });
      return;
    }
    // A pair list needs a destination on every entry: an entry without one keeps its source name.
    // Sized once: grown by push, a million-entry array leaves twice its size of garbage.
    const lines: string[] = new Array(paired >= 0 ? 2 * paths.length : paths.length);
    for (let i = 0, o = 0; i < paths.length; i++) {
      const source = item(i).source;
      checkListable(i, "source", source);
      lines[o++] = source;
      if (paired < 0) continue;
      const to = item(i).destination;
      if (typeof to === "string") checkListable(i, "destination", to);
      lines[o++] = typeof to === "string" ? to : source;
    }
    d.fileList = { option: paired >= 0 ? "--file-pair-list" : "--file-list", lines };
  },

  destination(d) {
    const root = d.spec.destination_root;
    d.destination = base64(typeof root === "string" ? root : d.spec.direction === "receive" ? "." : "/");
  },
};

export function planTransfer(session: PlanInput, ctx: PlanContext): Plan {
  const map = transferSpecMap;
  const agent = session.agent ?? {};
  const warnings: PlanWarning[] = [];
  const { spec, impliedBy } = resolveSafety(session.spec, map, warnings);
  const d: Draft = {
    spec,
    agent,
    ctx,
    map,
    byKey: new Map(),
    originOf: new Map([...impliedBy].map(([k, by]) => [k, `spec.${by}`])),
    env: new Map(),
    fileList: null,
    sources: [],
    warnings,
    destination: "",
    sessionCount: 1,
    udpPortBase: null,
    wss: false,
  };
  applyGeneric(d);
  for (const name of SPECIALS) specials[name](d);

  const args = agent.quiet === false ? [] : ["-q"];
  const argOrigins: ArgOrigin[] = args.map(() => "agent.quiet");
  for (const key of map.keys) {
    const part = d.byKey.get(key);
    if (!part) continue;
    const origin = d.originOf.get(key) ?? `spec.${key}`;
    for (const arg of part) {
      args.push(arg);
      argOrigins.push(origin);
    }
  }
  args.push("--dest64");
  argOrigins.push("spec.destination_root");

  const env: Record<string, string> = {};
  const secretEnvNames: string[] = [];
  for (const [name, { value, secret }] of d.env) {
    env[name] = value;
    if (secret) secretEnvNames.push(name);
  }

  const specKeys = Object.keys(session.spec);
  const ignored = specKeys.filter((k) => map.mappings[k]?.kind === "ignore");
  for (const key of ignored) {
    const m = map.mappings[key] as Extract<AscpMapping, { kind: "ignore" }>;
    if (m.applies !== undefined && isOn(session.spec[key])) {
      warnings.push({ code: "key_not_applied", key, message: `spec.${key} is used by ${m.agent} only; ascp does not apply it: ${m.applies}` });
    }
  }
  return {
    args,
    argOrigins,
    env,
    secretEnvNames,
    fileList: d.fileList,
    sources: d.sources,
    destination: d.destination,
    ascpArgs: [...(agent.ascp_args ?? [])],
    sessionCount: d.sessionCount,
    udpPortBase: d.udpPortBase,
    wss: d.wss,
    warnings,
    // Own keys only: `in` would take constructor or __proto__ (Object.prototype's) for known keys.
    unknownKeys: specKeys.filter((k) => !Object.hasOwn(map.mappings, k)),
    ignoredKeys: ignored.filter((k) => !warnings.some((w) => w.key === k)),
  };
}

/** The plan with machine-dependent options (agent-env.ts) added before --dest64, their warnings appended. */
export function withAgentExtras(plan: Plan, extras: { env: Record<string, string>; args: string[]; origins: ArgOrigin[]; warnings: PlanWarning[] }): Plan {
  const at = plan.args.length - 1;
  return {
    ...plan,
    env: { ...plan.env, ...extras.env },
    args: [...plan.args.slice(0, at), ...extras.args, ...plan.args.slice(at)],
    argOrigins: [...plan.argOrigins.slice(0, at), ...extras.origins, ...plan.argOrigins.slice(at)],
    warnings: [...plan.warnings, ...extras.warnings],
  };
}

/**
 * Completes a plan with the part that depends on the machine (agent-env.ts: trusted certificates, SSH bypass keys
 * found next to ascp): their options go before --dest64, which stays the last generated option. Pure given the
 * machine view; warnings are for the log.
 */
export function planAgentExtras(plan: Plan, session: PlanInput, ascpPath: string, machine: MachineView): { plan: Plan; warnings: string[] } {
  const agent = session.agent ?? {};
  const warnings = (agent.trusted_certs ?? []).filter((c) => machine.isFile(c)).length > 1
    ? ["agent.trusted_certs: ascp reads one certificate file (SSL_CERT_FILE); only the first is used"]
    : [];
  return { plan: withAgentExtras(plan, agentExtras(agent, session.spec, ascpPath, machine, plan.wss)), warnings };
}

export interface SessionArgvOptions {
  /** 1-based index of this session among plan.sessionCount. */
  index: number;
  mgmtPort: number;
  /** Passed with -u; ascp echoes it as UserStr in every frame. Absent: no -u (agent.ascp_args bring the user's own). */
  userStr?: string;
  /** Where plan.fileList.lines were written; required when the plan has lines. */
  fileListPath?: string;
}

/**
 * The full argv of session `index` — -M, -u, generated options, -C/-O, file list, ascp_args, sources,
 * destination — and, element by element, what produced it.
 */
export function sessionArgvWithOrigins(plan: Plan, o: SessionArgvOptions): { argv: string[]; origins: ArgOrigin[] } {
  if (!Number.isInteger(o.index) || o.index < 1 || o.index > plan.sessionCount) {
    throw new RangeError(`session index ${o.index} is outside 1..${plan.sessionCount}`);
  }
  const argv: string[] = [];
  const origins: ArgOrigin[] = [];
  // Loops, not spreads: ascp_args may hold more items than a call can take arguments.
  const add = (origin: ArgOrigin, ...items: string[]) => {
    for (const item of items) {
      argv.push(item);
      origins.push(origin);
    }
  };
  add("engine", "-M", String(o.mgmtPort));
  // Without a nonce (the user gave their own -u in ascp_args) ascp gets no -u from the engine.
  if (o.userStr !== undefined) add("engine", "-u", o.userStr);
  for (let i = 0; i < plan.args.length; i++) {
    argv.push(plan.args[i]!);
    origins.push(plan.argOrigins[i]!);
  }
  if (plan.sessionCount > 1) {
    add("spec.multi_session", "-C", `${o.index}:${plan.sessionCount}`);
    if (plan.udpPortBase !== null) add("agent.multi_incr_udp", "-O", String(plan.udpPortBase + o.index - 1));
  }
  if (plan.fileList) {
    const listPath = "path" in plan.fileList ? plan.fileList.path : o.fileListPath;
    if (listPath === undefined) throw new Error("sessionArgv: the plan has file list lines but no fileListPath was given");
    add("path" in plan.fileList ? "agent.file_list" : "spec.paths", plan.fileList.option, listPath);
  }
  for (const arg of plan.ascpArgs) add("agent.ascp_args", arg);
  add("spec.paths", ...plan.sources);
  add("spec.destination_root", plan.destination);
  return { argv, origins };
}

/** The full argv of session `index` (see sessionArgvWithOrigins). */
export function sessionArgv(plan: Plan, o: SessionArgvOptions): string[] {
  return sessionArgvWithOrigins(plan, o).argv;
}

const shellQuote = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** A shell-like line for dry runs and logs: env assignments (secret values masked), then the command. */
export function maskedCommandLine(ascpPath: string, argv: string[], plan: Plan): string {
  const env = Object.entries(plan.env).map(([name, value]) => `${name}=${plan.secretEnvNames.includes(name) ? "***" : shellQuote(value)}`);
  return [...env, shellQuote(ascpPath), ...argv.map(shellQuote)].join(" ");
}
