// Management-port capture: listen on 127.0.0.1, start ascp with `-M <port>`,
// keep every byte ascp sends, and report how the process ended.
// Node built-ins only. Used by the real-ascp tier (../run.mjs) and by hand:
//
//   node conformance/real/lib/capture.mjs --out FILE [--stdin-frames FILE] -- ASCP ARGS...
//
// The literal argument `{MGMT}` in ARGS is replaced by the port; if no `{MGMT}` is
// given (and no -M of its own), `-M <port>` is put first.
import net from 'node:net';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * @param {object} o
 * @param {string} o.ascp        path of the ascp executable
 * @param {string[]} o.args      argv after the executable; '{MGMT}' is replaced by the port
 * @param {Record<string,string>} [o.env]  extra environment
 * @param {number} [o.timeoutMs] kill ascp after this long (default 60 s)
 * @param {(sock: net.Socket, frames: string[]) => void} [o.onFrame] called per complete frame
 * @param {string} [o.cwd]
 * @param {(child: import('node:child_process').ChildProcess) => void} [o.onSpawn]
 */
export async function captureSession(o) {
  const server = net.createServer();
  await new Promise((res, rej) => { server.once('error', rej); server.listen(0, '127.0.0.1', res); });
  const port = server.address().port;
  let args = o.args.map((a) => (a === '{MGMT}' ? String(port) : a));
  if (!o.args.includes('{MGMT}') && !o.args.includes('-M')) args = ['-M', String(port), ...args];

  const chunks = [];
  const connections = [];
  const frames = [];
  let firstByteAt = null;
  const t0 = Date.now();

  server.on('connection', (sock) => {
    connections.push({ remotePort: sock.remotePort, at: Date.now() - t0 });
    let pending = '';
    sock.on('data', (buf) => {
      if (firstByteAt === null) firstByteAt = Date.now() - t0;
      chunks.push(buf);
      pending += buf.toString('latin1');
      let i;
      while ((i = pending.indexOf('\n\n')) >= 0) {
        frames.push(pending.slice(0, i + 2));
        pending = pending.slice(i + 2);
        if (o.onFrame) o.onFrame(sock, frames);
      }
    });
    sock.on('error', () => {});
  });

  const child = spawn(o.ascp, args, {
    env: { ...process.env, ...(o.env || {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: o.cwd,
  });
  if (o.onSpawn) o.onSpawn(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  const timeoutMs = o.timeoutMs ?? 60000;
  let timedOut = false;
  const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutMs);
  const exit = await new Promise((res) => {
    child.on('error', (err) => res({ code: null, signal: null, error: String(err) }));
    child.on('close', (code, signal) => res({ code, signal }));
  });
  clearTimeout(timer);
  // give the socket a moment to deliver its last bytes
  await new Promise((r) => setTimeout(r, 200));
  server.close();
  const raw = Buffer.concat(chunks);
  return {
    port, args, raw, frames: splitFrames(raw.toString('latin1')), connections,
    firstByteAt, exit, timedOut, stdout, stderr, elapsedMs: Date.now() - t0,
  };
}

/** Split raw management bytes into frames: [{header, fields: [[name, value]...]}]. */
export function splitFrames(text) {
  const out = [];
  for (const block of text.split('\n\n')) {
    if (block.trim() === '') continue;
    const lines = block.split('\n');
    const header = lines.shift();
    const fields = lines.map((l) => {
      const i = l.indexOf(':');
      return i < 0 ? [l, null] : [l.slice(0, i), l.slice(i + 1).replace(/^ /, '')];
    });
    out.push({ header, fields, get: (n) => (fields.find((f) => f[0] === n) || [])[1] });
  }
  return out;
}

// CLI use
if (process.argv[1] && fileURLToPath(import.meta.url) === fs.realpathSync(process.argv[1])) {
  const argv = process.argv.slice(2);
  const sep = argv.indexOf('--');
  const opts = argv.slice(0, sep);
  const [ascp, ...args] = argv.slice(sep + 1);
  const out = opts[opts.indexOf('--out') + 1];
  const r = await captureSession({ ascp, args });
  if (out && opts.includes('--out')) fs.writeFileSync(out, r.raw);
  process.stderr.write(`port=${r.port} exit=${JSON.stringify(r.exit)} bytes=${r.raw.length} frames=${r.frames.length}\n`);
  process.stderr.write(`argv: ${ascp} ${r.args.join(' ')}\n--- ascp stdout ---\n${r.stdout}--- ascp stderr ---\n${r.stderr}`);
  process.stdout.write(r.raw);
}
