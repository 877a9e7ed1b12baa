#!/usr/bin/env node
// Real-ascp tier of the conformance suite.
//
// Runs only when ASCP_PATH names an ascp executable; otherwise prints
//   0 passed, 0 failed (skipped: ASCP_PATH not set)
// and exits 0. Node built-ins only.
//
//   ASCP_PATH=/path/to/ascp node conformance/real/run.mjs [--save-transcripts DIR] [--only ID[,ID]] [-v]
//   ASCP_PATH=$(node conformance/real/install.mjs) node conformance/real/run.mjs
//
// Optional, for the scenarios that need an SSH server (see sshd-setup.sh):
//   ASCP_SSH_PORT, ASCP_SSH_USER, ASCP_SSH_PASS   (host is always 127.0.0.1)
// Optional, for the engine scenarios:
//   ASESSION_CLI   path of the built engine (default: <repo>/dist/cli.js); skipped if absent.
//
// Every scenario talks to 127.0.0.1 only. What each check asserts is spelled out in
// its name; "info:" lines are observations that are printed but not counted.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { captureSession } from './lib/capture.mjs';
import { ERROR_CODES, isRetryable } from './lib/codes.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');

// ---------------------------------------------------------------- arguments
const argv = process.argv.slice(2);
const opt = (name) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : undefined; };
const verbose = argv.includes('-v') || argv.includes('--verbose');
const only = opt('--only') ? new Set(opt('--only').split(',')) : null;

const ASCP = process.env.ASCP_PATH;
if (!ASCP) {
  console.log('0 passed, 0 failed (skipped: ASCP_PATH not set)');
  process.exit(0);
}

let passed = 0, failed = 0, skipped = 0;
const check = (ok, name, detail) => {
  if (ok) { passed++; console.log(`ok    ${name}`); }
  else { failed++; console.log(`FAIL  ${name}${detail !== undefined ? `\n      ${String(detail).split('\n').join('\n      ')}` : ''}`); }
  return ok;
};
const skip = (name, why) => { skipped++; console.log(`skip  ${name} (${why})`); };
const info = (msg) => console.log(`info: ${msg}`);

try { fs.accessSync(ASCP, fs.constants.X_OK); } catch {
  check(false, `ASCP_PATH is an executable file`, ASCP);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(1);
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'asession-real-'));
const outDir = path.resolve(opt('--save-transcripts') || fs.mkdtempSync(path.join(os.tmpdir(), 'asession-real-transcripts-')));
fs.mkdirSync(outDir, { recursive: true });
const srcFile = path.join(work, 'src.txt');
fs.writeFileSync(srcFile, 'hello from the asession real-ascp tier\n');
// Make the work dir readable by an SSH test user (loopback scenario reads the source as root anyway).
fs.chmodSync(work, 0o755); fs.chmodSync(srcFile, 0o644);

let ascpVersion = 'unknown';

function save(id, r, extra = {}) {
  fs.writeFileSync(path.join(outDir, `real-${id}.txt`), r.raw);
  const meta = {
    scenario: id, ascp_version: ascpVersion, captured_at: new Date().toISOString(),
    argv: [path.basename(ASCP), ...r.args], exit: r.exit, timed_out: r.timedOut,
    connections: r.connections.length, bytes: r.raw.length, frames: r.frames.map((f) => f.get('Type')),
    stderr: r.stderr, stdout: r.stdout, ...extra,
  };
  fs.writeFileSync(path.join(outDir, `real-${id}.meta.json`), JSON.stringify(meta, null, 2) + '\n');
}

async function freePort() {
  const s = net.createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const p = s.address().port;
  await new Promise((r) => s.close(r));
  return p;
}
/** A TCP server that accepts and never says anything (an SSH server that stalls). */
async function silentServer() {
  const socks = [];
  const s = net.createServer((c) => { socks.push(c); c.on('error', () => {}); });
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  return { port: s.address().port, close: () => { socks.forEach((c) => c.destroy()); s.close(); } };
}
const b64 = (s) => Buffer.from(s, 'utf8').toString('base64');
const sendArgs = (port, user = 'asession-nobody') =>
  ['-M', '{MGMT}', '-q', '--mode=send', '--host=127.0.0.1', '-P', String(port), `--user=${user}`];
const types = (r) => r.frames.map((f) => f.get('Type'));
const last = (r) => r.frames[r.frames.length - 1];
const want = (id) => !only || only.has(id);

