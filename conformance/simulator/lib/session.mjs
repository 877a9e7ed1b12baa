// One simulated ascp session: management connection, frames out, commands in, file jobs, faults.
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { randomUUID, createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { encodeFrame, FrameParser } from "./frames.mjs";
import { parseRate } from "./args.mjs";
import { findFault, findFaults } from "./scenario.mjs";
import { LocalSpace, RemoteSpace, ItemError, planTransfer, trimDest, makeFilter } from "./plan.mjs";
import { Limiter, decide, copyRange, fileChecksum, removeSource } from "./transfer.mjs";
import { malformedBytes, SKIP_KINDS } from "./inject.mjs";
import { runBlast } from "./blast.mjs";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const ADAPTIVE = { fixed: "Fixed", low: "Trickle", high: "Adaptive", fair: "Adaptive" };
const RESUME = ["none", "attrs", "sparse_csum", "full_csum"];
// Failures captured from ascp 3.9 (conformance/transcripts/real-*.txt): ERROR Description and what
// it wrote on stderr.
const REAL_ERRORS = {
  14: { description: "Target address not available", stderr: "ascp: Target address not available \nStartup failed, exit\n" },
  19: { description: "failed to authenticate", stderr: "ascp: failed to authenticate, exiting.\n" },
  38: { description: "Server aborted session: Server has only a client license" },
  43: { description: "No such file or directory" },
  44: { description: "Failed to open TCP connection for SSH", stderr: "ascp: Failed to open TCP connection for SSH, exiting.\n" },
};
const realError = (code) => REAL_ERRORS[code] && { code, ...REAL_ERRORS[code] };
// Codes of a failed SSH connection (CONNECTION_ERROR, CONNECTION_TIMEOUT, "Failed to open TCP
// connection for SSH"): their SESSION has no RemoteAddress.
const CONNECT_CODES = new Set([14, 15, 44]);
const ERRNO_CODES = { ENOENT: 4, EACCES: 5, EPERM: 5, ENOTDIR: 6, EISDIR: 7, ENOSPC: 25, EROFS: 26, EMFILE: 23 };

// The local account name; containers may run as a uid without a passwd entry.
function clientUser(env) {
  try {
    return os.userInfo().username;
  } catch {
    return env.USER || String(process.getuid?.() ?? "unknown");
  }
}

// Connects to the manager; ascp gives up after the management connect timeout (5 s default).
export function connectMgmt({ host, port }, timeoutMs = 5000) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error("connect timeout"));
    }, timeoutMs);
    socket.once("connect", () => {
      clearTimeout(timer);
      socket.removeAllListeners("error");
      resolve(socket);
    });
    socket.once("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

// ascp 3.9's stderr when -M cannot be reached: both lines and the empty one between them
// (real-no-mgmt-listener).
function mgmtFailed(target) {
  if (target) process.stderr.write(`ascp: required management connection to port ${target.shown}:${target.port} failed.\n\n`);
  process.stderr.write("ascp: failed to connect to management socket, exiting.\n");
}

export class Session {
  constructor({ opts, sources, destination, scenario, recorder, env }) {
    this.opts = opts;
    this.sources = sources; // [{ source, destination? }]
    this.destination = destination;
    this.scenario = scenario;
    this.recorder = recorder;
    this.env = env;
    this.sessionId = randomUUID();
    // no_user_str: an ascp build that does not echo -u (the engine must rely on /proc where it can).
    this.userStr = findFault(scenario, "no_user_str") ? undefined : opts.userStr;
    this.direction = opts.mode === "recv" ? "Receive" : "Send";
    this.cluster = opts.cluster ?? { index: 1, count: 1 };
    this.rate = opts.rate ?? 10000;
    this.minRate = opts.minRate ?? 0;
    this.adaptive = ADAPTIVE[opts.policy ?? "fair"];
    this.limiter = new Limiter(opts.rate === undefined ? null : this.kbps(opts.rate));
    this.statsIntervalMs = scenario.stats_interval_ms ?? 500;
    this.counters = {
      ArgScansAttempted: 0,
      ArgScansCompleted: 0,
      PathScansAttempted: 0,
      PathScansFailed: 0,
      PathScansIrregular: 0,
      PathScansExcluded: 0,
      TransfersAttempted: 0,
      TransfersFailed: 0,
      TransfersPassed: 0,
      TransfersSkipped: 0,
    };
    this.fileBytes = 0;
    this.transferBytes = 0;
    this.framesSent = 0;
    this.socket = null;
    this.finishing = false;
    this.dead = false; // no more frames: socket closed or crash under way
    this.stalledUntil = 0;
    this.statsStallDone = false;
    this.malformedDone = new Set();
    this.queue = [];
    this.lingering = false;
    this.started = false; // a file was handled: ERROR then carries counters
    this.connecting = false; // ssh_hang: between INIT and SESSION, deaf to commands and quiet on signals
    this.wake = null;
    this.t0 = process.hrtime.bigint();
  }

  // A percentage rate is taken relative to the command-line target (or ascp's 10 Mbps default).
  kbps(rate) {
    if (typeof rate === "number") return rate;
    const base = typeof this.opts.rate === "number" ? this.opts.rate : 10000;
    return Math.round((base * Number(rate.slice(0, -1))) / 100);
  }

  elapsedUsec() {
    return Number((process.hrtime.bigint() - this.t0) / 1000n);
  }

  // UserStr only with -u, as real ascp does.
  ids() {
    return { SessionId: this.sessionId, UserStr: this.userStr };
  }

  counterFields() {
    return { ...this.counters, FileBytes: this.fileBytes, TransferBytes: this.transferBytes, Elapsedusec: this.elapsedUsec() };
  }

  // ---- output ----------------------------------------------------------------------------

  // Fields keep the order given; SessionId/UserStr go last unless the caller placed them.
  // stderrShown: the caller already wrote ascp's own stderr line for this error.
  send(type, fields, { stderrShown = false } = {}) {
    // Without -M, errors would otherwise be invisible.
    if (!this.socket && !stderrShown && (type === "ERROR" || type === "FILEERROR")) {
      process.stderr.write(`ascp: ${fields.File ? `${fields.File}: ` : ""}${fields.Description} (code ${fields.Code})\n`);
    }
    if (this.dead || !this.socket) return;
    this.writeRaw(encodeFrame(type, { ...fields, ...this.ids() }));
    this.framesSent++;
    if (type !== "STATS") this.recorder.write({ kind: "frame_sent", type });
    this.afterFrame(type);
  }

  writeRaw(text) {
    if (!this.dead && this.socket) this.socket.write(text);
  }

  afterFrame(type) {
    for (const m of findFaults(this.scenario, "malformed")) {
      const after = m.after ?? "SESSION";
      if (after !== type || this.malformedDone.has(m)) continue;
      this.malformedDone.add(m);
      this.writeRaw(malformedBytes(m.kind, this.sessionId, this.userStr));
      this.recorder.write({ kind: "fault", type: "malformed", malformed: m.kind });
      if (SKIP_KINDS.has(m.kind)) this.counters.TransfersSkipped++;
    }
    const crash = findFault(this.scenario, "crash");
    if (crash?.after_frames !== undefined && this.framesSent >= crash.after_frames) this.crash();
    const close = findFault(this.scenario, "close_socket");
    if (close && this.framesSent >= close.after_frames && !this.dead) {
      this.dead = true;
      this.recorder.write({ kind: "fault", type: "close_socket", frames: this.framesSent, hang: close.hang === true });
      // hang: the socket is closed but the process never ends on its own (only a signal ends it).
      if (close.hang) {
        this.hung = true;
        this.socket.end();
        setInterval(() => {}, 1 << 30);
        return;
      }
      this.finish(close.code ?? 0);
    }
  }

  // Flush what was written, then die the hard way.
  crash() {
    if (this.dead) return;
    this.dead = true;
    this.recorder.write({ kind: "fault", type: "crash", frames: this.framesSent, bytes: this.transferBytes });
    this.recorder.write({ kind: "exit", code: null, signal: "SIGKILL" });
    const kill = () => process.kill(process.pid, "SIGKILL");
    if (!this.socket) return kill();
    // The write callback runs once everything queued before it is flushed.
    this.socket.write("", kill);
    setTimeout(kill, 500);
  }

  notification(extra = {}) {
    this.send("NOTIFICATION", { ...extra, Rate: this.rate, MinRate: this.minRate, Adaptive: this.adaptive });
  }

  fileError(code, description, file) {
    this.send("FILEERROR", { Code: code, Description: description, File: file });
  }

  // Terminal ERROR in real ascp's field order (Loss Code Description SessionId [UserStr]), never
  // followed by DONE. Counters only once files were handled: real ascp sends none when the session
  // fails before the transfer starts. stderr: ascp's own line for this failure, if captured.
  fail(code, description, stderr) {
    if (this.finishing) return;
    if (stderr) process.stderr.write(stderr);
    this.send("ERROR", { Loss: 0, Code: code, Description: description, ...this.ids(), ...(this.started ? this.counterFields() : {}) }, { stderrShown: Boolean(stderr) });
    this.finish(1);
  }

  async finish(code, { signalled = false } = {}) {
    if (this.hung && !signalled) return;
    if (this.finishing) return;
    this.finishing = true;
    const exitCode = code === 0 ? (findFault(this.scenario, "exit_code")?.code ?? 0) : code;
    const stderr = findFault(this.scenario, "stderr");
    if (stderr) process.stderr.write(stderr.text);
    if (this.socket && !this.socket.destroyed) {
      // First our last bytes must reach the kernel (a stuck reader gets 10 s), then a short grace
      // for the manager to close its side, as a process that tears down would take.
      const closed = new Promise((r) => this.socket.once("close", r));
      await Promise.race([new Promise((r) => this.socket.end(r)), sleep(10000)]);
      await Promise.race([closed, sleep(500)]);
    }
    this.recorder.write({ kind: "exit", code: exitCode });
    this.recorder.close();
    process.exit(exitCode);
  }

  // ---- input -----------------------------------------------------------------------------

  attach(socket) {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.setEncoding("utf8");
    const parser = new FrameParser();
    socket.on("data", (chunk) => {
      const { frames, junk } = parser.feed(chunk);
      for (const j of junk) this.recorder.write({ kind: "frame_junk", reason: j.reason, raw: j.raw });
      for (const { frame, raw } of frames) {
        this.recorder.write({ kind: "frame_received", frame, raw });
        this.command(frame);
      }
    });
    const lost = (why) => {
      if (this.finishing) return;
      this.dead = true;
      process.stderr.write(`ascp: management connection ${why}, exiting.\n`);
      this.recorder.write({ kind: "socket_closed", why });
      this.finish(1);
    };
    socket.on("error", (e) => lost(`failed: ${e.message}`));
    socket.on("end", () => lost("closed by the manager"));
  }

  command(frame) {
    // ascp 3.9 does not act on commands while its SSH connection is pending (real-cancel-during-connect).
    if (this.connecting) {
      this.recorder.write({ kind: "command_ignored", type: frame.Type, reason: "SSH connection pending" });
      return;
    }
    switch (frame.Type) {
      case "CANCEL":
        this.fail(28, "Transfer cancelled by user");
        return;
      case "RATE":
        this.changeRate(frame);
        return;
      case "START":
        this.startCommand(frame);
        return;
      case "DONE":
        if (!this.opts.keepalive) {
          this.recorder.write({ kind: "command_ignored", type: "DONE", reason: "not a persistent session" });
          return;
        }
        this.lingering = true;
        this.recorder.write({ kind: "done_requested", operation: frame.Operation ?? "" });
        this.wakeUp();
        return;
      default:
        this.recorder.write({ kind: "command_ignored", type: frame.Type, reason: "unknown command type" });
    }
  }

  changeRate(frame) {
    const next = {};
    try {
      if (frame.Rate !== undefined) next.rate = parseRate(frame.Rate, "Rate");
      if (frame.MinRate !== undefined) next.minRate = parseRate(frame.MinRate, "MinRate");
      if (frame.Adaptive !== undefined) {
        if (!["Adaptive", "Fixed", "Trickle"].includes(frame.Adaptive)) throw new Error(`Adaptive: '${frame.Adaptive}' unknown`);
        next.adaptive = frame.Adaptive;
      }
    } catch (e) {
      this.recorder.write({ kind: "command_ignored", type: "RATE", reason: e.message });
      return;
    }
    if (next.rate !== undefined) {
      this.rate = next.rate;
      this.limiter.set(this.kbps(next.rate));
    }
    if (next.minRate !== undefined) this.minRate = next.minRate;
    if (next.adaptive !== undefined) this.adaptive = next.adaptive;
    this.notification();
  }

  startCommand(frame) {
    if (!this.opts.keepalive) {
      this.recorder.write({ kind: "command_ignored", type: "START", reason: "not a persistent session" });
      return;
    }
    if (this.lingering) {
      this.fileError(2, "session is finishing (DONE received): no new sources accepted", frame.Source ?? "");
      this.counters.TransfersFailed++;
      return;
    }
    this.queue.push(frame);
    this.wakeUp();
  }

  wakeUp() {
    const w = this.wake;
    this.wake = null;
    if (w) w();
  }

  // ---- the session -----------------------------------------------------------------------

  async run(target) {
    for (const sig of ["SIGINT", "SIGTERM"]) {
      process.on(sig, () => {
        // While SSH is pending ascp 3.9 exits 1 with no further frame (real-sigint-during-connect).
        if (this.socket && !this.dead && !this.connecting) this.fail(28, `Transfer cancelled by signal ${sig}`);
        else this.finish(1, { signalled: true });
      });
    }
    const never = findFault(this.scenario, "never_connect");
    if (never) {
      this.recorder.write({ kind: "fault", type: "never_connect" });
      if (never.exit_after_ms === undefined) {
        setInterval(() => {}, 1 << 30);
        return;
      }
      await sleep(never.exit_after_ms);
      mgmtFailed(target);
      await this.finish(1);
      return;
    }
    const late = findFault(this.scenario, "connect_late");
    if (late) await sleep(late.delay_ms);
    if (target) {
      try {
        this.attach(await connectMgmt(target));
      } catch (e) {
        mgmtFailed(target);
        this.recorder.write({ kind: "connect_failed", reason: e.message });
        await this.finish(1);
        return;
      }
    }
    this.t0 = process.hrtime.bigint();
    try {
      await this.transfer();
    } catch (e) {
      // A file system problem outside one file (e.g. cannot create the destination) ends the session.
      this.fail(ERRNO_CODES[e.code] ?? 11, e.message);
    }
  }

  async transfer() {
    const cookie = this.env.ASPERA_SCP_COOKIE;
    this.send("INIT", { SessionId: this.sessionId, Direction: this.direction, UserStr: this.userStr, Operation: "Transfer", Cookie: cookie });
    const hang = findFault(this.scenario, "ssh_hang");
    if (hang) await this.sshHang(hang);
    if (this.finishing) return;

    // Real ascp 3.9 sends SESSION right after INIT in every capture, also when the session then fails
    // (INIT SESSION ERROR), so failures that end the session before any file are decided first and
    // SESSION shows how far the connection got.
    const early = this.earlyFailure();
    this.send("SESSION", this.sessionFields(early?.stage ?? "negotiated"));
    if (early) {
      this.fail(early.code, early.description, early.stderr);
      return;
    }

    const blast = findFault(this.scenario, "blast");
    const jobs = this.opts.keepalive || blast ? [] : this.plan();
    const mine = jobs.filter((j) => j.error || j.share);
    // pre_transfer false: a NOTIFICATION without the totals (whether ascp always sends them is unconfirmed).
    this.notification(
      this.scenario.pre_transfer === false
        ? {}
        : { PreTransferBytes: mine.reduce((a, j) => a + (j.size ?? 0), 0), PreTransferFiles: mine.filter((j) => !j.error).length },
    );

    const stall = this.limitedFault("stall");
    if (stall && (stall.after ?? "SESSION") === "SESSION") await this.stall(stall);

    if (blast) {
      await runBlast(this, blast);
      return;
    }
    if (this.opts.keepalive) await this.persistentLoop();
    else for (const job of mine) await this.runJob(job);
    if (this.finishing) return;
    this.send("DONE", { Direction: this.direction, Operation: "Transfer", ...this.counterFields() });
    await this.finish(0);
  }

  // A failure that ends the session before the first file: { code, description, stage }, where
  // stage is how far the (simulated) connection got: "connect" (no SSH TCP connection), "auth" (SSH
  // connected, login refused) or "negotiated" (the remote ascp answered). Sets up the file spaces.
  earlyFailure() {
    const expected = this.scenario.remote_password;
    if (findFault(this.scenario, "auth") || (expected !== undefined && this.env.ASPERA_SCP_PASS !== expected)) {
      return { ...realError(19), stage: "auth" };
    }
    const retry = this.retryFault();
    if (retry) return retry;
    // Content protection needs its pass phrase; ascp would otherwise prompt for it.
    if (this.opts.fileCrypt && !this.env.ASPERA_SCP_FILEPASS) {
      return { code: 48, description: `--file-crypt=${this.opts.fileCrypt} needs the pass phrase in ASPERA_SCP_FILEPASS`, stage: "negotiated" };
    }
    const remoteRoot = this.env.ASCP_SIM_REMOTE_ROOT || path.join(os.tmpdir(), "ascp-sim-remote");
    const remote = new RemoteSpace(path.join(remoteRoot, this.opts.host));
    const local = new LocalSpace();
    this.srcSpace = this.opts.mode === "recv" ? remote : local;
    this.dstSpace = this.opts.mode === "recv" ? local : remote;
    try {
      this.dstSpace.resolve(trimDest(this.destination));
    } catch (e) {
      if (!(e instanceof ItemError)) throw e;
      return { code: e.code, description: e.message, stage: "negotiated" };
    }
    return null;
  }

  // SESSION with the fields and order of the real ascp 3.9 captures (conformance/transcripts), then
  // the few this simulator adds. Values that depend on the connection stage follow the capture of
  // that stage: "connect" = real-closed-port (no RemoteAddress), "auth" = real-wrong-password,
  // "negotiated" = real-loopback (the only capture where a remote ascp answered).
  sessionFields(stage) {
    const o = this.opts;
    const cipher = o.noEncryption ? "none" : (o.cipher ?? "aes-128");
    const aspera = o.tags?.aspera ?? {};
    const peer = stage === "negotiated";
    // "No cap" before the server answers is 2^64-1 / 1000 (beyond JavaScript's safe integers); the
    // loopback server capped both at 2^52-1.
    const cap = peer ? "4503599627370495" : "18446744073709551";
    // 272 = 0x110 in every capture; a file list adds 0x800 (real-file-list-dest64, real-file-pair-list).
    const xopt = peer ? 2147485776 : 272 | (o.fileList || o.filePairList ? 2048 : 0);
    return {
      Rate: this.rate,
      MinRate: this.minRate,
      SessionId: this.sessionId,
      User: o.user,
      Host: o.host,
      Encryption: cipher === "none" ? "No" : "Yes",
      Adaptive: this.adaptive,
      Direction: this.direction,
      Remote: "No",
      Port: o.udpPort ?? 33001,
      UserStr: this.userStr,
      Source: this.sources.length === 1 ? this.sources[0].source : undefined,
      Destination: this.destination,
      Operation: "Transfer",
      Priority: o.policy === "high" ? 1 : 2,
      RateCap: cap,
      MinRateCap: cap,
      PolicyCap: peer ? "Fixed" : "Unset",
      RateLock: "No",
      MinRateLock: "No",
      PolicyLock: "No",
      ServerHostname: o.host,
      FileChecksumType: o.fileChecksum ?? "none",
      ClientUser: clientUser(this.env),
      // Only once the SSH TCP connection is made; the simulated remote is always local.
      RemoteAddress: stage === "connect" ? undefined : "127.0.0.1",
      TCPPort: o.tcpPort ?? 22, // ascp's SSH default (real-unresolvable-host, no -P)
      Cipher: cipher,
      ResumePolicy: `policy_${RESUME[o.resume ?? 0]}`,
      CreatePolicy: o.createDir ? 1 : 0,
      ManifestPolicy: `manifest_${o.fileManifest ?? "none"}`,
      Precalc: o.precalc ? "Yes" : "No",
      // overwrite_deny is what 3.9 reports without --overwrite; the other spellings are modelled.
      OverwritePolicy: o.overwrite ? `overwrite_${o.overwrite.replace("+", "_")}` : "overwrite_deny",
      RTTAutocorrect: "Yes",
      TimePolicy: o.preserveTimes || o.preserveMtime ? 1 : 0,
      ManifestInprogress: o.fileManifestSuffix ?? ".aspera-inprogress",
      FilesEncrypt: o.fileCrypt === "encrypt" ? "Yes" : "No",
      FilesDecrypt: o.fileCrypt === "decrypt" ? "Yes" : "No",
      DatagramSize: o.datagramSize ?? 0,
      XoptFlags: xopt,
      VLinkVersion: 1,
      PeerVLinkVersion: peer ? 1 : 0,
      VLinkLocalEnabled: "No",
      VLinkRemoteEnabled: "No",
      DSPipelineDepth: 32,
      PeerDSPipelineDepth: 0,
      ReadBlockSize: o.readBlockSize ?? 0,
      WriteBlockSize: o.writeBlockSize ?? 0,
      ClusterNumNodes: this.cluster.count,
      ClusterNodeId: this.cluster.index - 1, // zero-based: -C 2:3 gives 1 (real-multi-session)
      MoveRange: "No",
      Keepalive: o.keepalive ? "Yes" : "No",
      TestLogin: "No",
      UseProxy: o.proxy ? "Yes" : "No",
      RateControlAlgorithm: peer ? "alg_delay" : "alg_none",
      Cookie: this.env.ASPERA_SCP_COOKIE,
      SourcePrefix: o.sourcePrefix,
      RetryTimeout: o.retryTimeout,
      XferId: aspera.xfer_id,
      XferRetry: aspera.xfer_retry,
    };
  }

  // Flattens the plan into jobs; whole files are dealt round-robin to the -C sessions, and
  // errors about source arguments are reported by the first session only.
  plan() {
    const results = planTransfer({
      entries: this.sources,
      destination: this.destination,
      pairs: this.sources.some((s) => s.destination !== undefined),
      srcBase: this.opts.srcBase,
      sourcePrefix: this.opts.sourcePrefix,
      createDir: this.opts.createDir === true,
      srcSpace: this.srcSpace,
      dstSpace: this.dstSpace,
      excluded: makeFilter(this.opts),
    });
    const jobs = [];
    let k = 0;
    const first = this.cluster.index === 1;
    for (const r of results) {
      this.counters.ArgScansAttempted++;
      if (r.error) {
        this.counters.PathScansAttempted++;
        this.counters.PathScansFailed++;
        if (first) jobs.push({ error: r.error, file: r.arg });
        continue;
      }
      this.counters.ArgScansCompleted++;
      for (const j of r.jobs) {
        this.counters.PathScansAttempted++;
        if (j.excluded) {
          this.counters.PathScansExcluded++;
          continue;
        }
        if (j.error) {
          this.counters.PathScansIrregular++;
          if (first) jobs.push(j);
          continue;
        }
        j.share = k % this.cluster.count === this.cluster.index - 1;
        k++;
        jobs.push(j);
      }
    }
    return jobs;
  }

  // retryable_then_success: the first `failures` processes fail; a counter file survives them.
  // Returns the early failure (see earlyFailure) or null.
  retryFault() {
    const f = findFault(this.scenario, "retryable_then_success");
    if (!f) return null;
    const count = this.processesBefore("retryable_then_success");
    this.recorder.write({ kind: "fault", type: "retryable_then_success", attempt: count + 1, failures: f.failures });
    if (count >= f.failures) return null;
    const code = f.code ?? 16;
    const known = realError(code);
    // Codes of a failed SSH connection get the SESSION of that stage (no RemoteAddress).
    const stage = CONNECT_CODES.has(code) ? "connect" : "negotiated";
    return { code, description: known?.description ?? `Simulated retryable failure ${count + 1} of ${f.failures}`, stderr: known?.stderr, stage };
  }

  // How many processes of this -C part started before this one with this fault in the scenario; a counter
  // file in ASCP_SIM_STATE survives them.
  processesBefore(fault) {
    const rec = this.recorder.path;
    const dir =
      this.env.ASCP_SIM_STATE ||
      (rec ? `${rec}.state` : path.join(os.tmpdir(), "ascp-sim-state", createHash("sha256").update(this.scenario.text).digest("hex").slice(0, 16)));
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${fault}-node${this.cluster.index}.count`);
    let count = 0;
    try {
      count = Number(readFileSync(file, "utf8")) || 0;
    } catch {
      // first process: no counter yet
    }
    writeFileSync(file, String(count + 1));
    return count;
  }

  // A fault of this process: every process's, or with `processes: n` only the first n ones' (a retry then goes on).
  limitedFault(type) {
    const fault = findFault(this.scenario, type);
    if (!fault || fault.processes === undefined) return fault;
    this.applies ??= {};
    this.applies[type] ??= this.processesBefore(type) < fault.processes;
    return this.applies[type] ? fault : undefined;
  }

  // An SSH peer that accepts TCP and never answers: only INIT has gone out; ascp 3.9 has no timeout
  // of its own for this (it sat 200 s). With `seconds` the peer answers that late and the session goes on.
  async sshHang(fault) {
    this.recorder.write({ kind: "fault", type: "ssh_hang", seconds: fault.seconds ?? null });
    this.connecting = true;
    if (fault.seconds === undefined) await new Promise(() => setInterval(() => {}, 1 << 30));
    await sleep(fault.seconds * 1000);
    this.connecting = false;
  }

  async stall(fault) {
    this.recorder.write({ kind: "fault", type: "stall", seconds: fault.seconds, after: fault.after ?? "SESSION" });
    const ms = fault.seconds * 1000;
    this.stalledUntil = Date.now() + ms;
    this.limiter.pause(ms);
    await sleep(ms);
  }

  async persistentLoop() {
    for (;;) {
      if (this.finishing) return;
      const frame = this.queue.shift();
      if (frame) {
        await this.runStart(frame);
        continue;
      }
      if (this.lingering) return;
      await new Promise((r) => {
        this.wake = r;
      });
    }
  }

  async runStart(frame) {
    this.counters.ArgScansAttempted++;
    const source = frame.Source ?? "";
    let range = null;
    if (frame.FileBytes !== undefined && frame.FileBytes !== "") {
      const m = /^(\d*):(\d*)$/.exec(frame.FileBytes);
      if (!m) {
        this.fileError(8, `FileBytes '${frame.FileBytes}' is not start:end`, source);
        this.counters.TransfersFailed++;
        return;
      }
      range = { start: m[1] === "" ? 0 : Number(m[1]), end: m[2] === "" ? null : Number(m[2]) };
    }
    if (source === "") {
      this.fileError(8, "START without Source", "");
      this.counters.TransfersFailed++;
      return;
    }
    const [result] = planTransfer({
      entries: [{ source, destination: frame.Destination ?? path.posix.basename(source) }],
      destination: this.destination,
      pairs: true,
      sourcePrefix: this.opts.sourcePrefix,
      createDir: true,
      srcSpace: this.srcSpace,
      dstSpace: this.dstSpace,
      excluded: makeFilter(this.opts),
    });
    if (result.error) {
      this.counters.PathScansAttempted++;
      this.counters.PathScansFailed++;
      await this.runJob({ error: result.error, file: source });
      return;
    }
    this.counters.ArgScansCompleted++;
    for (const job of result.jobs) {
      this.counters.PathScansAttempted++;
      if (job.excluded) this.counters.PathScansExcluded++;
      else await this.runJob(job, range);
    }
  }

  // One file: FILEERROR, SKIP, STOP without copy (already complete), or STATS… STOP.
  async runJob(job, range = null) {
    if (this.finishing) return;
    this.started = true;
    if (job.error) {
      this.counters.TransfersAttempted++;
      this.counters.TransfersFailed++;
      this.fileError(job.error.code, job.error.message, job.file);
      return;
    }
    const o = this.opts;
    const byteRange = range ?? o.byteRange ?? null;
    try {
      const d = byteRange ? { action: "copy", from: 0 } : await decide(job, o);
      if (d.action === "skip") {
        this.counters.TransfersSkipped++;
        this.send("SKIP", { File: job.file, Size: job.size });
        if (o.removeAfter && o.removeSkipped) await removeSource(job);
        return;
      }
      this.counters.TransfersAttempted++;
      if (d.action === "error") {
        this.counters.TransfersFailed++;
        this.fileError(d.code, d.message, job.file);
        return;
      }
      if (d.action === "complete") {
        this.fileBytes += job.size;
        await this.stop(job, { StartByte: job.size, Written: 0 });
        return;
      }
      const start = byteRange ? Math.min(byteRange.start, job.size) : d.from;
      const end = byteRange && byteRange.end !== null ? Math.min(byteRange.end, job.size) : job.size;
      await this.copy(job, start, end);
    } catch (e) {
      this.counters.TransfersFailed++;
      this.fileError(ERRNO_CODES[e.code] ?? 36, e.message, job.file);
    }
  }

  async copy(job, start, end) {
    const cur = { job, start, written: 0 };
    this.fileBytes += start;
    const stats = () => {
      if (this.finishing || Date.now() < this.stalledUntil) return;
      this.send("STATS", {
        File: job.file,
        Size: job.size,
        StartByte: cur.start,
        Written: cur.written,
        FileBytes: this.fileBytes,
        TransferBytes: this.transferBytes,
        Loss: 0,
        Delay: 1,
        Rate: this.rate,
        Elapsedusec: this.elapsedUsec(),
      });
      const stall = this.limitedFault("stall");
      if (stall?.after === "STATS" && !this.statsStallDone) {
        this.statsStallDone = true;
        this.stall(stall);
      }
    };
    stats();
    const timer = setInterval(stats, this.statsIntervalMs);
    const lost = this.limitedFault("connection_lost");
    const crash = findFault(this.scenario, "crash");
    let result;
    try {
      result = await copyRange(job, { from: start, end, partialSuffix: this.opts.partialSuffix, preserveMtime: this.opts.preserveTimes || this.opts.preserveMtime }, this.limiter, {
        allow: (n) => {
          let allowed = n;
          for (const limit of [lost?.after_bytes, crash?.after_bytes]) {
            if (limit !== undefined) allowed = Math.min(allowed, limit - this.transferBytes);
          }
          return allowed;
        },
        progress: (n) => {
          cur.written += n;
          this.transferBytes += n;
          this.fileBytes += n;
        },
        cancelled: () => this.finishing || this.dead || [lost?.after_bytes, crash?.after_bytes].some((l) => l !== undefined && this.transferBytes >= l),
      });
    } finally {
      clearInterval(timer);
    }
    if (result.stopped) {
      if (this.finishing || this.dead) return;
      if (crash?.after_bytes !== undefined && this.transferBytes >= crash.after_bytes) this.crash();
      else this.fail(16, `Connection lost after ${this.transferBytes} bytes (simulated)`);
      return;
    }
    stats();
    await this.stop(job, { StartByte: start, Written: cur.written });
  }

  async stop(job, fields) {
    let sum = {};
    const type = this.opts.fileChecksum;
    if (type && type !== "none") sum = { FileChecksum: await fileChecksum(job.dst, type), FileChecksumType: type };
    this.counters.TransfersPassed++;
    this.send("STOP", {
      File: job.file,
      Size: job.size,
      FileBytes: this.fileBytes,
      TransferBytes: this.transferBytes,
      Loss: 0,
      Elapsedusec: this.elapsedUsec(),
      Description: "",
      ...fields,
      ...sum,
    });
    if (this.opts.removeAfter) await removeSource(job);
  }
}
