/**
 * cache-mounts through the bundle (issue 23), with the stand-ins: each job is a fresh runner (a fresh buildkitd
 * root; RUNNER_TEMP at the same path but emptied, as on GitHub's runners), the GitHub cache is the emulator.
 * envd's pip step reruns after the package list changed and finds the previous job's wheels in its mount with
 * `cache-mounts: auto`, not without; a fork's pull request reads them but never saves; a mount over
 * `cache-mounts-max` is not saved, with a warning; the outputs and the summary give size and time per mount.
 * The same with `cache: local`.
 */
import { beforeAll, describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createJob, type Job, type PhaseResult, runPhase } from '../../scripts/harness.mjs';
import { ENVD_MOUNT_DIRS, type MountFigure } from '../../src/mounts/mounts.js';
import { bundleWorld } from '../support/world.js';

const world = bundleWorld('envd-mounts-e2e');
/** envd's pip cache mount for the example project (envd's pip directory inside the build, ENVD_MOUNT_DIRS[0]). */
const PIP_ID = `${ENVD_MOUNT_DIRS[0]}/project-cpu`;
let project = '';
let temp = '';
let busybox = '';
beforeAll(() => {
  project = path.join(world.root, 'project');
  temp = path.join(world.root, 'runner-temp');
  fs.mkdirSync(project, { recursive: true });
  // The stand-in runs the helper's sh and tar itself: any file stands for the static busybox.
  busybox = path.join(world.root, 'busybox');
  fs.writeFileSync(busybox, 'a static busybox would be here');
});

/** build.envd installing `packages` with pip: envd mounts its pip cache for that step. */
function requirements(...packages: string[]) {
  fs.writeFileSync(
    path.join(project, 'build.envd'),
    `# syntax=v1\n\ndef build():\n    base(dev=False)\n    install.python_packages(name=[${packages.map((p) => `"${p}"`).join(', ')}])\n`
  );
}

interface Setup {
  inputs?: Record<string, string>;
  ref?: string;
  ac?: { Scope: string; Permission: number }[];
  event?: string;
  payload?: unknown;
}

/** A job on a fresh runner whose RUNNER_TEMP has the same path as every other's (the cache entries' version). */
function job(setup: Setup = {}): Job {
  fs.rmSync(temp, { recursive: true, force: true });
  fs.mkdirSync(temp, { recursive: true });
  const ref = setup.ref ?? 'refs/heads/main';
  const j = createJob({
    workspace: project,
    ref,
    event: setup.event,
    payload: setup.payload,
    inputs: { 'cache-scope': 'mounts', 'cache-mounts-image': busybox, ...setup.inputs },
    env: {
      HOME: fs.mkdtempSync(path.join(world.root, 'home-')),
      ...world.runnerEnv(ref, setup.ac),
      RUNNER_TEMP: temp,
      ENVD_CACHE_ACTION_BUILDKITD_TIMEOUT: '10'
    }
  });
  return world.track(j);
}

async function run(setup: Setup = {}) {
  const j = job(setup);
  const main = await runPhase(j, 'main', { timeoutMs: 90000 });
  const post = await runPhase(j, 'post', { timeoutMs: 30000 });
  expect(main.code).toBe(0);
  expect(post.code).toBe(0);
  return main;
}

