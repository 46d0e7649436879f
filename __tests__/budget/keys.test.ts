import { describe, expect, test } from '@jest/globals';
import {
  blobDigest, blobKey, indexKey, isBlobKey, isIndexKey, isSignatureBlob, parseIndexJson, parseIndexKey, refHash, sha256Digest
} from '../../src/budget/keys.js';

const HEX = 'ab'.repeat(32);

describe('gha keys', () => {
  test.each([
    ['index-buildkit-1-f921bd05#7', { scope: 'buildkit', refHash: 'f921bd05', n: 7, signed: false, base: 'index-buildkit-1-f921bd05' }],
    ['index-build-ab12cd34-1-f921bd05#7', { scope: 'build-ab12cd34', refHash: 'f921bd05', n: 7, signed: false }],
    ['index-ci-1-deadbeef-1-0123abcd-sig#12', { scope: 'ci-1-deadbeef', refHash: '0123abcd', n: 12, signed: true, base: 'index-ci-1-deadbeef-1-0123abcd-sig' }],
    ['index-a-1-0123abcd', { scope: 'a', n: 0 }]
  ])('parseIndexKey(%s)', (key, expected) => {
    expect(parseIndexKey(key)).toMatchObject(expected);
    expect(isIndexKey(key)).toBe(true);
  });

  test.each(['index--1-f921bd05#1', 'index-x-1-F921BD05#1', 'index-x-2-f921bd05#1', 'index-x-1-f921bd0#1', 'buildkit-blob-1-sha256:' + HEX, 'node-Linux-abc'])(
    'not an index key: %s',
    (key) => expect(parseIndexKey(key)).toBeUndefined()
  );

  test('blob keys, digests and signature blobs', () => {
    expect(isBlobKey(`buildkit-blob-1-sha256:${HEX}`)).toBe(true);
    expect(blobDigest(`buildkit-blob-1-sha256:${HEX}`)).toBe(`sha256:${HEX}`);
    expect(blobDigest(`buildkit-blob-1-sha256:${HEX}-sig`)).toBe(`sha256:${HEX}`);
    expect(isSignatureBlob(`buildkit-blob-1-sha256:${HEX}-sig`)).toBe(true);
    expect(isSignatureBlob(`buildkit-blob-1-sha256:${HEX}`)).toBe(false);
    expect(isBlobKey('buildkit-blob-1-sha256:abc')).toBe(false);
    expect(isBlobKey(`buildkit-blob-2-sha256:${HEX}`)).toBe(false);
    expect(blobKey(`sha256:${HEX}`)).toBe(`buildkit-blob-1-sha256:${HEX}`);
  });

  test("refHash matches BuildKit's example, and indexKey composes the layout", () => {
    expect(refHash('refs/heads/main')).toBe('f921bd05');
    expect(indexKey('buildkit', 'refs/heads/main', 7)).toBe('index-buildkit-1-f921bd05#7');
    expect(indexKey('buildkit', 'refs/heads/main')).toBe('index-buildkit-1-f921bd05');
    expect(indexKey('s', 'refs/heads/main', 1, true)).toBe('index-s-1-f921bd05-sig#1');
  });
});

describe('parseIndexJson', () => {
  const d1 = sha256Digest('layer-1');
  const d2 = sha256Digest('layer-2');
  const key = sha256Digest('a cache key');

  test("BuildKit's cache config: layer blobs, not record digests", () => {
    const config = {
      layers: [{ blob: d1, parent: -1, annotations: { 'containerd.io/uncompressed': sha256Digest('u1') } }, { blob: d2, parent: 0 }],
      records: [{ digest: key, results: [{ layer: 1, createdAt: '2026-10-01T00:00:00Z' }] }]
    };
    const parsed = parseIndexJson(JSON.stringify(config));
    // No record takes another as input: the records do not tell what min holds, so final is everything.
    expect(parsed).toEqual({ digests: new Set([d1, d2]), recognized: true, final: new Set([d1, d2]) });
  });

  test('final: the layer chains of the records nothing links to, as a min export would hold them', () => {
    // spec.go (cache/remotecache/v1/types, v0.32.2): parent omitted = 0, -1 = none; inputs[][].link = record index.
    const [base, wheels, pkgs, code] = ['base', 'wheels', 'pkgs', 'code'].map((l) => sha256Digest(l));
    const config = {
      layers: [{ blob: base, parent: -1 }, { blob: wheels }, { blob: pkgs }, { blob: code, parent: 2 }],
      records: [
        { digest: key, results: [{ layer: 0 }] },
        { digest: key, results: [{ layer: 1 }], inputs: [[{ selector: '', link: 0 }]] },
        { digest: key, results: [{ layer: 2 }], inputs: [[{ link: 0 }], [{ link: 1 }]] },
        { digest: key, results: [{ layer: 3 }], inputs: [[{ link: 2 }]] }
      ]
    };
    // The wheels stage (layer 1) is an input of pkgs but not in the result's chain code → pkgs → base.
    expect(parseIndexJson(JSON.stringify(config))).toEqual({ digests: new Set([base, wheels, pkgs, code]), recognized: true, final: new Set([code, pkgs, base]) });
  });

  test('an unknown shape yields every digest it contains (over-protecting is safe)', () => {
    const parsed = parseIndexJson(JSON.stringify({ manifests: [{ digest: d1 }], nested: { x: [d2.toUpperCase()] } }));
    expect(parsed.recognized).toBe(false);
    expect(parsed.digests).toEqual(new Set([d1, d2]));
  });

  test('a layer without a blob digest keeps everything that looks like one', () => {
    const parsed = parseIndexJson(JSON.stringify({ layers: [{ blob: d1 }, { digest: d2 }] }));
    expect(parsed.recognized).toBe(false);
    expect(parsed.digests).toEqual(new Set([d1, d2]));
  });

  test('not JSON: scraped; empty: nothing', () => {
    expect(parseIndexJson(Buffer.from(`garbage ${d1} more`)).digests).toEqual(new Set([d1]));
    expect(parseIndexJson('{"layers":[]}')).toEqual({ digests: new Set(), recognized: true, final: new Set() });
  });
});
