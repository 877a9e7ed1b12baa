// Command-line parsing with ascp's shapes: short options (glued or separate values, clustered
// switches such as -QT or -DDL-), long options as --name=value or --name value, positionals.

// stderr: the exact line ascp prints, where a capture shows it (else `ascp: <message>`).
export class UsageError extends Error {
  constructor(message, stderr = `ascp: ${message}`) {
    super(message);
    this.stderr = stderr;
  }
}

const POLICIES = ["fixed", "high", "fair", "low"];
const OVERWRITE = ["never", "always", "diff", "older", "diff+older"];
const CHECKSUMS = ["sha-512", "sha-384", "sha-256", "sha1", "md5", "none"];
const ACL_MODES = ["native", "metafile", "none"];

const int = (min = 0, max = Number.MAX_SAFE_INTEGER) => (v, name) => {
  if (!/^\d+$/.test(v)) throw new UsageError(`${name}: '${v}' is not an integer`);
  const n = Number(v);
  if (n < min || n > max) throw new UsageError(`${name}: ${n} is out of range ${min}..${max}`);
  return n;
};
const port = int(1, 65535);
// Seconds since the epoch, or (negative) before now, as aspera-cli documents exclude_newer_than: -86400.
const epochOrBack = (v, name) => {
  if (!/^-?\d+$/.test(v)) throw new UsageError(`${name}: '${v}' is not an integer`);
  return Number(v);
};
const oneOf = (values) => (v, name) => {
  if (!values.includes(v)) throw new UsageError(`${name}: '${v}' must be one of ${values.join(", ")}`);
  return v;
};
const text = (v, name) => {
  if (v === "") throw new UsageError(`${name}: empty value`);
  return v;
};
const base64 = (v, name) => {
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(v) || v.length === 0) throw new UsageError(`${name}: '${v}' is not base64`);
  return Buffer.from(v, "base64").toString("utf8");
};

// A rate in kbps: plain number, K/M/G suffix, or N% (kept as text).
export function parseRate(v, name = "rate") {
  const m = /^(\d+)([kKmMgG]?)$/.exec(v);
  if (m) {
    const mult = { "": 1, k: 1, m: 1000, g: 1000000 }[m[2].toLowerCase()];
    return Number(m[1]) * mult;
  }
  if (/^\d{1,3}%$/.test(v) && Number(v.slice(0, -1)) <= 100) return v;
  throw new UsageError(`${name}: '${v}' is not a rate (kbps, optional K/M/G suffix, or N%)`);
}

const mgmt = (v, name) => {
  const m = /^(?:(.+):)?(\d+)$/.exec(v);
  if (!m) throw new UsageError(`${name}: '${v}' must be port or host:port`);
  // A bare port is shown as localhost (ascp's wording) but dialled on 127.0.0.1, where managers listen.
  const host = m[1]?.replace(/^\[(.*)\]$/, "$1");
  return { host: host ?? "127.0.0.1", port: port(m[2], name), shown: m[1] ?? "localhost" };
};
const cluster = (v, name) => {
  const m = /^(\d+):(\d+)$/.exec(v);
  if (!m) throw new UsageError(`${name}: '${v}' must be i:N`);
  const i = Number(m[1]);
  const n = Number(m[2]);
  if (n < 1 || n > 128 || i < 1 || i > n) throw new UsageError(`${name}: '${v}' needs 1 <= i <= N <= 128`);
  return { index: i, count: n };
};
const range = (v, name) => {
  const m = /^(\d*):(\d*)$/.exec(v);
  if (!m) throw new UsageError(`${name}: '${v}' must be start:end`);
  const start = m[1] === "" ? 0 : Number(m[1]);
  const end = m[2] === "" ? null : Number(m[2]);
  if (end !== null && end < start) throw new UsageError(`${name}: end ${end} is before start ${start}`);
  return { start, end };
};
const cipher = (v, name) => {
  const m = /^aes-?(128|192|256)(?:-?(cfb|gcm))?$/i.exec(v);
  if (m) return `aes-${m[1]}${m[2] ? `-${m[2].toLowerCase()}` : ""}`;
  if (v.toLowerCase() === "none") return "none";
  throw new UsageError(`${name}: unknown cipher '${v}'`);
};
const tags = (v, name) => {
  const decoded = base64(v, name);
  try {
    const obj = JSON.parse(decoded);
    if (obj === null || typeof obj !== "object" || Array.isArray(obj)) throw new Error("not an object");
    return obj;
  } catch {
    throw new UsageError(`${name}: value is not base64 of a JSON object`);
  }
};

