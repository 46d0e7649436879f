/**
 * The key of a cache: local export (src/local/identity.ts): the same cache whatever distribution-source annotations
 * BuildKit wrote on its lazily imported layers (cache/remote.go:181-216 at v0.32.2; seen with buildkitd v0.32.2:
 * the first export after a cold one differed in `containerd.io/distribution.source.127.0.0.1` alone).
 */
import { describe, expect, jest, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { exportIdentity } from '../../src/local/identity.js';
import { contentKey } from '../../src/io/local/local-cache.js';
import { writeBlob } from '../support/oci-layout.js';

const digestOf = (s: string) => `sha256:${createHash('sha256').update(s).digest('hex')}`;
const INDEX = 'application/vnd.oci.image.index.v1+json';
const LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';

/** A BuildKit cache manifest: an image index listing the layers and the cache config. */
function cacheManifest(layers: string[], sources?: Record<string, string>): string {
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: INDEX,
    manifests: [
      ...layers.map((l) => ({
        mediaType: LAYER,
        digest: digestOf(l),
        size: l.length,
        annotations: { 'containerd.io/uncompressed': digestOf(`${l}-diff`), ...sources }
      })),
      { mediaType: 'application/vnd.buildkit.cacheconfig.v0', digest: digestOf(`config-${layers.join()}`), size: 100 }
    ]
  });
}

const indexOf = (manifest: string) =>
  JSON.stringify({
    schemaVersion: 2,
    mediaType: INDEX,
    manifests: [
      {
        mediaType: INDEX,
        digest: digestOf(manifest),
        size: manifest.length,
        annotations: { 'org.opencontainers.image.ref.name': 'latest' }
      }
    ]
  });

function identity(manifest: string, blobs = new Map([[digestOf(manifest), manifest]])) {
  return exportIdentity(indexOf(manifest), (d) => blobs.get(d));
}

describe('exportIdentity', () => {
  const SOURCE = { 'containerd.io/distribution.source.127.0.0.1': 'envd-local-cache' };

  test('an export that differs from its import only in distribution-source annotations is the same cache', () => {
    expect(identity(cacheManifest(['a', 'b'], SOURCE))).toBe(identity(cacheManifest(['a', 'b'])));
    expect(identity(cacheManifest(['a', 'b'], { ...SOURCE, 'containerd.io/distribution.source.ghcr.io': 'o/r' }))).toBe(
      identity(cacheManifest(['a', 'b']))
    );
  });

  test('another layer, or another annotation, is another cache', () => {
    expect(identity(cacheManifest(['a', 'c']))).not.toBe(identity(cacheManifest(['a', 'b'])));
    expect(identity(cacheManifest(['a', 'b'], { 'org.example': 'x' }))).not.toBe(identity(cacheManifest(['a', 'b'])));
  });

  test('a manifest that is missing, not JSON, or named by a malformed digest: index.json itself (the old key)', () => {
    const m = cacheManifest(['a']);
    expect(exportIdentity(indexOf(m), () => undefined)).toBe(indexOf(m));
    expect(exportIdentity(indexOf(m), () => 'not json')).toBe(indexOf(m));
    const bad = JSON.stringify({ manifests: [{ mediaType: INDEX, digest: 'sha256:../../etc/passwd' }] });
    const blob = jest.fn(() => '{}');
    expect(exportIdentity(bad, blob)).toBe(bad);
    expect(blob).not.toHaveBeenCalled();
    expect(exportIdentity('not json', blob)).toBe('not json');
  });

  test('a descriptor of a layer in index.json is kept as it is, never read', () => {
    const index = JSON.stringify({
      schemaVersion: 2,
      manifests: [{ mediaType: LAYER, digest: digestOf('big'), size: 50_000_000 }]
    });
    const blob = jest.fn(() => undefined);
    expect(exportIdentity(index, blob)).toContain(digestOf('big'));
    expect(blob).not.toHaveBeenCalled();
  });
});

describe('contentKey on a layout on disk', () => {
  function layout(sources?: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'identity-'));
    const manifest = cacheManifest(['a', 'b'], sources);
    writeBlob(dir, manifest);
    fs.writeFileSync(path.join(dir, 'index.json'), indexOf(manifest));
    return dir;
  }

  test('the export after an import keeps the key of the cache it was built from, so post does not save it again', () => {
    const restored = layout();
    const exported = layout({ 'containerd.io/distribution.source.127.0.0.1': 'envd-local-cache' });
    try {
      expect(fs.readFileSync(path.join(exported, 'index.json'), 'utf8')).not.toBe(
        fs.readFileSync(path.join(restored, 'index.json'), 'utf8')
      );
      expect(contentKey('envd-local-x-', exported)).toBe(contentKey('envd-local-x-', restored));
      expect(contentKey('envd-local-x-', exported)).toMatch(/^envd-local-x-[0-9a-f]{16}$/);
    } finally {
      fs.rmSync(restored, { recursive: true, force: true });
      fs.rmSync(exported, { recursive: true, force: true });
    }
  });

  test('a manifest blob that is a symbolic link is not followed: the key falls back to index.json', () => {
    const dir = layout();
    try {
      const manifestDigest = (
        JSON.parse(fs.readFileSync(path.join(dir, 'index.json'), 'utf8')) as { manifests: { digest: string }[] }
      ).manifests[0].digest;
      const blob = path.join(dir, 'blobs', 'sha256', manifestDigest.slice(7));
      const before = contentKey('p-', dir);
      fs.renameSync(blob, `${blob}.real`);
      fs.symlinkSync(`${blob}.real`, blob);
      const index = fs.readFileSync(path.join(dir, 'index.json'));
      expect(contentKey('p-', dir)).toBe(`p-${createHash('sha256').update(index).digest('hex').slice(0, 16)}`);
      expect(contentKey('p-', dir)).not.toBe(before);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
