#!/usr/bin/env node
/**
 * node bench/fleet-real.mjs — issue 22's "done when", against real BuildKit (not part of npm test):
 *
 *   BUILDKIT_BIN=<dir with buildkitd and buildctl v0.32.2> [BENCH_BUSYBOX=<static busybox>] node bench/fleet-real.mjs
 *
 * As root. Three real buildkitd on 127.0.0.1 with mutual TLS (--tlscacert/--tlscert/--tlskey; certificates made
 * with openssl here), and the bundle (dist/, run `npm run package` first) as the runner runs it, with the envd
 * shim of bench/real (it builds the Dockerfile beside build.envd through buildctl, on the context the action
 * made: here the action's TLS relay). Each leg has its own three daemons, and each scope its own project (a step
 * that names the scope), so no builder holds another scope's steps:
 *   none      six scopes built twice with cache: none; then a scope's builder is stopped and the scope built again.
 *   registry  the same with cache: registry (a loopback docker-registry) and the image written as a tar: the
 *             scope whose builder was stopped must build on its next-ranked builder, which never built it, with
 *             every step CACHED from the registry import (its layers downloaded for the tar), within 30 s of
 *             its usual (warm) build.
 *   blackhole a loopback port that accepts and never answers, ranked first for a scope: how long until the
 *             build fails over (the probe's 10 s bound), compared with the same warm build without it.
 *   tls       a wrong CA, no client certificate and plain tcp.
 * FLEET_LEGS=registry,blackhole (comma separated) runs some of them; the default is all four. FLEET_PAYLOAD_MB
 * (default 4): the size of the layer each scope's first step writes. Prints what each
 * build ran on, its cached steps and its time, and checks the issue's conditions; exit 1 when one fails.
 * Every daemon and temp directory it made is gone at the end.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { register } from 'node:module';
import * as net from 'node:net';
import { fileURLToPath } from 'node:url';
import { createJob, runPhase } from '../scripts/harness.mjs';
import { killGroup, makeToolCache, startPlainRegistry } from './real-shared.mjs';
import { makeCerts } from '../__tests__/support/certs.mjs';
import { startTlsBuildkitd, stopBuildkitd } from '../scripts/real-buildkitd.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const BIN = process.env.BUILDKIT_BIN;
const BUSYBOX = process.env.BENCH_BUSYBOX || ['/usr/bin/busybox', '/bin/busybox'].find((p) => fs.existsSync(p));
const missing = [];
if (!BIN || !fs.existsSync(path.join(BIN, 'buildkitd')))
  missing.push('BUILDKIT_BIN: the directory with the real buildkitd and buildctl');
if (!BUSYBOX) missing.push('BENCH_BUSYBOX: a static busybox');
if (process.getuid?.() !== 0) missing.push('root (buildkitd needs it)');
if (!fs.existsSync(path.join(HERE, '..', 'dist', 'index.js'))) missing.push('dist/index.js: run npm run package');
if (missing.length) {
  console.error(`fleet-real cannot run; missing:\n${missing.map((m) => `  - ${m}`).join('\n')}`);
  process.exit(2);
}

/** The size of the random file a scope's first step writes (its layer), in MB. */
const PAYLOAD_MB = Number(process.env.FLEET_PAYLOAD_MB || 4);
const LEGS = (process.env.FLEET_LEGS || 'none,registry,blackhole,tls').split(',').map((l) => l.trim());
register('./ts-loader.mjs', import.meta.url);
const { rank } = await import('../src/fleet/rank.ts');

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-real-'));
const daemons = [];
const failures = [];
const check = (ok, what) => {
  console.log(`${ok ? 'PASS' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
};

/** A project for one scope: the Dockerfile's steps name it, so only a builder that built this scope (or imported its cache) holds them. */
function project(scope) {
  const dir = path.join(root, 'projects', scope);
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(BUSYBOX, path.join(dir, 'busybox'));
  fs.chmodSync(path.join(dir, 'busybox'), 0o755);
  fs.writeFileSync(
    path.join(dir, 'Dockerfile'),
    [
      'FROM scratch',
      'COPY busybox /bin/busybox',
      `RUN ["/bin/busybox","sh","-c","/bin/busybox sleep 2 && echo ${scope} > /scope && /bin/busybox head -c ${PAYLOAD_MB * 1000000} /dev/urandom > /a"]`,
      'RUN ["/bin/busybox","sh","-c","/bin/busybox sleep 2 && echo b > /b"]',
      ''
    ].join('\n')
  );
  fs.writeFileSync(
    path.join(dir, 'build.envd'),
    '# syntax=v1\n# fleet-real: the envd shim builds the Dockerfile in this directory\n\ndef build():\n    base(dev=True)\n'
  );
  return dir;
}

let tc;
let tls;
async function job(workspace, inputs) {
  const j = createJob({
    workspace,
    inputs: { 'envd-version': 'v1.3.4', 'buildkit-version': 'v0.32.2', cache: 'none', ...inputs },
    env: { HOME: fs.mkdtempSync(path.join(root, 'home-')), RUNNER_TOOL_CACHE: tc }
  });
  const started = Date.now();
  try {
    const main = await runPhase(j, 'main', { timeoutMs: 300_000 });
    const post = await runPhase(j, 'post', { timeoutMs: 60_000 });
    const r = { main, post, seconds: (Date.now() - started) / 1000 };
    runs.push(r);
    return r;
  } finally {
    j.cleanup();
  }
}

const cached = (r) => `${r.main.outputs['cached-steps']}/${r.main.outputs['total-steps']}`;
const allCached = (r) =>
  r.main.outputs['cached-steps'] === r.main.outputs['total-steps'] && Number(r.main.outputs['total-steps']) > 0;
function row(scope, n, r) {
  const o = r.main.outputs;
  console.log(
    `${scope.padEnd(13)} ${String(n).padEnd(4)} ${(o.builder || `exit ${r.main.code}`).padEnd(24)} ${cached(r).padEnd(7)} ${r.seconds.toFixed(1).padStart(5)}  ${o['build-seconds']}`
  );
}
/** The ranking the action logged for the scope ("Fleet of 3 for cache scope X, by rendezvous hashing: a, b, c"). */
const rankingOf = (r) =>
  /Fleet of \d+ for cache scope .*?, by rendezvous hashing: (.*)$/m.exec(r.main.stdout)?.[1].split(', ') ?? [];

/** Three real buildkitd with mutual TLS, each with its own root under root/<leg>-<n>. */
async function startFleet(leg) {
  const fleet = [];
  for (const n of [0, 1, 2])
    fleet.push(await startTlsBuildkitd({ bin: BIN, dir: path.join(root, `${leg}-${n}`), certs }));
  daemons.push(...fleet);
  return fleet;
}

/**
 * Six scopes built twice on `fleet` with `cacheOf(scope)`: the same builder both times, the first cold, the
 * second all CACHED from the builder's own state; spread over two builders at least. Returns each scope's runs.
 */
async function stickyScopes(leg, fleet, cacheOf) {
  const builder = fleet.map((d) => d.addr).join('\n');
  const scopes = new Map();
  console.log(`\n${leg}: scope         run  builder                  cached  job s  build s`);
  for (let s = 0; s < 6; s++) {
    const scope = `${leg}-${s}`;
    const ws = project(scope);
    const first = await job(ws, { builder, 'cache-scope': scope, ...tls, ...cacheOf(scope) });
    row(scope, 1, first);
    const second = await job(ws, { builder, 'cache-scope': scope, ...tls, ...cacheOf(scope) });
    row(scope, 2, second);
    check(
      first.main.code === 0 && !allCached(first),
      `${scope}: the first build ran and was cold (${cached(first)} cached)`
    );
    check(
      second.main.code === 0 && second.main.outputs.builder === first.main.outputs.builder,
      `${scope}: the second build ran on the same builder (${second.main.outputs.builder})`
    );
    check(allCached(second), `${scope}: the second build was served from that builder's own cache`);
    scopes.set(scope, { ws, builder, first, second, cache: cacheOf(scope) });
  }
  const spread = new Set([...scopes.values()].map((c) => c.first.main.outputs.builder)).size;
  check(spread >= 2, `${leg}: the scopes spread over ${spread} builders`);
  return scopes;
}

