// The human view for shell users: one live line on stderr (files, bytes, rate, ETA) and a short final summary.
// On a terminal the line is redrawn in place (CR, erase to end of line), cut to the terminal's width so it never
// wraps; elsewhere (--progress with stderr to a file or pipe) plain lines, at most one every PLAIN_EVERY_MS, no
// control characters. stdout is never touched. Formatting is pure (formatLine, formatSummary); TerminalView only
// decides when to write, and gives log lines a clean line to land on.
import type { FileEndEvent, ProgressModelEvent, ProgressSnapshot } from "./model.js";

const PLAIN_EVERY_MS = 2000;
const ERASE_LINE = "\r\x1b[K";

const UNITS = ["B", "kB", "MB", "GB", "TB", "PB"];

/** 1234567 → "1.2 MB" (decimal units, as transfer rates are). */
export function formatBytes(n: number): string {
  let v = n;
  let u = 0;
  while (v >= 1000 && u < UNITS.length - 1) {
    v /= 1000;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(1)} ${UNITS[u]}`;
}

/** bits/s → "85.2 Mbit/s". */
export function formatRate(bps: number): string {
  if (bps < 1000) return `${bps} bit/s`;
  const units = ["kbit/s", "Mbit/s", "Gbit/s", "Tbit/s"];
  let v = bps / 1000;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v.toFixed(1)} ${units[u]}`;
}

/** Seconds → "0:07", "12:05", "1:02:03". */
export function formatDuration(sec: number): string {
  const s = Math.round(sec);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

/** The live line: files done/total, bytes (and percent), rate, ETA, sessions waiting to retry. */
export function formatLine(p: ProgressSnapshot): string {
  const finished = p.files.done + p.files.skipped + p.files.failed;
  const files = p.files.total === null ? `${finished} files` : `${finished}/${p.files.total} files`;
  const moved = p.bytes.transferred + p.bytes.already_present;
  let bytes = formatBytes(moved);
  if (p.bytes.total !== null) bytes += ` / ${formatBytes(p.bytes.total)}`;
  if (p.percent !== null) bytes += ` (${p.percent.toFixed(1)}%)`;
  const parts = [files, bytes, formatRate(p.rate.current_bps)];
  if (p.eta_sec !== null) parts.push(`ETA ${formatDuration(p.eta_sec)}`);
  if (p.files.failed > 0) parts.push(`${p.files.failed} failed`);
  const retrying = p.sessions.filter((s) => s.state === "retry_wait").length;
  if (retrying > 0) parts.push(`${retrying} retrying`);
  return `asession: ${parts.join("  ")}`;
}

export interface SummaryInput {
  status: string;
  progress: ProgressSnapshot;
  rateAvgBps: number;
  failures: readonly FileEndEvent[];
  /** The job's error, when it failed. */
  error?: string | null;
}

/** The final summary: status, files, bytes, average rate, elapsed time, then each failed file and the error. */
export function formatSummary(s: SummaryInput): string {
  const p = s.progress;
  const files = `${p.files.done} done, ${p.files.skipped} skipped, ${p.files.failed} failed`;
  let bytes = `${formatBytes(p.bytes.transferred)} transferred`;
  if (p.bytes.already_present > 0) bytes += `, ${formatBytes(p.bytes.already_present)} already there`;
  const lines = [`asession: ${s.status}: ${files}; ${bytes}; average ${formatRate(s.rateAvgBps)}; ${formatDuration(p.elapsed_ms / 1000)}`];
  for (const f of s.failures) lines.push(`  failed: ${f.file}: ${f.error?.message ?? "failed"}${f.error?.code !== undefined ? ` (code ${f.error.code})` : ""}`);
  if (s.error) lines.push(`  error: ${s.error}`);
  return `${lines.join("\n")}\n`;
}

export interface ViewOptions {
  write: (text: string) => void;
  /** stderr is a terminal: redraw in place. */
  tty: boolean;
  /** Terminal width, when known. */
  columns?: () => number | undefined;
  now: () => number;
}

export class TerminalView {
  private line = "";
  /** The line as drawn on the terminal (cut to its width). */
  private drawn = "";
  private shown = false;
  private lastPlainAt = -Infinity;
  private readonly failures: FileEndEvent[] = [];

  constructor(private readonly o: ViewOptions) {}

  /** Every event of the progress model: keeps failed files for the summary. */
  onEvent(event: ProgressModelEvent): void {
    if (event.type === "FILE_END" && event.status === "failed") this.failures.push(event);
  }

  /** Shows this snapshot (called on the view's timer). */
  update(p: ProgressSnapshot): void {
    this.line = formatLine(p);
    if (this.o.tty) {
      const width = this.o.columns?.();
      this.drawn = width && this.line.length >= width ? this.line.slice(0, width - 1) : this.line;
      this.o.write(ERASE_LINE + this.drawn);
      this.shown = true;
    } else {
      const now = this.o.now();
      if (now - this.lastPlainAt < PLAIN_EVERY_MS) return;
      this.lastPlainAt = now;
      this.o.write(`${this.line}\n`);
    }
  }

  /** A log line: on a terminal, the live line makes room and comes back under it. */
  log(text: string): void {
    if (!this.o.tty || !this.shown) return this.o.write(text);
    this.o.write(ERASE_LINE + text + this.drawn);
  }

  finish(s: Omit<SummaryInput, "failures">): void {
    if (this.o.tty && this.shown) this.o.write(ERASE_LINE);
    this.shown = false;
    this.o.write(formatSummary({ ...s, failures: this.failures }));
  }
}
