import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { inspect } from "node:util";
import { MASK, Redactor, secretForms, secretValues } from "./redact.js";
import { Logger } from "./log.js";

/** Secrets as a hostile spec may hold them: quotes, backslashes, newlines, NUL, non-ASCII, short and long. */
const secretChars = fc.constantFrom("a", "Z", "7", '"', "'", "\\", "\n", "\r", "\0", "\t", "é", "ß", "日", "😀", " ", "*", "/", "{", "}", ":", ",");
const longSecret = fc.array(secretChars, { minLength: 4, maxLength: 40 }).map((a) => a.join(""));
const noise = fc.string({ maxLength: 30 });

function redactorOf(...secrets: string[]): Redactor {
  const r = new Redactor();
  for (const s of secrets) r.add(s);
  return r;
}

describe("secretValues", () => {
  it("takes the values of every key the schema annotates as secret, and only strings", () => {
    const spec = { remote_password: "pw-1", token: "Bearer tok", cookie: "c00kie", content_protection_password: "cpp", ssh_private_key: "-----BEGIN-----\nAAAA\n-----END-----", ssh_private_key_passphrase: "pass", remote_user: "bob", remote_host: "h" };
    expect(secretValues({ spec }).sort()).toEqual(["-----BEGIN-----\nAAAA\n-----END-----", "Bearer tok", "c00kie", "cpp", "pass", "pw-1"]);
    expect(secretValues({ spec: { remote_password: 42 } })).toEqual([]);
    expect(secretValues("not a spec")).toEqual([]);
    expect(secretValues({ spec: { __proto__: { remote_password: "inherited" } } })).toEqual([]);
  });

  it("a proxy URL's password, as written and decoded; none without a password", () => {
    expect(secretValues({ spec: { proxy: "dnat://u:p%40ss@proxy:9091" } })).toEqual(["p%40ss", "p@ss"]);
    expect(secretValues({ spec: { proxy: "dnat://proxy:9091" } })).toEqual([]);
  });
});

describe("secretForms", () => {
  it("as is, JSON-escaped, as util.inspect prints it (Node's error messages), and each line of a multi-line secret", () => {
    const s = 'ab"c\0d\nline-two';
    const forms = secretForms(s);
    expect(forms).toContain(s);
    expect(forms).toContain(JSON.stringify(s).slice(1, -1));
    expect(forms).toContain(inspect(s).slice(1, -1));
    expect(forms).toContain("line-two");
  });
});

describe("Redactor.text", () => {
  it("masks every spelling, longest first", () => {
    const r = redactorOf("s3cret!", "s3cret!-and-more");
    expect(r.text("a s3cret!-and-more b s3cret! c")).toBe(`a ${MASK} b ${MASK} c`);
    expect(r.text(`Received 'x\\x00y'`)).toBe(`Received 'x\\x00y'`);
    expect(redactorOf("x\0yz").text(`Received 'x\\x00yz'`)).toBe(`Received '${MASK}'`);
  });

  it("a short secret is masked where it stands as a token, not inside other words", () => {
    const r = redactorOf("ab");
    expect(r.text("password ab rejected")).toBe(`password ${MASK} rejected`);
    expect(r.text("tab cabin")).toBe("tab cabin");
  });

  it("property: no long secret survives in any text it was put into, in any spelling", () => {
    fc.assert(
      fc.property(longSecret, fc.array(fc.tuple(noise, fc.nat(3)), { maxLength: 4 }), noise, (secret, parts, tail) => {
        const r = redactorOf(secret);
        const forms = secretForms(secret).filter((f) => f.length >= 4);
        const text = parts.map(([n, k]) => n + forms[k % forms.length]).join("") + tail;
        const out = r.text(text);
        for (const f of forms) expect(out.includes(f)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it("property: text without the secret is unchanged", () => {
    fc.assert(
      fc.property(longSecret, noise, (secret, text) => {
        fc.pre(!secretForms(secret).some((f) => text.includes(f)));
        expect(redactorOf(secret).text(text)).toBe(text);
      }),
    );
  });
});

describe("Redactor.line", () => {
  it("masks string values of a serialized event and keeps it valid JSON; type and status stay", () => {
    const r = redactorOf("tok-123", "RESULT");
    const line = JSON.stringify({ type: "RESULT", status: "failed", error: { message: "bad token tok-123" }, sessions: [{ stderr_tail: "x tok-123\n" }] });
    expect(JSON.parse(r.line(line))).toEqual({ type: "RESULT", status: "failed", error: { message: `bad token ${MASK}` }, sessions: [{ stderr_tail: `x ${MASK}\n` }] });
  });

  it("a line without a secret comes back as the same string", () => {
    const line = JSON.stringify({ type: "STATS", file: "/a" });
    expect(redactorOf("zzzz").line(line)).toBe(line);
    expect(new Redactor().line(line)).toBe(line);
  });

  it("keeps a key named __proto__ a key", () => {
    const r = redactorOf("sec-ret");
    expect(r.line('{"type":"WARNING","__proto__":"sec-ret"}')).toBe(`{"type":"WARNING","__proto__":"${MASK}"}`);
  });

  it("property: an event holding the secret in any field, in any spelling, never shows it on the line", () => {
    fc.assert(
      fc.property(longSecret, noise, fc.nat(3), noise, (secret, before, k, after) => {
        const r = redactorOf(secret);
        const forms = secretForms(secret);
        const value = before + forms[k % forms.length] + after;
        const out = r.line(JSON.stringify({ type: "ERROR", description: value, nested: [{ text: value }] }));
        expect(() => JSON.parse(out)).not.toThrow();
        for (const f of forms.filter((x) => x.length >= 4)) {
          expect(out.includes(f)).toBe(false);
          expect(out.includes(JSON.stringify(f).slice(1, -1))).toBe(false);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe("Logger: a secret that ends in a line break", () => {
  it("is not spelled out by a message ending in its first line and the line break after it", () => {
    let out = "";
    const log = new Logger("debug", (text) => (out += text));
    log.addSecret("aaa\n");
    log.debug("session 0 stderr: ascp: aaa");
    log.debug("next");
    expect(out).not.toContain("aaa\n");
    expect(out.endsWith("asession debug: next\n")).toBe(true);
    expect(out.split("\n").filter(Boolean)).toHaveLength(2);
  });
});
