/**
 * The committed bundle, run as the runner runs it: INPUT_* with hyphens, file commands, then post.
 * `npm test` bundles before jest runs, so this exercises exactly what dist/ holds.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createJob, type Job, ROOT, runPhase } from '../../scripts/harness.mjs';
import { type Emulator, startEmulator } from '../support/emulator/index.js';
import { jwt, RESULTS_URL } from '../support/runtime.js';

const IMAGE = 'type=image,name=ghcr.io/octo/env:latest,push=true';
const RUNTIME_TOKEN = jwt([{ Scope: 'refs/heads/main', Permission: 3 }]);
const CACHE_ENV = {
  ACTIONS_RUNTIME_TOKEN: RUNTIME_TOKEN,
  ACTIONS_RESULTS_URL: RESULTS_URL,
  ACTIONS_CACHE_SERVICE_V2: 'True'
};

// The cache REST API (usage, listing) comes from the emulator: a dry run reads the budget and plans a prune.
let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({
    repository: 'octo/envd-demo',
    restTokens: { ghs_harnessToken000000000000000000000: 'read', ghs_LeakCanary0123456789abcdefABCDEF: 'read' }
  });
});
afterAll(() => emu.close());

const jobs: Job[] = [];
function job(
  inputs: Record<string, string>,
  env: Record<string, string | undefined> = CACHE_ENV,
  githubToken?: string
): Job {
  const j = createJob({
    inputs: { path: 'examples', 'dry-run': 'true', ...inputs },
    env: { GITHUB_API_URL: emu.apiUrl, ...env },
    githubToken
  });
  jobs.push(j);
  return j;
}
afterEach(() => {
  while (jobs.length) jobs.pop()!.cleanup();
});

test('the bundle exists (npm test builds it first)', () => {
  expect(fs.existsSync(path.join(ROOT, 'dist', 'index.js'))).toBe(true);
});

describe('dry-run through dist/index.js, per backend', () => {
  // [backend inputs, expected export-cache output, expected import-cache output]
  const CASES: [Record<string, string>, RegExp, RegExp][] = [
    [
      { cache: 'gha' },
      /^type=gha,scope=examples-[0-9a-f]{8},token=\*\*\*,url_v2=https:\/\/results-receiver\.actions\.githubusercontent\.com\/,version=2,timeout=10m,mode=max,ignore-error=true$/,
      /^type=gha,scope=examples-[0-9a-f]{8},token=\*\*\*,url_v2=.+,version=2,timeout=10m$/
    ],
    [
      { cache: 'registry', output: IMAGE },
      /^type=registry,ref=ghcr\.io\/octo\/env:buildcache-examples-[0-9a-f]{8},mode=max,ignore-error=true$/,
      /^type=registry,ref=ghcr\.io\/octo\/env:buildcache-examples-[0-9a-f]{8}$/
    ],
    [{ cache: 'inline', output: IMAGE }, /^type=inline$/, /^type=registry,ref=ghcr\.io\/octo\/env:latest$/],
    [
      { cache: 'local', 'cache-scope': 'ex' },
      /^type=local,dest=.+\/temp\/envd-cache\/ex\.new,mode=max,ignore-error=true$/,
      /^$/
    ],
    [
      { cache: 's3', 'cache-scope': 'ex', 'cache-options': 'bucket=cache,region=eu-west-1' },
      /^type=s3,name=ex,mode=max,bucket=cache,region=eu-west-1,ignore-error=true$/,
      /^type=s3,name=ex,bucket=cache,region=eu-west-1$/
    ],
    [{ cache: 'none' }, /^$/, /^$/]
  ];

  test.each(CASES)('%j', async (inputs, exportRe, importRe) => {
    const j = job(inputs);
    const main = await runPhase(j, 'main');
    expect(main.stderr).toBe('');
    expect(main.code).toBe(0);
    expect(main.outputs['cache-backend']).toBe(inputs.cache);
    expect(main.outputs['export-cache']).toMatch(exportRe);
    expect(main.outputs['import-cache']).toMatch(importRe);
    const planned = JSON.parse(main.outputs.plan);
    expect(planned).toMatchObject({ backend: inputs.cache, dryRun: true, problems: [] });
    expect(Object.keys(main.outputs).sort()).toEqual(
      [
        'cache-backend',
        'cache-scope',
        'cache-mode',
        'export-cache',
        'import-cache',
        'cached-steps',
        'total-steps',
        'cache-hit-ratio',
        'build-seconds',
        'steps',
        'cache-usage-bytes',
        'cache-budget-bytes',
        'pruned-entries',
        'pruned-bytes',
        'plan',
        'digest',
        'image',
        'imageid',
        'builder',
        'cache-mounts'
      ].sort()
    );
    expect(main.stdout).toContain('::group::Plan');
    expect(main.summary).toContain('## envd cache action: dry run');
    expect(main.summary).toContain('nothing was installed, started, built or deleted');
    expect(main.state).toEqual({ isPost: 'true' });

    const post = await runPhase(j, 'post');
    expect(post.code).toBe(0);
    expect(post.stdout).not.toContain('::error');
  });
});

describe('invalid inputs', () => {
  test('every problem is an error annotation naming the input; exit 1; no stack trace; nothing set', async () => {
    const main = await runPhase(
      job({ cache: 'gha', 'cache-mode': 'maxx', 'cache-budget': '10 gigs', 'cache-options': 'compresion=zstd' }),
      'main'
    );
    expect(main.code).toBe(1);
    const errors = main.stdout.split('\n').filter((l) => l.startsWith('::error'));
    expect(errors).toEqual([
      '::error title=envd cache action%3A invalid input::Input "cache-mode": "maxx" is not one of auto, min, max (did you mean "max"?)',
      '::error title=envd cache action%3A invalid input::Input "cache-options": unknown attribute "compresion" for cache: gha (did you mean "compression"?)',
      '::error title=envd cache action%3A invalid input::Input "cache-budget": "10 gigs" is not auto or a size with a unit, such as 8GB or 500MiB',
      '::error::3 invalid inputs; nothing was started (see the errors above)'
    ]);
    expect(main.stdout + main.stderr).not.toMatch(/\n\s+at |Error:|node:internal/);
    expect(main.outputs).toEqual({});
    expect(main.summary).toContain('## envd cache action: invalid inputs');
    expect(main.summary).toContain('Input "cache-mode"');
  });

  test('a build file that is not there is named, with what the directory holds', async () => {
    const main = await runPhase(job({ from: 'missing.envd:build' }), 'main');
    expect(main.code).toBe(1);
    expect(main.stdout).toContain(
      'Input "from": "missing.envd" was not found under "examples"; examples has build.envd'
    );
  });

  test('gha outside GitHub Actions: a real run stops before anything starts, with the reason', async () => {
    const main = await runPhase(job({ 'dry-run': 'false' }, { GITHUB_ACTIONS: undefined }), 'main');
    expect(main.code).toBe(1);
    expect(main.stdout).toContain("cache: gha needs the runner's cache credentials");
    expect(main.stdout).toContain('does not look like a GitHub Actions run');
  });

  test('post after a failed main exits 0', async () => {
    const j = job({ 'cache-mode': 'nope' });
    expect((await runPhase(j, 'main')).code).toBe(1);
    expect((await runPhase(j, 'post')).code).toBe(0);
  });
});

describe('secrets', () => {
  test('the runtime token, GitHub token and S3 keys appear nowhere the action writes', async () => {
    const githubToken = 'ghs_LeakCanary0123456789abcdefABCDEF';
    const secrets = {
      ACTIONS_RUNTIME_TOKEN: jwt([{ Scope: 'refs/heads/main', Permission: 3 }], { canary: 'runtime-canary-7f3a' }),
      AWS_ACCESS_KEY_ID: 'AKIALEAKCANARY00001',
      AWS_SECRET_ACCESS_KEY: 'leak/canary+secret/access/key/000000001',
      AWS_SESSION_TOKEN: 'leak-canary-session-token-000000001'
    };
    const env = { ...CACHE_ENV, ...secrets, AWS_BUCKET: 'b', AWS_REGION: 'eu-west-1' };
    for (const cache of ['s3', 'gha']) {
      const j = job(
        { cache, 'cache-options': cache === 'gha' ? `repository=octo/envd-demo,ghtoken=${githubToken}` : '' },
        env,
        githubToken
      );
      const main = await runPhase(j, 'main');
      expect(main.code).toBe(0);
      const post = await runPhase(j, 'post');
      // ::add-mask:: lines are how secrets are registered with the runner, which hides them; everything else is scanned.
      const written = [main, post]
        .flatMap((r) => [
          r.stdout
            .split('\n')
            .filter((l) => !l.startsWith('::add-mask::'))
            .join('\n'),
          r.stderr,
          ...Object.values(r.files)
        ])
        .join('\n');
      for (const secret of [githubToken, ...Object.values(secrets)]) expect(written).not.toContain(secret);
      const masked = main.stdout
        .split('\n')
        .filter((l) => l.startsWith('::add-mask::'))
        .map((l) => l.slice('::add-mask::'.length));
      expect(masked).toEqual(expect.arrayContaining([githubToken, ...Object.values(secrets)]));
      expect(main.outputs['export-cache']).toContain('***');
    }
  });
});
