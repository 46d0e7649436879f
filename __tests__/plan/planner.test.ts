import { describe, expect, test } from '@jest/globals';
import { redactCacheSpec, serializeCacheSpec } from '../../src/backends/spec.js';
import { plan as planUnfrozen } from '../../src/plan/planner.js';
import { deepFreeze, plan } from '../support/freeze.js';
import { readRuntime } from '../../src/runtime/runtime.js';
import { prPayload } from '../fixtures/events.js';
import { inputsOf } from '../support/inputs.js';
import { RESULTS_URL, runtime } from '../support/runtime.js';

const IMAGE = 'type=image,name=ghcr.io/octo/env:latest,push=true';
const SCOPE = { 'cache-scope': 'py311' };

// [name, inputs, expected export (redacted) or null, expected import (redacted) or null]
const CASES: [string, Record<string, string>, string | null, string | null][] = [
  [
    'gha: runner credentials, v2 on github.com, ignore-error on export',
    SCOPE,
    `type=gha,scope=py311,token=***,url_v2=${RESULTS_URL},version=2,timeout=10m,mode=max,ignore-error=true`,
    `type=gha,scope=py311,token=***,url_v2=${RESULTS_URL},version=2,timeout=10m`
  ],
  [
    'gha with cache-options merged per direction',
    { ...SCOPE, 'cache-options': 'timeout=5m,repository=octo/envd-demo,ghtoken=ghs_x' },
    `type=gha,scope=py311,token=***,url_v2=${RESULTS_URL},version=2,timeout=5m,mode=max,repository=octo/envd-demo,ghtoken=***,ignore-error=true`,
    `type=gha,scope=py311,token=***,url_v2=${RESULTS_URL},version=2,timeout=5m`
  ],
  [
    'registry: ref derived from the output image',
    { ...SCOPE, cache: 'registry', output: IMAGE },
    'type=registry,ref=ghcr.io/octo/env:buildcache-py311,mode=max,ignore-error=true',
    'type=registry,ref=ghcr.io/octo/env:buildcache-py311'
  ],
  [
    'registry: explicit cache-ref and layer options (export only)',
    {
      cache: 'registry',
      'cache-ref': 'ghcr.io/octo/cache:env',
      'cache-mode': 'min',
      'cache-options': 'compression=zstd,registry.insecure=true'
    },
    'type=registry,ref=ghcr.io/octo/cache:env,mode=min,compression=zstd,registry.insecure=true,ignore-error=true',
    'type=registry,ref=ghcr.io/octo/cache:env,registry.insecure=true'
  ],
  [
    'registry: an explicit ignore-error is respected',
    { cache: 'registry', 'cache-ref': 'r.io/o/c:x', 'cache-options': 'ignore-error=false' },
    'type=registry,ref=r.io/o/c:x,mode=max,ignore-error=false',
    'type=registry,ref=r.io/o/c:x'
  ],
  [
    'inline: exported in the image, read back as a registry cache',
    { cache: 'inline', output: IMAGE },
    'type=inline',
    'type=registry,ref=ghcr.io/octo/env:latest'
  ],
  [
    'local: a fresh export directory beside RUNNER_TEMP/envd-cache/<scope>; the import is served at build time',
    { ...SCOPE, cache: 'local' },
    'type=local,dest=/runner/_temp/envd-cache/py311.new,mode=max,ignore-error=true',
    null
  ],
  [
    'local: cache-dir',
    { cache: 'local', 'cache-dir': '/cache/env', 'cache-mode': 'min' },
    'type=local,dest=/cache/env.new,mode=min,ignore-error=true',
    null
  ],
  [
    's3: from cache-options, scope as name',
    {
      ...SCOPE,
      cache: 's3',
      'cache-options':
        'bucket=b,region=eu-west-1,endpoint_url=http://127.0.0.1:9000,use_path_style=true,upload_parallelism=8'
    },
    'type=s3,name=py311,mode=max,bucket=b,region=eu-west-1,endpoint_url=http://127.0.0.1:9000,use_path_style=true,upload_parallelism=8,ignore-error=true',
    'type=s3,name=py311,bucket=b,region=eu-west-1,endpoint_url=http://127.0.0.1:9000,use_path_style=true,upload_parallelism=8'
  ],
  ['cache: none', { cache: 'none' }, null, null],
  [
    'cache-write: false drops the export',
    { ...SCOPE, cache: 'registry', output: IMAGE, 'cache-write': 'false' },
    null,
    'type=registry,ref=ghcr.io/octo/env:buildcache-py311'
  ],
  [
    'raw values replace the computed ones; gha gets the runner credentials it lacks',
    { 'export-cache': 'type=gha,scope=custom,mode=min', 'import-cache': 'type=registry,ref=ghcr.io/octo/env:cache' },
    `type=gha,scope=custom,token=***,url_v2=${RESULTS_URL},version=2,mode=min,ignore-error=true`,
    'type=registry,ref=ghcr.io/octo/env:cache'
  ],
  [
    'raw gha with its own endpoint keeps it',
    { ...SCOPE, 'import-cache': 'type=gha,scope=x,url=http://cache.local/,version=1' },
    `type=gha,scope=py311,token=***,url_v2=${RESULTS_URL},version=2,timeout=10m,mode=max,ignore-error=true`,
    'type=gha,scope=x,token=***,url=http://cache.local/,version=1'
  ]
];

