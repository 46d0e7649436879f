/**
 * Issue 21 items 2-4 through the bundle: the build's own cache traffic (the stand-in buildkitd's gha importer and
 * exporter) crosses the fault proxy in front of the GitHub cache emulator. A stalled import, or a stalled pull of
 * a cached layer, is abandoned and the build runs without it; a cut layer is retried with, then without, the import; an export stalled after the
 * output is written ends in a success that wrote no cache; a cancelled main stops envd and says so.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createJob, type Job, type PhaseResult, runPhase } from '../../scripts/harness.mjs';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy.mjs';
import { running } from '../support/process.js';
import { bundleWorld } from '../support/world.js';

const BUILD_ENVD = `# syntax=v1

def build():
    base(dev=False)
    install.python_packages(name=["numpy"])
    run(commands=["echo two"])
`;

const world = bundleWorld('envd-faults', { buildkitVersions: ['v0.32.2'] });
let proxy: FaultProxy;
beforeAll(async () => {
  fs.mkdirSync(path.join(world.root, 'project'), { recursive: true });
  fs.writeFileSync(path.join(world.root, 'project', 'build.envd'), BUILD_ENVD);
  proxy = await startFaultProxy({ upstream: world.emu.url });
  // Signed blob URLs point at the proxy too, so that blob traffic crosses it like the twirp calls.
  world.emu.setPublicUrl(proxy.url);
});
afterAll(async () => {
  await proxy?.close();
});

/** A job on a fresh runner whose cache service (twirp and blobs) is behind the proxy; REST is not. */
function job(scope: string, inputs: Record<string, string> = {}): Job {
  const ref = 'refs/heads/main';
  const home = fs.mkdtempSync(path.join(world.root, 'home-'));
  const j = createJob({
    workspace: path.join(world.root, 'project'),
    ref,
    inputs: { 'cache-scope': scope, ...inputs },
    env: {
      HOME: home,
      ...world.runnerEnv(ref),
      ACTIONS_RESULTS_URL: `${proxy.url}/`,
      ENVD_CACHE_ACTION_BUILDKITD_TIMEOUT: '10',
      FAKE_ENVD_STARTS: path.join(home, 'envd-starts.jsonl')
    }
  });
  world.track(j);
  return j;
}

const log = (r: PhaseResult) => r.stdout + r.stderr;
const builderPid = (main: PhaseResult) =>
  main.state.builder ? (JSON.parse(main.state.builder) as { pid?: number }).pid : undefined;
/** The pids of every envd the job ran. */
const envdPids = (j: Job) =>
  fs
    .readFileSync(j.env.FAKE_ENVD_STARTS!, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { pid: number }).pid);

async function mainAndPost(j: Job, signal?: { when: RegExp; name: NodeJS.Signals }) {
  const main = await runPhase(j, 'main', { timeoutMs: 60000, signal });
  const post = await runPhase(j, 'post', { timeoutMs: 30000 });
  return { main, post };
}

/** A cold run that exports the scope's cache through the healthy proxy. */
async function warm(scope: string): Promise<void> {
  await proxy.set({ kind: 'none' });
  const { main } = await mainAndPost(job(scope));
  expect(main.code).toBe(0);
  expect(world.emu.entries().some((e) => e.key.startsWith(`index-${scope}-`) && e.committed)).toBe(true);
  proxy.clear();
}

const entryPath = (keyStart: string) => {
  const ids = world.emu
    .entries()
    .filter((e) => e.key.startsWith(keyStart) && e.committed)
    .map((e) => e.id);
  // The proxy tests the path with its query (the signature).
  return new RegExp(`/cache-entry-(${ids.join('|')})(\\?|$)`);
};

/** Once the fault was done once, the proxy passes everything again (a stalled request stays stalled). */
const once = (action: 'stall' | 'cut') => proxy.until(action).then(() => proxy.set({ kind: 'none' }));

describe('a stalled import', () => {
  test('is abandoned after cache-timeout: the build runs again without --import-cache, with a warning naming the backend and the wait', async () => {
    await warm('stall-import');
    await proxy.set({ kind: 'stall', path: entryPath('index-stall-import-') });
    const healed = once('stall');
    const j = job('stall-import', { 'cache-timeout': '10s' });
    const { main, post } = await mainAndPost(j);
    await healed;
    expect(main.code).toBe(0);
    expect(main.stdout).toMatch(
      /::warning title=Cache import stalled%3A building without it::The cache import from gha showed no progress for 10 s \(importing cache manifest from gha:\d+, cache-timeout\)/
    );
    expect(main.stdout).toContain('::group::envd build (without --import-cache)');
    expect(main.summary).toContain('once without --import-cache: the gha import showed no progress for 10 s');
    expect(post.code).toBe(0);
    for (const pid of [...envdPids(j), builderPid(main)]) expect(running(pid)).toBe(false);
  }, 120000);
});

