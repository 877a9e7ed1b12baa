import { readdirSync, readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FrameParser } from "../mgmt/frame-parser.js";
import { typeFrame, type AscpEvent } from "../mgmt/typing.js";
import { readFacts } from "./facts.js";
import { ProgressModel, emptyFacts, type ProgressModelEvent, type ProgressSnapshot, type SessionEnd } from "./model.js";

/** A model with a hand-driven clock, fed typed events as the job feeds it. */
function harness(o: { sessions?: number; persistent?: boolean; stallTimeoutMs?: number } = {}) {
  let now = 0;
  const events: ProgressModelEvent[] = [];
  const model = new ProgressModel({ sessions: o.sessions ?? 1, persistent: o.persistent ?? false, stallTimeoutMs: o.stallTimeoutMs, now: () => now, emit: (e) => events.push(e) });
  const facts = emptyFacts();
  return {
    model,
    events,
    tick: (ms: number) => (now += ms),
    frame: (session: number, event: Record<string, unknown>) => model.frame(session, readFacts(event as AscpEvent, facts), facts),
    of: <T extends ProgressModelEvent["type"]>(type: T) => events.filter((e) => e.type === type) as Extract<ProgressModelEvent, { type: T }>[],
    last: () => model.snapshot(),
  };
}

const MiB4 = 4_194_304;

