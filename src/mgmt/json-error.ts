// V8's JSON.parse messages do not always give a position ("Unexpected token '}', ... is not valid JSON")
// and echo the input, which may be 1 MiB. This scanner, run only after JSON.parse failed, finds where.

export interface JsonSyntaxError {
  /** UTF-16 offset of the first offending character (the text length at an unexpected end). */
  readonly position: number;
  readonly message: string;
}

const OBJECT = 0;
const ARRAY = 1;

/** The first syntax error of a JSON text (RFC 8259, as JSON.parse accepts it), or null when it is valid. */
export function findJsonSyntaxError(text: string): JsonSyntaxError | null {
  const n = text.length;
  const stack: number[] = [];
  let i = 0;

  const fail = (expected: string): JsonSyntaxError => ({
    position: i,
    message: i >= n ? `unexpected end of input, expected ${expected}` : `unexpected ${JSON.stringify(text[i])}, expected ${expected}`,
  });
  const skipSpace = (): void => {
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return;
    }
  };
  const digits = (): boolean => {
    const from = i;
    while (i < n && text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x39) i++;
    return i > from;
  };
  // Each scanner leaves i after the token, or at the offending character and returns the error.
  const string = (): JsonSyntaxError | null => {
    if (text[i] !== '"') return fail("a string in double quotes");
    for (i++; i < n; i++) {
      const c = text[i]!;
      if (c === '"') {
        i++;
        return null;
      }
      if (c.charCodeAt(0) < 0x20) return fail("a character (control characters must be escaped)");
      if (c !== "\\") continue;
      i++;
      const e = text[i];
      if (e === "u") {
        for (let k = 0; k < 4; k++) {
          i++;
          if (!/^[0-9a-fA-F]$/.test(text[i] ?? "")) return fail("a hexadecimal digit");
        }
      } else if (e === undefined || !'"\\/bfnrt'.includes(e)) return fail("an escape character");
    }
    return fail("'\"'");
  };
  const number = (): JsonSyntaxError | null => {
    if (text[i] === "-") i++;
    if (text[i] === "0") i++;
    else if (!digits()) return fail("a digit");
    if (text[i] === ".") {
      i++;
      if (!digits()) return fail("a digit");
    }
    if (text[i] === "e" || text[i] === "E") {
      i++;
      if (text[i] === "+" || text[i] === "-") i++;
      if (!digits()) return fail("a digit");
    }
    return null;
  };
  const key = (): JsonSyntaxError | null => {
    skipSpace();
    const err = string();
    if (err !== null) return err;
    skipSpace();
    if (text[i] !== ":") return fail("':'");
    i++;
    return null;
  };

  for (;;) {
    // A value is expected here.
    skipSpace();
    const c = text[i];
    let err: JsonSyntaxError | null = null;
    if (c === "{" || c === "[") {
      i++;
      skipSpace();
      if (text[i] !== (c === "{" ? "}" : "]")) {
        if (c === "{") {
          if (text[i] !== '"') return fail("a property name in double quotes or '}'");
          err = key();
          if (err !== null) return err;
        }
        stack.push(c === "{" ? OBJECT : ARRAY);
        continue;
      }
      i++;
    } else if (c === '"') err = string();
    else if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) err = number();
    else {
      const word = ["true", "false", "null"].find((w) => text.startsWith(w, i));
      if (word === undefined) return fail("a JSON value");
      i += word.length;
    }
    if (err !== null) return err;
    // After a value: separators and closing brackets.
    for (;;) {
      skipSpace();
      if (stack.length === 0) return i < n ? fail("end of input") : null;
      const top = stack[stack.length - 1];
      const s = text[i];
      if (s === ",") {
        i++;
        if (top === OBJECT) {
          err = key();
          if (err !== null) return err;
        }
        break;
      }
      if (s === (top === OBJECT ? "}" : "]")) {
        i++;
        stack.pop();
        continue;
      }
      return fail(top === OBJECT ? "',' or '}'" : "',' or ']'");
    }
  }
}
