/**
 * The builder started while the budget is read (issue 13): on a `gha` build whose tools are all in the tool
 * cache, main spawns buildkitd before the budget's REST answers arrive, writes the same log as without the early
 * start, and leaves nothing running after post when it stops before the build.
 *
 * From source, as `main.test.ts`: the tool cache holds the stand-ins of envd and BuildKit, the REST API and the
 * cache service are the emulator's. The planner is wrapped (test (c) only) to find a problem once the budget is read.
 */
import { afterAll, afterEach, beforeAll, describe, expect, jest, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createJob, type Job } from '../../scripts/harness.mjs';
import { FAKES_BIN } from '../support/fakes/index.mjs';
import { type Emulator, Permission, startEmulator } from '../support/emulator/index.js';
import { killAsRoot } from '../support/sudo.js';
import { running } from '../support/process.js';
import { holdingFront } from '../support/holding-front.js';
import type { StateKey as StateName } from '../../src/state.js';
import type { Recording } from '../support/recording-runner.js';

/**
 * Test (c) turns `problemAfterBudget` on: the plan made with the budget's facts has a problem the budget-less one
 * has not. Test (b) turns `noPreparation` on for the run it compares with: main then starts nothing early.
 */
const planned = { problemAfterBudget: false, noPreparation: false, prepared: 0 };
const realPrepare = await import('../../src/steps/prepare.js');
jest.unstable_mockModule('../../src/steps/prepare.js', () => ({
  ...realPrepare,
  startCachedBuilder: (...args: Parameters<typeof realPrepare.startCachedBuilder>) => {
    const p = planned.noPreparation ? undefined : realPrepare.startCachedBuilder(...args);
    planned.prepared += p ? 1 : 0;
    return p;
  }
}));
const realPlanner = await import('../../src/plan/planner.js');
jest.unstable_mockModule('../../src/plan/planner.js', () => ({
  ...realPlanner,
  plan: (...args: Parameters<typeof realPlanner.plan>) => {
    const p = realPlanner.plan(...args);
    if (planned.problemAfterBudget && args[2]?.budget) p.problems.push('a problem the budget revealed (test)');
    return p;
  }
}));
const { main } = await import('../../src/steps/main.js');
const { post, realPostIo } = await import('../../src/steps/post.js');
const { StateKey } = await import('../../src/state.js');
const { mainDeps, memoryState, recordingStep } = await import('../support/steps.js');

const BUILD_ENVD = `# syntax=v1

def build():
    base(dev=True)
    install.python_packages(name=["numpy"])
`;
const ENVD = 'v1.3.4';
const BUILDKIT = 'v0.32.2';

let root: string;
let toolCache: string;
let emu: Emulator;
const jobs: Job[] = [];
const pids: number[] = [];

/** A tool cache as @actions/tool-cache lays it out, each tool a link to its stand-in (which finds shared.mjs through it). */
function makeToolCache(dir: string): void {
  const put = (tool: string, version: string, rel: string, fake: string) => {
    const arch = path.join(dir, tool, version.replace(/^v/, ''), 'amd64');
    fs.mkdirSync(path.join(arch, path.dirname(rel)), { recursive: true });
    fs.symlinkSync(fs.realpathSync(path.join(FAKES_BIN, fake)), path.join(arch, rel));
    fs.writeFileSync(`${arch}.complete`, '');
  };
  put('envd', ENVD, 'envd', 'envd');
  put('buildkit', BUILDKIT, 'bin/buildkitd', 'buildkitd');
  put('buildkit', BUILDKIT, 'bin/buildctl', 'buildctl');
}

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'early-start-'));
  toolCache = path.join(root, 'tool-cache');
  makeToolCache(toolCache);
  emu = await startEmulator({ repository: 'octo/envd-demo' });
});
afterAll(async () => {
  await emu?.close();
  fs.rmSync(root, { recursive: true, force: true });
});
afterEach(() => {
  planned.problemAfterBudget = false;
  planned.noPreparation = false;
  planned.prepared = 0;
  emu.reset();
  for (const pid of pids.splice(0)) if (running(pid)) killAsRoot(pid);
  for (const j of jobs.splice(0)) j.cleanup();
});