describe("progress model: the arithmetic on ascp's counters (table)", () => {
  // Frames from aspera-cli's progress tests ("excerpts of actual transfers", spec/agent_direct_progress_spec.rb),
  // with a File name added (the excerpts omit it).
  const table: {
    name: string;
    sessions?: number;
    frames: [number, Record<string, unknown>][];
    expect: { transferred: number; present: number; total: number | null; fileEnds: Record<string, string>; fileStarts?: number };
  }[] = [
    {
      name: "resume: FileBytes - TransferBytes is already present; the first STATS's StartByte is where it resumes",
      frames: [
        [0, { type: "NOTIFICATION", pre_transfer_bytes: 12_582_912 }],
        [0, { type: "STATS", file: "/f1", transfer_bytes: 0, start_byte: 2_172_544, file_bytes: 0, size: MiB4 }],
        [0, { type: "STATS", file: "/f1", transfer_bytes: 689_920, file_bytes: 2_862_464, size: MiB4 }],
      ],
      expect: { transferred: 689_920, present: 2_172_544, total: 12_582_912, fileEnds: {} },
    },
    {
      name: "multi-session: StartByte is a part offset, not bytes already there; the file ends once both parts are in",
      sessions: 2,
      frames: [
        [1, { type: "STATS", file: "/big", transfer_bytes: 702_592, start_byte: 2_096_512, file_bytes: 702_592, size: MiB4 }],
        [1, { type: "STOP", file: "/big", transfer_bytes: 2_100_608, start_byte: 2_096_512, file_bytes: 2_100_608, size: MiB4 }],
        [0, { type: "STATS", file: "/big", transfer_bytes: 1_000_000, start_byte: 0, file_bytes: 1_000_000, size: MiB4 }],
        [0, { type: "STOP", file: "/big", transfer_bytes: 2_093_696, start_byte: 0, file_bytes: 2_093_696, size: MiB4 }],
      ],
      expect: { transferred: MiB4, present: 0, total: null, fileEnds: { "/big": "done" }, fileStarts: 2 },
    },
    {
      name: "whole files already there: STOP with StartByte == Size (FileBytes 0) counts the size as already present",
      frames: [
        [0, { type: "STOP", file: "/a", transfer_bytes: 0, start_byte: MiB4, file_bytes: 0, size: MiB4 }],
        [0, { type: "STOP", file: "/b", transfer_bytes: 0, start_byte: MiB4, file_bytes: 0, size: MiB4 }],
        [0, { type: "DONE" }],
      ],
      expect: { transferred: 0, present: 2 * MiB4, total: null, fileEnds: { "/a": "done", "/b": "done" } },
    },
    {
      name: "multi-session: every session reports a file already there; it is counted and ended once",
      sessions: 2,
      frames: [
        [0, { type: "STOP", file: "/a", transfer_bytes: 0, start_byte: 1000, file_bytes: 0, size: 1000 }],
        [1, { type: "STOP", file: "/a", transfer_bytes: 0, start_byte: 1000, file_bytes: 0, size: 1000 }],
      ],
      expect: { transferred: 0, present: 1000, total: null, fileEnds: { "/a": "done" }, fileStarts: 1 },
    },
    {
      name: "SKIP: the file is left as it was; its size is already present, nothing transferred",
      frames: [
        [0, { type: "NOTIFICATION", pre_transfer_bytes: 3000, pre_transfer_files: 2 }],
        [0, { type: "SKIP", file: "/kept", size: 2000 }],
        [0, { type: "STATS", file: "/new", size: 1000, start_byte: 0, transfer_bytes: 500, file_bytes: 500 }],
        [0, { type: "STOP", file: "/new", size: 1000, start_byte: 0, transfer_bytes: 1000, file_bytes: 1000 }],
      ],
      expect: { transferred: 1000, present: 2000, total: 3000, fileEnds: { "/kept": "skipped", "/new": "done" } },
    },
    {
      name: "FILEERROR: failed with its code; the session goes on",
      frames: [
        [0, { type: "FILEERROR", file: "/missing", code: 4, description: "No such file or directory" }],
        [0, { type: "STOP", file: "/ok", size: 10, written: 10, transfer_bytes: 10, file_bytes: 10 }],
      ],
      expect: { transferred: 10, present: 0, total: null, fileEnds: { "/missing": "failed", "/ok": "done" } },
    },
    {
      name: "a STOP without counters (published Go fixtures, STATS Size aligned to 1000): the file's size is done, the rest counted as moved",
      frames: [
        [0, { type: "STATS", file: "some-file.txt", size: 1000, loss: 100, transfer_bytes: 500, file_bytes: 600, delay: 10 }],
        [0, { type: "STOP", file: "some-file.txt", size: 1000, written: 1000, loss: 1 }],
      ],
      expect: { transferred: 900, present: 100, total: null, fileEnds: { "some-file.txt": "done" } },
    },
  ];

  for (const row of table) {
    it(row.name, () => {
      const h = harness({ sessions: row.sessions });
      for (let i = 0; i < (row.sessions ?? 1); i++) h.model.attemptStarted(i, 1);
      for (const [s, f] of row.frames) {
        h.tick(100);
        h.frame(s, f);
      }
      const p = h.last();
      expect(p.bytes).toMatchObject({ transferred: row.expect.transferred, already_present: row.expect.present, total: row.expect.total });
      const ends = Object.fromEntries(h.of("FILE_END").map((e) => [e.file, e.status]));
      expect(ends).toEqual(row.expect.fileEnds);
      expect(h.of("FILE_END").length).toBe(Object.keys(ends).length);
      if (row.expect.fileStarts !== undefined) expect(h.of("FILE_START")).toHaveLength(row.expect.fileStarts);
      if (row.expect.total === null) expect([p.percent, p.eta_sec, p.bytes.remaining]).toEqual([null, null, null]);
    });
  }

  it("FILE_START says where the attempt resumes and FILE_END splits the file's bytes", () => {
    const h = harness();
    h.model.attemptStarted(0, 1);
    h.frame(0, { type: "STATS", file: "/f", size: 1000, start_byte: 400, transfer_bytes: 0, file_bytes: 400 });
    h.frame(0, { type: "STOP", file: "/f", size: 1000, start_byte: 400, transfer_bytes: 600, file_bytes: 1000 });
    expect(h.of("FILE_START")).toEqual([{ type: "FILE_START", session_index: 0, file: "/f", size: 1000, start_byte: 400, attempt: 1 }]);
    expect(h.of("FILE_END")).toEqual([{ type: "FILE_END", session_index: 0, file: "/f", status: "done", size: 1000, bytes_transferred: 600, bytes_already_present: 400 }]);
  });
});

