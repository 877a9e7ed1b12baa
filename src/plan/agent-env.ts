// Agent options that depend on the local machine (which files exist), kept apart from the pure planner:
// - trusted_certs: certificate files and folders ascp trusts for HTTPS (WSS), given through OpenSSL's
//   SSL_CERT_FILE / SSL_CERT_DIR (absent: ascp's default store), and with a WebSocket session the first
//   one also as -i, the way aspera-cli gives ascp its certificate store;
// - client_ssh_key: with token authentication, the SDK's SSH bypass keys found next to ascp (-i), as aspera-cli:
//   only over SSH (not WSS) and when neither remote_password nor ssh_private_key is given; a key file
//   (ssh_private_key_path) gets them too. Token-only with none found: a warning naming where it looked.
import type { PlanWarning } from "./plan.js";
import path from "node:path";

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

  const warnings: PlanWarning[] = [];
  // With WSS there is no SSH session: the -i slot is the certificate store (ascp uses the first only).
  if (wss) return certs.length > 0 ? { env, args: ["-i", certs[0]!], origins: ["agent.trusted_certs", "agent.trusted_certs"], warnings } : { env, args: [], origins: [], warnings };
  const args: string[] = [];
  const choice = agent.client_ssh_key ?? "rsa";
  const given = (k: string) => spec[k] !== undefined && spec[k] !== null;
  const tokenAuth = typeof spec.token === "string" && spec.token !== "";
  const result = () => ({ env, args, origins: args.map(() => "agent.client_ssh_key"), warnings });
  if (!tokenAuth || given("remote_password") || given("ssh_private_key")) return result();
  const folders = [path.dirname(ascpPath), path.join(path.dirname(ascpPath), "..", "etc")];
  const candidates = choice === "none" ? [] : BYPASS_KEYS[choice].flatMap((name) => folders.map((f) => path.join(f, name)));
  for (const name of choice === "none" ? [] : BYPASS_KEYS[choice]) {
    const found = folders.map((f) => path.join(f, name)).find((p) => machine.isFile(p));
    if (found && !args.includes(found)) args.push("-i", found);
  }
  // Without a bypass key or a key of the user's, ascp has nothing to authenticate the SSH session with.
  if (args.length === 0 && !given("ssh_private_key_path")) {
    warnings.push({
      code: "no_bypass_key",
      key: "token",
      message:
        choice === "none"
          ? "token authentication without a password or key, and agent.client_ssh_key is none: ascp has no SSH key to authenticate with"
          : `token authentication without a password or key, and no SSH bypass key found (looked for ${candidates.join(", ")}): ascp will fail to authenticate`,
    });
  }
  return result();
}
