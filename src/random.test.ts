import { describe, expect, it } from "vitest";
import { randomBytes, randomUUID } from "./random.js";

describe("random", () => {
  it("gives the bytes asked for, different each time", () => {
    const a = randomBytes(12);
    const b = randomBytes(12);
    expect(a.length).toBe(12);
    expect(a.equals(b)).toBe(false);
    expect(randomBytes(0).length).toBe(0);
  });

  it("makes version 4, variant 10 UUIDs", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const u = randomUUID();
      expect(u).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      seen.add(u);
    }
    expect(seen.size).toBe(200);
  });
});
