// What ascp said when it exited without ever connecting to the management port (it refused its command line, could
// not reach the port, …): the stderr line worth quoting, the options of its argv that line is about, and the
// message RESULT gives for such an attempt. Pure.
//
// ascp 3.9 words it in several ways (conformance/real): "unrecognized option `--remove-skipped'", "ascp: argument to
// -Z must be in the range 296..65535.", "ascp: Option --preserve-acls=native not supported on this platform",
// "ascp: Unrecognized transport encryption type: aes128gcm". So options are found by name first, then by a value of
// the argv the line quotes (the option before that value).
import type { Refusal } from "./mgmt-port.js";

export interface Complaint {
  /** One line of ascp's stderr, trimmed, at most MAX_LINE characters. */
  line: string;
  /** Indexes in argv of the options the line is about (e.g. `--preserve-acls`), in argv order. */
  at: number[];
}

const MAX_LINE = 300;
/** Values shorter than this (`1`, `no`) would be found inside unrelated words. */
const MIN_VALUE_CHARS = 3;

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** `word` in `line`, not as part of a longer option or path (ascp quotes with `…' and "…"). */
const mentions = (line: string, word: string) => new RegExp(`(^|[\\s\`'"(=,:])${escapeRe(word)}($|[\\s'"),.:=;])`).test(line);

function optionsIn(line: string, argv: readonly string[]): number[] {
  const byName: number[] = [];
  const byValue: number[] = [];
  argv.forEach((arg, i) => {
    if (arg.startsWith("-") && arg.length > 1) {
      const name = arg.startsWith("--") ? arg.split("=", 1)[0]! : arg;
      if (mentions(line, name)) byName.push(i);
      return;
    }
    const before = argv[i - 1];
    if (arg.length >= MIN_VALUE_CHARS && before !== undefined && before.startsWith("-") && before.length > 1 && mentions(line, arg)) byValue.push(i - 1);
  });
  return byName.length > 0 ? byName : byValue;
}

/** The line of `stderr` that says why ascp stopped (one that names an argv option, else the first), or null. */
export function commandLineComplaint(stderr: string, argv: readonly string[]): Complaint | null {
  const lines = stderr.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== "");
  if (lines.length === 0) return null;
  for (const line of lines) {
    const at = optionsIn(line, argv);
    if (at.length > 0) return { line: clip(line), at };
  }
  return { line: clip(lines[0]!), at: [] };
}

const clip = (line: string) => (line.length > MAX_LINE ? `${line.slice(0, MAX_LINE)}…` : line);

/** Refused connections in a few words; the WARNING events have each one. */
export function refusalText(refused: readonly Refusal[]): string {
  const first = refused[0]!.reason;
  return refused.length === 1 ? first : `${refused.length} connections, the first because ${first}`;
}

export interface ExitedEarly {
  /** How ascp ended, in words ("exit status 1"). */
  exit: string;
  /** The tail of its stderr. */
  stderr: string;
  argv: readonly string[];
  /** Where each argv item came from (`spec.<key>`, `agent.<option>`, `engine`), parallel to argv: the plan's origins. */
  origins: readonly string[];
  /** Connections the listener refused meanwhile. */
  refused: readonly Refusal[];
}

/**
 * Why ascp ended without a connection the engine took, never claiming more than is known: a refused connection that
 * may have been ascp's comes first; else ascp's complaint about an option the user's spec or agent options put on its
 * command line, naming where it came from; else "before connecting", with whatever ascp printed. Connections proved
 * to be another process's are added at the end.
 */
export function exitedEarlyMessage(e: ExitedEarly): string {
  const maybeOurs = e.refused.filter((r) => r.couldBeAscp);
  const complaint = commandLineComplaint(e.stderr, e.argv);
  // A line about the engine's own options (-M) is no refusal of the user's. An option given twice is named once.
  const named = [
    ...new Set(
      (complaint?.at ?? []).flatMap((i) => {
        const from = e.origins[i];
        return from === undefined || from === "engine" ? [] : [`${e.argv[i]} comes from ${from}`];
      }),
    ),
  ];
  let message: string;
  if (maybeOurs.length > 0) {
    message = `ascp exited (${e.exit}) after the engine refused a management connection it could not prove to be ascp's: ${refusalText(maybeOurs)}`;
    if (complaint) message += `; ascp said "${complaint.line}"`;
  } else if (named.length > 0) message = `ascp refused its command line (${e.exit}): "${complaint!.line}" (${named.join("; ")})`;
  else message = `ascp exited (${e.exit}) before connecting to the management port${complaint ? `: "${complaint.line}"` : ""}`;
  const others = e.refused.filter((r) => !r.couldBeAscp);
  if (others.length > 0) message += `; refused meanwhile: ${refusalText(others)}`;
  return message;
}
