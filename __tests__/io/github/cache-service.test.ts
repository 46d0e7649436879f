/**
 * The cache-service v2 client against the emulator: lookup with restore keys (exact, then prefix newest first,
 * own ref first, then the refs the token reads), the block-blob write (Put Blob + finalize), immutable keys,
 * per-ref visibility from the token, and the one retry policy on faults. Every answer is a result, never a
 * throw, and no reason names the token or a signed URL. Behaviour modelled: github-cache-service.md §4, §5, §9.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { CacheService } from '../../../src/io/github/cache-service.js';
import { type Clock, Http } from '../../../src/io/http/client.js';
import { Permission, startEmulator, type Emulator } from '../../support/emulator/index.js';

const V = 'a'.repeat(64);
const OTHER_V = 'b'.repeat(64);
const MAIN = 'refs/heads/main';
const FEAT = 'refs/heads/feat';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ startTime: 1_800_000_000_000 });
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

/** A clock that records the waits asked for instead of waiting. */
function fakeClock(): Clock & { waits: number[] } {
  let now = 1_800_000_000_000;
  const waits: number[] = [];
  return { waits, now: () => now, sleep: async (ms) => void (waits.push(ms), (now += ms)) };
}
const mainToken = () => emu.mintToken([{ Scope: MAIN, Permission: Permission.All }]);
const featToken = () =>
  emu.mintToken([
    { Scope: FEAT, Permission: Permission.All },
    { Scope: MAIN, Permission: Permission.Read }
  ]);
const readOnlyToken = () => emu.mintToken([{ Scope: MAIN, Permission: Permission.Read }]);
const client = (token: string, http = new Http({ clock: fakeClock() })) =>
  new CacheService({ token, resultsUrl: emu.resultsUrl, backoffMs: 1, http });

describe('CacheService: write and read', () => {
  test('a write is one block blob of the bytes, finalized with their size; a read gives them back', async () => {
    const c = client(mainToken());
    const w = await c.write('k#1', V, '{"a":"é"}');
    expect(w).toEqual({ status: 'saved', entryId: expect.stringMatching(/^\d+$/), size: 10 });
    const [entry] = emu.entries();
    expect(entry).toMatchObject({ ref: MAIN, key: 'k#1', version: V, size: 10, receivedBytes: 10, committed: true });
    expect(emu.blobData(entry.id)?.toString('utf8')).toBe('{"a":"é"}');
    expect(await c.read('k#1', [], { version: V })).toEqual({ status: 'ok', key: 'k#1', body: '{"a":"é"}' });
    // Create, the Put Blob, finalize; lookup, the download.
    expect(c.calls).toBe(5);
    expect(emu.requests.find((r) => r.route === 'blob.put')).toBeDefined();
  });

  test('lookup: the newest entry by prefix, then the restore keys; only this version counts', async () => {
    const c = client(mainToken());
    for (const k of ['h-py#1', 'h-py#2', 'other#1']) expect((await c.write(k, V, k)).status).toBe('saved');
    await c.write('h-py#3', OTHER_V, 'another version');
    emu.clock.advance(1000);
    expect(await c.lookup('h-py#', [], V)).toMatchObject({ status: 'hit', matchedKey: 'h-py#2' });
    expect(await c.lookup('none#', ['other#'], V)).toMatchObject({ status: 'hit', matchedKey: 'other#1' });
    expect(await c.lookup('none#', ['nothing#'], V)).toEqual({ status: 'miss' });
    // exact: a prefix match on another key is not this entry.
    expect(await c.read('h-py#', [], { version: V, exact: true })).toEqual({ status: 'miss' });
  });
});

