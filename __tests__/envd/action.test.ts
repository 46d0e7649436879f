/**
 * The envd command line as the bundled action really runs it (dist/index.js through the harness; run
 * `npm run package` first), against the fake envd, which follows envd v1.3.4's source: the global
 * --buildkitd-image before `build`, a --tag that envd can parse for a workspace named `.github`, and the
 * step's own ENVD_BUILD_OWNER reaching envd.
 */
import { beforeAll, describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createJob, type Job, runPhase } from '../../scripts/harness.mjs';
import { bundleWorld } from '../support/world.js';

const BUILD_ENVD = `def build():
    base(dev=False)
    config.owner(uid=2000, gid=2001)
    run(["true"])
`;

const world = bundleWorld('envd-argv', { buildkitVersions: ['v0.32.2'] });
let workspace: string;

beforeAll(() => {
  // envd's default tag would be `.github:dev`, which envd refuses (pkg/driver/docker/docker.go:103-105).
  workspace = path.join(world.root, '.github');
  fs.mkdirSync(workspace);
  fs.writeFileSync(path.join(workspace, 'build.envd'), BUILD_ENVD);
});

async function run(env: Record<string, string | undefined> = {}) {
  const calls = path.join(fs.mkdtempSync(path.join(world.root, 'calls-')), 'envd.jsonl');
  const job: Job = createJob({
    workspace,
    inputs: { cache: 'none', output: 'type=oci,dest=image.tar' },
    env: {
      HOME: fs.mkdtempSync(path.join(world.root, 'home-')),
      RUNNER_TOOL_CACHE: world.toolCache,
      ENVD_CACHE_ACTION_DOWNLOAD_URL: world.releases.url,
      ENVD_CACHE_ACTION_API_URL: world.releases.apiUrl,
      ENVD_CACHE_ACTION_BUILDKITD_TIMEOUT: '10',
      FAKE_ENVD_CALLS: calls,
      ...env
    }
  });
  try {
    const main = await runPhase(job, 'main', { timeoutMs: 90000 });
    await runPhase(job, 'post', { timeoutMs: 30000 });
    const argv = fs
      .readFileSync(calls, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as string[]);
    return { main, build: argv.find((a) => a.includes('build'))!, summary: main.summary };
  } finally {
    job.cleanup();
  }
}

describe('envd as the action runs it', () => {
  test('global --buildkitd-image of the started BuildKit before build, and a --tag envd parses for a .github workspace', async () => {
    const { main, build } = await run();
    expect(main.code).toBe(0);
    expect(build.slice(0, 3)).toEqual(['--buildkitd-image', 'docker.io/moby/buildkit:v0.32.2', 'build']);
    expect(build[build.indexOf('--tag') + 1]).toBe('github:dev');
    // ENVD_BUILD_OWNER (the action's default) wins over config.owner() of the build file.
    expect(main.stdout).toContain('[internal] create user group envd(g:1000) and user envd(u:1000)');
  }, 120000);

  test("the step's own ENVD_BUILD_OWNER reaches envd unchanged", async () => {
    const { main } = await run({ ENVD_BUILD_OWNER: '2000:2001' });
    expect(main.code).toBe(0);
    expect(main.stdout).toContain('[internal] create user group envd(g:2001) and user envd(u:2000)');
  }, 120000);

  test("the steps output and the summary's step table come from the build the bundle ran", async () => {
    const { main } = await run();
    expect(main.code).toBe(0);
    const steps = JSON.parse(main.outputs.steps) as { name: string; status: string; seconds: number }[];
    expect(steps).toHaveLength(Number(main.outputs['total-steps']));
    const run3 = '[build.envd 3/3] run(["true"])';
    expect(steps.find((s) => s.name === run3)).toEqual({ name: run3, status: 'built', seconds: expect.any(Number) });
    expect(main.summary).toContain('### Steps');
    expect(main.summary).toContain(`| \`${run3}\` | built |`);
    // cache: none imports nothing, so the first step built is where the cache broke, and that is why
    expect(main.summary).toContain('this run did not import: cache is none');
  }, 120000);

  test('a failing build: the failed step in the steps output and the summary', async () => {
    const { main } = await run({
      FAKE_ENVD_FAIL_WITH: 'process "python -m pip install nope" did not complete successfully: exit code: 1'
    });
    expect(main.code).toBe(1);
    const steps = JSON.parse(main.outputs.steps) as { status: string }[];
    expect(steps.filter((s) => s.status === 'failed')).toHaveLength(1);
    expect(main.summary).toMatch(/\| failed \| \d+\.\d \|/);
  }, 120000);

  test("a failing step's own lines reach the summary (once, without envd's closing recap) and the annotation", async () => {
    const { main } = await run({
      FAKE_ENVD_FAIL_WITH: 'process "python -m pip install nope" did not complete successfully: exit code: 1',
      FAKE_ENVD_FAIL_LOG:
        'ERROR: Could not find a version that satisfies the requirement nope (from versions: none)\nERROR: No matching distribution found for nope'
    });
    expect(main.code).toBe(1);
    // envd's plain output repeats the failed step's last lines after the build (printErrorLogs)
    expect(main.stdout).toContain('------');
    const annotation = main.stdout.split('\n').find((l) => l.startsWith('::error title='))!;
    expect(annotation).toContain('%0ALast lines of ');
    expect(annotation).toContain('%0A  ERROR: No matching distribution found for nope');
    expect(main.summary).toContain("### The failing step's log");
    const block = main.summary.slice(
      main.summary.indexOf('```text\n') + 8,
      main.summary.indexOf('\n```\n', main.summary.indexOf('```text\n'))
    );
    expect(block.split('\n')).toEqual([
      'ERROR: Could not find a version that satisfies the requirement nope (from versions: none)',
      'ERROR: No matching distribution found for nope'
    ]);
  }, 120000);
});
