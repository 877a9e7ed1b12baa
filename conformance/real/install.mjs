#!/usr/bin/env node
// Fetch IBM's ascp for Linux x86_64 from the Python package index and print its path.
//
//   ASCP_PATH=$(node conformance/real/install.mjs) node conformance/real/run.mjs
//
// The only Linux x86_64 ascp found in a package registry is the one inside IBM's `cos-aspera`
// wheels (IBM COS SDK's Aspera support; ascp 3.9.0.<build>, a client-only licence). The same
// binary is in Maven Central's com.ibm.cos-aspera:cos-aspera-linux-64 jar. Wheels exist only for
// cp27/cp36 with the manylinux1_x86_64 tag, so pip is asked for that platform explicitly; nothing
// is installed into any Python environment, the wheel is only unpacked.
//
// Cache folder (outside the repository): $ASCP_CACHE_DIR, else $XDG_CACHE_HOME/asession-ascp,
// else ~/.cache/asession-ascp. A second run reuses what is there. Version: $COS_ASPERA_VERSION
// (default below). Messages go to stderr; stdout is only the path. Node built-ins + pip + unzip
// (or python3's zipfile when unzip is missing).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';

const VERSION = process.env.COS_ASPERA_VERSION || '0.1.163682';
const cache = path.resolve(process.env.ASCP_CACHE_DIR
  || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'asession-ascp'));
const sdk = path.join(cache, `cos-aspera-${VERSION}`);
const ascp = path.join(sdk, 'ascp');
const log = (m) => process.stderr.write(`install: ${m}\n`);

function works(p) {
  const r = spawnSync(p, ['-A'], { encoding: 'utf8', timeout: 20000 });
  return r.status === 0 && /ascp version/.test(`${r.stdout}${r.stderr}`);
}

if (process.platform !== 'linux' || process.arch !== 'x64') {
  log(`no registry package ships ascp for ${process.platform}/${process.arch} here (only linux/x64 is handled)`);
  process.exit(3);
}
if (fs.existsSync(ascp) && works(ascp)) {
  process.stdout.write(`${ascp}\n`);
  process.exit(0);
}

fs.mkdirSync(cache, { recursive: true });
const dl = path.join(cache, 'download');
fs.mkdirSync(dl, { recursive: true });
const pipCmds = [['pip'], ['pip3'], ['python3', '-m', 'pip']];
let ok = false;
for (const [cmd, ...pre] of pipCmds) {
  const args = [...pre, 'download', '--no-deps', '--only-binary=:all:', '--platform', 'manylinux1_x86_64',
    '--python-version', '2.7', '--implementation', 'cp', '--abi', 'none', `cos-aspera==${VERSION}`, '-d', dl];
  log(`${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], timeout: 600000 });
  if (r.error && r.error.code === 'ENOENT') continue;
  ok = r.status === 0;
  break;
}
const wheel = fs.readdirSync(dl).find((f) => f.startsWith(`cos_aspera-${VERSION}-`) && f.endsWith('manylinux1_x86_64.whl'));
if (!ok || !wheel) { log('could not download the cos-aspera wheel (is pip installed, is the package index reachable?)'); process.exit(3); }

const tmp = fs.mkdtempSync(path.join(cache, 'unpack-'));
let r = spawnSync('unzip', ['-q', '-o', path.join(dl, wheel), '-d', tmp], { stdio: ['ignore', 'ignore', 'inherit'] });
if (r.error || r.status !== 0) {
  r = spawnSync('python3', ['-m', 'zipfile', '-e', path.join(dl, wheel), tmp], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.error || r.status !== 0) { log('could not unpack the wheel (need unzip or python3)'); process.exit(3); }
}
const inner = path.join(tmp, `cos_aspera-${VERSION}.data`, 'purelib', 'cos_aspera');
if (!fs.existsSync(path.join(inner, 'ascp'))) { log(`no ascp inside ${wheel}`); process.exit(3); }
fs.rmSync(sdk, { recursive: true, force: true });
fs.renameSync(inner, sdk);
fs.rmSync(tmp, { recursive: true, force: true });
fs.rmSync(path.join(sdk, 'pydocs'), { recursive: true, force: true });
fs.chmodSync(ascp, 0o755);
if (!works(ascp)) { log(`${ascp} does not answer \`ascp -A\``); process.exit(3); }
log(`ascp ready in ${sdk} (with its aspera-license, aspera.conf and keys)`);
process.stdout.write(`${ascp}\n`);
