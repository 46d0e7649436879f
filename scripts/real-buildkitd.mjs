/**
 * A real buildkitd for the scripts that hold the action against real BuildKit (contract:buildkit,
 * bench/fleet-real.mjs): started with its own root and OTEL socket in a directory of the caller's, on tcp
 * 127.0.0.1 with mutual TLS, and stopped (SIGTERM, SIGKILL after 10 s).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A free loopback port (asked of the kernel, then released for buildkitd to take). */
export async function freePort() {
  const srv = net.createServer();
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address();
  await new Promise((r) => srv.close(r));
  return port;
}

/**
 * buildkitd `bin`/buildkitd on tcp://127.0.0.1:<port> with --tlscacert/--tlscert/--tlskey from `certs`
 * (__tests__/support/certs.mjs), its state in `dir`; resolves once it logged `running server on`.
 */
export async function startTlsBuildkitd({ bin, dir, certs, port }) {
  fs.mkdirSync(dir, { recursive: true });
  port ??= await freePort();
  const log = path.join(dir, 'buildkitd.log');
  const out = fs.openSync(log, 'a');
  const args = [
    '--root',
    path.join(dir, 'root'),
    '--addr',
    `tcp://127.0.0.1:${port}`,
    '--otel-socket-path',
    path.join(dir, 'otel.sock'),
    '--tlscacert',
    certs.ca,
    '--tlscert',
    certs.daemonCert,
    '--tlskey',
    certs.daemonKey
  ];
  const proc = spawn(path.join(bin, 'buildkitd'), args, { stdio: ['ignore', out, out] });
  fs.closeSync(out);
  const d = {
    name: path.basename(dir),
    host: '127.0.0.1',
    port,
    addr: `tcp://127.0.0.1:${port}`,
    log,
    proc,
    exited: false
  };
  proc.on('exit', () => (d.exited = true));
  const until = Date.now() + 30_000;
  while (!fs.readFileSync(log, 'utf8').includes(`running server on 127.0.0.1:${port}`)) {
    if (d.exited || Date.now() > until) {
      if (!d.exited) proc.kill('SIGKILL');
      throw new Error(
        `buildkitd in ${dir} did not start:\n${fs.readFileSync(log, 'utf8').split('\n').slice(-15).join('\n')}`
      );
    }
    await sleep(20);
  }
  return d;
}

/** SIGTERM, then SIGKILL after 10 s; resolves once it exited (or was killed). */
export async function stopBuildkitd(d) {
  if (d.exited) return;
  const gone = new Promise((r) => d.proc.once('exit', r));
  d.proc.kill('SIGTERM');
  await Promise.race([gone, sleep(10_000)]);
  if (!d.exited) d.proc.kill('SIGKILL');
}
