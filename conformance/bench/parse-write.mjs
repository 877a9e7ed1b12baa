#!/usr/bin/env node
// In-process cost of the hot path alone, without processes or sockets: the frame parser (src/mgmt/frame-parser.ts)
// and the JSON writer (src/mgmt/frame-json.ts) over a stream of STATS frames like the simulator's blast (874 bytes,
// 24 fields, four counters changing per frame), cut in 64 KiB chunks.
//   node conformance/bench/parse-write.mjs [--dist DIR] [--frames N] [--rounds R] [--parse-only | --chain] [--no-steady]
// Prints the best round's ns per frame (the machine's load only ever adds). --dist: another build's dist/ folder
// (e.g. an older revision's) for before/after figures. --chain: the engine's whole per-frame work instead, as job.ts
// does it (progress facts, the NDJSON writer with its queue, into a stream that takes everything at once, and the
// progress model), one event-loop turn per chunk. Steady frames (src/mgmt/frame-parser.ts) are taken as the engine
// takes them; --no-steady: every frame the usual way.
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Writable } from "node:stream";
import { ROOT } from "./lib/procs.mjs";

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const dist = opt("--dist", join(ROOT, "dist"));
const frames = Number(opt("--frames", 200_000));
const rounds = Number(opt("--rounds", 15));
const parseOnly = args.includes("--parse-only");
const chain = args.includes("--chain");
const noSteady = args.includes("--no-steady");
const { FrameParser } = await import(pathToFileURL(join(dist, "mgmt/frame-parser.js")).href);
const { isPlainFrame, writeFrameJson, writeSteadyJson } = await import(pathToFileURL(join(dist, "mgmt/frame-json.js")).href);
const chainParts = chain ? await loadChain() : null;

async function loadChain() {
  const load = (m) => import(pathToFileURL(join(dist, m)).href);
  const [{ readFrameFacts, readSteadyFacts }, { ProgressModel, emptyFacts, FrameKind }, { NdjsonWriter }] = await Promise.all([
    load("progress/facts.js"),
    load("progress/model.js"),
    load("ndjson-writer.js"),
  ]);
  return { readFrameFacts, readSteadyFacts, ProgressModel, emptyFacts, FrameKind, NdjsonWriter };
}

/** The engine's per-frame work (job.ts hooks.frame, session-runner.ts) around the parser; the stream takes everything. */
function chainOnFrame() {
  const { readFrameFacts, readSteadyFacts, ProgressModel, emptyFacts, FrameKind, NdjsonWriter } = chainParts;
  const writer = new NdjsonWriter(new Writable({ write: (_chunk, _encoding, done) => done() }));
  const model = new ProgressModel({ sessions: 1, persistent: false, now: () => performance.now(), emit: () => {} });
  const facts = emptyFacts();
  let transferBytes = 0;
  const onFrame = (f) => {
    if (!isPlainFrame(f)) throw new Error("a STATS of the blast is plain");
    const kind = readFrameFacts(f, facts);
    writer.writeWith(writeFrameJson, f, 0, 0, kind === FrameKind.STATS);
    model.frame(0, kind, facts);
    if (facts.transferBytes > transferBytes) transferBytes = facts.transferBytes;
  };
  const onSteady = (f) => {
    const kind = readSteadyFacts(f, facts);
    writer.writeWith(writeSteadyJson, f, 0, 0, kind === FrameKind.STATS);
    model.frame(0, kind, facts);
    if (facts.transferBytes > transferBytes) transferBytes = facts.transferBytes;
  };
  return { onFrame, onSteady, close: () => writer.close() };
}

const prefix =
  "FASPMGR 2\nType: STATS\nAdaptive: Adaptive\nCipher: aes-128\nClientUser: admin\nClusterNodeId: 0\nClusterNumNodes: 1\n" +
  "CreatePolicy: 0\nDSPipelineDepth: 32\nDatagramSize: 0\nDelay: 1\nDirection: Send\nEncryption: Yes\nFile: /tmp/blast.bin\n" +
  "Loss: 0\nRate: 100000\nSize: 204800000\nStartByte: 0\nSessionId: 3aea4ddc-027b-4bd0-8193-16e55c1dbaac\n" +
  `UserStr: 8dd7285ef977562c7d7bbd49\nRateInfo: ${"r".repeat(420)}\n`;
const chunks = [];
let text = "";
let bytes = 0;
for (let i = 1; i <= frames; i++) {
  const n = i * 1024;
  text += `${prefix}Elapsedusec: ${i * 137}\nFileBytes: ${n}\nTransferBytes: ${n}\nWritten: ${n}\n\n`;
  if (text.length >= 65536 || i === frames) {
    const chunk = Buffer.from(text);
    // Exactly 64 KiB pieces, as a socket delivers them: frames are cut anywhere.
    for (let at = 0; at < chunk.length; at += 65536) chunks.push(chunk.subarray(at, at + 65536));
    bytes += chunk.length;
    text = "";
  }
}
// The writer's output buffer, reused: the cost measured is writing into it, not growing it.
const sink = {
  buf: Buffer.allocUnsafe(8 << 20),
  len: 0,
  ensure(n) {
    if (this.len + n > this.buf.length) this.len = 0;
  },
};
let best = Infinity;
for (let r = 0; r < rounds; r++) {
  let seen = 0;
  const engine = chain ? chainOnFrame() : null;
  const parser = new FrameParser({
    onFrame: (f) => {
      seen++;
      if (engine) engine.onFrame(f);
      else if (!parseOnly && isPlainFrame(f)) writeFrameJson(sink, f, 0);
    },
    onWarning: (w) => {
      throw new Error(w.message);
    },
  });
  // Steady frames as the engine takes them (session-runner.ts), unless this build predates them.
  if (!noSteady && parser.enableSteady) {
    parser.enableSteady(
      (f) => f.type === "STATS" && isPlainFrame(f),
      (f) => {
        seen++;
        if (engine) engine.onSteady(f);
        else if (!parseOnly) writeSteadyJson(sink, f, 0);
      },
    );
  }
  const t = performance.now();
  for (const c of chunks) {
    parser.push(c);
    // The writer sends its batch once per event-loop turn, as in the engine (one turn per socket read here).
    if (engine) await new Promise((resolve) => setImmediate(resolve));
  }
  if (engine) await engine.close();
  const ns = ((performance.now() - t) * 1e6) / seen;
  if (seen !== frames) throw new Error(`parsed ${seen} frames of ${frames}`);
  best = Math.min(best, ns);
}
process.stdout.write(
  `${chain ? "whole per-frame chain" : parseOnly ? "parse" : "parse + write"}: ${best.toFixed(0)} ns per frame (${(best / (bytes / frames)).toFixed(2)} ns per byte), ` +
    `best of ${rounds} rounds of ${frames.toLocaleString("en-US")} frames, ${dist}\n`,
);
