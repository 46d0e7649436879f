// `npm run bench:faults`: issue 21's "Done when" measured with a REAL BuildKit — for registry, s3 and gha and each
// fault of the fault proxy, a warm job with the fault, then a healthy job: does the build pass, how long does the
// job take beside the build's own time plus the deadline, does a warning say why the cache was not used, does the
// next healthy job restore the whole cache.
//
//   BUILDKIT_BIN=<dir with buildkitd and buildctl v0.32.2> npm run bench:faults
//   BENCH_BACKENDS=gha,registry  BENCH_FAULTS=stall,cut  … (subsets)
//
// The job is the action's bundle (dist/index.js, main then post, as bench:real runs it: scripts/harness.mjs, the
// tool cache holding the real buildkitd/buildctl and the envd shim bench/real/envd-shim.sh, which hands the build
// to buildctl with the action's cache flags). The build: FROM scratch, a static busybox, a RUN writing 3 MB of
// random bytes, a small RUN (so three cached layers of 1 MB, 3 MB and a few bytes), written as a tarball (`output:
// type=tar,…`): envd always writes an image, and only an output makes BuildKit pull the cached layers.
// Every cache service sits behind __tests__/support/fault-proxy.mjs, for BuildKit's cache traffic and the action's
// own requests alike: gha (the cache emulator: twirp and blob URLs point at the proxy), registry (Debian's
// docker-registry; the cache ref names the proxy's port), s3 (s3rver, path-style, endpoint_url at the proxy).
// Per backend: a cold job (healthy, fills the cache), then per fault: the warm job with the fault, then a healthy
// job. "build" is the healthy warm job's time; "bound" is the cold job's time (a build without the cache) plus
// `cache-timeout` (BENCH_CACHE_TIMEOUT, default 15s instead of the action's 5 min) plus the action's own request
// deadlines, scaled by ENVD_CACHE_ACTION_DEADLINE_SCALE (default here 0.25: a 10 s deadline is 2.5 s), both to keep
// this short; on GitHub the same rows take the default timeout and deadlines (docs/cache-failures.md).
// BENCH_LOG_DIR=<dir>: each job's log (main lines stamped with ms after spawn) kept there.
// A layer body cut: every blob but the gha index, half the body then the connection dropped. Everything this bench
// started (buildkitd the action started, registry, proxies) is stopped at the end and on SIGINT/SIGTERM.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { register } from 'node:module';
import * as net from 'node:net';
import { fileURLToPath } from 'node:url';
import { createJob, ROOT } from '../scripts/harness.mjs';
import { cpuProbe, spawnPhase } from './phases.mjs';
import { BUILDKIT, ENVD, Processes, killGroup, makeToolCache } from './real-shared.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const TIMEOUT = process.env.BENCH_CACHE_TIMEOUT || '15s';
const SCALE = process.env.ENVD_CACHE_ACTION_DEADLINE_SCALE || '0.25';
const JOB_TIMEOUT_MS = Number(process.env.BENCH_JOB_TIMEOUT_MS || 240_000);
const FAULTS = (process.env.BENCH_FAULTS || 'refuse,reset,503,every-second-503,slow,cut,stall').split(',');
const LABEL = {
  refuse: 'refused',
  reset: 'reset',
  503: 'every answer 503',
  'every-second-503': 'every second 503',
  slow: '1.5 s per request',
  cut: 'layer bodies cut',
  stall: 'accepts, never answers'
};

const missing = [];
const BIN = process.env.BUILDKIT_BIN ? path.resolve(process.env.BUILDKIT_BIN) : undefined;
if (!BIN)
  missing.push('BUILDKIT_BIN is not set: the directory holding a real buildkitd and buildctl (BuildKit v0.32.2)');
else
  for (const t of ['buildkitd', 'buildctl'])
    if (!fs.existsSync(path.join(BIN, t))) missing.push(`BUILDKIT_BIN has no ${t}`);
