// Specs written for aspera-cli's asession and by the Node API: one table per item of issue 15.
import { describe, expect, it } from "vitest";
import { planTransfer, sessionArgv, sessionArgvWithOrigins, withAgentExtras, type Plan, type PlanAgent, type PlanWarning } from "./plan.js";

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");
const unb64json = (s: string) => JSON.parse(Buffer.from(s, "base64").toString("utf8"));
const ctx = { xferId: "11111111-2222-3333-4444-555555555555", platform: "linux" as const };
const BASE = { direction: "send", remote_host: "h", paths: [{ source: "s" }] };
const plan = (spec: Record<string, unknown>, agent?: PlanAgent, platform: NodeJS.Platform = "linux"): Plan =>
  planTransfer({ spec: { ...BASE, ...spec }, agent }, { ...ctx, platform });
const argvOf = (p: Plan, index = 1) => sessionArgv(p, { index, mgmtPort: 7, userStr: "n", fileListPath: "/list" });
const hasSeq = (args: string[], seq: string[]) => args.some((_, i) => seq.every((s, j) => args[i + j] === s));
const valueOf = (args: string[], option: string) => args[args.indexOf(option) + 1]!;

/** Matches a PlanError at `path` whose message matches `message`. */
const refusal = (path: string, message: RegExp) => expect.objectContaining({ name: "PlanError", path, message: expect.stringMatching(message) });

describe("1. value forms: both sources' types plan the same argv", () => {
  it.each([
    ["exclude_newer_than", -86400, "-86400"],
    ["exclude_older_than", 1700000000, "1700000000"],
    ["ssh_args", ["-vv"], "-vv"],
    ["multi_session", 3, "3"],
  ])("%s: %j and %j", (key, a, b) => {
    expect(plan({ [key]: a })).toEqual(plan({ [key]: b }));
  });
});

describe("3. keys the original supports", () => {
  it.each([
    ["src_base64 as given", { src_base64: "L2RhdGE=" }, ["--src-base64", "L2RhdGE="]],
    ["tags64 as given, nothing added", { tags64: b64('{"aspera":{}}') }, ["--tags64", b64('{"aspera":{}}')]],
    ["precalculate_job_size false", { precalculate_job_size: false }, ["--precalculate-disable"]],
    ["precalculate_job_size true", { precalculate_job_size: true }, ["--precalculate-job-size"]],
    ["preserve_times: -p, no stray value", { preserve_times: true }, ["-p", "--dest64"]],
  ])("%s", (_, spec, seq) => {
    expect(hasSeq(plan(spec).args, seq), JSON.stringify(plan(spec).args)).toBe(true);
  });

  it("preserve_times false emits nothing", () => {
    expect(plan({ preserve_times: false }).args).toEqual(plan({}).args);
  });

  it.each([
    ["src_base64", { src_base: "/d", src_base64: b64("/d") }, "spec.src_base64", /spec\.src_base64 and spec\.src_base give the same ascp option \(--src-base64\): give one of them/],
    ["tags64", { tags: {}, tags64: "e30=" }, "spec.tags64", /spec\.tags64 and spec\.tags/],
  ])("%s with its plain spelling: a clear error", (_, spec, path, message) => {
    expect(() => plan(spec)).toThrow(refusal(path, message));
  });

  it.each([
    ["obfuscate_file_names true", { obfuscate_file_names: true }, [{ code: "key_not_applied", key: "obfuscate_file_names" }]],
    ["icos", { icos: { bucket: "b" } }, [{ code: "key_not_applied", key: "icos" }]],
    ["obfuscate_file_names false", { obfuscate_file_names: false }, []],
    ["title (changes nothing on disk)", { title: "t" }, []],
  ])("a key another agent applies and ascp does not: %s", (_, spec, warnings) => {
    const p = plan(spec);
    expect(p.warnings).toEqual(warnings.map((w) => expect.objectContaining(w)));
    expect(p.ignoredKeys).toEqual(warnings.length ? [] : Object.keys(spec));
  });
});

