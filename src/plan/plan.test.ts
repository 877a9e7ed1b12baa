import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { transferSpecMap } from "./ascp-map.js";
import { maskedCommandLine, planTransfer, PlanError, sessionArgv, type Plan, type PlanAgent, type PlanInput } from "./plan.js";

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");
const ctx = { xferId: "11111111-2222-3333-4444-555555555555", platform: "linux" as const };
const BASE = { direction: "send", remote_host: "h", paths: [{ source: "s" }] };

const plan = (spec: Record<string, unknown>, agent?: PlanAgent): Plan => planTransfer({ spec: { ...BASE, ...spec }, agent }, ctx);

function planError(fn: () => unknown): PlanError {
  try {
    fn();
  } catch (e) {
    if (e instanceof PlanError) return e;
    throw e;
  }
  throw new Error("expected a PlanError");
}

/** True when `seq` appears in `args` as consecutive elements. */
const hasSeq = (args: string[], seq: string[]) => args.some((_, i) => seq.every((s, j) => args[i + j] === s));

interface Row {
  name: string;
  spec: Record<string, unknown>;
  agent?: PlanAgent;
  /** Sequences that must appear in plan.args. */
  args?: string[][];
  /** Elements that must not appear in plan.args. */
  absent?: string[];
  env?: Record<string, string>;
  check?: (p: Plan) => void;
}

