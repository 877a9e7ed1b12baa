// The one-file engine (dist/cli.js from scripts/bundle.mjs; `npm run build` first) copied alone into an empty
// folder: it needs no node_modules and no file of schema/, and names its version in its header for the bindings;
// it keeps V8's compiled code for the next start in the user's cache folder.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { version } = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { version: string };
let dir: string;
let engine: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "asession-one-file-"));
  engine = path.join(dir, "asession.mjs");
  fs.copyFileSync(path.join(root, "dist/cli.js"), engine);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const run = (args: string[], input = "", env: NodeJS.ProcessEnv = process.env) =>
  spawnSync(process.execPath, [engine, ...args], { cwd: dir, input, encoding: "utf8", env });

describe("the one-file engine, alone in an empty folder", () => {
  it("names its version in its second line, as the bindings read it, and answers --version with it", () => {
    const lines = fs.readFileSync(engine, "utf8").split("\n", 3);
    expect(lines[0]).toBe("#!/usr/bin/env node");
    expect(lines[1]).toMatch(new RegExp(`^// asession engine ${version.replace(/\./g, "\\.")}: `));
    const r = run(["--version"]);
    expect([r.status, r.stdout]).toEqual([0, `asession ${version}\n`]);
  });

  it("imports nothing but Node's built-in modules", () => {
    const text = fs.readFileSync(engine, "utf8");
    // import/export from, import(), process.getBuiltinModule() (src/boot.ts), and the require() calls of the engine
    // proper, the text of one function inside, a string literal (not the text of one that ajv keeps, quoted, for its
    // own code generation).
    const specifiers = [
      ...text.matchAll(/(?<![.\w$])(?:from|import)\s*\(?\s*"([^"]+)"/g),
      ...text.matchAll(/getBuiltinModule\("([^"]+)"\)/g),
      ...text.matchAll(/(?<![.\w$'\\])require\(\\?"([^"\\]+)\\?"\)/g),
    ].map((m) => m[1]);
    expect(specifiers).toEqual(expect.arrayContaining(["node:vm", "node:net", "node:child_process"]));
    expect(specifiers.filter((s) => !s!.startsWith("node:"))).toEqual([]);
  });

  it("validates and plans from the schema data it carries (--dry-run)", () => {
    const spec = { spec: { direction: "send", remote_host: "h", remote_password: "pw-z9", paths: [{ source: "a" }], target_rate_kbps: 700 }, agent: { ascp_path: path.join(root, "conformance/simulator/ascp") } };
    const r = run(["--dry-run"], JSON.stringify(spec));
    expect(r.status).toBe(0);
    const plan = JSON.parse(r.stdout) as { type: string; sessions: { argv: string[] }[] };
    expect(plan.type).toBe("DRY_RUN");
    expect(plan.sessions[0]!.argv).toEqual(expect.arrayContaining(["--mode", "send", "-l", "700"]));
    expect(r.stdout).not.toContain("pw-z9");
    const bad = run([], JSON.stringify({ spec: { direction: "upload", remote_host: "h" } }));
    expect(bad.status).toBe(2);
    expect(bad.stdout).toContain("spec.direction must be one of: send, receive");
  });

  describe("V8's compiled code, cached in the user's cache folder (src/boot.ts)", () => {
    const simulator = path.join(root, "conformance/simulator/ascp");
    let cacheHome: string;
    let remote: string;
    let source: string;
    beforeAll(() => {
      source = path.join(dir, "a.bin");
      fs.writeFileSync(source, "x".repeat(100));
    });
    const env = (extra: NodeJS.ProcessEnv = {}) => ({ ...process.env, XDG_CACHE_HOME: cacheHome, ASCP_SIM_REMOTE_ROOT: remote, ...extra });
    const session = () => JSON.stringify({ spec: { direction: "send", remote_host: "h", destination_root: "/up", create_dir: true, paths: [{ source }] }, agent: { ascp_path: simulator } });
    const caches = () => (fs.existsSync(path.join(cacheHome, "asession")) ? fs.readdirSync(path.join(cacheHome, "asession")).filter((f) => f.endsWith(".cache")) : []);
    const succeeds = (extra: NodeJS.ProcessEnv = {}) => {
      const r = run([], session(), env(extra));
      const result = JSON.parse(r.stdout.trim().split("\n").at(-1)!) as { type: string; status?: string };
      expect(result, r.stdout + r.stderr).toMatchObject({ type: "RESULT", status: "success" });
      expect(r.status).toBe(0);
    };
    beforeEach(() => {
      cacheHome = fs.mkdtempSync(path.join(dir, "cache-"));
      remote = fs.mkdtempSync(path.join(dir, "remote-"));
    });

    it("is written after a session, private to the user, and used as is by the next start", () => {
      run(["--version"], "", env());
      expect(caches()).toEqual([]); // --version compiles too little to be worth keeping
      succeeds();
      const [name] = caches();
      expect(name).toMatch(/^engine-[0-9a-f]{16}-v8-.+\.cache$/);
      const file = path.join(cacheHome, "asession", name!);
      const st = fs.statSync(file);
      expect(st.mode & 0o777).toBe(0o600);
      expect(fs.statSync(path.dirname(file)).mode & 0o077).toBe(0);
      succeeds();
      expect(fs.statSync(file).mtimeMs).toBe(st.mtimeMs);
      expect(fs.statSync(file).ino).toBe(st.ino);
    });

    it("is rejected and rewritten when it is not V8's, and the session still runs", () => {
      succeeds();
      const file = path.join(cacheHome, "asession", caches()[0]!);
      fs.writeFileSync(file, "not a code cache");
      succeeds();
      expect(fs.readFileSync(file).length).toBeGreaterThan(1000);
    });

    it("is neither read nor written in a folder others may write to", () => {
      succeeds();
      const folder = path.join(cacheHome, "asession");
      const file = path.join(folder, caches()[0]!);
      fs.writeFileSync(file, "planted");
      fs.chmodSync(folder, 0o777);
      succeeds();
      expect(fs.readFileSync(file, "utf8")).toBe("planted");
    });

    it("is off with ASESSION_CODE_CACHE=0", () => {
      succeeds({ ASESSION_CODE_CACHE: "0" });
      expect(caches()).toEqual([]);
    });
  });
});
