// Transfer spec → ascp command line, environment and file list. Pure: no I/O, no clock, no randomness
// (the shared multi-session xfer_id comes from the caller). Driven by the x-ascp annotations of the schema;
// only the keys annotated {special} have code here, one handler per special name.
import { transferSpecMap, SPECIALS, type AscpMapping, type SpecialName, type TransferSpecMap } from "./ascp-map.js";

export class PlanError extends Error {
  /** Where in the session spec the problem is, e.g. `spec.paths[3].source`. */
  readonly path: string;
  constructor(path: string, message: string) {
    super(message);
    this.name = "PlanError";
    this.path = path;
  }
}

/** The agent options the planner reads (agent-options.schema.json). */
export interface PlanAgent {
  ascp_args?: string[];
  wss?: boolean;
  quiet?: boolean;
  file_list?: { path: string; pairs?: boolean };
  multi_incr_udp?: boolean;
}

/** A schema-valid session spec, as far as the planner is concerned. */
export interface PlanInput {
  spec: Record<string, unknown>;
  agent?: PlanAgent;
}

export interface PlanContext {
  /** Shared by all sessions of a multi-session job when tags.aspera.xfer_id is absent (a UUID). */
  xferId: string;
}

export type FileListOption = "--file-list" | "--file-pair-list";

/** lines: write them to a private file; path: an existing list given by agent.file_list. */
export type PlanFileList = { option: FileListOption; lines: string[] } | { option: FileListOption; path: string };

export interface Plan {
  /** Generated options in a stable order (schema order), ending with --dest64; no -M/-u, -C/-O, file list. */
  args: string[];
  /** Environment for ascp on top of the engine's own, secrets included. */
  env: Record<string, string>;
  secretEnvNames: string[];
  /** null for persistent sessions and when agent.ascp_args already name a file list. */
  fileList: PlanFileList | null;
  /** destination_root, base64 (for --dest64); always the last argument. */
  destination: string;
  ascpArgs: string[];
  /** Number of ascp processes (multi_session, at least 1). */
  sessionCount: number;
  /** UDP port of session 1 when each session gets its own (-O base+i-1); null otherwise. */
  udpPortBase: number | null;
  /** Spec keys nobody knows: the engine warns about them. */
  unknownKeys: string[];
  /** Spec keys only other agents use: the engine logs them at debug. */
  ignoredKeys: string[];
}

const DEFAULT_FASP_PORT = 33001;
const MAX_PORT = 65535;

const base64 = (s: string): string => Buffer.from(s, "utf8").toString("base64");
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const present = (v: unknown): boolean => v !== undefined && v !== null;

interface Draft {
  spec: Record<string, unknown>;
  agent: PlanAgent;
  ctx: PlanContext;
  map: TransferSpecMap;
  /** Arguments per spec key; assembled in schema order at the end. */
  byKey: Map<string, string[]>;
  env: Map<string, { value: string; secret: boolean }>;
  fileList: PlanFileList | null;
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
  if (m.repeat && !Array.isArray(value)) throw new PlanError(`spec.${key}`, `spec.${key} must be an array`);
  const values: unknown[] = m.repeat ? (value as unknown[]) : [value];
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

function mappingOf<K extends AscpMapping["kind"]>(map: TransferSpecMap, key: string, kind: K): Extract<AscpMapping, { kind: K }> {
  const m = map.mappings[key];
  if (m?.kind !== kind) throw new Error(`transfer-spec.schema.json: ${key} must have an x-ascp ${kind} annotation`);
  return m as Extract<AscpMapping, { kind: K }>;
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
        if (value === true) d.byKey.set(key, m.switches);
        break;
      case "env":
        if (m.unless !== undefined && present(d.spec[m.unless])) break;
        d.env.set(m.env, { value: scalar(key, value), secret: m.secret });
        break;
      case "special":
      case "ignore":
        break;
    }
  }
}

function fileListInAscpArgs(ascpArgs: string[]): boolean {
  return ascpArgs.some((a) => /^--file-(pair-)?list(=|$)/.test(a));
}

function checkListable(path: string, value: string): void {
  if (/[\r\n]/.test(value)) throw new PlanError(path, `${path} contains a newline; ascp file lists cannot hold it`);
}

