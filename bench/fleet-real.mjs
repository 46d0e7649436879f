#!/usr/bin/env node
/**
 * node bench/fleet-real.mjs — issue 22's "done when", against real BuildKit (not part of npm test):
 *
 *   BUILDKIT_BIN=<dir with buildkitd and buildctl v0.32.2> [BENCH_BUSYBOX=<static busybox>] node bench/fleet-real.mjs
 *
 * As root. Three real buildkitd on 127.0.0.1 with mutual TLS (--tlscacert/--tlscert/--tlskey; certificates made
 * with openssl here), and the bundle (dist/, run `npm run package` first) as the runner runs it, with the envd
 * shim of bench/real (it builds the Dockerfile beside build.envd through buildctl, on the context the action
 * made: here the action's TLS relay). Six scopes are each built twice with cache: none; then a scope's builder is
 * stopped and the scope built again; then a wrong CA, no client certificate and plain tcp. Prints what each
 * build ran on, its cached steps and its time, and checks the issue's conditions; exit 1 when one fails.
 * Every daemon and temp directory it made is gone at the end.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createJob, runPhase } from '../scripts/harness.mjs';
import { makeCerts } from '../__tests__/support/certs.mjs';
import { startTlsBuildkitd, stopBuildkitd } from '../scripts/real-buildkitd.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const BIN = process.env.BUILDKIT_BIN;
const BUSYBOX = process.env.BENCH_BUSYBOX || ['/usr/bin/busybox', '/bin/busybox'].find((p) => fs.existsSync(p));
const missing = [];
if (!BIN || !fs.existsSync(path.join(BIN, 'buildkitd'))) missing.push('BUILDKIT_BIN: the directory with the real buildkitd and buildctl');
if (!BUSYBOX) missing.push('BENCH_BUSYBOX: a static busybox');
if (process.getuid?.() !== 0) missing.push('root (buildkitd needs it)');
if (!fs.existsSync(path.join(HERE, '..', 'dist', 'index.js'))) missing.push('dist/index.js: run npm run package');
if (missing.length) {
  console.error(`fleet-real cannot run; missing:\n${missing.map((m) => `  - ${m}`).join('\n')}`);
  process.exit(2);
}

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-real-'));
const daemons = [];
const failures = [];
const check = (ok, what) => {
  console.log(`${ok ? 'PASS' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
};

/** The tool cache the action finds: the real buildkitd/buildctl and bench/real's envd shim. */
function toolCache() {
  const tc = path.join(root, 'tool-cache');
  const bk = path.join(tc, 'buildkit', '0.32.2', 'amd64');
  fs.mkdirSync(path.join(bk, 'bin'), { recursive: true });
  for (const t of ['buildkitd', 'buildctl']) fs.symlinkSync(path.join(BIN, t), path.join(bk, 'bin', t));
  fs.writeFileSync(`${bk}.complete`, '');
  const envd = path.join(tc, 'envd', '1.3.4', 'amd64');
  fs.mkdirSync(envd, { recursive: true });
  fs.copyFileSync(path.join(HERE, 'real', 'envd-shim.sh'), path.join(envd, 'envd'));
  fs.chmodSync(path.join(envd, 'envd'), 0o755);
  fs.writeFileSync(`${envd}.complete`, '');
  return tc;
}

function project() {
  const dir = path.join(root, 'project');
  fs.mkdirSync(dir);
  fs.copyFileSync(BUSYBOX, path.join(dir, 'busybox'));
  fs.chmodSync(path.join(dir, 'busybox'), 0o755);
  fs.writeFileSync(
    path.join(dir, 'Dockerfile'),
    ['FROM scratch', 'COPY busybox /bin/busybox', 'RUN ["/bin/busybox","sh","-c","/bin/busybox sleep 2 && /bin/busybox head -c 4000000 /dev/urandom > /a"]', 'RUN ["/bin/busybox","sh","-c","/bin/busybox sleep 2 && echo b > /b"]', ''].join('\n')
  );
  fs.writeFileSync(path.join(dir, 'build.envd'), '# syntax=v1\n# fleet-real: the envd shim builds the Dockerfile in this directory\n\ndef build():\n    base(dev=True)\n');
  return dir;
}

let tc;
let workspace;
async function job(inputs) {
  const j = createJob({
    workspace,
    inputs: { 'envd-version': 'v1.3.4', 'buildkit-version': 'v0.32.2', cache: 'none', ...inputs },
    env: { HOME: fs.mkdtempSync(path.join(root, 'home-')), RUNNER_TOOL_CACHE: tc }
  });
  const started = Date.now();
  try {
    const main = await runPhase(j, 'main', { timeoutMs: 300_000 });
    const post = await runPhase(j, 'post', { timeoutMs: 60_000 });
    return { main, post, seconds: (Date.now() - started) / 1000 };
  } finally {
    j.cleanup();
  }
}

