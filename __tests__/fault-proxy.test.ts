/** The suite's fault proxy (__tests__/support/fault-proxy.mjs): each fault does what it says, and is counted. */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cacheSpec } from '../src/backends/spec.js';
import { registryManifestExists } from '../src/io/registry.js';
import { s3ManifestExists } from '../src/io/s3.js';
import { startEmulator, TWIRP_PREFIX } from './support/emulator/index.js';
import { parseFault, startFaultProxy, type FaultProxy } from './support/fault-proxy.mjs';
import { startRegistry } from './support/services/registry.js';
import { startS3 } from './support/services/s3.js';
import { caller } from './support/registry-caller.js';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** One request on a fresh connection; rejects with the socket's error code, or `aborted` for a cut body. */
function request(url: string, options: { method?: string; body?: string; signal?: AbortSignal } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? 'GET', agent: false, signal: options.signal }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('aborted', () => reject(Object.assign(new Error('aborted'), { received: Buffer.concat(chunks).length })));
      res.on('error', () => undefined);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const BODY = Buffer.alloc(1000, 'x');

let upstream: http.Server;
let hits: { method: string; url: string; host: string; body: string }[];
let proxy: FaultProxy;

beforeEach(async () => {
  hits = [];
  upstream = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      hits.push({
        method: req.method ?? '',
        url: req.url ?? '',
        host: req.headers.host ?? '',
        body: Buffer.concat(chunks).toString()
      });
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': BODY.length });
      res.end(req.method === 'HEAD' ? undefined : BODY);
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  proxy = await startFaultProxy({ upstream: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}` });
});

afterEach(async () => {
  await proxy.close();
  upstream.closeAllConnections();
  await new Promise((resolve) => upstream.close(resolve));
});

describe('fault proxy', () => {
  it('passes requests through with their method, path, body and Host header unchanged', async () => {
    const answer = await request(`${proxy.url}/v2/x/blobs/uploads/?a=1`, { method: 'POST', body: 'payload' });
    expect(answer.status).toBe(200);
    expect(answer.body.equals(BODY)).toBe(true);
    expect(hits).toEqual([{ method: 'POST', url: '/v2/x/blobs/uploads/?a=1', host: proxy.host, body: 'payload' }]);
    expect(proxy.counts()).toMatchObject({ passed: 1, reset: 0, 503: 0, cut: 0, slow: 0, stall: 0, error: 0 });
    expect(proxy.requests()).toEqual([{ method: 'POST', path: '/v2/x/blobs/uploads/?a=1', action: 'passed' }]);
  });

  it('refuse closes the port, and another fault opens the same port again', async () => {
    const port = proxy.port;
    await proxy.set({ kind: 'refuse' });
    await expect(request(`${proxy.url}/a`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await proxy.set({ kind: 'none' });
    expect(proxy.port).toBe(port);
    expect((await request(`${proxy.url}/a`)).status).toBe(200);
    expect(hits).toHaveLength(1);
  });

  it('reset accepts and resets every connection, and counts each', async () => {
    await proxy.set({ kind: 'reset' });
    await expect(request(`${proxy.url}/a`)).rejects.toMatchObject({ code: 'ECONNRESET' });
    await expect(request(`${proxy.url}/b`)).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(proxy.counts().reset).toBe(2);
    expect(hits).toHaveLength(0);
  });

  it('reset with a path resets only the requests that match', async () => {
    await proxy.set({ kind: 'reset', path: /\/blobs\// });
    await expect(request(`${proxy.url}/v2/x/blobs/sha256:1`)).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect((await request(`${proxy.url}/v2/x/manifests/latest`)).status).toBe(200);
    expect(proxy.requests().map((r) => [r.path, r.action])).toEqual([
      ['/v2/x/blobs/sha256:1', 'reset'],
      ['/v2/x/manifests/latest', 'passed']
    ]);
  });

  it('503 answers every request without reaching the upstream', async () => {
    await proxy.set({ kind: '503' });
    const answers = await Promise.all([
      request(`${proxy.url}/a`),
      request(`${proxy.url}/b`, { method: 'PUT', body: 'data' })
    ]);
    expect(answers.map((a) => a.status)).toEqual([503, 503]);
    expect(hits).toHaveLength(0);
    expect(proxy.counts()[503]).toBe(2);
  });

  it('every-second-503 lets the 1st and 3rd request through and answers the 2nd and 4th 503', async () => {
    await proxy.set({ kind: 'every-second-503' });
    const statuses = [];
    for (const p of ['/1', '/2', '/3', '/4']) statuses.push((await request(`${proxy.url}${p}`)).status);
    expect(statuses).toEqual([200, 503, 200, 503]);
    expect(hits.map((h) => h.url)).toEqual(['/1', '/3']);
    expect(proxy.counts()).toMatchObject({ passed: 2, 503: 2 });
  });

  it('cut sends the full Content-Length, half of the body, then drops the connection', async () => {
    await proxy.set({ kind: 'cut', path: /\/blobs\// });
    await expect(request(`${proxy.url}/v2/x/blobs/sha256:1`)).rejects.toMatchObject({
      message: 'aborted',
      received: 500
    });
    const whole = await request(`${proxy.url}/v2/x/manifests/latest`);
    expect(whole.body.length).toBe(1000);
    expect(proxy.counts()).toMatchObject({ cut: 1, passed: 1 });
  });

  it('cut with a fraction keeps that part of the body', async () => {
    await proxy.set(parseFault('cut:0.1'));
    await expect(request(`${proxy.url}/a`)).rejects.toMatchObject({ received: 100 });
  });

  it('slow holds each request at least the given time before forwarding it', async () => {
    await proxy.set({ kind: 'slow', ms: 150 });
    const began = performance.now();
    expect((await request(`${proxy.url}/a`)).status).toBe(200);
    // A lower bound only: a busy machine makes it longer, never shorter (timers may fire up to 1 ms early).
    expect(performance.now() - began).toBeGreaterThanOrEqual(149);
    expect(proxy.counts().slow).toBe(1);
  });

  it('stall reads the request and never answers, until the client gives up', async () => {
    await proxy.set({ kind: 'stall' });
    const abort = new AbortController();
    let settled = false;
    const pending = request(`${proxy.url}/a`, { method: 'POST', body: 'data', signal: abort.signal }).finally(
      () => (settled = true)
    );
    await proxy.until('stall');
    // Switching the fault does not release a request already stalled.
    await proxy.set({ kind: 'none' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    expect(hits).toHaveLength(0);
    abort.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect((await request(`${proxy.url}/b`)).status).toBe(200);
  });

  it('close ends stalled requests and frees the port', async () => {
    await proxy.set({ kind: 'stall' });
    const pending = request(`${proxy.url}/a`);
    await proxy.until('stall');
    await proxy.close();
    await expect(pending).rejects.toMatchObject({ code: 'ECONNRESET' });
  });

  it('reports an upstream that is gone as 502 and counts it as error', async () => {
    upstream.closeAllConnections();
    await new Promise((resolve) => upstream.close(resolve));
    const answer = await request(`${proxy.url}/a`);
    expect(answer.status).toBe(502);
    expect(proxy.counts().error).toBe(1);
    upstream.listen(0, '127.0.0.1');
  });

  it('parseFault reads the text forms and refuses anything else with the forms it takes', () => {
    expect(parseFault('stall')).toEqual({ kind: 'stall' });
    expect(parseFault('slow:1500')).toEqual({ kind: 'slow', ms: 1500 });
    expect(parseFault('cut@/blobs/')).toEqual({ kind: 'cut', path: /\/blobs\// });
    expect(parseFault('every-second-503@manifests')).toEqual({ kind: 'every-second-503', path: /manifests/ });
    expect(() => parseFault('hang')).toThrow(/unknown fault "hang" \(one of: none, refuse, reset, 503/);
    expect(() => parseFault('slow')).toThrow(/slow needs ms/);
    expect(() => parseFault('cut:2')).toThrow(/fraction in \[0, 1\)/);
    expect(() => parseFault('refuse@/x')).toThrow(/takes no path/);
  });
});

describe('fault proxy in front of the cache emulator', () => {
  it('carries the blob traffic too once the emulator signs its URLs with the proxy origin', async () => {
    const emu = await startEmulator();
    const front = await startFaultProxy({ upstream: emu.url, fault: { kind: 'cut', path: /\/cache-entry-\d+/ } });
    try {
      emu.setPublicUrl(front.url);
      emu.seed({ ref: 'refs/heads/main', key: 'k', version: 'v', data: Buffer.alloc(4000, 'y') });
      const token = emu.mintToken([{ Scope: 'refs/heads/main', Permission: 3 }]);
      const lookup = await fetch(`${front.url}${TWIRP_PREFIX}GetCacheEntryDownloadURL`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ key: 'k', restore_keys: [], version: 'v' })
      }).then((r) => r.json() as Promise<{ ok: boolean; signed_download_url: string }>);
      expect(lookup.ok).toBe(true);
      expect(lookup.signed_download_url.startsWith(`${front.url}/`)).toBe(true);
      await expect(request(lookup.signed_download_url)).rejects.toMatchObject({ received: 2000 });
      expect(front.counts()).toMatchObject({ passed: 1, cut: 1 });
    } finally {
      await front.close();
      await emu.close();
    }
  });
});

describe('fault proxy in front of the registry and S3 stand-ins', () => {
  it("docker-registry: basic auth and the probe pass through; 503 is the probe's unknown", async () => {
    const registry = await startRegistry();
    const front = await startFaultProxy({ upstream: registry.host });
    const config = fs.mkdtempSync(path.join(os.tmpdir(), 'docker-config-'));
    try {
      await registry.pushTag('octo/env', 'cache');
      const auth = Buffer.from(`${registry.user}:${registry.password}`).toString('base64');
      fs.writeFileSync(path.join(config, 'config.json'), JSON.stringify({ auths: { [front.host]: { auth } } }));
      expect(
        await registryManifestExists(`${front.host}/octo/env:cache`, true, caller({ DOCKER_CONFIG: config }))
      ).toEqual({
        exists: true
      });
      await front.set({ kind: '503', path: /\/manifests\// });
      expect(
        (await registryManifestExists(`${front.host}/octo/env:cache`, true, caller({ DOCKER_CONFIG: config }))).exists
      ).toBeUndefined();
      expect(front.counts()[503]).toBeGreaterThan(0);
    } finally {
      fs.rmSync(config, { recursive: true, force: true });
      await front.close();
      await registry.stop();
    }
  }, 30000);

  it('s3rver: a SigV4-signed request is still valid through the proxy (the Host header is kept)', async () => {
    const s3 = await startS3(['cache']);
    const front = await startFaultProxy({ upstream: s3.endpoint });
    try {
      const spec = cacheSpec('s3', [
        ['bucket', 'cache'],
        ['region', 'us-east-1'],
        ['endpoint_url', front.url],
        ['use_path_style', 'true'],
        ['name', 'py'],
        ['access_key_id', s3.accessKeyId],
        ['secret_access_key', s3.secretAccessKey]
      ]);
      expect(await s3ManifestExists(spec, {})).toEqual({ exists: false });
      expect(front.counts().passed).toBeGreaterThan(0);
    } finally {
      await front.close();
      await s3.stop();
    }
  });
});
