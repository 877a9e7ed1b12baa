// Engine logs: stderr only (stdout carries NDJSON and nothing else), filtered by the session spec's loglevel.
// Every message passes through the job's Redactor (redact.ts), so a secret that slipped into a message never
// reaches the terminal. A stderr the parent closed is ignored: logs are never worth dying for.
import { Redactor } from "./redact.js";

export type LogLevel = "trace" | "debug" | "info" | "warn" | "error" | "silent";

const RANK: Record<LogLevel, number> = { trace: 0, debug: 1, info: 2, warn: 3, error: 4, silent: 5 };

/** Writes to fd 2; a closed or broken stderr (EPIPE, EBADF) is ignored, whether it throws or emits 'error'. */
export function writeStderr(text: string): void {
  try {
    process.stderr.write(text);
  } catch {
    // stderr is gone: nothing to tell anyone.
  }
}

export class Logger {
  private rank: number;

  constructor(
    level: LogLevel = "warn",
    private readonly write: (text: string) => void = writeStderr,
    readonly redactor: Redactor = new Redactor(),
  ) {
    this.rank = RANK[level];
  }

  setLevel(level: LogLevel): void {
    this.rank = RANK[level];
  }

  /** A value that must never be printed (password, token, key), in any of its spellings. */
  addSecret(value: string): void {
    if (value.length > 0) this.redactor.add(value);
  }

  redact(text: string): string {
    return this.redactor.text(text);
  }

  enabled(level: Exclude<LogLevel, "silent">): boolean {
    return RANK[level] >= this.rank;
  }

  trace(message: string): void {
    this.log("trace", message);
  }
  debug(message: string): void {
    this.log("debug", message);
  }
  info(message: string): void {
    this.log("info", message);
  }
  warn(message: string): void {
    this.log("warn", message);
  }
  error(message: string): void {
    this.log("error", message);
  }

  private log(level: Exclude<LogLevel, "silent">, message: string): void {
    if (RANK[level] < this.rank) return;
    // Masked with its line break: a secret that ends in one ("aaa\n") would otherwise be spelled out by a message
    // ending in its first line ("ascp: aaa", a line of ascp's stderr) and the line break after it.
    const text = this.redact(`asession ${level}: ${message}\n`);
    this.write(text.endsWith("\n") ? text : `${text}\n`);
  }
}