const BUSYBOX = process.env.BENCH_BUSYBOX || ['/usr/bin/busybox', '/bin/busybox'].find((p) => fs.existsSync(p));
if (!BUSYBOX) missing.push('no busybox: set BENCH_BUSYBOX to a static busybox');
if (process.getuid?.() !== 0) missing.push('not root: the action starts buildkitd as root');
if (!fs.existsSync(path.join(ROOT, 'dist', 'index.js'))) missing.push('no dist/index.js: npm run package first');
for (const f of FAULTS)
  if (!LABEL[f]) missing.push(`BENCH_FAULTS: unknown fault ${f} (one of ${Object.keys(LABEL).join(', ')})`);
const hasRegistry = spawnSync('sh', ['-c', 'command -v docker-registry'], { stdio: 'ignore' }).status === 0;
let BACKENDS = (process.env.BENCH_BACKENDS || 'registry,s3,gha').split(',');
const notes = [];
if (!hasRegistry && BACKENDS.includes('registry')) {
  notes.push('registry: not measured (no docker-registry on PATH)');
  BACKENDS = BACKENDS.filter((b) => b !== 'registry');
}
if (missing.length) {
  console.error(`bench:faults cannot run:\n${missing.map((m) => `- ${m}`).join('\n')}`);
  process.exit(2);
}

register('./ts-loader.mjs', import.meta.url);
const { startEmulator, Permission } = await import('../__tests__/support/emulator/index.js');
const { startFaultProxy } = await import('../__tests__/support/fault-proxy.mjs');
const { startS3 } = await import('../__tests__/support/services/s3.js');

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-faults-'));
const procs = new Processes(root);
const cleanups = [];
async function stopAll() {
  for (const c of procs.started) killGroup(c, 'SIGKILL');
  for (const s of procs.strays()) {
    try {
      process.kill(s.pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
  fs.rmSync(root, { recursive: true, force: true });
}
for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => stopAll().then(() => process.exit(130)));

const project = path.join(root, 'project');
fs.mkdirSync(project);
fs.copyFileSync(BUSYBOX, path.join(project, 'busybox'));
fs.chmodSync(path.join(project, 'busybox'), 0o755);
fs.writeFileSync(
  path.join(project, 'Dockerfile'),
  [
    'FROM scratch',
    'COPY busybox /bin/busybox',
    'RUN ["/bin/busybox","sh","-c","/bin/busybox mkdir -p /out && /bin/busybox head -c 3000000 /dev/urandom > /out/big"]',
    'RUN ["/bin/busybox","sh","-c","echo two > /out/b"]',
    ''
  ].join('\n')
);
fs.writeFileSync(
  path.join(project, 'build.envd'),
  '# syntax=v1\n# bench:faults: the envd shim builds the Dockerfile in this directory\n\ndef build():\n    base(dev=True)\n'
);
const tc = makeToolCache(root, BIN, path.join(HERE, 'real', 'envd-shim.sh'));
const runnerTemp = path.join(root, 'rt');
const probe = cpuProbe(root);

const freePort = () =>
  new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });

async function startRegistry() {
  const port = await freePort();
  const dir = path.join(root, 'registry');
  fs.mkdirSync(dir);
  const config = path.join(dir, 'config.yml');
  fs.writeFileSync(
    config,
    `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${dir}/data\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:${port}\n`
  );
  const log = fs.openSync(path.join(dir, 'log'), 'a');
  procs.track(spawn('docker-registry', ['serve', config], { stdio: ['ignore', log, log], detached: true }));
  fs.closeSync(log);
  for (const until = Date.now() + 15000; Date.now() < until; await new Promise((r) => setTimeout(r, 50))) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/v2/`)).status === 200) return `http://127.0.0.1:${port}`;
    } catch {
      // not yet
    }
  }
  throw new Error('docker-registry did not answer');
}

// ------------------------------------------------------------------------------------------ the services
const emu = await startEmulator({
  repository: 'octo/envd-demo',
  restTokens: { ghs_harnessToken000000000000000000000: 'write' },
  createsPerMinute: 1_000_000,
  restCallsPerHour: 1_000_000
});
cleanups.push(() => emu.close());
const token = emu.mintToken([{ Scope: 'refs/heads/main', Permission: Permission.All }]);

