// A tiny manager for tests: listens, spawns the simulator with -M, collects frames, sends
// commands, waits for the exit.
import net from "node:net";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { mkdtempSync, readFileSync, existsSync, rmSync } from "node:fs";
import { createHash } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { FrameParser } from "../lib/frames.mjs";

export const ASCP = fileURLToPath(new URL("../ascp", import.meta.url));

const created = [];
export const tmpDir = (tag = "t") => {
  const dir = mkdtempSync(path.join(os.tmpdir(), `ascp-sim-${tag}-`));
  created.push(dir);
  return dir;
};

// Removes every folder tmpDir made in this test file (call from afterAll).
export const cleanupTmp = () => {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
};

export const sha = (file) => createHash("sha256").update(readFileSync(file)).digest("hex");

export function readRecord(file) {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

// Runs one simulator process. opts: { args (or port => argv, to place -M itself), env,
// onFrame(frame, run), mgmt: false to omit -M,
// keepRaw: keep the raw text, countOnly: do not keep frames (blast) }.
export async function runSim({ args, env = {}, onFrame, mgmt = true, keepRaw = false, countOnly = false, cwd }) {
  const server = net.createServer();
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const port = server.address().port;
  const run = {
    frames: [],
    junk: [],
    raw: "",
    count: 0,
    last: null,
    socket: null,
    stderr: "",
    stdout: "",
    send(type, fields = {}) {
      let text = `FASPMGR 2\nType: ${type}\n`;
      for (const [k, v] of Object.entries(fields)) text += `${k}: ${v}\n`;
      this.socket.write(`${text}\n`);
    },
    waitFor(pred, timeoutMs = 10000) {
      return new Promise((resolve, reject) => {
        const t0 = Date.now();
        const tick = () => {
          const f = this.frames.find(pred);
          if (f) return resolve(f);
          if (Date.now() - t0 > timeoutMs) return reject(new Error("timeout waiting for frame"));
          setTimeout(tick, 10);
        };
        tick();
      });
    },
  };
  let connected;
  run.connected = new Promise((r) => {
    connected = r;
  });
  server.on("connection", (socket) => {
    run.socket = socket;
    socket.setEncoding("utf8");
    const parser = new FrameParser();
    socket.on("data", (chunk) => {
      if (keepRaw) run.raw += chunk;
      const { frames, junk } = parser.feed(chunk);
      run.junk.push(...junk);
      for (const { frame } of frames) {
        run.count++;
        run.last = frame;
        if (!countOnly || frame.Type !== "STATS") run.frames.push(frame);
        onFrame?.(frame, run);
      }
    });
    socket.on("error", () => {});
    connected(socket);
  });
  const fullArgs = typeof args === "function" ? args(port) : mgmt ? ["-M", String(port), ...args] : args;
  const child = spawn(process.execPath, [ASCP, ...fullArgs], { env: { ...process.env, ...env }, cwd, stdio: ["ignore", "pipe", "pipe"] });
  run.child = child;
  child.stderr.on("data", (d) => (run.stderr += d));
  child.stdout.on("data", (d) => (run.stdout += d));
  run.port = port;
  // Done when the process has exited and the manager side has read everything up to EOF.
  const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  run.exit = exited.then(async (status) => {
    if (run.socket && !run.socket.readableEnded) {
      await Promise.race([new Promise((r) => run.socket.once("close", r)), new Promise((r) => setTimeout(r, 5000))]);
    }
    server.close();
    run.socket?.destroy();
    return status;
  });
  return run;
}

export const types = (run) => run.frames.map((f) => f.Type);
