import { describe, expect, test } from '@jest/globals';
import { parseInputs } from '../../src/inputs/inputs.js';
import { DEFAULT_HELPER_IMAGE, ENVD_MOUNT_DIRS } from '../../src/mounts/mounts.js';
import { plan } from '../support/freeze.js';
import { FORK_SHAPES, prPayload } from '../fixtures/events.js';
import { inputsOf, raw } from '../support/inputs.js';
import { jwt, runtime } from '../support/runtime.js';

/** envd's pip cache directory inside the build (the first of ENVD_MOUNT_DIRS). */
const PIP_DIR = ENVD_MOUNT_DIRS[0];

const problems = (o: Record<string, string>) => parseInputs(raw(o)).problems.map((p) => `${p.input}: ${p.message}`);

describe('cache-mounts inputs', () => {
  test('defaults: none, 2 GB, the pinned busybox', () => {
    expect(inputsOf().cacheMounts).toEqual({
      setting: { kind: 'none' },
      maxBytes: 2e9,
      helper: { kind: 'image', ref: DEFAULT_HELPER_IMAGE }
    });
    expect(
      inputsOf({ 'cache-mounts': 'auto', 'cache-mounts-max': '500MiB', 'cache-mounts-image': '/usr/bin/busybox' })
        .cacheMounts
    ).toEqual({
      setting: { kind: 'auto' },
      maxBytes: 500 * 2 ** 20,
      helper: { kind: 'busybox', file: '/usr/bin/busybox' }
    });
  });

  test('bad values name the input and the fix, before anything starts', () => {
    expect(problems({ 'cache-mounts': 'pip' })).toEqual([
      `cache-mounts: "pip": "pip" is not an absolute directory inside the build (such as ${PIP_DIR}); write none, auto, or envd's cache directories: ${PIP_DIR}, /opt/conda/pkgs, /var/cache/apt, /var/lib/apt`
    ]);
    expect(problems({ 'cache-mounts-max': 'lots' })).toEqual([
      'cache-mounts-max: "lots" is not a size with a unit, such as 2GB or 500MiB'
    ]);
    expect(problems({ 'cache-mounts-image': 'Busy Box' })[0]).toMatch(
      /^cache-mounts-image: .*give an image with sh and tar \(pinned by digest\), or the path of a static busybox on the runner$/
    );
  });

  test.each([
    [
      'inline',
      { output: 'type=image,name=ghcr.io/octo/env:latest,push=true' },
      'cache: inline keeps the cache inside the pushed image, which has no place for package caches; use cache: registry, which keeps them as artifacts beside its layers'
    ],
    [
      'none',
      {},
      'cache: none keeps no cache, so package caches have nowhere to go; pick a cache backend (gha, local, registry or s3)'
    ]
  ])('cache: %s has no place for them: said, with the choices', (cache, extra, why) => {
    expect(problems({ cache, ...extra, 'cache-mounts': 'auto' })).toEqual([
      `cache-mounts: is "auto" while cache is ${cache}: ${why}. Set cache-mounts: none, or use cache: gha, registry, local or s3`
    ]);
  });

  test.each([
    ['registry', { 'cache-ref': 'ghcr.io/octo/cache:env' }],
    ['s3', { 'cache-options': 'bucket=b,region=eu-west-1' }]
  ])('cache: %s keeps them beside its layers: accepted', (cache, extra) => {
    expect(problems({ cache, ...extra, 'cache-mounts': 'auto' })).toEqual([]);
  });
});

describe('cache-mounts in the plan', () => {
  const mountsOf = (o: Record<string, string>, rt = runtime()) => {
    const p = plan(inputsOf({ 'cache-scope': 'py', 'cache-mounts': 'auto', ...o }), rt);
    return { mounts: p.mounts, decision: p.decisions.find((d) => d.topic === 'cache mounts') };
  };

  test('none: nothing in the plan', () => {
    const p = plan(inputsOf({ 'cache-scope': 'py' }), runtime());
    expect(p.mounts).toBeUndefined();
    expect(p.decisions.map((d) => d.topic)).not.toContain('cache mounts');
  });

  test('a push restores and saves, under the layers scope (gha and local)', () => {
    for (const cache of ['gha', 'local']) {
      const { mounts, decision } = mountsOf({ cache });
      expect(mounts).toMatchObject({ restore: true, save: true, scope: 'py', setting: { kind: 'auto' } });
      expect(decision?.outcome).toBe('restore and save');
    }
  });

  test.each(FORK_SHAPES)('a fork (%s) only reads them, whatever cache-write says', (shape) => {
    const rt = runtime({
      event: 'pull_request',
      ref: 'refs/pull/12/merge',
      payload: prPayload(shape),
      env: {
        ACTIONS_RUNTIME_TOKEN: jwt([
          { Scope: 'refs/pull/12/merge', Permission: 1 },
          { Scope: 'refs/heads/main', Permission: 1 }
        ])
      }
    });
    const { mounts, decision } = mountsOf({ 'cache-write': 'true' }, rt);
    expect(mounts).toMatchObject({ restore: true, save: false });
    expect(decision?.outcome).toBe('restore only');
    expect(decision?.reason).toMatch(/writes no cache/);
  });

  test('an untrusted trigger only reads them; cache-write: false too', () => {
    const rt = runtime({ event: 'pull_request_target', payload: prPayload('same repository') });
    expect(mountsOf({}, rt).mounts).toMatchObject({ restore: true, save: false });
    expect(mountsOf({ 'cache-write': 'false' }).mounts).toMatchObject({ restore: true, save: false });
  });

  test('a running buildkitd keeps its own mounts: neither restored nor saved', () => {
    const { mounts, decision } = mountsOf({ builder: 'tcp://127.0.0.1:1234' });
    expect(mounts).toMatchObject({ restore: false, save: false });
    expect(decision?.outcome).toBe('kept by the builder');
  });
});