// key: where the value lands in the parsed options; repeat: collect into an array;
// count: switch that may repeat (-DDD).
const SHORT = {
  M: { key: "mgmt", parse: mgmt },
  u: { key: "userStr", parse: (v) => v },
  q: { key: "quiet" },
  C: { key: "cluster", parse: cluster },
  A: { key: "version" },
  D: { key: "debug", count: true },
  L: { key: "localLog", parse: text },
  R: { key: "remoteLog", parse: text },
  P: { key: "tcpPort", parse: port },
  O: { key: "udpPort", parse: port },
  i: { key: "keyFiles", parse: text, repeat: true },
  6: { key: "ipv6" },
  W: { key: "token", parse: text },
  S: { key: "remoteAscp", parse: text },
  l: { key: "rate", parse: parseRate },
  m: { key: "minRate", parse: parseRate },
  w: { key: "bwTest", parse: oneOf(["r", "f"]) },
  K: { key: "probeRate", parse: int(1) },
  Z: { key: "datagramSize", parse: int(296, 65535) },
  X: { key: "rexmsgSize", parse: int(1, 65535) },
  c: { key: "cipher", parse: cipher },
  T: { key: "noEncryption" },
  y: { key: "httpFallback", parse: oneOf(["0", "1", "F"]) },
  t: { key: "httpPort", parse: port },
  Y: { key: "httpsKey", parse: text },
  I: { key: "httpsCert", parse: text },
  x: { key: "httpProxy", parse: text },
  d: { key: "createDir" },
  // -N/-E share one ordered list: the first rule that matches decides.
  N: { key: "filters", parse: (v, n) => ({ include: true, pattern: text(v, n) }), repeat: true },
  E: { key: "filters", parse: (v, n) => ({ include: false, pattern: text(v, n) }), repeat: true },
  "@": { key: "byteRange", parse: range },
  k: { key: "resume", parse: int(0, 3) },
  p: { key: "preserveTimes" },
  g: { key: "readBlockSize", parse: int(1) },
  G: { key: "writeBlockSize", parse: int(1) },
  e: { key: "prepostCommand", parse: text },
  f: { key: "confFile", parse: text },
  Q: { key: "fairQueue" },
  j: { key: "jFlag", parse: text },
};

const LONG = {
  mode: { key: "mode", parse: oneOf(["send", "recv"]) },
  host: { key: "host", parse: text },
  user: { key: "user", parse: text },
  keepalive: { key: "keepalive" },
  "multi-session-threshold": { key: "multiSessionThreshold", parse: int(0) },
  version: { key: "version" },
  "retry-timeout": { key: "retryTimeout", parse: int(0) },
  "no-mgmt-port-files": { key: "noMgmtPortFiles" },
  "ws-connect": { key: "wsConnect" },
  "ssh-arg": { key: "sshArgs", parse: (v) => v, repeat: true },
  "check-sshfp": { key: "sshfp", parse: text },
  "ignore-host-key": { key: "ignoreHostKey" },
  proxy: { key: "proxy", parse: text },
  policy: { key: "policy", parse: oneOf(POLICIES) },
  "file-list": { key: "fileList", parse: text },
  "file-pair-list": { key: "filePairList", parse: text },
  dest64: { key: "dest64" },
  "source-prefix": { key: "sourcePrefix", parse: text },
  "source-prefix64": { key: "sourcePrefix", parse: base64 },
  "src-base": { key: "srcBase", parse: text },
  "src-base64": { key: "srcBase", parse: base64 },
  "exclude-newer-than": { key: "excludeNewerThan", parse: epochOrBack },
  "exclude-older-than": { key: "excludeOlderThan", parse: epochOrBack },
  "symbolic-links": { key: "symlinks", parse: oneOf(["follow", "copy", "copy+force", "skip"]) },
  "skip-special-files": { key: "skipSpecial" },
  "skip-dir-traversal-dupes": { key: "skipDupes" },
  "apply-local-docroot": { key: "applyLocalDocroot" },
  tags64: { key: "tags", parse: tags },
  overwrite: { key: "overwrite", parse: oneOf(OVERWRITE) },
  "save-before-overwrite": { key: "saveBeforeOverwrite" },
  "partial-file-suffix": { key: "partialSuffix", parse: text },
  "file-checksum": { key: "fileChecksum", parse: oneOf(CHECKSUMS) },
  "file-manifest": { key: "fileManifest", parse: oneOf(["none", "text"]) },
  "file-manifest-path": { key: "fileManifestPath", parse: text },
  "file-manifest-inprogress-suffix": { key: "fileManifestSuffix", parse: text },
  "precalculate-job-size": { key: "precalc" },
  "precalculate-disable": { key: "precalcDisable" },
  "delete-before-transfer": { key: "deleteBefore" },
  "file-crypt": { key: "fileCrypt", parse: oneOf(["encrypt", "decrypt"]) },
  "fail-bad-filepass": { key: "failBadFilepass" },
  "remove-after-transfer": { key: "removeAfter" },
  "remove-skipped": { key: "removeSkipped" },
  "remove-empty-directories": { key: "removeEmptyDirs" },
  "remove-empty-source-directory": { key: "removeEmptySourceDir" },
  "move-after-transfer": { key: "moveAfter", parse: text },
  "preserve-creation-time": { key: "preserveCreation" },
  "preserve-modification-time": { key: "preserveMtime" },
  "preserve-access-time": { key: "preserveAtime" },
  "preserve-source-access-time": { key: "preserveSourceAtime" },
  "preserve-file-owner-uid": { key: "preserveUid" },
  "preserve-file-owner-gid": { key: "preserveGid" },
  "preserve-xattrs": { key: "preserveXattrs", parse: oneOf(ACL_MODES) },
  "remote-preserve-xattrs": { key: "remotePreserveXattrs", parse: oneOf(ACL_MODES) },
  "preserve-acls": { key: "preserveAcls", parse: oneOf(ACL_MODES) },
  "remote-preserve-acls": { key: "remotePreserveAcls", parse: oneOf(ACL_MODES) },
};