/** Stops the builder of the leg's first scope and builds that scope again: on the next-ranked builder. */
async function failover(leg, fleet, scopes) {
  const [scope, s] = [...scopes.entries()][0];
  const dead = fleet.find((d) => d.addr === s.first.main.outputs.builder);
  await stopBuildkitd(dead);
  const next = rankingOf(s.first).find((a) => a !== dead.addr);
  const moved = await job(s.ws, { builder: s.builder, 'cache-scope': scope, ...tls, ...s.cache });
  row(scope, 'dead', moved);
  console.log(
    `${scope} after ${dead.addr} stopped: ran on ${moved.main.outputs.builder} in ${moved.seconds.toFixed(1)} s (cold ${s.first.seconds.toFixed(1)} s, warm ${s.second.seconds.toFixed(1)} s on ${dead.addr})`
  );
  check(
    moved.main.code === 0 && moved.main.outputs.builder === next,
    `${scope} moved to its next-ranked builder ${next} when its own died`
  );
  check(
    moved.seconds <= s.second.seconds + 30,
    `${leg}: within 30 s more than its usual build (${moved.seconds.toFixed(1)} s vs ${s.second.seconds.toFixed(1)} s warm)`
  );
  return { scope, moved, s };
}

async function noneLeg() {
  const fleet = await startFleet('none');
  const scopes = await stickyScopes('none', fleet, () => ({ cache: 'none' }));
  await failover('none', fleet, scopes);
}

