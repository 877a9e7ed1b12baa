#!/usr/bin/env node
// Top self-time functions of a V8 .cpuprofile (node --cpu-prof), e.g. from run.mjs --cpu-prof DIR:
//   node conformance/bench/profile.mjs DIR|FILE [--top N]
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { ROOT } from "./lib/procs.mjs";

const args = process.argv.slice(2);
const topAt = args.indexOf("--top");
const top = topAt >= 0 ? Number(args.splice(topAt, 2)[1]) : 25;
let file = args[0];
if (!file) {
  process.stderr.write("usage: node conformance/bench/profile.mjs DIR|FILE [--top N]\n");
  process.exit(2);
}
if (statSync(file).isDirectory()) {
  // The newest profile in the folder.
  const found = readdirSync(file).filter((f) => f.endsWith(".cpuprofile")).map((f) => join(file, f));
  found.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  file = found[0];
}
const prof = JSON.parse(readFileSync(file, "utf8"));
// Sample counts per node, weighted by the time deltas that follow each sample.
const selfUs = new Map();
for (let i = 0; i < prof.samples.length; i++) {
  const id = prof.samples[i];
  selfUs.set(id, (selfUs.get(id) ?? 0) + (prof.timeDeltas[i + 1] ?? 0));
}
const byFn = new Map();
let total = 0;
for (const node of prof.nodes) {
  const us = selfUs.get(node.id) ?? 0;
  total += us;
  const cf = node.callFrame;
  const url = cf.url.startsWith("file://") ? relative(ROOT, new URL(cf.url).pathname) : cf.url;
  const key = `${cf.functionName || "(anonymous)"}  ${url}${url ? `:${cf.lineNumber + 1}` : ""}`;
  byFn.set(key, (byFn.get(key) ?? 0) + us);
}
const rows = [...byFn.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
process.stdout.write(`${file}: ${(total / 1000).toFixed(0)} ms sampled\n`);
for (const [key, us] of rows) process.stdout.write(`${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${key}\n`);
