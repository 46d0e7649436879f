/**
 * Pushes to the test registry (`services/registry.ts`) over the distribution API with its basic auth, and
 * answers the digest of the exact manifest bytes sent: what a registry reports as Docker-Content-Digest.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TestRegistry } from './services/registry.js';

export const sha256 = (data: string | Buffer) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

const authOf = (r: TestRegistry) => `Basic ${Buffer.from(`${r.user}:${r.password}`).toString('base64')}`;

async function putBlob(r: TestRegistry, repo: string, data: Buffer): Promise<string> {
  const digest = sha256(data);
  const start = await fetch(`http://${r.host}/v2/${repo}/blobs/uploads/`, {
    method: 'POST',
    headers: { Authorization: authOf(r) }
  });
  const location = new URL(start.headers.get('location')!, `http://${r.host}`);
  location.searchParams.set('digest', digest);
  const put = await fetch(location, {
    method: 'PUT',
    headers: { Authorization: authOf(r), 'Content-Type': 'application/octet-stream' },
    body: data
  });
  if (put.status !== 201) throw new Error(`blob upload answered ${put.status}`);
  return digest;
}

/** PUTs a manifest (image or index) under a tag; returns the digest of the bytes sent. */
export async function putManifest(
  r: TestRegistry,
  repo: string,
  tag: string,
  mediaType: string,
  body: string
): Promise<string> {
  const res = await fetch(`http://${r.host}/v2/${repo}/manifests/${tag}`, {
    method: 'PUT',
    headers: { Authorization: authOf(r), 'Content-Type': mediaType },
    body
  });
  if (res.status !== 201) throw new Error(`manifest upload answered ${res.status}: ${await res.text()}`);
  return sha256(body);
}

/** A one-platform OCI image (config only, no layers) under repo:tag. */
export async function pushImage(
  r: TestRegistry,
  repo: string,
  tag: string,
  arch = 'amd64'
): Promise<{ digest: string; size: number }> {
  const config = Buffer.from(
    JSON.stringify({ architecture: arch, os: 'linux', rootfs: { type: 'layers', diff_ids: [] } })
  );
  const configDigest = await putBlob(r, repo, config);
  const body = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
    layers: []
  });
  return {
    digest: await putManifest(r, repo, tag, 'application/vnd.oci.image.manifest.v1+json', body),
    size: Buffer.byteLength(body)
  };
}

/** A multi-platform push: one image per architecture, then an OCI index of them under repo:tag. */
export async function pushIndex(
  r: TestRegistry,
  repo: string,
  tag: string,
  archs: string[]
): Promise<{ digest: string; platforms: string[] }> {
  const images = [];
  for (const arch of archs) images.push({ arch, ...(await pushImage(r, repo, `${tag}-${arch}`, arch)) });
  const index = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: images.map((i) => ({
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: i.digest,
      size: i.size,
      platform: { architecture: i.arch, os: 'linux' }
    }))
  });
  return {
    digest: await putManifest(r, repo, tag, 'application/vnd.oci.image.index.v1+json', index),
    platforms: images.map((i) => i.digest)
  };
}

/** A new Docker config directory (under the temp dir) holding what docker/login-action writes for the registry. */
export function writeDockerConfig(r: TestRegistry, password = r.password): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docker-config-'));
  fs.writeFileSync(path.join(dir, 'config.json'), dockerConfigJson(r, password));
  return dir;
}

/** The config.json docker/login-action writes for the registry. */
export function dockerConfigJson(r: TestRegistry, password = r.password): string {
  return JSON.stringify({ auths: { [r.host]: { auth: Buffer.from(`${r.user}:${password}`).toString('base64') } } });
}
