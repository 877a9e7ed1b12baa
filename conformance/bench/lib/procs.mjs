// Process plumbing for the benchmarks: start the engine (or the pass-through) with the usage hook, and read
// its stdout cheaply enough that the reader is never what is being measured.
import { spawn, execFileSync } from "node:child_process";
import { readFileSync, existsSync, mkdtempSync, openSync, closeSync, rmSync, constants } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { once } from "node:events";

export const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
export const CLI = join(ROOT, "dist", "cli.js");
export const SIM = join(ROOT, "conformance", "simulator", "ascp");
export const PASSTHROUGH = fileURLToPath(new URL("../passthrough.mjs", import.meta.url));
const HOOK = pathToFileURL(fileURLToPath(new URL("./usage-hook.mjs", import.meta.url))).href;
const RECV_HOOK = pathToFileURL(fileURLToPath(new URL("./recv-hook.mjs", import.meta.url))).href;
const COMMAND_HOOK = pathToFileURL(fileURLToPath(new URL("./command-hook.mjs", import.meta.url))).href;

let stdoutKind = "socketpair";
/** What start() gives a child as stdout unless told: "fifo" or "socketpair" (see start). */
export function setStdoutKind(kind) {
  if (kind !== "fifo" && kind !== "socketpair") throw new Error(`stdout is fifo or socketpair, not ${kind}`);
  stdoutKind = kind;
}

/**
 * Starts `node <script> ...args`. With usageFile, every Node process of the tree (engine, simulator) appends its
 * CPU time and peak RSS there at exit. t0 is taken just before spawn: "process start" in the startup figures.
 */
export function start({ script, args = [], env = {}, usageFile = null, recvFile = null, commandFile = null, statsPerSec = 0, nodeArgs = [], stdin = "pipe", stdout = stdoutKind }) {
  const fullEnv = { ...process.env, ...env };
  const hooks = [];
  if (usageFile) {
    fullEnv.BENCH_USAGE_FILE = usageFile;
    hooks.push(`--import=${HOOK}`);
  }
  if (recvFile) fullEnv.BENCH_RECV_FILE = recvFile;
  if (statsPerSec > 0) fullEnv.BENCH_STATS_PER_SEC = String(statsPerSec);
  if (recvFile || statsPerSec > 0) hooks.push(`--import=${RECV_HOOK}`);
  if (commandFile) {
    fullEnv.BENCH_COMMAND_FILE = commandFile;
    hooks.push(`--import=${COMMAND_HOOK}`);
  }
  if (hooks.length) fullEnv.NODE_OPTIONS = [process.env.NODE_OPTIONS ?? "", ...hooks].join(" ").trim();
  // stdout: a pipe ("fifo"), as Python's, Go's and Java's bindings and shells give the engine, or the socket pair
  // ("socketpair") that Node gives a child for "pipe".
  const out = stdout === "fifo" ? openFifo() : null;
  const t0 = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, ...(script ? [script] : []), ...args], { env: fullEnv, stdio: [stdin, out ? out.writeFd : "pipe", "pipe"] });
  if (out) {
    closeSync(out.writeFd);
    Object.defineProperty(child, "stdout", { value: out.stream });
  }
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (d) => {
    if (stderr.length < 65536) stderr += d;
  });
  const exited = once(child, "exit").then(([code, signal]) => ({ code, signal, t: performance.now() - t0 }));
  // Streams closed too: every byte of stdout has been delivered to the reader.
  const closed = Promise.all([exited, once(child, "close"), out ? once(out.stream, "close") : null]).then(([e]) => e);
  return { child, t0, exited: closed, stderr: () => stderr };
}

/** A named pipe, opened at both ends (the read end first, non-blocking, so that opening the write end does not wait). */
function openFifo() {
  const dir = mkdtempSync(join(tmpdir(), "asession-bench-fifo-"));
  const path = join(dir, "out");
  execFileSync("mkfifo", [path]);
  const readFd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  const writeFd = openSync(path, constants.O_WRONLY);
  rmSync(dir, { recursive: true });
  return { writeFd, stream: new net.Socket({ fd: readFd, readable: true, writable: false }) };
}

/** Usage records of one run, keyed by role (engine, ascp, passthrough). */
export function readUsage(file) {
  if (!existsSync(file)) return {};
  const out = {};
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (!line) continue;
    const r = JSON.parse(line);
    const role = r.script.endsWith("cli.js") ? "engine" : r.script.endsWith("ascp") ? "ascp" : r.script.endsWith("passthrough.mjs") ? "passthrough" : r.script;
    out[role] = { cpu_ms: (r.user_us + r.sys_us) / 1000, user_ms: r.user_us / 1000, sys_ms: r.sys_us / 1000, peak_rss_mb: (r.hwm_kb ?? r.max_rss_kb) / 1024 };
  }
  return out;
}

const STATS_PREFIX = '{"type":"STATS"';
const FILE_BYTES = '"file_bytes":';

function intAt(s, i) {
  let n = 0;
  for (let c = s.charCodeAt(i); c >= 48 && c <= 57; c = s.charCodeAt(++i)) n = n * 10 + (c - 48);
  return n;
}

