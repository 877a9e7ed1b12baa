// Agent options that depend on the local machine (which files exist), kept apart from the pure planner:
// - trusted_certs: certificate files and folders ascp trusts for HTTPS (WSS), given through OpenSSL's
//   SSL_CERT_FILE / SSL_CERT_DIR (absent: ascp's default store), and with a WebSocket session the first
//   one also as -i, the way aspera-cli gives ascp its certificate store;
// - client_ssh_key: with token authentication, the SDK's SSH bypass keys found next to ascp (-i), as aspera-cli:
//   only over SSH (not WSS) and when neither remote_password nor ssh_private_key is given; a key file
//   (ssh_private_key_path) gets them too. Token-only with none found: a warning naming where it looked;
// - http_fallback on: aspera-cli's HTTPS fallback key and certificate (-Y, -I) when both are next to ascp.
import type { PlanWarning } from "./plan.js";
import path from "node:path";
import { AGENT_DEFAULTS } from "../generated/facts.js";

export interface MachineView {
  isDirectory(p: string): boolean;
  isFile(p: string): boolean;
}

export interface AgentExtras {
  env: Record<string, string>;
  /** Options to add to the generated ones. */
  args: string[];
  /** origins[i]: the agent option that produced args[i]. */
  origins: string[];
  warnings: PlanWarning[];
}

/** Key file names shipped by Aspera SDKs and clients, per client_ssh_key choice, looked up in ascp's folder and ../etc. */
const BYPASS_KEYS: Record<"rsa" | "dsa_rsa", string[]> = {
  rsa: ["aspera_bypass_rsa.pem", "aspera_tokenauth_id_rsa"],
  dsa_rsa: ["aspera_bypass_dsa.pem", "asperaweb_id_dsa.openssh", "aspera_bypass_rsa.pem", "aspera_tokenauth_id_rsa"],
};

/** The HTTPS fallback key and certificate aspera-cli keeps in the SDK folder (it generates them; asession does not). */
const FALLBACK_PAIR = { key: "aspera_fallback_cert_private_key.pem", cert: "aspera_fallback_cert.pem" };

type Found = { args: string[]; origin: string; warnings?: PlanWarning[] };

/** Token authentication over SSH: the SDK's bypass keys, as aspera-cli (see the file comment). */
function bypassKeys(choice: "rsa" | "dsa_rsa" | "none", spec: Record<string, unknown>, folders: string[], machine: MachineView): Found {
  const given = (k: string) => spec[k] !== undefined && spec[k] !== null;
  const tokenAuth = typeof spec.token === "string" && spec.token !== "";
  const found: Found = { args: [], origin: "agent.client_ssh_key", warnings: [] };
  if (!tokenAuth || given("remote_password") || given("ssh_private_key")) return found;
  const names = choice === "none" ? [] : BYPASS_KEYS[choice];
  for (const name of names) {
    const file = folders.map((f) => path.join(f, name)).find((p) => machine.isFile(p));
    if (file && !found.args.includes(file)) found.args.push("-i", file);
  }
  // Without a bypass key or a key of the user's, ascp has nothing to authenticate the SSH session with.
  if (found.args.length === 0 && !given("ssh_private_key_path")) {
    const looked = names.flatMap((name) => folders.map((f) => path.join(f, name)));
    found.warnings!.push({
      code: "no_bypass_key",
      key: "token",
      message:
        choice === "none"
          ? "token authentication without a password or key, and agent.client_ssh_key is none: ascp has no SSH key to authenticate with"
          : `token authentication without a password or key, and no SSH bypass key found (looked for ${looked.join(", ")}): ascp will fail to authenticate`,
    });
  }
  return found;
}

/** With HTTP fallback on, aspera-cli's fallback key and certificate (-Y, -I) when both are next to ascp. */
function fallbackPair(spec: Record<string, unknown>, folders: string[], machine: MachineView): Found {
  const on = spec.http_fallback === true || spec.http_fallback === "force";
  const find = (name: string) => folders.map((f) => path.join(f, name)).find((p) => machine.isFile(p));
  const key = on ? find(FALLBACK_PAIR.key) : undefined;
  const cert = on ? find(FALLBACK_PAIR.cert) : undefined;
  return { args: key && cert ? ["-Y", key, "-I", cert] : [], origin: "spec.http_fallback" };
}

export function agentExtras(
  agent: { trusted_certs?: string[] | null; client_ssh_key?: "rsa" | "dsa_rsa" | "none" },
  spec: Record<string, unknown>,
  ascpPath: string,
  machine: MachineView,
  /** The plan uses the WebSocket session: no SSH, so no bypass keys; trusted_certs then also give -i. */
  wss = false,
): AgentExtras {
  const env: Record<string, string> = {};
  const certs = agent.trusted_certs ?? [];
  const files = certs.filter((c) => !machine.isDirectory(c));
  const dirs = certs.filter((c) => machine.isDirectory(c));
  // OpenSSL reads one CA file but a list of folders.
  if (files.length > 0) env.SSL_CERT_FILE = files[0]!;
  if (dirs.length > 0) env.SSL_CERT_DIR = dirs.join(path.delimiter);

  const folders = [path.dirname(ascpPath), path.join(path.dirname(ascpPath), "..", "etc")];
  const parts: Found[] = [
    // With WSS there is no SSH session: the -i slot is the certificate store (ascp uses the first only).
    wss ? { args: certs.length > 0 ? ["-i", certs[0]!] : [], origin: "agent.trusted_certs" } : bypassKeys(agent.client_ssh_key ?? AGENT_DEFAULTS.client_ssh_key, spec, folders, machine),
    fallbackPair(spec, folders, machine),
  ];
  return {
    env,
    args: parts.flatMap((p) => p.args),
    origins: parts.flatMap((p) => p.args.map(() => p.origin)),
    warnings: parts.flatMap((p) => p.warnings ?? []),
  };
}