describe("progress model: retries", () => {
  it("a new attempt's counters restart at zero: no byte counted twice, nothing goes backwards, the total stays", () => {
    const h = harness();
    h.model.attemptStarted(0, 1);
    h.frame(0, { type: "NOTIFICATION", pre_transfer_bytes: 300, pre_transfer_files: 1 });
    h.frame(0, { type: "STATS", file: "/f", size: 300, start_byte: 0, transfer_bytes: 100, file_bytes: 100 });
    h.frame(0, { type: "ERROR", code: 16 });
    h.model.retryWait(0);
    h.model.attemptStarted(0, 2);
    // No resume: ascp sends the file again from 0; its NOTIFICATION repeats (or differs): the total is the first.
    h.frame(0, { type: "NOTIFICATION", pre_transfer_bytes: 999 });
    h.frame(0, { type: "STATS", file: "/f", size: 300, start_byte: 0, transfer_bytes: 50, file_bytes: 50 });
    expect(h.last().bytes).toMatchObject({ transferred: 100, total: 300 });
    h.frame(0, { type: "STOP", file: "/f", size: 300, start_byte: 0, transfer_bytes: 300, file_bytes: 300 });
    h.model.sessionEnded(0, { status: "done" });
    const { snapshot } = h.model.finish();
    expect(snapshot.bytes).toEqual({ total: 300, transferred: 300, already_present: 0, remaining: 0 });
    expect(snapshot.files).toEqual({ total: 1, done: 1, skipped: 0, failed: 0, running: 0 });
    expect(h.of("FILE_START").map((e) => e.attempt)).toEqual([1, 2]);
    expect(h.of("FILE_END")).toHaveLength(1);
  });

  it("a resumed attempt finds what the failed one wrote: not already present (this job sent it)", () => {
    const h = harness();
    h.model.attemptStarted(0, 1);
    h.frame(0, { type: "STATS", file: "/f", size: 1000, start_byte: 200, transfer_bytes: 0, file_bytes: 200 });
    h.frame(0, { type: "STATS", file: "/f", size: 1000, start_byte: 200, transfer_bytes: 300, file_bytes: 500 });
    h.model.retryWait(0);
    h.model.attemptStarted(0, 2);
    h.frame(0, { type: "STATS", file: "/f", size: 1000, start_byte: 500, transfer_bytes: 0, file_bytes: 500 });
    h.frame(0, { type: "STOP", file: "/f", size: 1000, start_byte: 500, transfer_bytes: 500, file_bytes: 1000 });
    expect(h.of("FILE_END")).toEqual([expect.objectContaining({ status: "done", bytes_transferred: 800, bytes_already_present: 200 })]);
    expect(h.of("FILE_START").map((e) => e.start_byte)).toEqual([200, 500]);
  });

  it("a retry walking over files the failed attempt completed (STOP StartByte == Size) ends nothing twice", () => {
    const h = harness();
    h.model.attemptStarted(0, 1);
    h.frame(0, { type: "STOP", file: "/a", size: 100, start_byte: 0, transfer_bytes: 100, file_bytes: 100 });
    h.model.attemptStarted(0, 2);
    h.frame(0, { type: "STOP", file: "/a", size: 100, start_byte: 100, transfer_bytes: 0, file_bytes: 0 });
    h.frame(0, { type: "STOP", file: "/b", size: 50, start_byte: 0, transfer_bytes: 50, file_bytes: 50 });
    expect(h.of("FILE_END").map((e) => [e.file, e.bytes_transferred, e.bytes_already_present])).toEqual([
      ["/a", 100, 0],
      ["/b", 50, 0],
    ]);
    expect(h.last().bytes).toMatchObject({ transferred: 150, already_present: 0 });
  });

  it("a session that fails for good ends its open files failed with the session's error; finish() repeats nothing", () => {
    const h = harness();
    h.model.attemptStarted(0, 1);
    h.frame(0, { type: "STATS", file: "/f", size: 1000, transfer_bytes: 10, file_bytes: 10 });
    const end: SessionEnd = { status: "failed", error: { code: 16, message: "connection lost" } };
    h.model.sessionEnded(0, end);
    h.model.finish();
    expect(h.of("FILE_END")).toEqual([expect.objectContaining({ file: "/f", status: "failed", error: { code: 16, message: "connection lost" } })]);
    const progress = h.of("PROGRESS");
    expect(progress.at(-1)!.sessions).toEqual([{ session_index: 0, state: "failed", attempt: 1 }]);
  });
});

