// `npm run bench:mounts`: issue 23's warm target against a REAL BuildKit — "an unchanged warm job is at most 0.3 s
// slower with cache-mounts on". Paired rounds, median difference.
//
//   BUILDKIT_BIN=<dir with buildkitd and buildctl v0.32.2> npm run bench:mounts
//   BUILDKIT_BIN=… node bench/mounts.mjs --compare before=<an older dist/>      # beside older bundles
//
// The build (bench/mounts/Dockerfile, through bench:real's envd shim): a package step that writes 20 MB into envd's
// pip cache mount, then a COPY. Per bundle and round, on a fresh scope: a COLD job with `cache-mounts: auto` (it
// builds, exports its layers to the gha cache emulator and saves the mount), then the two WARM jobs, unchanged,
// `cache-mounts: auto` and `none`, in an order that alternates every round. Each job is main then post of the bundle
// (scripts/harness.mjs), a fresh buildkitd, RUNNER_TEMP (same path, emptied) and HOME, timed from spawning main to
// the exit of post. Printed: per bundle the median of (auto − none) over the rounds, each round's pair, and what
// the auto job said about the restore. BENCH_RUNS rounds (default 5).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { register } from 'node:module';
import { fileURLToPath } from 'node:url';
import { createJob, ROOT } from '../scripts/harness.mjs';
import { bundlesFrom, cpuProbe, spawnPhase } from './phases.mjs';
import { BUILDKIT, ENVD, Processes, killGroup, makeToolCache } from './real-shared.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS || 5);
const BIN = process.env.BUILDKIT_BIN ? path.resolve(process.env.BUILDKIT_BIN) : undefined;
const BUSYBOX = process.env.BENCH_BUSYBOX || ['/usr/bin/busybox', '/bin/busybox'].find((p) => fs.existsSync(p));
const missing = [
  ...(!BIN || !fs.existsSync(path.join(BIN, 'buildkitd'))
    ? ['BUILDKIT_BIN: a directory with buildkitd and buildctl']
    : []),
  ...(!BUSYBOX ? ['BENCH_BUSYBOX: a static busybox'] : []),
  ...(process.getuid?.() !== 0 ? ['root: the action starts buildkitd as root'] : [])
];
if (missing.length) {
  console.error(`bench:mounts cannot run, it needs:\n${missing.map((m) => `- ${m}`).join('\n')}`);
  process.exit(2);
}
const bundles = bundlesFrom(process.argv.slice(2), ROOT);
register('./ts-loader.mjs', import.meta.url);
const { startEmulator, Permission } = await import('../__tests__/support/emulator/index.js');

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-mounts-'));
const procs = new Processes(root);
const project = path.join(root, 'project');
fs.mkdirSync(project);
fs.copyFileSync(path.join(HERE, 'mounts', 'Dockerfile'), path.join(project, 'Dockerfile'));
fs.copyFileSync(BUSYBOX, path.join(project, 'busybox'));
fs.chmodSync(path.join(project, 'busybox'), 0o755);
fs.writeFileSync(path.join(project, 'small-1.txt'), 'one\n');
fs.writeFileSync(path.join(project, 'build.envd'), '# syntax=v1\n\ndef build():\n    base(dev=True)\n');
const tc = makeToolCache(root, BIN, path.join(HERE, 'real', 'envd-shim.sh'));
const probe = cpuProbe(root);
const runnerTemp = path.join(root, 'rt');
const emu = await startEmulator({
  repository: 'octo/envd-demo',
  restTokens: { ghs_harnessToken000000000000000000000: 'write' },
  createsPerMinute: 1_000_000,
  restCallsPerHour: 1_000_000
});
const token = emu.mintToken([{ Scope: 'refs/heads/main', Permission: Permission.All }]);