describe("4. keys that delete source files: the safe reading wins", () => {
  const REMOVE = ["--remove-after-transfer", "--remove-empty-directories", "--remove-empty-source-directory", "--remove-skipped"];
  interface Row {
    name: string;
    spec: Record<string, unknown>;
    emitted: string[];
    warned: string[];
  }
  const rows: Row[] = [
    {
      name: "delete_source false drops every remove switch",
      spec: { delete_source: false, remove_after_transfer: true, remove_empty_directories: true, remove_empty_source_directory: true, remove_skipped: true },
      emitted: [],
      warned: ["remove_after_transfer", "remove_empty_directories", "remove_empty_source_directory", "remove_skipped"],
    },
    { name: "delete_source false alone: nothing to say", spec: { delete_source: false }, emitted: [], warned: [] },
    { name: "delete_source false keeps move_after_transfer", spec: { delete_source: false, remove_after_transfer: true, move_after_transfer: "/arch" }, emitted: [], warned: ["remove_after_transfer"] },
    { name: "delete_source true", spec: { delete_source: true }, emitted: REMOVE.slice(0, 3), warned: [] },
    { name: "delete_source true with remove_after_transfer false: false wins", spec: { delete_source: true, remove_after_transfer: false }, emitted: REMOVE.slice(1, 3), warned: ["remove_after_transfer"] },
    { name: "delete_source true keeps remove_skipped", spec: { delete_source: true, remove_skipped: true }, emitted: REMOVE, warned: [] },
    { name: "move_after_transfer wins over remove_after_transfer", spec: { move_after_transfer: "/arch", remove_after_transfer: true, remove_skipped: true }, emitted: [], warned: ["remove_after_transfer", "remove_skipped"] },
    { name: "move_after_transfer with delete_source true: moved, empty folders removed", spec: { move_after_transfer: "/arch", delete_source: true }, emitted: REMOVE.slice(1, 3), warned: ["remove_after_transfer"] },
    { name: "remove switches alone", spec: { remove_after_transfer: true, remove_skipped: true }, emitted: ["--remove-after-transfer", "--remove-skipped"], warned: [] },
  ];
  it.each(rows)("$name", ({ spec, emitted, warned }) => {
    const p = plan(spec);
    expect(p.args.filter((a) => REMOVE.includes(a))).toEqual(emitted);
    expect(p.warnings.map((w) => [w.code, w.key])).toEqual(warned.map((k) => ["spec_conflict", k]));
    if (spec.move_after_transfer) expect(hasSeq(p.args, ["--move-after-transfer", "/arch"])).toBe(true);
  });

  it("says which key won and that the files are kept", () => {
    const [w] = plan({ delete_source: false, remove_after_transfer: true }).warnings;
    expect(w!.message).toBe("spec.delete_source is false: spec.remove_after_transfer (true) is not applied; source files are kept");
    const [m] = plan({ move_after_transfer: "/a", delete_source: true }).warnings;
    expect(m!.message).toMatch(/spec\.move_after_transfer is given: spec\.remove_after_transfer \(from spec\.delete_source\) is not applied, as ascp takes only one of them and move_after_transfer deletes less/);
  });

  it("credits the switches delete_source implies to it", () => {
    const p = plan({ delete_source: true, remove_empty_directories: true });
    const origin = (s: string) => p.argOrigins[p.args.indexOf(s)];
    expect([origin("--remove-after-transfer"), origin("--remove-empty-directories")]).toEqual(["spec.delete_source", "spec.remove_empty_directories"]);
  });
});

