// The management port: a listener on 127.0.0.1 that accepts exactly the connection of the ascp we started.
//
// Any local user can connect to a loopback port, so a connection is only taken when it proves to be ours. Two proofs,
// the stronger first:
// - where /proc can tie the client socket to a process (Linux), it must belong to ascp's process (or one of its
//   descendants); nothing else is asked of it: not even INIT's UserStr, which a user's own `-u` (in ascp_args) or
//   another ascp build may change or leave out;
// - where it cannot (other platforms, a restricted /proc), the first frame must be INIT carrying the UserStr ascp was
//   given with -u: our per-attempt nonce, or the user's own -u value when ascp_args carry one (see userStringArg).
// Other connections are closed and reported (and counted, so that a failed attempt can say so); the listener closes
// once ascp is in.
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import { FrameParser, type FrameView, type RawFrame, type FrameWarning } from "./mgmt/frame-parser.js";
import { bytesRead } from "./read-buffers.js";

export interface Peer {
  socket: net.Socket;
  parser: FrameParser;
  /**
   * What the parser produced before the caller took over (the INIT that proved the peer, and whatever came
   * in the same read, warnings included), in stream order; handle it before anything later.
   */
  first: ({ frame: RawFrame } | { warning: FrameWarning })[];
  /** Resolves when the socket has closed (it may have closed before the caller takes over). */
  closed: Promise<void>;
  /** Receives this connection's frames from now on (set by the caller); a frame is valid during the call only. */
  onFrame: (frame: RawFrame) => void;
  onWarning: (warning: FrameWarning) => void;
}

/** A connection the listener closed; couldBeAscp: nothing proved it was another process (no /proc, or closed too soon). */
export interface Refusal {
  reason: string;
  couldBeAscp: boolean;
}

export type PeerOutcome =
  | { kind: "connected"; peer: Peer }
  | { kind: "timeout"; refused: Refusal[] }
  | { kind: "aborted"; refused: Refusal[] };

export interface WaitOptions {
  /** What ascp was given with -u (our nonce, or the user's own value): its INIT echoes it as UserStr. */
  userStr: string;
  pid: number;
  timeoutMs: number;
  onStray: (reason: string) => void;
  /** Resolves the wait early (ascp exited, job cancelled). */
  abort: Promise<unknown>;
  maxFrameBytes?: number;
  /** Who holds a client socket; socketOwner unless a test plays another platform. */
  owner?: typeof socketOwner;
}

export type SocketOwner = "ascp" | "other" | "closed" | "unknown";

export class MgmtListener {
  private constructor(private readonly server: net.Server, readonly port: number) {}

  static open(): Promise<MgmtListener> {
    return new Promise((resolve, reject) => {
      const server = net.createServer({ pauseOnConnect: false });
      server.once("error", reject);
      server.listen({ host: "127.0.0.1", port: 0, backlog: 8 }, () => {
        const address = server.address() as net.AddressInfo;
        resolve(new MgmtListener(server, address.port));
      });
    });
  }

  close(): void {
    this.server.close();
    this.server.removeAllListeners("connection");
  }