describe("progress model: totals, states, rate, stalls", () => {
  it("multi-session: the total is the sum of each session's PreTransferBytes, known once every session sent one", () => {
    const h = harness({ sessions: 2 });
    h.frame(0, { type: "NOTIFICATION", pre_transfer_bytes: 600, pre_transfer_files: 2 });
    expect(h.last().bytes.total).toBeNull();
    h.frame(1, { type: "NOTIFICATION", pre_transfer_bytes: 400, pre_transfer_files: 1 });
    expect(h.last()).toMatchObject({ bytes: { total: 1000, remaining: 1000 }, files: { total: 3 }, percent: 0 });
  });

  it("persistent session: totals grow with each START; no percent, no ETA", () => {
    const h = harness({ persistent: true });
    h.model.attemptStarted(0, 1);
    h.frame(0, { type: "SESSION" });
    h.model.startQueued(0);
    h.tick(500);
    h.frame(0, { type: "STATS", file: "/x", size: 1000, start_byte: 0, transfer_bytes: 500, file_bytes: 500 });
    h.tick(500);
    expect(h.last()).toMatchObject({ files: { total: 1, running: 1 }, bytes: { total: 1000, transferred: 500 }, percent: null, eta_sec: null });
    h.model.startQueued(0);
    h.frame(0, { type: "STOP", file: "/x", size: 1000, transfer_bytes: 1000, file_bytes: 1000 });
    h.frame(0, { type: "STATS", file: "/y", size: 3000, transfer_bytes: 1000, file_bytes: 1000 });
    expect(h.last()).toMatchObject({ files: { total: 2, done: 1 }, bytes: { total: 4000 }, percent: null });
  });

  it("session states: starting, connecting, transferring, retry_wait, then how it ended; each change is a PROGRESS", () => {
    const h = harness();
    const states = () => h.of("PROGRESS").map((p) => `${p.sessions[0]!.state}/${p.sessions[0]!.attempt}`);
    expect(h.last().sessions[0]!.state).toBe("starting");
    h.model.attemptStarted(0, 1);
    h.frame(0, { type: "INIT" });
    h.frame(0, { type: "SESSION" });
    h.model.retryWait(0);
    h.model.attemptStarted(0, 2);
    h.frame(0, { type: "STATS", file: "/f", transfer_bytes: 1 });
    h.model.sessionEnded(0, { status: "cancelled" });
    expect(states()).toEqual(["connecting/1", "transferring/1", "retry_wait/1", "connecting/2", "transferring/2", "cancelled/2"]);
  });

  it("rate over a sliding window, ETA from it; target rate from ascp's Rate (kbps)", () => {
    const h = harness();
    h.model.attemptStarted(0, 1);
    h.frame(0, { type: "NOTIFICATION", pre_transfer_bytes: 2_000_000, rate: 8000 });
    for (let i = 1; i <= 10; i++) {
      h.tick(1000);
      h.frame(0, { type: "STATS", file: "/f", size: 2_000_000, transfer_bytes: i * 100_000, file_bytes: i * 100_000 });
      h.last(); // the job's timer: rate samples are taken with snapshots, never per frame
    }
    const p = h.last();
    // 100 kB/s = 800,000 bit/s; 1,000,000 bytes left → 10 s.
    expect(p.rate).toEqual({ current_bps: 800_000, target_bps: 8_000_000 });
    expect(p.eta_sec).toBe(10);
    expect(p.percent).toBe(50);
    h.tick(6000);
    expect(h.last()).toMatchObject({ rate: { current_bps: 0 }, eta_sec: null });
  });

  it("the rate window starts with the first byte: connect time is not averaged in, an early snapshot shows the rate", () => {
    const h = harness();
    h.model.attemptStarted(0, 1);
    h.tick(3000);
    h.last(); // connecting: no byte yet
    h.frame(0, { type: "STATS", file: "/f", size: 1_000_000, transfer_bytes: 100_000, file_bytes: 100_000 });
    h.tick(200);
    expect(h.last().rate.current_bps).toBe(4_000_000);
  });

  it("STALLED once per stall while transferring, re-armed by byte progress (seen at the next check)", () => {
    const h = harness({ stallTimeoutMs: 2000 });
    h.model.attemptStarted(0, 1);
    h.tick(5000);
    expect(h.model.checkStalls()).toEqual([]); // connecting: not a transfer stall
    h.frame(0, { type: "SESSION" });
    h.frame(0, { type: "STATS", file: "/f", size: 100, transfer_bytes: 10 });
    expect(h.model.checkStalls()).toEqual([]);
    h.tick(1999);
    expect(h.model.checkStalls()).toEqual([]);
    h.frame(0, { type: "STATS", file: "/f", size: 100, transfer_bytes: 10 }); // a STATS without new bytes is no progress
    h.tick(1);
    expect(h.model.checkStalls()).toEqual([0]);
    h.tick(5000);
    expect(h.model.checkStalls()).toEqual([]);
    expect(h.of("STALLED")).toEqual([{ type: "STALLED", session_index: 0, attempt: 1, stalled_sec: 2, file: "/f", action: "warn" }]);
    h.frame(0, { type: "STATS", file: "/f", size: 100, transfer_bytes: 20 });
    expect(h.model.checkStalls()).toEqual([]);
    h.tick(2000);
    expect(h.model.checkStalls()).toEqual([0]);
  });

  it("a persistent session waiting for START is idle, not stalled", () => {
    const h = harness({ persistent: true, stallTimeoutMs: 1000 });
    h.model.attemptStarted(0, 1);
    h.frame(0, { type: "SESSION" });
    h.tick(10_000);
    expect(h.model.checkStalls()).toEqual([]);
  });

  it("finish(): the last PROGRESS is the snapshot RESULT repeats", () => {
    const h = harness();
    h.model.attemptStarted(0, 1);
    h.frame(0, { type: "STOP", file: "/a", size: 5, transfer_bytes: 5, file_bytes: 5 });
    h.model.sessionEnded(0, { status: "done" });
    h.tick(1000);
    const { snapshot, rateAvgBps } = h.model.finish();
    expect(h.events.at(-1)).toEqual(snapshot);
    expect(rateAvgBps).toBe(40);
  });
});

