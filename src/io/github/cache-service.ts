/**
 * A small client of the GitHub cache service v2 (twirp JSON) and its block-blob data plane, on the one HTTP
 * client (io/http/client.ts) and its retry policy: look an entry up by key and restore keys
 * (GetCacheEntryDownloadURL), download it, and write one (CreateCacheEntry, one Put Blob of the bytes,
 * FinalizeCacheEntryUpload). Every answer is a result with its reason, never a throw. The runtime token goes only into the Authorization header,
 * and a signed URL only into the request it signs: neither is ever part of a message.
 */
import { POLICIES } from '../../http/policies.js';
import { ms } from '../deadlines.js';
import { Http, parseJson, type Parsed, type RetryPolicy, type Service } from '../http/client.js';

/** How a warning names the cache service when it goes down, and what the action then goes without. */
const CACHE_SERVICE: Service = {
  name: 'The GitHub cache service',
  without:
    'earlier indexes are not read (the export is not sized from them, a prune keeps every blob) and the hit-ratio history is not kept'
};

/** The client of the cache service: its deadline and service. */
export const cacheServiceHttp = (): Http =>
  new Http({ timeoutMs: ms(POLICIES.cacheService.requestMs), service: CACHE_SERVICE });

const SERVICE = 'twirp/github.actions.results.api.v1.CacheService/';
/** The Azure Blob API version the data-plane requests declare (what @actions/cache's SDK sends). */
const BLOB_API_VERSION = '2024-11-04';

export interface CacheServiceOptions {
  /** ACTIONS_RUNTIME_TOKEN. */
  token: string;
  /** ACTIONS_RESULTS_URL. */
  resultsUrl: string;
  /** Attempts per request on a retryable answer (src/http/retry.ts); default POLICIES.cacheService's. */
  attempts?: number;
  backoffMs?: number;
  /** The HTTP client (tests hand one in with their clock or transport); default cacheServiceHttp(). */
  http?: Http;
}

export type Lookup =
  | { status: 'hit'; matchedKey: string; /** Signed: never print it. */ url: string }
  /** No finalized entry of this version matches on a readable ref. */
  | { status: 'miss' }
  | { status: 'failed'; reason: string };

export type Download =
  | { status: 'ok'; body: string }
  /** The signed URL was refused (401/403, an expired signature): ask for a fresh one. */
  | { status: 'expired' }
  | { status: 'failed'; reason: string };

export type Write =
  | { status: 'saved'; entryId: string; size: number }
  /** The key (with this version) is already reserved or written on the run's ref: entries are immutable. */
  | { status: 'exists'; reason: string }
  /** The service refused the write (`cache write denied: …`, a reservation race, a finalize refused). */
  | { status: 'refused'; reason: string }
  | { status: 'failed'; reason: string };

type Fields = Record<string, unknown>;

const isObject = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown) => (typeof v === 'string' ? v : '');
/** A twirp error body `{code, msg}` (or `message`), else the start of the body. */
function twirpReason(body: string): { code?: string; message: string } {
  const parsed = parseJson(body.replace(/^\uFEFF/, ''), (v): Parsed<Fields> =>
    isObject(v) ? { ok: true, value: v } : { ok: false, reason: 'not an object' }
  );
  if (!parsed.ok) return { message: body.slice(0, 200) };
  return {
    code: text(parsed.value.code) || undefined,
    message: (text(parsed.value.msg) || text(parsed.value.message)).slice(0, 200)
  };
}

export class CacheService {
  private readonly http: Http;
  private readonly base: string;
  private readonly policy: RetryPolicy;

  constructor(private readonly options: CacheServiceOptions) {
    this.http = options.http ?? cacheServiceHttp();
    this.base = options.resultsUrl.endsWith('/') ? options.resultsUrl : `${options.resultsUrl}/`;
    this.policy = {
      attempts: options.attempts ?? POLICIES.cacheService.attempts,
      backoffMs: options.backoffMs ?? POLICIES.cacheService.backoffMs
    };
  }

  /** HTTP requests sent through this client's Http so far (every attempt). */
  get calls(): number {
    return this.http.calls;
  }

