// Option → spec key, from the schema's x-ascp annotations: every option a mapped key can emit names that key.
import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { transferSpecMap } from "./ascp-map.js";
import { optionName, optionOrigins, optionsOfMapping } from "./option-origin.js";
import { planTransfer } from "./plan.js";

const schemaProps = JSON.parse(fs.readFileSync(new URL("../../schema/transfer-spec.schema.json", import.meta.url), "utf8")).properties as Record<string, unknown>;

describe("optionsOfMapping", () => {
  it("lists an option's switch targets and a special's options", () => {
    expect(optionsOfMapping(transferSpecMap.mappings.cipher!)).toEqual(["-c", "-T"]);
    expect(optionsOfMapping(transferSpecMap.mappings.delete_source!)).toEqual(["--remove-after-transfer", "--remove-empty-directories", "--remove-empty-source-directory"]);
    expect(optionsOfMapping(transferSpecMap.mappings.proxy!)).toEqual(["--proxy"]);
    expect(optionsOfMapping(transferSpecMap.mappings.remote_password!)).toEqual([]);
  });
});

describe("optionOrigins", () => {
  it.each<[string, Record<string, unknown>, Record<string, unknown> | undefined, string[]]>([
    ["--remove-skipped", { remove_skipped: true }, undefined, ["spec.remove_skipped"]],
    ["--preserve-acls", { preserve_acls: "native" }, undefined, ["spec.preserve_acls"]],
    ["--preserve-acls=native", { preserve_acls: "native" }, undefined, ["spec.preserve_acls"]],
    ["-T", { cipher: "none" }, undefined, ["spec.cipher"]],
    ["-c", { cipher: "aes-128-gcm" }, undefined, ["spec.cipher"]],
    ["--ws-connect", { wss_enabled: true, wss_port: 443 }, undefined, ["spec.wss_enabled", "spec.wss_port"]],
    ["--remove-after-transfer", { remove_after_transfer: true, delete_source: true }, undefined, ["spec.remove_after_transfer", "spec.delete_source"]],
    ["-t", { http_fallback_port: 8080 }, undefined, ["spec.http_fallback_port"]],
    ["-C", { multi_session: 2 }, undefined, ["spec.multi_session"]],
    // A key given as null is absent.
    ["--remove-skipped", { remove_skipped: null }, undefined, []],
    ["--file-list", {}, { file_list: { path: "/l" } }, ["agent.file_list"]],
    ["--bogus", {}, { ascp_args: ["--bogus=1"] }, ["agent.ascp_args"]],
    ["-Z", { dgram_size: 1400 }, { ascp_args: ["-Z1500"] }, ["spec.dgram_size", "agent.ascp_args"]],
    // The engine's own options have no origin.
    ["-M", { remote_host: "h" }, undefined, []],
  ])("%s from %j %j", (option, spec, agent, expected) => {
    expect(optionOrigins(option, { spec, agent })).toEqual(expected);
  });

  it.each([["--x=1", "--x"], ["--x", "--x"], ["-Z1", "-Z"], ["-Z", "-Z"], ["-SSH", "-SSH"]])("optionName(%s) = %s", (arg, name) => {
    expect(optionName(arg)).toBe(name);
  });

  // Property over the schema: whatever a single mapped key makes the planner emit is traced back to that key.
  it("traces every option the planner emits for each mapped key back to that key", () => {
    const base = { direction: "send", remote_host: "h", remote_user: "u", paths: [{ source: "a" }] };
    const sample = (type: unknown): unknown => (type === "boolean" ? true : type === "integer" ? 1000 : type === "object" ? { aspera: {} } : type === "array" ? ["x"] : "/x");
    let checked = 0;
    for (const key of transferSpecMap.keys) {
      const m = transferSpecMap.mappings[key]!;
      if (m.kind === "ignore" || m.kind === "env" || key in base) continue;
      const prop = (schemaProps[key] ?? {}) as { type?: unknown; enum?: unknown[] };
      const value = prop.enum ? prop.enum[0] : sample(prop.type);
      const spec = { ...base, [key]: value };
      let args: string[];
      try {
        args = planTransfer({ spec }, { xferId: "x" }).args;
      } catch {
        continue;
      }
      const baseArgs = new Set(planTransfer({ spec: base }, { xferId: "x" }).args);
      for (const a of args.filter((x) => x.startsWith("-") && !baseArgs.has(x))) {
        expect(optionOrigins(a, { spec }), `${key} → ${a}`).toContain(`spec.${key}`);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(40);
  });
});
