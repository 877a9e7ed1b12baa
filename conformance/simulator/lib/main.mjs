// Entry logic: record the invocation, parse argv like ascp, load the scenario, run the session.
import { parseArgs, salvageMgmt, UsageError } from "./args.mjs";
import { loadScenario, ScenarioError } from "./scenario.mjs";
import { Recorder, sha256 } from "./record.mjs";
import { Session, connectMgmt } from "./session.mjs";
import { encodeFrame } from "./frames.mjs";
import { randomUUID } from "node:crypto";

const VERSION_TEXT = "ascp (asession simulator) version 4.4.5.0 — not IBM ascp";

// Reports a failure found after the command line parsed but before a session exists (no host, no
// source, bad scenario): stderr, then ERROR on -M if possible. ascp 3.9 reports "no remote host" as
// Code 8 (USAGE); its frames for it were not captured.
async function earlyError(argv, recorder, code, message) {
  process.stderr.write(`ascp: ${message}\n`);
  const { target, userStr } = salvageMgmt(argv);
  if (target) {
    try {
      const socket = await connectMgmt(target);
      const frame = encodeFrame("ERROR", { Loss: 0, Code: code, Description: message, SessionId: randomUUID(), UserStr: userStr });
      await new Promise((r) => socket.end(frame, r));
      recorder.write({ kind: "frame_sent", type: "ERROR" });
    } catch {
      // no manager listening: stderr is all we can do
    }
  }
  recorder.write({ kind: "exit", code: 1 });
  recorder.close();
  process.exit(1);
}

function sourcesFrom(opts, positionals, recorder) {
  if (opts.fileList && opts.filePairList) throw new UsageError("--file-list and --file-pair-list exclude each other");
  const hasList = opts.fileList || opts.filePairList;
  if (positionals.length === 0) throw new UsageError("missing destination argument");
  const destRaw = positionals[positionals.length - 1];
  const extra = positionals.slice(0, -1);
  let destination = destRaw;
  if (opts.dest64) {
    if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(destRaw)) throw new UsageError(`--dest64: destination '${destRaw}' is not base64`);
    destination = Buffer.from(destRaw, "base64").toString("utf8");
    if (destination === "") throw new UsageError("--dest64: destination decodes to an empty path");
  }
  const sources = [];
  const read = (option, file) => {
    try {
      return recorder.fileList(option, file);
    } catch (e) {
      throw new UsageError(`cannot read ${option} ${file}: ${e.code ?? e.message}`);
    }
  };
  if (opts.fileList) {
    for (const line of read("--file-list", opts.fileList)) if (line !== "") sources.push({ source: line });
  }
  if (opts.filePairList) {
    const lines = read("--file-pair-list", opts.filePairList);
    if (lines.length % 2 !== 0) throw new UsageError(`--file-pair-list ${opts.filePairList}: odd number of lines (${lines.length})`);
    for (let i = 0; i < lines.length; i += 2) {
      if (lines[i] === "" || lines[i + 1] === "") throw new UsageError(`--file-pair-list: empty path on line ${lines[i] === "" ? i + 1 : i + 2}`);
      sources.push({ source: lines[i], destination: lines[i + 1] });
    }
    if (extra.length) throw new UsageError("source arguments cannot be mixed with --file-pair-list");
  }
  for (const s of extra) sources.push({ source: s });
  if (opts.keepalive && sources.length) throw new UsageError("--keepalive takes no sources: they come as START commands");
  if (!opts.keepalive && sources.length === 0) throw new UsageError(hasList ? "the file list is empty" : "no source given");
  return { sources, destination };
}

export async function main(argv, env) {
  const recorder = new Recorder(env.ASCP_SIM_RECORD);
  recorder.start(argv);
  recorder.env(argv, env);
  let opts;
  let positionals;
  // Read before the command line, which its unknown_options change; its errors are reported where they always were.
  let scenario;
  let scenarioError;
  try {
    scenario = loadScenario(env.ASCP_SIM_SCENARIO);
  } catch (e) {
    if (!(e instanceof ScenarioError)) throw e;
    scenarioError = e;
  }
  try {
    ({ opts, positionals } = parseArgs(argv, { unknown: scenario?.unknown_options }));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    // Like ascp 3.9 (real-usage-error): a bad command line is reported on stderr before -M is
    // dialled; no frame at all, exit 1.
    process.stderr.write(`${e.stderr}\n`);
    recorder.write({ kind: "usage_error", message: e.message });
    recorder.write({ kind: "exit", code: 1 });
    recorder.close();
    process.exit(1);
  }
  try {
    if (opts.version) {
      process.stdout.write(`${VERSION_TEXT}\n`);
      recorder.write({ kind: "exit", code: 0 });
      recorder.close();
      process.exit(0);
    }
    if (!opts.mode || !opts.host) throw new UsageError("this simulator needs --mode and --host (the [[user@]host:]path form is not supported)");
    if (/[/\\]|^\.\.?$/.test(opts.host)) throw new UsageError(`--host '${opts.host}' is not a host name`);
    if (opts.cluster && opts.keepalive && opts.cluster.count > 1) throw new UsageError("-C cannot be combined with --keepalive");
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    return earlyError(argv, recorder, 8, e.message);
  }
  let plan;
  if (scenarioError) return earlyError(argv, recorder, 11, `simulator scenario: ${scenarioError.message}`);
  try {
    plan = sourcesFrom(opts, positionals, recorder);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    return earlyError(argv, recorder, 8, e.message);
  }
  opts.user ??= env.USER || "root";
  // -W puts a token on argv; the record keeps only its hash, like the secrets from the environment.
  const shown = opts.token === undefined ? opts : { ...opts, token: sha256(opts.token) };
  recorder.write({ kind: "parsed", options: shown, sources: plan.sources, destination: plan.destination, scenario: scenario.text ? JSON.parse(scenario.text) : null });
  const session = new Session({ opts, sources: plan.sources, destination: plan.destination, scenario, recorder, env });
  await session.run(opts.mgmt);
}