  /** One twirp call: a 200 body that is a JSON object, or why not (the twirp error's code kept). */
  private async twirp(
    method: string,
    request: Fields
  ): Promise<{ ok: true; body: Fields } | { ok: false; reason: string; code?: string; status?: number }> {
    const r = await this.http.request('POST', `${this.base}${SERVICE}${method}`, {
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.options.token}` },
      body: JSON.stringify(request),
      policy: this.policy,
      label: method
    });
    if (!r.ok) return { ok: false, reason: r.reason };
    const { status, body } = r.value;
    if (status !== 200) {
      const e = twirpReason(body);
      return {
        ok: false,
        status,
        code: e.code,
        reason: `${method} answered ${status}${e.message ? `: ${e.message}` : ''}`
      };
    }
    const parsed = parseJson(body, (v): Parsed<Fields> =>
      isObject(v) ? { ok: true, value: v } : { ok: false, reason: 'not a JSON object' }
    );
    return parsed.ok
      ? { ok: true, body: parsed.value }
      : { ok: false, reason: `${method} answered 200 with a body that is ${parsed.reason}` };
  }

  /**
   * The entry the service restores for `key` then `restoreKeys` (each exact, then as a prefix, newest first; own
   * ref first, then the refs the token may read), in `version`.
   */
  async lookup(key: string, restoreKeys: readonly string[], version: string): Promise<Lookup> {
    const r = await this.twirp('GetCacheEntryDownloadURL', { key, restore_keys: [...restoreKeys], version });
    if (!r.ok) return { status: 'failed', reason: r.reason };
    if (r.body.ok !== true) return { status: 'miss' };
    const url = r.body.signed_download_url;
    if (typeof url !== 'string')
      return { status: 'failed', reason: 'GetCacheEntryDownloadURL answered ok without a signed_download_url' };
    if (!url) return { status: 'miss' };
    const matchedKey = text(r.body.matched_key) || key;
    return { status: 'hit', matchedKey, url };
  }

  /** The body of a signed download URL. The URL is never named: its query is the signature. */
  async download(url: string): Promise<Download> {
    const label = 'the signed download URL';
    const r = await this.http.request('GET', url, {
      headers: { 'x-ms-version': BLOB_API_VERSION },
      policy: this.policy,
      label
    });
    if (!r.ok) return { status: 'failed', reason: r.reason };
    const { status, body } = r.value;
    if (status === 401 || status === 403) return { status: 'expired' };
    if (status < 200 || status >= 300) return { status: 'failed', reason: `${label} answered ${status}` };
    return { status: 'ok', body };
  }

  /**
   * Looks up and downloads; a signed URL refused as expired is asked for again, once (as BuildKit ≥ v0.23.2 does).
   * `exact`: only an entry of this very key counts (a prefix match on another key is a miss).
   */
  async read(
    key: string,
    restoreKeys: readonly string[],
    o: { version: string; exact?: boolean }
  ): Promise<{ status: 'ok'; key: string; body: string } | { status: 'miss' } | { status: 'failed'; reason: string }> {
    for (let round = 0; round < 2; round++) {
      const found = await this.lookup(key, restoreKeys, o.version);
      if (found.status !== 'hit') return found;
      if (o.exact && found.matchedKey !== key) return { status: 'miss' };
      const got = await this.download(found.url);
      if (got.status === 'failed') return got;
      if (got.status === 'ok') return { status: 'ok', key: found.matchedKey, body: got.body };
    }
    return { status: 'failed', reason: 'the signed download URL was refused twice' };
  }

  /** Writes one entry: reserve the key, PUT the bytes as one block blob, finalize with the size. */
  async write(key: string, version: string, body: string): Promise<Write> {
    const created = await this.twirp('CreateCacheEntry', { key, version });
    if (!created.ok)
      return created.code === 'already_exists' || created.status === 409
        ? { status: 'exists', reason: created.reason }
        : { status: 'failed', reason: created.reason };
    if (created.body.ok !== true)
      return {
        status: 'refused',
        reason: `CreateCacheEntry refused: ${text(created.body.message).slice(0, 200) || 'no reason given'}`
      };
    const url = created.body.signed_upload_url;
    if (typeof url !== 'string' || !url)
      return { status: 'failed', reason: 'CreateCacheEntry answered ok without a signed_upload_url' };
    const size = Buffer.byteLength(body);
    const label = 'the signed upload URL';
    const put = await this.http.request('PUT', url, {
      headers: {
        'x-ms-blob-type': 'BlockBlob',
        'x-ms-version': BLOB_API_VERSION,
        'content-type': 'application/octet-stream'
      },
      body,
      policy: this.policy,
      label
    });
    if (!put.ok) return { status: 'failed', reason: put.reason };
    if (put.value.status !== 201 && put.value.status !== 200)
      return { status: 'failed', reason: `${label} answered ${put.value.status}` };
    const done = await this.twirp('FinalizeCacheEntryUpload', { key, version, size_bytes: String(size) });
    if (!done.ok) return { status: 'failed', reason: done.reason };
    if (done.body.ok !== true)
      return {
        status: 'refused',
        reason: `FinalizeCacheEntryUpload refused: ${text(done.body.message).slice(0, 200) || 'no reason given'}`
      };
    return { status: 'saved', entryId: text(done.body.entry_id) || String(done.body.entry_id ?? ''), size };
  }
}
