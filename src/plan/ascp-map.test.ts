import { describe, expect, it } from "vitest";
import fs from "node:fs";
import { IGNORED_KEYS, KNOWN_KEYS, parseMapping, parseTransferSpecSchema, transferSpecMap } from "./ascp-map.js";

describe("parseMapping", () => {
  it.each([
    [{ option: "-l" }, { kind: "option", option: "-l" }],
    [{ option: "--mode", map: { receive: "recv" } }, { kind: "option", option: "--mode", map: { receive: "recv" } }],
    [{ option: "-c", map: { none: { switch: "-T" } } }, { kind: "option", option: "-c", map: { none: { switch: "-T" } } }],
    [{ option: "--tags64", convert: "base64_json" }, { kind: "option", option: "--tags64", convert: "base64_json" }],
    [{ option: "--ssh-arg", repeat: true }, { kind: "option", option: "--ssh-arg", repeat: true }],
    [{ switch: "-d" }, { kind: "switch", switch: "-d" }],
    [{ env: "X", secret: true }, { kind: "env", env: "X", secret: true }],
    [{ env: "X", secret: true, wins_with: ["y"] }, { kind: "env", env: "X", secret: true, winsWith: ["y"] }],
    [{ switch: "-a", off: "-b" }, { kind: "switch", switch: "-a", off: "-b" }],
    [{ implies: ["a", "b"] }, { kind: "implies", implies: ["a", "b"], falseClears: [] }],
    [{ implies: ["a"], false_clears: ["c"] }, { kind: "implies", implies: ["a"], falseClears: ["c"] }],
    [{ option: "--m", clears: ["a"], excludes: "b" }, { kind: "option", option: "--m", clears: ["a"], excludes: "b" }],
    [{ ignore: "httpgw", applies: "names" }, { kind: "ignore", agent: "httpgw", applies: "names" }],
    [{ special: "paths" }, { kind: "special", special: "paths" }],
    [{ ignore: "node" }, { kind: "ignore", agent: "node" }],
  ])("accepts %j", (annotation, expected) => {
    expect(parseMapping("k", annotation)).toEqual(expected);
  });

  it.each([
    [undefined, /missing/],
    [{}, /none of/],
    [{ option: "-l", extra: 1 }, /unexpected field\(s\) extra/],
    [{ option: "-c", map: { a: 1 } }, /map\.a/],
    [{ option: "-c", convert: "hex" }, /convert hex/],
    [{ option: "-c", repeat: "yes" }, /repeat/],
    [{ switches: ["-a", "-b"] }, /none of/],
    [{ env: "X" }, /secret/],
    [{ special: "teleport" }, /no handler/],
    [{ ignore: "somebody" }, /not one of/],
    [{ switch: "-a", off: true }, /off/],
    [{ implies: [] }, /implies/],
    [{ option: "--m", clears: "a" }, /clears/],
    [{ env: "X", secret: true, wins_with: "y" }, /wins_with/],
  ])("rejects %j", (annotation, message) => {
    expect(() => parseMapping("k", annotation)).toThrow(message);
  });

  it.each([
    ["wins_with", { env: "A", secret: true, wins_with: ["b"] }],
    ["implies", { implies: ["b"] }],
    ["clears", { option: "-a", clears: ["b"] }],
    ["excludes", { option: "-a", excludes: "b" }],
  ])("rejects %s naming an unknown key", (_, annotation) => {
    expect(() => parseTransferSpecSchema({ properties: { a: { "x-ascp": annotation } } })).toThrow(/unknown key b/);
  });
});