/**
 * Reads the engine's NDJSON. STATS lines are only counted and their file_bytes checked for order (no JSON.parse:
 * 1,000,000 of them would make the reader the bottleneck); every other line is parsed. Times are ms since t0,
 * taken once per chunk. With linesPerSec, the reader paces itself: after each chunk it pauses as long as
 * reading that many lines at that rate takes.
 */
export class EventReader {
  constructor(stream, t0, { linesPerSec = null, onEvent = null, keep = () => true } = {}) {
    this.t0 = t0;
    this.lines = 0;
    this.stats = 0;
    this.firstStatsT = null;
    this.lastStatsT = null;
    this.lastStatsLine = null;
    this.lastFileBytes = -1;
    this.outOfOrder = 0;
    this.byType = {};
    this.firstT = {};
    this.lastT = {};
    this.events = [];
    this.onEvent = onEvent;
    this.keep = keep;
    this.bytes = 0;
    this.rest = "";
    this.done = new Promise((resolve) => stream.on("end", resolve));
    stream.on("data", (chunk) => {
      const t = performance.now() - t0;
      const before = this.lines;
      this.push(chunk, t);
      if (linesPerSec) {
        stream.pause();
        setTimeout(() => stream.resume(), ((this.lines - before) * 1000) / linesPerSec);
      }
    });
  }

  push(chunk, t) {
    this.bytes += chunk.length;
    const s = this.rest ? this.rest + chunk.toString("latin1") : chunk.toString("latin1");
    let p = 0;
    for (let nl = s.indexOf("\n"); nl >= 0; nl = s.indexOf("\n", p)) {
      this.line(s, p, nl, t);
      p = nl + 1;
    }
    this.rest = p < s.length ? s.slice(p) : "";
  }

  line(s, start, end, t) {
    this.lines++;
    if (s.startsWith(STATS_PREFIX, start)) {
      this.stats++;
      if (this.firstStatsT === null) this.firstStatsT = t;
      this.lastStatsT = t;
      const at = s.indexOf(FILE_BYTES, start);
      if (at > 0 && at < end) {
        const n = intAt(s, at + FILE_BYTES.length);
        if (n <= this.lastFileBytes) this.outOfOrder++;
        this.lastFileBytes = n;
      }
      this.lastStatsLine = s.slice(start, end);
      return;
    }
    // latin1 above keeps chunk cuts cheap; JSON text is UTF-8, so re-decode the few lines that are parsed.
    const ev = JSON.parse(Buffer.from(s.slice(start, end), "latin1").toString("utf8"));
    this.byType[ev.type] = (this.byType[ev.type] ?? 0) + 1;
    this.firstT[ev.type] ??= t;
    this.lastT[ev.type] = t;
    if (this.keep(ev)) this.events.push(ev);
    this.onEvent?.(ev, t);
  }

  lastStats() {
    return this.lastStatsLine === null ? null : JSON.parse(this.lastStatsLine);
  }

  last(type) {
    for (let i = this.events.length - 1; i >= 0; i--) if (this.events[i].type === type) return this.events[i];
    return null;
  }
}

/**
 * Reads raw management frames (the pass-through's output): frames are cut at the empty line, STATS counted and
 * their FileBytes checked for order, the same amount of work per event as EventReader does for STATS.
 */
export class FrameReader {
  /** onFrame(type, text, t): each frame's text (latin1), for a caller that waits for one. */
  constructor(stream, t0, { onFrame = null } = {}) {
    this.t0 = t0;
    this.onFrame = onFrame;
    this.stats = 0;
    this.firstStatsT = null;
    this.lastStatsT = null;
    this.lastFileBytes = -1;
    this.outOfOrder = 0;
    this.byType = {};
    this.lastT = {};
    this.lastFileBytesOf = {};
    this.bytes = 0;
    this.rest = "";
    this.done = new Promise((resolve) => stream.on("end", resolve));
    stream.on("data", (chunk) => this.push(chunk, performance.now() - t0));
  }

  push(chunk, t) {
    this.bytes += chunk.length;
    const s = this.rest ? this.rest + chunk.toString("latin1") : chunk.toString("latin1");
    let p = 0;
    for (let e = s.indexOf("\n\n"); e >= 0; e = s.indexOf("\n\n", p)) {
      this.frame(s, p, e, t);
      p = e + 2;
    }
    this.rest = p < s.length ? s.slice(p) : "";
  }

  frame(s, start, end, t) {
    const typeAt = s.indexOf("Type: ", start) + 6;
    const stats = s.startsWith("STATS\n", typeAt);
    const type = stats ? "STATS" : s.slice(typeAt, s.indexOf("\n", typeAt));
    const at = s.indexOf("\nFileBytes: ", start);
    const fileBytes = at > 0 && at < end ? intAt(s, at + 12) : null;
    if (stats) {
      this.stats++;
      if (this.firstStatsT === null) this.firstStatsT = t;
      this.lastStatsT = t;
      if (fileBytes !== null) {
        if (fileBytes <= this.lastFileBytes) this.outOfOrder++;
        this.lastFileBytes = fileBytes;
      }
    }
    this.byType[type] = (this.byType[type] ?? 0) + 1;
    this.lastT[type] = t;
    if (fileBytes !== null) this.lastFileBytesOf[type] = fileBytes;
    if (this.onFrame && !stats) this.onFrame(type, s.slice(start, end), t);
  }
}

/** The simulator's JSONL record (ASCP_SIM_RECORD), as objects. */
export function readRecord(file) {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}