// One row (at least) per key whose x-ascp annotation maps it to ascp; the coverage test below enforces it.
const rows: Row[] = [
  { name: "direction send", spec: { direction: "send" }, args: [["--mode", "send"]] },
  { name: "direction receive", spec: { direction: "receive" }, args: [["--mode", "recv"]] },
  { name: "remote_host", spec: { remote_host: "srv.example.com" }, args: [["--host", "srv.example.com"]] },
  { name: "remote_user", spec: { remote_user: "xfer" }, args: [["--user", "xfer"]] },
  { name: "ssh_port", spec: { ssh_port: 33001 }, args: [["-P", "33001"]] },
  { name: "fasp_port", spec: { fasp_port: 40001 }, args: [["-O", "40001"]] },
  {
    name: "wss_enabled with wss_port: --ws-connect, -P wss_port, no -O nor --check-sshfp",
    spec: { wss_enabled: true, wss_port: 443, ssh_port: 33001, fasp_port: 33002, sshfp: "SHA256:abc" },
    args: [["--ws-connect"], ["-P", "443"]],
    absent: ["-O", "--check-sshfp", "33001", "33002"],
  },
  { name: "wss_port alone does nothing", spec: { wss_port: 9093 }, absent: ["--ws-connect", "9093"] },
  { name: "wss_enabled without wss_port stays on SSH", spec: { wss_enabled: true, ssh_port: 33001 }, args: [["-P", "33001"]], absent: ["--ws-connect"] },
  {
    name: "wss_enabled with agent.wss false stays on SSH",
    spec: { wss_enabled: true, wss_port: 443, fasp_port: 33002 },
    agent: { wss: false },
    args: [["-O", "33002"]],
    absent: ["--ws-connect", "443"],
  },
  { name: "sshfp", spec: { sshfp: "SHA256:abc" }, args: [["--check-sshfp", "SHA256:abc"]] },
  { name: "ssh_private_key_path", spec: { ssh_private_key_path: "/keys/id_rsa" }, args: [["-i", "/keys/id_rsa"]] },
  { name: "use_system_ssh", spec: { use_system_ssh: true }, args: [["-SSH"]] },
  { name: "ssh_args repeated", spec: { ssh_args: ["-vv", "-oBatchMode=yes"] }, args: [["--ssh-arg", "-vv", "--ssh-arg", "-oBatchMode=yes"]] },
  { name: "ssh_args as one string (the manual's type)", spec: { ssh_args: "-vv" }, args: [["--ssh-arg", "-vv"]] },
  {
    name: "proxy password moves to ASPERA_PROXY_PASS",
    spec: { proxy: "dnats://alice:p%3Aw0rd@proxy.example:9092" },
    args: [["--proxy", "dnats://alice@proxy.example:9092"]],
    env: { ASPERA_PROXY_PASS: "p:w0rd" },
    check: (p) => expect(p.secretEnvNames).toContain("ASPERA_PROXY_PASS"),
  },
  { name: "proxy without password passes unchanged", spec: { proxy: "dnat://proxy.example:9091" }, args: [["--proxy", "dnat://proxy.example:9091"]], check: (p) => expect(p.env).toEqual({}) },
  { name: "target_rate_kbps", spec: { target_rate_kbps: 100000 }, args: [["-l", "100000"]] },
  { name: "min_rate_kbps", spec: { min_rate_kbps: 500 }, args: [["-m", "500"]] },
  { name: "rate_policy", spec: { rate_policy: "fair" }, args: [["--policy", "fair"]] },
  { name: "dgram_size", spec: { dgram_size: 1492 }, args: [["-Z", "1492"]] },
  { name: "cipher aes-128", spec: { cipher: "aes-128" }, args: [["-c", "aes128"]] },
  { name: "cipher aes-256-gcm", spec: { cipher: "aes-256-gcm" }, args: [["-c", "aes256gcm"]] },
  { name: "cipher none is -T", spec: { cipher: "none" }, args: [["-T"]], absent: ["-c"] },
  { name: "http_fallback true", spec: { http_fallback: true }, args: [["-y", "1"]] },
  { name: "http_fallback false", spec: { http_fallback: false }, args: [["-y", "0"]] },
  { name: "http_fallback force", spec: { http_fallback: "force" }, args: [["-y", "F"]] },
  { name: "https_fallback_port used when encrypted", spec: { https_fallback_port: 8443, http_fallback_port: 8080 }, args: [["-t", "8443"]], absent: ["8080"] },
  { name: "http_fallback_port used with cipher none", spec: { cipher: "none", https_fallback_port: 8443, http_fallback_port: 8080 }, args: [["-t", "8080"]], absent: ["8443"] },
  { name: "http_fallback_port alone", spec: { http_fallback_port: 8080 }, args: [["-t", "8080"]] },
  { name: "https_fallback_port alone with cipher none", spec: { cipher: "none", https_fallback_port: 8443 }, args: [["-t", "8443"]] },
  {
    name: "multi_session: no tags added without tags.aspera, one UDP port off Windows",
    spec: { multi_session: 3 },
    absent: ["--tags64"],
    check: (p) => expect([p.sessionCount, p.udpPortBase]).toEqual([3, null]),
  },
  { name: "multi_session 1 is one session", spec: { multi_session: 1 }, absent: ["--tags64"], check: (p) => expect([p.sessionCount, p.udpPortBase]).toEqual([1, null]) },
  { name: "multi_session_threshold", spec: { multi_session_threshold: 1000000 }, args: [["--multi-session-threshold", "1000000"]] },
  { name: "resume_policy none", spec: { resume_policy: "none" }, args: [["-k", "0"]] },
  { name: "resume_policy attrs", spec: { resume_policy: "attrs" }, args: [["-k", "1"]] },
  { name: "resume_policy sparse_csum", spec: { resume_policy: "sparse_csum" }, args: [["-k", "2"]] },
  { name: "resume_policy full_csum", spec: { resume_policy: "full_csum" }, args: [["-k", "3"]] },
  { name: "overwrite", spec: { overwrite: "diff+older" }, args: [["--overwrite", "diff+older"]] },
  { name: "save_before_overwrite", spec: { save_before_overwrite: true }, args: [["--save-before-overwrite"]] },
  { name: "file_checksum", spec: { file_checksum: "sha-256" }, args: [["--file-checksum", "sha-256"]] },
  { name: "content_protection", spec: { content_protection: "encrypt" }, args: [["--file-crypt", "encrypt"]] },
  { name: "content_protection_password", spec: { content_protection_password: "fp" }, env: { ASPERA_SCP_FILEPASS: "fp" } },
  { name: "fail_bad_filepass", spec: { fail_bad_filepass: true }, args: [["--fail-bad-filepass"]] },
  { name: "symlink_policy", spec: { symlink_policy: "copy+force" }, args: [["--symbolic-links", "copy+force"]] },
  { name: "create_dir", spec: { create_dir: true }, args: [["-d"]] },
  { name: "apply_local_docroot", spec: { apply_local_docroot: true }, args: [["--apply-local-docroot"]] },
  { name: "source_root base64", spec: { source_root: "/data/in é" }, args: [["--source-prefix64", b64("/data/in é")]] },
  { name: "src_base base64", spec: { src_base: "/data" }, args: [["--src-base64", b64("/data")]] },
  { name: "src_base64 passed as given", spec: { src_base64: "L2RhdGE" }, args: [["--src-base64", "L2RhdGE"]] },
  { name: "exclude_newer_than", spec: { exclude_newer_than: -86400 }, args: [["--exclude-newer-than", "-86400"]] },
  { name: "exclude_newer_than as a string (aspera-cli's schema)", spec: { exclude_newer_than: "-86400" }, args: [["--exclude-newer-than", "-86400"]] },
  { name: "exclude_older_than", spec: { exclude_older_than: 1700000000 }, args: [["--exclude-older-than", "1700000000"]] },
  { name: "skip_special_files", spec: { skip_special_files: true }, args: [["--skip-special-files"]] },
  { name: "skip_duplicate_check", spec: { skip_duplicate_check: true }, args: [["--skip-dir-traversal-dupes"]] },
  { name: "precalculate_job_size", spec: { precalculate_job_size: true }, args: [["--precalculate-job-size"]] },
  { name: "precalculate_job_size false", spec: { precalculate_job_size: false }, args: [["--precalculate-disable"]], absent: ["--precalculate-job-size"] },
  { name: "preserve_times is -p alone", spec: { preserve_times: true }, args: [["-p", "--dest64"]] },
  { name: "delete_before_transfer", spec: { delete_before_transfer: true }, args: [["--delete-before-transfer"]] },
  { name: "preserve_access_time", spec: { preserve_access_time: true }, args: [["--preserve-access-time"]] },
  { name: "preserve_creation_time", spec: { preserve_creation_time: true }, args: [["--preserve-creation-time"]] },
  { name: "preserve_modification_time", spec: { preserve_modification_time: true }, args: [["--preserve-modification-time"]] },
  { name: "preserve_source_access_time", spec: { preserve_source_access_time: true }, args: [["--preserve-source-access-time"]] },
  { name: "preserve_file_owner_uid", spec: { preserve_file_owner_uid: true }, args: [["--preserve-file-owner-uid"]] },
  { name: "preserve_file_owner_gid", spec: { preserve_file_owner_gid: true }, args: [["--preserve-file-owner-gid"]] },
  { name: "preserve_acls", spec: { preserve_acls: "native" }, args: [["--preserve-acls", "native"]] },
  { name: "preserve_remote_acls", spec: { preserve_remote_acls: "metafile" }, args: [["--remote-preserve-acls", "metafile"]] },
  { name: "preserve_extended_attrs", spec: { preserve_extended_attrs: "native" }, args: [["--preserve-xattrs", "native"]] },
  { name: "preserve_remote_extended_attrs", spec: { preserve_remote_extended_attrs: "none" }, args: [["--remote-preserve-xattrs", "none"]] },
  { name: "remove_after_transfer", spec: { remove_after_transfer: true }, args: [["--remove-after-transfer"]] },
  { name: "remove_empty_directories", spec: { remove_empty_directories: true }, args: [["--remove-empty-directories"]] },
  { name: "remove_empty_source_directory", spec: { remove_empty_source_directory: true }, args: [["--remove-empty-source-directory"]] },
  { name: "remove_skipped", spec: { remove_skipped: true }, args: [["--remove-skipped"]] },
  {
    name: "delete_source sets the three remove switches, once each",
    spec: { delete_source: true, remove_after_transfer: true },
    args: [["--remove-after-transfer", "--remove-empty-directories", "--remove-empty-source-directory"]],
    check: (p) => {
      expect(p.args.filter((a) => a === "--remove-after-transfer")).toHaveLength(1);
      expect(p.warnings).toEqual([]);
    },
  },
  { name: "move_after_transfer", spec: { move_after_transfer: "archive" }, args: [["--move-after-transfer", "archive"]] },
  { name: "tags base64 JSON", spec: { tags: { app: { id: 7 } } }, args: [["--tags64", b64('{"app":{"id":7}}')]] },
  { name: "tags64 passed as given", spec: { tags64: "eyJhIjoxfQ==" }, args: [["--tags64", "eyJhIjoxfQ=="]] },
  {
    name: "keepalive: no file list, still the destination",
    spec: { keepalive: true, paths: undefined, destination_root: "/in" },
    args: [["--keepalive"]],
    check: (p) => expect([p.fileList, p.destination]).toEqual([null, b64("/in")]),
  },
  { name: "paths: a file list of sources", spec: { paths: [{ source: "a b" }, { source: "ü/c" }] }, check: (p) => expect(p.fileList).toEqual({ option: "--file-list", lines: ["a b", "ü/c"] }) },
  {
    name: "paths with a destination: pair list, a missing destination uses the source",
    spec: { paths: [{ source: "a", destination: "x/a" }, { source: "b" }] },
    check: (p) => expect(p.fileList).toEqual({ option: "--file-pair-list", lines: ["a", "x/a", "b", "b"] }),
  },
  { name: "destination_root base64", spec: { destination_root: "/Upload/ünï" }, check: (p) => expect(p.destination).toBe(b64("/Upload/ünï")) },
  { name: "destination_root default for send is /", spec: { direction: "send" }, check: (p) => expect(p.destination).toBe(b64("/")) },
  { name: "destination_root default for receive is .", spec: { direction: "receive" }, check: (p) => expect(p.destination).toBe(b64(".")) },
  { name: "remote_password", spec: { remote_password: "pw" }, env: { ASPERA_SCP_PASS: "pw" } },
  { name: "token", spec: { token: "Bearer abc" }, env: { ASPERA_SCP_TOKEN: "Bearer abc" } },
  { name: "cookie", spec: { cookie: "app:1" }, env: { ASPERA_SCP_COOKIE: "app:1" } },
  { name: "ssh_private_key", spec: { ssh_private_key: "-----BEGIN KEY-----\nMII\n" }, env: { ASPERA_SCP_KEY: "-----BEGIN KEY-----\nMII\n" } },
  { name: "ssh_private_key_passphrase alone", spec: { ssh_private_key_passphrase: "kp" }, env: { ASPERA_SCP_PASS: "kp" } },
  {
    name: "password and pass phrase without a key: the password, with a warning",
    spec: { ssh_private_key_passphrase: "kp", remote_password: "pw" },
    env: { ASPERA_SCP_PASS: "pw" },
    check: (p) => expect(p.warnings).toEqual([expect.objectContaining({ code: "spec_conflict", key: "ssh_private_key_passphrase" })]),
  },
  { name: "use_ascp4 false is fine", spec: { use_ascp4: false }, check: (p) => expect(p.args[0]).toBe("-q") },
];

