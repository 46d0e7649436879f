/** The REST client against the emulator: paging, grants, retries, deletion of vanished entries. */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import * as net from 'node:net';
import { createCacheRest, type CacheRestOptions } from '../../../src/io/github/rest.js';
import { type Clock, type Fetch, Http } from '../../../src/io/http/client.js';
import { startEmulator, type Emulator } from '../../support/emulator/index.js';
import { GB, MAIN, PR12, REPOSITORY, START, seedBlob } from '../../budget/fixtures.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({
    startTime: START,
    budgetBytes: 10 * 1024 ** 3,
    restTokens: { writer: 'write', reader: 'read', nobody: 'none' }
  });
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

const client = (token: string, o: Partial<CacheRestOptions> = {}) =>
  createCacheRest({ token, apiUrl: emu.apiUrl, repository: REPOSITORY, retryBaseMs: 1, ...o });

function seedMany(n: number, ref = MAIN) {
  for (let i = 0; i < n; i++) seedBlob(emu, ref, `layer-${ref}-${i}`, 1000 + i, START - (n - i) * 1000);
}

describe('CacheRest', () => {
  test('usage and the storage limit', async () => {
    seedMany(3);
    const rest = client('reader');
    expect(await rest.usage()).toEqual({ ok: true, value: { bytes: 3003, count: 3 } });
    expect(await rest.storageLimitGb()).toBe(10);
    expect(rest.calls).toBe(2);
  });

  test('the storage limit is undefined when it cannot be read', async () => {
    emu.failNext('rest.storage-limit', 1, { status: 404, message: 'Not Found' });
    expect(await client('reader').storageLimitGb()).toBeUndefined();
    emu.failNext('rest.storage-limit', 1, { status: 403, message: 'Resource not accessible by integration' });
    expect(await client('reader').storageLimitGb()).toBeUndefined();
  });

  test('listAll reads every page of 100, oldest first, one call a page', async () => {
    seedMany(250);
    const rest = client('reader');
    const r = await rest.listAll();
    if (!r.ok) throw new Error(r.message);
    expect(r.value.pages).toBe(3);
    expect(r.value.entries).toHaveLength(250);
    expect(r.value.complete).toBe(true);
    expect(r.value.entries[0]).toEqual({
      id: 1,
      ref: MAIN,
      key: expect.stringMatching(/^buildkit-blob-1-sha256:/),
      size: 1000,
      createdAt: START - 250_000,
      lastAccessedAt: START - 250_000,
      version: '693bb7016429d80366022f036f84856888c9f13e00145f5f6f4dce303a38d6f2'
    });
    expect(rest.calls).toBe(3);
    expect(emu.requests.filter((q) => q.route === 'rest.list').map((q) => q.query)).toEqual(
      [1, 2, 3].map((p) => `?per_page=100&page=${p}&sort=created_at&direction=asc`)
    );
  });

  test('an exact multiple of 100 needs no empty extra page', async () => {
    seedMany(200);
    const rest = client('reader');
    const r = await rest.listAll();
    expect(r.ok && r.value.entries.length).toBe(200);
    expect(rest.calls).toBe(2);
  });

  test('filters by key prefix and ref', async () => {
    seedMany(5);
    seedMany(2, PR12);
    const r = await client('reader').listAll({ ref: PR12, key: 'buildkit-blob-1-' });
    expect(r.ok && r.value.entries.map((e) => e.ref)).toEqual([PR12, PR12]);
  });

  test('a listing that shrinks while it is paged is flagged incomplete', async () => {
    seedMany(150);
    const rest = client('reader');
    emu.failNext('rest.list', 1, {}); // page 1: served at once
    emu.failNext('rest.list', 1, { delayMs: 500 }); // page 2: held, and answered after the deletions below
    const listing = rest.listAll();
    // Handshake, not a guess at timing: page 2 has arrived (so page 1 was served) and is being held.
    const pages = () => emu.requests.filter((q) => q.route === 'rest.list').length;
    while (pages() < 2) await new Promise((r) => setTimeout(r, 5));
    for (let id = 1; id <= 10; id++) emu.deleteEntry(id);
    const r = await listing;
    expect(r.ok && r.value.complete).toBe(false);
  });

  test('without a grant: typed failures, not exceptions', async () => {
    seedMany(1);
    expect(await client('nobody').listAll()).toMatchObject({ ok: false, kind: 'forbidden', status: 403 });
    expect(await client('nobody').usage()).toMatchObject({ ok: false, kind: 'forbidden' });
    expect(await client('stranger').usage()).toMatchObject({ ok: false, kind: 'unauthorized', status: 401 });
    expect(await client('reader').deleteById(1)).toMatchObject({ ok: false, kind: 'forbidden' });
    expect(emu.entries()).toHaveLength(1);
  });

  test('delete by id; an entry that vanished since the listing is "gone", not an error', async () => {
    seedMany(2);
    const rest = client('writer');
    expect(await rest.deleteById(1)).toEqual({ ok: true, value: 'deleted' });
    emu.deleteEntry(2); // evicted meanwhile
    expect(await rest.deleteById(2)).toEqual({ ok: true, value: 'gone' });
    expect(await rest.deleteById(1)).toEqual({ ok: true, value: 'gone' });
    expect(emu.entries()).toHaveLength(0);
  });

  test('5xx and dropped connections are retried by the one retry policy', async () => {
    seedMany(120);
    const rest = client('reader');
    emu.failNext('rest.list', 1, { status: 502 });
    emu.failNext('rest.usage', 1, { status: 500 });
    const r = await rest.listAll();
    expect(r.ok && r.value.entries.length).toBe(120);
    expect((await rest.usage()).ok).toBe(true);
    expect(rest.calls).toBe(5);
  });

  test('the hourly REST limit surfaces as rate-limited', async () => {
    const small = await startEmulator({ startTime: START, restTokens: { reader: 'read' }, restCallsPerHour: 2 });
    try {
      const rest = createCacheRest({
        token: 'reader',
        apiUrl: small.apiUrl,
        repository: REPOSITORY,
        retryBaseMs: 1,
        maxRateLimitWaitSeconds: 0
      });
      expect((await rest.usage()).ok).toBe(true);
      expect((await rest.usage()).ok).toBe(true);
      expect(await rest.usage()).toMatchObject({ ok: false, kind: 'rate-limited', status: 403 });
    } finally {
      await small.close();
    }
  });

  test('open pull requests: every page of them', async () => {
    emu.setOpenPullRequests(Array.from({ length: 130 }, (_, i) => i + 1));
    const r = await client('reader').openPullRequests();
    expect(r.ok && [...r.value].sort((a, b) => a - b)).toEqual(Array.from({ length: 130 }, (_, i) => i + 1));
  });

  test('deletes go out at once: a rate-limited delete comes back with its retry-after, not retried or waited on', async () => {
    seedBlob(emu, MAIN, 'x', 1, START);
    const id = emu.entries()[0].id;
    emu.failNext('rest.delete-by-id', 1, { status: 429, retryAfter: 7 });
    const before = emu.counters.rest;
    expect(await client('writer').deleteById(id)).toMatchObject({
      ok: false,
      kind: 'rate-limited',
      retryAfterMs: 7_000
    });
    expect(emu.counters.rest - before).toBe(1);
    expect(await client('writer').deleteById(id)).toEqual({ ok: true, value: 'deleted' });
  });

  test('rejects a repository that is not owner/repo', () => {
    expect(() => createCacheRest({ token: 't', apiUrl: emu.apiUrl, repository: 'nope' })).toThrow(/owner\/repo/);
  });

  test('sizes are reported as listed', async () => {
    seedBlob(emu, MAIN, 'big', 3 * GB, START);
    const r = await client('reader').listAll();
    expect(r.ok && r.value.entries[0].size).toBe(3 * GB);
  });
});