describe("progress model: real captures (conformance/transcripts, shared reference fixtures)", () => {
  /** `terminate`: the COS fixtures are callback strings without the blank line that ends a frame on the socket. */
  function replay(file: string, terminate = false) {
    const h = harness();
    h.model.attemptStarted(0, 1);
    const parser = new FrameParser({ onFrame: (f) => h.frame(0, typeFrame(f.toFrame()) as Record<string, unknown>), onWarning: () => {} });
    const text = readFileSync(file, "utf8");
    parser.push(Buffer.from(terminate ? `${text.replace(/\n(?=FASPMGR 2\n)/g, "\n\n")}\n\n` : text));
    parser.end();
    return h;
  }

  const captures = readdirSync("conformance/transcripts").filter((f) => /^real-.*\.txt$/.test(f) && f !== "real-version.txt");
  it.each(captures)("%s (ascp 3.9, stops before any file moves): no file, no byte, no made-up total", (name) => {
    const h = replay(`conformance/transcripts/${name}`);
    h.model.sessionEnded(0, { status: "failed", error: { message: "x" } });
    const { snapshot } = h.model.finish();
    expect(h.of("FILE_START")).toEqual([]);
    expect(h.of("FILE_END")).toEqual([]);
    expect(snapshot.bytes).toEqual({ total: null, transferred: 0, already_present: 0, remaining: null });
    expect(snapshot.percent).toBeNull();
  });

  const REF = "/work/shared/reference/transcripts";
  it.runIf(readdirSync(REF, { withFileTypes: true }).length > 0)("IBM COS SDK progress fixture: total from PreTransferBytes, DONE's TransferBytes counted", () => {
    const h = replay(`${REF}/cos-java-progresstest-success.txt`, true);
    // STATS without File nor TransferBytes: nothing attributable; DONE says 4096 bytes moved, 1048576 done.
    expect(h.last().bytes).toMatchObject({ total: 1_048_576, transferred: 4096 });
    expect(h.of("FILE_END")).toEqual([]);
  });
});

/**
 * A small ascp stand-in for property tests: sessions walk their files, may find part of a file at the
 * destination, may fail at any frame, and retry with or without resume, reporting honest cumulative counters.
 */
interface Plan {
  files: { size: number; present: number; session: number }[];
  sessions: number;
  chunk: number;
  failures: number[];
  resume: boolean;
}

const planArb = fc
  .integer({ min: 1, max: 3 })
  .chain((sessions) =>
    fc.record({
      sessions: fc.constant(sessions),
      files: fc.array(
        fc.record({ size: fc.integer({ min: 0, max: 5000 }), presentShare: fc.integer({ min: 0, max: 100 }), session: fc.integer({ min: 0, max: sessions - 1 }) }).map((f) => ({
          size: f.size,
          present: Math.floor((f.size * (f.presentShare > 60 ? f.presentShare - 60 : 0)) / 40),
          session: f.session,
        })),
        { minLength: 1, maxLength: 6 },
      ),
      chunk: fc.integer({ min: 1, max: 2000 }),
      failures: fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 3 }),
      resume: fc.boolean(),
    }),
  );