describe("planTransfer: one row per mapped key", () => {
  it.each(rows)("$name", (row) => {
    const p = plan(row.spec, row.agent);
    for (const seq of row.args ?? []) expect(hasSeq(p.args, seq), `${JSON.stringify(seq)} in ${JSON.stringify(p.args)}`).toBe(true);
    for (const a of row.absent ?? []) expect(p.args).not.toContain(a);
    if (row.env) {
      expect(p.env).toEqual(row.env);
      expect(p.secretEnvNames.sort()).toEqual(Object.keys(row.env).sort());
    }
    row.check?.(p);
    expect(p.args.at(-1)).toBe("--dest64");
  });

  it("has a row for every key with an x-ascp mapping", () => {
    const covered = new Set(rows.flatMap((r) => Object.keys(r.spec)));
    const mapped = transferSpecMap.keys.filter((k) => transferSpecMap.mappings[k].kind !== "ignore");
    expect(mapped.filter((k) => !covered.has(k))).toEqual([]);
  });

  it("emits nothing for a switch set to false (unless it has an off switch)", () => {
    const baseline = plan({}).args;
    for (const key of transferSpecMap.keys.filter((k) => { const m = transferSpecMap.mappings[k]; return m.kind === "switch" && m.off === undefined; })) {
      expect(plan({ [key]: false }).args, key).toEqual(baseline);
    }
  });

  it("refuses use_ascp4", () => {
    const e = planError(() => plan({ use_ascp4: true }));
    expect(e.path).toBe("spec.use_ascp4");
    expect(e.message).toMatch(/ascp4/);
  });

  it("starts with -q unless agent.quiet is false", () => {
    expect(plan({}).args[0]).toBe("-q");
    expect(plan({}, { quiet: false }).args).not.toContain("-q");
  });

  it("rejects a proxy that is not a URL", () => {
    expect(planError(() => plan({ proxy: "not a url" })).path).toBe("spec.proxy");
  });
});

