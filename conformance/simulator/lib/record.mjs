// JSON-lines record of what the simulator saw and did ($ASCP_SIM_RECORD). Each line is written
// synchronously so a test can read it even after a crash fault.
import { openSync, writeSync, closeSync, statSync, readFileSync } from "node:fs";
import { createHash } from "node:crypto";

const SECRET_ENV = [
  "ASPERA_SCP_PASS",
  "ASPERA_SCP_TOKEN",
  "ASPERA_SCP_COOKIE",
  "ASPERA_SCP_FILEPASS",
  "ASPERA_SCP_KEY",
  "ASPERA_SRC_PASS",
  "ASPERA_DST_PASS",
  "ASPERA_PROXY_PASS",
];

export const sha256 = (s) => `sha256:${createHash("sha256").update(s).digest("hex")}`;

export class Recorder {
  constructor(path) {
    this.path = path || null;
    this.fd = this.path ? openSync(this.path, "a") : null;
  }

  write(obj) {
    if (this.fd === null) return;
    writeSync(this.fd, `${JSON.stringify({ t: Date.now(), ...obj })}\n`);
  }

  start(argv) {
    this.write({ kind: "start", pid: process.pid, argv, cwd: process.cwd() });
  }

  // Names only, and secrets as hashes; plus checks a test can assert without knowing the values.
  env(argv, env) {
    const names = Object.keys(env).filter((n) => /^(ASPERA_|ASCP_)/.test(n)).sort();
    const secrets = {};
    const values = [];
    for (const n of SECRET_ENV) {
      if (env[n] === undefined) continue;
      secrets[n] = sha256(env[n]);
      if (env[n] !== "") values.push(env[n]);
    }
    const onArgv = argv.some((a) => values.some((v) => a === v || a.includes(v)));
    const inOtherEnv = Object.entries(env).some(
      ([n, v]) => !SECRET_ENV.includes(n) && typeof v === "string" && values.some((s) => v.includes(s)),
    );
    this.write({ kind: "env", names, all_names: Object.keys(env).sort(), secrets, secret_on_argv: onArgv, secret_in_other_env: inOtherEnv });
  }

  // Reads and records a file list exactly as the manager wrote it. Returns its lines.
  fileList(option, path) {
    const st = statSync(path);
    const content = readFileSync(path, "utf8");
    const lines = content.split("\n");
    if (lines.length && lines[lines.length - 1] === "") lines.pop();
    this.write({
      kind: "file_list",
      option,
      path,
      mode: (st.mode & 0o777).toString(8).padStart(4, "0"),
      size: st.size,
      crlf: content.includes("\r\n"),
      lines,
    });
    return lines.map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
  }

  close() {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