describe("x-aliases", () => {
  const schema = (aliases: unknown, extra: Record<string, unknown> = {}) => ({
    properties: { a: { enum: ["x-y"], "x-ascp": { option: "-a" }, "x-aliases": aliases }, b: { "x-ascp": { option: "-b" } }, ...extra },
  });

  it("reads key and value aliases", () => {
    expect(parseTransferSpecSchema(schema({ keys: ["aa"], values: { xy: "x-y" } })).aliases).toEqual({ a: { keys: ["aa"], values: { xy: "x-y" } } });
  });

  it.each([
    ["an alias that is a key", { keys: ["b"] }, /already a key/],
    ["a value alias leading outside the enum", { values: { xy: "z" } }, /not one of the key's values/],
    ["an unexpected field", { keys: ["aa"], other: 1 }, /unexpected field/],
    ["keys not strings", { keys: [1] }, /keys must be/],
  ])("rejects %s", (_, aliases, message) => {
    expect(() => parseTransferSpecSchema(schema(aliases))).toThrow(message);
  });

  it("rejects one alias for two keys", () => {
    const s = schema({ keys: ["aa"] }, { c: { "x-ascp": { option: "-c" }, "x-aliases": { keys: ["aa"] } } });
    expect(() => parseTransferSpecSchema(s)).toThrow(/already a key or an alias/);
  });
});

describe("the committed schema", () => {
  it("names every key of the seed's transfer spec table", () => {
    const seedKeys = ["apply_local_docroot", "authentication", "cipher", "cipher_allowed", "compression", "content_protection", "content_protection_password", "cookie", "create_dir", "delete_before_transfer", "delete_source", "destination_root", "destination_root_id", "dgram_size", "direction", "exclude_newer_than", "exclude_older_than", "fasp_port", "fasp_url", "file_checksum", "http_fallback", "http_fallback_port", "https_fallback_port", "keepalive", "lock_min_rate", "lock_min_rate_kbps", "lock_rate_policy", "lock_target_rate", "lock_target_rate_kbps", "min_rate_cap_kbps", "min_rate_kbps", "move_after_transfer", "multi_session", "multi_session_threshold", "obfuscate_file_names", "overwrite", "password", "paths", "precalculate_job_size", "preserve_access_time", "preserve_acls", "preserve_creation_time", "preserve_extended_attrs", "preserve_file_owner_gid", "preserve_file_owner_uid", "preserve_modification_time", "preserve_remote_acls", "preserve_source_access_time", "preserve_times", "proxy", "rate_policy", "rate_policy_allowed", "read_threads", "remote_access_key", "remote_host", "remote_password", "remote_user", "remove_after_transfer", "remove_empty_directories", "remove_empty_source_directory", "remove_skipped", "resume_policy", "retry_duration", "source_root", "source_root_id", "src_base", "ssh_args", "ssh_port", "ssh_private_key", "ssh_private_key_passphrase", "sshfp", "symlink_policy", "tags", "target_rate_cap_kbps", "target_rate_kbps", "target_rate_percentage", "title", "token", "use_ascp4", "use_system_ssh", "write_threads", "wss_enabled", "wss_port"];
    expect(seedKeys.filter((k) => !KNOWN_KEYS.includes(k))).toEqual([]);
  });

  it("knows every key of aspera-cli's current spec.schema.yaml, as a key or an alias", () => {
    // The property names of lib/aspera/transfer/spec.schema.yaml at IBM/aspera-cli f7064646.
    const cliKeys = ["apply_local_docroot", "cipher", "content_protection", "content_protection_password", "cookie", "create_dir", "delete_before_transfer", "delete_source", "destination_root", "destination_root_id", "direction", "exclude_newer_than", "exclude_older_than", "fail_bad_filepass", "fasp_port", "fasp_proxy", "file_checksum", "http_fallback", "http_fallback_port", "https_fallback_port", "icos", "lock_min_rate", "lock_min_rate_kbps", "lock_rate_policy", "lock_target_rate", "lock_target_rate_kbps", "min_rate_cap_kbps", "move_after_transfer", "multi_session", "multi_session_threshold", "overwrite", "password", "paths", "precalculate_job_size", "preserve_access_time", "preserve_acls", "preserve_creation_time", "preserve_extended_attrs", "preserve_file_owner_gid", "preserve_file_owner_uid", "preserve_modification_time", "preserve_remote_acls", "preserve_remote_extended_attrs", "preserve_source_access_time", "preserve_times", "rate_policy", "remote_access_key", "remote_host", "remote_password", "remote_user", "remove_after_transfer", "remove_empty_directories", "remove_empty_source_dir", "remove_empty_source_directory", "remove_skipped", "proxy", "resume_policy", "retry_duration", "save_before_overwrite", "skip_duplicate_check", "skip_special_files", "source_root", "source_root_id", "src_base", "src_base64", "ssh_port", "ssh_private_key", "ssh_private_key_passphrase", "ssh_private_key_path", "symlink_policy", "tags", "tags64", "target_rate_cap_kbps", "target_rate_kbps", "title", "token", "use_ascp4", "use_system_ssh", "ssh_args", "keepalive", "dgram_size", "min_rate_kbps", "sshfp", "target_rate_percentage", "rate_policy_allowed", "fasp_url", "authentication", "cipher_allowed", "obfuscate_file_names", "wss_enabled", "wss_port", "compression", "read_threads", "write_threads", "xfer_max_retries"];
    const aliasKeys = Object.values(transferSpecMap.aliases).flatMap((a) => a.keys);
    expect(cliKeys.filter((k) => !KNOWN_KEYS.includes(k) && !aliasKeys.includes(k))).toEqual([]);
  });

  it("gives every property a description and every secret an env var", () => {
    const schema = JSON.parse(fs.readFileSync(new URL("../../schema/transfer-spec.schema.json", import.meta.url), "utf8"));
    for (const [key, prop] of Object.entries<Record<string, unknown>>(schema.properties)) {
      expect(typeof prop.description, key).toBe("string");
    }
    const envOf = (k: string) => schema.properties[k]["x-ascp"];
    expect(envOf("remote_password")).toEqual({ env: "ASPERA_SCP_PASS", secret: true });
    expect(envOf("token")).toEqual({ env: "ASPERA_SCP_TOKEN", secret: true });
    expect(envOf("cookie")).toEqual({ env: "ASPERA_SCP_COOKIE", secret: true });
    expect(envOf("content_protection_password")).toEqual({ env: "ASPERA_SCP_FILEPASS", secret: true });
    expect(envOf("ssh_private_key")).toEqual({ env: "ASPERA_SCP_KEY", secret: true });
  });

  it("lists other agents' keys with who uses them", () => {
    expect(IGNORED_KEYS.title).toBe("node");
    expect(IGNORED_KEYS.compression).toBe("ascp4");
    expect(IGNORED_KEYS.remote_host).toBeUndefined();
  });
});
