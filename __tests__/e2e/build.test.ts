/**
 * The whole action as the runner runs it — main, then post — with the stand-ins: envd and BuildKit are
 * installed from a fake release server, buildkitd is started and stopped, envd builds through its context,
 * and the gha cache lives in the emulator. A cold run exports; a second run on a fresh HOME imports and
 * reports every step cached; nothing the action started outlives post.
 */
import { beforeAll, describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createJob, type Job, type PhaseResult, runPhase } from '../../scripts/harness.mjs';
import { bundleWorld } from '../support/world.js';
import { leaks } from '../security/support/leaks.js';
import { running } from '../support/process.js';

const BUILD_ENVD = `# syntax=v1

def build():
    base(dev=True)
    install.python_packages(name=["numpy", "requests"])
    shell("zsh")
`;

const world = bundleWorld('envd-e2e', { buildkitVersions: ['v0.32.2', 'v0.19.0'] });
beforeAll(() => {
  fs.mkdirSync(path.join(world.root, 'project'), { recursive: true });
  fs.writeFileSync(path.join(world.root, 'project', 'build.envd'), BUILD_ENVD);
});

interface JobSetup {
  inputs?: Record<string, string>;
  env?: Record<string, string | undefined>;
  ref?: string;
  ac?: { Scope: string; Permission: number }[];
  event?: string;
  payload?: unknown;
  githubToken?: string;
}

/** A job on a fresh runner (fresh HOME and temp), sharing the tool cache, as a second job on one runner would. */
function job(setup: JobSetup = {}): Job {
  const ref = setup.ref ?? 'refs/heads/main';
  const home = fs.mkdtempSync(path.join(world.root, 'home-'));
  const j = createJob({
    workspace: path.join(world.root, 'project'),
    ref,
    event: setup.event,
    payload: setup.payload,
    githubToken: setup.githubToken,
    inputs: { 'cache-scope': 'e2e', ...setup.inputs },
    env: {
      HOME: home,
      ...world.runnerEnv(ref, setup.ac),
      ENVD_CACHE_ACTION_BUILDKITD_TIMEOUT: '10',
      ...setup.env
    }
  });
  world.track(j);
  return j;
}

const pidOf = (main: PhaseResult) =>
  main.state.builder ? (JSON.parse(main.state.builder) as { pid?: number }).pid : undefined;
const alive = running;
const log = (r: PhaseResult) => r.stdout + r.stderr;

async function mainAndPost(j: Job) {
  const main = await runPhase(j, 'main', { timeoutMs: 90000 });
  const post = await runPhase(j, 'post', { timeoutMs: 30000 });
  return { main, post };
}

describe('gha end to end', () => {
  test('a cold run exports; a second run on a fresh runner imports every step; nothing outlives post', async () => {
    const cold = await mainAndPost(job());
    expect(cold.main.code).toBe(0);
    expect(log(cold.main)).toContain('downloaded, checksum verified, cached');
    expect(Number(cold.main.outputs['total-steps'])).toBeGreaterThan(3);
    expect(cold.main.outputs['cached-steps']).toBe('0');
    expect(world.emu.entries().some((e) => e.key.startsWith('index-e2e-1-') && e.committed)).toBe(true);
    expect(world.emu.entries().some((e) => e.key.startsWith('buildkit-blob-1-sha256:'))).toBe(true);
    expect(cold.post.code).toBe(0);
    expect(alive(pidOf(cold.main))).toBe(false);
    expect(cold.main.summary).toContain('## envd cache action: built');

    const warm = await mainAndPost(job());
    expect(warm.main.code).toBe(0);
    expect(log(warm.main)).toContain('from the tool cache');
    expect(warm.main.outputs['cached-steps']).toBe(warm.main.outputs['total-steps']);
    expect(warm.main.outputs['cache-hit-ratio']).toBe('1');
    expect(Number(warm.main.outputs['build-seconds'])).toBeGreaterThan(0);
    expect(warm.main.summary).toMatch(/Steps cached \| (\d+) of \1 \(100%\)/);
    expect(alive(pidOf(warm.main))).toBe(false);
    // The post step removed the envd context it created.
    expect(log(warm.post)).toMatch(/Removed envd context envd-cache-action-/);
  }, 180000);
});