describe('a stalled pull of a cached layer', () => {
  test('is abandoned after cache-timeout although BuildKit reprints its `0B / …` status: the build runs again without --import-cache, with a warning naming the backend, the layer and the wait', async () => {
    await warm('stall-layer');
    await proxy.set({ kind: 'stall', path: entryPath('buildkit-blob-1-') });
    const healed = once('stall');
    const j = job('stall-layer', { 'cache-timeout': '12s' });
    const { main, post } = await mainAndPost(j);
    await healed;
    expect(main.code).toBe(0);
    // The stand-in reprints the unchanged status every 5 s, as BuildKit v0.32.2 does: a reprint is not progress.
    expect(main.stdout).toMatch(/#\d+ sha256:[0-9a-f]{64} 0B \/ \S+ 5\.\ds/);
    expect(main.stdout).toMatch(
      /::warning title=Cached layer pull stalled%3A building without the cache::A layer of the gha cache showed no progress for 12 s \(sha256:[0-9a-f]{64} 0B \/ \S+ for .+, cache-timeout\)\. envd was stopped; the build runs again without --import-cache/
    );
    expect(main.stdout).toContain('::group::envd build (without --import-cache)');
    expect(main.summary).toContain('once without --import-cache: a gha cache layer showed no progress for 12 s');
    // The buildkitd this call started is restarted before the retry (a real v0.32.2 runs no further build after a
    // stalled request); post stops the new one, and the old one is gone.
    const restarted = /Restarted buildkitd \(pid (\d+) → (\d+)\)/.exec(main.stdout);
    expect(restarted).not.toBeNull();
    expect(Number(restarted![2])).toBe(builderPid(main));
    expect(post.code).toBe(0);
    for (const pid of [...envdPids(j), builderPid(main), Number(restarted![1])]) expect(running(pid)).toBe(false);
  }, 120000);
});

describe('a cached layer cut short', () => {
  test('once: the same import is tried again and the build is cached', async () => {
    await warm('cut-once');
    await proxy.set({ kind: 'cut', path: entryPath('buildkit-blob-1-') });
    const healed = once('cut');
    const { main } = await mainAndPost(job('cut-once'));
    await healed;
    expect(main.code).toBe(0);
    expect(main.stdout).toMatch(
      /::warning title=Unreadable cache layer%3A retrying::A layer of the gha cache could not be read \(.*short read: expected \d+ bytes but got \d+: unexpected EOF\)\. Retrying once with the same import/
    );
    expect(main.stdout).not.toContain('envd build (without --import-cache)');
    expect(main.outputs['cached-steps']).toBe(main.outputs['total-steps']);
  }, 120000);

  test('every time: once more with the import, then once without it; the build passes', async () => {
    await warm('cut-always');
    await proxy.set({ kind: 'cut', path: entryPath('buildkit-blob-1-') });
    const { main } = await mainAndPost(job('cut-always'));
    await proxy.set({ kind: 'none' });
    expect(main.code).toBe(0);
    expect(main.stdout).toContain('::warning title=Unreadable cache layer%3A retrying::');
    expect(main.stdout).toMatch(
      /::warning title=Unreadable cache layer%3A retrying without the import::A layer of the gha cache could not be read again \(.*short read: expected \d+ bytes but got \d+: unexpected EOF\)/
    );
    expect(main.stdout.match(/::group::envd build/g)).toHaveLength(3);
    expect(main.outputs['cached-steps']).toBe('0');
  }, 120000);
});

describe('an export stalled after the output is written', () => {
  test('is abandoned after cache-timeout: the step succeeds, warns that the cache was not written, and reports the image', async () => {
    await proxy.set({ kind: 'stall', path: /\/CreateCacheEntry$/ });
    const healed = once('stall');
    const { main, post } = await mainAndPost(job('stall-export', { 'cache-timeout': '10s' }));
    await healed;
    expect(main.code).toBe(0);
    expect(main.stdout).toMatch(
      /::warning::exporting to GitHub Actions Cache failed: no progress for 10 s after the build's output was written \(cache-timeout\); envd was stopped: the build succeeded, but the gha cache was not written this run/
    );
    expect(main.outputs['total-steps']).not.toBe('0');
    // The image is read after the build as after any success (here Docker's image ID; no Docker on this machine).
    expect(main.stdout).toMatch(
      /::debug::No imageid output: (docker is not on PATH|docker image inspect project:dev exited \d+)/
    );
    expect(log(main)).not.toMatch(/Pruning after the build|deleted \d+ entr/i);
    expect(post.code).toBe(0);
  }, 120000);
});

describe('cancellation', () => {
  test('SIGINT during a stalled import reaches envd; main writes one line and a summary and exits; post leaves nothing running', async () => {
    await warm('cancel');
    await proxy.set({ kind: 'stall', path: entryPath('index-cancel-') });
    const j = job('cancel');
    const { main, post } = await mainAndPost(j, { when: /#\d+ importing cache manifest from /, name: 'SIGINT' });
    await proxy.set({ kind: 'none' });
    expect(main.code).toBe(1);
    expect(main.stdout).toMatch(
      /::error::Cancelled \(SIGINT\) after \d+ s, during envd build: envd and every tool this step ran were stopped/
    );
    expect(main.stdout.match(/::error::/g)).toHaveLength(1);
    expect(main.summary).toMatch(/Cancelled after \d+ s, during `envd build` \(SIGINT\)/);
    console.log(`cancellation: main exited ${main.msAfterSignal} ms after SIGINT`);
    expect(post.code).toBe(0);
    for (const pid of [...envdPids(j), builderPid(main)]) expect(running(pid)).toBe(false);
  }, 120000);
});
