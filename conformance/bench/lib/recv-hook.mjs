// Loaded with --import in the simulator by the benchmarks (through NODE_OPTIONS; only the simulator acts on it).
// - BENCH_RECV_FILE: notes when each chunk of management data arrives from the engine (process.hrtime,
//   CLOCK_MONOTONIC, which the benchmark shares), and writes the times there at exit. The simulator's own JSONL
//   record has millisecond times only, too coarse for a p99 near 1 ms.
// - BENCH_STATS_PER_SEC: once the simulator has sent SESSION, adds STATS frames at that rate on its management
//   socket (the simulator's own STATS are at most 100/s), as load for the engine while commands are timed.
// Measurement only: the simulator's behaviour is otherwise unchanged.
import net from "node:net";
import { writeFileSync } from "node:fs";

const out = process.env.BENCH_RECV_FILE;
const statsPerSec = Number(process.env.BENCH_STATS_PER_SEC ?? 0);
if ((out || statsPerSec > 0) && /[/\\]ascp$/.test(process.argv[1] ?? "")) {
  const times = [];
  const connect = net.connect;
  net.connect = function (...args) {
    const socket = connect.apply(this, args);
    if (out) socket.on("data", () => times.push(process.hrtime.bigint()));
    if (statsPerSec > 0) addStats(socket, statsPerSec);
    return socket;
  };
  if (out) process.on("exit", () => writeFileSync(out, times.join("\n")));
}

function addStats(socket, perSec) {
  const write = socket.write;
  let started = false;
  socket.write = function (chunk, ...rest) {
    const ok = write.call(this, chunk, ...rest);
    if (!started && String(chunk).includes("Type: SESSION\n")) {
      started = true;
      start();
    }
    return ok;
  };
  function start() {
    const t0 = performance.now();
    let sent = 0;
    // As many frames as are due by now, each tick: the rate holds even when timers fire late.
    const timer = setInterval(() => {
      if (socket.destroyed || socket.writableEnded) return clearInterval(timer);
      const due = Math.floor(((performance.now() - t0) * perSec) / 1000);
      let batch = "";
      for (; sent < due; sent++) {
        const n = sent * 1024;
        batch +=
          `FASPMGR 2\nType: STATS\nFile: /bench/load.bin\nSize: 1073741824\nStartByte: 0\nWritten: ${n}\nFileBytes: ${n}\n` +
          `TransferBytes: ${n}\nLoss: 0\nDelay: 1\nRate: 100000\nElapsedusec: ${Math.round((performance.now() - t0) * 1000)}\n\n`;
      }
      if (batch) write.call(socket, batch);
    }, Math.max(1, Math.min(100, Math.floor(1000 / perSec))));
    timer.unref();
    socket.on("close", () => clearInterval(timer));
  }
}
