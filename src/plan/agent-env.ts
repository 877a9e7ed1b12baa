// Agent options that depend on the local machine (which files exist), kept apart from the pure planner:
// - trusted_certs: certificate files and folders ascp trusts for HTTPS (WSS), given through OpenSSL's
//   SSL_CERT_FILE / SSL_CERT_DIR (absent: ascp's default store);
// - client_ssh_key: with token authentication, the SDK's SSH bypass keys found next to ascp (-i).
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
}

/** Key file names shipped by Aspera SDKs and clients, per client_ssh_key choice, looked up in ascp's folder and ../etc. */
const BYPASS_KEYS: Record<"rsa" | "dsa_rsa", string[]> = {
  rsa: ["aspera_bypass_rsa.pem", "aspera_tokenauth_id_rsa"],
  dsa_rsa: ["aspera_bypass_dsa.pem", "asperaweb_id_dsa.openssh", "aspera_bypass_rsa.pem", "aspera_tokenauth_id_rsa"],
};

export function agentExtras(
  agent: { trusted_certs?: string[] | null; client_ssh_key?: "rsa" | "dsa_rsa" | "none" },
  spec: Record<string, unknown>,
  ascpPath: string,
  machine: MachineView,
): AgentExtras {
  const env: Record<string, string> = {};
  const certs = agent.trusted_certs ?? [];
  const files = certs.filter((c) => !machine.isDirectory(c));
  const dirs = certs.filter((c) => machine.isDirectory(c));
  // OpenSSL reads one CA file but a list of folders.
  if (files.length > 0) env.SSL_CERT_FILE = files[0]!;
  if (dirs.length > 0) env.SSL_CERT_DIR = dirs.join(path.delimiter);

  const args: string[] = [];
  const choice = agent.client_ssh_key ?? AGENT_DEFAULTS.client_ssh_key;
  const tokenAuth = typeof spec.token === "string" && spec.token !== "";
  const ownKey = spec.ssh_private_key !== undefined || spec.ssh_private_key_path !== undefined;
  if (choice !== "none" && tokenAuth && !ownKey) {
    const folders = [path.dirname(ascpPath), path.join(path.dirname(ascpPath), "..", "etc")];
    for (const name of BYPASS_KEYS[choice]) {
      const found = folders.map((f) => path.join(f, name)).find((p) => machine.isFile(p));
      if (found && !args.includes(found)) args.push("-i", found);
    }
  }
  return { env, args };
}
