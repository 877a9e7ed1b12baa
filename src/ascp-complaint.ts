// What ascp said when it exited without ever connecting to the management port (it refused its command line, could
// not reach the port, …): the stderr line worth quoting and the options of its argv that line is about. Pure.
//
// ascp 3.9 words it in several ways (conformance/real): "unrecognized option `--remove-skipped'", "ascp: argument to
// -Z must be in the range 296..65535.", "ascp: Option --preserve-acls=native not supported on this platform",
// "ascp: Unrecognized transport encryption type: aes128gcm". So options are found by name first, then by a value of
// the argv the line quotes (the option before that value).

export interface Complaint {
  /** One line of ascp's stderr, trimmed, at most MAX_LINE characters. */
  line: string;
  /** argv options the line is about, as written in argv (e.g. `--preserve-acls`), in argv order. */
  options: string[];
}

const MAX_LINE = 300;
/** Values shorter than this (`1`, `no`) would be found inside unrelated words. */
const MIN_VALUE_CHARS = 3;

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** `word` in `line`, not as part of a longer option or path (ascp quotes with `…' and "…"). */
const mentions = (line: string, word: string) => new RegExp(`(^|[\\s\`'"(=,:])${escapeRe(word)}($|[\\s'"),.:=;])`).test(line);

function optionsIn(line: string, argv: readonly string[]): string[] {
  const byName = new Set<string>();
  const byValue = new Set<string>();
  argv.forEach((arg, i) => {
    if (arg.startsWith("-") && arg.length > 1) {
      const name = arg.startsWith("--") ? arg.split("=", 1)[0]! : arg;
      if (mentions(line, name)) byName.add(arg);
      return;
    }
    const before = argv[i - 1];
    if (arg.length >= MIN_VALUE_CHARS && before !== undefined && before.startsWith("-") && before.length > 1 && mentions(line, arg)) byValue.add(before);
  });
  return [...(byName.size > 0 ? byName : byValue)];
}

/** The line of `stderr` that says why ascp stopped (one that names an argv option, else the first), or null. */
export function commandLineComplaint(stderr: string, argv: readonly string[]): Complaint | null {
  const lines = stderr.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== "");
  if (lines.length === 0) return null;
  for (const line of lines) {
    const options = optionsIn(line, argv);
    if (options.length > 0) return { line: clip(line), options };
  }
  return { line: clip(lines[0]!), options: [] };
}

const clip = (line: string) => (line.length > MAX_LINE ? `${line.slice(0, MAX_LINE)}…` : line);
