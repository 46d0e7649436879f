/** Reading index contents through the cache service with the runtime token, against the emulator. */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { createIndexReader, readLiveIndexes } from '../../../src/io/github/indexes.js';
import { type Clock, type Fetch, Http } from '../../../src/io/http/client.js';
import { indexKey, sha256Digest } from '../../../src/budget/keys.js';
import type { CacheEntry } from '../../../src/budget/generations.js';
import { HOUR, Permission, startEmulator, type EntryInfo, type Emulator } from '../../support/emulator/index.js';
import { MAIN, PR12, PR7, START, cacheConfig, digest, seedIndex } from '../../budget/fixtures.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ startTime: START });
});
afterAll(() => emu.close());
// Each test is a job of its own. Outside a step (io/deadlines.ts) no service is marked down, so an emulator one
// test drove to failing every attempt is asked again by the next.
beforeEach(() => {
  emu.reset();
});

const asEntry = (e: EntryInfo): CacheEntry => ({
  id: e.id,
  key: e.key,
  ref: e.ref,
  size: e.size,
  createdAt: e.createdAt,
  lastAccessedAt: e.lastAccessedAt,
  version: e.version
});
const prToken = () =>
  emu.mintToken([
    { Scope: PR12, Permission: Permission.All },
    { Scope: MAIN, Permission: Permission.Read }
  ]);
const reader = (token = prToken()) => createIndexReader({ token, resultsUrl: emu.resultsUrl, backoffMs: 1 });

describe('createIndexReader', () => {
  test('reads the digests of indexes on readable refs, plus the index digest (for signature blobs)', async () => {
    const main = asEntry(seedIndex(emu, MAIN, 'ci', 3, ['a', 'b'], START - HOUR));
    const pr = asEntry(seedIndex(emu, PR12, 'ci', 1, ['a', 'c'], START - HOUR));
    const r = reader();
    const results = await r.read([main, pr]);
    expect(results.get(main.id)).toMatchObject({
      status: 'read',
      recognized: true,
      digests: new Set([digest('a'), digest('b'), sha256Digest(cacheConfig(['a', 'b']))])
    });
    expect(results.get(pr.id)).toMatchObject({
      status: 'read',
      digests: new Set([digest('a'), digest('c'), sha256Digest(cacheConfig(['a', 'c']))])
    });
    expect(r.calls).toBe(4);
    // One lookup (exact key, BuildKit's version) and one download per index.
    const bodies = emu.requests.filter((q) => q.route === 'GetCacheEntryDownloadURL');
    expect(bodies).toHaveLength(2);
  });

  test('an index read once is not read again by the same reader (keys are immutable); a missing one is asked again', async () => {
    const main = asEntry(seedIndex(emu, MAIN, 'ci', 3, ['a', 'b'], START - HOUR));
    const later = asEntry(seedIndex(emu, MAIN, 'ci', 4, ['a', 'c'], START - HOUR));
    const r = reader();
    const first = await r.read([main]);
    emu.deleteEntry(later.id);
    expect((await r.read([later])).get(later.id)).toEqual({ status: 'missing' });
    expect(r.calls).toBe(3);
    const again = await r.read([main, later]);
    expect(again.get(main.id)).toEqual(first.get(main.id));
    // main: no request at all; later: its lookup again (it was missing, it may be there now).
    expect(r.calls).toBe(4);
  });

  test('a read refreshes the index last access, as an import would', async () => {
    const main = asEntry(seedIndex(emu, MAIN, 'ci', 3, ['a'], START - 5 * HOUR));
    await reader().read([main]);
    expect(emu.entries()[0].lastAccessedAt).toBe(START);
  });

  test('missing: vanished, on a ref the token cannot read, or only a prefix match (#7 gone, #70 there)', async () => {
    const gone = asEntry(seedIndex(emu, MAIN, 'ci', 7, ['a'], START - HOUR));
    emu.seed({ ref: MAIN, key: indexKey('ci', MAIN, 70), data: cacheConfig(['z']), createdAt: START });
    const other = asEntry(seedIndex(emu, PR7, 'ci', 1, ['a'], START - HOUR));
    emu.deleteEntry(gone.id);
    const results = await reader().read([gone, other]);
    expect(results.get(gone.id)).toEqual({ status: 'missing' });
    expect(results.get(other.id)).toEqual({ status: 'missing' });
  });

  test('an expired signed URL is requested again once; 5xx is retried', async () => {
    const main = asEntry(seedIndex(emu, MAIN, 'ci', 1, ['a'], START));
    emu.failNext('blob.get', 1, { authenticationFailed: true });
    emu.failNext('GetCacheEntryDownloadURL', 1, { status: 503 });
    const results = await reader().read([main]);
    expect(results.get(main.id)).toMatchObject({ status: 'read' });
  });

  test('a persistent failure is reported, not thrown', async () => {
    const main = asEntry(seedIndex(emu, MAIN, 'ci', 1, ['a'], START));
    emu.failNext('GetCacheEntryDownloadURL', 5, { status: 500 });
    const results = await reader().read([main]);
    expect(results.get(main.id)).toMatchObject({ status: 'failed', message: expect.stringMatching(/500/) });
  });

  test('an unreadable token is a failure for every index', async () => {
    const main = asEntry(seedIndex(emu, MAIN, 'ci', 1, ['a'], START));
    const results = await reader('not-a-jwt').read([main]);
    expect(results.get(main.id)).toMatchObject({ status: 'failed', message: expect.stringMatching(/401/) });
  });
});

