/**
 * Two `uses:` of the action in one job (a CPU and a GPU variant), run as the runner runs them: main1, main2,
 * then the post steps in reverse order, post2 and post1, all with one RUNNER_TEMP and each with its own STATE.
 * Issue 11 item 8: real BuildKit refuses a second buildkitd on the same root (`could not lock
 * /var/lib/buildkit/buildkitd.lock, another instance running?`), so the second call either uses the
 * buildkitd the first one started (same version, flags and config) or starts its own on its own root;
 * only the call that started a buildkitd stops it, and nothing is left after the last post step.
 */
import { beforeAll, describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createJob, type Job, jobStep, type PhaseResult, runPhase } from '../../scripts/harness.mjs';
import { bundleWorld } from '../support/world.js';
import { running } from '../support/process.js';
import { existsAsRoot, killAsRoot } from '../support/sudo.js';

const BUILD_ENVD = `# syntax=v1

def build():
    base(dev=True)
    install.python_packages(name=["numpy"])
    shell("zsh")
`;

const world = bundleWorld('envd-two', { buildkitVersions: ['v0.32.2'] });
beforeAll(() => {
  fs.mkdirSync(path.join(world.root, 'project'));
  fs.writeFileSync(path.join(world.root, 'project', 'build.envd'), BUILD_ENVD);
});

/** One job on a fresh runner: its RUNNER_TEMP, tool cache and HOME are shared by every step in it. */
function newJob(): Job {
  const ref = 'refs/heads/main';
  const j = createJob({
    workspace: path.join(world.root, 'project'),
    ref,
    env: {
      HOME: fs.mkdtempSync(path.join(world.root, 'home-')),
      ...world.runnerEnv(ref),
      ENVD_CACHE_ACTION_BUILDKITD_TIMEOUT: '30'
    }
  });
  // A test that failed half-way leaves its daemons behind: stop them before the job goes.
  world.track(j, (job) => {
    for (const pid of buildkitds(job)) killAsRoot(pid);
  });
  return j;
}

const log = (r: PhaseResult) => r.stdout + r.stderr;
const builderOf = (main: PhaseResult) =>
  JSON.parse(main.state.builder) as { pid: number; reused?: boolean; root?: string; daemonDir?: string };
const records = (j: Job) =>
  fs.readdirSync(j.dirs.temp).filter((f) => /^envd-cache-buildkitd-[0-9a-f]{16}\.json$/.test(f));

/** The buildkitd processes on this machine whose --root lies in this job's RUNNER_TEMP. */
function buildkitds(j: Job): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let argv: string[];
    try {
      argv = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue; // gone meanwhile
    }
    const at = argv.indexOf('--root');
    // Not the sudo that started one as root for a runner user (its command line holds buildkitd's).
    if (
      path.basename(argv[0]) !== 'sudo' &&
      argv.some((a) => a.endsWith('/buildkitd')) &&
      at > 0 &&
      argv[at + 1]?.startsWith(j.dirs.temp + path.sep) &&
      running(Number(entry))
    )
      pids.push(Number(entry));
  }
  return pids;
}

