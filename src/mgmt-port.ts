// The management port: a listener on 127.0.0.1 that accepts exactly the connection of the ascp we started.
//
// Any local user can connect to a loopback port, so a connection is only taken when it proves to be ours:
// on Linux the peer socket must belong to ascp's process (or one of its descendants), found through /proc;
// everywhere, the first frame must be INIT carrying the per-attempt nonce we passed with -u (ascp echoes it
// as UserStr). Other connections are closed and reported; the listener closes once ascp is in.
import fs from "node:fs";
import net from "node:net";
import { FrameParser, type Frame, type FrameWarning } from "./mgmt/frame-parser.js";

export interface Peer {
  socket: net.Socket;
  parser: FrameParser;
  /**
   * What the parser produced before the caller took over (the INIT that proved the peer, and whatever came
   * in the same read, warnings included), in stream order; handle it before anything later.
   */
  first: ({ frame: Frame } | { warning: FrameWarning })[];
  /** Receives this connection's frames from now on (set by the caller). */
  onFrame: (frame: Frame) => void;
  onWarning: (warning: FrameWarning) => void;
}

export type PeerOutcome = { kind: "connected"; peer: Peer } | { kind: "timeout" } | { kind: "aborted" };

export interface WaitOptions {
  nonce: string;
  pid: number;
  timeoutMs: number;
  onStray: (reason: string) => void;
  /** Resolves the wait early (ascp exited, job cancelled). */
  abort: Promise<unknown>;
  maxFrameBytes?: number;
}

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
      let settled = false;
      const settle = (outcome: PeerOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.server.removeListener("connection", onConnection);
        for (const s of candidates) if (outcome.kind !== "connected" || s !== outcome.peer.socket) s.destroy();
        this.close();
        resolve(outcome);
      };
      const timer = setTimeout(() => settle({ kind: "timeout" }), o.timeoutMs);
      void o.abort.then(() => settle({ kind: "aborted" }));

      const onConnection = (socket: net.Socket) => {
        if (settled) return socket.destroy();
        candidates.add(socket);
        const refuse = (reason: string) => {
          candidates.delete(socket);
          socket.destroy();
          o.onStray(`refused a management connection from ${socket.remoteAddress}:${socket.remotePort}: ${reason}`);
        };
        if (!isLoopback(socket.remoteAddress)) return refuse("not a loopback address");
        const owner = socketOwner(this.port, socket.remotePort ?? 0, o.pid);
        if (owner === "other") return refuse("it does not belong to the ascp process we started");
        const first: Peer["first"] = [];
        const peer: Peer = { socket, parser: undefined!, first, onFrame: (frame) => first.push({ frame }), onWarning: (warning) => first.push({ warning }) };
        let decided = false;
        peer.parser = new FrameParser({
          maxFrameBytes: o.maxFrameBytes,
          onFrame: (frame) => {
            if (decided) return peer.onFrame(frame);
            decided = true;
            const type = field(frame, "Type");
            const userStr = field(frame, "UserStr");
            if (type === "INIT" && userStr !== undefined && userStr !== o.nonce) return refuse("its INIT carries another session's UserStr");
            if (owner !== "ascp" && !(type === "INIT" && userStr === o.nonce)) return refuse("its first frame is not our INIT");
            first.push({ frame });
            candidates.delete(socket);
            settle({ kind: "connected", peer });
          },
          onWarning: (w) => peer.onWarning(w),
        });
        socket.on("data", (chunk: Buffer) => peer.parser.push(chunk));
        socket.on("error", () => {});
        socket.on("close", () => candidates.delete(socket));
      };
      this.server.on("connection", onConnection);
    });
  }
}

function field(frame: Frame, name: string): string | undefined {
  const i = frame.names.indexOf(name);
  return i < 0 ? undefined : frame.values[i];
}

function isLoopback(address: string | undefined): boolean {
  return address === "127.0.0.1" || address === "::ffff:127.0.0.1" || address === "::1";
}

/**
 * Who holds the client end of the connection 127.0.0.1:peerPort → :ourPort: "ascp" (the process we started
 * or a descendant), "other", or "unknown" where /proc cannot tell (not Linux), in which case the nonce decides.
 */
export function socketOwner(ourPort: number, peerPort: number, pid: number): "ascp" | "other" | "unknown" {
  const inode = establishedPeerInode(ourPort, peerPort);
  // No row (not Linux), or the peer end no longer established: a quick ascp can connect, report and exit before
  // we look, and a closed socket has no owner left to find. /proc cannot tell, so the nonce decides.
  if (inode === null) return "unknown";
  const target = `socket:[${inode}]`;
  for (const p of [pid, ...descendants(pid)]) {
    let fds: string[];
    try {
      fds = fs.readdirSync(`/proc/${p}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        if (fs.readlinkSync(`/proc/${p}/fd/${fd}`) === target) return "ascp";
      } catch {
        // fd closed meanwhile
      }
    }
  }
  // Not found: unless the peer closed meanwhile (same race as above), someone else holds it.
  return establishedPeerInode(ourPort, peerPort) === inode ? "other" : "unknown";
}

/** Inode of the client socket 127.0.0.1:peerPort → :ourPort while it is ESTABLISHED (state 01), else null. */
function establishedPeerInode(ourPort: number, peerPort: number): string | null {
  const local = `:${hexPort(peerPort)}`;
  const remote = `:${hexPort(ourPort)}`;
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text: string;
    try {
      text = fs.readFileSync(table, "latin1");
    } catch {
      continue;
    }
    for (const line of text.split("\n")) {
      const cols = line.trim().split(/\s+/);
      // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
      if (cols.length > 9 && cols[1]!.endsWith(local) && cols[2]!.endsWith(remote)) {
        return cols[3] === "01" && cols[9] !== "0" ? cols[9]! : null;
      }
    }
  }
  return null;
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
      // The command name may hold spaces and parentheses: fields resume after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
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
