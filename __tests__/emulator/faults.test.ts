import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { SECOND, startEmulator, type Emulator } from '../support/emulator/index.js';
import { http, lookup, rest, saveEntry, scopes, twirp, VERSION } from './client.js';

const REPO = '/repos/octo-org/octo-repo';
let emu: Emulator;
let token: string;
beforeAll(async () => {
  emu = await startEmulator({
    startTime: Date.UTC(2026, 9, 1, 12),
    createsPerMinute: 3,
    restTokens: { reader: 'read' }
  });
});
afterAll(() => emu.close());
beforeEach(() => {
  emu.reset();
  token = emu.mintToken(scopes.main);
});

const create = (key: string) => twirp(emu, 'CreateCacheEntry', token, { key, version: VERSION });

describe('rate limiting', () => {
  test('sliding window of creates per minute → 429 resource_exhausted with Retry-After seconds', async () => {
    for (const key of ['a', 'b', 'c']) {
      expect((await create(key)).json.ok).toBe(true);
      emu.clock.advance(10 * SECOND);
    }
    const limited = await create('d');
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('30');
    expect(limited.json).toEqual({ code: 'resource_exhausted', msg: expect.stringContaining('rate limit') });
    expect(emu.counters.rateLimited).toBe(1);
    emu.clock.advance(29 * SECOND);
    expect((await create('d')).headers['retry-after']).toBe('1');
    emu.clock.advance(1 * SECOND);
    expect((await create('d')).json.ok).toBe(true);
    // 'b' leaves the window 10 s after 'a'.
    expect((await create('e')).status).toBe(429);
  });

  test('refused creates (conflicts, denials) do not use the budget', async () => {
    await create('a');
    await create('a');
    await create('a');
    emu.setCacheMode('read');
    await create('z');
    emu.setCacheMode('write');
    expect((await create('b')).json.ok).toBe(true);
    expect((await create('c')).json.ok).toBe(true);
    expect((await create('d')).status).toBe(429);
  });

  test('injected 429 with Retry-After in seconds and as an HTTP date', async () => {
    emu.failNext('CreateCacheEntry', 1, { status: 429, retryAfter: 7 });
    const date = new Date(Date.UTC(2026, 9, 1, 12, 0, 42));
    emu.failNext('CreateCacheEntry', 1, { status: 429, retryAfterDate: date });
    const seconds = await create('a');
    expect([seconds.status, seconds.headers['retry-after'], seconds.json.code]).toEqual([
      429,
      '7',
      'resource_exhausted'
    ]);
    const dated = await create('a');
    expect(dated.headers['retry-after']).toBe('Thu, 01 Oct 2026 12:00:42 GMT');
    expect((await create('a')).json.ok).toBe(true);
    expect(emu.counters.rateLimited).toBe(2);
  });
});

describe('fault injection', () => {
  test('5xx per twirp method, counted down per call', async () => {
    emu.failNext('FinalizeCacheEntryUpload', 2, { status: 503 });
    const uploadUrl = (await create('k')).json.signed_upload_url as string;
    await http(uploadUrl, { method: 'PUT', headers: { 'x-ms-blob-type': 'BlockBlob' }, body: 'x' });
    const fin = () => twirp(emu, 'FinalizeCacheEntryUpload', token, { key: 'k', version: VERSION, size_bytes: '1' });
    const first = await fin();
    expect([first.status, first.json.code]).toEqual([503, 'unavailable']);
    expect((await fin()).status).toBe(503);
    expect((await fin()).json.ok).toBe(true);
    emu.failNext('GetCacheEntryDownloadURL', 1, { status: 500, message: 'boom' });
    expect((await lookup(emu, token, 'k')).json).toEqual({ code: 'internal', msg: 'boom' });
  });

  test('5xx on the data plane and REST, with their own error shapes', async () => {
    emu.failNext('blob.put', 1, { status: 500 });
    emu.failNext('rest', 1, { status: 502, message: 'bad gateway' });
    const uploadUrl = (await create('k')).json.signed_upload_url as string;
    const put = await http(uploadUrl, { method: 'PUT', headers: { 'x-ms-blob-type': 'BlockBlob' }, body: 'x' });
    expect([put.status, put.headers['x-ms-error-code']]).toEqual([500, 'InternalError']);
    expect(put.headers['x-ms-request-id']).toBeDefined();
    const r = await rest(emu, 'GET', `${REPO}/actions/caches`, 'reader');
    expect([r.status, r.json.message]).toEqual([502, 'bad gateway']);
    expect((await rest(emu, 'GET', `${REPO}/actions/caches`, 'reader')).status).toBe(200);
  });

  test('ok:false with a message', async () => {
    emu.failNext('CreateCacheEntry', 1, { okFalseMessage: 'reservation race' });
    expect((await create('k')).json).toEqual({ ok: false, signed_upload_url: '', message: 'reservation race' });
    emu.failNext('twirp', 1, { okFalseMessage: 'nope' });
    expect((await lookup(emu, token, 'k')).json).toMatchObject({ ok: false, message: 'nope' });
  });

  test('slow answers', async () => {
    emu.failNext('GetCacheEntryDownloadURL', 1, { delayMs: 250 });
    const started = Date.now();
    const r = await lookup(emu, token, 'k');
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
    expect(r.json.ok).toBe(false);
  });

  test('a hang trips the client timeout; a dropped connection errors', async () => {
    emu.failNext('CreateCacheEntry', 1, { hang: true });
    await expect(twirp(emu, 'CreateCacheEntry', token, { key: 'k', version: VERSION }, 150)).rejects.toThrow(
      'client timeout'
    );
    emu.failNext('CreateCacheEntry', 1, { dropConnection: true });
    await expect(create('k')).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect((await create('k')).json.ok).toBe(true);
    expect(emu.requests.map((r) => [r.route, r.status])).toEqual([
      ['CreateCacheEntry', undefined],
      ['CreateCacheEntry', 0],
      ['CreateCacheEntry', 200]
    ]);
    expect(emu.counters.faultsInjected).toBe(2);
    expect(emu.counters.create).toBe(3);
  });
});

describe('observability', () => {
  test('request log and counters', async () => {
    await saveEntry(emu, token, 'k', 'data');
    await lookup(emu, token, 'k');
    await lookup(emu, token, 'missing');
    await create('k');
    expect(emu.requests.map((r) => `${r.method} ${r.route} ${r.status}`)).toEqual([
      'POST CreateCacheEntry 200',
      'PUT blob.put 201',
      'POST FinalizeCacheEntryUpload 200',
      'POST GetCacheEntryDownloadURL 200',
      'POST GetCacheEntryDownloadURL 200',
      'POST CreateCacheEntry 409'
    ]);
    expect(emu.requests[0]).toMatchObject({
      seq: 1,
      at: emu.clock.now(),
      path: '/twirp/github.actions.results.api.v1.CacheService/CreateCacheEntry'
    });
    expect(emu.counters).toMatchObject({ create: 2, finalize: 1, lookup: 2, hit: 1, miss: 1, conflict: 1, blobPut: 1 });
    emu.reset();
    expect(emu.requests).toHaveLength(0);
    expect(emu.counters.create).toBe(0);
    expect(emu.entries()).toEqual([]);
  });
});