describe('two calls of the action in one job', () => {
  test('the second call uses the buildkitd the first started: its steps come from the local cache, and only post1 stops it', async () => {
    const j = newJob();
    const cpu = jobStep(j, { inputs: { 'cache-scope': 'cpu' } });
    // Another scope: the GitHub cache has nothing for it, so cached steps can only come from buildkitd itself.
    const gpu = jobStep(j, { inputs: { 'cache-scope': 'gpu' } });

    const main1 = await runPhase(cpu, 'main', { timeoutMs: 90000 });
    expect(main1.code).toBe(0);
    expect(main1.outputs['cached-steps']).toBe('0');
    const first = builderOf(main1);
    expect(first.reused).toBeFalsy();
    // Its own root under RUNNER_TEMP, never the machine's /var/lib/buildkit.
    expect(first.root?.startsWith(j.dirs.temp + path.sep)).toBe(true);
    expect(existsAsRoot(path.join(first.root!, 'buildkitd.lock'))).toBe(true);
    expect(records(j)).toHaveLength(1);
    expect(buildkitds(j)).toEqual([first.pid]);

    expect(world.emu.entries().some((e) => e.key.startsWith('index-gpu-'))).toBe(false);
    const main2 = await runPhase(gpu, 'main', { timeoutMs: 90000 });
    expect(main2.code).toBe(0);
    expect(log(main2)).toMatch(
      new RegExp(`Reusing the buildkitd v0\\.32\\.2 \\(pid ${first.pid}\\) an earlier call in this job started`)
    );
    expect(builderOf(main2)).toMatchObject({ pid: first.pid, reused: true });
    expect(buildkitds(j)).toEqual([first.pid]);
    // Every step cached, although the import found nothing: the daemon's own cache from call 1.
    expect(Number(main2.outputs['total-steps'])).toBeGreaterThan(3);
    expect(main2.outputs['cached-steps']).toBe(main2.outputs['total-steps']);
    expect(main2.summary).toContain('the buildkitd an earlier step of this job started, reused');
    expect(world.emu.entries().some((e) => e.key.startsWith('index-gpu-') && e.committed)).toBe(true);

    // The runner runs post steps in reverse order: post2 first, and it must leave the shared daemon alone.
    const post2 = await runPhase(gpu, 'post', { timeoutMs: 30000 });
    expect(post2.code).toBe(0);
    expect(log(post2)).toContain(`Left buildkitd (pid ${first.pid}) running for the call that started it`);
    expect(running(first.pid)).toBe(true);
    expect(records(j)).toHaveLength(1);
    expect(fs.existsSync(first.root!)).toBe(true);

    const post1 = await runPhase(cpu, 'post', { timeoutMs: 30000 });
    expect(post1.code).toBe(0);
    expect(log(post1)).toContain(`Stopped buildkitd (pid ${first.pid})`);
    expect(running(first.pid)).toBe(false);
    expect(buildkitds(j)).toEqual([]);
    expect(records(j)).toEqual([]);
    expect(fs.existsSync(first.daemonDir!)).toBe(false);
  }, 240000);

  test('other buildkitd-flags: the second call starts its own (own root, own socket) and says why; each post stops its own', async () => {
    const j = newJob();
    const one = jobStep(j, { inputs: { 'cache-scope': 'one' } });
    const two = jobStep(j, { inputs: { 'cache-scope': 'two', 'buildkitd-flags': '--debug' } });

    const main1 = await runPhase(one, 'main', { timeoutMs: 90000 });
    expect(main1.code).toBe(0);
    const main2 = await runPhase(two, 'main', { timeoutMs: 90000 });
    expect(main2.code).toBe(0);
    const [a, b] = [builderOf(main1), builderOf(main2)];
    expect(log(main2)).toMatch(
      new RegExp(
        `Starting a buildkitd of its own: not the one \\(pid ${a.pid}\\) an earlier call in this job started, because it was started with other buildkitd-flags`
      )
    );
    expect(b.pid).not.toBe(a.pid);
    expect(b.reused).toBeFalsy();
    expect(b.root).not.toBe(a.root);
    expect(buildkitds(j).sort()).toEqual([a.pid, b.pid].sort());
    expect(records(j)).toHaveLength(2);

    expect((await runPhase(two, 'post', { timeoutMs: 30000 })).code).toBe(0);
    expect(running(b.pid)).toBe(false);
    expect(running(a.pid)).toBe(true);
    expect(records(j)).toHaveLength(1);
    expect((await runPhase(one, 'post', { timeoutMs: 30000 })).code).toBe(0);
    expect(buildkitds(j)).toEqual([]);
    expect(records(j)).toEqual([]);
  }, 240000);

  test('cache: local in both calls: the reused buildkitd imports the cache the second call serves on its own port', async () => {
    // The daemon keeps no cache of its own here, so every cached step of call 2 comes through its import.
    const daemon = { FAKE_BUILDKITD_NO_LOCAL_CACHE: '1' };
    // A job on another runner saves the local cache of scope "gpu-local" (the runner's RUNNER_TEMP path is
    // the same in every job, and @actions/cache keys by path).
    const runnerTemp = path.join(world.root, 'runner-temp');
    const fresh = () => {
      fs.rmSync(runnerTemp, { recursive: true, force: true });
      fs.mkdirSync(runnerTemp);
      const j = newJob();
      j.env.RUNNER_TEMP = runnerTemp;
      j.dirs.temp = runnerTemp;
      return j;
    };
    const earlier = fresh();
    const saver = jobStep(earlier, { inputs: { cache: 'local', 'cache-scope': 'gpu-local' }, env: daemon });
    expect((await runPhase(saver, 'main', { timeoutMs: 90000 })).code).toBe(0);
    expect((await runPhase(saver, 'post', { timeoutMs: 30000 })).code).toBe(0);

    const j = fresh();
    const cpu = jobStep(j, { inputs: { cache: 'local', 'cache-scope': 'cpu-local' }, env: daemon });
    const gpu = jobStep(j, { inputs: { cache: 'local', 'cache-scope': 'gpu-local' }, env: daemon });
    const main1 = await runPhase(cpu, 'main', { timeoutMs: 90000 });
    expect(main1.code).toBe(0);
    const main2 = await runPhase(gpu, 'main', { timeoutMs: 90000 });
    expect(main2.code).toBe(0);
    expect(builderOf(main2)).toMatchObject({ pid: builderOf(main1).pid, reused: true });
    expect(main2.outputs['import-cache']).toMatch(/^type=registry,ref=127\.0\.0\.1:\d+\/.*registry\.insecure=true/);
    expect(main2.outputs['cached-steps']).toBe(main2.outputs['total-steps']);
    expect((await runPhase(gpu, 'post', { timeoutMs: 30000 })).code).toBe(0);
    expect((await runPhase(cpu, 'post', { timeoutMs: 30000 })).code).toBe(0);
    expect(buildkitds(j)).toEqual([]);
  }, 240000);

  test('a record whose buildkitd is gone is not trusted: the next call starts a fresh one and says why', async () => {
    const j = newJob();
    const one = jobStep(j, { inputs: { 'cache-scope': 'gone1' } });
    const two = jobStep(j, { inputs: { 'cache-scope': 'gone2' } });
    const main1 = await runPhase(one, 'main', { timeoutMs: 90000 });
    expect(main1.code).toBe(0);
    const a = builderOf(main1);
    killAsRoot(a.pid);
    while (running(a.pid)) await new Promise((r) => setTimeout(r, 10));

    const main2 = await runPhase(two, 'main', { timeoutMs: 90000 });
    expect(main2.code).toBe(0);
    expect(log(main2)).toContain(`because its process ${a.pid} is no longer running`);
    const b = builderOf(main2);
    expect(b.reused).toBeFalsy();
    expect(buildkitds(j)).toEqual([b.pid]);
    expect((await runPhase(two, 'post', { timeoutMs: 30000 })).code).toBe(0);
    expect((await runPhase(one, 'post', { timeoutMs: 30000 })).code).toBe(0);
    expect(buildkitds(j)).toEqual([]);
    expect(records(j)).toEqual([]);
  }, 240000);
});
