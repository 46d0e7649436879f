/**
 * The cache-mounts step offline: buildctl's two uses (du, the helper builds) replaced at the io seam, the GitHub
 * cache by a directory store. What is restored, what is saved and what is said, by trust, step figures and size.
 * The same step against a real BuildKit: real-buildkit.test.ts.
 */
import { afterAll, afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { MountRecord } from '../../src/mounts/mounts.js';
import { ENVD_MOUNT_DIRS } from '../../src/mounts/mounts.js';

/** envd's pip cache directory inside the build (the first of ENVD_MOUNT_DIRS). */
const PIP_DIR = ENVD_MOUNT_DIRS[0];

const real = await import('../../src/io/mounts.js');
const calls: { dockerfile: string; output?: string }[] = [];
let du: MountRecord[] = [];
let helperFails: string | undefined;
jest.unstable_mockModule('../../src/io/mounts.js', () => ({
  ...real,
  listMounts: async () => ({ ok: true, value: du }),
  helperBuild: async (_c: unknown, o: { dockerfile: string; output?: string }) => {
    calls.push(o);
    if (helperFails) return { ok: false, reason: helperFails };
    // The save build's local output: one archive per mount it names (`/out/<slot>.tar`).
    for (const m of o.output ? o.dockerfile.matchAll(/\/out\/([^ ]+\.tar)/g) : []) {
      fs.mkdirSync(o.output!, { recursive: true });
      fs.writeFileSync(path.join(o.output!, m[1]), `tar of ${m[1]}`);
    }
    return { ok: true, value: 0.5 };
  }
}));
const { beginMounts, restoreMounts, saveMounts } = await import('../../src/steps/mounts.js');
const { plan: makePlan } = await import('../../src/plan/planner.js');
const { inputsOf } = await import('../support/inputs.js');
const { runtime } = await import('../support/runtime.js');
const { prPayload } = await import('../fixtures/events.js');
const { recordingRunner } = await import('../support/recording-runner.js');

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mounts-step-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
const env = { GITHUB_WORKSPACE: path.join(root, 'app'), RUNNER_TEMP: path.join(root, 'temp') };
/** The step's environment, and where a registry credential helper's secret would be masked (none here). */
const caller = { env, mask: () => undefined };
const client = { buildctl: 'buildctl', addr: 'unix:///nowhere', env: {} };
const PIP = `${PIP_DIR}/app-cpu`;
const ALL_CACHED = { cachedSteps: 3, totalSteps: 3 };
const ONE_RAN = { cachedSteps: 2, totalSteps: 3 };

function store(saved: Record<string, string> = {}) {
  const writes: string[] = [];
  return {
    writes,
    available: async () => true,
    restore: async (dir: string, prefix: string) => {
      const key = Object.keys(saved).find((k) => k.startsWith(prefix));
      if (key) {
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(path.join(dir, 'mount.tar'), saved[key]);
      }
      return key;
    },
    save: async (dir: string, key: string) => (
      writes.push(`${key} ${fs.readFileSync(path.join(dir, 'mount.tar'), 'utf8')}`),
      true
    )
  };
}

let runner = recordingRunner();
const logged = () => runner.record.stdout;
beforeEach(() => {
  calls.length = 0;
  du = [];
  helperFails = undefined;
  runner = recordingRunner();
});

const planOf = (o: Record<string, string> = {}, rt = runtime()) =>
  makePlan(inputsOf({ 'cache-scope': 'py', 'cache-mounts': 'auto', ...o }), rt);

describe('restore', () => {
  test('nothing saved yet: said, no helper build', async () => {
    const m = beginMounts(planOf(), caller, store())!;
    await restoreMounts(runner.out, m, client);
    expect(calls).toEqual([]);
    expect(logged()).toContain('No saved package caches for app in scope py yet');
  });

  test('the newest saved copy of a mount is copied in by one helper build; its size is reported', async () => {
    const m = beginMounts(planOf(), caller, store({ [`envd-mount-py#${PIP}#0123456789abcdef`]: 'x'.repeat(1500) }))!;
    await restoreMounts(runner.out, m, client);
    expect(calls).toHaveLength(1);
    expect(calls[0].dockerfile).toContain(
      '--mount=type=cache,id=root/.cache/pip/app-cpu,target=/m0,sharing=shared --mount=type=bind,source=root_.cache_pip_app-cpu'
    );
    expect(logged()).toMatch(/\/root\/\.cache\/pip\/app-cpu: restored 1\.5 KB in \d+\.\d s/);
    expect(fs.existsSync(m.dir)).toBe(false); // the archives do not outlive the restore
  });

  test('a failed helper build is a warning: the build runs without the caches', async () => {
    helperFails = 'the helper build failed (exit 1): pull access denied';
    const m = beginMounts(planOf(), caller, store({ [`envd-mount-py#${PIP}#0123456789abcdef`]: 'x' }))!;
    await restoreMounts(runner.out, m, client);
    expect(logged()).toContain(
      '::warning::Package caches were not restored (the build runs without them): the helper build failed (exit 1): pull access denied'
    );
  });
});

describe('save', () => {
  test('after a build that ran a step: read out by one helper build, saved under its content key', async () => {
    const s = store();
    const p = planOf();
    const m = beginMounts(p, caller, s)!;
    du = [
      { id: PIP, size: 4000, lastUsed: 'x' },
      { id: `${PIP_DIR}/other-cpu`, size: 9, lastUsed: 'x' }
    ];
    const figures = await saveMounts(runner.out, m, client, { plan: p, figures: ONE_RAN });
    expect(s.writes).toEqual([
      expect.stringMatching(
        /^envd-mount-py#\/root\/\.cache\/pip\/app-cpu#[0-9a-f]{16} tar of root_\.cache_pip_app-cpu\.tar$/
      )
    ]);
    expect(figures).toEqual([
      { id: PIP, savedBytes: 'tar of root_.cache_pip_app-cpu.tar'.length, saveSeconds: expect.any(Number) }
    ]);
  });

  test('an unchanged job (every step cached) reads nothing out', async () => {
    const s = store();
    const p = planOf();
    const figures = await saveMounts(runner.out, beginMounts(p, caller, s)!, client, { plan: p, figures: ALL_CACHED });
    expect([calls, s.writes, figures]).toEqual([[], [], []]);
    expect(logged()).toContain(
      'Every step came from the cache: no package cache changed, nothing is read out or saved'
    );
  });

  test('a fork restores but never saves', async () => {
    const rt = runtime({ event: 'pull_request', ref: 'refs/pull/12/merge', payload: prPayload('fork: true') });
    const s = store();
    const p = planOf({ 'cache-write': 'true' }, rt);
    du = [{ id: PIP, size: 4000, lastUsed: 'x' }];
    await saveMounts(runner.out, beginMounts(p, caller, s)!, client, { plan: p, figures: ONE_RAN });
    expect([calls, s.writes]).toEqual([[], []]);
    expect(logged()).toContain('Not saved: this run writes no cache');
  });

  test('no room in the budget (the export dropped before the build): not saved either', async () => {
    const s = store();
    const p = planOf();
    const m = beginMounts(p, caller, s)!;
    du = [{ id: PIP, size: 4000, lastUsed: 'x' }];
    await saveMounts(runner.out, m, client, { plan: { ...p, export: undefined }, figures: ONE_RAN });
    expect(s.writes).toEqual([]);
  });

  test('over cache-mounts-max: a warning, not saved', async () => {
    const s = store();
    const p = planOf({ 'cache-mounts-max': '1MB' });
    du = [{ id: PIP, size: 2.5e9, lastUsed: 'x' }];
    const figures = await saveMounts(runner.out, beginMounts(p, caller, s)!, client, { plan: p, figures: ONE_RAN });
    expect(s.writes).toEqual([]);
    expect(logged()).toContain(
      `::warning::Package cache ${PIP_DIR}/app-cpu not saved: 2.5 GB is over cache-mounts-max (1.0 MB); raise cache-mounts-max or keep fewer directories`
    );
    expect(figures).toEqual([
      {
        id: PIP,
        note: 'not saved: 2.5 GB is over cache-mounts-max (1.0 MB); raise cache-mounts-max or keep fewer directories'
      }
    ]);
  });

  test('a copy identical to the one restored is not saved again', async () => {
    const content = 'tar of root_.cache_pip_app-cpu.tar';
    const hash = (await import('node:crypto')).createHash('sha256').update(content).digest('hex').slice(0, 16);
    const s = store({ [`envd-mount-py#${PIP}#${hash}`]: content });
    const p = planOf();
    const m = beginMounts(p, caller, s)!;
    await restoreMounts(runner.out, m, client);
    du = [{ id: PIP, size: 4000, lastUsed: 'x' }];
    await saveMounts(runner.out, m, client, { plan: p, figures: ONE_RAN });
    expect(s.writes).toEqual([]);
    expect(logged()).toContain('unchanged since the restore');
  });
});

describe('an unchanged build skips the restore (the fingerprint rule)', () => {
  const app = env.GITHUB_WORKSPACE;
  function project(requirements: string) {
    fs.mkdirSync(app, { recursive: true });
    fs.writeFileSync(
      path.join(app, 'build.envd'),
      'def build():\n    base(dev=True)\n    install.python_packages(requirements="requirements.txt")\n    io.copy(host_path="extra.txt", envd_path="/extra.txt")\n'
    );
    fs.writeFileSync(path.join(app, 'requirements.txt'), requirements);
  }
  /** The directory store with lookups (as the GitHub cache's lookupOnly), counting downloads. */
  function lookupStore(saved: Record<string, string> = {}) {
    const s = store(saved);
    const downloads: string[] = [];
    return {
      ...s,
      downloads,
      restore: async (dir: string, prefix: string) => (downloads.push(prefix), s.restore(dir, prefix)),
      lookup: async (_dir: string, prefix: string) => Object.keys(saved).find((k) => k.startsWith(prefix))
    };
  }
  afterEach(() => fs.rmSync(app, { recursive: true, force: true }));

  /** A job that ran its package step and saved the mount: the key it saved. */
  async function savedBy(requirements: string): Promise<string> {
    project(requirements);
    const s = lookupStore();
    const p = planOf();
    const m = beginMounts(p, caller, s)!;
    await restoreMounts(runner.out, m, client);
    du = [{ id: PIP, size: 4000, lastUsed: 'x' }];
    await saveMounts(runner.out, m, client, { plan: p, figures: ONE_RAN });
    expect(s.writes).toEqual([
      expect.stringMatching(/^envd-mount-py#\/root\/\.cache\/pip\/app-cpu#[0-9a-f]{16}\.[0-9a-f]{16} /)
    ]);
    calls.length = 0;
    runner = recordingRunner();
    return s.writes[0].split(' ')[0];
  }

  test('the same build file and named files: no download, no helper build; one line and a note say so', async () => {
    const key = await savedBy('numpy==2.1\n');
    const s = lookupStore({ [key]: 'archive' });
    const p = planOf();
    const m = beginMounts(p, caller, s)!;
    await restoreMounts(runner.out, m, client);
    expect([s.downloads, calls]).toEqual([[], []]);
    const fp = key.slice(key.lastIndexOf('.') + 1);
    expect(logged()).toContain(
      `Not restored: the build file and the files it names are unchanged since ${key} was saved (fingerprint ${fp}), so every package step should come from the layer cache; if one runs anyway (a layer was evicted), it downloads its packages again and the cache is saved after the build`
    );
    // Every step cached: nothing read out or saved either.
    expect(await saveMounts(runner.out, m, client, { plan: p, figures: ALL_CACHED })).toEqual([
      { id: PIP, note: `not restored: the package steps are unchanged (fingerprint ${fp})` }
    ]);
    expect([calls, s.writes]).toEqual([[], []]);
  });

  test('a package step that ran anyway (an evicted layer): the mount is still saved afterwards', async () => {
    const key = await savedBy('numpy==2.1\n');
    const s = lookupStore({ [key]: 'archive' });
    const p = planOf();
    const m = beginMounts(p, caller, s)!;
    await restoreMounts(runner.out, m, client);
    du = [{ id: PIP, size: 4000, lastUsed: 'x' }];
    await saveMounts(runner.out, m, client, { plan: p, figures: ONE_RAN });
    expect(s.downloads).toEqual([]);
    expect(s.writes).toEqual([expect.stringContaining(`${key.slice(key.lastIndexOf('.'))} tar of`)]);
  });

  test('a cache export that failed (ignore-error): the mount is saved without a fingerprint, so nothing skips on it', async () => {
    project('numpy==2.1\n');
    const s = lookupStore();
    const p = planOf();
    const m = beginMounts(p, caller, s)!;
    await restoreMounts(runner.out, m, client);
    du = [{ id: PIP, size: 4000, lastUsed: 'x' }];
    const failed = {
      ...ONE_RAN,
      exports: [{ name: 'exporting cache to GitHub Actions Cache', error: 'failed to reserve cache', done: false }]
    };
    await saveMounts(runner.out, m, client, { plan: p, figures: failed });
    expect(s.writes).toEqual([expect.stringMatching(/^envd-mount-py#\/root\/\.cache\/pip\/app-cpu#[0-9a-f]{16} /)]);
  });

  test('a named file over 64 MiB, or one outside the build directory: no fingerprint, or not part of it', async () => {
    const key = await savedBy('numpy==2.1\n');
    // A link out of the build directory is left out: the fingerprint stays, the restore is skipped.
    fs.writeFileSync(path.join(root, 'outside.txt'), 'x');
    fs.symlinkSync(path.join(root, 'outside.txt'), path.join(app, 'extra.txt'));
    const linked = lookupStore({ [key]: 'archive' });
    const withLink = beginMounts(planOf(), caller, linked)!;
    await restoreMounts(runner.out, withLink, client);
    expect(linked.downloads).toEqual([]);
    // A huge requirements file: not hashed, so no fingerprint and no skip.
    fs.truncateSync(path.join(app, 'requirements.txt'), 64 * 2 ** 20 + 1);
    const big = lookupStore({ [key]: 'archive' });
    await restoreMounts(runner.out, beginMounts(planOf(), caller, big)!, client);
    expect(big.downloads).toContain(`envd-mount-py#${PIP}#`);
  });

  test('a named file changed, the build file changed, or a key without a fingerprint: restored as before', async () => {
    const key = await savedBy('numpy==2.1\n');
    for (const change of [
      () => fs.writeFileSync(path.join(app, 'requirements.txt'), 'numpy==2.2\n'),
      () => fs.appendFileSync(path.join(app, 'build.envd'), '    install.apt_packages(name=["git"])\n')
    ]) {
      project('numpy==2.1\n');
      change();
      const s = lookupStore({ [key]: 'archive' });
      await restoreMounts(runner.out, beginMounts(planOf(), caller, s)!, client);
      expect(s.downloads).toContain(`envd-mount-py#${PIP}#`);
      expect(calls).toHaveLength(1);
      calls.length = 0;
    }
    project('numpy==2.1\n');
    const old = key.slice(0, key.lastIndexOf('.'));
    const s = lookupStore({ [old]: 'archive' });
    await restoreMounts(runner.out, beginMounts(planOf(), caller, s)!, client);
    expect(s.downloads).toContain(`envd-mount-py#${PIP}#`);
    expect(calls).toHaveLength(1);
  });

  test('a restored copy with the same content but saved under another fingerprint is saved again under this one', async () => {
    const content = 'tar of root_.cache_pip_app-cpu.tar';
    const hash = (await import('node:crypto')).createHash('sha256').update(content).digest('hex').slice(0, 16);
    project('numpy\n');
    const s = lookupStore({ [`envd-mount-py#${PIP}#${hash}.0000000000000000`]: content });
    const p = planOf();
    const m = beginMounts(p, caller, s)!;
    await restoreMounts(runner.out, m, client);
    du = [{ id: PIP, size: 4000, lastUsed: 'x' }];
    await saveMounts(runner.out, m, client, { plan: p, figures: ONE_RAN });
    expect(s.writes).toEqual([expect.stringMatching(new RegExp(`#${hash}\\.(?!0{16})[0-9a-f]{16} `))]);
  });
});