const specials: Record<SpecialName, (d: Draft) => void> = {
  refuse_ascp4(d) {
    if (d.spec.use_ascp4 === true) throw new PlanError("spec.use_ascp4", "spec.use_ascp4: asession drives ascp only; ascp4 is not supported");
  },

  // The WebSocket session replaces SSH: its port takes -P, and the UDP port and SSH fingerprint do not apply.
  wss(d) {
    const port = d.spec.wss_port;
    if (d.agent.wss === false || d.spec.wss_enabled !== true || typeof port !== "number") return;
    d.wss = true;
    d.byKey.set("wss_enabled", ["--ws-connect"]);
    d.byKey.set("ssh_port", ["-P", String(port)]);
    d.byKey.delete("fasp_port");
    d.byKey.delete("sshfp");
  },

  multi_session(d) {
    const n = d.spec.multi_session;
    d.sessionCount = typeof n === "number" && n > 1 ? n : 1;
    if (d.sessionCount === 1) return;
    // One xfer_id for all parts lets the server see them as one transfer.
    const tags = isObject(d.spec.tags) ? d.spec.tags : {};
    const aspera = isObject(tags.aspera) ? tags.aspera : {};
    if (!present(aspera.xfer_id)) {
      d.byKey.set("tags", optionArgs("tags", mappingOf(d.map, "tags", "option"), { ...tags, aspera: { ...aspera, xfer_id: d.ctx.xferId } }));
    }
    if (d.agent.multi_incr_udp === false || d.wss) return;
    const base = typeof d.spec.fasp_port === "number" ? d.spec.fasp_port : DEFAULT_FASP_PORT;
    if (base + d.sessionCount - 1 > MAX_PORT) {
      throw new PlanError("spec.multi_session", `spec.multi_session: UDP ports ${base}..${base + d.sessionCount - 1} go past ${MAX_PORT}`);
    }
    d.udpPortBase = base;
    d.byKey.delete("fasp_port");
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
    d.env.set("ASPERA_PROXY_PASS", { value: decodeURIComponent(url.password), secret: true });
    url.password = "";
    d.byKey.set("proxy", ["--proxy", url.href]);
  },

  // ascp has one -t: the HTTPS port when data is encrypted, the HTTP port when cipher is none,
  // falling back to whichever one is given.
  fallback_port(d) {
    const http = d.spec.http_fallback_port;
    const https = d.spec.https_fallback_port;
    const port = d.spec.cipher === "none" ? (http ?? https) : (https ?? http);
    if (present(port)) d.byKey.set("https_fallback_port", ["-t", scalar("https_fallback_port", port)]);
  },

  paths(d) {
    const paths = d.spec.paths;
    const given = present(paths);
    const listFile = d.agent.file_list;
    if (d.spec.keepalive === true) {
      if (given || listFile) throw new PlanError(given ? "spec.paths" : "agent.file_list", "a persistent session (keepalive) takes no paths: send START commands instead");
      return;
    }
    if (listFile) {
      if (given) throw new PlanError("spec.paths", "spec.paths and agent.file_list cannot both be given");
      d.fileList = { option: listFile.pairs ? "--file-pair-list" : "--file-list", path: listFile.path };
      return;
    }
    if (fileListInAscpArgs(d.agent.ascp_args ?? [])) {
      if (given) throw new PlanError("spec.paths", "spec.paths cannot be given when agent.ascp_args already name a file list");
      return;
    }
    if (!Array.isArray(paths) || paths.length === 0) {
      throw new PlanError("spec.paths", "spec.paths needs at least one item (unless keepalive is true or agent.file_list is given)");
    }
    const items = paths.map((p, i) => {
      if (!isObject(p) || typeof p.source !== "string") throw new PlanError(`spec.paths[${i}].source`, `spec.paths[${i}].source is required`);
      checkListable(`spec.paths[${i}].source`, p.source);
      if (typeof p.destination === "string") checkListable(`spec.paths[${i}].destination`, p.destination);
      return { source: p.source, destination: typeof p.destination === "string" ? p.destination : undefined };
    });
    // A pair list needs a destination on every entry: an entry without one keeps its source name.
    const pairs = items.some((p) => p.destination !== undefined);
    d.fileList = pairs
      ? { option: "--file-pair-list", lines: items.flatMap((p) => [p.source, p.destination ?? p.source]) }
      : { option: "--file-list", lines: items.map((p) => p.source) };
  },

  destination(d) {
    const root = d.spec.destination_root;
    d.destination = base64(typeof root === "string" ? root : d.spec.direction === "receive" ? "." : "/");
  },
};

