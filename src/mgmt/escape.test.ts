import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { escapePath, unescapePath } from "./escape.js";

const E = "\x1b";

describe("escapePath / unescapePath", () => {
  it.each([
    ["plain/path.txt", "plain/path.txt"],
    ["", ""],
    ["a\nb", `a${E}nb`],
    ["a\rb", `a${E}rb`],
    [`a${E}b`, `a${E}${E}b`],
    ["/dir\nwith\rspecial\x1b/file", `/dir${E}nwith${E}rspecial${E}${E}/file`],
    ["\n\n", `${E}n${E}n`],
    ["é/日本/😀", "é/日本/😀"],
  ])("%j ⇄ %j", (raw, wire) => {
    expect(escapePath(raw)).toBe(wire);
    expect(unescapePath(wire)).toBe(raw);
  });

  it.each([
    [`a${E}xb`, `a${E}xb`],
    [`trailing${E}`, `trailing${E}`],
    [E, E],
    [`${E}${E}${E}`, `${E}${E}`],
    [`${E}N${E}n`, `${E}N\n`],
    [`${E}\\n`, `${E}\\n`],
  ])("decoding keeps unknown pairs and a lone trailing ESC: %j → %j", (wire, raw) => {
    expect(unescapePath(wire)).toBe(raw);
  });

  it("round-trips any string, and the escaped form has no CR or LF", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom("a", "\n", "\r", E, "n", "r", "é") }), fc.string({ unit: "grapheme" }), (a, b) => {
        for (const raw of [a, b, a + b]) {
          const wire = escapePath(raw);
          expect(wire).not.toMatch(/[\r\n]/);
          expect(unescapePath(wire)).toBe(raw);
        }
      }),
    );
  });
});
