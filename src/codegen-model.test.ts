// The codegen model (schema/codegen/model.mjs): what it reads from schema/, and the mistakes in schema/ it refuses.
import fs from "node:fs";
import { describe, expect, it } from "vitest";
// @ts-expect-error plain JavaScript of the generator, without declarations
import { buildModel } from "../schema/codegen/model.mjs";
import { ASCP_ERROR_ROWS, ENGINE_EVENT_TYPES, SECRET_SPEC_KEYS } from "./generated/facts.js";

type Schema = Record<string, any>;
const read = (name: string): Schema => JSON.parse(fs.readFileSync(new URL(`../schema/${name}`, import.meta.url), "utf8"));
const withChange = (file: string, change: (s: Schema) => void) => (name: string) => {
  const s = read(name);
  if (name === file) change(s);
  return s;
};

describe("codegen model", () => {
  const model = buildModel(read);

  it("derives the facts the engine uses from schema/", () => {
    const transfer = read("transfer-spec.schema.json");
    const secret = Object.keys(transfer.properties).filter((k) => transfer.properties[k]["x-ascp"]?.secret === true);
    expect(model.secretKeys).toEqual(secret);
    expect([...SECRET_SPEC_KEYS]).toEqual(secret);
    expect(model.ascpErrors[28]).toMatchObject({ code: 28, name: "USER_CANCEL", retryable: false });
    expect(ASCP_ERROR_ROWS).toHaveLength(model.ascpErrors.length);
    expect([...ENGINE_EVENT_TYPES]).toEqual(model.events.engine.map((e: Schema) => e.typeConst));
    expect(model.agentDefaults.resume).toEqual({ iter_max: 7, sleep_initial: 2, sleep_factor: 2, sleep_max: 60 });
    expect(model.exitStatus.find((e: Schema) => e.name === "cancelled").value).toBe(130);
  });

  it("normalizes types: nullable references, inline objects named by where they sit, maps", () => {
    const result = model.events.engine.find((e: Schema) => e.typeConst === "RESULT");
    const field = (obj: Schema, key: string) => obj.fields.find((f: Schema) => f.key === key);
    expect(field(result, "error").type).toMatchObject({ kind: "object", def: "ErrorInfo", nullable: true });
    expect(field(result, "totals").type.obj.path).toEqual({ root: "ResultEvent", keys: ["totals"] });
    const dryRun = model.events.engine.find((e: Schema) => e.typeConst === "DRY_RUN");
    expect(field(dryRun, "env").type).toMatchObject({ kind: "map", values: { kind: "string" } });
  });

  it.each([
    ["an error row out of order", withChange("facts.json", (s) => s.ascp_errors.reverse()), /indexed by code/],
    ["an unknown outcome", withChange("client-contract.json", (s) => (s.outcomes.rows[0].outcome = "maybe")), /unknown outcome/],
    ["a contract value without a description", withChange("client-contract.json", (s) => delete s.grace_sec.description), /grace_sec/],
    ["an engine type the ascp event does not refuse", withChange("events.schema.json", (s) => s.$defs.AscpEvent.properties.type.not.enum.pop()), /STALLED/],
  ])("refuses %s", (_, load, message) => {
    expect(() => buildModel(load)).toThrow(message);
  });
});
