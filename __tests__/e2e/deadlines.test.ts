/**
 * Issue 21 item 1, through the bundle: every request the action makes has a deadline, and a service that stalls,
 * refuses or answers 503 costs the job one deadline (or a few quick attempts), once, with ONE warning naming it;
 * the step goes on without that figure. The fault proxy (support/fault-proxy.mjs) stands between the action and
 * the GitHub API, the cache service (the emulator), a registry and an S3 endpoint. Deadlines are scaled down by
 * ENVD_CACHE_ACTION_DEADLINE_SCALE so that a stall costs 3 s here, not 10 s; nothing waits on a clock.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createJob, type PhaseResult, runPhase } from '../../scripts/harness.mjs';
import { BUILDKIT_CACHE_VERSION, indexKey } from '../../src/budget/keys.js';
import { type FaultProxy, type ProxyFault, startFaultProxy } from '../support/fault-proxy.mjs';
import { running } from '../support/process.js';
import { bundleWorld } from '../support/world.js';

const TOKEN = 'ghs_deadlinesToken00000000000000000000';
/** 10 s deadlines become 3 s (far above a healthy answer on a busy machine), the reading's budget 6 s, a probe's 1.5 s. */
const SCALE = '0.3';

const world = bundleWorld('envd-e2e-deadlines', { buildkitVersions: ['v0.32.2'] });
let proxy: FaultProxy;

beforeAll(async () => {
  world.emu.grantRest(TOKEN, 'write');
  proxy = await startFaultProxy({ upstream: world.emu.url });
  fs.mkdirSync(path.join(world.root, 'project'), { recursive: true });
  fs.writeFileSync(path.join(world.root, 'project', 'build.envd'), '# syntax=v1\n\ndef build():\n    base(dev=True)\n');
});
afterAll(() => proxy?.close());
afterEach(async () => {
  await proxy.set({ kind: 'none' });
  proxy.clear();
  world.emu.setPublicUrl(world.emu.url);
  world.emu.reset();
  world.emu.grantRest(TOKEN, 'write');
});

const warnings = (r: PhaseResult) => r.stdout.split('\n').filter((l) => l.startsWith('::warning'));

/** How many times each path reached the proxy (a path tried again after the service went down would show). */
const perPath = () => {
  const n = new Map<string, number>();
  for (const r of proxy.requests()) n.set(r.path, (n.get(r.path) ?? 0) + 1);
  return [...n.values()];
};

/** A dry run on main with cache: gha (reads the budget, the indexes, and plans a prune): no build, no tools. */
function dryRun(through: 'rest' | 'cache-service', env: Record<string, string> = {}) {
  const emu = world.emu;
  const viaProxy = through === 'cache-service';
  if (viaProxy) emu.setPublicUrl(proxy.url);
  const j = createJob({
    inputs: { path: 'examples', 'dry-run': 'true', cache: 'gha', 'cache-scope': 'dl' },
    githubToken: TOKEN,
    env: {
      ACTIONS_RUNTIME_TOKEN: emu.mintToken([{ Scope: 'refs/heads/main', Permission: 3 }]),
      ACTIONS_RESULTS_URL: viaProxy ? `${proxy.url}/` : emu.resultsUrl,
      ACTIONS_CACHE_SERVICE_V2: 'True',
      GITHUB_API_URL: viaProxy ? emu.apiUrl : `${proxy.url}/api`,
      ...env
    }
  });
  world.track(j);
  return runPhase(j, 'main', { timeoutMs: 45_000 });
}

/** An index of this scope on main, so that the reading and the prune read it through the cache service. */
function seedIndex() {
  world.emu.seed({
    ref: 'refs/heads/main',
    key: indexKey('dl', 'refs/heads/main', 1),
    version: BUILDKIT_CACHE_VERSION,
    data: JSON.stringify({ layers: [], records: [] })
  });
}

