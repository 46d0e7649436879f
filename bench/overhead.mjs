// `npm run bench:overhead`: what the action itself adds to a warm job, main and post, run as the runner runs
// them (scripts/harness.mjs: a clean environment, INPUT_* from action.yml, `node dist/index.js` twice, STATE_*
// between). envd, buildkitd and buildctl are stand-ins that answer at once, written by this bench into a
// temporary tool cache as small shell scripts (not Node, so that their own start-up does not hide the
// action's). The fake buildkitd listens on its socket through a perl one-liner: the action waits for the
// socket to accept before it asks `buildctl debug workers`.
//
// Four warm jobs per round (BENCH_BACKENDS=registry,… picks some): `registry` without the GitHub cache
// service (no REST call, nothing read from the cache: comparable with earlier runs of this bench);
// `registry-svc`, the same with the cache service a hosted runner always offers (ACTIONS_RUNTIME_TOKEN, so
// the hit-ratio history is read and saved); and `gha`, whose budget read and prune also go to REST. The
// service is the cache emulator of the tests (__tests__/support/emulator, loaded through bench/ts-loader.mjs)
// with every REST answer held back BENCH_REST_MS (default 70, what the issue measured on a runner). BuildKit's
// own cache traffic is not exercised (the stand-ins ignore the cache flags, but for local's, below). The gha
// leg's emulator holds what the cold job's BuildKit export left in the scope (an index naming three 12 MB layers,
// and the layers), so a warm job sizes its export from it as on a runner (BENCH_GHA_SEED=0: an empty scope).
// BENCH_BUILD_MS makes the stand-in `envd build` take that long, BENCH_BUILDKITD_MS the stand-in buildkitd wait
// that long before it listens (both 0 by default), to see what main does while it waits on real tools (subtract
// them from the figures). BENCH_LOG=1 prints each job's log lines with their arrival (ms after spawn).
//
// `local` restores and saves its directory through @actions/cache against the emulator: the stand-in envd writes the
// same OCI layout (one BENCH_LOCAL_MB blob of random bytes, default 50) into the export every time, as an unchanged
// build does, so a warm job restores it and finds nothing to save; all jobs share one RUNNER_TEMP, as on a hosted
// runner (@actions/cache versions an entry by its path).
//
// Each round runs, alternating so that machine noise hits all alike: two bare `node` starts (`node -e ''`),
// then one warm job per bundle and backend (this bundle, and each `--compare [name=]DIR`, an older dist/).
// Printed per bundle and backend: `overhead-ms main=… post=… total=… bare-node=…` (medians of the wall time
// of each phase from spawn to exit; bare-node beside them; total is main+post), `cpu-ms …` (the same for the
// CPU time of the action's own process, user+system, stand-ins excluded: steadier than wall time on a busy
// machine), and the breakdown by phase from the action's own log: spawn to its first line (start-up:
// loading the bundle), then from each `::group::` line to the next, and from the last one to the exit.
//
// `npm run bench:startup` (bench/startup.mjs) is kept: it measures something narrower, the time from spawning
// main to the moment main spawns `envd build`, with the Node stand-ins of the tests (their start-up included).
//
//   BENCH_RUNS=15 npm run bench:overhead                       # this worktree's dist/ (npm run package first)
//   node bench/overhead.mjs --compare old=/tmp/old/dist        # beside older bundles, same run (repeatable)
import { spawn } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { register } from 'node:module';
import { createJob, ROOT } from '../scripts/harness.mjs';
import { bundlesFrom, cpuProbe, readCpu, segments, spawnPhase } from './phases.mjs';

register('./ts-loader.mjs', import.meta.url);
const { startEmulator, Permission } = await import('../__tests__/support/emulator/index.js');
const { blobKey, indexKey, sha256Digest } = await import('../src/budget/keys.js');

const RUNS = Number(process.env.BENCH_RUNS || 11);
const bundles = bundlesFrom(process.argv.slice(2), ROOT);
const BACKENDS = (process.env.BENCH_BACKENDS || 'registry,registry-svc,gha,local').split(',');
const REST_MS = Number(process.env.BENCH_REST_MS ?? 70);
/** How long the stand-in `envd build` takes (default 0: the action's own time alone); BuildKit's time is idle time for main. */
const BUILD_S = (Number(process.env.BENCH_BUILD_MS ?? 0) / 1000).toFixed(3);
/** How long the stand-in buildkitd takes before it listens (default 0); a real one takes a few hundred ms. */
const BUILDKITD_S = (Number(process.env.BENCH_BUILDKITD_MS ?? 0) / 1000).toFixed(3);
const ENVD = 'v1.3.4';
const BUILDKIT = 'v0.32.2';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-overhead-'));
const project = path.join(root, 'project');
fs.mkdirSync(project);
fs.writeFileSync(path.join(project, 'build.envd'), '# syntax=v1\n\ndef build():\n    base(dev=True)\n');

