import { describe, expect, it } from "vitest";
import { EVENT_FIELDS } from "../generated/fields.js";
import { jsonName, snakeCaseRule } from "./naming.js";

describe("snakeCaseRule", () => {
  it.each([
    ["SessionId", "session_id"],
    ["PreTransferBytes", "pre_transfer_bytes"],
    ["DSPipelineDepth", "ds_pipeline_depth"],
    ["Elapsedusec", "elapsedusec"],
    ["Bytescont", "bytescont"],
    ["Type", "type"],
    ["PMTU", "pmtu"],
    ["TCPPort", "tcp_port"],
    ["VLRemoteCL", "vl_remote_cl"],
    ["VLinkVersion", "v_link_version"],
    ["FaspFileID", "fasp_file_id"],
    ["RTTAutocorrect", "rtt_autocorrect"],
    ["Priorty", "priorty"],
    ["Field2Name", "field2_name"],
    ["ABCDef", "abc_def"],
    ["already_snake", "already_snake"],
    ["x", "x"],
    ["", ""],
    ["Name With Space", "name with space"],
  ])("%s → %s", (native, json) => {
    expect(snakeCaseRule(native)).toBe(json);
  });
});

describe("jsonName", () => {
  it.each([
    ["SessionId", "session_id"],
    ["Elapsedusec", "elapsed_usec"],
    ["Bytescont", "bytes_cont"],
    ["PreTransferBytes", "pre_transfer_bytes"],
    ["DSPipelineDepth", "ds_pipeline_depth"],
    ["SomeNewField", "some_new_field"],
  ])("%s → %s", (native, json) => {
    expect(jsonName(native)).toBe(json);
  });

  it("the rule reproduces every dictionary name except the two documented exceptions", () => {
    const differing = [...EVENT_FIELDS].filter(([native, f]) => snakeCaseRule(native) !== f.json).map(([native]) => native);
    expect(differing).toEqual(["Bytescont", "Elapsedusec"]);
  });
});