describe('planner', () => {
  test('leaves the export-cache and import-cache it was given as they were (it adds to copies)', () => {
    const inputs = inputsOf({
      'export-cache': 'type=gha,scope=custom,mode=min',
      'import-cache': 'type=gha,scope=custom'
    });
    const p = planUnfrozen(inputs, runtime());
    expect(serializeCacheSpec(p.export!)).toContain('ignore-error=true');
    expect(serializeCacheSpec(inputs.exportCache!)).toBe('type=gha,scope=custom,mode=min');
    expect(serializeCacheSpec(inputs.importCache!)).toBe('type=gha,scope=custom');
  });

  test('the frozen inputs these tests hand the planner refuse an edit', () => {
    const inputs = deepFreeze(inputsOf({ 'export-cache': 'type=gha,scope=custom' }));
    expect(() => inputs.exportCache!.attrs.set('mode', 'max')).toThrow(TypeError);
    expect(() => Object.assign(inputs.exportCache!, { type: 'registry' })).toThrow(TypeError);
  });

  test.each(CASES)('%s', (_name, overrides, exp, imp) => {
    const p = plan(inputsOf(overrides), runtime());
    expect(p.problems).toEqual([]);
    expect(p.export ? redactCacheSpec(p.export) : null).toBe(exp);
    expect(p.import ? redactCacheSpec(p.import) : null).toBe(imp);
  });

  test('one flag each way, never repeated, and the real token only in the unredacted value', () => {
    const rt = runtime();
    const p = plan(inputsOf(SCOPE), rt);
    expect(serializeCacheSpec(p.export!)).toContain(`token=${rt.cacheService.token}`);
    expect(p.secrets).toContain(rt.cacheService.token);
    expect(p.secrets).toContain('ghs_unitTestToken');
  });

  test('GHES and runners without the v2 flag use url + version=1', () => {
    const ghes = runtime({
      env: {
        GITHUB_SERVER_URL: 'https://ghe.example.com',
        ACTIONS_CACHE_URL: 'https://ghe.example.com/_services/cache/'
      }
    });
    expect(redactCacheSpec(plan(inputsOf(SCOPE), ghes).import!)).toBe(
      'type=gha,scope=py311,token=***,url=https://ghe.example.com/_services/cache/,version=1,timeout=10m'
    );
    const noFlag = runtime({
      env: { ACTIONS_CACHE_SERVICE_V2: undefined, ACTIONS_CACHE_URL: 'https://cache.example/' }
    });
    const p = plan(inputsOf(SCOPE), noFlag);
    expect(redactCacheSpec(p.import!)).toContain('url=https://cache.example/,version=1');
    expect(p.warnings.join()).toContain('ACTIONS_CACHE_SERVICE_V2 is not set on github.com');
  });

  test('missing gha credentials stop a real run and only warn in dry-run', () => {
    const rt = runtime({
      env: { ACTIONS_RUNTIME_TOKEN: undefined, ACTIONS_RESULTS_URL: undefined, GITHUB_ACTIONS: undefined }
    });
    const real = plan(inputsOf(SCOPE), rt);
    expect(real.problems).toEqual([
      expect.stringContaining(
        "cache: gha needs the runner's cache credentials, and ACTIONS_RUNTIME_TOKEN, ACTIONS_RESULTS_URL are not set"
      )
    ]);
    expect(real.problems[0]).toContain('does not look like a GitHub Actions run');
    const dry = plan(inputsOf({ ...SCOPE, 'dry-run': 'true' }), rt);
    expect(dry.problems).toEqual([]);
    expect(dry.warnings.join()).toContain('a real run would stop here');
  });

  test('s3 takes bucket, region and credentials from AWS_* and says what is missing', () => {
    const rt = runtime({
      env: {
        AWS_BUCKET: 'bkt',
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'sekret'
      }
    });
    const p = plan(inputsOf({ ...SCOPE, cache: 's3' }), rt);
    expect(redactCacheSpec(p.import!)).toBe(
      'type=s3,name=py311,bucket=bkt,region=us-east-1,access_key_id=***,secret_access_key=***'
    );
    expect(p.secrets).toEqual(expect.arrayContaining(['AKIAEXAMPLE', 'sekret']));
    const missing = plan(inputsOf({ ...SCOPE, cache: 's3' }), runtime());
    expect(missing.problems).toEqual([
      'cache: s3 needs bucket: set cache-options: bucket=… or the AWS_BUCKET environment variable',
      'cache: s3 needs region: set cache-options: region=… or the AWS_REGION environment variable'
    ]);
  });

  test('cache-options given for s3 win over AWS_* env', () => {
    const rt = runtime({ env: { AWS_BUCKET: 'from-env', AWS_REGION: 'us-east-1' } });
    const p = plan(inputsOf({ cache: 's3', 'cache-options': 'bucket=from-input' }), rt);
    expect(p.export!.attrs.get('bucket')).toBe('from-input');
    expect(p.export!.attrs.get('region')).toBe('us-east-1');
  });

  test.each([
    ['push', 'refs/heads/main', 'max'],
    ['push', 'refs/heads/feature', 'min'],
    ['pull_request', 'refs/pull/7/merge', 'min'],
    ['workflow_dispatch', 'refs/heads/main', 'min'],
    ['push', 'refs/tags/v1.0', 'min']
  ])('cache-mode auto on %s %s is %s', (event, ref, mode) => {
    const payload = event === 'pull_request' ? prPayload('same repository', 7) : undefined;
    const p = plan(inputsOf(SCOPE), runtime({ event, ref, payload }));
    expect(p.mode).toBe(mode);
    expect(p.export!.attrs.get('mode')).toBe(mode);
  });

  test('an explicit cache-mode is respected', () => {
    expect(
      plan(inputsOf({ 'cache-mode': 'max' }), runtime({ event: 'pull_request', ref: 'refs/pull/1/merge' })).mode
    ).toBe('max');
  });

  test('local: the directory, its replacement and the GitHub cache key prefix per scope', () => {
    const p = plan(inputsOf({ ...SCOPE, cache: 'local' }), runtime());
    expect(p.local).toEqual({
      dir: '/runner/_temp/envd-cache/py311',
      exportDir: '/runner/_temp/envd-cache/py311.new',
      keyPrefix: 'envd-local-py311-'
    });
    expect(p.decisions.find((d) => d.topic === 'import')?.reason).toContain('envd #1391');
  });

  test('command: prune plans no build and needs no cache credentials', () => {
    const rt = runtime({ env: { ACTIONS_RUNTIME_TOKEN: undefined, ACTIONS_RESULTS_URL: undefined } });
    const p = plan(inputsOf({ command: 'prune' }), rt);
    expect(p).toMatchObject({ command: 'prune', problems: [] });
    expect(p.export).toBeUndefined();
    expect(p.import).toBeUndefined();
    expect(p.decisions.map((d) => d.topic)).toEqual(['scope', 'command']);
  });

  test('every decision has a reason', () => {
    const p = plan(inputsOf({ cache: 'inline', output: IMAGE }), runtime());
    expect(p.decisions.map((d) => d.topic)).toEqual(['scope', 'mode', 'export', 'import']);
    for (const d of p.decisions) expect(d.reason.length).toBeGreaterThan(5);
  });
});

