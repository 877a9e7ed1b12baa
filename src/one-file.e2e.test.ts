// The one-file engine (dist/cli.js from scripts/bundle.mjs; `npm run build` first) copied alone into an empty
// folder: it needs no node_modules and no file of schema/, and names its version in its header for the bindings.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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

const run = (args: string[], input = "") => spawnSync(process.execPath, [engine, ...args], { cwd: dir, input, encoding: "utf8" });

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
    const specifiers = [...text.matchAll(/(?<![.\w$])(?:from|import)\s*\(?\s*"([^"]+)"/g)].map((m) => m[1]);
    expect(specifiers.length).toBeGreaterThan(0);
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
});