/** A clock that records the waits asked for instead of waiting. */
function fakeClock(): Clock & { waits: number[] } {
  let now = START;
  const waits: number[] = [];
  return { waits, now: () => now, sleep: async (ms) => void (waits.push(ms), (now += ms)) };
}

describe('createIndexReader: the one retry policy against the emulator faults', () => {
  test('a lookup answer that is not JSON is one request and a failure that says so', async () => {
    const main = asEntry(seedIndex(emu, MAIN, 'ci', 1, ['a'], START));
    // The emulator always answers twirp with JSON; a proxy or a captive portal may not.
    const portal: Fetch = async (input, init) =>
      String(input).includes('GetCacheEntryDownloadURL')
        ? new Response('<html>sign in</html>', { status: 200 })
        : fetch(input, init);
    const http = new Http({ fetch: portal, clock: fakeClock() });
    const results = await createIndexReader({ token: prToken(), resultsUrl: emu.resultsUrl, http }).read([main]);
    expect(results.get(main.id)).toEqual({
      status: 'failed',
      message: expect.stringMatching(/^GetCacheEntryDownloadURL answered 200 with a body that is not JSON \(/)
    });
    expect(http.calls).toBe(1);
  });

  test('429 on the lookup: retry-after in seconds is waited; an HTTP date further away than allowed ends the tries', async () => {
    const main = asEntry(seedIndex(emu, MAIN, 'ci', 1, ['a'], START));
    emu.failNext('GetCacheEntryDownloadURL', 1, { status: 429, retryAfter: 3 });
    emu.failNext('GetCacheEntryDownloadURL', 1, { status: 429, retryAfterDate: new Date(START + 3_000 + 3_600_000) });
    const clock = fakeClock();
    const reader = createIndexReader({
      token: prToken(),
      resultsUrl: emu.resultsUrl,
      attempts: 3,
      backoffMs: 1,
      http: new Http({ clock })
    });
    const results = await reader.read([main]);
    // The date is an hour after the (fake) clock's now: more than the policy allows, so it is not waited.
    expect(results.get(main.id)).toEqual({
      status: 'failed',
      message: expect.stringMatching(
        /^GetCacheEntryDownloadURL answered 429; the server asked to wait 3600 s, more than the 60 s allowed, 3 s of it waited already$/
      )
    });
    expect(clock.waits).toEqual([3_000]);
  });

  test('a truncated download and a dropped connection are tried again; the calls count every attempt', async () => {
    const main = asEntry(seedIndex(emu, MAIN, 'ci', 1, ['a'], START));
    emu.failNext('blob.get', 1, { truncate: true });
    emu.failNext('GetCacheEntryDownloadURL', 1, { dropConnection: true });
    const r = createIndexReader({
      token: prToken(),
      resultsUrl: emu.resultsUrl,
      http: new Http({ clock: fakeClock() })
    });
    expect((await r.read([main])).get(main.id)).toMatchObject({ status: 'read' });
    expect(r.calls).toBe(4);
  });

  test('a lookup that hangs is cut by the per-request timeout and tried again', async () => {
    const main = asEntry(seedIndex(emu, MAIN, 'ci', 1, ['a'], START));
    emu.failNext('GetCacheEntryDownloadURL', 1, { hang: true });
    const http = new Http({ clock: fakeClock(), timeoutMs: 200 });
    expect(
      (await createIndexReader({ token: prToken(), resultsUrl: emu.resultsUrl, http }).read([main])).get(main.id)
    ).toMatchObject({ status: 'read' });
    expect(http.calls).toBe(3);
  });

  test('a 404 from the lookup is final: one request', async () => {
    const main = asEntry(seedIndex(emu, MAIN, 'ci', 1, ['a'], START));
    emu.failNext('GetCacheEntryDownloadURL', 3, { status: 404 });
    const http = new Http({ clock: fakeClock() });
    expect(
      (await createIndexReader({ token: prToken(), resultsUrl: emu.resultsUrl, http }).read([main])).get(main.id)
    ).toMatchObject({ status: 'failed', message: expect.stringMatching(/answered 404/) });
    expect(http.calls).toBe(1);
  });
});

describe('readLiveIndexes', () => {
  test('an index that vanished after the listing: the previous #n is read instead', async () => {
    seedIndex(emu, MAIN, 'ci', 1, ['old'], START - 3 * 24 * HOUR);
    seedIndex(emu, MAIN, 'ci', 2, ['new'], START - 2 * 24 * HOUR);
    seedIndex(emu, PR7, 'ci', 1, ['pr7'], START - HOUR);
    const listed = emu.entries().map(asEntry);
    emu.deleteEntry(2);
    const read = await readLiveIndexes(reader(), listed, { readableRefs: [PR12, MAIN], now: START });
    expect(read.vanished.map((e) => e.id)).toEqual([2]);
    expect([...read.liveIndexes.keys()]).toEqual([1]);
    expect(read.liveIndexes.get(1)?.has(digest('old'))).toBe(true);
    expect(read.entries.map((e) => e.id)).toEqual([1, 3]);
    expect(read.failed).toEqual([]);
  });

  test('an index with an unknown shape is reported and every digest in it is kept', async () => {
    emu.seed({
      ref: MAIN,
      key: indexKey('ci', MAIN, 1),
      data: JSON.stringify({ manifests: [{ digest: digest('x') }] }),
      createdAt: START
    });
    const read = await readLiveIndexes(reader(), emu.entries().map(asEntry), { readableRefs: [MAIN], now: START });
    expect(read.unrecognized).toHaveLength(1);
    expect(read.liveIndexes.get(1)?.has(digest('x'))).toBe(true);
  });
});