describe("keys nobody maps", () => {
  it("reports unknown keys and other agents' keys", () => {
    const p = plan({ title: "t", xfer_max_retries: 3, colour: "blue", lock_min_rate: true });
    expect(p.unknownKeys).toEqual(["colour"]);
    expect(p.ignoredKeys).toEqual(["title", "xfer_max_retries", "lock_min_rate"]);
    expect(p.args).toEqual(plan({}).args);
  });
});

describe("paths", () => {
  it.each([
    [[{ source: "a" }, { source: "b" }, { source: "c" }, { source: "d\ne" }], "spec.paths[3].source"],
    [[{ source: "a" }, { source: "b", destination: "x\ry" }], "spec.paths[1].destination"],
  ])("rejects a newline (%#)", (paths, where) => {
    const e = planError(() => plan({ paths }));
    expect(e.path).toBe(where);
    expect(e.message).toBe(`${where} contains a newline; ascp file lists cannot hold it`);
  });

  const one = [{ source: "s" }];
  it.each([
    ["absent", {}, undefined, "spec.paths"],
    ["empty", { paths: [] }, undefined, "spec.paths"],
    ["given with keepalive", { keepalive: true, paths: one }, undefined, "spec.paths"],
    ["given with agent.file_list", { paths: one }, { file_list: { path: "/l" } }, "spec.paths"],
    ["agent.file_list with keepalive", { keepalive: true }, { file_list: { path: "/l" } }, "agent.file_list"],
    ["given with a file list in ascp_args", { paths: one }, { ascp_args: ["--file-list=/l"] }, "spec.paths"],
  ])("error: paths %s", (_name, spec, agent, where) => {
    const input: PlanInput = { spec: { direction: "send", remote_host: "h", ...spec }, agent };
    expect(planError(() => planTransfer(input, ctx)).path).toBe(where);
  });

  it("uses agent.file_list as is", () => {
    const p = plan({ paths: undefined }, { file_list: { path: "/lists/pairs", pairs: true } });
    expect(p.fileList).toEqual({ option: "--file-pair-list", path: "/lists/pairs" });
    expect(sessionArgv(p, { index: 1, mgmtPort: 1, userStr: "u" })).toContain("/lists/pairs");
  });

  it.each([["--file-list", "/l"], ["--file-pair-list=/l"]])("writes no list when ascp_args name one: %s", (...ascpArgs) => {
    const p = plan({ paths: undefined }, { ascp_args: ascpArgs });
    expect(p.fileList).toBeNull();
    expect(sessionArgv(p, { index: 1, mgmtPort: 1, userStr: "u" }).slice(-ascpArgs.length - 1, -1)).toEqual(ascpArgs);
  });
});