try {
  const certs = makeCerts(path.join(root, 'certs'));
  const pem = (f) => fs.readFileSync(f, 'utf8');
  const tls = { 'builder-tls-ca': certs.ca, 'builder-tls-cert': pem(certs.clientCert), 'builder-tls-key': pem(certs.clientKey) };
  tc = toolCache();
  workspace = project();
  for (const n of ['bk-0', 'bk-1', 'bk-2']) daemons.push(await startTlsBuildkitd({ bin: BIN, dir: path.join(root, n), certs }));
  const builder = daemons.map((d) => d.addr).join('\n');
  const runs = [];
  const chosen = new Map();
  console.log('scope       run  builder                  cached  job s  build s');
  for (let s = 0; s < 6; s++) {
    const scope = `scope-${s}`;
    for (const n of [1, 2]) {
      const r = await job({ builder, 'cache-scope': scope, ...tls });
      runs.push(r);
      const o = r.main.outputs;
      console.log(`${scope.padEnd(11)} ${n}    ${(o.builder || `exit ${r.main.code}`).padEnd(24)} ${`${o['cached-steps']}/${o['total-steps']}`.padEnd(7)} ${r.seconds.toFixed(1).padStart(5)}  ${o['build-seconds']}`);
      if (n === 1) chosen.set(scope, { builder: o.builder, seconds: r.seconds });
      else {
        check(r.main.code === 0 && o.builder === chosen.get(scope).builder, `${scope}: the second build ran on the same builder (${o.builder})`);
        check(o['cached-steps'] === o['total-steps'] && Number(o['total-steps']) > 0, `${scope}: the second build was served from that builder's own cache (cache: none)`);
      }
    }
  }
  check(new Set([...chosen.values()].map((c) => c.builder)).size >= 2, `the scopes spread over ${new Set([...chosen.values()].map((c) => c.builder)).size} builders`);

  const [scope, first] = [...chosen.entries()][0];
  const dead = daemons.find((d) => d.addr === first.builder);
  await stopBuildkitd(dead);
  const moved = await job({ builder, 'cache-scope': scope, ...tls });
  runs.push(moved);
  console.log(`${scope} after ${dead.addr} stopped: ran on ${moved.main.outputs.builder} in ${moved.seconds.toFixed(1)} s (its first build took ${first.seconds.toFixed(1)} s)`);
  check(moved.main.code === 0 && moved.main.outputs.builder && moved.main.outputs.builder !== dead.addr, `${scope} moved to another builder when its own died`);
  check(moved.seconds < first.seconds + 30, `within 30 s more than its first build (${moved.seconds.toFixed(1)} s vs ${first.seconds.toFixed(1)} s)`);

  const live = daemons.find((d) => !d.exited);
  for (const [what, inputs, text] of [
    ['a wrong CA', { ...tls, 'builder-tls-ca': certs.rogueCa }, 'TLS: the daemon\'s certificate is not signed'],
    ['no client certificate', { 'builder-tls-ca': certs.ca }, 'TLS: the daemon requires a client certificate'],
    ['plain tcp', {}, 'TLS: the daemon speaks TLS and the action connected in plain text']
  ]) {
    const r = await job({ builder: live.addr, 'cache-scope': 'tls', ...inputs });
    runs.push(r);
    const line = r.main.stdout.split('\n').find((l) => l.includes(`${live.addr}: ${text}`) && !l.startsWith('::add-mask::'));
    check(r.main.code === 1 && !!line && !r.main.stdout.includes('::group::envd build'), `${what}: stopped before a build, naming TLS and the address`);
    if (line) console.log(`     ${line.slice(0, 220)}`);
  }

  const secretLines = [pem(certs.clientKey), pem(certs.clientCert), pem(certs.ca)].flatMap((p) => p.split('\n').filter((l) => l.length >= 16 && !l.startsWith('-----')));
  const leaked = runs.flatMap((r) => [r.main, r.post]).filter((p) => {
    const text = [p.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::')).join('\n'), p.stderr, ...Object.values(p.files ?? {})].join('\n');
    return secretLines.some((l) => text.includes(l));
  });
  check(leaked.length === 0, 'no key or certificate line in any log, output, state or summary');
} catch (e) {
  failures.push(e.message);
  console.error(e);
} finally {
  for (const d of daemons) await stopBuildkitd(d);
  fs.rmSync(root, { recursive: true, force: true });
}
const left = spawnSync('pgrep', ['-f', root], { encoding: 'utf8' }).stdout.trim();
check(left === '', 'nothing left running');
console.log(failures.length ? `\n${failures.length} failed` : '\nall passed');
process.exit(failures.length ? 1 : 0);
