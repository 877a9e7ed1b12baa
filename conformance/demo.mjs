#!/usr/bin/env node
// The README's "run it" command: one real asession job (the built engine, dist/cli.js) whose ascp is the
// SIMULATOR in conformance/simulator — a stand-in for IBM's ascp that copies local files. Nothing here talks
// to an Aspera server, and nothing it prints is a real ascp's output.
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const work = fs.mkdtempSync(path.join(os.tmpdir(), "asession-demo-"));
const local = path.join(work, "local");
fs.mkdirSync(path.join(local, "photos"), { recursive: true });
fs.writeFileSync(path.join(local, "report.pdf"), crypto.randomBytes(300_000));
fs.writeFileSync(path.join(local, "photos", "été 2026.jpg"), crypto.randomBytes(150_000));

const session = {
  spec: {
    direction: "send",
    remote_host: "demo.example",
    remote_user: "xfer",
    remote_password: "demo-password",
    destination_root: "/inbox",
    create_dir: true,
    target_rate_kbps: 2000,
    paths: [{ source: "report.pdf" }, { source: "photos" }],
  },
  agent: { ascp_path: path.join(root, "conformance/simulator/ascp") },
};

const banner = (text) => process.stderr.write(`\n=== ${text} ===\n`);
banner("DEMO: asession driving the ascp SIMULATOR (conformance/simulator), not IBM ascp");
process.stderr.write(`session spec (stdin):\n${JSON.stringify(session, null, 2)}\n`);
banner("NDJSON events from asession (stdout)");

const child = spawn(process.execPath, [path.join(root, "dist/cli.js")], {
  cwd: local,
  env: { ...process.env, ASCP_SIM_REMOTE_ROOT: path.join(work, "remote") },
  stdio: ["pipe", "inherit", "inherit"],
});
child.stdin.end(JSON.stringify(session));
child.on("close", (code) => {
  banner(`asession exited with status ${code}; the simulator's "remote host" folder now holds:`);
  const list = (dir) => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? list(path.join(dir, e.name)) : [path.join(dir, e.name)]));
  for (const file of list(path.join(work, "remote"))) process.stderr.write(`  ${path.relative(work, file)} (${fs.statSync(file).size} bytes)\n`);
  fs.rmSync(work, { recursive: true, force: true });
  process.exit(code ?? 1);
});
