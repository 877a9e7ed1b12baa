import { describe, expect, it } from "vitest";
import fs from "node:fs";
import { IGNORED_KEYS, KNOWN_KEYS, parseMapping, parseTransferSpecSchema } from "./ascp-map.js";

describe("parseMapping", () => {
  it.each([
    [{ option: "-l" }, { kind: "option", option: "-l" }],
    [{ option: "--mode", map: { receive: "recv" } }, { kind: "option", option: "--mode", map: { receive: "recv" } }],
    [{ option: "-c", map: { none: { switch: "-T" } } }, { kind: "option", option: "-c", map: { none: { switch: "-T" } } }],
    [{ option: "--tags64", convert: "base64_json" }, { kind: "option", option: "--tags64", convert: "base64_json" }],
    [{ option: "--ssh-arg", repeat: true }, { kind: "option", option: "--ssh-arg", repeat: true }],
    [{ switch: "-d" }, { kind: "switch", switches: ["-d"] }],
    [{ switches: ["-a", "-b"] }, { kind: "switch", switches: ["-a", "-b"] }],
    [{ env: "X", secret: true }, { kind: "env", env: "X", secret: true }],
    [{ env: "X", secret: true, unless: "y" }, { kind: "env", env: "X", secret: true, unless: "y" }],
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
    [{ switches: [] }, /switches/],
    [{ env: "X" }, /secret/],
    [{ special: "teleport" }, /no handler/],
    [{ ignore: "somebody" }, /not one of/],
  ])("rejects %j", (annotation, message) => {
    expect(() => parseMapping("k", annotation)).toThrow(message);
  });

  it("rejects unless naming an unknown key", () => {
    const schema = { properties: { a: { "x-ascp": { env: "A", secret: true, unless: "b" } } } };
    expect(() => parseTransferSpecSchema(schema)).toThrow(/unknown key b/);
  });
});

describe("the committed schema", () => {
  it("names every key of the seed's transfer spec table", () => {
    const seedKeys = ["apply_local_docroot", "authentication", "cipher", "cipher_allowed", "compression", "content_protection", "content_protection_password", "cookie", "create_dir", "delete_before_transfer", "delete_source", "destination_root", "destination_root_id", "dgram_size", "direction", "exclude_newer_than", "exclude_older_than", "fasp_port", "fasp_url", "file_checksum", "http_fallback", "http_fallback_port", "https_fallback_port", "keepalive", "lock_min_rate", "lock_min_rate_kbps", "lock_rate_policy", "lock_target_rate", "lock_target_rate_kbps", "min_rate_cap_kbps", "min_rate_kbps", "move_after_transfer", "multi_session", "multi_session_threshold", "obfuscate_file_names", "overwrite", "password", "paths", "precalculate_job_size", "preserve_access_time", "preserve_acls", "preserve_creation_time", "preserve_extended_attrs", "preserve_file_owner_gid", "preserve_file_owner_uid", "preserve_modification_time", "preserve_remote_acls", "preserve_source_access_time", "preserve_times", "proxy", "rate_policy", "rate_policy_allowed", "read_threads", "remote_access_key", "remote_host", "remote_password", "remote_user", "remove_after_transfer", "remove_empty_directories", "remove_empty_source_directory", "remove_skipped", "resume_policy", "retry_duration", "source_root", "source_root_id", "src_base", "ssh_args", "ssh_port", "ssh_private_key", "ssh_private_key_passphrase", "sshfp", "symlink_policy", "tags", "target_rate_cap_kbps", "target_rate_kbps", "target_rate_percentage", "title", "token", "use_ascp4", "use_system_ssh", "write_threads", "wss_enabled", "wss_port"];
    expect(seedKeys.filter((k) => !KNOWN_KEYS.includes(k))).toEqual([]);
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
