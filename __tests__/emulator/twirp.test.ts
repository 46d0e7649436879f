import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { startEmulator, TWIRP_PREFIX, type Emulator } from '../support/emulator/index.js';
import { http, lookup, saveEntry, scopes, twirp, VERSION } from './client.js';

let emu: Emulator;
let token: string;
beforeAll(async () => {
  emu = await startEmulator({ startTime: Date.UTC(2026, 9, 1, 12) });
});
afterAll(() => emu.close());
beforeEach(() => {
  emu.reset();
  token = emu.mintToken(scopes.main);
});

describe('twirp round trip', () => {
  test('create, upload, finalize, look up and download', async () => {
    const created = await twirp(emu, 'CreateCacheEntry', token, { key: 'deps-1', version: VERSION });
    expect(created.status).toBe(200);
    expect(created.headers['content-type']).toMatch(/^application\/json/);
    expect(created.json.ok).toBe(true);
    const uploadUrl = created.json.signed_upload_url as string;
    expect(uploadUrl).toMatch(new RegExp(`^${emu.url}/emulatoraccount/actions-cache/cache-entry-1\\?.*sig=`));

    expect(
      (await http(uploadUrl, { method: 'PUT', headers: { 'x-ms-blob-type': 'BlockBlob' }, body: 'hello cache' })).status
    ).toBe(201);
    const fin = await twirp(emu, 'FinalizeCacheEntryUpload', token, {
      key: 'deps-1',
      version: VERSION,
      size_bytes: '11'
    });
    expect(fin.json).toEqual({ ok: true, entry_id: '1', message: '' });

    const hit = await lookup(emu, token, 'deps-1');
    expect(hit.json.ok).toBe(true);
    expect(hit.json.matched_key).toBe('deps-1');
    const download = await http(hit.json.signed_download_url as string);
    expect(download.status).toBe(200);
    expect(download.text).toBe('hello cache');
    expect(emu.counters).toMatchObject({ create: 1, finalize: 1, lookup: 1, hit: 1, miss: 0, blobPut: 1, blobGet: 1 });
    expect(emu.entries()).toEqual([
      expect.objectContaining({
        id: 1,
        ref: 'refs/heads/main',
        key: 'deps-1',
        version: VERSION,
        size: 11,
        receivedBytes: 11,
        committed: true,
        hasData: true
      })
    ]);
  });

  test('int64 accepted as number or string, emitted as string; declared and received sizes both recorded', async () => {
    await twirp(emu, 'CreateCacheEntry', token, { key: 'a', version: VERSION });
    await http(
      `${(await twirp(emu, 'CreateCacheEntry', token, { key: 'b', version: VERSION })).json.signed_upload_url}`,
      {
        method: 'PUT',
        headers: { 'x-ms-blob-type': 'BlockBlob' },
        body: 'xyz'
      }
    );
    // 'a' never uploaded: finalize refuses; 'b' declares 1000 bytes but sent 3.
    expect(
      (await twirp(emu, 'FinalizeCacheEntryUpload', token, { key: 'a', version: VERSION, size_bytes: 5 })).json.ok
    ).toBe(false);
    const fin = await twirp(emu, 'FinalizeCacheEntryUpload', token, { key: 'b', version: VERSION, size_bytes: 1000 });
    expect(fin.json.entry_id).toBe('2');
    expect(emu.entries().find((e) => e.key === 'b')).toMatchObject({ size: 1000, receivedBytes: 3 });
    const bad = await twirp(emu, 'FinalizeCacheEntryUpload', token, {
      key: 'b',
      version: VERSION,
      size_bytes: 'twelve'
    });
    expect(bad.status).toBe(400);
    expect(bad.json.code).toBe('invalid_argument');
  });

  test('unknown fields (metadata) are ignored and lowerCamel names are accepted', async () => {
    const created = await twirp(emu, 'CreateCacheEntry', token, {
      key: 'm',
      version: VERSION,
      metadata: { repository_id: '1', scope: [{ scope: 'refs/heads/main', permission: '3' }] },
      extra: true
    });
    expect(created.json.ok).toBe(true);
    await http(created.json.signed_upload_url as string, {
      method: 'PUT',
      headers: { 'x-ms-blob-type': 'BlockBlob' },
      body: 'm'
    });
    expect(
      (await twirp(emu, 'FinalizeCacheEntryUpload', token, { key: 'm', version: VERSION, sizeBytes: '1' })).json.ok
    ).toBe(true);
    const hit = await twirp(emu, 'GetCacheEntryDownloadURL', token, { key: 'x', restoreKeys: ['m'], version: VERSION });
    expect(hit.json.matched_key).toBe('m');
  });

  test('unknown method → bad_route 404; wrong verb and content type are bad routes; missing fields invalid', async () => {
    const unknown = await twirp(emu, 'DeleteCacheEntry', token, {});
    expect(unknown.status).toBe(404);
    expect(unknown.json).toEqual({ code: 'bad_route', msg: expect.stringContaining('DeleteCacheEntry') });
    const get = await http(`${emu.url}${TWIRP_PREFIX}CreateCacheEntry`);
    expect(get.json.code).toBe('bad_route');
    const proto = await http(`${emu.url}${TWIRP_PREFIX}CreateCacheEntry`, {
      method: 'POST',
      headers: { 'content-type': 'application/protobuf', authorization: `Bearer ${token}` },
      body: 'x'
    });
    expect(proto.json.code).toBe('bad_route');
    const noVersion = await twirp(emu, 'CreateCacheEntry', token, { key: 'k' });
    expect(noVersion.status).toBe(400);
    expect(noVersion.json.code).toBe('invalid_argument');
    const comma = await twirp(emu, 'CreateCacheEntry', token, { key: 'a,b', version: VERSION });
    expect(comma.json.code).toBe('invalid_argument');
    const garbage = await http(`${emu.url}${TWIRP_PREFIX}CreateCacheEntry`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: '{not json'
    });
    expect(garbage.status).toBe(400);
    expect(garbage.json.code).toBe('malformed');
  });
});