/** Framing checks every capture with frames must pass. */
function framing(id, r) {
  const text = r.raw.toString('latin1');
  check(r.connections.length === 1, `${id}: ascp made exactly one management connection`, `connections: ${r.connections.length}`);
  check(r.frames.length > 0 && text.endsWith('\n\n'), `${id}: byte stream is whole frames, each ending with an empty line`);
  check(!text.includes('\r'), `${id}: line terminator is LF only (no CR)`);
  check(r.frames.every((f) => f.header === 'FASPMGR 2'), `${id}: every frame starts with the header "FASPMGR 2"`,
    r.frames.map((f) => f.header).join(', '));
  check(r.frames.every((f) => f.fields.length > 0 && f.fields[0][0] === 'Type'), `${id}: Type is the first field of every frame`);
  const bad = [];
  for (const f of r.frames) for (const [n, v] of f.fields) if (v === null || !/^[A-Za-z][A-Za-z0-9]*$/.test(n)) bad.push(`${n}: ${v}`);
  const badSpace = text.split('\n').filter((l) => l && l !== 'FASPMGR 2' && !/^[A-Za-z0-9]+: /.test(l) && !/^[A-Za-z0-9]+:$/.test(l));
  check(bad.length === 0 && badSpace.length === 0, `${id}: every field line is "Name: value" (alphanumeric name, colon, one space)`,
    [...bad, ...badSpace].slice(0, 5).join('\n'));
  const sids = new Set(r.frames.map((f) => f.get('SessionId')));
  check(sids.size === 1 && !sids.has(undefined) && /^[0-9a-f-]{36}$/.test([...sids][0]),
    `${id}: every frame carries the same SessionId (a UUID)`, [...sids].join(', '));
  check(types(r)[0] === 'INIT', `${id}: first frame is INIT`, types(r).join(' → '));
}

/** The frame sequence ends with exactly one ERROR that has a known numeric Code and a Description. */
function endsWithError(id, r, expectCode) {
  const t = types(r);
  const e = last(r);
  check(t[t.length - 1] === 'ERROR' && t.filter((x) => x === 'ERROR' || x === 'DONE').length === 1,
    `${id}: the last frame is the only ERROR/DONE, and it is ERROR`, t.join(' → '));
  if (!e || e.get('Type') !== 'ERROR') return;
  const code = e.get('Code');
  check(/^\d+$/.test(code ?? '') && ERROR_CODES[Number(code)] !== undefined,
    `${id}: ERROR Code is a decimal integer listed in the reference table`, `Code: ${code}`);
  check((e.get('Description') ?? '') !== '', `${id}: ERROR has a non-empty Description`);
  if (expectCode !== undefined) {
    check(Number(code) === expectCode,
      `${id}: ERROR Code is ${expectCode} (${ERROR_CODES[expectCode]?.name})`, `got ${code} (${ERROR_CODES[Number(code)]?.name}): ${e.get('Description')}`);
  }
  info(`${id}: ERROR Code ${code} = ${ERROR_CODES[Number(code)]?.name} (${isRetryable(Number(code)) ? 'retryable' : 'not retryable'}), Description "${e.get('Description')}"`);
  check(r.exit.code !== 0 && r.exit.code !== null, `${id}: ascp exit status is non-zero after ERROR`, JSON.stringify(r.exit));
}

// ---------------------------------------------------------------- scenarios
const observed = {}; // scenario id -> ERROR code seen by direct capture (for the engine comparisons)

async function scVersion() {
  const r = spawnSync(ASCP, ['-A'], { encoding: 'utf8', timeout: 20000 });
  const out = `${r.stdout}${r.stderr}`;
  const m = /ascp version (\d+(?:\.\d+)+)/.exec(out);
  check(r.status === 0, '`ascp -A` exits 0', `status ${r.status}\n${out}`);
  check(!!m, '`ascp -A` prints "ascp version X.Y.Z"', out);
  if (m) ascpVersion = m[1];
  const lic = /License .*$/m.exec(out);
  info(`ascp ${ascpVersion}; ${lic ? lic[0] : 'no license line'}`);
  fs.writeFileSync(path.join(outDir, 'real-version.txt'), out);
}

async function scClosedPort() {
  const id = 'closed-port';
  const closed = await freePort();
  const r = await captureSession({ ascp: ASCP, args: [...sendArgs(closed), '-u', 'asession-real', srcFile, '/tmp/asession-real-dest'], timeoutMs: 60000 });
  save(id, r);
  framing(id, r);
  const init = r.frames[0];
  check(init && init.get('Direction') === 'Send' && init.get('Operation') === 'Transfer',
    `${id}: INIT has Direction Send and Operation Transfer`, init && init.fields.map((f) => f.join(': ')).join('\n'));
  check(init && init.get('UserStr') === 'asession-real', `${id}: -u value comes back as UserStr in INIT`);
  const sess = r.frames.find((f) => f.get('Type') === 'SESSION');
  check(!!sess, `${id}: a SESSION frame comes before the ERROR`, types(r).join(' → '));
  if (sess) {
    check(sess.get('Source') === srcFile && sess.get('Destination') === '/tmp/asession-real-dest',
      `${id}: SESSION names Source and Destination as given on the command line`);
    check(sess.get('TCPPort') === String(closed) && sess.get('Host') === '127.0.0.1',
      `${id}: SESSION has Host and TCPPort of the SSH target`);
    check(['Yes', 'No'].includes(sess.get('Encryption')) && ['Yes', 'No'].includes(sess.get('Keepalive')),
      `${id}: Yes/No fields (Encryption, Keepalive) are spelled Yes or No`);
    check(/^\d+$/.test(sess.get('Rate') ?? '') && /^\d+$/.test(sess.get('Port') ?? ''),
      `${id}: SESSION Rate and Port are decimal integers`, `Rate: ${sess.get('Rate')} Port: ${sess.get('Port')}`);
    info(`${id}: SESSION has ${sess.fields.length} fields: ${sess.fields.map((f) => f[0]).join(' ')}`);
  }
  endsWithError(id, r);
  const code = Number(last(r)?.get('Code'));
  observed[id] = code;
  check(isRetryable(code), `${id}: refused SSH connection is classed retryable by the reference table`, `Code ${code}`);
}