describe('cache-mounts beside registry and s3 layers', () => {
  const REGISTRY = { cache: 'registry', output: 'type=image,name=ghcr.io/octo/env:latest,push=true' };
  const S3 = { cache: 's3', 'cache-options': 'bucket=b,region=eu-west-1,prefix=team/' };
  const mountsOf = (o: Record<string, string>, rt = runtime()) => {
    const p = plan(inputsOf({ 'cache-scope': 'py', 'cache-mounts': 'auto', ...o }), rt);
    return { mounts: p.mounts, decision: p.decisions.find((d) => d.topic === 'cache mounts') };
  };
  const prRuntime = (shape: Parameters<typeof prPayload>[0]) =>
    runtime({ event: 'pull_request', ref: 'refs/pull/12/merge', payload: prPayload(shape) });

  test('registry on the default branch: artifacts next to buildcache-<scope> in the output image repository', () => {
    const { mounts, decision } = mountsOf(REGISTRY);
    expect(mounts).toMatchObject({ restore: true, save: true, scope: 'py' });
    expect(mounts?.home).toEqual({
      store: 'oci-artifact',
      repository: 'ghcr.io/octo/env',
      insecure: false,
      tags: {
        write: { name: 'buildcache-py', owner: 'the default branch main' },
        reads: [{ name: 'buildcache-py', owner: 'the default branch main' }]
      }
    });
    expect(decision?.reason).toBe(
      'every envd package cache the build uses, as OCI artifacts in ghcr.io/octo/env tagged buildcache-py-mount-…, beside the layers; this run writes its layers, so it saves them too'
    );
  });

  test('registry with cache-ref: next to its tag on every branch, as the layers; registry.insecure is carried', () => {
    const { mounts } = mountsOf(
      { cache: 'registry', 'cache-ref': 'localhost:5000/octo/cache:env', 'cache-options': 'registry.insecure=true' },
      prRuntime('same repository')
    );
    expect(mounts?.home).toMatchObject({
      store: 'oci-artifact',
      repository: 'localhost:5000/octo/cache',
      insecure: true,
      tags: { write: { name: 'env' }, reads: [{ name: 'env' }] }
    });
  });

  test('a pull request reads its own, then the default branch’s; it writes its own only when trusted', () => {
    const same = mountsOf(REGISTRY, prRuntime('same repository'));
    const home = same.mounts?.home;
    expect(home?.store === 'oci-artifact' && home.tags.reads.map((c) => c.name)).toEqual([
      'buildcache-py-pr-12',
      'buildcache-py'
    ]);
    expect(same.decision?.reason).toContain('(read from pull request #12, then the default branch main)');
    for (const shape of FORK_SHAPES)
      expect(mountsOf(REGISTRY, prRuntime(shape)).mounts).toMatchObject({ restore: true, save: false });
  });

  test('s3: objects under the prefix, per branch name as the layers; a fork only reads', () => {
    const { mounts, decision } = mountsOf(S3);
    expect(mounts?.home).toEqual({
      store: 's3-object',
      prefix: 'team/',
      names: {
        write: { name: 'py', owner: 'the default branch main' },
        reads: [{ name: 'py', owner: 'the default branch main' }]
      }
    });
    expect(decision?.reason).toContain('as s3 objects under team/envd-mounts/py/, beside the layers');
    expect(mountsOf(S3, prRuntime('fork: true')).mounts).toMatchObject({ restore: true, save: false });
  });

  test('neither counts against the GitHub cache budget: the backend says its entries are not in it', async () => {
    const { backendOf } = await import('../../src/backends/index.js');
    expect(backendOf('registry').savedInGithubCache).toBe(false);
    expect(backendOf('s3').savedInGithubCache).toBe(false);
  });
});