describe('CacheService: immutability and access', () => {
  test('a second create of the same key and version on the same ref is refused and reported, never overwritten', async () => {
    const c = client(mainToken());
    await c.write('k#1', V, 'first');
    const again = await c.write('k#1', V, 'second');
    expect(again).toEqual({
      status: 'exists',
      reason: expect.stringMatching(/^CreateCacheEntry answered 409: cache entry with key k#1 .* already exists/)
    });
    emu.setConflictStyle('ok_false');
    const okFalse = await c.write('k#1', V, 'third');
    expect(okFalse).toEqual({
      status: 'refused',
      reason: expect.stringMatching(/^CreateCacheEntry refused: .*already exists/)
    });
    expect((await c.read('k#1', [], { version: V })) as { body?: string }).toMatchObject({ body: 'first' });
    // Another version of the same key is another entry.
    expect((await c.write('k#1', OTHER_V, 'x')).status).toBe('saved');
  });

  test('per-ref visibility: a branch writes its own ref and reads main; main never sees the branch', async () => {
    await client(mainToken()).write('h#1', V, 'main');
    const feat = client(featToken());
    expect(await feat.read('h#', [], { version: V })).toEqual({ status: 'ok', key: 'h#1', body: 'main' });
    emu.clock.advance(1000);
    expect((await feat.write('h#2', V, 'feat')).status).toBe('saved');
    expect(emu.entries().find((e) => e.key === 'h#2')?.ref).toBe(FEAT);
    // The branch reads its own ref first.
    expect(await feat.read('h#', [], { version: V })).toMatchObject({ key: 'h#2', body: 'feat' });
    expect(await client(mainToken()).read('h#', [], { version: V })).toMatchObject({ key: 'h#1', body: 'main' });
    // The same key on another ref is a separate entry.
    expect((await feat.write('h#1', V, 'feat too')).status).toBe('saved');
  });

  test('a token without a writable ref: the write is refused with the service words; nothing is stored', async () => {
    const w = await client(readOnlyToken()).write('k#1', V, 'x');
    expect(w).toEqual({
      status: 'refused',
      reason: 'CreateCacheEntry refused: cache write denied: token has no writable scopes'
    });
    expect(emu.entries()).toEqual([]);
  });

  test('a read denial (cache mode none) is a failure with its reason', async () => {
    emu.setCacheMode('none');
    const r = await client(mainToken()).lookup('k#', [], V);
    expect(r).toEqual({
      status: 'failed',
      reason: expect.stringMatching(/^GetCacheEntryDownloadURL answered 403: .*cache read denied/)
    });
  });
});

describe('CacheService: faults, retries, secrets', () => {
  test('5xx and 429 are tried again by the one policy; retry-after is waited', async () => {
    const clock = fakeClock();
    const c = client(mainToken(), new Http({ clock }));
    emu.failNext('CreateCacheEntry', 1, { status: 503 });
    emu.failNext('blob.put', 1, { status: 500 });
    emu.failNext('FinalizeCacheEntryUpload', 1, { status: 429, retryAfter: 2 });
    expect((await c.write('k#1', V, 'x')).status).toBe('saved');
    expect(clock.waits).toContain(2000);
    expect(c.calls).toBe(6);
  });

  test('faults that outlast the attempts, a refused finalize, a refused download: results with reasons, no throw', async () => {
    const c = client(mainToken());
    emu.failNext('CreateCacheEntry', 3, { status: 500 });
    expect(await c.write('k#1', V, 'x')).toEqual({
      status: 'failed',
      reason: expect.stringMatching(/^CreateCacheEntry answered 500/)
    });
    emu.failNext('FinalizeCacheEntryUpload', 1, { okFalseMessage: 'commit refused' });
    expect(await c.write('k#2', V, 'x')).toEqual({
      status: 'refused',
      reason: 'FinalizeCacheEntryUpload refused: commit refused'
    });
    await c.write('k#3', V, 'x');
    emu.failNext('blob.get', 1, { authenticationFailed: true });
    // An expired signed URL: a fresh one is asked for, once.
    expect(await c.read('k#3', [], { version: V })).toMatchObject({ status: 'ok', body: 'x' });
    emu.failNext('blob.get', 2, { authenticationFailed: true });
    expect(await c.read('k#3', [], { version: V })).toEqual({
      status: 'failed',
      reason: 'the signed download URL was refused twice'
    });
    emu.failNext('GetCacheEntryDownloadURL', 1, { dropConnection: true });
    emu.failNext('blob.get', 1, { truncate: true });
    expect(await c.read('k#3', [], { version: V })).toMatchObject({ status: 'ok', body: 'x' });
  });

  test('no reason names the runtime token or a signed URL', async () => {
    const token = mainToken();
    const c = client(token);
    const reasons: string[] = [];
    const note = (r: object) => reasons.push(JSON.stringify(r));
    emu.failNext('blob.put', 3, { status: 500 });
    note(await c.write('k#1', V, 'x'));
    emu.failNext('blob.put', 1, { dropConnection: true });
    emu.failNext('blob.put', 2, { status: 503 });
    note(await c.write('k#2', V, 'x'));
    await c.write('k#3', V, 'x');
    emu.failNext('blob.get', 3, { status: 500 });
    note(await c.read('k#3', [], { version: V }));
    emu.failNext('blob.get', 3, { dropConnection: true });
    note(await c.read('k#3', [], { version: V }));
    emu.failNext('twirp', 3, { status: 500 });
    note(await c.lookup('k#', [], V));
    const signatures = emu.requests
      .filter((r) => r.route.startsWith('blob.'))
      .map((r) => decodeURIComponent(/sig=([^&]+)/.exec(r.query)?.[1] ?? ''));
    expect(signatures.length).toBeGreaterThan(0);
    expect(signatures.every(Boolean)).toBe(true);
    expect(reasons.join('\n')).toMatch(/signed (upload|download) URL/);
    for (const r of reasons) {
      expect(r).not.toContain(token);
      expect(r).not.toContain(token.split('.')[1]);
      expect(r).not.toMatch(/sig=|se=|\/blob|actions-cache\//);
      for (const sig of signatures) expect(r).not.toContain(sig);
    }
  });
});