describe("sessionArgv", () => {
  it("orders -M -u, options, file list, ascp_args, then the base64 destination", () => {
    const p = plan({ destination_root: "/dst", target_rate_kbps: 10 }, { ascp_args: ["-L", "/logs", "-DD"] });
    expect(sessionArgv(p, { index: 1, mgmtPort: 4321, userStr: "nonce", fileListPath: "/tmp/x/list" })).toEqual([
      "-M", "4321", "-u", "nonce", "-q", "--mode", "send", "--host", "h", "-l", "10", "--dest64",
      "--file-list", "/tmp/x/list", "-L", "/logs", "-DD", b64("/dst"),
    ]);
  });

  it("passes no -u without userStr (agent.ascp_args bring the user's own)", () => {
    const p = plan({ destination_root: "/dst" }, { ascp_args: ["-u", "my-tag"] });
    const argv = sessionArgv(p, { index: 1, mgmtPort: 4321, fileListPath: "/l" });
    expect(argv.slice(0, 3)).toEqual(["-M", "4321", "-q"]);
    expect(argv.filter((a) => a === "-u")).toHaveLength(1);
    expect(argv.slice(-3)).toEqual(["-u", "my-tag", b64("/dst")]);
  });

  it("gives each session -C i:N and its own UDP port", () => {
    const p = plan({ multi_session: 3, fasp_port: 40000, tags: { aspera: {} } }, { multi_incr_udp: true });
    const argvs = [1, 2, 3].map((index) => sessionArgv(p, { index, mgmtPort: 1000 + index, userStr: `n${index}`, fileListPath: "/l" }));
    argvs.forEach((argv, i) => {
      expect(hasSeq(argv, ["-C", `${i + 1}:3`, "-O", String(40000 + i)])).toBe(true);
      expect(argv.filter((a) => a === "-O")).toHaveLength(1);
      expect(hasSeq(argv, ["-M", String(1001 + i), "-u", `n${i + 1}`])).toBe(true);
    });
    // All parts share the xfer_id.
    const tags = new Set(argvs.map((a) => a[a.indexOf("--tags64") + 1]));
    expect(tags.size).toBe(1);
  });

  it("keeps fasp_port for every session without multi_incr_udp", () => {
    const p = plan({ multi_session: 2, fasp_port: 40000 }, { multi_incr_udp: false });
    expect(p.udpPortBase).toBeNull();
    const argv = sessionArgv(p, { index: 2, mgmtPort: 1, userStr: "u", fileListPath: "/l" });
    expect(hasSeq(argv, ["-O", "40000"])).toBe(true);
    expect(hasSeq(argv, ["-C", "2:2"])).toBe(true);
  });

  it("gives no UDP ports with WSS", () => {
    const p = plan({ multi_session: 2, wss_enabled: true, wss_port: 443 });
    expect(p.udpPortBase).toBeNull();
    expect(sessionArgv(p, { index: 2, mgmtPort: 1, userStr: "u", fileListPath: "/l" })).not.toContain("-O");
  });

  it("refuses UDP ports past 65535", () => {
    expect(planError(() => plan({ multi_session: 10, fasp_port: 65530 }, { multi_incr_udp: true })).path).toBe("spec.multi_session");
  });

  it("checks the index and the file list path", () => {
    const p = plan({ multi_session: 2 });
    expect(() => sessionArgv(p, { index: 3, mgmtPort: 1, userStr: "u", fileListPath: "/l" })).toThrow(RangeError);
    expect(() => sessionArgv(p, { index: 0, mgmtPort: 1, userStr: "u", fileListPath: "/l" })).toThrow(RangeError);
    expect(() => sessionArgv(p, { index: 1, mgmtPort: 1, userStr: "u" })).toThrow(/fileListPath/);
  });

  it("keepalive: no file list option, destination last", () => {
    const p = plan({ keepalive: true, paths: undefined });
    const argv = sessionArgv(p, { index: 1, mgmtPort: 1, userStr: "u" });
    expect(argv).not.toContain("--file-list");
    expect(argv.at(-1)).toBe(b64("/"));
  });
});