/** A clock that records the waits asked for instead of waiting. */
function fakeClock(): Clock & { waits: number[] } {
  let now = START;
  const waits: number[] = [];
  return { waits, now: () => now, sleep: async (ms) => void (waits.push(ms), (now += ms)) };
}

describe('CacheRest: one client, one retry policy', () => {
  test('a secondary rate limit with retry-after is waited as asked, then the read succeeds', async () => {
    seedMany(2);
    emu.failNext('rest.usage', 1, { status: 403, retryAfter: 7, message: 'You have exceeded a secondary rate limit' });
    const clock = fakeClock();
    const rest = client('reader', { http: new Http({ clock }) });
    expect(await rest.usage()).toEqual({ ok: true, value: { bytes: 2001, count: 2 } });
    expect(clock.waits).toEqual([7_000]);
    expect(rest.calls).toBe(2);
  });

  test('a bare 403 whose body says "secondary rate limit" waits a minute (GitHub advice), then the read succeeds', async () => {
    emu.failNext('rest.usage', 1, {
      status: 403,
      message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.'
    });
    const clock = fakeClock();
    const rest = client('reader', { http: new Http({ clock }) });
    expect((await rest.usage()).ok).toBe(true);
    expect(clock.waits).toEqual([60_000]);
  });

  test("a 403 for a missing grant is final: one request, forbidden, with GitHub's message", async () => {
    const rest = client('nobody', { http: new Http({ clock: fakeClock() }) });
    const r = await rest.usage();
    expect(r).toMatchObject({ ok: false, kind: 'forbidden', status: 403 });
    expect(!r.ok && r.message).toMatch(/^Resource not accessible by integration/);
    expect(rest.calls).toBe(1);
  });

  test('each request carries the token, the media type, the API version and a user agent, as GitHub asks', async () => {
    const rest = client('reader');
    await rest.usage();
    await rest.openPullRequests();
    const sent = emu.requests.filter((r) => r.route.startsWith('rest.'));
    expect(sent.map((r) => r.route)).toEqual(['rest.usage', 'rest.pulls']);
    for (const r of sent) {
      expect(r.headers.authorization).toBe('token reader');
      expect(r.headers.accept).toBe('application/vnd.github+json');
      expect(r.headers['x-github-api-version']).toBe('2022-11-28');
      expect(r.headers['user-agent']).toMatch(/^envd-cache-action/);
    }
    expect(sent[1].query).toContain('state=open');
  });

  test('a 429 whose retry-after (an HTTP date) is further than maxRateLimitWaitSeconds: one request, rate-limited, the wait handed back', async () => {
    emu.failNext('rest.list', 1, { status: 429, retryAfterDate: new Date(START + 600_000) });
    const clock = fakeClock();
    const rest = client('reader', { http: new Http({ clock }), maxRateLimitWaitSeconds: 60 });
    expect(await rest.listAll()).toMatchObject({
      ok: false,
      kind: 'rate-limited',
      status: 429,
      retryAfterMs: expect.any(Number)
    });
    expect(clock.waits).toEqual([]);
    expect(rest.calls).toBe(1);
  });

  test('501 is final: one request', async () => {
    emu.failNext('rest.usage', 3, { status: 501 });
    const rest = client('reader', { http: new Http({ clock: fakeClock() }) });
    expect(await rest.usage()).toMatchObject({ ok: false, kind: 'error', status: 501 });
    expect(rest.calls).toBe(1);
  });

  test('a network failure that outlasts the attempts is a failure with its reason, every attempt counted', async () => {
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const rest = createCacheRest({
      token: 'reader',
      apiUrl: `http://127.0.0.1:${port}`,
      repository: REPOSITORY,
      retries: 1,
      http: new Http({ clock: fakeClock() })
    });
    expect(await rest.usage()).toMatchObject({
      ok: false,
      kind: 'error',
      message: expect.stringMatching(/ECONNREFUSED.*\(after 2 attempts\)$/)
    });
    expect(rest.calls).toBe(2);
  });

  test('a listing page that is not JSON is one request and a failure that says so', async () => {
    seedMany(3);
    const portal: Fetch = async (input, init) =>
      String(input).includes('/actions/caches')
        ? new Response('<html>sign in</html>', { status: 200, headers: { 'content-type': 'application/json' } })
        : fetch(input, init);
    const rest = client('reader', { http: new Http({ fetch: portal, clock: fakeClock() }) });
    expect(await rest.listAll()).toEqual({
      ok: false,
      kind: 'error',
      message: 'GET actions/caches page 1 answered text, not JSON (20 bytes)'
    });
    expect(rest.calls).toBe(1);
  });

  test('usage without its numbers is a failure that says so, not NaN', async () => {
    const odd: Fetch = async (input, init) =>
      String(input).includes('/actions/cache/usage')
        ? new Response('{"full_name":"o/r"}', { status: 200, headers: { 'content-type': 'application/json' } })
        : fetch(input, init);
    expect(await client('reader', { http: new Http({ fetch: odd, clock: fakeClock() }) }).usage()).toEqual({
      ok: false,
      kind: 'error',
      message: 'GET actions/cache/usage answered without active_caches_size_in_bytes and active_caches_count'
    });
  });
});