/** How large the `local` leg's cache is: one blob of random (incompressible, like a compressed layer) bytes. */
const LOCAL_MB = Number(process.env.BENCH_LOCAL_MB ?? 50);
/** The blob the stand-in envd writes into a local export, and the index.json that names it. */
const localBlob = (() => {
  const file = path.join(root, 'local-blob');
  const data = crypto.randomBytes(LOCAL_MB * 1000 * 1000);
  fs.writeFileSync(file, data);
  const hex = crypto.createHash('sha256').update(data).digest('hex');
  const index = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [
      { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: `sha256:${hex}`, size: data.length }
    ]
  });
  return { file, hex, index };
})();

/** A tool cache as @actions/tool-cache lays it out (`<tool>/<semver>/<arch>` plus `<arch>.complete`), stand-ins inside. */
function toolCache() {
  const tc = path.join(root, 'tool-cache');
  const put = (tool, version, rel, text) => {
    const dir = path.join(tc, tool, version.replace(/^v/, ''), 'amd64');
    const file = path.join(dir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text, { mode: 0o755 });
    fs.writeFileSync(`${dir}.complete`, '');
  };
  put(
    'envd',
    ENVD,
    'envd',
    `#!/bin/sh
# envd stand-in: every command succeeds at once; a build prints one finished step. A build with
# --export-cache type=local,dest=DIR writes the same OCI layout into DIR every time (one ${LOCAL_MB} MB blob),
# as BuildKit does for an unchanged build.
case "$*" in
  *version*) echo "envd: ${ENVD}" ;;
  *build*)
    echo "#1 [internal] load build definition"; case " $* " in *" build "*) sleep ${BUILD_S} ;; esac; echo "#1 DONE 0.0s"
    prev=""
    for a in "$@"; do
      if [ "$prev" = "--export-cache" ]; then
        case "$a" in *type=local*)
          dest=$(printf '%s' "$a" | tr ',' '\\n' | sed -n 's/^dest=//p')
          mkdir -p "$dest/blobs/sha256"
          cp "${localBlob.file}" "$dest/blobs/sha256/${localBlob.hex}"
          printf '%s' '{"imageLayoutVersion":"1.0.0"}' > "$dest/oci-layout"
          printf '%s' '${localBlob.index}' > "$dest/index.json" ;;
        esac
      fi
      prev="$a"
    done ;;
esac
exit 0
`
  );
  put(
    'buildkit',
    BUILDKIT,
    'bin/buildkitd',
    `#!/bin/sh
# buildkitd stand-in: listens on the --addr socket (perl: sh cannot) until it is signalled.
case "$1" in --version|-v) echo "buildkitd github.com/moby/buildkit ${BUILDKIT} 0000000000000000000000000000000000000000"; exit 0 ;; esac
addr=""
while [ $# -gt 0 ]; do
  case "$1" in --addr) addr="$2"; shift ;; --addr=*) addr="\${1#--addr=}" ;; esac
  shift
done
sock="\${addr#unix://}"
sleep ${BUILDKITD_S}
echo "time=\\"0\\" level=info msg=\\"running server on $sock\\""
exec perl -MIO::Socket::UNIX -e '$s = IO::Socket::UNIX->new(Local => $ARGV[0], Listen => 16) or die "listen: $!"; while (my $c = $s->accept) { close $c }' "$sock"
`
  );
  put('buildkit', BUILDKIT, 'bin/buildctl', '#!/bin/sh\n# buildctl stand-in: the daemon always answers.\nexit 0\n');
  return tc;
}
const tc = toolCache();

/** Writes the process's own CPU time to BENCH_CPU_FILE as it exits; loaded with --require. */
const probe = cpuProbe(root);

const emu = BACKENDS.some((b) => b !== 'registry')
  ? await startEmulator({ repository: 'octo/envd-demo', restTokens: { ghs_harnessToken000000000000000000000: 'read' } })
  : undefined;
if (BACKENDS.includes('gha') && process.env.BENCH_GHA_SEED !== '0') seedGhaScope('bench', 'refs/heads/main');

/** The gha cache a cold job leaves in `scope` (BuildKit's key layout, src/budget/keys.ts): three layers and their index. */
function seedGhaScope(scope, ref) {
  const layers = ['run-1', 'run-2', 'run-3'].map((l) => sha256Digest(`${l}-blob`));
  const createdAt = Date.now() - 60 * 60 * 1000;
  for (const blob of layers) emu.seed({ ref, key: blobKey(blob), sizeBytes: 12 * 1000 * 1000, createdAt });
  const config = {
    layers: layers.map((blob, i) => ({
      blob,
      parent: i - 1,
      annotations: { 'containerd.io/uncompressed': sha256Digest(`${blob}-diff`) }
    })),
    records: layers.map((blob, i) => ({ digest: sha256Digest(`key-${blob}`), layers: [{ layer: i }] }))
  };
  emu.seed({ ref, key: indexKey(scope, ref, 1), data: JSON.stringify(config), createdAt });
}

