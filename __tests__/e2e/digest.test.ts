/**
 * The bundle, main then post, with the stand-ins: after a successful build the action reads the pushed tag's
 * digest from a real registry (Debian's docker-registry, basic auth, with the Docker config's credentials) or the
 * loaded image's ID from Docker, and keeps the scope's hit-ratio history in the GitHub cache (the emulator).
 *
 * The fake buildkitd "pushes" into its own directory (FAKE_REGISTRY_ROOT), not to a real registry, so the
 * real registry is given the tag before the run: this proves the wiring over the bundle (read after the build,
 * outputs, summary, warnings); `__tests__/io/digest.test.ts` proves the read itself.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createJob, type Job, runPhase } from '../../scripts/harness.mjs';
import { dockerConfigJson, pushImage, pushIndex } from '../support/oci-push.js';
import { startRegistry, type TestRegistry } from '../support/services/registry.js';
import { bundleWorld } from '../support/world.js';
import { HISTORY_CACHE_VERSION } from '../../src/report/history.js';

const BUILD_ENVD = `# syntax=v1

def build():
    base(dev=True)
    install.python_packages(name=["numpy"])
`;

const world = bundleWorld('envd-e2e-digest', { buildkitVersions: ['v0.32.2'] });
let registry: TestRegistry;
let root: string;
let dockerConfig: string;
let noDockerConfig: string;

beforeAll(async () => {
  registry = await startRegistry();
  root = world.root;
  fs.mkdirSync(path.join(root, 'project'), { recursive: true });
  fs.writeFileSync(path.join(root, 'project', 'build.envd'), BUILD_ENVD);
  dockerConfig = path.join(root, 'docker-config');
  fs.mkdirSync(dockerConfig);
  fs.writeFileSync(path.join(dockerConfig, 'config.json'), dockerConfigJson(registry));
  noDockerConfig = path.join(root, 'no-docker-config');
  fs.mkdirSync(noDockerConfig);
}, 30000);

afterAll(async () => {
  await registry?.stop();
});

function job(o: { inputs?: Record<string, string>; env?: Record<string, string | undefined>; runId: string }): Job {
  const home = fs.mkdtempSync(path.join(root, 'home-'));
  const j = createJob({
    workspace: path.join(root, 'project'),
    ref: 'refs/heads/main',
    inputs: { 'cache-scope': 'digest', ...o.inputs },
    env: {
      HOME: home,
      ...world.runnerEnv('refs/heads/main'),
      GITHUB_RUN_ID: o.runId,
      ENVD_CACHE_ACTION_BUILDKITD_TIMEOUT: '10',
      FAKE_REGISTRY_ROOT: path.join(root, 'fake-registry'),
      FAKE_DOCKER_ROOT: path.join(home, 'fake-docker'),
      DOCKER_CONFIG: dockerConfig,
      ...o.env
    }
  });
  return world.track(j);
}

async function mainAndPost(j: Job) {
  const main = await runPhase(j, 'main', { timeoutMs: 90000 });
  const post = await runPhase(j, 'post', { timeoutMs: 30000 });
  return { main, post };
}

const pushOutput = (repo: string) => `type=image,name=${registry.host}/${repo},push=true,registry.insecure=true`;

describe('digest and image after a push', () => {
  test('the pushed tag: digest and image outputs, the Image section of the summary', async () => {
    const { digest } = await pushImage(registry, 'octo/env', 'v1');
    const { main, post } = await mainAndPost(job({ runId: '5001', inputs: { output: pushOutput('octo/env:v1') } }));
    expect(main.code).toBe(0);
    expect(main.outputs.digest).toBe(digest);
    expect(main.outputs.image).toBe(`${registry.host}/octo/env@${digest}`);
    expect(main.outputs.imageid).toBe('');
    expect(main.summary).toContain('### Image');
    expect(main.summary).toContain(`| Image | \`${registry.host}/octo/env@${digest}\` |`);
    expect(main.stdout).toContain(`Pushed ${registry.host}/octo/env:v1: ${registry.host}/octo/env@${digest}`);
    // The Docker config's password is used, never shown.
    expect(main.stdout + main.stderr + main.summary + JSON.stringify(main.outputs)).not.toContain(registry.password);
    expect(post.code).toBe(0);
  }, 120000);

  // BuildKit pushes an index also for one platform when it adds attestations; several platforms are an index too.
  test('a tag that holds an index: the index digest', async () => {
    const { digest } = await pushIndex(registry, 'octo/multi', 'v1', ['amd64', 'arm64']);
    const { main } = await mainAndPost(job({ runId: '5002', inputs: { output: pushOutput('octo/multi:v1') } }));
    expect(main.code).toBe(0);
    expect(main.outputs.digest).toBe(digest);
  }, 120000);

  test('a registry that refuses (no credentials): a warning that says why; the build still succeeds', async () => {
    await pushImage(registry, 'octo/env', 'v2');
    const { main, post } = await mainAndPost(
      job({ runId: '5003', inputs: { output: pushOutput('octo/env:v2') }, env: { DOCKER_CONFIG: noDockerConfig } })
    );
    expect(main.code).toBe(0);
    expect(main.stdout).toContain(
      `::warning title=Image digest not read::The digest of the pushed image ${registry.host}/octo/env:v2 could not be read: ${registry.host} asks for credentials and the Docker config has none for it (log in with docker/login-action before this step). The build succeeded; the digest and image outputs are empty.`
    );
    expect([main.outputs.digest, main.outputs.image]).toEqual(['', '']);
    expect(main.summary).toContain('| Digest | not read:');
    expect(post.code).toBe(0);
  }, 120000);

  test('a tag the push did not reach (404): a warning, the build still succeeds', async () => {
    const { main } = await mainAndPost(job({ runId: '5004', inputs: { output: pushOutput('octo/env:never') } }));
    expect(main.code).toBe(0);
    expect(main.stdout).toContain(
      `::warning title=Image digest not read::The digest of the pushed image ${registry.host}/octo/env:never could not be read: ${registry.host} has no manifest for ${registry.host}/octo/env:never (404)`
    );
    expect(main.outputs.digest).toBe('');
  }, 120000);
});

describe('imageid for an image loaded into Docker', () => {
  const ID = `sha256:${'5e'.repeat(32)}`;

  test('with Docker: docker image inspect of the tag the action gave envd', async () => {
    const bin = path.join(root, 'docker-bin');
    fs.mkdirSync(bin, { recursive: true });
    const calls = path.join(root, 'docker-calls');
    fs.writeFileSync(path.join(bin, 'docker'), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${calls}'\necho ${ID}\n`, {
      mode: 0o755
    });
    const { main } = await mainAndPost(job({ runId: '6001', env: { PATH: `${bin}:${process.env.PATH}` } }));
    expect(main.code).toBe(0);
    expect(main.outputs.imageid).toBe(ID);
    expect(main.outputs.digest).toBe('');
    expect(fs.readFileSync(calls, 'utf8')).toBe('image inspect --format {{.Id}} project:dev\n');
    expect(main.summary).toContain(`| Image ID | \`${ID}\` |`);
  }, 120000);

  test('without Docker: no imageid, a debug line, no warning', async () => {
    const bin = path.join(root, 'node-only');
    fs.mkdirSync(bin, { recursive: true });
    // Only node (the stand-ins are node scripts) and the basic tools, so no docker can be found.
    fs.symlinkSync(process.execPath, path.join(bin, 'node'));
    const { main } = await mainAndPost(job({ runId: '6002', env: { PATH: `${bin}:/usr/bin:/bin` } }));
    expect(main.code).toBe(0);
    expect(main.outputs.imageid).toBe('');
    expect(main.stdout).toMatch(
      /::debug::No imageid output: (docker is not on PATH|docker image inspect project:dev exited \d+: .*)/
    );
    expect(main.stdout).not.toContain('::warning title=Image digest not read');
  }, 120000);
});

describe('hit-ratio history', () => {
  test('each run that exports adds itself; the summary draws the runs so far; entries are tiny and one per run', async () => {
    const scope = 'history';
    const first = await mainAndPost(job({ runId: '7001', inputs: { 'cache-scope': scope } }));
    expect(first.main.code).toBe(0);
    expect(first.main.summary).toContain('### Hit-ratio history (scope `history`)');
    expect(first.main.summary).toContain('the last 1 run, oldest first');
    const second = await mainAndPost(job({ runId: '7002', inputs: { 'cache-scope': scope } }));
    expect(second.main.code).toBe(0);
    const total = second.main.outputs['total-steps'];
    expect(second.main.outputs['cached-steps']).toBe(total);
    // The cold run built everything (▁), the warm one imported everything (█).
    expect(second.main.summary).toContain(
      `\`▁█\` the last 2 runs, oldest first; the newest 100% (${total} of ${total} steps cached)`
    );
    expect(second.main.summary).toContain('| 7002 (this run) |');
    const entries = world.emu.entries().filter((e) => e.key.startsWith(`envd-history-${scope}#`));
    expect(entries.map((e) => e.key)).toEqual([`envd-history-${scope}#7001-1`, `envd-history-${scope}#7002-1`]);
    for (const e of entries) expect(e.size).toBeLessThan(4096);
    // On the cache service v2 the entry is the JSON document itself, in the action's own cache version (no tar).
    for (const e of entries) expect(e.version).toBe(HISTORY_CACHE_VERSION);
    expect(JSON.parse(world.emu.blobData(entries[1].id)!.toString('utf8'))).toMatchObject({
      format: 1,
      scope,
      runs: [{ run: '7001' }, { run: '7002' }]
    });
  }, 180000);

  test('cache: none keeps no history: one log line, no section, no entry', async () => {
    const { main } = await mainAndPost(
      job({ runId: '7201', inputs: { 'cache-scope': 'history-none', cache: 'none' } })
    );
    expect(main.code).toBe(0);
    expect(main.stdout).toContain('Hit-ratio history: none is kept (cache: none keeps no cache)');
    expect(main.summary).not.toContain('### Hit-ratio history');
    expect(world.emu.entries().some((e) => e.key.startsWith('envd-history-history-none#'))).toBe(false);
  }, 120000);

  test('a run that does not write the cache (cache-write: false) shows the history but adds no entry', async () => {
    const scope = 'history-ro';
    await mainAndPost(job({ runId: '7101', inputs: { 'cache-scope': scope } }));
    const ro = await mainAndPost(job({ runId: '7102', inputs: { 'cache-scope': scope, 'cache-write': 'false' } }));
    expect(ro.main.code).toBe(0);
    expect(ro.main.summary).toContain('the last 2 runs');
    expect(ro.main.summary).toContain('- Not saved: this run does not write the cache');
    expect(
      world.emu
        .entries()
        .filter((e) => e.key.startsWith(`envd-history-${scope}#`))
        .map((e) => e.key)
    ).toEqual([`envd-history-${scope}#7101-1`]);
  }, 180000);
});