describe('the auto scope across workflows (issue 20 item 5)', () => {
  // The README's examples: "gha (default)" (`name: envd`, job `build`) on main, then "Pull request pipeline:
  // import only" (`name: envd pr`) with a job id of its own: it reads what main's workflow wrote.
  const PR = 'refs/pull/9/merge';
  const prPayload = {
    action: 'opened',
    repository: { full_name: 'octo/envd-demo', default_branch: 'main' },
    pull_request: {
      number: 9,
      base: { ref: 'main', repo: { full_name: 'octo/envd-demo' } },
      head: { ref: 'feature', repo: { full_name: 'octo/envd-demo' } }
    }
  };

  test("main's workflow writes; a pull-request workflow with another name and job id imports every step", async () => {
    const onMain = await mainAndPost(
      job({ inputs: { 'cache-scope': '', path: '.' }, env: { GITHUB_WORKFLOW: 'envd', GITHUB_JOB: 'build' } })
    );
    expect(onMain.main.code).toBe(0);
    const scope = onMain.main.outputs['cache-scope'];
    expect(scope).toMatch(/^envd-[0-9a-f]{8}$/);
    expect(
      world.emu
        .entries()
        .some((e) => e.key.startsWith(`index-${scope}-1-`) && e.ref === 'refs/heads/main' && e.committed)
    ).toBe(true);

    const pr = await mainAndPost(
      job({
        event: 'pull_request',
        ref: PR,
        ac: [
          { Scope: PR, Permission: 3 },
          { Scope: 'refs/heads/main', Permission: 1 }
        ],
        payload: prPayload,
        inputs: { 'cache-scope': '', path: '.', 'cache-write': 'false' },
        env: { GITHUB_WORKFLOW: 'envd pr', GITHUB_JOB: 'pr-import' }
      })
    );
    expect(pr.main.code).toBe(0);
    expect(pr.main.outputs['cache-scope']).toBe(scope);
    expect(pr.main.outputs['cached-steps']).toBe(pr.main.outputs['total-steps']);
    expect(pr.main.outputs['cache-hit-ratio']).toBe('1');
    // Import only: nothing written on the pull request's ref.
    expect(world.emu.entries().filter((e) => e.ref === PR && e.key.startsWith('index-'))).toEqual([]);
  }, 180000);
});

