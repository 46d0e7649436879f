import * as fs from 'node:fs';
import { describe, expect, test } from '@jest/globals';
import {
  blobDigest,
  blobKey,
  indexKey,
  isBlobKey,
  isIndexKey,
  isSignatureBlob,
  parseIndexJson,
  parseIndexKey,
  refHash,
  sha256Digest
} from '../../src/budget/keys.js';

const HEX = 'ab'.repeat(32);

describe('gha keys', () => {
  test.each([
    [
      'index-buildkit-1-f921bd05#7',
      { scope: 'buildkit', refHash: 'f921bd05', n: 7, signed: false, base: 'index-buildkit-1-f921bd05' }
    ],
    ['index-build-ab12cd34-1-f921bd05#7', { scope: 'build-ab12cd34', refHash: 'f921bd05', n: 7, signed: false }],
    [
      'index-ci-1-deadbeef-1-0123abcd-sig#12',
      { scope: 'ci-1-deadbeef', refHash: '0123abcd', n: 12, signed: true, base: 'index-ci-1-deadbeef-1-0123abcd-sig' }
    ],
    ['index-a-1-0123abcd', { scope: 'a', n: 0 }]
  ])('parseIndexKey(%s)', (key, expected) => {
    expect(parseIndexKey(key)).toMatchObject(expected);
    expect(isIndexKey(key)).toBe(true);
  });

  test.each([
    'index--1-f921bd05#1',
    'index-x-1-F921BD05#1',
    'index-x-2-f921bd05#1',
    'index-x-1-f921bd0#1',
    'buildkit-blob-1-sha256:' + HEX,
    'node-Linux-abc'
  ])('not an index key: %s', (key) => expect(parseIndexKey(key)).toBeUndefined());

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
      layers: [
        { blob: d1, parent: -1, annotations: { 'containerd.io/uncompressed': sha256Digest('u1') } },
        { blob: d2, parent: 0 }
      ],
      records: [{ digest: key, layers: [{ layer: 1, createdAt: '2026-10-01T00:00:00Z' }] }]
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
      // A record's results are `layers` in the JSON (CacheRecord.Results, spec.go:30), as a real export writes them.
      records: [
        { digest: key, layers: [{ layer: 0 }] },
        { digest: key, layers: [{ layer: 1 }], inputs: [[{ selector: '', link: 0 }]] },
        { digest: key, layers: [{ layer: 2 }], inputs: [[{ link: 0 }], [{ link: 1 }]] },
        { digest: key, layers: [{ layer: 3 }], inputs: [[{ link: 2 }]] }
      ]
    };
    // The wheels stage (layer 1) is an input of pkgs but not in the result's chain code → pkgs → base.
    expect(parseIndexJson(JSON.stringify(config))).toEqual({
      digests: new Set([base, wheels, pkgs, code]),
      recognized: true,
      final: new Set([code, pkgs, base])
    });
  });

  test('final: a result given as a chain of layers (`chains[].layers`, spec.go:31 and :42) holds every layer of it', () => {
    const [base, a, b, top, inter] = ['base', 'a', 'b', 'top', 'inter'].map((l) => sha256Digest(l));
    const config = {
      layers: [
        { blob: base, parent: -1 },
        { blob: a, parent: -1 },
        { blob: b, parent: 1 },
        { blob: top, parent: -1 },
        { blob: inter, parent: -1 }
      ],
      records: [
        { digest: key, layers: [{ layer: 4 }] },
        { digest: key, layers: [{ layer: 3 }], inputs: [[{ link: 0 }]] },
        { digest: key, chains: [{ layers: [0, 2] }], inputs: [[{ link: 0 }]] }
      ]
    };
    // Record 0 (inter) is linked; 1 holds top alone, 2 the chain base + b (b's parent a with it).
    expect(parseIndexJson(JSON.stringify(config)).final).toEqual(new Set([top, base, b, a]));
  });

  test('final of an index a real buildkitd v0.32.2 exported: its records are read, not the every-digest fallback', () => {
    const text = fs.readFileSync(new URL('../fixtures/buildkit-v0.32.2/gha-index.json', import.meta.url), 'utf8');
    type Doc = {
      layers: { blob: string; parent?: number }[];
      records: { layers?: { layer: number }[]; results?: unknown; inputs?: { link: number }[][] }[];
    };
    const doc = JSON.parse(text) as Doc;
    expect(doc.records.some((r) => Array.isArray(r.layers))).toBe(true);
    expect(doc.records.some((r) => r.results !== undefined)).toBe(false);
    // A linear build: every layer is in the result's chain.
    const parsed = parseIndexJson(text);
    expect(parsed).toMatchObject({ recognized: true });
    expect(parsed.final).toEqual(parsed.digests);
    // Without the top record, the record below it is the result: its chain leaves the top layer out.
    const top = doc.records.findIndex(
      (_, i) =>
        !doc.records.some((r) => (r.inputs ?? []).flat().some((x) => x.link === i)) && doc.records[i].layers?.length
    );
    const topLayer = doc.records[top].layers![0].layer;
    const below = {
      ...doc,
      records: doc.records.map((r, i) => (i === top ? { digest: 'sha256:' + '0'.repeat(64) } : r))
    };
    expect(parseIndexJson(JSON.stringify(below)).final).toEqual(
      new Set([...parsed.digests].filter((d) => d !== doc.layers[topLayer].blob))
    );
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