describe('the GitHub API', () => {
  test('healthy through the proxy: no warning, the usage read', async () => {
    const main = await dryRun('rest');
    expect(main.code).toBe(0);
    expect(warnings(main)).toEqual([]);
    expect(main.outputs['cache-usage-bytes']).toMatch(/^\d+$/);
    expect(proxy.counts().passed).toBeGreaterThan(0);
  });

  test('stalled: each request waits one deadline, none is sent again, one warning', async () => {
    await proxy.set({ kind: 'stall' });
    const main = await dryRun('rest', { ENVD_CACHE_ACTION_DEADLINE_SCALE: SCALE });
    expect(main.code).toBe(0);
    expect(warnings(main)).toEqual([
      expect.stringMatching(
        /^::warning::The GitHub API \(http:\/\/127\.0\.0\.1:\d+\) did not answer within 3 s \(GET http:\/\/127\.0\.0\.1:\d+\/api\/repos\/octo\/envd-demo\/[^ ]+\): the cache usage is not checked and nothing is pruned; the action goes on without it for the rest of this job\. The build is not affected\.$/
      )
    ]);
    expect(proxy.counts().stall).toBeGreaterThan(0);
    // The reading's requests went out together and timed out together; the prune after them asked nothing.
    expect(Math.max(...perPath())).toBe(1);
    expect(main.outputs['cache-usage-bytes']).toBe('');
    expect(main.summary).toMatch(/\| usage \| `unknown` \| .*did not answer within 3 s/);
  });

  test('refusing: a few quick attempts, then one warning', async () => {
    await proxy.set({ kind: 'refuse' });
    const main = await dryRun('rest', { ENVD_CACHE_ACTION_DEADLINE_SCALE: SCALE });
    expect(main.code).toBe(0);
    expect(warnings(main)).toEqual([
      expect.stringMatching(
        /^::warning::The GitHub API \(http:\/\/127\.0\.0\.1:\d+\) failed 3 attempts \(GET .*: ECONNREFUSED\): the cache usage is not checked and nothing is pruned;/
      )
    ]);
  });

  test('every answer 503: three attempts per request, none after, one warning', async () => {
    await proxy.set({ kind: '503' });
    const main = await dryRun('rest', { ENVD_CACHE_ACTION_DEADLINE_SCALE: SCALE });
    expect(main.code).toBe(0);
    expect(warnings(main)).toEqual([
      expect.stringMatching(
        /^::warning::The GitHub API \(http:\/\/127\.0\.0\.1:\d+\) failed 3 attempts \(GET .*: answered 503\)/
      )
    ]);
    expect(Math.max(...perPath())).toBe(3);
  });

  test('every second answer 503: retried; the step succeeds with at most one warning', async () => {
    await proxy.set({ kind: 'every-second-503' });
    const main = await dryRun('rest');
    expect(main.code).toBe(0);
    expect(proxy.counts()[503]).toBeGreaterThan(0);
    // The reading sends five requests at once and the proxy alternates over all of them: one of them can meet
    // the 503 on each of its three attempts (then the API is down for the job, and says so once).
    const said = warnings(main);
    expect(said.length).toBeLessThanOrEqual(1);
    for (const w of said)
      expect(w).toMatch(
        /^::warning::The GitHub API \(http:\/\/127\.0\.0\.1:\d+\) failed 3 attempts \(GET .*: answered 503\)/
      );
    if (said.length === 0) expect(main.outputs['cache-usage-bytes']).toMatch(/^\d+$/);
  });
});

describe('the GitHub cache service (index reads)', () => {
  test('healthy through the proxy: the index is read, no warning', async () => {
    seedIndex();
    const main = await dryRun('cache-service');
    expect(main.code).toBe(0);
    expect(warnings(main)).toEqual([]);
    expect(proxy.requests().some((r) => r.path.includes('GetCacheEntryDownloadURL'))).toBe(true);
  });

  test.each<[string, ProxyFault, RegExp]>([
    ['stalled', { kind: 'stall' }, /did not answer within 3 s \(GetCacheEntryDownloadURL\)/],
    ['every answer 503', { kind: '503' }, /failed 3 attempts \(GetCacheEntryDownloadURL: answered 503\)/]
  ])('%s: one warning, the reading and the prune go on without the indexes', async (_name, fault, why) => {
    seedIndex();
    await proxy.set(fault);
    const main = await dryRun('cache-service', { ENVD_CACHE_ACTION_DEADLINE_SCALE: SCALE });
    expect(main.code).toBe(0);
    const said = warnings(main);
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/^::warning::The GitHub cache service \(http:\/\/127\.0\.0\.1:\d+\) /);
    expect(said[0]).toMatch(why);
    expect(main.outputs['cache-usage-bytes']).toMatch(/^\d+$/);
    // The prune's index read after the reading's did not go out again.
    expect(Math.max(...perPath())).toBe(fault.kind === 'stall' ? 1 : 3);
  });
});