describe('failure paths', () => {
  const freshToolCache = () => fs.mkdtempSync(path.join(world.root, 'tools-'));
  const ENVD_ASSET = 'envd_1.3.4_linux_amd64';

  test('a failed download is retried', async () => {
    world.releases.failNext(new RegExp(`${ENVD_ASSET}$`), 1, 503);
    const { main, post } = await mainAndPost(job({ env: { RUNNER_TOOL_CACHE: freshToolCache() } }));
    expect(main.code).toBe(0);
    expect(log(main)).toMatch(
      /download attempt 1 failed \(GET .*envd_1\.3\.4_linux_amd64 answered 503\); trying again/
    );
    expect(post.code).toBe(0);
  }, 60000);

  test('a checksum mismatch stops the step before anything starts, and the download is discarded', async () => {
    world.releases.corrupt(ENVD_ASSET);
    try {
      const tools = freshToolCache();
      const { main, post } = await mainAndPost(job({ env: { RUNNER_TOOL_CACHE: tools } }));
      expect(main.code).toBe(1);
      expect(main.stdout).toMatch(
        /::error::checksum mismatch for envd_1\.3\.4_linux_amd64: expected [0-9a-f]{64} \(checksums\.txt\), got [0-9a-f]{64}; the download was discarded/
      );
      expect(main.state.builder).toBeUndefined();
      expect(fs.existsSync(path.join(tools, 'envd'))).toBe(false);
      expect(main.summary).toContain('## envd cache action: failed before the build');
      expect(main.summary).toMatch(/> \*\*checksum mismatch for envd_1\.3\.4_linux_amd64/);
      expect(post.code).toBe(0);
    } finally {
      world.releases.corrupt(ENVD_ASSET, false);
    }
  }, 60000);

  test('a buildkitd that never answers: a bounded wait, its log in the error, and it is stopped', async () => {
    const { main, post } = await mainAndPost(
      job({ env: { FAKE_BUILDKITD_NEVER_READY: '1', ENVD_CACHE_ACTION_BUILDKITD_TIMEOUT: '2' } })
    );
    expect(main.code).toBe(1);
    expect(main.stdout).toMatch(/::error::buildkitd did not answer within 2 s \(buildctl: .+\)\. Its log:/);
    expect(post.code).toBe(0);
    expect(alive(pidOf(main))).toBe(false);
  }, 60000);

  test.each([
    ['This legacy service is shutting down, effective April 15, 2025', 'BuildKit speaks the retired cache API v1'],
    ['error writing layer blob: failed to reserve cache', 'The GitHub cache refused the write'],
    ['maximum timeout reached', 'The GitHub cache throttled the export'],
    ['cache token expired at 2026-11-27T10:00:00Z', 'The runtime token expired during the build'],
    [
      'failed to push ghcr.io/octo/env:latest: unexpected status from PUT request: 401 Unauthorized',
      'The registry refused the push'
    ],
    ['failed to solve: process "/bin/sh -c pip install nope" did not complete successfully: exit code: 1', undefined]
  ])(
    'envd exits 1 with %j: one annotation that says what to do; post shows the buildkitd log',
    async (text, title) => {
      const { main, post } = await mainAndPost(job({ env: { FAKE_ENVD_FAIL_WITH: text } }));
      expect(main.code).toBe(1);
      const annotation = main.stdout.split('\n').find((l) => l.startsWith('::error title='))!;
      expect(annotation).toContain(title ? `title=envd build failed%3A ${title}::` : 'title=envd build failed::');
      // The message is envd's error itself, not its log line, followed by the advice.
      expect(annotation).toContain(text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A'));
      expect(annotation).not.toContain('level=fatal');
      expect(main.summary).toContain('## envd cache action: build failed');
      expect(post.code).toBe(0);
      expect(post.stdout).toContain('::group::buildkitd log (the build failed)');
      expect(alive(pidOf(main))).toBe(false);
    },
    60000
  );

  test('an evicted layer: the build fails on it, is retried once without --import-cache, and succeeds', async () => {
    const first = await mainAndPost(job({ inputs: { 'cache-scope': 'evict' } }));
    expect(first.main.code).toBe(0);
    const blob = world.emu.entries().find((e) => e.key.startsWith('buildkit-blob-1-sha256:') && e.hasData)!;
    world.emu.deleteBlobData(blob.key);
    const { main, post } = await mainAndPost(job({ inputs: { 'cache-scope': 'evict' } }));
    expect(main.code).toBe(0);
    // The entry is there but its blob answers 404: BuildKit v0.32.2 fails in the output exporter with the storage's
    // BlobNotFound (observed; the stand-in prints the same).
    expect(main.stdout).toMatch(
      /::warning title=Evicted cache layer%3A retrying without the import::The build failed on a cached layer that is gone \(.*ERROR CODE: BlobNotFound/
    );
    expect(main.stdout).toContain('::group::envd build (without --import-cache)');
    expect(main.summary).toContain('| Retry | once without --import-cache');
    expect(post.code).toBe(0);
    // The entry stays without its blob (the retry's export finds the entry and uploads nothing): removed, so that
    // later builds in this world, which share the base layers, do not meet it.
    world.emu.deleteEntry(blob.id);
  }, 90000);
});

describe('cache: local, kept through the GitHub cache', () => {
  test('run 1 saves the directory; run 2 restores it, imports it through the served registry and caches every step; five runs do not grow it', async () => {
    const stored = () => world.emu.entries().filter((e) => e.key.startsWith('envd-local-local-') && e.committed);
    const storedBytes = () => stored().reduce((n, e) => n + e.size, 0);

    // Like a runner, every job gets the same RUNNER_TEMP path, emptied in between (@actions/cache keys
    // entries by their path as well).
    const runnerTemp = path.join(world.root, 'runner-temp');
    const localJob = () => {
      fs.rmSync(runnerTemp, { recursive: true, force: true });
      fs.mkdirSync(runnerTemp);
      return job({ inputs: { cache: 'local', 'cache-scope': 'local' }, env: { RUNNER_TEMP: runnerTemp } });
    };
    const first = await mainAndPost(localJob());
    expect(first.main.code).toBe(0);
    expect(log(first.main)).toContain('No local cache for envd-local-local-* yet');
    expect(first.main.outputs['cached-steps']).toBe('0');
    expect(first.post.code).toBe(0);
    expect(log(first.post)).toMatch(/Saved the local cache as envd-local-local-[0-9a-f]{16}/);
    expect(stored()).toHaveLength(1);
    const size = storedBytes();

    for (let run = 2; run <= 5; run++) {
      const { main, post } = await mainAndPost(localJob());
      expect(main.code).toBe(0);
      expect(log(main)).toMatch(/Restored the local cache envd-local-local-[0-9a-f]{16}/);
      expect(log(main)).toMatch(/Serving .* read-only at http:\/\/127\.0\.0\.1:\d+ for the import/);
      // buildkitd comes up while the cache downloads: it is spawned (and recorded in state) before the restore,
      // so before what the build records after it (the envd binary).
      const order = Object.keys(main.state);
      expect(order.indexOf('builder')).toBeGreaterThanOrEqual(0);
      expect(order.indexOf('builder')).toBeLessThan(order.indexOf('envdBinary'));
      expect(main.outputs['import-cache']).toMatch(
        /^type=registry,ref=127\.0\.0\.1:\d+\/envd-local-cache:latest,registry\.insecure=true$/
      );
      expect(main.outputs['cached-steps']).toBe(main.outputs['total-steps']);
      expect(post.code).toBe(0);
      expect(log(post)).toMatch(/The local cache is unchanged \(envd-local-local-[0-9a-f]{16}\); not saved again/);
      expect(storedBytes()).toBe(size);
    }
  }, 180000);
});

describe('builder: the address of a running buildkitd', () => {
  test('is checked and used, never stopped; an old one is refused for gha; a silent one is named', async () => {
    const { startBuildkitd } = await import('../support/fakes/index.mjs');
    const sock = path.join(fs.mkdtempSync(path.join(world.root, 'bk-')), 'buildkitd.sock');
    const daemon = await startBuildkitd({ addr: `unix://${sock}` });
    try {
      const { main, post } = await mainAndPost(job({ inputs: { builder: `unix://${sock}`, 'cache-scope': 'addr' } }));
      expect(main.code).toBe(0);
      expect(log(main)).toContain(`Using buildkitd v0.32.2 at unix://${sock}`);
      expect(main.summary).toContain('a running buildkitd');
      expect(main.state.builder).toBeUndefined();
      expect(post.code).toBe(0);
      expect(alive(daemon.pid)).toBe(true);
    } finally {
      await daemon.stop();
    }

    const oldSock = path.join(fs.mkdtempSync(path.join(world.root, 'bk-')), 'buildkitd.sock');
    const old = await startBuildkitd({ addr: `unix://${oldSock}`, env: { FAKE_BUILDKIT_VERSION: 'v0.19.0' } });
    try {
      const { main } = await mainAndPost(job({ inputs: { builder: `unix://${oldSock}` } }));
      expect(main.code).toBe(1);
      expect(main.stdout).toContain(
        `::error::cache: gha needs BuildKit v0.20.0 or later (cache API v2), and the builder at unix://${oldSock} runs v0.19.0`
      );
    } finally {
      await old.stop();
    }

    const { main } = await mainAndPost(job({ inputs: { builder: `unix://${path.join(world.root, 'nothing.sock')}` } }));
    expect(main.code).toBe(1);
    expect(main.stdout).toMatch(
      /::error::the builder did not answer; nothing was built:%0A  unix:\/\/.*nothing\.sock: the socket does not exist; check that the daemon runs and the address is right/
    );
  }, 90000);
});

describe('the budget: usage, pruning, command: prune', () => {
  const WRITER = 'ghs_budgetWriter0000000000000000000000';
  const READER = 'ghs_budgetReader0000000000000000000000';
  const DAY = 24 * 3600 * 1000;

  test('a build reads the usage, reports it against the budget and prunes after its export', async () => {
    world.emu.grantRest(WRITER, 'write');
    const { main, post } = await mainAndPost(job({ githubToken: WRITER, inputs: { 'cache-scope': 'budget' } }));
    expect(main.code).toBe(0);
    expect(Number(main.outputs['cache-budget-bytes'])).toBe(10_000_000_000);
    expect(main.outputs['cache-usage-bytes']).toMatch(/^\d+$/);
    expect(main.outputs['pruned-entries']).toMatch(/^\d+$/);
    expect(main.summary).toContain('### Cache budget');
    expect(main.summary).toMatch(/% of 10\.0 GB/);
    expect(log(main)).toContain('::group::Prune the GitHub cache (after the build)');
    expect(post.code).toBe(0);

    // Warm, nothing changed (issue 20): the build imports only, runs no step, and writes nothing at all: no
    // cache entry, no prune after it.
    const seq0 = world.emu.requests.length;
    const warm = await mainAndPost(job({ githubToken: WRITER, inputs: { 'cache-scope': 'budget' } }));
    expect(warm.main.code).toBe(0);
    expect(warm.main.outputs['cached-steps']).toBe(warm.main.outputs['total-steps']);
    expect(log(warm.main)).toContain('Nothing to write: the build ran no step');
    expect(log(warm.main)).not.toContain('--export-cache');
    expect(world.emu.requests.slice(seq0).map((r) => r.route)).not.toContain('CreateCacheEntry');
    expect(warm.main.summary).toMatch(/write.*nothing new/);

    // A change: the build ran steps, so after it the cache is listed again and the write decided; the same build
    // then exports. Usage stays far under the target, so the prune after the export works from the listing read
    // before the build, and from the open pull requests asked for with that listing: no REST round trip between
    // the export and the deletions.
    const file = path.join(world.root, 'project', 'build.envd');
    fs.writeFileSync(file, BUILD_ENVD.replace('"requests"', '"requests", "rich"'));
    try {
      const seq1 = world.emu.requests.length;
      const changed = await mainAndPost(job({ githubToken: WRITER, inputs: { 'cache-scope': 'budget' } }));
      expect(changed.main.code).toBe(0);
      expect(log(changed.main)).toMatch(
        /::group::Decide the cache write\nThe build ran \d+ steps?; of the previous generation on refs\/heads\/main it did not use/
      );
      expect(log(changed.main)).toContain(
        'Writing the cache: the same build again, every step cached, with the export'
      );
      expect(log(changed.main)).toMatch(/The listing read before the build serves: \d+ cache entries/);
      const routes = world.emu.requests.slice(seq1).map((r) => r.route);
      const firstWrite = routes.indexOf('CreateCacheEntry');
      const restAfterWrite = routes.slice(firstWrite).filter((r) => r.startsWith('rest.') && r !== 'rest.delete-by-id');
      expect(routes.filter((r) => r === 'rest.pulls')).toHaveLength(1);
      expect(firstWrite).toBeGreaterThan(-1);
      expect(restAfterWrite).toEqual([]);
    } finally {
      fs.writeFileSync(file, BUILD_ENVD);
    }
  }, 90000);

  test('without actions: write, one warning; the build is not affected', async () => {
    world.emu.grantRest(READER, 'read');
    // Two old generations of an index: #1 was superseded days ago, so pruning wants to delete it.
    for (const [n, age] of [
      [1, 4],
      [2, 3]
    ])
      world.emu.seed({
        ref: 'refs/heads/main',
        key: `index-nowrite-1-f921bd05#${n}`,
        sizeBytes: 100,
        data: '{"layers":[]}',
        createdAt: Date.now() - age * DAY,
        lastAccessedAt: Date.now() - age * DAY
      });
    const { main } = await mainAndPost(job({ githubToken: READER, inputs: { 'cache-scope': 'nowrite' } }));
    expect(main.code).toBe(0);
    const warnings = main.stdout.split('\n').filter((l) => l.startsWith('::warning') && l.includes('actions: write'));
    expect(warnings).toHaveLength(1);
  }, 60000);

  test('command: prune on a closed pull request deletes its entries; a dry run deletes nothing and shows the plan', async () => {
    world.emu.grantRest(WRITER, 'write');
    const version = '693bb7016429d80366022f036f84856888c9f13e00145f5f6f4dce303a38d6f2';
    const old = Date.now() - 2 * DAY;
    for (const key of ['index-pr-1-0a1b2c3d#1', 'buildkit-blob-1-sha256:' + 'c'.repeat(64)])
      world.emu.seed({ ref: 'refs/pull/77/merge', key, version, sizeBytes: 5000, createdAt: old, lastAccessedAt: old });
    const prEntries = () => world.emu.entries().filter((e) => e.ref === 'refs/pull/77/merge');
    const closed = {
      event: 'pull_request',
      ref: 'refs/pull/77/merge',
      ac: [
        { Scope: 'refs/pull/77/merge', Permission: 3 },
        { Scope: 'refs/heads/main', Permission: 1 }
      ],
      payload: {
        action: 'closed',
        repository: { full_name: 'octo/envd-demo', default_branch: 'main' },
        pull_request: {
          number: 77,
          base: { ref: 'main', repo: { full_name: 'octo/envd-demo' } },
          head: { ref: 'x', repo: { full_name: 'octo/envd-demo' } }
        }
      },
      githubToken: WRITER
    };
    // As in the README's cleanup workflow: no checkout, so the workspace has no build.envd.
    const empty = fs.mkdtempSync(path.join(world.root, 'no-checkout-'));
    const noCheckout = (inputs: Record<string, string>) => {
      const j = job({ ...closed, inputs });
      j.env.GITHUB_WORKSPACE = empty;
      j.workspace = empty;
      return j;
    };
    const dry = await mainAndPost(noCheckout({ command: 'prune', 'dry-run': 'true' }));
    expect(dry.main.code).toBe(0);
    expect(prEntries()).toHaveLength(2);
    expect(dry.main.summary).toContain('Prune plan (dry run: nothing was deleted)');
    expect(dry.main.summary).toContain('refs/pull/77/merge');
    expect(dry.main.outputs['pruned-entries']).toBe('0');
    expect(dry.main.state.builder).toBeUndefined();

    const real = await mainAndPost(noCheckout({ command: 'prune' }));
    expect(real.main.code).toBe(0);
    expect(prEntries()).toHaveLength(0);
    // The two closed-PR entries, plus whatever else earlier tests left prunable in this repository.
    expect(Number(real.main.outputs['pruned-entries'])).toBeGreaterThanOrEqual(2);
    expect(Number(real.main.outputs['pruned-bytes'])).toBeGreaterThanOrEqual(10000);
    expect(real.main.summary).toMatch(/Pruned: \d+ entries/);
    expect(real.main.state.builder).toBeUndefined();
  }, 60000);
});

describe('secrets in a real build', () => {
  test('the runtime token and the GitHub token appear nowhere the action writes, main or post', async () => {
    const githubToken = 'ghs_BuildLeakCanary7Qz2Xv9Lm4Tp8Rn3Hb';
    world.emu.grantRest(githubToken, 'write');
    const j = job({ githubToken, inputs: { 'cache-scope': 'leak' } });
    const runtimeToken = j.env.ACTIONS_RUNTIME_TOKEN;
    const { main, post } = await mainAndPost(j);
    expect(main.code).toBe(0);
    // The scanner of __tests__/security: raw, base64(url), URL-encoded and every 12-character piece.
    expect(leaks([main, post], [githubToken, runtimeToken])).toEqual([]);
    expect(main.stdout).toContain("--export-cache 'type=gha,scope=leak,token=***");
  }, 60000);
});