function job(backend) {
  const common = { 'cache-scope': 'bench', 'envd-version': ENVD, 'buildkit-version': BUILDKIT };
  const env = { HOME: fs.mkdtempSync(path.join(root, 'home-')), RUNNER_TOOL_CACHE: tc };
  const registry = { cache: 'registry', 'cache-ref': 'localhost:5000/bench/env:buildcache', ...common };
  if (backend === 'registry') return createJob({ workspace: project, inputs: registry, env });
  if (backend === 'gha') emu.failNext('rest', 50, { delayMs: REST_MS });
  const service = {
    GITHUB_API_URL: emu.apiUrl,
    ACTIONS_RESULTS_URL: emu.resultsUrl,
    ACTIONS_CACHE_SERVICE_V2: 'True',
    ACTIONS_RUNTIME_TOKEN: emu.mintToken([{ Scope: 'refs/heads/main', Permission: Permission.All }])
  };
  const inputs =
    backend === 'gha' ? { cache: 'gha', ...common } : backend === 'local' ? { cache: 'local', ...common } : registry;
  // A hosted runner's RUNNER_TEMP is the same path in every job, and @actions/cache versions an entry by its path.
  const temp = backend === 'local' ? { RUNNER_TEMP: path.join(root, 'runner-temp') } : {};
  return createJob({ workspace: project, inputs, env: { ...env, ...service, ...temp } });
}

/** One phase; a phase that fails stops the bench with its log. */
async function phase(j, entry, name) {
  const r = await spawnPhase(j, entry, name, { probe });
  if (r.code !== 0) throw new Error(`${name} exited ${r.code}:\n${r.lines.map((l) => l.text).join('\n')}\n${r.err}`);
  return r;
}

function bare() {
  const cpuFile = path.join(root, 'bare-cpu');
  return new Promise((resolve) => {
    const t0 = performance.now();
    spawn(process.execPath, ['--require', probe, '-e', ''], {
      stdio: 'ignore',
      env: { ...process.env, BENCH_CPU_FILE: cpuFile }
    }).on('close', () => resolve({ ms: performance.now() - t0, cpu: readCpu(cpuFile) }));
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const f0 = (x) => x.toFixed(0);

const runsOf = (b, backend) => `${b.name} ${backend}`;
const results = {};
for (const b of bundles)
  for (const backend of BACKENDS)
    results[runsOf(b, backend)] = { main: [], post: [], total: [], cpu: { main: [], post: [], total: [] }, parts: {} };
const bares = [];
async function warmJob(b, backend, record) {
  const j = job(backend);
  try {
    const m = await phase(j, b.entry, 'main');
    const p = await phase(j, b.entry, 'post');
    if (process.env.BENCH_LOG)
      for (const l of [...m.lines, ...p.lines]) console.log(`${Math.round(l.at)} ${l.text.slice(0, 200)}`);
    if (!record) return;
    const r = results[runsOf(b, backend)];
    r.main.push(m.ms);
    r.post.push(p.ms);
    r.total.push(m.ms + p.ms);
    r.cpu.main.push(m.cpu);
    r.cpu.post.push(p.cpu);
    r.cpu.total.push(m.cpu + p.cpu);
    for (const [k, v] of Object.entries({ ...segments('main', m), ...segments('post', p) }))
      (r.parts[k] ??= []).push(v);
  } finally {
    j.cleanup();
  }
}

try {
  for (const b of bundles) for (const backend of BACKENDS) await warmJob(b, backend, false); // warms the file cache; not counted
  for (let i = 0; i < RUNS; i++) {
    bares.push(await bare());
    for (const b of bundles) for (const backend of BACKENDS) await warmJob(b, backend, true);
    bares.push(await bare());
  }
  const bn = median(bares.map((x) => x.ms));
  const bc = median(bares.map((x) => x.cpu));
  for (const b of bundles) {
    for (const backend of BACKENDS) {
      const r = results[runsOf(b, backend)];
      console.log(
        `\n## ${b.name}, cache: ${backend}: ${path.relative(process.cwd(), b.entry) || b.entry} (${RUNS} warm jobs, medians)\n`
      );
      console.log('| phase | median ms |');
      console.log('|---|---|');
      for (const [k, v] of Object.entries(r.parts)) console.log(`| ${k} | ${f0(median(v))} |`);
      console.log(
        `\noverhead-ms main=${f0(median(r.main))} post=${f0(median(r.post))} total=${f0(median(r.total))} bare-node=${f0(bn)}`
      );
      console.log(
        `cpu-ms main=${f0(median(r.cpu.main))} post=${f0(median(r.cpu.post))} total=${f0(median(r.cpu.total))} bare-node=${f0(bc)}`
      );
    }
  }
} finally {
  await emu?.close();
  fs.rmSync(root, { recursive: true, force: true });
}
