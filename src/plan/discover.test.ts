import { afterEach, beforeEach, describe, expect, it } from "vitest";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ascpCandidates, AscpNotFoundError, findAscp } from "./discover.js";

describe("ascpCandidates", () => {
  it.each([
    [
      "linux",
      {},
      { PATH: "/usr/local/bin::/usr/bin" },
      "linux",
      "/home/u",
      [
        "/usr/local/bin/ascp",
        "/usr/bin/ascp",
        "/home/u/.aspera/sdk/ascp",
        "/home/u/.aspera/ascli/sdk/ascp",
        "/home/u/.aspera/connect/bin/ascp",
        "/home/u/.aspera/cli/bin/ascp",
        "/opt/aspera/bin/ascp",
      ],
    ],
    [
      "linux with sdk, duplicates removed",
      { sdk: "/opt/sdk" },
      { PATH: "/opt/sdk:/opt/aspera/bin" },
      "linux",
      "/home/u",
      ["/opt/sdk/ascp", "/opt/aspera/bin/ascp", "/home/u/.aspera/sdk/ascp", "/home/u/.aspera/ascli/sdk/ascp", "/home/u/.aspera/connect/bin/ascp", "/home/u/.aspera/cli/bin/ascp"],
    ],
    ["explicit ascp_path only", { ascpPath: "/x/ascp", sdk: "/opt/sdk" }, { PATH: "/usr/bin" }, "linux", "/home/u", ["/x/ascp"]],
    [
      "darwin",
      {},
      {},
      "darwin",
      "/Users/u",
      [
        "/Users/u/.aspera/sdk/ascp",
        "/Users/u/.aspera/ascli/sdk/ascp",
        "/Applications/IBM Aspera.app/Contents/Resources/transferd/bin/ascp",
        "/Users/u/Applications/Aspera Connect.app/Contents/Resources/ascp",
        "/Users/u/Applications/IBM Aspera Connect.app/Contents/Resources/ascp",
        "/Applications/Aspera Connect.app/Contents/Resources/ascp",
        "/Applications/IBM Aspera Connect.app/Contents/Resources/ascp",
        "/Users/u/Applications/Aspera CLI/bin/ascp",
        "/Library/Aspera/bin/ascp",
        "/Applications/Aspera Drive.app/Contents/Resources/ascp",
      ],
    ],
    [
      "win32",
      { sdk: "D:\\sdk" },
      { Path: "C:\\bin;;C:\\tools", LocalAppData: "C:\\Users\\u\\AppData\\Local" },
      "win32",
      "C:\\Users\\u",
      [
        "D:\\sdk\\ascp.exe",
        "C:\\bin\\ascp.exe",
        "C:\\tools\\ascp.exe",
        "C:\\Users\\u\\.aspera\\sdk\\ascp.exe",
        "C:\\Users\\u\\.aspera\\ascli\\sdk\\ascp.exe",
        "C:\\Users\\u\\AppData\\Local\\Programs\\Aspera\\Aspera Connect\\bin\\ascp.exe",
        "C:\\Program Files\\Aspera\\cli\\bin\\ascp.exe",
        "C:\\Program Files\\Aspera\\Enterprise Server\\bin\\ascp.exe",
      ],
    ],
  ] as const)("%s", (_name, search, env, platform, home, expected) => {
    expect(ascpCandidates(search, env, platform, home)).toEqual(expected);
  });
});

describe("findAscp", () => {
  let dir: string;
  const make = (rel: string, mode: number) => {
    const file = path.join(dir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, "#!/bin/sh\n", { mode });
    return file;
  };
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "asession-discover-test-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("takes the first executable regular file, skipping folders and non-executables", async () => {
    fs.mkdirSync(path.join(dir, "a", "ascp"), { recursive: true });
    make("b/ascp", 0o644);
    const good = make("c/ascp", 0o755);
    make("home/.aspera/sdk/ascp", 0o755);
    const env = { PATH: ["a", "b", "c"].map((d) => path.join(dir, d)).join(":") };
    expect(await findAscp({}, env, "linux", path.join(dir, "home"))).toBe(good);
  });

  it("prefers the sdk folder over PATH", async () => {
    const sdk = make("sdk/ascp", 0o755);
    make("bin/ascp", 0o755);
    expect(await findAscp({ sdk: path.join(dir, "sdk") }, { PATH: path.join(dir, "bin") }, "linux", dir)).toBe(sdk);
  });

  it("returns an explicit ascp_path that exists", async () => {
    const mine = make("mine/ascp-3.9", 0o755);
    expect(await findAscp({ ascpPath: mine }, {}, "linux", dir)).toBe(mine);
  });

  it("fails right away on a missing explicit ascp_path, even when another ascp exists", async () => {
    make("bin/ascp", 0o755);
    const missing = path.join(dir, "nope", "ascp");
    const err = await findAscp({ ascpPath: missing }, { PATH: path.join(dir, "bin") }, "linux", dir).catch((e) => e);
    expect(err).toBeInstanceOf(AscpNotFoundError);
    expect(err.message).toBe(`agent.ascp_path ${missing} does not exist`);
  });

  it("fails on an explicit ascp_path that is a folder", async () => {
    await expect(findAscp({ ascpPath: dir }, {}, "linux", dir)).rejects.toThrow(/is not a regular file/);
  });

  it.skipIf(fs.existsSync("/opt/aspera/bin/ascp"))("lists every place tried, one per line", async () => {
    const env = { PATH: path.join(dir, "bin") };
    const err: AscpNotFoundError = await findAscp({ sdk: path.join(dir, "sdk") }, env, "linux", dir).catch((e) => e);
    expect(err).toBeInstanceOf(AscpNotFoundError);
    expect(err.tried).toEqual(ascpCandidates({ sdk: path.join(dir, "sdk") }, env, "linux", dir));
    expect(err.message.split("\n").slice(1)).toEqual(err.tried.map((t) => `  ${t}`));
  });
});