function runPlan(plan: Plan) {
  const h = harness({ sessions: plan.sessions });
  const onDisk = plan.files.map((f) => f.present);
  const failuresLeft = [...plan.failures];
  let frameNo = 0;
  const checks: ProgressSnapshot[] = [];
  const observe = () => checks.push(h.last());
  for (let s = 0; s < plan.sessions; s++) {
    const mine = plan.files.map((f, i) => ({ ...f, i })).filter((f) => f.session === s);
    for (let attempt = 1; ; attempt++) {
      h.model.attemptStarted(s, attempt);
      h.frame(s, { type: "SESSION" });
      if (attempt === 1) h.frame(s, { type: "NOTIFICATION", pre_transfer_bytes: mine.reduce((a, f) => a + f.size, 0), pre_transfer_files: mine.length });
      let tb = 0;
      let fb = 0;
      let failed = false;
      for (const f of mine) {
        const name = `/f${f.i}`;
        // Without resume ascp sends every file whole, whatever is at the destination.
        const from = plan.resume ? onDisk[f.i]! : 0;
        if (from === f.size && f.size > 0) {
          h.frame(s, { type: "STOP", file: name, size: f.size, start_byte: f.size, transfer_bytes: tb, file_bytes: fb });
          observe();
          continue;
        }
        fb += from;
        let pos = from;
        h.frame(s, { type: "STATS", file: name, size: f.size, start_byte: from, transfer_bytes: tb, file_bytes: fb });
        while (pos < f.size) {
          const n = Math.min(plan.chunk, f.size - pos);
          pos += n;
          tb += n;
          fb += n;
          onDisk[f.i] = pos;
          h.frame(s, { type: "STATS", file: name, size: f.size, start_byte: from, transfer_bytes: tb, file_bytes: fb });
          observe();
          if (failuresLeft.length > 0 && frameNo++ === failuresLeft[0]) {
            failuresLeft.shift();
            failed = true;
            break;
          }
        }
        if (failed) break;
        h.frame(s, { type: "STOP", file: name, size: f.size, start_byte: from, transfer_bytes: tb, file_bytes: fb });
        observe();
      }
      if (!failed) {
        h.frame(s, { type: "DONE", transfer_bytes: tb, file_bytes: fb });
        h.model.sessionEnded(s, { status: "done" });
        break;
      }
      h.frame(s, { type: "ERROR", code: 16 });
      h.model.retryWait(s);
    }
  }
  return { h, checks, finish: h.model.finish() };
}

describe("progress model: properties", () => {
  it("counters never decrease; transferred + already_present <= total; one FILE_END per file; exact at the end", () => {
    fc.assert(
      fc.property(planArb, (plan) => {
        const { h, checks, finish } = runPlan(plan);
        const all = [...checks, finish.snapshot];
        for (let i = 1; i < all.length; i++) {
          const a = all[i - 1]!.bytes;
          const b = all[i]!.bytes;
          expect(b.transferred).toBeGreaterThanOrEqual(a.transferred);
          expect(b.already_present).toBeGreaterThanOrEqual(a.already_present);
        }
        for (const p of all) if (p.bytes.total !== null) expect(p.bytes.transferred + p.bytes.already_present).toBeLessThanOrEqual(p.bytes.total);
        const ends = h.of("FILE_END").map((e) => e.file);
        expect(new Set(ends).size).toBe(ends.length);
        // Every file that any frame named (a zero-byte file too) ends exactly once.
        expect(new Set(ends)).toEqual(new Set(plan.files.map((_, i) => `/f${i}`)));
        const total = plan.files.reduce((a, f) => a + f.size, 0);
        const present = plan.resume ? plan.files.reduce((a, f) => a + f.present, 0) : 0;
        expect(finish.snapshot.bytes).toEqual({ total, transferred: total - present, already_present: present, remaining: 0 });
        expect(finish.snapshot.files).toMatchObject({ total: plan.files.length, done: plan.files.length, running: 0 });
      }),
      { numRuns: 200 },
    );
  });
});
