// Loaded with --import in the simulator for the latency benchmark: notes when each chunk of management data
// arrives from the engine (process.hrtime, CLOCK_MONOTONIC, which the benchmark shares), and writes the times to
// $BENCH_RECV_FILE at exit. The simulator's own JSONL record has millisecond times only, too coarse for a p99
// near 1 ms. Measurement only: the simulator's behaviour is unchanged (one more 'data' listener on its socket).
import net from "node:net";
import { writeFileSync } from "node:fs";

const out = process.env.BENCH_RECV_FILE;
if (out && /[/\\]ascp$/.test(process.argv[1] ?? "")) {
  const times = [];
  const connect = net.connect;
  net.connect = function (...args) {
    const socket = connect.apply(this, args);
    socket.on("data", () => times.push(process.hrtime.bigint()));
    return socket;
  };
  process.on("exit", () => writeFileSync(out, times.join("\n")));
}
