/** The names and manifests of package caches kept beside registry and s3 layers (mounts/remote.ts). Pure. */
import { describe, expect, test } from '@jest/globals';
import { ENVD_MOUNT_DIRS, mountKeyPrefix } from '../../src/mounts/mounts.js';
import {
  ANNOTATION,
  EMPTY_CONFIG,
  MOUNT_ARTIFACT_TYPE,
  MOUNT_LAYER_TYPE,
  mountManifest,
  mountObjectKey,
  mountOfPrefix,
  mountTag,
  readMountManifest
} from '../../src/mounts/remote.js';

const PIP = `${ENVD_MOUNT_DIRS[0]}/demo-cpu`;
const CONDA = `${ENVD_MOUNT_DIRS[1]}/demo-cpu`;
/** The OCI distribution spec's tag grammar. */
const TAG = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;
const DIGEST = `sha256:${'ab'.repeat(32)}`;

describe('mountTag', () => {
  test('next to the cache tag, readable, valid', () => {
    const tag = mountTag('buildcache-py', 'py', PIP);
    expect(tag).toMatch(/^buildcache-py-mount-pip-demo-cpu-[0-9a-f]{10}$/);
    expect(tag).toMatch(TAG);
  });

  test('each mount, scope and base has its own tag; the same ones the same tag', () => {
    const tags = [
      mountTag('buildcache-py', 'py', PIP),
      mountTag('buildcache-py', 'py', CONDA),
      mountTag('buildcache-py', 'other', PIP),
      mountTag('buildcache-py-pr-12', 'py', PIP),
      ...ENVD_MOUNT_DIRS.map((d) => mountTag('b', 'py', `${d}/demo-gpu`))
    ];
    expect(new Set(tags).size).toBe(tags.length);
    expect(mountTag('buildcache-py', 'py', PIP)).toBe(tags[0]);
  });

  test('a long base is cut to 128 characters in all; two long bases that share a start stay apart', () => {
    const base = `buildcache-${'a'.repeat(120)}`;
    const a = mountTag(`${base}-one`, 'py', PIP);
    const b = mountTag(`${base}-two`, 'py', PIP);
    for (const t of [a, b]) {
      expect(t.length).toBe(128);
      expect(t).toMatch(TAG);
    }
    expect(a).not.toBe(b);
  });
});

test('the s3 object key: under the prefix, per branch name, one file per mount', () => {
  expect(mountObjectKey('team/', 'py-pr-12', PIP)).toBe('team/envd-mounts/py-pr-12/root_.cache_pip_demo-cpu.tar');
  expect(mountObjectKey('', 'py', CONDA)).toBe('envd-mounts/py/opt_conda_pkgs_demo-cpu.tar');
});

test('the step’s key prefix names scope and mount', () => {
  expect(mountOfPrefix(mountKeyPrefix('py-linux', PIP))).toEqual({ scope: 'py-linux', id: PIP });
  expect(mountOfPrefix('envd-mount-py')).toBeUndefined();
  expect(mountOfPrefix('other-py#/x#')).toBeUndefined();
});

describe('the manifest', () => {
  const ours = mountManifest({ digest: DIGEST, size: 42 }, { scope: 'py', id: PIP, created: '2026-01-01T00:00:00Z' });

  test('an OCI image manifest with our artifact type, the empty config, one layer, and who it is', () => {
    expect(JSON.parse(ours)).toEqual({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      artifactType: MOUNT_ARTIFACT_TYPE,
      config: EMPTY_CONFIG,
      layers: [{ mediaType: MOUNT_LAYER_TYPE, digest: DIGEST, size: 42 }],
      annotations: { [ANNOTATION.scope]: 'py', [ANNOTATION.id]: PIP, [ANNOTATION.created]: '2026-01-01T00:00:00Z' }
    });
    expect(readMountManifest(ours, { id: PIP })).toEqual({ ok: true, value: { digest: DIGEST, size: 42 } });
  });

  test.each([
    ['not JSON', '<html>', 'the manifest is not JSON'],
    [
      'an image someone else pushed',
      JSON.stringify({ schemaVersion: 2, layers: [] }),
      'the tag does not name a package-cache artifact'
    ],
    [
      'two layers',
      ours.replace(/"layers":\[(\{[^\]]*\})\]/, '"layers":[$1,$1]'),
      `the manifest does not have one ${MOUNT_LAYER_TYPE} layer`
    ],
    ['a digest that is not sha256', ours.replace(DIGEST, 'md5:00'), 'the layer has no sha256 digest and size'],
    ['another mount', ours, `the artifact holds another mount (${PIP})`]
  ])('%s is refused, with the reason', (_what, text, reason) => {
    const r = readMountManifest(text, { id: _what === 'another mount' ? CONDA : PIP });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toContain(reason);
  });
});