const log = (r: PhaseResult) => r.stdout + r.stderr;
const figures = (r: PhaseResult) => JSON.parse(r.outputs['cache-mounts']) as MountFigure[];
describe.each(['gha', 'local'])('cache: %s', (cache) => {
  const scope = `mounts-${cache}`;
  const inputs = (more: Record<string, string> = {}) => ({ cache, 'cache-scope': scope, ...more });
  const entries = (ref = 'refs/heads/main') =>
    world.emu
      .entries()
      .filter((e) => e.key.startsWith(`envd-mount-${scope}#${PIP_ID}#`) && e.ref === ref && e.committed);

  test("a rerun package step finds the previous job's wheels with cache-mounts: auto, not without", async () => {
    requirements('numpy');
    const first = await run({ inputs: inputs({ 'cache-mounts': 'auto' }) });
    expect(log(first)).toContain('Downloading numpy-1.0-py3-none-any.whl');
    expect(log(first)).toMatch(new RegExp(`No saved package caches for "?project"? in scope "?${scope}"? yet`));
    const saved = figures(first).find((f) => f.id === PIP_ID)!;
    expect(saved.savedBytes).toBeGreaterThan(2048);
    expect(saved.saveSeconds).toBeGreaterThanOrEqual(0);
    expect(entries()).toHaveLength(1);
    expect(first.summary).toContain('### Package caches');

    requirements('numpy', 'pandas');
    const second = await run({ inputs: inputs({ 'cache-mounts': 'auto' }) });
    expect(log(second)).toContain('Using cached numpy-1.0-py3-none-any.whl');
    expect(log(second)).toContain('Downloading pandas-1.0-py3-none-any.whl');
    const both = figures(second).find((f) => f.id === PIP_ID)!;
    expect(both.restoredBytes).toBe(saved.savedBytes);
    // A new archive (tar pads to 10 KB records, so the size may stay): a second entry, keyed by its content.
    expect(both.savedBytes).toBeGreaterThanOrEqual(saved.savedBytes!);
    expect(second.summary).toMatch(
      new RegExp(
        `\\| ${PIP_ID.replace(/\//g, '\\/').replace(/\./g, '\\.')} \\| [\\d.]+ [KM]B in [\\d.]+ s \\| [\\d.]+ [KM]B in [\\d.]+ s \\|`
      )
    );
    expect(entries()).toHaveLength(2);

    requirements('numpy', 'scipy');
    const without = await run({ inputs: inputs() });
    expect(log(without)).toContain('Downloading numpy-1.0-py3-none-any.whl');
    expect(without.outputs['cache-mounts']).toBe('[]');
    expect(entries()).toHaveLength(2);
  }, 240000);

  test('an unchanged job skips the restore (one line, the summary); after an eviction the step reruns and the mount is saved', async () => {
    requirements('numpy', 'requests');
    expect(figures(await run({ inputs: inputs({ 'cache-mounts': 'auto' }) }))[0].savedBytes).toBeGreaterThan(0);
    const saved = entries().length;

    const warm = await run({ inputs: inputs({ 'cache-mounts': 'auto' }) });
    expect(log(warm)).toMatch(
      /Not restored: the build file and the files it names are unchanged since \S+ was saved \(fingerprint [0-9a-f]{16}\), so every package step should come from the layer cache/
    );
    expect(log(warm)).not.toContain('Restored in');
    expect(warm.outputs['cached-steps']).toBe(warm.outputs['total-steps']);
    expect(figures(warm)).toEqual([
      {
        id: PIP_ID,
        note: expect.stringMatching(/^not restored: the package steps are unchanged \(fingerprint [0-9a-f]{16}\)$/)
      }
    ]);
    expect(warm.summary).toContain('not restored: the package steps are unchanged');
    expect(entries()).toHaveLength(saved);

    // The layers evicted: the package step reruns without the previous wheels (the trade-off the line names) and the
    // mount is saved again afterwards.
    const layers = (k: string) =>
      cache === 'gha' ? k.startsWith('buildkit-blob-1-') : k.startsWith(`envd-local-${scope}-`);
    for (const e of world.emu.entries().filter((x) => layers(x.key))) world.emu.deleteEntry(e.id);
    const evicted = await run({ inputs: inputs({ 'cache-mounts': 'auto' }) });
    expect(log(evicted)).toContain('Not restored: the build file and the files it names are unchanged');
    expect(log(evicted)).toContain('Downloading numpy-1.0-py3-none-any.whl');
    expect(figures(evicted)[0].savedBytes).toBeGreaterThan(0);
    expect(entries()).toHaveLength(saved + 1);
  }, 240000);

  test('a pull request from a fork restores the mount but never saves one', async () => {
    requirements('pandas');
    await run({ inputs: inputs({ 'cache-mounts': 'auto' }) });
    requirements('pandas', 'torch');
    const PR = 'refs/pull/7/merge';
    const fork = await run({
      event: 'pull_request',
      ref: PR,
      ac: [
        { Scope: PR, Permission: 3 },
        { Scope: 'refs/heads/main', Permission: 1 }
      ],
      payload: {
        action: 'opened',
        repository: { full_name: 'octo/envd-demo', default_branch: 'main' },
        pull_request: {
          number: 7,
          base: { ref: 'main', repo: { full_name: 'octo/envd-demo' } },
          head: { ref: 'feat', repo: { full_name: 'someone/envd-demo' } }
        }
      },
      inputs: inputs({ 'cache-mounts': 'auto' })
    });
    expect(log(fork)).toContain('Using cached pandas-1.0-py3-none-any.whl');
    expect(log(fork)).toContain('Downloading torch-1.0-py3-none-any.whl');
    expect(figures(fork).find((f) => f.id === PIP_ID)).toMatchObject({ restoredBytes: expect.any(Number) });
    expect(figures(fork).find((f) => f.id === PIP_ID)!.savedBytes).toBeUndefined();
    expect(world.emu.entries().filter((e) => e.key.startsWith('envd-mount-') && e.ref === PR)).toEqual([]);
  }, 120000);

  test('a mount over cache-mounts-max is not saved, with a warning', async () => {
    requirements('numpy', 'pandas', 'torch', 'jax');
    const before = entries().length;
    const big = await run({ inputs: inputs({ 'cache-mounts': 'auto', 'cache-mounts-max': '1kB' }) });
    expect(big.stdout).toMatch(
      new RegExp(
        `::warning::Package cache "?${PIP_ID.replace(/\./g, '\\.')}"? not saved: [\\d.]+ KB is over cache-mounts-max \\(1(\\.0)? KB\\)`
      )
    );
    expect(figures(big).find((f) => f.id === PIP_ID)!.note).toMatch(/over cache-mounts-max/);
    expect(entries()).toHaveLength(before);
  }, 120000);
});