async function scFileListDest64() {
  const id = 'file-list-dest64';
  const closed = await freePort();
  const list = path.join(work, 'list.txt');
  fs.writeFileSync(list, `${srcFile}\n`);
  const dest = '/tmp/asession réal/dest';
  const r = await captureSession({ ascp: ASCP, args: [...sendArgs(closed), `--file-list=${list}`, '--dest64', b64(dest)] });
  save(id, r);
  const sess = r.frames.find((f) => f.get('Type') === 'SESSION');
  check(!!sess && !/unrecognized option/.test(r.stderr), `${id}: ascp accepts --file-list and --dest64`, r.stderr);
  if (sess) {
    // fields are latin1-decoded by the capture: re-encode to get the bytes back
    const bytes = Buffer.from(sess.get('Destination') ?? '', 'latin1');
    check(bytes.equals(Buffer.from(dest, 'utf8')), `${id}: SESSION Destination is the decoded --dest64 value, raw UTF-8 bytes, no escaping`,
      `got ${JSON.stringify(bytes.toString('utf8'))}`);
    check(sess.get('Source') === srcFile, `${id}: SESSION Source is the first entry of the file list`, sess.get('Source'));
  }
  endsWithError(id, r);
}

async function scFilePairList() {
  const id = 'file-pair-list';
  const closed = await freePort();
  const list = path.join(work, 'pairs.txt');
  fs.writeFileSync(list, `${srcFile}\nrenamed.txt\n`);
  const r = await captureSession({ ascp: ASCP, args: [...sendArgs(closed), `--file-pair-list=${list}`, '--dest64', b64('/tmp/asession-real-dest')] });
  save(id, r);
  check(types(r).includes('SESSION') && !/unrecognized option/.test(r.stderr), `${id}: ascp accepts --file-pair-list with --dest64`, r.stderr);
  endsWithError(id, r);
}

async function scKeepalive() {
  const id = 'keepalive';
  const closed = await freePort();
  const r = await captureSession({ ascp: ASCP, args: [...sendArgs(closed), '--keepalive', '--dest64', b64('/tmp/asession-real-dest')] });
  save(id, r);
  const sess = r.frames.find((f) => f.get('Type') === 'SESSION');
  check(!!sess && sess.get('Keepalive') === 'Yes', `${id}: --keepalive without sources is accepted and SESSION says Keepalive: Yes`, types(r).join(' → ') + '\n' + r.stderr);
  check(!!sess && sess.get('Source') === undefined, `${id}: SESSION of a persistent session has no Source field`);
  endsWithError(id, r);
}

async function scMultiSession() {
  const id = 'multi-session';
  const closed = await freePort();
  const r = await captureSession({ ascp: ASCP, args: [...sendArgs(closed), '-C', '2:3', '-O', '33002', srcFile, '/tmp/asession-real-dest'] });
  save(id, r);
  const sess = r.frames.find((f) => f.get('Type') === 'SESSION');
  check(!!sess && sess.get('ClusterNumNodes') === '3', `${id}: -C 2:3 gives ClusterNumNodes 3`, sess && sess.get('ClusterNumNodes'));
  check(!!sess && sess.get('ClusterNodeId') === '1', `${id}: -C 2:3 gives ClusterNodeId 1 (zero-based part index)`, sess && sess.get('ClusterNodeId'));
  check(!!sess && sess.get('Port') === '33002', `${id}: -O 33002 comes back as SESSION Port`, sess && sess.get('Port'));
  endsWithError(id, r);
}

async function scUnresolvable() {
  const id = 'unresolvable-host';
  const r = await captureSession({ ascp: ASCP, args: ['-M', '{MGMT}', '-q', '--mode=send', '--host=asession-no-such-host.invalid', '--user=x', srcFile, '/tmp/asession-real-dest'], timeoutMs: 60000 });
  save(id, r);
  framing(id, r);
  endsWithError(id, r);
  observed[id] = Number(last(r)?.get('Code'));
}

async function scNoListener() {
  const id = 'no-mgmt-listener';
  const mg = await freePort();
  const closed = await freePort();
  const r = await captureSession({ ascp: ASCP, args: ['-M', String(mg), '-q', '--mode=send', '--host=127.0.0.1', '-P', String(closed), '--user=x', srcFile, '/tmp/d'], timeoutMs: 30000 });
  save(id, r);
  check(r.exit.code !== 0 && r.exit.code !== null && !r.timedOut, `${id}: ascp exits non-zero when nothing listens on the -M port`, JSON.stringify(r.exit));
  check(/management/i.test(r.stderr), `${id}: ascp says on stderr that the management connection failed`, r.stderr);
  info(`${id}: exit ${r.exit.code}; stderr ${JSON.stringify(r.stderr.trim())}`);
}