  /** Waits for ascp's connection; strays are refused, reported and do not end the wait. */
  waitForPeer(o: WaitOptions): Promise<PeerOutcome> {
    return new Promise((resolve) => {
      const candidates = new Set<net.Socket>();
      // Connections that brought our INIT but whose client had closed before /proc could show who it was: ascp's own
      // if it crashed (or closed and hung) at once, or someone who read the -u value on ascp's argv. Decided when the
      // wait ends.
      const unverified: Peer[] = [];
      const refused: Refusal[] = [];
      let settled = false;
      const report = (socket: net.Socket, reason: string, couldBeAscp: boolean) => {
        refused.push({ reason, couldBeAscp });
        o.onStray(`refused a management connection from ${socket.remoteAddress}:${socket.remotePort}: ${reason}`);
      };
      const settle = (outcome: PeerOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.server.removeListener("connection", onConnection);
        for (const s of candidates) if (outcome.kind !== "connected" || s !== outcome.peer.socket) s.destroy();
        for (const u of unverified) {
          if (outcome.kind === "connected" && outcome.peer === u) continue;
          u.socket.destroy();
          report(u.socket, "its client closed before it could be checked to be the ascp process we started", true);
        }
        this.close();
        resolve(outcome);
      };
      // The wait ends (ascp exited, the session was stopped, or the time is up) without a verified connection: exactly
      // one unverified connection with our INIT is taken as ascp's (its frames, or their absence, tell how it failed:
      // an ascp that sent INIT, closed and hung is a closed connection, not one that "did not connect"); with several,
      // none can be told apart.
      const end = (kind: "timeout" | "aborted") =>
        settle(unverified.length === 1 ? { kind: "connected", peer: unverified[0]! } : { kind, refused });
      // Capped at Node's longest timer (24.8 days): a longer one would fire at once.
      const timer = setTimeout(() => end("timeout"), Math.min(o.timeoutMs, 2 ** 31 - 1));
      // Timers run before I/O in a turn of the loop: after a pause (a loaded machine), the abort can come before the
      // poll that accepts what an exited ascp left in the listener's queue, or reads the INIT it sent. Its data and its
      // close are already there, so a few turns settle them.
      void o.abort.then(() => ioSettled(() => settled || candidates.size === 0)).then(() => end("aborted"));

      const onConnection = (socket: net.Socket) => {
        if (settled) return socket.destroy();
        candidates.add(socket);
        const refuse = (reason: string, couldBeAscp: boolean) => {
          candidates.delete(socket);
          socket.destroy();
          report(socket, reason, couldBeAscp);
        };
        if (!isLoopback(socket.remoteAddress)) return refuse("not a loopback address", false);
        const owner = (o.owner ?? socketOwner)(this.port, socket.remotePort ?? 0, o.pid, socket.remoteAddress);
        if (owner === "other") return refuse("it does not belong to the ascp process we started", false);
        const first: Peer["first"] = [];
        const closed = new Promise<void>((r) => socket.once("close", () => r()));
        const peer: Peer = { socket, parser: undefined!, first, closed, onFrame: (frame) => first.push({ frame: frame.copy() }), onWarning: (warning) => first.push({ warning }) };
        let decided = false;
        peer.parser = new FrameParser({
          maxFrameBytes: o.maxFrameBytes,
          onFrame: (frame) => {
            if (decided) return peer.onFrame(frame);
            decided = true;
            // /proc showed the socket is ascp's: that is proof enough, whatever the frame carries.
            if (owner !== "ascp") {
              const why = firstFrameMismatch(frame, o.userStr);
              if (why) return refuse(`${why}; ${owner === "closed" ? "its client closed before /proc could tie it to ascp" : "this system cannot tie a connection to ascp's process"}, so its INIT must carry the -u value ascp was given`, true);
            }
            first.push({ frame: frame.copy() });
            candidates.delete(socket);
            if (owner === "closed") return void unverified.push(peer);
            settle({ kind: "connected", peer });
          },
          onWarning: (w) => peer.onWarning(w),
        });
        socket.on("data", (chunk: Buffer) => {
          peer.parser.push(chunk);
          bytesRead(chunk.length);
        });
        socket.on("error", () => {});
        socket.on("close", () => candidates.delete(socket));
      };
      this.server.on("connection", onConnection);
    });
  }
}

/** Turns of I/O to wait for a connection waiting in the queue and its first read; the longest that settling may take. */
const SETTLE_TURNS = 2;
const SETTLE_MAX_MS = 2000;