describe("6. agent.file_list", () => {
  it("false: sources on the command line after ascp_args, before the destination; no file list", () => {
    const p = plan({ paths: [{ source: "file:///in/log?grow=30" }, { source: "faux:///zero?1m" }, { source: "a b" }], destination_root: "/d" }, { file_list: false, ascp_args: ["-L-"] });
    expect(p.fileList).toBeNull();
    const argv = argvOf(p);
    expect(argv.slice(-5)).toEqual(["-L-", "file:///in/log?grow=30", "faux:///zero?1m", "a b", b64("/d")]);
    expect(argv).not.toContain("--file-list");
  });

  it.each([
    ["a pair list", [{ source: "a" }, { source: "b", destination: "c" }], "spec.paths[1].destination", /takes no destinations/],
    ["a source starting with -", [{ source: "ok" }, { source: "-rf" }], "spec.paths[1].source", /starts with "-".*would be read as an option/],
    ["a NUL character", [{ source: "a\u0000b" }], "spec.paths[0].source", /NUL/],
  ])("false refuses %s", (_, paths, where, message) => {
    expect(() => plan({ paths }, { file_list: false })).toThrow(refusal(where, message));
  });

  it("false accepts a newline (an argument holds it) and ./-name", () => {
    expect(plan({ paths: [{ source: "a\nb" }, { source: "./-x" }] }, { file_list: false }).sources).toEqual(["a\nb", "./-x"]);
  });

  it("true is the default: a file list", () => {
    expect(plan({}, { file_list: true }).fileList).toEqual(plan({}).fileList);
    expect(plan({}).fileList).toEqual({ option: "--file-list", lines: ["s"] });
  });

  it("the object form still names an existing list", () => {
    expect(plan({ paths: undefined }, { file_list: { path: "/l" } }).fileList).toEqual({ option: "--file-list", path: "/l" });
  });

  it("false with keepalive: no sources", () => {
    expect(plan({ paths: undefined, keepalive: true }, { file_list: false }).sources).toEqual([]);
  });
});

describe("6. agent.multi_incr_udp defaults as current aspera-cli", () => {
  it.each([
    ["linux", undefined, null],
    ["darwin", undefined, null],
    ["win32", undefined, 33001],
    ["linux", true, 33001],
    ["win32", false, null],
  ] as const)("%s, multi_incr_udp %s: UDP base %s", (platform, incr, base) => {
    const p = plan({ multi_session: 2 }, incr === undefined ? {} : { multi_incr_udp: incr }, platform);
    expect(p.udpPortBase).toBe(base);
    expect(argvOf(p, 2).includes("-O")).toBe(base !== null);
  });
});

describe("7. tags.aspera", () => {
  it.each([
    ["aspera object: xfer_id and xfer_retry added", { aspera: { app: "x" } }, { aspera: { app: "x", xfer_id: ctx.xferId, xfer_retry: 3600 } }],
    ["given values kept", { aspera: { xfer_id: "mine", xfer_retry: 60 } }, { aspera: { xfer_id: "mine", xfer_retry: 60 } }],
    ["null or false values replaced, as Ruby's ||=", { aspera: { xfer_id: null, xfer_retry: false } }, { aspera: { xfer_id: ctx.xferId, xfer_retry: 3600 } }],
    ["no aspera key: as given", { app: 1 }, { app: 1 }],
    ["aspera not an object: as given", { aspera: "x" }, { aspera: "x" }],
  ])("%s", (_, tags, expected) => {
    expect(unb64json(valueOf(plan({ tags }).args, "--tags64"))).toEqual(expected);
  });

  it("one xfer_id per job, shared by every session", () => {
    const p = plan({ multi_session: 3, tags: { aspera: {} } });
    const ids = [1, 2, 3].map((i) => unb64json(valueOf(argvOf(p, i), "--tags64")).aspera.xfer_id);
    expect(new Set(ids)).toEqual(new Set([ctx.xferId]));
  });

  it("multi_session without tags: no tags, as the original", () => {
    expect(argvOf(plan({ multi_session: 2 }))).not.toContain("--tags64");
  });
});