async function scUsage() {
  const id = 'usage-error';
  const r = await captureSession({ ascp: ASCP, args: ['-M', '{MGMT}', '--asession-bogus-option', srcFile, '/tmp/d'], timeoutMs: 30000 });
  save(id, r);
  check(r.exit.code !== 0 && r.exit.code !== null, `${id}: ascp exits non-zero on an unknown option`, JSON.stringify(r.exit));
  info(`${id}: ${r.connections.length} management connection(s), ${r.raw.length} bytes, exit ${r.exit.code}, stderr ${JSON.stringify(r.stderr.trim())}`);
  check(r.raw.length === 0, `${id}: no management frame at all is sent (the engine must report ascp's exit without any event from ascp)`,
    `${r.raw.length} bytes: ${types(r).join(' → ')}`);
}

async function scSignalDuringConnect() {
  const id = 'sigint-during-connect';
  const s = await silentServer();
  const r = await captureSession({
    ascp: ASCP, args: [...sendArgs(s.port), srcFile, '/tmp/d'], timeoutMs: 30000,
    onSpawn: (child) => setTimeout(() => child.kill('SIGINT'), 2000),
  });
  s.close();
  save(id, r, { note: 'SSH peer accepts TCP and never answers; SIGINT sent 2 s after start' });
  check(!r.timedOut && r.exit.code !== 0, `${id}: ascp exits (non-zero) soon after SIGINT while the SSH connection hangs`, JSON.stringify(r.exit));
  const t = types(r);
  info(`${id}: frames ${t.join(' → ') || '(none)'}; exit ${JSON.stringify(r.exit)}`);
  check(t.length >= 1 && t[0] === 'INIT' && !t.includes('ERROR') && !t.includes('DONE'),
    `${id}: ascp ends after INIT without ERROR or DONE (the engine must treat that as a failure, not wait)`, t.join(' → '));
}

async function scCancelDuringConnect() {
  const id = 'cancel-during-connect';
  const s = await silentServer();
  let cancelAt = null; let child;
  const r = await captureSession({
    ascp: ASCP, args: [...sendArgs(s.port), srcFile, '/tmp/d'], timeoutMs: 30000,
    onSpawn: (c) => { child = c; },
    onFrame: (sock, fr) => {
      if (cancelAt === null && fr.length >= 1) {
        cancelAt = Date.now();
        sock.write('FASPMGR 2\nType: CANCEL\n\n');
        setTimeout(() => child.kill('SIGTERM'), 5000);
      }
    },
  });
  s.close();
  const exitedAfterMs = Date.now() - cancelAt;
  save(id, r, { note: 'SSH peer accepts TCP and never answers; CANCEL frame sent after INIT, SIGTERM 5 s later' });
  info(`${id}: after CANCEL ascp ${exitedAfterMs < 4500 ? `exited within ${exitedAfterMs} ms` : 'was still running 5 s later (CANCEL not acted on while SSH connects) and stopped on SIGTERM'}; frames ${types(r).join(' → ')}`);
  check(!r.timedOut, `${id}: ascp stops after CANCEL, or at the latest after SIGTERM (CANCEL then signal is enough)`, JSON.stringify(r.exit));
}

const ssh = process.env.ASCP_SSH_PORT && process.env.ASCP_SSH_USER && process.env.ASCP_SSH_PASS
  ? { port: Number(process.env.ASCP_SSH_PORT), user: process.env.ASCP_SSH_USER, pass: process.env.ASCP_SSH_PASS } : null;

async function scWrongPassword() {
  const id = 'wrong-password';
  if (!ssh) return skip(id, 'ASCP_SSH_PORT/ASCP_SSH_USER/ASCP_SSH_PASS not set');
  const r = await captureSession({ ascp: ASCP, args: [...sendArgs(ssh.port, ssh.user), srcFile, '/tmp/asession-real-dest'], env: { ASPERA_SCP_PASS: `${ssh.pass}-wrong` }, timeoutMs: 60000 });
  save(id, r);
  framing(id, r);
  endsWithError(id, r, 19);
  observed[id] = Number(last(r)?.get('Code'));
}

async function scMissingSource() {
  const id = 'missing-source';
  if (!ssh) return skip(id, 'ASCP_SSH_PORT/ASCP_SSH_USER/ASCP_SSH_PASS not set');
  const r = await captureSession({ ascp: ASCP, args: [...sendArgs(ssh.port, ssh.user), path.join(work, 'no-such-file'), '/tmp/asession-real-dest'], env: { ASPERA_SCP_PASS: ssh.pass }, timeoutMs: 60000 });
  save(id, r);
  framing(id, r);
  endsWithError(id, r);
}

async function scLoopback() {
  const id = 'loopback';
  if (!ssh) return skip(id, 'ASCP_SSH_PORT/ASCP_SSH_USER/ASCP_SSH_PASS not set');
  const dest = fs.mkdtempSync(path.join(os.tmpdir(), 'asession-real-dest-'));
  fs.chmodSync(dest, 0o777);
  const r = await captureSession({ ascp: ASCP, args: [...sendArgs(ssh.port, ssh.user), '-S', ASCP, srcFile, dest], env: { ASPERA_SCP_PASS: ssh.pass }, timeoutMs: 90000 });
  save(id, r, { note: `remote ascp started by sshd as ${ssh.user} with -S ${ASCP}` });
  framing(id, r);
  const t = types(r);
  const e = last(r);
  if (t.includes('DONE')) {
    check(t[t.length - 1] === 'DONE' && r.exit.code === 0, `${id}: transfer ends with DONE and exit 0`, `${t.join(' → ')} exit ${r.exit.code}`);
    check(fs.existsSync(path.join(dest, path.basename(srcFile))), `${id}: the file arrived`);
  } else {
    const code = Number(e?.get('Code'));
    check(code === 38, `${id}: without a server licence the session ends with ERROR 38 (LIC_ILLEGAL)`, `${t.join(' → ')}: ${e?.get('Code')} ${e?.get('Description')}`);
    info(`${id}: ${e?.get('Description')} — this ascp's licence does not allow a loopback transfer`);
  }
}