/** Resolves after SETTLE_TURNS polls for I/O, then once `done()` holds (checked after each poll) or SETTLE_MAX_MS passed. */
export async function ioSettled(done: () => boolean): Promise<void> {
  const until = performance.now() + SETTLE_MAX_MS;
  for (let turn = 1; ; turn++) {
    // Past the first turns, a connection still open is slow to close: check it without spinning.
    if (turn > SETTLE_TURNS) await new Promise((resolve) => setTimeout(resolve, 10));
    // setImmediate runs right after the loop's poll for I/O.
    await new Promise((resolve) => setImmediate(resolve));
    if ((turn >= SETTLE_TURNS && done()) || performance.now() > until) return;
  }
}

/** Why a first frame is not the INIT of the ascp given `-u userStr`; null when it is. */
export function firstFrameMismatch(frame: FrameView, userStr: string): string | null {
  const type = frame.type;
  if (type !== "INIT") return `its first frame is ${type}, not INIT`;
  const got = frame.text("UserStr");
  if (got === undefined) return "its INIT has no UserStr";
  // Shown cut and JSON-quoted: a stray's text is not ours to print whole.
  if (got !== userStr) return `its INIT carries UserStr ${JSON.stringify(got.length > 40 ? `${got.slice(0, 40)}…` : got)}, not the -u value ascp was given`;
  return null;
}

// ascp's one-letter options that take a value (ascp -h, 3.9 and 4.x); the others are switches. Used to read clusters
// such as -qu TAG or -uTAG the way ascp's getopt does.
const SHORT_WITH_VALUE = new Set("MuiwKkZgGLRSeOPCNEfW@XclmyYItxj");
const SHORT_SWITCHES = new Set("ATdpqv6DQh");

/**
 * The -u value ascp would read from `args` (the last one wins, as with getopt), or undefined when there is none.
 * An element after a long option without `=` is taken as an option, not that option's value: `--ssh-arg -u` is
 * misread, a price paid for not keeping a table of ascp's long options here.
 */
export function userStringArg(args: readonly string[]): string | undefined {
  let found: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") break;
    // ascp's own multi-letter single-dash spellings, not clusters.
    if (!a.startsWith("-") || a.startsWith("--") || a === "-SSH" || a === "-no-mgmt-port-files") continue;
    for (let j = 1; j < a.length; j++) {
      const letter = a[j]!;
      if (SHORT_SWITCHES.has(letter)) continue;
      if (!SHORT_WITH_VALUE.has(letter)) break;
      const value = j + 1 < a.length ? a.slice(j + 1) : args[++i];
      if (letter === "u" && value !== undefined) found = value;
      break;
    }
  }
  return found;
}

function isLoopback(address: string | undefined): boolean {
  return address === "127.0.0.1" || address === "::ffff:127.0.0.1" || address === "::1";
}

/**
 * Who holds the client end of the connection 127.0.0.1:peerPort → :ourPort: "ascp" (the process we started
 * or a descendant), "other", "closed" when no process holds it any more, or "unknown" where /proc cannot tell
 * (not Linux, or a restricted /proc), in which case the nonce decides.
 *
 * "closed" does not pass on the nonce alone: the nonce is on ascp's argv, which any local user can read, so a client
 * that writes our INIT and closes before we look could be anyone (see waitForPeer).
 */
export function socketOwner(ourPort: number, peerPort: number, pid: number, peerAddress = "127.0.0.1"): SocketOwner {
  const row = peerRow(ourPort, peerPort, peerAddress);
  if (row === "no-table") return "unknown";
  // No row, or inode 0: the client closed its socket (the kernel finishes the close on its own).
  if (row === null || row.inode === "0") return "closed";
  const target = `socket:[${row.inode}]`;
  // An exiting process loses its fds before the kernel releases its sockets (the release is deferred): ownership is
  // unknowable then. Its exit flag, read after the scan, tells whether the scan may have raced its exit.
  let exiting = false;
  for (const p of [pid, ...descendants(pid)]) {
    let fds: string[];
    try {
      fds = fs.readdirSync(`/proc/${p}/fd`);
    } catch {
      exiting = true;
      continue;
    }
    for (const fd of fds) {
      try {
        if (fs.readlinkSync(`/proc/${p}/fd/${fd}`) === target) return "ascp";
      } catch {
        // fd closed meanwhile
      }
    }
    if (fds.length === 0 || isExiting(p)) exiting = true;
  }
  // Not found: someone else holds it, unless it was closed meanwhile or ascp is exiting (treated like a close).
  const again = peerRow(ourPort, peerPort, peerAddress);
  return !exiting && again !== "no-table" && again !== null && again.inode === row.inode ? "other" : "closed";
}

