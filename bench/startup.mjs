// `npm run bench:startup`: the median time from process start to the `envd build` call, with envd and
// BuildKit already in the tool cache, beside a bare `node -e ''` start measured in the same run (the two
// alternate, so machine noise hits both alike). Uses the stand-ins; the figure is the action's overhead:
// reading inputs, planning, finding the tools, starting and awaiting buildkitd, creating the envd context.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createJob, runPhase } from '../scripts/harness.mjs';
import { startReleaseServer } from '../__tests__/support/fakes/releases.mjs';

const RUNS = Number(process.env.BENCH_RUNS || 9);
const TARGET_MS = 250;
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-startup-'));
const project = path.join(root, 'project');
fs.mkdirSync(project);
fs.writeFileSync(
  path.join(project, 'build.envd'),
  '# syntax=v1\n\ndef build():\n    base(dev=True)\n    install.python_packages(name=["numpy"])\n'
);
const releases = await startReleaseServer();
const toolCache = path.join(root, 'tool-cache');

function job() {
  const calls = path.join(fs.mkdtempSync(path.join(root, 'calls-')), 'envd-calls');
  const j = createJob({
    workspace: project,
    inputs: { cache: 'registry', 'cache-ref': 'localhost:5000/bench/env:buildcache', 'cache-scope': 'bench' },
    env: {
      HOME: fs.mkdtempSync(path.join(root, 'home-')),
      RUNNER_TOOL_CACHE: toolCache,
      ENVD_CACHE_ACTION_DOWNLOAD_URL: releases.url,
      ENVD_CACHE_ACTION_API_URL: releases.apiUrl,
      FAKE_ENVD_STARTS: calls
    }
  });
  return { j, calls };
}

/** Milliseconds from spawning main to the moment main spawned `envd build` (the fake's process start time). */
async function measureAction() {
  const { j, calls } = job();
  const t0 = Date.now();
  const main = await runPhase(j, 'main');
  if (main.code !== 0) throw new Error(`main failed:\n${main.stdout}${main.stderr}`);
  const last = JSON.parse(fs.readFileSync(calls, 'utf8').trim().split('\n').pop());
  if (!last.argv.includes('build')) throw new Error('the last envd call was not build');
  const tBuild = last.startedAt; // when the action spawned envd build
  await runPhase(j, 'post');
  j.cleanup();
  return tBuild - t0;
}

function measureBare() {
  return new Promise((resolve) => {
    const t0 = performance.now();
    spawn(process.execPath, ['-e', ''], { stdio: 'ignore' }).on('close', () => resolve(performance.now() - t0));
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

try {
  await measureAction(); // fills the tool cache (download, verify, cache); not counted
  const action = [];
  const bare = [];
  for (let i = 0; i < RUNS; i++) {
    bare.push(await measureBare());
    action.push(await measureAction());
  }
  const a = median(action);
  const b = median(bare);
  console.log('| measure | median ms | runs (ms) |');
  console.log('|---|---|---|');
  console.log(`| node -e '' | ${b.toFixed(0)} | ${bare.map((x) => x.toFixed(0)).join(' ')} |`);
  console.log(`| action start → envd build | ${a.toFixed(0)} | ${action.map((x) => x.toFixed(0)).join(' ')} |`);
  console.log(
    `startup-ms action=${a.toFixed(0)} bare=${b.toFixed(0)} overhead=${(a - b).toFixed(0)} target=${TARGET_MS} ${a - b <= TARGET_MS ? 'OK' : 'OVER'}`
  );
} finally {
  await releases.close();
  fs.rmSync(root, { recursive: true, force: true });
}