// ---------------------------------------------------------------- engine scenarios
const cli = process.env.ASESSION_CLI || path.join(repo, 'dist', 'cli.js');
// engine output is kept apart from the ascp transcripts (it changes with the engine, they do not)
let engineOutDir = null;
function saveEngine(id, text) {
  engineOutDir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'asession-real-engine-'));
  const f = path.join(engineOutDir, `${id}.ndjson`);
  fs.writeFileSync(f, text);
  info(`${id}: engine output in ${f}`);
}

function runEngine(spec, timeoutMs = 120000) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '', err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const lines = out.split('\n').filter(Boolean);
      const events = [];
      const nonJson = [];
      for (const l of lines) { try { events.push(JSON.parse(l)); } catch { nonJson.push(l); } }
      resolve({ code, signal, events, nonJson, stderr: err, stdout: out });
    });
    child.stdin.end(JSON.stringify(spec) + '\n');
  });
}

function engineChecks(id, res, expectCode) {
  check(res.nonJson.length === 0, `${id}: stdout is one JSON object per line`, res.nonJson.slice(0, 3).join('\n'));
  const result = res.events[res.events.length - 1];
  check(result && result.type === 'RESULT', `${id}: the last line is RESULT`, JSON.stringify(result));
  if (!result || result.type !== 'RESULT') return;
  check(result.status === 'failed' && result.exit_code === 1 && res.code === 1, `${id}: RESULT status failed, exit_code 1, process exit 1`,
    `status ${result.status} exit_code ${result.exit_code} process ${res.code}`);
  const err = result.error || {};
  check(err.source === 'ascp' && err.code === expectCode, `${id}: RESULT error is from ascp with the Code ascp sent (${expectCode})`, JSON.stringify(err));
  check(err.retryable === isRetryable(expectCode), `${id}: RESULT error.retryable is ${isRetryable(expectCode)} as in the reference table`, JSON.stringify(err));
  const errEv = res.events.filter((e) => e.type === 'ERROR');
  check(errEv.length >= 1 && errEv.every((e) => e.code === expectCode && typeof e.session_id === 'string'),
    `${id}: ascp's ERROR frames come out as ERROR events with a numeric code and session_id`, JSON.stringify(errEv[0]));
  const init = res.events.find((e) => e.type === 'INIT');
  check(!!init && typeof init.session_id === 'string', `${id}: INIT event comes out with session_id`);
  const spawns = res.events.filter((e) => e.type === 'SPAWN').length;
  const retries = res.events.filter((e) => e.type === 'RETRY').length;
  if (isRetryable(expectCode)) {
    check(retries === 1 && spawns === 2, `${id}: retryable error with resume.iter_max 1 gives one RETRY and two SPAWNs`, `RETRY ${retries}, SPAWN ${spawns}`);
  } else {
    check(retries === 0 && spawns === 1, `${id}: non-retryable error gives no RETRY and one SPAWN`, `RETRY ${retries}, SPAWN ${spawns}`);
  }
}

async function scEngineClosedPort() {
  const id = 'engine-closed-port';
  if (!fs.existsSync(cli)) return skip(id, `${cli} not built`);
  if (observed['closed-port'] === undefined) return skip(id, 'closed-port capture did not run');
  const closed = await freePort();
  const res = await runEngine({
    spec: { direction: 'send', remote_host: '127.0.0.1', ssh_port: closed, remote_user: 'asession-nobody', paths: [{ source: srcFile }], destination_root: '/tmp/asession-real-dest' },
    agent: { ascp_path: ASCP, resume: { iter_max: 1, sleep_initial: 0, sleep_factor: 1, sleep_max: 0 } },
  });
  saveEngine(id, res.stdout);
  engineChecks(id, res, observed['closed-port']);
}

async function scEngineWrongPassword() {
  const id = 'engine-wrong-password';
  if (!fs.existsSync(cli)) return skip(id, `${cli} not built`);
  if (!ssh) return skip(id, 'ASCP_SSH_PORT/ASCP_SSH_USER/ASCP_SSH_PASS not set');
  const res = await runEngine({
    spec: { direction: 'send', remote_host: '127.0.0.1', ssh_port: ssh.port, remote_user: ssh.user, remote_password: `${ssh.pass}-wrong`, paths: [{ source: srcFile }], destination_root: '/tmp/asession-real-dest' },
    agent: { ascp_path: ASCP, resume: { iter_max: 1, sleep_initial: 0, sleep_factor: 1, sleep_max: 0 } },
  });
  saveEngine(id, res.stdout);
  engineChecks(id, res, 19);
  check(!res.stdout.includes(`${ssh.pass}-wrong`) && !res.stderr.includes(`${ssh.pass}-wrong`), `${id}: the password appears neither on stdout nor on stderr`);
}

