/** The read-only registry over a restored local cache: the distribution API calls BuildKit makes on import. */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type OciServer, startOciServer } from '../../src/io/local/oci-server.js';
import { type Layout, writeLayout } from '../support/oci-layout.js';

let dir: string;
let layout: Layout;
let server: OciServer;
const url = (p: string) => `http://${server.host}${p}`;
const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oci-layout-'));
  layout = writeLayout(dir, 'buildcache');
  server = await startOciServer(dir);
});
afterAll(async () => {
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('read-only OCI distribution server', () => {
  test('GET /v2/ answers the API version check', async () => {
    const res = await fetch(url('/v2/'));
    expect(res.status).toBe(200);
    expect(res.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
  });

  test.each(['HEAD', 'GET'])('%s a manifest by tag: media type, digest and length', async (method) => {
    const res = await fetch(url('/v2/envd-local-cache/manifests/buildcache'), {
      method,
      headers: { Accept: MANIFEST }
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(MANIFEST);
    expect(res.headers.get('docker-content-digest')).toBe(layout.manifestDigest);
    expect(Number(res.headers.get('content-length'))).toBe(layout.manifest.length);
    if (method === 'GET') {
      const body = await res.text();
      expect(`sha256:${createHash('sha256').update(body).digest('hex')}`).toBe(layout.manifestDigest);
    }
  });

  test.each(['HEAD', 'GET'])('%s a manifest by digest', async (method) => {
    const res = await fetch(url(`/v2/envd-local-cache/manifests/${layout.manifestDigest}`), { method });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(MANIFEST);
    expect(res.headers.get('docker-content-digest')).toBe(layout.manifestDigest);
  });

  test('a blob, whole and by range', async () => {
    const whole = await fetch(url(`/v2/envd-local-cache/blobs/${layout.layerDigest}`));
    expect(whole.status).toBe(200);
    expect(Buffer.from(await whole.arrayBuffer())).toEqual(layout.layer);
    expect(whole.headers.get('docker-content-digest')).toBe(layout.layerDigest);
    const part = await fetch(url(`/v2/envd-local-cache/blobs/${layout.layerDigest}`), {
      headers: { Range: 'bytes=6-' }
    });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 6-${layout.layer.length - 1}/${layout.layer.length}`);
    expect(await part.text()).toBe(layout.layer.subarray(6).toString());
    const head = await fetch(url(`/v2/envd-local-cache/blobs/${layout.layerDigest}`), { method: 'HEAD' });
    expect(Number(head.headers.get('content-length'))).toBe(layout.layer.length);
  });

  test.each([
    ['/v2/envd-local-cache/manifests/other-tag', 404, 'MANIFEST_UNKNOWN'],
    [`/v2/envd-local-cache/manifests/sha256:${'0'.repeat(64)}`, 404, 'MANIFEST_UNKNOWN'],
    [`/v2/envd-local-cache/blobs/sha256:${'0'.repeat(64)}`, 404, 'BLOB_UNKNOWN'],
    ['/v2/envd-local-cache/blobs/md5:abc', 400, 'DIGEST_INVALID'],
    ['/v2/Bad_Name/manifests/x', 404, 'NAME_UNKNOWN'],
    ['/v2/_catalog', 404, 'NAME_UNKNOWN']
  ])('%s → %d %s, in the registry error format', async (p, status, code) => {
    const res = await fetch(url(p));
    expect(res.status).toBe(status);
    const body = (await res.json()) as { errors: { code: string; message: string }[] };
    expect(body.errors[0].code).toBe(code);
    expect(body.errors[0].message.length).toBeGreaterThan(3);
  });

  test.each(['PUT', 'POST', 'DELETE', 'PATCH'])('%s is refused: the registry is read-only', async (method) => {
    const res = await fetch(url('/v2/envd-local-cache/blobs/uploads/'), { method });
    expect(res.status).toBe(405);
    expect(((await res.json()) as { errors: { code: string }[] }).errors[0].code).toBe('UNSUPPORTED');
  });

  test('requests are recorded', () => {
    expect(
      server.requests.some((r) => r.path === '/v2/envd-local-cache/manifests/buildcache' && r.status === 200)
    ).toBe(true);
  });
});
