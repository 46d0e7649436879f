/**
 * The data plane through the real @azure/storage-blob client (the one @actions/cache 6.3.0 bundles as a dependency):
 * block uploads (Put Block + Put Block List) and ranged, parallel downloads (HEAD + x-ms-range GETs).
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { BlockBlobClient } from '@azure/storage-blob';
import { startEmulator, type Emulator } from '../support/emulator/index.js';
import { lookup, scopes, twirp, VERSION } from './client.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(() => emu.close());

const MIB = 1024 * 1024;

test('staged blocks, a committed block list and ranged downloads via the Azure SDK', async () => {
  const token = emu.mintToken(scopes.main);
  const data = randomBytes(3 * MIB + 12345);
  const created = await twirp(emu, 'CreateCacheEntry', token, { key: 'sdk-blocks', version: VERSION });
  const uploader = new BlockBlobClient(created.json.signed_upload_url as string);
  expect([uploader.accountName, uploader.containerName, uploader.name]).toEqual([
    'emulatoraccount',
    'actions-cache',
    'cache-entry-1'
  ]);
  const uploaded = await uploader.uploadData(data, { blockSize: MIB, maxSingleShotSize: MIB, concurrency: 2 });
  expect(uploaded._response.status).toBe(201);
  const puts = emu.requests.filter((r) => r.route === 'blob.put');
  expect(puts.filter((r) => r.query.includes('comp=block&') || r.query.endsWith('comp=block'))).toHaveLength(4);
  expect(puts.filter((r) => r.query.includes('comp=blocklist'))).toHaveLength(1);

  const fin = await twirp(emu, 'FinalizeCacheEntryUpload', token, {
    key: 'sdk-blocks',
    version: VERSION,
    size_bytes: data.length
  });
  expect(fin.json.ok).toBe(true);
  expect(emu.blobData(1)?.equals(data)).toBe(true);

  const downloader = new BlockBlobClient((await lookup(emu, token, 'sdk-blocks')).json.signed_download_url as string);
  const properties = await downloader.getProperties();
  expect(properties.contentLength).toBe(data.length);
  expect(properties.requestId).toMatch(/^[0-9a-f-]{36}$/);
  const whole = await downloader.downloadToBuffer(0, undefined, { blockSize: MIB, concurrency: 2 });
  expect(whole.equals(data)).toBe(true);
  const slice = await downloader.downloadToBuffer(MIB - 10, 20);
  expect(slice.equals(data.subarray(MIB - 10, MIB + 10))).toBe(true);
  const ranged = emu.requests.filter((r) => r.route === 'blob.get' && r.status === 206);
  expect(ranged.length).toBeGreaterThanOrEqual(5);
  expect(
    ranged.every((r) => typeof r.headers['x-ms-range'] === 'string' && r.headers['x-ms-version'] !== undefined)
  ).toBe(true);
});
