import { describe, expect, it } from "vitest";
import { ASCP_ERRORS, ascpError, isRetryable } from "./errors.js";

describe("ascp error table", () => {
  it("covers codes 0..69 in order", () => {
    expect(ASCP_ERRORS).toHaveLength(70);
    ASCP_ERRORS.forEach((row, i) => expect(row.code).toBe(i));
  });

  it("marks exactly the retryable set of newest aspera-cli (docs/protocol.md §8)", () => {
    const retryable = ASCP_ERRORS.filter((r) => r.retryable).map((r) => r.code);
    expect(retryable).toEqual([12, 13, 14, 15, 16, 17, 18, 23, 32, 33, 35, 36, 37, 39, 40, 44, 45, 47, 61, 69]);
  });

  it.each([
    [5, "NO_PERMS", false],
    [16, "CONNECTION_LOST", true],
    [19, "AUTH", false],
    [28, "USER_CANCEL", false],
    [41, "BAD_PATH", false],
    [47, "CONNECTION_ERROR_HTTP", true],
    [64, "CANNOT_RENAME_PARTIAL", false],
    [69, "MAX_ASCP", true],
  ])("code %i is %s (retryable %s)", (code, name, retryable) => {
    expect(ascpError(code)).toMatchObject({ code, name, retryable });
    expect(isRetryable(code)).toBe(retryable);
  });

  it.each([70, -1, 1.5, Number.NaN])("unknown code %s: no row, not retryable", (code) => {
    expect(ascpError(code)).toBeUndefined();
    expect(isRetryable(code)).toBe(false);
  });
});
