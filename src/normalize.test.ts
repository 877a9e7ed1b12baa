import { describe, expect, it } from "vitest";
import { normalizeSessionSpec, normalizeTransferSpec } from "./normalize.js";
import { validateSessionSpec } from "./validate.js";
import { planTransfer } from "./plan/plan.js";

const BASE = { direction: "send", remote_host: "h", paths: [{ source: "s" }] };
const ctx = { xferId: "x", platform: "linux" as const };

function ok(spec: Record<string, unknown>) {
  const r = normalizeTransferSpec({ ...BASE, ...spec });
  if (!r.ok) throw new Error(r.errors.join("; "));
  return r;
}

describe("normalizeTransferSpec", () => {
  it.each([
    ["null is absent", { cookie: null, content_protection: null, target_rate_kbps: 10 }, { target_rate_kbps: 10 }, /null value are treated as absent: cookie, content_protection/],
    ["an empty source_root is no prefix", { source_root: "" }, {}, /source_root is empty/],
    ["a null destination of a paths item is no destination", { paths: [{ source: "a", destination: null }] }, { paths: [{ source: "a" }] }, /paths: item keys with a null value/],
    ["key alias preserve_xattrs", { preserve_xattrs: "native" }, { preserve_extended_attrs: "native" }, /spec\.preserve_xattrs is read as spec\.preserve_extended_attrs/],
    ["key alias remote_preserve_xattrs", { remote_preserve_xattrs: "metafile" }, { preserve_remote_extended_attrs: "metafile" }, /remote_preserve_xattrs is read as/],
    ["key alias remote_preserve_acls", { remote_preserve_acls: "native" }, { preserve_remote_acls: "native" }, /remote_preserve_acls is read as/],
    ["key alias remove_empty_source_dir (Transfer SDK)", { remove_empty_source_dir: true }, { remove_empty_source_directory: true }, /remove_empty_source_dir is read as/],
    ["value alias cipher aes128", { cipher: "aes128" }, { cipher: "aes-128" }, /spec\.cipher "aes128" is read as "aes-128"/],
    ["value alias cipher aes256gcm", { cipher: "aes256gcm" }, { cipher: "aes-256-gcm" }, /"aes256gcm" is read as "aes-256-gcm"/],
    ["value alias resume_policy sparse_checksum", { resume_policy: "sparse_checksum" }, { resume_policy: "sparse_csum" }, /"sparse_checksum" is read as "sparse_csum"/],
    ["value alias resume_policy attributes", { resume_policy: "attributes" }, { resume_policy: "attrs" }, /"attributes" is read as "attrs"/],
    ["value alias direction recv", { direction: "recv" }, { direction: "receive" }, /spec\.direction "recv" is read as "receive"/],
    ["alias and canonical key agreeing", { preserve_xattrs: "native", preserve_extended_attrs: "native" }, { preserve_extended_attrs: "native" }, null],
  ])("%s", (_, spec, expected, note) => {
    const r = ok(spec);
    expect(r.spec).toEqual({ ...BASE, ...expected });
    if (note) expect(r.notes.join("\n")).toMatch(note);
    else expect(r.notes).toEqual([]);
  });

  it("leaves a canonical spec as it is, with no notes", () => {
    const spec = { ...BASE, cipher: "aes-128", resume_policy: "sparse_csum", source_root: "/r", tags: { a: null } };
    expect(normalizeTransferSpec(spec)).toEqual({ ok: true, spec, notes: [] });
  });

  it.each([
    ["alias against canonical key", { preserve_xattrs: "native", preserve_extended_attrs: "none" }, /spec\.preserve_xattrs \("native"\) and spec\.preserve_extended_attrs \("none"\) are two spellings of spec\.preserve_extended_attrs with different values: give one/],
    ["alias value against canonical value", { remove_empty_source_dir: true, remove_empty_source_directory: false }, /two spellings of spec\.remove_empty_source_directory/],
  ])("an alias that conflicts is an error: %s", (_, spec, message) => {
    const r = normalizeTransferSpec({ ...BASE, ...spec });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.join("\n")).toMatch(message);
  });

  it("an alias value that agrees after mapping is no conflict", () => {
    // aes128 on the alias side is aes-128, like the canonical value.
    const r = normalizeTransferSpec({ ...BASE, cipher: "aes128" });
    expect(r.ok && r.spec.cipher).toBe("aes-128");
  });

  it("keeps a __proto__ key a plain key", () => {
    const spec = JSON.parse('{"direction":"send","remote_host":"h","__proto__":{"x":1},"cookie":null}') as Record<string, unknown>;
    const r = ok(spec);
    expect(Object.getPrototypeOf(r.spec)).toBe(Object.prototype);
    expect(Object.keys(r.spec)).toContain("__proto__");
  });
});

describe("normalizeSessionSpec", () => {
  it("leaves what is not an object for validation to judge", () => {
    for (const v of [null, 3, [], { spec: "x" }, { agent: {} }]) expect(normalizeSessionSpec(v)).toEqual({ ok: true, value: v, notes: [] });
  });

  it("a Node API style spec validates and plans like its canonical form", () => {
    const nodeApi = {
      spec: { ...BASE, direction: "recv", cipher: "aes128", resume_policy: "sparse_checksum", preserve_xattrs: "native", source_root: "", content_protection: null, cookie: null, exclude_older_than: "-3600" },
      agent: { quiet: true },
    };
    const canonical = {
      spec: { ...BASE, direction: "receive", cipher: "aes-128", resume_policy: "sparse_csum", preserve_extended_attrs: "native", exclude_older_than: -3600 },
      agent: { quiet: true },
    };
    const n = normalizeSessionSpec(nodeApi);
    if (!n.ok) throw new Error(n.errors.join());
    const v = validateSessionSpec(n.value);
    if (!v.ok) throw new Error(v.errors.join());
    expect(planTransfer(v.value as never, ctx).args).toEqual(planTransfer(canonical as never, ctx).args);
  });
});