async function scEngineAscpExitsEarly() {
  const id = 'engine-ascp-exits-before-connect';
  if (!fs.existsSync(cli)) return skip(id, `${cli} not built`);
  const closed = await freePort();
  const t0 = Date.now();
  const res = await runEngine({
    spec: { direction: 'send', remote_host: '127.0.0.1', ssh_port: closed, remote_user: 'asession-nobody', paths: [{ source: srcFile }], destination_root: '/tmp/asession-real-dest' },
    agent: { ascp_path: ASCP, ascp_args: ['--asession-bogus-option'], spawn_timeout_sec: 5, resume: { iter_max: 1, sleep_initial: 0, sleep_factor: 1, sleep_max: 0 } },
  }, 60000);
  saveEngine(id, res.stdout);
  check(res.signal === null && Date.now() - t0 < 55000, `${id}: the engine ends by itself when ascp exits without ever connecting (usage error)`, `signal ${res.signal}`);
  const result = res.events[res.events.length - 1];
  check(result && result.type === 'RESULT' && result.status === 'failed' && [1, 3].includes(result.exit_code) && res.code === result.exit_code,
    `${id}: the last line is RESULT failed with exit_code 1 or 3, same as the process exit`, JSON.stringify(result));
  check(!res.events.some((e) => ['INIT', 'SESSION', 'ERROR', 'DONE'].includes(e.type)), `${id}: no ascp event is invented`);
  const message = result?.error?.message ?? '';
  check(message.includes("unrecognized option `--asession-bogus-option'") && message.includes('agent.ascp_args'),
    `${id}: RESULT quotes ascp's own complaint and says the option came from agent.ascp_args`, message);
  info(`${id}: RESULT error ${JSON.stringify(result && result.error)}`);
}

async function scEngineUserTag() {
  const id = 'engine-user-tag';
  if (!fs.existsSync(cli)) return skip(id, `${cli} not built`);
  const closed = await freePort();
  const res = await runEngine({
    spec: { direction: 'send', remote_host: '127.0.0.1', ssh_port: closed, remote_user: 'asession-nobody', paths: [{ source: srcFile }], destination_root: '/tmp/asession-real-dest' },
    agent: { ascp_path: ASCP, ascp_args: ['-u', 'asession-real-tag'], resume: { iter_max: 0 } },
  });
  saveEngine(id, res.stdout);
  const result = res.events[res.events.length - 1];
  check(result?.type === 'RESULT' && result.error?.source === 'ascp' && result.error.code === 44,
    `${id}: with the user's own -u the engine takes ascp's connection: RESULT carries ascp's ERROR (44), not "exited before connecting"`, JSON.stringify(result?.error));
  check(res.events.some((e) => e.type === 'INIT' && e.user_str === 'asession-real-tag'), `${id}: INIT echoes the user's tag`);
  check(!res.events.some((e) => e.type === 'WARNING' && e.code === 'stray_connection'), `${id}: no connection refused`);
  const spawn1 = res.events.find((e) => e.type === 'SPAWN');
  check(spawn1 && spawn1.argv.filter((a) => a === '-u').length === 1, `${id}: ascp gets one -u, the user's (no nonce of the engine's)`, JSON.stringify(spawn1?.argv));
}

// ---------------------------------------------------------------- the genuine ascp judges the planned argv
// Every option the planner can emit (argv-variants.mjs reads the schemas), planned by the engine's --dry-run and
// run by the genuine ascp against a closed local SSH port. Each must fail on the connection, never on the command
// line, unless it is listed in REFUSED_BY_39 below: options this ascp does not know (it is 3.9; the planner follows
// the current ascp). A listed option must still be refused (else the list is stale), and the engine, run for real
// with it, must quote ascp's complaint and name the spec key behind it.

/**
 * What ascp 3.9.0.163682 refuses on its command line, found by this scenario: variant id (argv-variants.mjs,
 * placeholders unfilled) → the stderr line it prints. Everything else the planner emits, it accepts. What the
 * planner does about each is in README.md ("Options ascp 3.9 refuses").
 */
const WSS = "unrecognized option `--ws-connect'";
const cipher39 = (c) => `ascp: Unrecognized transport encryption type: ${c}`;
const remotePreserve = (what) => `ascp: Self-contradictory combination of default values and/or arguments to options --preserve-${what} and --remote-preserve-${what}`;
const REFUSED_BY_39 = {
  'spec.wss_enabled=true': WSS,
  'spec.wss_port="${CLOSED_PORT}"': WSS,
  'agent.wss=true': WSS,
  'spec.ssh_args=["-oBatchMode=yes"]': "unrecognized option `--ssh-arg'",
  'spec.cipher="aes-128-cfb"': cipher39('aes128cfb'),
  'spec.cipher="aes-192-cfb"': cipher39('aes192cfb'),
  'spec.cipher="aes-256-cfb"': cipher39('aes256cfb'),
  'spec.cipher="aes-128-gcm"': cipher39('aes128gcm'),
  'spec.cipher="aes-192-gcm"': cipher39('aes192gcm'),
  'spec.cipher="aes-256-gcm"': cipher39('aes256gcm'),
  'spec.fail_bad_filepass=true': "unrecognized option `--fail-bad-filepass'",
  'spec.src_base="${FOLDER}"': "unrecognized option `--src-base64'",
  'spec.src_base64="asession-real"': "unrecognized option `--src-base64'",
  'spec.precalculate_job_size=false': "unrecognized option `--precalculate-disable'",
  'spec.preserve_acls="native"': 'ascp: Option --preserve-acls=native not supported on this platform',
  'spec.preserve_remote_acls="native"': remotePreserve('acls'),
  'spec.preserve_remote_acls="metafile"': remotePreserve('acls'),
  'spec.preserve_remote_extended_attrs="native"': remotePreserve('xattrs'),
  'spec.preserve_remote_extended_attrs="metafile"': remotePreserve('xattrs'),
  'spec.remove_skipped=true': "unrecognized option `--remove-skipped'",
};