/** cache: registry: the scope that moves finds none of its steps on its new builder and imports them all. */
async function registryLeg() {
  const registry = await startPlainRegistry(
    path.join(root, 'registry'),
    process.env.BENCH_REGISTRY || 'docker-registry'
  );
  registries.push(registry.child);
  const fleet = await startFleet('registry');
  // A tar of the image as the output: every layer is read, so the moved build downloads what it imported.
  fs.mkdirSync(path.join(root, 'out'));
  const cacheOf = (scope) => ({
    cache: 'registry',
    'cache-ref': `${registry.host}/fleet/${scope}:buildcache`,
    output: `type=tar,dest=${path.join(root, 'out', `${scope}.tar`)}`
  });
  const scopes = await stickyScopes('registry', fleet, cacheOf);
  const { moved, s } = await failover('registry', fleet, scopes);
  const ref = s.cache['cache-ref'];
  // BuildKit's plain progress: `#N importing cache manifest from <ref>`, then `#N DONE …` once it was read.
  const vertex = moved.main.stdout
    .split('\n')
    .find((l) => l.includes(`importing cache manifest from ${ref}`))
    ?.match(/#(\d+) /)?.[1];
  const imported = !!vertex && moved.main.stdout.includes(`#${vertex} DONE`);
  check(
    allCached(moved) && imported,
    `registry: on the new builder every step was CACHED from the registry import of ${ref} (${cached(moved)})`
  );
  return fleet;
}

/** A loopback port that accepts connections and never sends a byte. */
async function blackHole() {
  const held = new Set();
  const srv = net.createServer((c) => {
    held.add(c);
    c.on('close', () => held.delete(c));
    c.on('error', () => {});
  });
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  return {
    addr: `tcp://127.0.0.1:${srv.address().port}`,
    close: () =>
      new Promise((r) => {
        for (const c of held) c.destroy();
        srv.close(r);
      })
  };
}

/** A black-holed builder ranked first: the time the failover adds to the same warm build. */
async function blackholeLeg(live) {
  const fleet = live.filter((d) => !d.exited);
  if (fleet.length < 2) fleet.push(...(await startFleet('blackhole')));
  const hole = await blackHole();
  try {
    const all = [hole.addr, ...fleet.map((d) => d.addr)];
    const scope = Array.from({ length: 200 }, (_, i) => `blackhole-${i}`).find(
      (sc) =>
        rank(
          sc,
          all.map((text) => ({ text }))
        )[0].text === hole.addr
    );
    const ws = project(scope);
    const without = { builder: fleet.map((d) => d.addr).join('\n'), 'cache-scope': scope, ...tls };
    await job(ws, without);
    const warm = await job(ws, without);
    const holed = await job(ws, { ...without, builder: all.join('\n') });
    row(scope, 'warm', warm);
    row(scope, 'hole', holed);
    const added = holed.seconds - warm.seconds;
    console.log(
      `${scope}: ${hole.addr} (accepts, never answers) ranked first: the build failed over to ${holed.main.outputs.builder} after ${added.toFixed(1)} s more than the same warm build (${holed.seconds.toFixed(1)} s vs ${warm.seconds.toFixed(1)} s)`
    );
    check(
      holed.main.code === 0 && holed.main.outputs.builder === warm.main.outputs.builder && allCached(holed),
      `blackhole: the build ran on the builder it uses without the black hole, from its cache`
    );
    check(
      holed.main.stdout.includes(`Passed over ${hole.addr}: no answer to ListWorkers within 10 s`),
      'blackhole: the log names the black hole and the 10 s bound'
    );
    check(added <= 30, `blackhole: failover within 30 s (${added.toFixed(1)} s added)`);
  } finally {
    await hole.close();
  }
}

async function tlsLeg(live) {
  const fleet = live.filter((d) => !d.exited);
  if (!fleet.length) fleet.push(...(await startFleet('tls')));
  const d = fleet[0];
  const ws = project('tls');
  for (const [what, inputs, text] of [
    ['a wrong CA', { ...tls, 'builder-tls-ca': certs.rogueCa }, "TLS: the daemon's certificate is not signed"],
    ['no client certificate', { 'builder-tls-ca': certs.ca }, 'TLS: the daemon requires a client certificate'],
    ['plain tcp', {}, 'TLS: the daemon speaks TLS and the action connected in plain text']
  ]) {
    const r = await job(ws, { builder: d.addr, 'cache-scope': 'tls', ...inputs });
    const line = r.main.stdout
      .split('\n')
      .find((l) => l.includes(`${d.addr}: ${text}`) && !l.startsWith('::add-mask::'));
    check(
      r.main.code === 1 && !!line && !r.main.stdout.includes('::group::envd build'),
      `${what}: stopped before a build, naming TLS and the address`
    );
    if (line) console.log(`     ${line.slice(0, 220)}`);
  }
}

let certs;
const runs = [];
const registries = [];
try {
  certs = makeCerts(path.join(root, 'certs'));
  const pem = (f) => fs.readFileSync(f, 'utf8');
  tls = {
    'builder-tls-ca': certs.ca,
    'builder-tls-cert': pem(certs.clientCert),
    'builder-tls-key': pem(certs.clientKey)
  };
  tc = makeToolCache(root, BIN, path.join(HERE, 'real', 'envd-shim.sh'));
  let live = [];
  if (LEGS.includes('none')) await noneLeg();
  if (LEGS.includes('registry')) live = await registryLeg();
  if (LEGS.includes('blackhole')) await blackholeLeg(live);
  if (LEGS.includes('tls')) await tlsLeg(live);

  const secretLines = [pem(certs.clientKey), pem(certs.clientCert), pem(certs.ca)].flatMap((p) =>
    p.split('\n').filter((l) => l.length >= 16 && !l.startsWith('-----'))
  );
  const leaked = runs
    .flatMap((r) => [r.main, r.post])
    .filter((p) => {
      const text = [
        p.stdout
          .split('\n')
          .filter((l) => !l.startsWith('::add-mask::'))
          .join('\n'),
        p.stderr,
        ...Object.values(p.files ?? {})
      ].join('\n');
      return secretLines.some((l) => text.includes(l));
    });
  check(
    runs.length > 0 && leaked.length === 0,
    `no key or certificate line in any log, output, state or summary (${runs.length} jobs)`
  );
} catch (e) {
  failures.push(e.message);
  console.error(e);
} finally {
  for (const d of daemons) await stopBuildkitd(d);
  for (const c of registries) killGroup(c, 'SIGKILL');
  fs.rmSync(root, { recursive: true, force: true });
}
const left = spawnSync('pgrep', ['-f', root], { encoding: 'utf8' }).stdout.trim();
check(left === '', 'nothing left running');
console.log(failures.length ? `\n${failures.length} failed` : '\nall passed');
process.exit(failures.length ? 1 : 0);
