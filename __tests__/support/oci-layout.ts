/** Writes a small OCI image layout as BuildKit's local cache exporter does: index.json with a tag, and blobs. */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface Layout {
  dir: string;
  manifestDigest: string;
  layerDigest: string;
  layer: Buffer;
  manifest: string;
}

const digestOf = (data: Buffer | string) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

export function writeBlob(dir: string, data: Buffer | string): string {
  const digest = digestOf(data);
  fs.mkdirSync(path.join(dir, 'blobs', 'sha256'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'blobs', 'sha256', digest.slice(7)), data);
  return digest;
}

export function writeLayout(dir: string, tag = 'latest', layerText = 'layer-content'): Layout {
  const layer = Buffer.from(layerText);
  const layerDigest = writeBlob(dir, layer);
  const config = '{"layers":[],"records":[]}';
  const configDigest = writeBlob(dir, config);
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.buildkit.cacheconfig.v0', digest: configDigest, size: config.length },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layerDigest, size: layer.length }]
  });
  const manifestDigest = writeBlob(dir, manifest);
  fs.writeFileSync(
    path.join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest: manifestDigest,
          size: manifest.length,
          annotations: { 'org.opencontainers.image.ref.name': tag }
        }
      ]
    })
  );
  fs.writeFileSync(path.join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  return { dir, manifestDigest, layerDigest, layer, manifest };
}