/** USAGE: ascp's code for a command line that parsed but cannot run (e.g. no remote host). */
const USAGE = 8;

function dryRun(spec, agent) {
  const r = spawnSync(process.execPath, [cli, '--dry-run'], { input: `${JSON.stringify({ spec, agent })}\n`, encoding: 'utf8', timeout: 30000 });
  const lines = (r.stdout || '').trim().split('\n').filter(Boolean);
  let last = null;
  try { last = JSON.parse(lines[lines.length - 1]); } catch { /* reported below */ }
  return { exit: r.status, event: last, stderr: r.stderr };
}

/** A dry run's session argv and env, with the run-time placeholders made real. */
function runnable(dry, s, lists) {
  const list = dry.file_list?.option === '--file-pair-list' ? lists.pairs : lists.plain;
  const args = s.argv.map((a, i) => (a === '0' && s.argv[i - 1] === '-M' ? '{MGMT}' : a === '<nonce>' ? 'asession-real' : a === '<file list>' ? list : a));
  const env = Object.fromEntries(Object.entries(dry.env || {}).map(([k, v]) => [k, v === '***' ? 'asession-real-secret' : v]));
  return { args, env };
}

const shq = (a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);

async function scArgvOptions() {
  const id = 'argv-options';
  if (!fs.existsSync(cli)) return skip(id, `${cli} not built`);
  const { variants, fill } = await import('./lib/argv-variants.mjs');
  const readSchema = (f) => JSON.parse(fs.readFileSync(path.join(repo, 'schema', f), 'utf8'));
  const closed = await freePort();
  const lists = { plain: path.join(work, 'list.txt'), pairs: path.join(work, 'pairs.txt') };
  fs.writeFileSync(lists.plain, `${srcFile}\n`);
  fs.writeFileSync(lists.pairs, `${srcFile}\nrenamed.txt\n`);
  // The key that comes with the SDK next to ascp, else a throw-away one: a key file ascp can read.
  let keyFile = path.join(path.dirname(ASCP), 'aspera_tokenauth_id_rsa');
  if (!fs.existsSync(keyFile)) {
    keyFile = path.join(work, 'id_rsa');
    spawnSync('ssh-keygen', ['-q', '-t', 'rsa', '-N', '', '-f', keyFile]);
  }
  const vars = { CLOSED_PORT: closed, KEY_FILE: keyFile, SOURCE_FILE: srcFile, FOLDER: work, FILE_LIST: lists.plain, FILE_PAIR_LIST: lists.pairs };
  const base = fill({
    spec: { direction: 'send', remote_host: '127.0.0.1', ssh_port: '${CLOSED_PORT}', remote_user: 'asession-nobody', paths: [{ source: srcFile }], destination_root: '/tmp/asession-real-dest' },
    agent: { ascp_path: ASCP },
  }, vars);
  const baseDry = dryRun(base.spec, base.agent);
  if (!check(baseDry.event?.type === 'DRY_RUN', `${id}: the base spec plans`, baseDry.stdout || baseDry.stderr)) return;
  // The multi-session xfer_id is new on every plan: not a difference.
  const shape = (d) => JSON.stringify([d.sessions.map((x) => x.argv), d.env]).replace(/"--tags64","[^"]*"/g, '"--tags64","*"');
  const baseShape = shape(baseDry.event);

  // Ids keep their placeholders: REFUSED_BY_39 must not depend on this run's port or folder.
  const all = variants(readSchema('transfer-spec.schema.json'), readSchema('agent-options.schema.json'), base).map((v) => ({ ...fill(v, vars), id: v.id }));
  const byShape = new Map();
  const invalid = [];
  let unchanged = 0;
  for (const v of all) {
    const d = dryRun(v.spec, v.agent);
    if (d.event?.type !== 'DRY_RUN') { invalid.push(`${v.id}: ${d.event?.error?.message?.split('\n').join(' ') ?? d.stderr.trim()}`); continue; }
    const key = shape(d.event);
    if (key === baseShape) { unchanged++; continue; }
    if (!byShape.has(key)) byShape.set(key, { dry: d.event, variants: [] });
    byShape.get(key).variants.push(v);
  }
  info(`${id}: ${all.length} variants from the schemas; ${byShape.size} distinct command lines to run, ${unchanged} plan no option (ignored keys, engine-only settings), ${invalid.length} not accepted by the engine`);
  for (const line of invalid) info(`${id}: not planned: ${line}`);

  const refused = [];
  const ran = new Set();
  for (const { dry, variants: vs } of byShape.values()) {
    for (const v of vs) ran.add(v.id);
    const name = vs.map((v) => v.id).join(', ');
    for (const s of dry.sessions) {
      const { args, env } = runnable(dry, s, lists);
      const r = await captureSession({ ascp: ASCP, args, env, timeoutMs: 30000 });
      const code = Number(last(r)?.get('Code'));
      const complaint = r.stderr.split('\n').map((l) => l.trim()).find(Boolean) ?? '';
      const command = [...Object.entries(env).map(([k, v]) => `${k}=${shq(v)}`), shq(ASCP), ...args.map((a) => shq(a === '{MGMT}' ? '<port>' : a))].join(' ');
      // Past its command line: ascp dialled -M, sent INIT and SESSION (the session's parameters), then failed on
      // the connection (SSH port, proxy, HTTP fallback port: all closed), not with USAGE.
      const t = types(r);
      if (t[0] === 'INIT' && t.includes('SESSION') && t[t.length - 1] === 'ERROR' && code !== USAGE) {
        check(!vs.some((v) => REFUSED_BY_39[v.id]), `${id}: ${name} (session ${s.session_index}): ascp accepts the command line and fails on the connection (code ${code} ${ERROR_CODES[code]?.name ?? ''})`,
          'listed in REFUSED_BY_39 but accepted: the list is stale');
        continue;
      }
      const listed = vs.map((v) => REFUSED_BY_39[v.id]).find(Boolean);
      if (r.raw.length === 0 && listed) {
        check(complaint === listed, `${id}: ${name}: refused by ascp 3.9 as listed: ${complaint}`, `stderr: ${r.stderr}`);
        refused.push({ variant: vs[0], complaint, command });
        continue;
      }
      check(false, `${id}: ${name} (session ${s.session_index}): ascp accepts the command line and fails on the connection`,
        `${r.raw.length === 0 ? 'no management connection (refused its command line?)' : `frames ${types(r).join(' → ')}, code ${code}`}; exit ${JSON.stringify(r.exit)}\nstderr: ${r.stderr.trim()}\ncommand: ${command}`);
      refused.push({ variant: vs[0], complaint, command });
    }
  }
  const gone = Object.keys(REFUSED_BY_39).filter((v) => !ran.has(v));
  if (gone.length) info(`${id}: listed in REFUSED_BY_39 but no longer planned (schema changed?): ${gone.join(', ')}`);
  for (const { variant, complaint, command } of refused) info(`${id}: ascp 3.9 refuses ${variant.id}: ${JSON.stringify(complaint)}\n      ${command}`);

  // The engine, run for real with each refused option: RESULT and stderr quote ascp and name the key.
  for (const { variant, complaint } of refused) {
    const res = await runEngine({ spec: variant.spec, agent: { ...variant.agent, resume: { iter_max: 0 } } }, 60000);
    const result = res.events[res.events.length - 1];
    const message = result?.error?.message ?? '';
    const origin = `${variant.where}.${variant.key}`;
    check(result?.type === 'RESULT' && result.status === 'failed' && message.includes(complaint) && message.includes(origin),
      `${id}: engine with ${variant.id}: RESULT quotes ascp's complaint and names ${origin}`, message || JSON.stringify(result));
    check(res.stderr.includes(complaint) && res.stderr.includes(origin), `${id}: engine with ${variant.id}: stderr says the same`, res.stderr.trim());
  }
}

