// Loaded with --import in the engine by the latency benchmarks (through NODE_OPTIONS; only a process whose script
// is the engine, cli.js, acts on it): notes when each stdin chunk holding a RATE command arrives and when each RATE
// frame is written to the management socket (process.hrtime), and at exit writes the differences, one per line in
// µs, to $BENCH_COMMAND_FILE: the engine's own share of a command's latency, apart from the processes around it.
// Measurement only: stdin's data listeners and net.Socket.prototype.write are wrapped, their behaviour unchanged.
import net from "node:net";
import { writeFileSync } from "node:fs";

const out = process.env.BENCH_COMMAND_FILE;
if (out && /cli\.js$/.test(process.argv[1] ?? "")) {
  const arrived = [];
  const written = [];
  // Wrapping the engine's own listener (not adding one, which would start the stream flowing before the engine
  // listens): the time is taken just before the engine sees the chunk.
  const on = process.stdin.on;
  process.stdin.on = function (event, listener) {
    if (event !== "data") return on.call(this, event, listener);
    return on.call(this, event, (chunk) => {
      if (chunk.includes('"RATE"')) arrived.push(process.hrtime.bigint());
      listener(chunk);
    });
  };
  const write = net.Socket.prototype.write;
  net.Socket.prototype.write = function (chunk, ...rest) {
    if (typeof chunk === "string" && chunk.includes("Type: RATE")) written.push(process.hrtime.bigint());
    return write.call(this, chunk, ...rest);
  };
  process.on("exit", () => {
    const n = Math.min(arrived.length, written.length);
    const us = [];
    for (let i = 0; i < n; i++) us.push(Number(written[i] - arrived[i]) / 1000);
    writeFileSync(out, us.join("\n"));
  });
}
