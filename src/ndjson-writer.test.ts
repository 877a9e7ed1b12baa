import { describe, expect, it } from "vitest";
import { PassThrough } from "node:stream";
import { NdjsonWriter } from "./ndjson-writer.js";
import { Redactor } from "./redact.js";

async function written(events: object[], secrets: string[]): Promise<string> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on("data", (b: Buffer) => chunks.push(b));
  const redactor = new Redactor();
  const writer = new NdjsonWriter(out, redactor);
  // The writer exists before the spec is parsed; secrets learnt later apply to everything written after.
  for (const s of secrets) redactor.add(s);
  for (const e of events) writer.write(e);
  await writer.close();
  return Buffer.concat(chunks).toString("utf8");
}

describe("NdjsonWriter with a Redactor: the one point every stdout line passes", () => {
  it("masks secrets in any field of any event, lines stay JSON, other lines are untouched", async () => {
    const secret = 'tok"en\n-\u00e9-9876';
    const text = await written(
      [
        { type: "WARNING", code: "x", message: `echo ${secret}` },
        { type: "STATS", file: "/a" },
        { type: "RESULT", status: "failed", error: { message: `spawn failed: '${secret.replace("\n", "\\n")}'` }, sessions: [{ stderr_tail: `ascp: ${secret}\n` }] },
      ],
      [secret],
    );
    const lines = text.trimEnd().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[1]).toBe('{"type":"STATS","file":"/a"}');
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    expect(text).not.toContain(JSON.stringify(secret).slice(1, -1));
    expect(text).not.toContain("9876");
    expect(JSON.parse(lines[2]!)).toMatchObject({ type: "RESULT", status: "failed", sessions: [{ stderr_tail: "ascp: ***\n" }] });
  });
});
