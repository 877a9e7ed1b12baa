// The least a Node program must do before a session's SPAWN event, for the start-up table's reference row: read the
// spec (one JSON line on stdin), write the file list, listen on a management port, start ascp, print SPAWN. No
// validation, no plan, no redaction, no events after it: whatever asession needs more than this is its own cost.
// The rest of the session (ascp's connection, frames, RESULT) is not handled; ascp is stopped once it started.
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { spawn } from "node:child_process";

let text = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => {
  text += chunk;
  const nl = text.indexOf("\n");
  if (nl < 0) return;
  process.stdin.pause();
  const { spec, agent } = JSON.parse(text.slice(0, nl));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "min-spawn-"));
  const list = path.join(dir, "file-list.txt");
  fs.writeFileSync(list, `${spec.paths.map((p) => p.source).join("\n")}\n`);
  const server = net.createServer().listen({ host: "127.0.0.1", port: 0 }, () => {
    const argv = ["-M", String(server.address().port), "--mode", spec.direction, "--host", spec.remote_host, "--file-list", list, spec.destination_root];
    const ascp = spawn(agent.ascp_path, argv, { stdio: ["ignore", "ignore", "ignore"], detached: true });
    ascp.once("spawn", () => {
      process.stdout.write(`${JSON.stringify({ type: "SPAWN", pid: ascp.pid, argv })}\n`);
      ascp.kill();
      server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });
  });
});