/** A job on main with the tool cache above; `apiUrl` replaces the emulator's REST address. */
function newJob(inputs: Record<string, string>, env: Record<string, string> = {}): Job {
  const workspace = fs.mkdtempSync(path.join(root, 'ws-'));
  fs.writeFileSync(path.join(workspace, 'build.envd'), BUILD_ENVD);
  const j = createJob({
    workspace,
    inputs: { builder: 'auto', 'envd-version': ENVD, 'buildkit-version': BUILDKIT, ...inputs },
    env: {
      HOME: path.join(root, 'home'),
      ENVD_CACHE_ACTION_BUILDKITD_TIMEOUT: '10',
      RUNNER_TOOL_CACHE: toolCache,
      ACTIONS_RUNTIME_TOKEN: emu.mintToken([{ Scope: 'refs/heads/main', Permission: Permission.All }]),
      ACTIONS_RESULTS_URL: emu.resultsUrl,
      ACTIONS_CACHE_SERVICE_V2: 'True',
      GITHUB_API_URL: emu.apiUrl,
      ...env
    }
  });
  jobs.push(j);
  return j;
}

/**
 * main, then post, each a step of its own over the job's environment. `log`: the two steps' log in order;
 * `exitCode`: main's (post never fails the job).
 */
async function mainThenPost(
  j: Job
): Promise<{ saved: Map<StateName, string>; builderPid?: number; log: string; exitCode: Recording['exitCode'] }> {
  const { store, saved } = memoryState();
  const first = recordingStep(j.env);
  await main(first.ctx, mainDeps(first.ctx, store));
  const builderPid = (JSON.parse(saved.get(StateKey.Builder) || '{}') as { pid?: number }).pid;
  if (builderPid) pids.push(builderPid);
  const then = recordingStep(j.env);
  await post(then.ctx, { state: { get: (name) => saved.get(name) ?? '' }, io: realPostIo });
  return { saved, builderPid, log: first.record.stdout + then.record.stdout, exitCode: first.record.exitCode };
}

/**
 * The step's log as its groups in order, each with its lines, and the lines between groups as groups named '';
 * paths, pids, addresses, context names, fences, digests, the workspace's name and timings made comparable.
 */
