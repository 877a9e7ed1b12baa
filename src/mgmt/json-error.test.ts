import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findJsonSyntaxError } from "./json-error.js";

const accepts = (text: string): boolean => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

describe("findJsonSyntaxError", () => {
  it.each<[string, number, string]>([
    ['{"a":}', 5, `unexpected "}", expected a JSON value`],
    ['{"a":1', 6, "unexpected end of input, expected ',' or '}'"],
    ["{a:1}", 1, "unexpected \"a\", expected a property name in double quotes or '}'"],
    ["[1,]", 3, 'unexpected "]", expected a JSON value'],
    ['{"a":1}x', 7, 'unexpected "x", expected end of input'],
    ['"ab', 3, "unexpected end of input, expected '\"'"],
    ["tru", 0, "unexpected \"t\", expected a JSON value"],
    ["", 0, "unexpected end of input, expected a JSON value"],
    ['{"a" 1}', 5, "unexpected \"1\", expected ':'"],
    ['{"a":1,}', 7, 'unexpected "}", expected a string in double quotes'],
    ['["\\x"]', 3, 'unexpected "x", expected an escape character'],
    ['["\\u12g4"]', 6, 'unexpected "g", expected a hexadecimal digit'],
    ['["a\tb"]', 3, 'unexpected "\\t", expected a character (control characters must be escaped)'],
    ["01", 1, 'unexpected "1", expected end of input'],
    ["-", 1, "unexpected end of input, expected a digit"],
    ["1.", 2, "unexpected end of input, expected a digit"],
    ["1e+", 3, "unexpected end of input, expected a digit"],
    ["[1 2]", 3, "unexpected \"2\", expected ',' or ']'"],
  ])("%j: position %i", (text, position, message) => {
    expect(accepts(text)).toBe(false);
    expect(findJsonSyntaxError(text)).toEqual({ position, message });
  });

  it.each(['{"type":"START","source":"a"}', " [1, -2.5e3, true, false, null, {}, []] \r\n", '"\\u00e9\\n"', "0", '{"a":{"b":[{}]}}'])(
    "%j is valid",
    (text) => {
      expect(findJsonSyntaxError(text)).toBeNull();
    },
  );

  it("agrees with JSON.parse on any JSON value and on near-JSON noise", () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        expect(findJsonSyntaxError(text)).toBeNull();
      }),
    );
    const noise = fc
      .tuple(fc.json(), fc.array(fc.tuple(fc.nat(), fc.constantFrom("", "{", "}", "[", "]", ",", ":", '"', "\\", "-", "0", "e", ".", " ", "x", "\t", "\u2028"))))
      .map(([text, edits]) => edits.reduce((t, [at, s]) => t.slice(0, at % (t.length + 1)) + s + t.slice((at % (t.length + 1)) + (s === "" ? 1 : 0)), text));
    fc.assert(
      fc.property(noise, (text) => {
        expect(findJsonSyntaxError(text) === null).toBe(accepts(text));
      }),
      { numRuns: 2000 },
    );
  });
});
