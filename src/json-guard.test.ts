import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { checkJsonText, findUnsendableText, mayHoldUnsendable, textProblem } from "./json-guard.js";

describe("checkJsonText", () => {
  it.each([
    ['{"a":[1,2,{"b":"[[[[["}]}', null],
    ['{"a":"\\"[[["}', null],
    ["[1e308, -1.5e-400, 12345678901234567890]", null],
  ])("accepts %s", (text, want) => expect(checkJsonText(text, 3)).toBe(want));

  it("refuses nesting deeper than the bound, at the bracket that goes too deep", () => {
    expect(checkJsonText("[[[[1]]]]", 3)).toEqual({ position: 3, message: "nested deeper than 3 levels" });
    const deep = "[".repeat(100_000) + "]".repeat(100_000);
    expect(checkJsonText(deep)?.message).toMatch(/nested deeper than 100 levels/);
  });

  it("reports a number too large for a double as written", () => {
    expect(checkJsonText('{"rate": 1e400}')).toEqual({ position: 9, message: "the number 1e400 is too large for a double-precision number" });
    expect(checkJsonText(`[-${"9".repeat(400)}]`)?.message).toMatch(/the number -9{36}\.\.\. is too large/);
  });

  it("property: any JSON.stringify output of finite values within the depth passes", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (v) => {
        expect(checkJsonText(JSON.stringify(v), 10)).toBeNull();
      }),
    );
  });
});

describe("findUnsendableText", () => {
  it("names the path of a NUL or a lone surrogate, in values and keys, never the value", () => {
    expect(findUnsendableText({ spec: { paths: [{ source: "ok" }, { source: "a\0b" }] } }, "")).toBe(
      "spec.paths[1].source contains a NUL character (U+0000), which ascp would take as the end of the value",
    );
    expect(findUnsendableText({ spec: { remote_password: "x\ud800" } }, "")).toBe("spec.remote_password contains a lone UTF-16 surrogate, which UTF-8 cannot encode");
    expect(findUnsendableText({ tags: { ["k\0"]: 1 } }, "spec")).toMatch(/^a key of spec\.tags contains a NUL/);
    expect(findUnsendableText({ a: ["fine", "😀", { "b c": "é" }] }, "")).toBeNull();
  });

  it("walks any depth without recursion", () => {
    let v: unknown = "\0";
    for (let i = 0; i < 200_000; i++) v = [v];
    expect(findUnsendableText(v, "x")).toMatch(/^x(\[0\]){200000} contains a NUL/);
  });

  it("property: a string is unsendable exactly when it has a NUL or does not survive UTF-8", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (s) => {
        const survives = Buffer.from(s, "utf8").toString("utf8") === s && !s.includes("\0");
        expect(textProblem(s) === null).toBe(survives);
      }),
    );
  });
});

describe("mayHoldUnsendable", () => {
  it("property: never says no for a JSON text whose value holds a NUL or a lone surrogate (the walk can be skipped safely)", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4, stringUnit: "binary" }), (v) => {
        if (findUnsendableText(v, "") !== null) expect(mayHoldUnsendable(JSON.stringify(v))).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});