/** Per backend: the proxy in front of its service, the job's inputs and env, and which paths hold layer bodies. */
async function service(backend) {
  if (backend === 'gha') {
    const proxy = await startFaultProxy({ upstream: emu.url });
    emu.setPublicUrl(proxy.url);
    const ids = () =>
      emu
        .entries()
        .filter((e) => e.key.startsWith('buildkit-blob-') && e.committed)
        .map((e) => e.id);
    return {
      proxy,
      inputs: { cache: 'gha' },
      env: { ACTIONS_RESULTS_URL: `${proxy.url}/` },
      layers: () => new RegExp(`/cache-entry-(${ids().join('|')})\\?`)
    };
  }
  if (backend === 'registry') {
    const proxy = await startFaultProxy({ upstream: await startRegistry() });
    const host = proxy.url.replace(/^http:\/\//, '');
    return {
      proxy,
      inputs: { cache: 'registry', 'cache-ref': `${host}/bench/faults:buildcache` },
      env: {},
      layers: () => /\/blobs\/sha256:/
    };
  }
  const s3 = await startS3(['cache']);
  cleanups.push(() => s3.stop());
  const proxy = await startFaultProxy({ upstream: s3.endpoint });
  const options = `bucket=cache,region=us-east-1,endpoint_url=${proxy.url},use_path_style=true,access_key_id=${s3.accessKeyId},secret_access_key=${s3.secretAccessKey}`;
  return { proxy, inputs: { cache: 's3', 'cache-options': options }, env: {}, layers: () => /\/blobs\/sha256:/ };
}

// ------------------------------------------------------------------------------------------ one job
let runIds = 7000;
async function job(svc, scope) {
  fs.rmSync(runnerTemp, { recursive: true, force: true });
  fs.mkdirSync(runnerTemp);
  const home = fs.mkdtempSync(path.join(root, 'home-'));
  const env = {
    HOME: home,
    RUNNER_TOOL_CACHE: tc,
    RUNNER_TEMP: runnerTemp,
    GITHUB_API_URL: emu.apiUrl,
    ACTIONS_RESULTS_URL: emu.resultsUrl,
    ACTIONS_CACHE_SERVICE_V2: 'True',
    ACTIONS_RUNTIME_TOKEN: token,
    GITHUB_RUN_ID: String(++runIds),
    ENVD_CACHE_ACTION_DEADLINE_SCALE: SCALE,
    ...svc.env
  };
  // An output, as envd always has one (its image): without it BuildKit never pulls the cached layers.
  const output = `type=tar,dest=${path.join(root, 'out.tar')}`;
  const inputs = {
    'envd-version': ENVD,
    'buildkit-version': BUILDKIT,
    'cache-scope': scope,
    'cache-timeout': TIMEOUT,
    output,
    ...svc.inputs
  };
  const j = createJob({ workspace: project, inputs, env });
  const phase = async (name) => {
    let child;
    const timer = setTimeout(() => child && killGroup(child, 'SIGKILL'), JOB_TIMEOUT_MS);
    try {
      return await spawnPhase(j, path.join(ROOT, 'dist', 'index.js'), name, {
        probe,
        detached: true,
        onChild: (c) => procs.track((child = c))
      });
    } finally {
      clearTimeout(timer);
    }
  };
  try {
    const main = await phase('main');
    const post = await phase('post');
    const left = procs.strays().filter((s) => s.cmd.includes(runnerTemp));
    for (const s of left) process.kill(s.pid, 'SIGKILL');
    const text = [...main.lines, ...post.lines].map((l) => l.text);
    if (process.env.BENCH_LOG_DIR)
      fs.writeFileSync(
        path.join(process.env.BENCH_LOG_DIR, `${scope}-${runIds}.log`),
        `${main.lines.map((l) => `${Math.round(l.at)} ${l.text}`).join('\n')}\n${main.err}\n--- post\n${post.lines.map((l) => l.text).join('\n')}\n`
      );
    return {
      ms: main.ms + post.ms,
      ok: main.code === 0 && post.code === 0,
      codes: `${main.code}/${post.code}`,
      cached: `${main.outputs['cached-steps'] ?? '?'}/${main.outputs['total-steps'] ?? '?'}`,
      full:
        main.outputs['cached-steps'] !== undefined &&
        main.outputs['cached-steps'] === main.outputs['total-steps'] &&
        main.outputs['total-steps'] !== '0',
      warnings: text.filter((t) => /^::warning/.test(t)).map((t) => t.replace(/^::warning[^:]*::/, '').slice(0, 160)),
      attempts: text.filter((t) => /^::group::envd build/.test(t)).length,
      left: left.length,
      tail: main.ok === false || main.code !== 0 ? text.slice(-8).join(' | ') : ''
    };
  } finally {
    j.cleanup();
    fs.rmSync(home, { recursive: true, force: true });
  }
}

const s1 = (ms) => `${(ms / 1000).toFixed(1)} s`;
const rows = [];
try {
  for (const backend of BACKENDS) {
    const svc = await service(backend);
    cleanups.push(() => svc.proxy.close());
    const scope = `faults-${backend}`;
    const cold = await job(svc, scope);
    console.log(`${backend}: cold job ${s1(cold.ms)} (${cold.codes}, ${cold.cached} cached)`);
    const warm = await job(svc, scope);
    console.log(`${backend}: healthy warm job ${s1(warm.ms)} (${warm.cached} cached)`);
    for (const fault of FAULTS) {
      const f =
        fault === 'slow'
          ? { kind: 'slow', ms: 1500 }
          : fault === 'cut'
            ? { kind: 'cut', path: svc.layers() }
            : { kind: fault };
      await svc.proxy.set(f);
      const t0 = Date.now();
      const bad = await job(svc, scope);
      await svc.proxy.set({ kind: 'refuse' }); // drops the stalled connections
      await svc.proxy.set({ kind: 'none' });
      const after = await job(svc, scope);
      const row = { backend, fault, bad, after, cold, warm, wall: Date.now() - t0 };
      rows.push(row);
      console.log(
        `${backend} ${LABEL[fault]}: ${bad.ok ? 'passed' : `FAILED ${bad.codes}`} in ${s1(bad.ms)}, ${bad.attempts} build(s), ${bad.warnings.length} warning(s); next healthy job ${s1(after.ms)}, ${after.cached} cached${bad.tail ? `\n   ${bad.tail}` : ''}`
      );
    }
  }
} finally {
  await stopAll();
}

// ------------------------------------------------------------------------------------------ the table
const cacheWarning = (w) => w.find((x) => /cache|import|layer|export/i.test(x));
console.log(
  `\nbench:faults — BuildKit ${BUILDKIT} through the envd shim; cache-timeout ${TIMEOUT}, deadlines × ${SCALE}`
);
console.log(
  '"bound" = the cold job (the build without the cache) + cache-timeout; "healthy" = a warm job without a fault.\n'
);
console.log(
  '| backend | fault | build passes | job (bound; healthy) | builds | warning why the cache was not used | next healthy job restores the whole cache |'
);
console.log('|---|---|---|---|---|---|---|');
const timeoutMs = Number(/^(\d+)s$/.exec(TIMEOUT)?.[1] ?? 15) * 1000;
for (const r of rows) {
  const bound = r.cold.ms + timeoutMs;
  const within = r.bad.ms <= bound ? '' : ' **over**';
  const w = cacheWarning(r.bad.warnings);
  console.log(
    `| ${r.backend} | ${LABEL[r.fault]} | ${r.bad.ok ? 'yes' : `**no** (${r.bad.codes})`} | ${s1(r.bad.ms)}${within} (${s1(bound)}; ${s1(r.warm.ms)}) | ${r.bad.attempts} | ${w ? w.replace(/\|/g, '\\|').slice(0, 110) : r.bad.full ? '— (cache used: ' + r.bad.cached + ')' : '**none** (' + r.bad.cached + ' cached)'} | ${r.after.full ? `yes (${r.after.cached})` : `**no** (${r.after.cached})`} |`
  );
}
for (const n of notes) console.log(`- ${n}`);
const left = rows.filter((r) => r.bad.left || r.after.left);
if (left.length)
  console.log(`- processes left running after post: ${left.map((r) => `${r.backend} ${r.fault}`).join(', ')}`);
