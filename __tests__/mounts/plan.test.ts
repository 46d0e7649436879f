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

  test.each(['registry', 's3', 'inline', 'none'])(
    'cache: %s cannot carry them yet: said, with the choices',
    (cache) => {
      const extra: Record<string, string> =
        cache === 'registry'
          ? { 'cache-ref': 'ghcr.io/octo/cache:env' }
          : cache === 's3'
            ? { 'cache-options': 'bucket=b,region=eu-west-1' }
            : cache === 'inline'
              ? { output: 'type=image,name=ghcr.io/octo/env:latest,push=true' }
              : {};
      expect(problems({ cache, ...extra, 'cache-mounts': 'auto' })).toEqual([
        `cache-mounts: is "auto" while cache is ${cache}; package caches are kept in the GitHub cache, with cache: gha or local. Set cache-mounts: none, or use one of those`
      ]);
    }
  );
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
