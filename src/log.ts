// Engine logs: stderr only (stdout carries NDJSON and nothing else), filtered by the session spec's loglevel.
// Every message passes through redact(), so a secret that slipped into a message never reaches the terminal.

export type LogLevel = "trace" | "debug" | "info" | "warn" | "error" | "silent";

const RANK: Record<LogLevel, number> = { trace: 0, debug: 1, info: 2, warn: 3, error: 4, silent: 5 };
const MASK = "***";

export class Logger {
  private rank: number;
  private readonly secrets: string[] = [];

  constructor(
    level: LogLevel = "warn",
    private readonly write: (text: string) => void = (text) => process.stderr.write(text),
  ) {
    this.rank = RANK[level];
  }

  setLevel(level: LogLevel): void {
    this.rank = RANK[level];
  }

  /** Values that must never be printed (passwords, tokens, keys); short values are kept too: a 3-letter password is still a password. */
  addSecret(value: string): void {
    if (value.length > 0 && !this.secrets.includes(value)) {
      this.secrets.push(value);
      // Longest first, so a secret that contains another is masked whole.
      this.secrets.sort((a, b) => b.length - a.length);
    }
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) if (out.includes(secret)) out = out.split(secret).join(MASK);
    return out;
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
    this.write(`asession ${level}: ${this.redact(message)}\n`);
  }
}