let runIds = 7000;
/** One job (main then post); its wall time, its outputs and its log. */
async function job(bundle, scope, mounts) {
  fs.rmSync(runnerTemp, { recursive: true, force: true });
  fs.mkdirSync(runnerTemp);
  const env = {
    HOME: fs.mkdtempSync(path.join(root, 'home-')),
    RUNNER_TOOL_CACHE: tc,
    RUNNER_TEMP: runnerTemp,
    GITHUB_API_URL: emu.apiUrl,
    ACTIONS_RESULTS_URL: emu.resultsUrl,
    ACTIONS_CACHE_SERVICE_V2: 'True',
    ACTIONS_RUNTIME_TOKEN: token,
    GITHUB_RUN_ID: String(++runIds)
  };
  const inputs = {
    'envd-version': ENVD,
    'buildkit-version': BUILDKIT,
    cache: 'gha',
    'cache-scope': scope,
    'cache-mounts': mounts,
    'cache-mounts-image': path.join(project, 'busybox')
  };
  const j = createJob({ workspace: project, inputs, env });
  try {
    const phases = [];
    for (const name of ['main', 'post']) {
      let child;
      const timer = setTimeout(() => child && killGroup(child, 'SIGKILL'), 180_000);
      phases.push(
        await spawnPhase(j, bundle.entry, name, {
          probe,
          detached: true,
          onChild: (c) => procs.started.add((child = c))
        })
      );
      clearTimeout(timer);
      procs.started.delete(child);
    }
    const [main, post] = phases;
    if (process.env.BENCH_SHOW_LOGS)
      for (const [n, p] of [
        ['main', main],
        ['post', post]
      ])
        console.error(
          `--- ${bundle.name} ${mounts} ${n}\n${p.lines.map((l) => `${l.at.toFixed(0).padStart(6)} ${l.text.slice(0, 160)}`).join('\n')}`
        );
    const text = [...main.lines, ...post.lines].map((l) => l.text);
    if (main.code !== 0 || post.code !== 0)
      throw new Error(`${bundle.name} ${scope} ${mounts}: exit ${main.code}/${post.code}\n${text.join('\n')}`);
    return { ms: main.ms + post.ms, outputs: main.outputs, text };
  } finally {
    j.cleanup();
    fs.rmSync(env.HOME, { recursive: true, force: true });
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const said = (text) =>
  text.find((t) => /^(Not restored|Restored in|No saved package caches)/.test(t))?.replace(/ \(fingerprint.*$/, ' …') ??
  '—';

try {
  const results = new Map(bundles.map((b) => [b.name, []]));
  for (let round = 0; round < RUNS; round++) {
    for (const bundle of round % 2 ? [...bundles].reverse() : bundles) {
      const scope = `m-${bundle.name}-${round}`;
      const cold = await job(bundle, scope, 'auto');
      const saved = JSON.parse(cold.outputs['cache-mounts'] || '[]').filter((f) => f.savedBytes);
      const order = round % 2 ? ['none', 'auto'] : ['auto', 'none'];
      const warm = {};
      for (const m of order) warm[m] = await job(bundle, scope, m);
      for (const m of order)
        if (warm[m].outputs['cached-steps'] !== warm[m].outputs['total-steps'])
          throw new Error(`${bundle.name} round ${round}: the ${m} warm job did not hit every step`);
      results
        .get(bundle.name)
        .push({ auto: warm.auto.ms, none: warm.none.ms, saved: saved.length, said: said(warm.auto.text) });
      console.error(
        `round ${round + 1}/${RUNS} ${bundle.name}: auto ${(warm.auto.ms / 1000).toFixed(2)} s, none ${(warm.none.ms / 1000).toFixed(2)} s`
      );
    }
  }
  console.log(
    `\nbench:mounts — unchanged warm job, cache: gha, cache-mounts auto vs none (${RUNS} paired rounds, real BuildKit ${BUILDKIT})\n`
  );
  console.log(
    '| bundle | median auto − none | median auto | median none | mounts saved by the cold job | the auto job said |'
  );
  console.log('|---|---|---|---|---|---|');
  for (const [name, rows] of results)
    console.log(
      `| ${name} | ${(median(rows.map((r) => r.auto - r.none)) / 1000).toFixed(3)} s | ${(median(rows.map((r) => r.auto)) / 1000).toFixed(2)} s | ${(median(rows.map((r) => r.none)) / 1000).toFixed(2)} s | ${rows.map((r) => r.saved).join(', ')} | ${rows[0].said} |`
    );
  console.log('\nraw (auto − none, s):');
  for (const [name, rows] of results)
    console.log(`  ${name}: ${rows.map((r) => ((r.auto - r.none) / 1000).toFixed(3)).join(', ')}`);
} finally {
  await emu.close();
  await procs.stopAll();
  fs.rmSync(root, { recursive: true, force: true });
}
