import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MAX_COMMAND_LINE_BYTES, nativeKeyHint, parseCommandLine, type Validate } from "./command-line.js";
import type { Command } from "./encode.js";

// Stands in for src/validate.ts: knows the four types and refuses keys outside a small list.
const KEYS: Record<string, string[]> = {
  START: ["source", "destination", "file_bytes"],
  RATE: ["rate", "min_rate", "adaptive", "policy"],
  DONE: ["operation"],
  CANCEL: [],
};
const fakeValidate: Validate = (value) => {
  const record = value as Record<string, unknown>;
  const keys = typeof record.type === "string" ? KEYS[record.type] : undefined;
  if (keys === undefined) return { ok: false, message: `unknown command type ${JSON.stringify(record.type)}` };
  const extra = Object.keys(record).find((k) => k !== "type" && k !== "session_index" && !keys.includes(k));
  return extra === undefined ? { ok: true, value: value as Command } : { ok: false, message: `unknown key ${extra}` };
};

describe("parseCommandLine", () => {
  it.each([
    ['{"type":"START","source":"a","destination":"b"}', "FASPMGR 2\nType: START\nSource: a\nDestination: b\n\n"],
    ['{"type":"RATE","rate":50000}', "FASPMGR 2\nType: RATE\nRate: 50000\n\n"],
    ['{"type":"DONE"}', "FASPMGR 2\nType: DONE\n\n"],
    ['{"type":"DONE","operation":"Linger"}', "FASPMGR 2\nType: DONE\nOperation: Linger\n\n"],
    ['{"type":"CANCEL","session_index":1}\r', "FASPMGR 2\nType: CANCEL\n\n"],
    ['  {"type":"START","source":"a\\nb"}  ', "FASPMGR 2\nType: START\nSource: a\x1bnb\n\n"],
  ])("%s → frame", (line, frame) => {
    const result = parseCommandLine(line, 3, fakeValidate);
    expect(result).toEqual({ kind: "command", ok: true, command: JSON.parse(line), frame });
  });

  it.each(["", "   ", "\t", "\r"])("blank line %j is ignored", (line) => {
    expect(parseCommandLine(line, 3, fakeValidate)).toEqual({ kind: "blank" });
  });

  it.each([
    ['{"type":"RATE","rate":}', "invalid JSON on line 7 at position 22: unexpected \"}\", expected a JSON value"],
    ['{"type":"DONE"', "invalid JSON on line 7 at position 14: unexpected end of input, expected ',' or '}'"],
    ["[1,2]", "a command must be a JSON object, got an array"],
    ["null", "a command must be a JSON object, got null"],
    ['"DONE"', "a command must be a JSON object, got a string"],
    ["42", "a command must be a JSON object, got a number"],
    ['{"type":"RATE","Rate":300000}', "unknown key Rate (did you mean rate?)"],
    ['{"type":"RATE","MinRate":1}', "unknown key MinRate (did you mean min_rate?)"],
    ['{"Type":"DONE"}', "unknown key Type (did you mean type?)"],
    ['{"type":"START","source":"a","FileBytes":"1:2"}', "unknown key FileBytes (did you mean file_bytes?)"],
    ['{"type":"CANCEL","SessionIndex":0}', "unknown key SessionIndex (did you mean session_index?)"],
    ['{"type":"QUERY"}', 'unknown command type "QUERY"'],
    ['{"type":"DONE","bogus":1}', "unknown key bogus"],
    ['{"type":"START","source":"a","file_bytes":"1:\\n2"}', "file_bytes must not contain a line break (CR or LF)"],
    ['{"type":"DONE","operation":"Linger\\r"}', "operation must not contain a line break (CR or LF)"],
  ])("%s → rejected: %s", (line, reason) => {
    expect(parseCommandLine(line, 7, fakeValidate)).toEqual({ kind: "rejected", ok: false, reason });
  });

  it("rejects a line over 1 MiB before parsing it", () => {
    const line = `{"type":"START","source":"${"é".repeat(MAX_COMMAND_LINE_BYTES / 2)}"}`;
    expect(line.length).toBeLessThan(MAX_COMMAND_LINE_BYTES);
    const result = parseCommandLine(line, 2, () => {
      throw new Error("must not validate");
    });
    expect(result).toEqual({ kind: "rejected", ok: false, reason: "line 2 is longer than 1048576 bytes (1 MiB)" });
    const fits = `{"type":"START","source":"${"a".repeat(MAX_COMMAND_LINE_BYTES - 40)}"}`;
    expect(parseCommandLine(fits, 2, fakeValidate).kind).toBe("command");
  });

  it("names no key when nothing looks native", () => {
    expect(nativeKeyHint({ type: "RATE", rate: 1, colour: "red", Unknown: 1 })).toBeNull();
    expect(nativeKeyHint({ type: "RATE", Adaptive: "Fixed" })).toBe("unknown key Adaptive (did you mean adaptive?)");
  });

  it.skipIf(!existsSync(new URL("../validate.ts", import.meta.url)))("works with the real validator of src/validate.ts", async () => {
    const { validateCommand } = await import("../validate.js");
    const ok = parseCommandLine('{"type":"RATE","policy":"low","rate":"50%"}', 4, validateCommand);
    expect(ok).toEqual({
      kind: "command",
      ok: true,
      command: { type: "RATE", policy: "low", rate: "50%" },
      frame: "FASPMGR 2\nType: RATE\nRate: 50%\nAdaptive: Trickle\n\n",
    });
    const bad = parseCommandLine('{"type":"START"}', 4, validateCommand);
    expect(bad.kind).toBe("rejected");
    const native = parseCommandLine('{"type":"RATE","Rate":300000}', 4, validateCommand);
    expect(native).toEqual({ kind: "rejected", ok: false, reason: "unknown key Rate (did you mean rate?)" });
  });
});

describe("parseCommandLine: values that cannot be sent unchanged (issue 11)", () => {
  it.each([
    ['{"type":"START","source":"a\\u0000b"}', /^source contains a NUL character/],
    ['{"type":"START","source":"a\\ud800b"}', /^source contains a lone UTF-16 surrogate/],
    ['{"type":"START","source":"a","destination":"\\udfff"}', /^destination contains a lone UTF-16 surrogate/],
    ['{"type":"RATE","rate":1e400}', /^line 4 is refused at position \d+: the number 1e400 is too large/],
    [`{"type":"START","source":${"[".repeat(100_000)}${"]".repeat(100_000)}}`, /^line 4 is refused at position \d+: nested deeper than 100 levels/],
  ])("%s is rejected, never altered", (line, reason) => {
    const result = parseCommandLine(line, 4, fakeValidate);
    expect(result.kind).toBe("rejected");
    expect(result.kind === "rejected" && result.reason).toMatch(reason);
  });
});