test('a pull_request run whose event file carries no pull_request cannot tell where its code comes from: no export', () => {
  const p = plan(
    inputsOf({ ...SCOPE, 'cache-write': 'true' }),
    runtime({ event: 'pull_request', ref: 'refs/pull/7/merge' })
  );
  expect(p.export).toBeUndefined();
  expect(p.decisions.find((d) => d.topic === 'export')?.reason).toBe(
    'pull_request: the event file carries no pull_request, so where its head comes from is not known. A head that cannot be known is treated as a fork, and code from a fork never writes a cache, whatever cache-write says'
  );
});

describe('a broken event file', () => {
  test.each([
    ['build with gha', {}],
    ['build with registry', { cache: 'registry', output: IMAGE }],
    ['prune', { command: 'prune' }]
  ])("%s: the event problem is the plan's only problem, and nothing is planned from the event", (_n, overrides) => {
    const rt = readRuntime(
      { GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: 'event.json', GITHUB_REF: 'refs/pull/1/merge' },
      'null'
    );
    const p = plan(inputsOf({ ...SCOPE, ...overrides }), rt);
    expect(p.problems).toEqual([
      'GITHUB_EVENT_PATH (event.json): the file holds null, not a JSON object; the runner writes the triggering event there as a JSON object; do not override GITHUB_EVENT_PATH'
    ]);
    expect(p.export).toBeUndefined();
    expect(p.import).toBeUndefined();
    expect(p.importCandidates).toBeUndefined();
  });
});