describe('existence probes in a build (registry, S3)', () => {
  /** On a feature branch, so that there are two import candidates to check (the branch's own, then main's). */
  async function build(inputs: Record<string, string>) {
    const ref = 'refs/heads/feat';
    const j = createJob({
      workspace: path.join(world.root, 'project'),
      ref,
      githubToken: TOKEN,
      inputs: { 'cache-scope': 'probe', ...inputs },
      env: {
        HOME: fs.mkdtempSync(path.join(world.root, 'home-')),
        ...world.runnerEnv(ref),
        ENVD_CACHE_ACTION_BUILDKITD_TIMEOUT: '10',
        ENVD_CACHE_ACTION_DEADLINE_SCALE: SCALE,
        FAKE_REGISTRY_ROOT: path.join(world.root, 'fake-registry'),
        FAKE_S3_ROOT: path.join(world.root, 'fake-s3'),
        DOCKER_CONFIG: path.join(world.root, 'no-docker-config')
      }
    });
    world.track(j);
    const main = await runPhase(j, 'main', { timeoutMs: 90_000 });
    // Post stops the buildkitd main started; nothing the job started outlives it.
    const post = await runPhase(j, 'post', { timeoutMs: 30_000 });
    expect(post.code).toBe(0);
    const pid = main.state.builder ? (JSON.parse(main.state.builder) as { pid?: number }).pid : undefined;
    expect(pid).toBeDefined();
    expect(running(pid)).toBe(false);
    return main;
  }

  test('a stalled registry: the probe waits one deadline, the digest read after the build does not ask again', async () => {
    await proxy.set({ kind: 'stall' });
    const main = await build({
      cache: 'registry',
      output: `type=image,name=${proxy.host}/octo/env:v1,push=true,registry.insecure=true`
    });
    expect(main.code).toBe(0);
    const down = warnings(main).filter((w) => w.includes('The registry'));
    expect(down).toEqual([
      expect.stringMatching(
        /^::warning::The registry \(http:\/\/127\.0\.0\.1:\d+\) did not answer within 1.5 s \(HEAD http:\/\/127\.0\.0\.1:\d+\/v2\/octo\/env\/manifests\/[^ )]+\): the cache entry to import is not checked/
      )
    ]);
    // The two candidates' probes went out together; the digest read after the build did not go out.
    expect(proxy.requests().every((r) => r.action === 'stall' && r.path.includes('/manifests/buildcache-probe'))).toBe(
      true
    );
    expect(Math.max(...perPath())).toBe(1);
    expect(main.summary).toMatch(/did not answer within 1.5 s/);
  }, 120_000);

  test('a stalled S3 endpoint: the probe waits one deadline, one warning, the build goes on', async () => {
    await proxy.set({ kind: 'stall' });
    const options = `bucket=cache,region=us-east-1,endpoint_url=${proxy.url},use_path_style=true,access_key_id=AKIAEXAMPLE,secret_access_key=not-a-real-secret`;
    const main = await build({ cache: 's3', 'cache-options': options });
    expect(main.code).toBe(0);
    expect(warnings(main)).toEqual([
      expect.stringMatching(
        /^::warning::The S3 endpoint \(http:\/\/127\.0\.0\.1:\d+\) did not answer within 1.5 s \(HEAD http:\/\/127\.0\.0\.1:\d+\/cache\/manifests\/[^ ]+\): the cache entry to import is not checked;/
      )
    ]);
    expect(proxy.counts().stall).toBeGreaterThan(0);
    expect(Math.max(...perPath())).toBe(1);
    expect(
      main.stdout
        .split('\n')
        .filter((l) => !l.startsWith('::add-mask::'))
        .join('\n')
    ).not.toContain('not-a-real-secret');
  }, 120_000);
});
