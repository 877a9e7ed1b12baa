#!/usr/bin/env node
// CPU cost of the progress model (src/progress/model.ts) per STATS frame: the work the engine adds to each ascp
// STATS for FILE_START/FILE_END/PROGRESS. Measured with process.cpuUsage (user + system) over a stream of STATS
// of realistic shape (two sessions interleaved, a new file every 1,000 STATS of a session, so FILE_STARTs
// too), in two ways:
//   model:        model.frame() fed an already filled FrameFacts (what a hot path that parses bytes would do)
//   facts+model:  readFacts() from a typed STATS event, then model.frame() (what the engine does today)
// and, for scale, a loop that only reads the same event's fields. Median of N runs; a warm-up run first.
// Usage: npm run build && node conformance/bench/progress-model.mjs [frames=2000000] [runs=5]
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const { ProgressModel, emptyFacts, FrameKind } = await import(pathToFileURL(path.join(root, "dist/progress/model.js")).href);
const { readFacts } = await import(pathToFileURL(path.join(root, "dist/progress/facts.js")).href);

const frames = Number(process.argv[2] ?? 2_000_000);
const runs = Number(process.argv[3] ?? 5);
const PER_FILE = 1000;
const CHUNK = 65_536;

/** A STATS event as the engine types it (snake_case, numbers), like the simulator's. */
const statsEvent = (file, size, tb, fb) => ({
  type: "STATS", file, size, start_byte: 0, written: 0, file_bytes: fb, transfer_bytes: tb, loss: 0, delay: 1, rate: 100000,
  elapsed_usec: 1234567, session_id: "9d5d1a0e-0000-4000-8000-000000000000", user_str: "abcdef0123456789abcdef01", session_index: 0,
});

function run(mode) {
  let emitted = 0;
  const model = new ProgressModel({ sessions: 2, persistent: false, now: () => performance.now(), emit: () => emitted++ });
  model.attemptStarted(0, 1);
  model.attemptStarted(1, 1);
  const facts = emptyFacts();
  const counters = [0, 0];
  const names = [[], []];
  for (let s = 0; s < 2; s++) for (let f = 0; f < frames / PER_FILE; f++) names[s].push(`/up/s${s}/file-${f}.bin`);
  // Events are built before timing: the engine gets them from the typing stage, their cost is not the model's.
  const events = [];
  for (let i = 0; i < Math.min(frames, 20_000); i++) {
    const s = i & 1;
    counters[s] += CHUNK;
    events.push(statsEvent(names[s][Math.floor(i / 2 / PER_FILE)] ?? names[s][0], PER_FILE * CHUNK, counters[s], counters[s]));
  }
  let sink = 0;
  const start = process.cpuUsage();
  for (let i = 0; i < frames; i++) {
    const s = i & 1;
    const e = events[i % events.length];
    // Keep counters growing past the prepared events: every frame is a real delta.
    e.transfer_bytes = e.file_bytes = (i >> 1) * CHUNK + CHUNK;
    e.file = names[s][Math.floor(i / 2 / PER_FILE)];
    if (mode === "read-only") {
      sink += e.transfer_bytes + e.file_bytes + e.size + e.start_byte + (e.file.length & 1);
      continue;
    }
    if (mode === "model") {
      facts.file = e.file;
      facts.size = e.size;
      facts.startByte = e.start_byte;
      facts.fileBytes = e.file_bytes;
      facts.transferBytes = e.transfer_bytes;
      facts.rateKbps = e.rate;
      model.frame(s, FrameKind.STATS, facts);
    } else {
      model.frame(s, readFacts(e, facts), facts);
    }
  }
  const used = process.cpuUsage(start);
  const snapshot = model.snapshot();
  if ((mode === "read-only" ? sink : snapshot.bytes.transferred) <= 0) throw new Error("the model counted nothing: the benchmark is broken");
  return { nsPerFrame: ((used.user + used.system) * 1000) / frames, emitted };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`node ${process.version}, ${frames.toLocaleString("en")} STATS per run, ${runs} runs (median), files of ${PER_FILE} STATS, 2 sessions`);
for (const mode of ["read-only", "model", "facts+model"]) {
  run(mode); // warm-up: JIT and hidden classes
  const results = Array.from({ length: runs }, () => run(mode));
  const ns = median(results.map((r) => r.nsPerFrame));
  console.log(`${mode.padEnd(12)} ${ns.toFixed(1).padStart(7)} ns CPU per STATS   (${results[0].emitted.toLocaleString("en")} model events per run)`);
}