describe("secrets and paths never reach argv", () => {
  const token = fc.stringMatching(/^[A-Za-z0-9]{10,16}$/);
  const secret = token.map((s) => `S3CR3T${s}`);
  // Paths with spaces, quotes, unicode and shell characters, but no CR/LF (those are rejected).
  const pathStr = fc.tuple(token, fc.string({ unit: "grapheme", maxLength: 12 })).map(([t, s]) => `/P4TH${t}${s.replace(/[\r\n]/g, "")}`);

  it("holds for random specs", () => {
    fc.assert(
      fc.property(
        fc.record(
          {
            remote_password: secret,
            token: secret,
            cookie: secret,
            content_protection_password: secret,
            ssh_private_key: secret,
            ssh_private_key_passphrase: secret,
            proxyPass: secret,
            destination_root: pathStr,
            source_root: pathStr,
            src_base: pathStr,
            multi_session: fc.integer({ min: 0, max: 4 }),
          },
          { requiredKeys: [] },
        ),
        fc.array(fc.record({ source: pathStr, destination: fc.option(pathStr, { nil: undefined }) }, { requiredKeys: ["source"] }), { minLength: 1, maxLength: 5 }),
        fc.constantFrom("send", "receive"),
        (fields, paths, direction) => {
          const { proxyPass, ...rest } = fields;
          const spec: Record<string, unknown> = { direction, remote_host: "h", paths, ...rest };
          if (proxyPass) spec.proxy = `dnat://user:${proxyPass}@px:9091`;
          const p = planTransfer({ spec }, ctx);
          const secrets = [...Object.values(rest).filter((v) => typeof v === "string" && v.startsWith("S3CR3T")), proxyPass].filter((v): v is string => !!v);
          const pathValues = [...paths.flatMap((x) => [x.source, x.destination]), fields.destination_root, fields.source_root, fields.src_base].filter((v): v is string => !!v);
          for (let index = 1; index <= p.sessionCount; index++) {
            const argv = sessionArgv(p, { index, mgmtPort: 5000, userStr: "n", fileListPath: "/tmp/list" });
            const line = maskedCommandLine("/bin/ascp", argv, p);
            for (const v of [...secrets, ...pathValues]) {
              expect(argv.some((a) => a.includes(v))).toBe(false);
              if (secrets.includes(v)) expect(line.includes(v)).toBe(false);
            }
          }
          // Password and key pass phrase share ASPERA_SCP_PASS: the pass phrase wins when a key is given.
          const both = rest.remote_password !== undefined && rest.ssh_private_key_passphrase !== undefined;
          const dropped = !both ? undefined : rest.ssh_private_key ? rest.remote_password : rest.ssh_private_key_passphrase;
          for (const v of secrets) if (v !== dropped) expect(Object.values(p.env)).toContain(v);
          for (const x of paths) expect(p.fileList && "lines" in p.fileList ? p.fileList.lines : []).toContain(x.source);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("maskedCommandLine", () => {
  it("masks secret values, shows other env values and quotes for the shell", () => {
    const p: Plan = { ...plan({ remote_password: "pw" }), env: { ASPERA_SCP_PASS: "pw", SSL_CERT_DIR: "/etc/my certs" } };
    expect(maskedCommandLine("/opt/aspera/bin/ascp", ["-M", "1", "it's", "a b", ""], p)).toBe(
      "ASPERA_SCP_PASS=*** SSL_CERT_DIR='/etc/my certs' /opt/aspera/bin/ascp -M 1 'it'\\''s' 'a b' ''",
    );
  });
});