describe('immutability', () => {
  test('second create for the same key+version+ref → 409 already_exists, while reserved and once committed', async () => {
    expect((await twirp(emu, 'CreateCacheEntry', token, { key: 'k', version: VERSION })).json.ok).toBe(true);
    const whileReserved = await twirp(emu, 'CreateCacheEntry', token, { key: 'k', version: VERSION });
    expect(whileReserved.status).toBe(409);
    expect(whileReserved.json).toEqual({ code: 'already_exists', msg: expect.stringContaining('being created') });

    await saveEntry(emu, token, 'done', 'data');
    const committed = await twirp(emu, 'CreateCacheEntry', token, { key: 'done', version: VERSION });
    expect(committed.status).toBe(409);
    expect(emu.counters.conflict).toBe(2);
    // Another version is another entry.
    expect((await twirp(emu, 'CreateCacheEntry', token, { key: 'done', version: 'other' })).json.ok).toBe(true);
  });

  test('switchable to 200 {ok:false}', async () => {
    emu.setConflictStyle('ok_false');
    await saveEntry(emu, token, 'k', 'data');
    const again = await twirp(emu, 'CreateCacheEntry', token, { key: 'k', version: VERSION });
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ ok: false, message: expect.stringContaining('already exists') });
  });

  test('the same key on another ref is a separate entry', async () => {
    await saveEntry(emu, token, 'k', 'main data');
    const feat = emu.mintToken(scopes.feature('feat'));
    await saveEntry(emu, feat, 'k', 'feat data');
    expect(emu.entries().map((e) => [e.ref, e.key])).toEqual([
      ['refs/heads/main', 'k'],
      ['refs/heads/feat', 'k']
    ]);
    // feat reads its own entry first.
    const hit = await lookup(emu, feat, 'k');
    expect((await http(hit.json.signed_download_url as string)).text).toBe('feat data');
  });

  test('entries are invisible until finalized; finalize of an unknown reservation → ok:false', async () => {
    const created = await twirp(emu, 'CreateCacheEntry', token, { key: 'pending', version: VERSION });
    await http(created.json.signed_upload_url as string, {
      method: 'PUT',
      headers: { 'x-ms-blob-type': 'BlockBlob' },
      body: 'x'
    });
    expect((await lookup(emu, token, 'pending')).json).toEqual({ ok: false, signed_download_url: '', matched_key: '' });
    expect(emu.entries()[0]).toMatchObject({ committed: false });

    const unknown = await twirp(emu, 'FinalizeCacheEntryUpload', token, {
      key: 'never-created',
      version: VERSION,
      size_bytes: '1'
    });
    expect(unknown.status).toBe(200);
    expect(unknown.json).toMatchObject({ ok: false, message: expect.stringContaining('no reservation') });

    expect(
      (await twirp(emu, 'FinalizeCacheEntryUpload', token, { key: 'pending', version: VERSION, size_bytes: '1' })).json
        .ok
    ).toBe(true);
    expect((await lookup(emu, token, 'pending')).json.ok).toBe(true);
    const twice = await twirp(emu, 'FinalizeCacheEntryUpload', token, {
      key: 'pending',
      version: VERSION,
      size_bytes: '1'
    });
    expect(twice.json.ok).toBe(false);
  });

  test('finalize sets created_at (the reservation time until then) and last_accessed_at', async () => {
    const created = await twirp(emu, 'CreateCacheEntry', token, { key: 'k', version: VERSION });
    const reservedAt = emu.clock.now();
    expect(emu.entries()[0].createdAt).toBe(reservedAt);
    emu.clock.advance(5_000);
    await http(created.json.signed_upload_url as string, {
      method: 'PUT',
      headers: { 'x-ms-blob-type': 'BlockBlob' },
      body: 'x'
    });
    await twirp(emu, 'FinalizeCacheEntryUpload', token, { key: 'k', version: VERSION, size_bytes: '1' });
    expect(emu.entries()[0]).toMatchObject({ createdAt: reservedAt + 5_000, lastAccessedAt: reservedAt + 5_000 });
  });
});