function store(opts, spec, value) {
  if (spec.repeat) (opts[spec.key] ??= []).push(value);
  else if (spec.count) opts[spec.key] = (opts[spec.key] ?? 0) + 1;
  else opts[spec.key] = value;
}

// Returns { opts, positionals }. Throws UsageError on any unknown option or bad value.
// unknown: options to treat as unknown although ascp 4 has them (the scenario's unknown_options: an older ascp).
export function parseArgs(argv, { unknown = [] } = {}) {
  const opts = {};
  const positionals = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    // ascp spells two options with one dash and several letters.
    if (arg === "-SSH") {
      opts.externalSsh = true;
      continue;
    }
    if (arg === "-no-mgmt-port-files") {
      opts.noMgmtPortFiles = true;
      continue;
    }
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      const spec = unknown.includes(`--${name}`) ? undefined : LONG[name];
      // ascp 3.9's wording, backquote included (real-usage-error).
      if (!spec) throw new UsageError(`unknown option --${name}`, `unrecognized option \`--${name}'`);
      if (!spec.parse) {
        if (eq !== -1) throw new UsageError(`option --${name} takes no value`);
        store(opts, spec, true);
        continue;
      }
      let value;
      if (eq !== -1) value = arg.slice(eq + 1);
      else if (i + 1 < argv.length) value = argv[++i];
      else throw new UsageError(`option --${name} needs a value`);
      store(opts, spec, spec.parse(value, `--${name}`));
      continue;
    }
    if (arg.startsWith("-") && arg.length > 1) {
      for (let j = 1; j < arg.length; j++) {
        const letter = arg[j];
        const spec = unknown.includes(`-${letter}`) ? undefined : SHORT[letter];
        // Same wording for a short option (not captured).
        if (!spec) throw new UsageError(`unknown option -${letter}`, `unrecognized option \`-${letter}'`);
        if (!spec.parse) {
          store(opts, spec, true);
          continue;
        }
        let value;
        if (j + 1 < arg.length) value = arg.slice(j + 1);
        else if (i + 1 < argv.length) value = argv[++i];
        else throw new UsageError(`option -${letter} needs a value`);
        store(opts, spec, spec.parse(value, `-${letter}`));
        break;
      }
      continue;
    }
    positionals.push(arg);
  }
  return { opts, positionals };
}

// Best effort for usage errors: find -M and -u even when the rest of argv is bad, so the
// manager still learns why the run failed.
export function salvageMgmt(argv) {
  let target = null;
  let userStr;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    for (const [letter, apply] of [
      ["M", (v) => { try { target = mgmt(v, "-M"); } catch { /* unusable: no connection */ } }],
      ["u", (v) => { userStr = v; }],
    ]) {
      if (a === `-${letter}` && i + 1 < argv.length) apply(argv[i + 1]);
      else if (a.startsWith(`-${letter}`) && !a.startsWith("--") && a.length > 2) apply(a.slice(2));
    }
  }
  return { target, userStr };
}
