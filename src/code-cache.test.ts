import { describe, expect, it } from "vitest";
import { trusted, userCacheDir } from "./code-cache.js";

describe("userCacheDir (as Go's os.UserCacheDir)", () => {
  it.each([
    ["linux", { XDG_CACHE_HOME: "/x/cache" }, "/home/u", "/x/cache"],
    ["linux", { XDG_CACHE_HOME: "relative/cache" }, "/home/u", "/home/u/.cache"],
    ["linux", {}, "/home/u", "/home/u/.cache"],
    ["linux", {}, "", null],
    ["freebsd", {}, "/home/u", "/home/u/.cache"],
    ["darwin", { XDG_CACHE_HOME: "/x" }, "/Users/u", "/Users/u/Library/Caches"],
    ["win32", { LocalAppData: "C:\\Users\\u\\AppData\\Local" }, "C:\\Users\\u", "C:\\Users\\u\\AppData\\Local"],
    ["win32", {}, "C:\\Users\\u", null],
  ] as const)("%s %j home %s → %s", (platform, env, home, want) => {
    expect(userCacheDir(env, platform, home)).toBe(want);
  });
});

describe("trusted: a cache is code, used only when only its user can write it", () => {
  it.each([
    [{ uid: 1000, mode: 0o40700 }, 1000, true],
    [{ uid: 1000, mode: 0o40755 }, 1000, true],
    [{ uid: 1000, mode: 0o100600 }, 1000, true],
    [{ uid: 1000, mode: 0o40775 }, 1000, false],
    [{ uid: 1000, mode: 0o40777 }, 1000, false],
    [{ uid: 1000, mode: 0o100622 }, 1000, false],
    [{ uid: 0, mode: 0o40700 }, 1000, false],
    [{ uid: 1000, mode: 0o40777 }, undefined, true],
  ] as const)("%j for uid %s → %s", (st, uid, want) => {
    expect(trusted(st, uid)).toBe(want);
  });
});
