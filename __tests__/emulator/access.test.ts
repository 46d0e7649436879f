import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { startEmulator, type Emulator } from '../support/emulator/index.js';
import { http, lookup, saveEntry, scopes, twirp, VERSION } from './client.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ startTime: Date.UTC(2026, 9, 1, 12) });
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

async function readVia(token: string, key: string, restoreKeys: string[] = []): Promise<string | undefined> {
  const r = await lookup(emu, token, key, restoreKeys);
  if (r.json.ok !== true) return undefined;
  return (await http(r.json.signed_download_url as string)).text;
}

describe('per-ref visibility from ac', () => {
  beforeEach(async () => {
    await saveEntry(emu, emu.mintToken(scopes.main), 'deps', 'from main');
    await saveEntry(emu, emu.mintToken(scopes.feature('feat-a')), 'deps', 'from feat-a');
    await saveEntry(emu, emu.mintToken(scopes.pr(12, 'release')), 'deps', 'from pr 12');
    await saveEntry(emu, emu.mintToken(scopes.feature('release')), 'release-deps', 'from release');
  });

  test('writes land on the scope with the write bit', () => {
    expect(emu.entries().map((e) => e.ref)).toEqual([
      'refs/heads/main',
      'refs/heads/feat-a',
      'refs/pull/12/merge',
      'refs/heads/release'
    ]);
  });

  test('own ref first, then the default branch', async () => {
    expect(await readVia(emu.mintToken(scopes.feature('feat-a')), 'deps')).toBe('from feat-a');
    expect(await readVia(emu.mintToken(scopes.feature('feat-b')), 'deps')).toBe('from main');
  });

  test('a sibling branch and a PR are invisible to other refs; main never sees PR caches', async () => {
    const featB = emu.mintToken(scopes.feature('feat-b'));
    expect(await readVia(featB, 'release-deps')).toBeUndefined();
    expect(await readVia(emu.mintToken(scopes.main), 'deps')).toBe('from main');
    await saveEntry(emu, emu.mintToken(scopes.pr(13)), 'pr-only', 'x');
    expect(await readVia(emu.mintToken(scopes.main), 'pr-only')).toBeUndefined();
    expect(await readVia(featB, 'pr-only')).toBeUndefined();
    expect(await readVia(emu.mintToken(scopes.pr(13)), 'pr-only')).toBe('x');
  });

  test('a PR reads its base branch (non-default) and the default branch', async () => {
    const pr = emu.mintToken(scopes.pr(99, 'release'));
    expect(await readVia(pr, 'release-deps')).toBe('from release');
    expect(await readVia(pr, 'deps')).toBe('from main');
    // Refs are searched in order, each with exact then prefix: the base branch's prefix match wins over main's exact key.
    await saveEntry(emu, emu.mintToken(scopes.main), 'release', 'exact on main');
    expect(await readVia(pr, 'release')).toBe('from release');
    expect(await readVia(emu.mintToken(scopes.feature('feat-b')), 'release')).toBe('exact on main');
  });

  test('no writable scope → ok:false "cache write denied: token has no writable scopes"; reads still work', async () => {
    const readOnly = emu.mintToken(scopes.readOnlyMain);
    const created = await twirp(emu, 'CreateCacheEntry', readOnly, { key: 'new', version: VERSION });
    expect(created.status).toBe(200);
    expect(created.json).toMatchObject({ ok: false, message: 'cache write denied: token has no writable scopes' });
    const fin = await twirp(emu, 'FinalizeCacheEntryUpload', readOnly, {
      key: 'new',
      version: VERSION,
      size_bytes: '1'
    });
    expect(fin.json).toMatchObject({ ok: false, message: 'cache write denied: token has no writable scopes' });
    expect(await readVia(readOnly, 'deps')).toBe('from main');
    expect(emu.counters.writeDenied).toBe(2);
  });

  test('a token with no readable scope gets a read denial', async () => {
    const none = emu.mintToken([{ Scope: 'refs/heads/x', Permission: 2 }]);
    const r = await lookup(emu, none, 'deps');
    expect(r.status).toBe(403);
    expect(r.json.msg).toMatch(/^cache read denied:/);
  });
});

describe('cache mode and budget switches', () => {
  const token = () => emu.mintToken(scopes.main);

  test.each([
    ['read', true, false],
    ['write-only', false, true],
    ['none', false, false],
    ['write', true, true]
  ] as const)('mode %s: read allowed %s, write allowed %s', async (mode, canRead, canWrite) => {
    await saveEntry(emu, token(), 'seeded', 'data');
    emu.setCacheMode(mode);
    const created = await twirp(emu, 'CreateCacheEntry', token(), { key: 'new', version: VERSION });
    if (canWrite) expect(created.json.ok).toBe(true);
    else expect(created.json).toMatchObject({ ok: false, message: `cache write denied: cache mode is ${mode}` });
    const read = await lookup(emu, token(), 'seeded');
    if (canRead) expect(read.json.ok).toBe(true);
    else {
      expect(read.status).toBe(403);
      expect(read.json).toEqual({ code: 'permission_denied', msg: `cache read denied: cache mode is ${mode}` });
    }
  });

  test('budget exhausted: caches become read-only', async () => {
    await saveEntry(emu, token(), 'seeded', 'data');
    emu.setBudgetExhausted(true);
    const created = await twirp(emu, 'CreateCacheEntry', token(), { key: 'new', version: VERSION });
    expect(created.json.ok).toBe(false);
    expect(created.json.message).toMatch(/^cache write denied: cache budget exhausted/);
    expect((await lookup(emu, token(), 'seeded')).json.ok).toBe(true);
    emu.setBudgetExhausted(false);
    expect((await twirp(emu, 'CreateCacheEntry', token(), { key: 'new', version: VERSION })).json.ok).toBe(true);
  });
});