export function planTransfer(session: PlanInput, ctx: PlanContext): Plan {
  const map = transferSpecMap;
  const spec = session.spec;
  const agent = session.agent ?? {};
  const d: Draft = { spec, agent, ctx, map, byKey: new Map(), env: new Map(), fileList: null, destination: "", sessionCount: 1, udpPortBase: null, wss: false };
  applyGeneric(d);
  for (const name of SPECIALS) specials[name](d);

  // delete_source and remove_* may ask for the same switch: pass it once.
  const seenSwitches = new Set<string>();
  const args = agent.quiet === false ? [] : ["-q"];
  for (const key of map.keys) {
    const part = d.byKey.get(key);
    if (!part) continue;
    if (map.mappings[key].kind === "switch") {
      for (const s of part) {
        if (seenSwitches.has(s)) continue;
        seenSwitches.add(s);
        args.push(s);
      }
    } else for (const arg of part) args.push(arg);
  }
  args.push("--dest64");

  const env: Record<string, string> = {};
  const secretEnvNames: string[] = [];
  for (const [name, { value, secret }] of d.env) {
    env[name] = value;
    if (secret) secretEnvNames.push(name);
  }

  const specKeys = Object.keys(spec);
  return {
    args,
    env,
    secretEnvNames,
    fileList: d.fileList,
    destination: d.destination,
    ascpArgs: [...(agent.ascp_args ?? [])],
    sessionCount: d.sessionCount,
    udpPortBase: d.udpPortBase,
    // Own keys only: `in` would take constructor or __proto__ (Object.prototype's) for known keys.
    unknownKeys: specKeys.filter((k) => !Object.hasOwn(map.mappings, k)),
    ignoredKeys: specKeys.filter((k) => Object.hasOwn(map.mappings, k) && map.mappings[k]!.kind === "ignore"),
  };
}

export interface SessionArgvOptions {
  /** 1-based index of this session among plan.sessionCount. */
  index: number;
  mgmtPort: number;
  /** Passed with -u; ascp echoes it as UserStr in every frame. */
  userStr: string;
  /** Where plan.fileList.lines were written; required when the plan has lines. */
  fileListPath?: string;
}

/** The full argv of session `index`: -M, -u, generated options, -C/-O, file list, ascp_args, destination. */
export function sessionArgv(plan: Plan, o: SessionArgvOptions): string[] {
  if (!Number.isInteger(o.index) || o.index < 1 || o.index > plan.sessionCount) {
    throw new RangeError(`session index ${o.index} is outside 1..${plan.sessionCount}`);
  }
  const argv = ["-M", String(o.mgmtPort), "-u", o.userStr, ...plan.args];
  if (plan.sessionCount > 1) {
    argv.push("-C", `${o.index}:${plan.sessionCount}`);
    if (plan.udpPortBase !== null) argv.push("-O", String(plan.udpPortBase + o.index - 1));
  }
  if (plan.fileList) {
    const listPath = "path" in plan.fileList ? plan.fileList.path : o.fileListPath;
    if (listPath === undefined) throw new Error("sessionArgv: the plan has file list lines but no fileListPath was given");
    argv.push(plan.fileList.option, listPath);
  }
  // Not argv.push(...plan.ascpArgs): spreading 150,000 arguments into a call overflows the stack.
  for (const arg of plan.ascpArgs) argv.push(arg);
  argv.push(plan.destination);
  return argv;
}

const shellQuote = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** A shell-like line for dry runs and logs: env assignments (secret values masked), then the command. */
export function maskedCommandLine(ascpPath: string, argv: string[], plan: Plan): string {
  const env = Object.entries(plan.env).map(([name, value]) => `${name}=${plan.secretEnvNames.includes(name) ? "***" : shellQuote(value)}`);
  return [...env, shellQuote(ascpPath), ...argv.map(shellQuote)].join(" ");
}
