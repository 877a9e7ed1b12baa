import { afterEach, beforeEach, describe, expect, it } from "vitest";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { collectStale, pidAlive, privateFolder, writeFileList } from "./file-list.js";

const posix = process.platform !== "win32";
let base: string;
const mode = (p: string) => fs.statSync(p).mode & 0o777;

beforeEach(() => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), "asession-fl-test-"));
});
afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

describe("writeFileList", () => {
  it("writes UTF-8 lines with a trailing newline in private folders", async () => {
    const list = writeFileList(["a b", "ünï/c", "'quote'"], base);
    expect(fs.readFileSync(list.path, "utf8")).toBe("a b\nünï/c\n'quote'\n");
    expect(path.basename(list.folder)).toMatch(new RegExp(`^${process.pid}-`));
    expect(path.dirname(list.folder)).toBe(privateFolder(base));
    if (posix) {
      expect(mode(list.path)).toBe(0o600);
      expect(mode(list.folder)).toBe(0o700);
      expect(mode(path.dirname(list.folder))).toBe(0o700);
    }
    await list.remove();
    expect(fs.existsSync(list.folder)).toBe(false);
    await list.remove();
    list.removeSync();
  });

  it("writes every byte of lists larger than its buffer, and of a line longer than it", async () => {
    const lines = Array.from({ length: 60_000 }, (_, i) => `d${i % 7}/😀 ünï ${i}`);
    lines.splice(30_000, 0, "x".repeat(3 << 20), "日".repeat(400_000));
    const list = writeFileList(lines, base);
    expect(fs.readFileSync(list.path).equals(Buffer.from(`${lines.join("\n")}\n`))).toBe(true);
    await list.remove();
  });

  it("gives each list its own folder", async () => {
    const [a, b] = await Promise.all([writeFileList(["x"], base), writeFileList(["y"], base)]);
    expect(a.folder).not.toBe(b.folder);
    b.removeSync();
    expect(fs.existsSync(b.folder)).toBe(false);
    expect(fs.readFileSync(a.path, "utf8")).toBe("x\n");
  });

  it.runIf(posix)("refuses a shared folder that is not 0700", async () => {
    const dir = privateFolder(base);
    fs.chmodSync(dir, 0o755);
    expect(() => writeFileList(["x"], base)).toThrow(/mode 755, not 700/);
  });

  it.runIf(posix)("refuses a symbolic link in place of the shared folder", async () => {
    const elsewhere = fs.mkdtempSync(path.join(base, "elsewhere-"));
    fs.chmodSync(elsewhere, 0o700);
    fs.symlinkSync(elsewhere, path.join(base, `asession-${process.getuid!()}`));
    expect(() => writeFileList(["x"], base)).toThrow(/not a folder/);
  });
});

describe("collectStale", () => {
  it("removes folders of dead processes only", async () => {
    const dir = privateFolder(base);
    const mine = writeFileList(["x"], base);
    for (const name of ["111-aaa", "222-bbb", "not-a-pid"]) fs.mkdirSync(path.join(dir, name));
    fs.writeFileSync(path.join(dir, "333-file"), "");
    const removed = await collectStale(dir, (pid) => pid === 222);
    expect(removed).toEqual([path.join(dir, "111-aaa")]);
    expect(fs.readdirSync(dir).sort()).toEqual(["222-bbb", "333-file", path.basename(mine.folder), "not-a-pid"].sort());
  });

  it("knows live and dead pids", () => {
    expect(pidAlive(process.pid)).toBe(true);
    expect(pidAlive(2 ** 22 + 12345)).toBe(false);
  });
});