describe("8. credentials sharing ASPERA_SCP_PASS", () => {
  it.each([
    ["password only", { remote_password: "pw" }, "pw", []],
    ["pass phrase only", { ssh_private_key_passphrase: "kp", ssh_private_key_path: "/k" }, "kp", []],
    ["both, no key: the password", { remote_password: "pw", ssh_private_key_passphrase: "kp" }, "pw", ["ssh_private_key_passphrase"]],
    ["both, key text: the pass phrase", { remote_password: "pw", ssh_private_key_passphrase: "kp", ssh_private_key: "KEY" }, "kp", ["remote_password"]],
    ["both, key file: the pass phrase", { remote_password: "pw", ssh_private_key_passphrase: "kp", ssh_private_key_path: "/k" }, "kp", ["remote_password"]],
  ])("%s", (_, spec, pass, dropped) => {
    const p = plan(spec);
    expect(p.env.ASPERA_SCP_PASS).toBe(pass);
    expect(p.warnings.map((w) => w.key)).toEqual(dropped);
    for (const w of p.warnings) {
      expect(w.message).not.toMatch(/pw|kp/);
      expect(w.message).toMatch(/ASPERA_SCP_PASS/);
    }
  });

  it("names the key that made the pass phrase win", () => {
    expect(plan({ remote_password: "pw", ssh_private_key_passphrase: "kp", ssh_private_key_path: "/k" }).warnings[0]!.message).toBe(
      "spec.remote_password is not passed to ascp: ascp reads it from ASPERA_SCP_PASS, like spec.ssh_private_key_passphrase, which wins because spec.ssh_private_key_path is given",
    );
  });
});

describe("agent.wss false, as aspera-cli", () => {
  it.each([
    ["with fasp_port: SSH", { fasp_port: 33001 }, false],
    ["without fasp_port: still WSS", {}, true],
  ])("%s", (_, spec, wss) => {
    const p = plan({ wss_enabled: true, wss_port: 443, ...spec }, { wss: false });
    expect(p.wss).toBe(wss);
    expect(p.args.includes("--ws-connect")).toBe(wss);
  });
});

describe("origins: every argument names what produced it", () => {
  it("parallel to argv, spec and agent keys, engine for -M/-u", () => {
    const p = plan(
      { target_rate_kbps: 5, multi_session: 2, preserve_acls: "native", wss_enabled: true, wss_port: 443, ssh_port: 22, http_fallback_port: 80, cipher: "none", destination_root: "/d" },
      { ascp_args: ["-DD"], multi_incr_udp: true },
    );
    const { argv, origins } = sessionArgvWithOrigins(p, { index: 2, mgmtPort: 7, userStr: "n", fileListPath: "/list" });
    expect(argv).toEqual(argvOf(p, 2));
    expect(origins).toHaveLength(argv.length);
    const originOf = (a: string) => origins[argv.indexOf(a)];
    expect(originOf("-M")).toBe("engine");
    expect(originOf("-q")).toBe("agent.quiet");
    expect(originOf("-l")).toBe("spec.target_rate_kbps");
    expect(originOf("--preserve-acls")).toBe("spec.preserve_acls");
    expect(originOf("native")).toBe("spec.preserve_acls");
    expect(originOf("--ws-connect")).toBe("spec.wss_enabled");
    expect(originOf("-P")).toBe("spec.wss_port");
    expect(originOf("-t")).toBe("spec.http_fallback_port");
    expect(originOf("-T")).toBe("spec.cipher");
    expect(originOf("-C")).toBe("spec.multi_session");
    expect(originOf("--file-list")).toBe("spec.paths");
    expect(originOf("-DD")).toBe("agent.ascp_args");
    expect(origins.at(-1)).toBe("spec.destination_root");
  });

  it("agent extras keep the origins aligned", () => {
    const warning: PlanWarning = { code: "no_bypass_key", key: "token", message: "m" };
    const p = withAgentExtras(plan({ token: "t" }), { env: { SSL_CERT_FILE: "/c" }, args: ["-i", "/k"], origins: ["agent.client_ssh_key", "agent.client_ssh_key"], warnings: [warning] });
    expect(p.args.slice(-3)).toEqual(["-i", "/k", "--dest64"]);
    expect(p.argOrigins.slice(-3)).toEqual(["agent.client_ssh_key", "agent.client_ssh_key", "spec.destination_root"]);
    expect(p.argOrigins).toHaveLength(p.args.length);
    expect(p.env).toEqual({ ASPERA_SCP_TOKEN: "t", SSL_CERT_FILE: "/c" });
    expect(p.warnings).toEqual([warning]);
  });
});
