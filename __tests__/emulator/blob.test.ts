import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { HOUR, startEmulator, type Emulator } from '../support/emulator/index.js';
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

const blockId = (n: number) => Buffer.from(`block-${String(n).padStart(6, '0')}`).toString('base64');
const putBlock = (url: string, id: string, body: string) =>
  http(`${url}&comp=block&blockid=${encodeURIComponent(id)}`, { method: 'PUT', body });
const putList = (url: string, items: string) =>
  http(`${url}&comp=blocklist`, {
    method: 'PUT',
    headers: { 'content-type': 'application/xml' },
    body: `<?xml version="1.0" encoding="utf-8"?><BlockList>${items}</BlockList>`
  });

async function reserve(key: string): Promise<string> {
  const created = await twirp(emu, 'CreateCacheEntry', token, { key, version: VERSION });
  return created.json.signed_upload_url as string;
}
async function finalizeAndGetUrl(key: string, size: number): Promise<string> {
  const fin = await twirp(emu, 'FinalizeCacheEntryUpload', token, { key, version: VERSION, size_bytes: size });
  expect(fin.json.ok).toBe(true);
  return (await lookup(emu, token, key)).json.signed_download_url as string;
}

describe('uploads', () => {
  test('blocks are assembled in block-list order, not staging or id order', async () => {
    const url = await reserve('blocks');
    for (const [n, body] of [
      [2, 'CC'],
      [0, 'AA'],
      [1, 'BB']
    ] as const) {
      const r = await putBlock(url, blockId(n), body);
      expect(r.status).toBe(201);
      expect(r.headers['x-ms-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
    const committed = await putList(
      url,
      `<Latest>${blockId(1)}</Latest><Latest>${blockId(2)}</Latest><Latest>${blockId(0)}</Latest>`
    );
    expect(committed.status).toBe(201);
    const download = await finalizeAndGetUrl('blocks', 6);
    expect((await http(download)).text).toBe('BBCCAA');
    expect(emu.entries()[0]).toMatchObject({ size: 6, receivedBytes: 6 });
  });

  test('block ids as Azure checks them: valid Base64 of at most 64 bytes, one length per blob', async () => {
    const url = await reserve('ids');
    // What BuildKit v0.32.2 sent (observed): 64 bytes, a 16-byte UUID, the block number (uint32, big-endian), zeros;
    // Base64 with '/', '+' and '==' (88 characters).
    const real = (n: number) => {
      const id = Buffer.alloc(64);
      Buffer.from('lmK2h9WiR/xhwNvA1Mob+A==', 'base64').copy(id);
      id.writeUInt32BE(n, 16);
      return id.toString('base64');
    };
    expect(real(1)).toBe('lmK2h9WiR/xhwNvA1Mob+AAAAAEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==');
    expect((await putBlock(url, real(0), 'a')).status).toBe(201);
    expect((await putBlock(url, real(1), 'b')).status).toBe(201);
    const shorter = await putBlock(url, blockId(2), 'c');
    expect(shorter.status).toBe(400);
    expect(shorter.headers['x-ms-error-code']).toBe('InvalidBlobOrBlock');
    for (const bad of ['not base64!', 'YWJj=', Buffer.alloc(65).toString('base64')]) {
      const r = await putBlock(await reserve(`ids-${bad.length}`), bad, 'x');
      expect(r.status).toBe(400);
      expect(r.headers['x-ms-error-code']).toBe('InvalidQueryParameterValue');
    }
  });

  test('x-ms-version: the one the client asked for, else the SAS version', async () => {
    const url = await reserve('version');
    const asked = await http(url, {
      method: 'PUT',
      headers: { 'x-ms-blob-type': 'BlockBlob', 'x-ms-version': '2024-11-04' },
      body: 'x'
    });
    expect(asked.status).toBe(201);
    expect(asked.headers['x-ms-version']).toBe('2024-11-04');
    const download = await finalizeAndGetUrl('version', 1);
    expect((await http(download)).headers['x-ms-version']).toBe(new URL(download).searchParams.get('sv'));
  });

  test('Committed, Uncommitted and Latest pick from the right lists', async () => {
    const url = await reserve('lists');
    await putBlock(url, blockId(0), 'aaa');
    await putBlock(url, blockId(1), 'bbb');
    await putList(url, `<Latest>${blockId(0)}</Latest><Latest>${blockId(1)}</Latest>`);
    await putBlock(url, blockId(0), 'AAA');
    await putBlock(url, blockId(2), 'ccc');
    const missing = await putList(url, `<Uncommitted>${blockId(1)}</Uncommitted>`);
    expect(missing.status).toBe(400);
    expect(missing.headers['x-ms-error-code']).toBe('InvalidBlockList');
    const ok = await putList(
      url,
      `<Committed>${blockId(0)}</Committed><Latest>${blockId(0)}</Latest><Uncommitted>${blockId(2)}</Uncommitted><Committed>${blockId(1)}</Committed>`
    );
    expect(ok.status).toBe(201);
    expect((await http(await finalizeAndGetUrl('lists', 12))).text).toBe('aaaAAAcccbbb');
  });

  test('Put Blob needs x-ms-blob-type; PUT after finalize is refused; bad XML is refused', async () => {
    const url = await reserve('single');
    const noType = await http(url, { method: 'PUT', body: 'x' });
    expect(noType.status).toBe(400);
    expect(noType.headers['x-ms-error-code']).toBe('MissingRequiredHeader');
    expect(noType.text).toContain('<Code>MissingRequiredHeader</Code>');
    expect((await putList(url, '')).status).toBe(201); // an empty list commits an empty blob
    expect((await http(`${url}&comp=blocklist`, { method: 'PUT', body: 'garbage' })).headers['x-ms-error-code']).toBe(
      'InvalidXmlDocument'
    );
    const put = await http(url, { method: 'PUT', headers: { 'x-ms-blob-type': 'BlockBlob' }, body: 'data' });
    expect(put.status).toBe(201);
    expect(put.headers['content-md5']).toBe('jXd/OF09/siBXSD3SWAm3A==');
    await finalizeAndGetUrl('single', 4);
    const after = await http(url, { method: 'PUT', headers: { 'x-ms-blob-type': 'BlockBlob' }, body: 'other' });
    expect(after.status).toBe(409);
  });
});

describe('downloads', () => {
  let url: string;
  beforeEach(async () => {
    await saveEntry(emu, token, 'ranged', '0123456789');
    url = (await lookup(emu, token, 'ranged')).json.signed_download_url as string;
  });

  test('x-ms-range and Range give 206 with Content-Range; x-ms-range wins', async () => {
    const open = await http(url, { headers: { 'x-ms-range': 'bytes=4-' } });
    expect(open.status).toBe(206);
    expect(open.text).toBe('456789');
    expect(open.headers['content-range']).toBe('bytes 4-9/10');
    expect(open.headers['content-length']).toBe('6');
    const closed = await http(url, { headers: { range: 'bytes=0-2' } });
    expect([closed.status, closed.text, closed.headers['content-range']]).toEqual([206, '012', 'bytes 0-2/10']);
    const both = await http(url, { headers: { range: 'bytes=0-2', 'x-ms-range': 'bytes=8-20' } });
    expect([both.text, both.headers['content-range']]).toEqual(['89', 'bytes 8-9/10']);
    const suffix = await http(url, { headers: { range: 'bytes=-3' } });
    expect(suffix.text).toBe('789');
    const bad = await http(url, { headers: { 'x-ms-range': 'bytes=10-' } });
    expect(bad.status).toBe(416);
    const full = await http(url);
    expect([full.status, full.text, full.headers['content-length'], full.headers['x-ms-blob-type']]).toEqual([
      200,
      '0123456789',
      '10',
      'BlockBlob'
    ]);
    const head = await http(url, { method: 'HEAD' });
    expect([head.status, head.headers['content-length'], head.body.length]).toEqual([200, '10', 0]);
  });

  test('x-ms-request-id on every response, errors included, unless omitted on demand', async () => {
    const ok = await http(url);
    const error = await http(url.replace('sig=', 'sig=x'));
    expect(error.status).toBe(403);
    for (const r of [ok, error]) expect(r.headers['x-ms-request-id']).toBeDefined();
    emu.failNext('blob.get', 1, { omitRequestId: true });
    const without = await http(url);
    expect(without.status).toBe(200);
    expect(without.text).toBe('0123456789');
    expect(without.headers['x-ms-request-id']).toBeUndefined();
    expect((await http(url)).headers['x-ms-request-id']).toBeDefined();
  });

  test('signed URLs expire (1 h default); a fresh lookup gives a working URL', async () => {
    emu.clock.advance(HOUR - 1);
    expect((await http(url)).status).toBe(200);
    emu.clock.advance(1);
    const expired = await http(url);
    expect(expired.status).toBe(403);
    expect(expired.headers['x-ms-error-code']).toBe('AuthenticationFailed');
    const fresh = (await lookup(emu, token, 'ranged')).json.signed_download_url as string;
    expect((await http(fresh)).text).toBe('0123456789');
  });

  test('a URL works only for its own entry and permission', async () => {
    await saveEntry(emu, token, 'other', 'secret');
    const otherEntryUrl = url.replace('cache-entry-1', 'cache-entry-2');
    expect((await http(otherEntryUrl)).status).toBe(403);
    expect(
      (
        await http(url.replace('sp=r', 'sp=cw'), {
          method: 'PUT',
          headers: { 'x-ms-blob-type': 'BlockBlob' },
          body: 'x'
        })
      ).status
    ).toBe(403);
    const readUrlPut = await http(url, { method: 'PUT', headers: { 'x-ms-blob-type': 'BlockBlob' }, body: 'x' });
    expect(readUrlPut.headers['x-ms-error-code']).toBe('AuthorizationPermissionMismatch');
    const uploadUrl = await reserve('third');
    expect((await http(uploadUrl)).headers['x-ms-error-code']).toBe('AuthorizationPermissionMismatch');
  });

  test('403 AuthenticationFailed on the first download revokes that URL; a reload works', async () => {
    emu.failNext('blob.get', 1, { authenticationFailed: true });
    const first = await http(url);
    expect(first.status).toBe(403);
    expect(first.headers['x-ms-error-code']).toBe('AuthenticationFailed');
    expect((await http(url)).status).toBe(403);
    const reloaded = (await lookup(emu, token, 'ranged')).json.signed_download_url as string;
    expect(reloaded).not.toBe(url);
    expect((await http(reloaded)).text).toBe('0123456789');
  });

  test('truncated download: full Content-Length announced, connection cut early', async () => {
    emu.failNext('blob.get', 1, { truncate: 4 });
    await expect(http(url)).rejects.toThrow();
    expect(emu.requests.at(-1)).toMatchObject({ route: 'blob.get', status: 0, fault: { truncate: 4 } });
    expect((await http(url)).text).toBe('0123456789');
  });

  test('deleteBlobData keeps the entry (lookup hits) but the blob is gone; other entries still download', async () => {
    await saveEntry(emu, token, 'kept', 'still here');
    expect(emu.deleteBlobData('ranged')).toBe(1);
    expect(emu.entries().find((e) => e.key === 'ranged')).toMatchObject({ committed: true, hasData: false });
    const hit = await lookup(emu, token, 'ranged');
    expect(hit.json.ok).toBe(true);
    const gone = await http(hit.json.signed_download_url as string);
    expect(gone.status).toBe(404);
    expect(gone.headers['x-ms-error-code']).toBe('BlobNotFound');
    expect((await http((await lookup(emu, token, 'kept')).json.signed_download_url as string)).text).toBe('still here');
  });

  test('deleteEntry (an eviction) makes an outstanding URL answer BlobNotFound', async () => {
    expect(emu.deleteEntry(1)).toBe(true);
    expect(emu.deleteEntry(1)).toBe(false);
    expect((await http(url)).headers['x-ms-error-code']).toBe('BlobNotFound');
  });
});
