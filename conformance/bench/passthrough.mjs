#!/usr/bin/env node
// The ceiling for throughput figures: the least a manager can do. Listens on 127.0.0.1, starts ascp (the
// simulator) with -M <port>, and copies the management socket's bytes to stdout unparsed, with the same
// non-blocking stdout and backpressure as the engine. With --relay, stdin's bytes (management frames, not JSON)
// are copied to the socket too: the floor for command latency. Usage: node passthrough.mjs [--relay] <ascp> [ascp args...]
import net from "node:net";
import { spawn } from "node:child_process";
import { once } from "node:events";

const relay = process.argv[2] === "--relay";
const [ascp, ...args] = process.argv.slice(relay ? 3 : 2);
const out = new net.Socket({ fd: 1, readable: false, writable: true });
const flushed = once(out, "finish");
const server = net.createServer((socket) => {
  server.close();
  socket.pipe(out); // ends stdout when ascp closes the socket
  if (relay) process.stdin.pipe(socket); // ends the socket's writing side at the end of stdin
});
server.listen({ host: "127.0.0.1", port: 0 }, async () => {
  const child = spawn(ascp, ["-M", String(server.address().port), ...args], { stdio: ["ignore", "ignore", "inherit"] });
  const [code] = await once(child, "exit");
  await flushed;
  process.exit(code ?? 1);
});
