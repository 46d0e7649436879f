/** Tiny node:http client for emulator tests (no keep-alive, raw bytes, full control over headers). */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { TWIRP_PREFIX, type Emulator } from '../support/emulator/index.js';

export interface HttpResult {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
  json: Record<string, unknown>;
}

export interface HttpOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  timeoutMs?: number;
}

export function http(url: string, options: HttpOptions = {}): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const body = options.body === undefined ? undefined : Buffer.from(options.body);
    const req = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('aborted', () => reject(new Error('response aborted')));
      res.on('end', () => {
        const buf = Buffer.concat(chunks);
        const text = buf.toString('utf8');
        let parsed: Record<string, unknown> = {};
        try {
          parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
        } catch {
          parsed = {};
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: buf, text, json: parsed });
      });
    });
    if (options.timeoutMs !== undefined) {
      req.setTimeout(options.timeoutMs, () => req.destroy(new Error('client timeout')));
    }
    req.on('error', reject);
    req.end(body);
  });
}

export function twirp(
  emu: Emulator,
  method: string,
  token: string | undefined,
  body: unknown,
  timeoutMs?: number
): Promise<HttpResult> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  return http(`${emu.url}${TWIRP_PREFIX}${method}`, { method: 'POST', headers, body: JSON.stringify(body), timeoutMs });
}

export function rest(emu: Emulator, method: string, path: string, token?: string): Promise<HttpResult> {
  const headers: Record<string, string> = {
    accept: 'application/vnd.github+json',
    'x-github-api-version': '2022-11-28'
  };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  return http(`${emu.apiUrl}${path}`, { method, headers });
}

export const VERSION = 'v1-test-version';

/** create → Put Blob → finalize; returns the finalize response and the upload URL. */
export async function saveEntry(
  emu: Emulator,
  token: string,
  key: string,
  data: string | Buffer,
  version = VERSION
): Promise<{ entryId: string; uploadUrl: string }> {
  const created = await twirp(emu, 'CreateCacheEntry', token, { key, version });
  if (created.status !== 200 || created.json.ok !== true)
    throw new Error(`create ${key} failed: ${created.status} ${created.text}`);
  const uploadUrl = created.json.signed_upload_url as string;
  const put = await http(uploadUrl, { method: 'PUT', headers: { 'x-ms-blob-type': 'BlockBlob' }, body: data });
  if (put.status !== 201) throw new Error(`upload ${key} failed: ${put.status} ${put.text}`);
  const fin = await twirp(emu, 'FinalizeCacheEntryUpload', token, {
    key,
    version,
    size_bytes: String(Buffer.byteLength(data))
  });
  if (fin.json.ok !== true) throw new Error(`finalize ${key} failed: ${fin.text}`);
  return { entryId: fin.json.entry_id as string, uploadUrl };
}

export async function lookup(
  emu: Emulator,
  token: string,
  key: string,
  restoreKeys: string[] = [],
  version = VERSION
): Promise<HttpResult> {
  return twirp(emu, 'GetCacheEntryDownloadURL', token, { key, restore_keys: restoreKeys, version });
}

/** Typical `ac` claims (see the reference's scope table). */
export const scopes = {
  main: [{ Scope: 'refs/heads/main', Permission: 3 }],
  feature: (branch: string) => [
    { Scope: `refs/heads/${branch}`, Permission: 3 },
    { Scope: 'refs/heads/main', Permission: 1 }
  ],
  pr: (n: number, base = 'main') => [
    { Scope: `refs/pull/${n}/merge`, Permission: 3 },
    ...(base === 'main' ? [] : [{ Scope: `refs/heads/${base}`, Permission: 1 }]),
    { Scope: 'refs/heads/main', Permission: 1 }
  ],
  readOnlyMain: [{ Scope: 'refs/heads/main', Permission: 1 }]
};