/** The kernel's PF_EXITING task flag: set once a process starts to exit, before it closes its files. */
const PF_EXITING = 0x4;

/** Whether /proc/<pid>/stat shows the process exiting (or gone, or a zombie). */
function isExiting(pid: number): boolean {
  try {
    return statExiting(fs.readFileSync(`/proc/${pid}/stat`, "latin1"));
  } catch {
    return true;
  }
}

/** From a /proc/<pid>/stat line: state Z or X, or the PF_EXITING flag. */
export function statExiting(stat: string): boolean {
  // state ppid pgrp session tty_nr tpgid flags
  const fields = statFields(stat);
  const state = fields[0];
  const flags = Number(fields[6]);
  return state === "Z" || state === "X" || !Number.isFinite(flags) || (flags & PF_EXITING) !== 0;
}

/** The fields of a /proc/<pid>/stat line from its state on: the command name may hold spaces and parentheses, so they resume after the last ')'. */
function statFields(stat: string): string[] {
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
}

/** The client row 127.0.0.1:peerPort → :ourPort of /proc/net/tcp (any state); "no-table" when /proc cannot be read. */
function peerRow(ourPort: number, peerPort: number, peerAddress: string): { state: string; inode: string } | null | "no-table" {
  const local = `${procAddress(peerAddress)}:${hexPort(peerPort)}`;
  const remote = `:${hexPort(ourPort)}`;
  let text: string;
  try {
    text = fs.readFileSync("/proc/net/tcp", "latin1");
  } catch {
    return "no-table";
  }
  const loopback = `${procAddress("127.0.0.1")}${remote}`;
  let found: { state: string; inode: string } | null = null;
  for (const line of text.split("\n")) {
    const cols = line.trim().split(/\s+/);
    // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
    if (cols.length > 9 && cols[1] === local && cols[2] === loopback) {
      // A TIME_WAIT leftover of an earlier connection on the same ports has inode 0: a live row wins.
      found = { state: cols[3]!, inode: cols[9]! };
      if (found.inode !== "0") return found;
    }
  }
  return found;
}

/** An IPv4 address as /proc/net/tcp prints it: the 32-bit value in host byte order, in hex. */
function procAddress(address: string): string {
  let parts = address.replace(/^::ffff:/, "").split(".").map(Number);
  if (parts.length !== 4) parts = [127, 0, 0, 1];
  if (os.endianness() === "LE") parts.reverse();
  return parts.map((b) => b.toString(16).toUpperCase().padStart(2, "0")).join("");
}

const hexPort = (port: number) => port.toString(16).toUpperCase().padStart(4, "0");

function descendants(pid: number): number[] {
  let entries: string[];
  try {
    entries = fs.readdirSync("/proc").filter((e) => /^\d+$/.test(e));
  } catch {
    return [];
  }
  const children = new Map<number, number[]>();
  for (const e of entries) {
    try {
      const stat = fs.readFileSync(`/proc/${e}/stat`, "latin1");
      const ppid = Number(statFields(stat)[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(e));
      children.set(ppid, list);
    } catch {
      // process gone
    }
  }
  const out: number[] = [];
  const stack = [...(children.get(pid) ?? [])];
  while (stack.length) {
    const p = stack.pop()!;
    out.push(p);
    stack.push(...(children.get(p) ?? []));
  }
  return out;
}
