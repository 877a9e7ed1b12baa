import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { closest, validateCommand, validateSessionSpec } from "./validate.js";

const ok = { direction: "send", remote_host: "h", paths: [{ source: "a" }] };

describe("validateSessionSpec", () => {
  it("accepts a minimal spec", () => {
    expect(validateSessionSpec({ spec: ok })).toEqual({ ok: true, value: { spec: ok } });
  });

  it.each([
    [{ spec: { ...ok, direction: "upload" } }, 'spec.direction must be one of: send, receive (got "upload")'],
    [{ spec: { ...ok, target_rate_kbps: "100" } }, 'spec.target_rate_kbps must be integer (got "100")'],
    [{ spec: { remote_host: "h" } }, "spec.direction is required"],
    [{}, "spec is required"],
    [{ spec: ok, agentt: {} }, /^unknown key agentt \(did you mean agent\?\); known keys: spec, agent/],
    [{ spec: ok, agent: { ascp_pth: "x" } }, /^unknown key agent\.ascp_pth \(did you mean ascp_path\?\)/],
    [{ spec: ok, agent: { resume: { iter_max: -1 } } }, "agent.resume.iter_max must be >= 0 (got -1)"],
    [{ spec: { ...ok, paths: [{ source: "a", dest: "b" }] } }, /^unknown key spec\.paths\[0\]\.dest/],
    [{ spec: ok, loglevel: "loud" }, /^loglevel must be one of: trace, debug, info, warn, error, silent/],
  ])("%j → %s", (input, message) => {
    const r = validateSessionSpec(input);
    expect(r.ok).toBe(false);
    const errors = (r as { errors: string[] }).errors;
    if (typeof message === "string") expect(errors).toContain(message);
    else expect(errors.some((e) => message.test(e))).toBe(true);
  });

  it.each([
    ["exclude_newer_than as an integer", { spec: { ...ok, exclude_newer_than: -86400 } }],
    ["exclude_newer_than as a string of digits", { spec: { ...ok, exclude_older_than: "-86400" } }],
    ["multi_session as a string", { spec: { ...ok, multi_session: "128" } }],
    ["ssh_args as a string", { spec: { ...ok, ssh_args: "-vv" } }],
    ["agent.file_list false", { spec: ok, agent: { file_list: false } }],
    ["agent.file_list true", { spec: ok, agent: { file_list: true } }],
    ["agent.file_list an existing list", { spec: { ...ok, paths: undefined }, agent: { file_list: { path: "/l", pairs: true } } }],
    ["agent.monitor true", { spec: ok, agent: { monitor: true } }],
  ])("accepts both sources' forms: %s", (_, input) => {
    expect(validateSessionSpec(JSON.parse(JSON.stringify(input))).ok).toBe(true);
  });

  it.each([
    [{ spec: { ...ok, exclude_newer_than: "a day" } }, 'spec.exclude_newer_than must match pattern "^-?[0-9]+$" (got "a day")'],
    [{ spec: { ...ok, multi_session: "129" } }, /^spec\.multi_session must match pattern/],
    [{ spec: ok, agent: { file_list: "yes" } }, 'agent.file_list must be boolean or object (got "yes")'],
    [{ spec: { ...ok, ssh_args: 3 } }, "spec.ssh_args must be array or string (got 3)"],
    [{ spec: ok, agent: { monitor: false } }, "agent.monitor must be true (got false)"],
  ])("refuses %j", (input, message) => {
    const errors = (validateSessionSpec(input) as { errors: string[] }).errors;
    expect(errors.some((e) => (typeof message === "string" ? e === message : message.test(e)))).toBe(true);
  });

  it.each([null, 3, "x", [], true])("refuses a non-object %j", (value) => {
    expect(validateSessionSpec(value)).toEqual({ ok: false, errors: [expect.stringMatching(/must be a JSON object/)] });
  });

  it("never throws and always explains, whatever the JSON", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (spec, agent) => {
        for (const value of [spec, { spec }, { spec: ok, agent }, { spec: { ...ok, extra: spec } }]) {
          const r = validateSessionSpec(value);
          if (!r.ok) {
            expect(r.errors.length).toBeGreaterThan(0);
            expect(r.errors.length).toBeLessThanOrEqual(21);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("validateCommand", () => {
  it.each([
    [{ type: "START", source: "a", destination: "b" }],
    [{ type: "RATE", rate: 5000 }],
    [{ type: "RATE", min_rate: "50%" }],
    [{ type: "RATE", policy: "fair", session_index: 1 }],
    [{ type: "DONE", operation: "Linger" }],
    [{ type: "CANCEL" }],
  ])("accepts %j", (command) => {
    expect(validateCommand(command)).toEqual({ ok: true, value: command });
  });

  it.each([
    [{ type: "FOO" }, 'unknown command type "FOO" (expected one of: START, RATE, DONE, CANCEL, STATUS)'],
    [{ source: "a" }, "a command needs a type (one of: START, RATE, DONE, CANCEL, STATUS)"],
    [{ type: "START" }, "START.source is required"],
    [{ type: "RATE", rate: -1 }, /RATE\.rate must be >= 0/],
    [{ type: "RATE", adaptive: "Fixed", policy: "low" }, "RATE.adaptive cannot be given together with policy"],
    [{ type: "DONE", operation: "Later" }, 'DONE.operation must be one of: Linger (got "Later")'],
    [{ type: "CANCEL", now: true }, /^unknown key CANCEL\.now/],
    [[1], "a command must be a JSON object (got [1])"],
  ])("refuses %j", (command, message) => {
    const r = validateCommand(command);
    expect(r.ok).toBe(false);
    const text = (r as { message: string }).message;
    if (typeof message === "string") expect(text).toBe(message);
    else expect(text).toMatch(message);
  });
});

describe("closest", () => {
  it.each([
    ["agentt", ["spec", "agent"], "agent"],
    ["ascp_pth", ["ascp_path", "ascp_args"], "ascp_path"],
    ["zzzzzz", ["spec", "agent"], undefined],
  ])("%s", (key, known, expected) => {
    expect(closest(key, known)).toBe(expected);
  });
});