function groups(log: string, j: Job): { name: string; lines: string[] }[] {
  const found: { name: string; lines: string[] }[] = [];
  let open: { name: string; lines: string[] } | undefined;
  let loose: string[] = [];
  for (const raw of log.split(os.EOL)) {
    const line = raw
      .split(j.dirs.base)
      .join('<job>')
      .replace(/envd-cache-action-\d+-[0-9a-f]{6}/g, '<context>')
      .replace(/envd-cache-[0-9a-f]{32}/g, '<fence>')
      .replace(/sha256:[0-9a-f]{64}/g, 'sha256:<digest>')
      .replace(/\bws-[a-z0-9]{6}\b/g, '<workspace>')
      .replace(/^#(\d+) \d+\.\d{3} /, '#$1 <t> ')
      .replace(/\b\d+\.\d+s\b/g, '<t>s')
      .replace(/envd-(cache|bk)-[A-Za-z0-9]{6}/g, '<work>')
      .replace(/pid \d+/g, 'pid <pid>');
    if (line.startsWith('::group::')) {
      // Groups never nest or interleave: one is closed before the next opens.
      expect(open).toBeUndefined();
      if (loose.length) found.push({ name: '', lines: loose });
      loose = [];
      open = { name: line.slice('::group::'.length), lines: [] };
    } else if (line === '::endgroup::') {
      expect(open).toBeDefined();
      found.push(open!);
      open = undefined;
    } else if (open) open.lines.push(line);
    else loose.push(line);
  }
  expect(open).toBeUndefined();
  if (loose.length) found.push({ name: '', lines: loose });
  return found;
}

const BUILD_GROUPS = ['Install envd and BuildKit', 'Start the builder'];

describe('after the build', () => {
  test('the hit-ratio history is written while the prune after the build deletes, and logged after it', async () => {
    // A superseded index of the scope, days old: the prune after the build deletes it.
    const DAY = 24 * 3600 * 1000;
    emu.grantRest('ghs_harnessToken000000000000000000000', 'write');
    for (const [n, age] of [
      [1, 4],
      [2, 3]
    ])
      emu.seed({
        ref: 'refs/heads/main',
        key: `index-overlap-1-f921bd05#${n}`,
        sizeBytes: 100,
        data: '{"layers":[]}',
        createdAt: Date.now() - age * DAY,
        lastAccessedAt: Date.now() - age * DAY
      });
    const historyWritten = () => emu.entries().some((e) => e.key.startsWith('envd-history-overlap'));
    // A delete is held until the history's entry exists: with the two one after the other, the front gives up.
    const front = await holdingFront(
      emu.apiUrl.replace(/\/api$/, ''),
      (req) => req.method !== 'DELETE' || historyWritten(),
      8000
    );
    try {
      const j = newJob({ cache: 'gha', 'cache-scope': 'overlap' }, { GITHUB_API_URL: `${front.url}/api` });
      const { log, exitCode } = await mainThenPost(j);
      expect(exitCode).toBeUndefined();
      expect(emu.requests.filter((r) => r.route === 'rest.delete-by-id')).toHaveLength(1);
      expect(front.outcomes).not.toContain('gave up');
      const names = groups(log, j).map((g) => g.name);
      expect(names.indexOf('Prune the GitHub cache (after the build)')).toBeGreaterThan(-1);
      expect(names.indexOf('Hit-ratio history')).toBeGreaterThan(
        names.indexOf('Prune the GitHub cache (after the build)')
      );
    } finally {
      await front.close();
    }
  }, 30000);
});

describe('builder: auto on gha with the tools in the tool cache', () => {
  test("(a) buildkitd is spawned while the budget's first REST call is still unanswered", async () => {
    const pidFile = path.join(root, `buildkitd-${Date.now()}.pid`);
    // Held until buildkitd has started: without the early start the budget waits, and main with it, until the front gives up.
    const front = await holdingFront(emu.apiUrl.replace(/\/api$/, ''), () => fs.existsSync(pidFile), 8000);
    try {
      // Every REST answer held a little more by the emulator, as a slow API would.
      emu.failNext('rest', 4, { delayMs: 50 });
      const j = newJob({ cache: 'gha' }, { GITHUB_API_URL: `${front.url}/api`, FAKE_BUILDKITD_PIDFILE: pidFile });
      const { builderPid, exitCode } = await mainThenPost(j);
      expect(exitCode).toBeUndefined();
      expect(emu.requests.some((r) => r.route.startsWith('rest.'))).toBe(true);
      expect(front.outcomes.length).toBeGreaterThan(0);
      expect(front.outcomes).not.toContain('gave up');
      expect(Number(fs.readFileSync(pidFile, 'utf8'))).toBe(builderPid);
      expect(running(builderPid)).toBe(false);
    } finally {
      await front.close();
    }
  }, 30000);

  test('(b) the step writes the same groups and lines as the same job with nothing started early', async () => {
    planned.noPreparation = true;
    const plain = newJob({ cache: 'gha' });
    const first = await mainThenPost(plain);
    expect(first.exitCode).toBeUndefined();
    expect(planned.prepared).toBe(0);
    const without = groups(first.log, plain);

    // The same job again on a fresh emulator (the first run's export would change the plan's lines).
    emu.reset();
    planned.noPreparation = false;
    const early = newJob({ cache: 'gha' });
    const second = await mainThenPost(early);
    expect(second.exitCode).toBeUndefined();
    expect(planned.prepared).toBe(1);
    const withEarly = groups(second.log, early);

    expect(withEarly).toEqual(without);
    const names = withEarly.map((g) => g.name);
    expect(names.indexOf('Plan')).toBeLessThan(names.indexOf(BUILD_GROUPS[0]));
    expect(names.filter((n) => BUILD_GROUPS.includes(n))).toEqual(BUILD_GROUPS);
    const byName = (name: string) => withEarly.find((g) => g.name === name)?.lines;
    expect(byName(BUILD_GROUPS[0])).toEqual([
      `envd ${ENVD}: from the tool cache (${path.join(toolCache, 'envd', '1.3.4', 'amd64')})`,
      `BuildKit ${BUILDKIT}: from the tool cache (${path.join(toolCache, 'buildkit', '0.32.2', 'amd64', 'bin')})`
    ]);
    expect(byName(BUILD_GROUPS[1])?.at(-1)).toMatch(/^Started buildkitd v0\.32\.2 at unix:\/\//);
  }, 60000);

  test('(c) a plan problem found only after the budget: the step fails, and nothing runs after post', async () => {
    planned.problemAfterBudget = true;
    const j = newJob({ cache: 'gha' });
    const { saved, builderPid, log, exitCode } = await mainThenPost(j);
    expect(exitCode).toBe(1);
    expect(log).toMatch(/^::error title=envd cache action::a problem the budget revealed \(test\)$/m);
    // The failure does not claim that nothing was started.
    expect(log).toMatch(
      /^::error::1 problem found before the build; nothing was built \(the buildkitd started meanwhile is stopped by the post step\)/m
    );
    // The early start did start buildkitd (recorded for post) and made the work dir; post undid both.
    expect(builderPid).toBeDefined();
    expect(running(builderPid)).toBe(false);
    const workDir = saved.get(StateKey.WorkDir) ?? '';
    expect(workDir).not.toBe('');
    expect(fs.existsSync(workDir)).toBe(false);
    expect(fs.readdirSync(j.dirs.temp).filter((e) => e.startsWith('envd-cache-'))).toEqual([]);
  }, 30000);
});
