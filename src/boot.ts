// The first code of the one-file engine (scripts/bundle.mjs): it runs the engine, which the bundle carries as the
// source text of one function (ENGINE_SOURCE: src/cli.ts and everything it imports), with V8's compiled code of an
// earlier run when there is a trustworthy one.
//
// Why: compiling ~300 KB of JavaScript, and then each function a session calls, is the largest part of the engine's
// start-up that is ours (README, Performance: start → SPAWN). Node 20 has no module.enableCompileCache (22.1+), so
// this uses vm.Script's cachedData, kept in the user's cache folder beside the bindings' copy of the engine:
//   <user cache>/asession/engine-<ENGINE_HASH>-v8-<V8 version>-<arch>.cache
// The contract:
// - A cache is code: it is read only from a folder and a file owned by this user that no one else may write.
// - V8 checks that a cache fits this source and this V8 and rejects it otherwise; the engine then compiles from source.
// - A missing or rejected cache is written when a session ran (then the functions a session needs are compiled), at
//   exit, through a temporary file renamed into place (engines that start together may each write it; one wins).
// - ASESSION_CODE_CACHE=0 turns it off; any failure to read or write it is silent: the engine runs as without one.
import { trusted, userCacheDir } from "./code-cache.js";
import type { MainHooks } from "./main.js";

// Built-in modules through process.getBuiltinModule, not `import`: an import makes an ES module facade of each
// (every export copied), a few ms of every start for modules the engine itself reaches through require().
const fs = process.getBuiltinModule("node:fs");
const { createRequire } = process.getBuiltinModule("node:module");
const os = process.getBuiltinModule("node:os");
const path = process.getBuiltinModule("node:path");
const { fileURLToPath } = process.getBuiltinModule("node:url");
const vm = process.getBuiltinModule("node:vm");
const uid = process.getuid?.();

declare const ENGINE_SOURCE: string;
declare const ENGINE_HASH: string;

function cacheFile(): string | null {
  if (process.env.ASESSION_CODE_CACHE === "0") return null;
  const base = userCacheDir(process.env, process.platform, os.homedir());
  if (!base) return null;
  return path.join(base, "asession", `engine-${ENGINE_HASH}-v8-${process.versions.v8}-${process.arch}.cache`);
}

function readCache(file: string): Buffer | undefined {
  let fd: number | undefined;
  try {
    if (!trusted(fs.lstatSync(path.dirname(file)), uid)) return undefined;
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0));
    const st = fs.fstatSync(fd);
    if (!st.isFile() || !trusted(st, uid)) return undefined;
    return fs.readFileSync(fd);
  } catch {
    return undefined; // none yet, or unreadable: compile from source
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

function writeCache(file: string, data: Buffer): void {
  const dir = path.dirname(file);
  const temp = `${file}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!trusted(fs.lstatSync(dir), uid)) return;
    fs.writeFileSync(temp, data, { mode: 0o600, flag: "wx" });
    fs.renameSync(temp, file);
  } catch {
    try {
      fs.rmSync(temp, { force: true });
    } catch {
      // Nothing more to do: the next start compiles from source again.
    }
  }
}

const file = cacheFile();
const cachedData = file ? readCache(file) : undefined;
const self = fileURLToPath(import.meta.url);
// "use strict": the bundled modules are ES modules, strict by definition.
const script = new vm.Script(`"use strict";(function (require, __asessionBoot) {${ENGINE_SOURCE}\n})`, { filename: self, cachedData });
let armed = false;
const boot: MainHooks = {
  sessionStarted() {
    if (armed || !file || (cachedData && !script.cachedDataRejected)) return;
    armed = true;
    process.once("exit", () => writeCache(file, script.createCachedData()));
  },
};
(script.runInThisContext() as (require: NodeRequire, boot: MainHooks) => void)(createRequire(import.meta.url), boot);