// ---------------------------------------------------------------- main
const scenarios = [
  ['version', scVersion], ['closed-port', scClosedPort], ['file-list-dest64', scFileListDest64],
  ['file-pair-list', scFilePairList], ['keepalive', scKeepalive], ['multi-session', scMultiSession],
  ['unresolvable-host', scUnresolvable], ['no-mgmt-listener', scNoListener], ['usage-error', scUsage],
  ['sigint-during-connect', scSignalDuringConnect], ['cancel-during-connect', scCancelDuringConnect],
  ['wrong-password', scWrongPassword], ['missing-source', scMissingSource], ['loopback', scLoopback],
  ['engine-closed-port', scEngineClosedPort], ['engine-wrong-password', scEngineWrongPassword],
  ['engine-ascp-exits-before-connect', scEngineAscpExitsEarly], ['engine-user-tag', scEngineUserTag],
  ['argv-options', scArgvOptions],
];
console.log(`real-ascp tier: ASCP_PATH=${ASCP}; transcripts in ${outDir}`);
for (const [id, fn] of scenarios) {
  if (!want(id) && !(id === 'version')) continue;
  if (id === 'engine-closed-port' && observed['closed-port'] === undefined && want(id)) await scClosedPort();
  try { await fn(); } catch (e) { check(false, `${id}: scenario ran without throwing`, e && e.stack); }
  if (id === 'version' && ascpVersion === 'unknown') {
    console.log(`${ASCP} does not answer \`ascp -A\` with a version: the other scenarios are not run`);
    break;
  }
}
if (verbose) console.log(`work dir: ${work}`);
else fs.rmSync(work, { recursive: true, force: true, maxRetries: 2 });
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed ? 1 : 0);
