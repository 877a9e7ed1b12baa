import { describe, expect, it } from "vitest";
import type { FileEndEvent, ProgressSnapshot } from "./model.js";
import { TerminalView, formatBytes, formatDuration, formatLine, formatRate, formatSummary } from "./terminal.js";

const snap = (o: Partial<ProgressSnapshot> = {}): ProgressSnapshot => ({
  type: "PROGRESS",
  elapsed_ms: 5200,
  files: { total: 10, done: 3, skipped: 1, failed: 0, running: 1 },
  bytes: { total: 45_600_000, transferred: 10_000_000, already_present: 2_300_000, remaining: 33_300_000 },
  rate: { current_bps: 85_200_000, target_bps: 100_000_000 },
  percent: 26.97,
  eta_sec: 3.1,
  sessions: [{ session_index: 0, state: "transferring", attempt: 1 }],
  ...o,
});

describe("terminal formatting", () => {
  it.each([
    [0, "0 B"],
    [999, "999 B"],
    [1000, "1.0 kB"],
    [45_600_000, "45.6 MB"],
    [3e12, "3.0 TB"],
  ])("formatBytes(%d) = %s", (n, text) => expect(formatBytes(n)).toBe(text));

  it.each([
    [0, "0 bit/s"],
    [85_200_000, "85.2 Mbit/s"],
    [1_500, "1.5 kbit/s"],
  ])("formatRate(%d) = %s", (n, text) => expect(formatRate(n)).toBe(text));

  it.each([
    [0, "0:00"],
    [7.4, "0:07"],
    [725, "12:05"],
    [3723, "1:02:03"],
  ])("formatDuration(%d) = %s", (n, text) => expect(formatDuration(n)).toBe(text));

  it("the line: files finished / total, bytes with percent, rate, ETA, sessions waiting to retry", () => {
    expect(formatLine(snap({ sessions: [{ session_index: 0, state: "retry_wait", attempt: 1 }] }))).toBe(
      "asession: 4/10 files  12.3 MB / 45.6 MB (27.0%)  85.2 Mbit/s  ETA 0:03  1 retrying",
    );
  });

  it("unknown totals: no total, no percent, no ETA (never a made-up number)", () => {
    const line = formatLine(snap({ files: { total: null, done: 2, skipped: 0, failed: 1, running: 1 }, bytes: { total: null, transferred: 1000, already_present: 0, remaining: null }, percent: null, eta_sec: null }));
    expect(line).toBe("asession: 3 files  1.0 kB  85.2 Mbit/s  1 failed");
  });

  it("the summary lists every failed file and the job's error", () => {
    const failures: FileEndEvent[] = [
      { type: "FILE_END", session_index: 0, file: "/up/x", status: "failed", bytes_transferred: 0, bytes_already_present: 0, error: { code: 4, message: "No such file" } },
    ];
    expect(formatSummary({ status: "failed", progress: snap(), rateAvgBps: 80_100_000, failures, error: "1 file(s) failed" })).toBe(
      "asession: failed: 3 done, 1 skipped, 0 failed; 10.0 MB transferred, 2.3 MB already there; average 80.1 Mbit/s; 0:05\n" +
        "  failed: /up/x: No such file (code 4)\n" +
        "  error: 1 file(s) failed\n",
    );
  });
});

describe("TerminalView", () => {
  it("on a terminal: redraws in place, cut to the width; a log line clears it and the line comes back", () => {
    const out: string[] = [];
    const view = new TerminalView({ write: (t) => out.push(t), tty: true, columns: () => 20, now: () => 0 });
    view.update(snap());
    view.log("asession warn: x\n");
    expect(out).toEqual(["\r\x1b[Kasession: 4/10 file", "\r\x1b[Kasession warn: x\nasession: 4/10 file"]);
  });

  it("not a terminal (--progress): plain lines without control characters, at most one every 2 s", () => {
    const out: string[] = [];
    let now = 0;
    const view = new TerminalView({ write: (t) => out.push(t), tty: false, now: () => now });
    view.update(snap());
    now = 1000;
    view.update(snap());
    now = 2500;
    view.update(snap());
    view.finish({ status: "success", progress: snap(), rateAvgBps: 1000, error: null });
    expect(out).toHaveLength(3);
    expect(out.join("")).not.toMatch(/[\r\x1b]/);
  });
});
