/**
 * The REST cache management API: usage, the storage limit, the full listing and deletion by id, the run's jobs
 * and the open pull requests. A handful of GET and DELETE requests on the one HTTP client (../http/client.ts) with
 * the one retry policy (src/http/retry.ts: 5xx, network errors and rate limits — `retry-after`, or the primary
 * limit's reset, when it is at most `maxRateLimitWaitSeconds` away). No octokit: loading it cost a job more than
 * a REST round trip (issue 13), and these few routes need nothing of it. Every call returns a typed result
 * instead of throwing, so the caller can warn once about a missing `actions: read|write` grant and carry on, and
 * every answer is checked before it is used. The base URL is GITHUB_API_URL (the runtime's `apiUrl`: github.com,
 * GHES's `/api/v3`, or the emulator in tests).
 */
import type { CacheEntry } from '../../budget/generations.js';
import type { Listing } from '../../budget/ledger.js';
import { POLICIES } from '../../http/policies.js';
import { isRateLimited, retryAfterMs, type RetryPolicy } from '../../http/retry.js';
import { ms } from '../deadlines.js';
import { type Answer, GITHUB_JSON, Http, ONCE, type Parsed, type Service } from '../http/client.js';
import { drain } from '../pool.js';

export { retryAfterMs };
export type { Listing };

/** `down`: the API went silent (or failed every attempt) earlier in this job, and was not asked (io/deadlines.ts). */
export type RestFailureKind = 'forbidden' | 'unauthorized' | 'not-found' | 'rate-limited' | 'down' | 'error';

export interface RestFailure {
  ok: false;
  kind: RestFailureKind;
  status?: number;
  message: string;
  /** How long GitHub asked to wait (`retry-after`, or the primary limit's reset), for a rate-limited answer. */
  retryAfterMs?: number;
}

export type RestResult<T> = { ok: true; value: T } | RestFailure;

export interface CacheRestOptions {
  token: string;
  /** GITHUB_API_URL. */
  apiUrl: string;
  /** `owner/repo`. */
  repository: string;
  /** Retries of a retryable answer (src/http/retry.ts: 5xx, network errors, rate limits); default POLICIES.rest's. */
  retries?: number;
  /** The wait after the first failure, doubling after each further one; default POLICIES.rest's. */
  retryBaseMs?: number;
  /** Wait for a primary or secondary rate limit reset only when it is at most this long; default POLICIES.rateLimit's. */
  maxRateLimitWaitSeconds?: number;
  /** Per-request deadline; default POLICIES.rest's. */
  timeoutMs?: number;
  /** Listing pages read at once after the first; default POLICIES.concurrency.listingPages. */
  pageConcurrency?: number;
  /** Debug lines (retries, rate limits). */
  debug?: (message: string) => void;
  /** The HTTP client (tests hand one in with their clock or transport); default a new one. */
  http?: Http;
}

export interface CacheRest {
  /** HTTP requests sent so far, retries included. */
  readonly calls: number;
  usage(): Promise<RestResult<{ bytes: number; count: number }>>;
  /** The repository's cache storage limit in GB, or undefined when the token cannot read it (or GHES). */
  storageLimitGb(): Promise<number | undefined>;
  /** Every page (100 a page, oldest first, so entries written meanwhile land on later pages), a few at a time. */
  listAll(filter?: { key?: string; ref?: string }): Promise<RestResult<Listing>>;
  /**
   * `gone` when the entry no longer exists (deleted or evicted since it was listed). Sent at once: no
   * throttling, no retry; a rate-limited answer comes back with `retryAfterMs` for the caller's scheduler
   * (./deletes.ts, runDeletes), which spaces and retries deletes within GitHub's limits.
   */
  deleteById(id: number): Promise<RestResult<'deleted' | 'gone'>>;
  /** Numbers of the open pull requests (needs `pull-requests: read`). */
  openPullRequests(): Promise<RestResult<number[]>>;
  /** The jobs of a workflow run, latest attempt (needs `actions: read`). */
  runJobs?(runId: string): Promise<RestResult<Array<{ name: string; status: string }>>>;
}

interface ApiCache {
  id?: number;
  ref?: string;
  key?: string;
  version?: string;
  size_in_bytes?: number;
  created_at?: string;
  last_accessed_at?: string;
}

/** How a warning names the REST API when it goes down, and what the action then goes without. */
const GITHUB_API: Service = {
  name: 'The GitHub API',
  without: 'the cache usage is not checked and nothing is pruned'
};

const PER_PAGE = 100;
const MAX_PAGES = 1000;

function toEntry(c: ApiCache): CacheEntry | undefined {
  if (typeof c.id !== 'number' || typeof c.key !== 'string' || typeof c.ref !== 'string') return undefined;
  const createdAt = Date.parse(c.created_at ?? '') || 0;
  const lastAccessedAt = Date.parse(c.last_accessed_at ?? '') || createdAt;
  return {
    id: c.id,
    key: c.key,
    ref: c.ref,
    size: c.size_in_bytes ?? 0,
    createdAt,
    lastAccessedAt,
    ...(c.version ? { version: c.version } : {})
  };
}

/** An error answer (`ApiError`), or anything thrown (a network failure), → a typed failure. */
export function restFailure(error: unknown, now = Date.now()): RestFailure {
  const e = error as {
    status?: unknown;
    code?: unknown;
    message?: unknown;
    response?: { headers?: Record<string, string | undefined> };
  };
  const status = typeof e?.status === 'number' ? e.status : undefined;
  const message = typeof e?.message === 'string' ? e.message : String(error);
  const headers = e?.response?.headers;
  const kind: RestFailureKind = isRateLimited({ ...(status !== undefined ? { status } : {}), headers, message })
    ? 'rate-limited'
    : status === 403
      ? 'forbidden'
      : status === 401
        ? 'unauthorized'
        : status === 404
          ? 'not-found'
          : e?.code === 'ESERVICEDOWN'
            ? 'down'
            : 'error';
  const wait = kind === 'rate-limited' ? retryAfterMs(headers, now) : undefined;
  return {
    ok: false,
    kind,
    ...(status !== undefined ? { status } : {}),
    message,
    ...(wait !== undefined ? { retryAfterMs: wait } : {})
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;
/** What an answer that is not JSON looks like here: the client hands back the text. */
const notJson = (data: unknown) =>
  typeof data === 'string' ? `text, not JSON (${data.length} bytes)` : `not a JSON object`;

function parseUsage(data: unknown): Parsed<{ bytes: number; count: number }> {
  if (!isObject(data)) return { ok: false, reason: notJson(data) };
  const { active_caches_size_in_bytes: bytes, active_caches_count: count } = data;
  if (!isCount(bytes) || !isCount(count))
    return { ok: false, reason: 'without active_caches_size_in_bytes and active_caches_count' };
  return { ok: true, value: { bytes, count } };
}

/** One page of `GET …/actions/caches`: its total, how many items it held, and the entries among them that are well formed. */
function parseListPage(data: unknown): Parsed<{ totalCount: number; items: number; entries: CacheEntry[] }> {
  if (!isObject(data)) return { ok: false, reason: notJson(data) };
  const items = data.actions_caches ?? [];
  if (!isCount(data.total_count) || !Array.isArray(items))
    return { ok: false, reason: 'without total_count and actions_caches' };
  const entries = items.flatMap((item: unknown) => (isObject(item) ? (toEntry(item as ApiCache) ?? []) : []));
  return { ok: true, value: { totalCount: data.total_count, items: items.length, entries } };
}

const parseJobs = (data: unknown): Parsed<Array<{ name: string; status: string }>> => {
  const jobs = isObject(data) ? data.jobs : undefined;
  if (!Array.isArray(jobs)) return { ok: false, reason: isObject(data) ? 'without jobs' : notJson(data) };
  return {
    ok: true,
    value: jobs.filter(isObject).map((j) => ({ name: String(j.name ?? ''), status: String(j.status ?? '') }))
  };
};

const parsePulls = (data: unknown): Parsed<number[]> =>
  Array.isArray(data)
    ? {
        ok: true,
        value: data.flatMap((pr: unknown) => (isObject(pr) && typeof pr.number === 'number' ? [pr.number] : []))
      }
    : { ok: false, reason: notJson(data) };

/** A page whose answer did not parse: thrown inside `attempt` only, which turns it into a typed failure. */
class Unreadable extends Error {}
const must = <T>(what: string, r: Parsed<T>): T => {
  if (r.ok) return r.value;
  throw new Unreadable(`${what} answered ${r.reason}`);
};

export function createCacheRest(options: CacheRestOptions): CacheRest {
  const [owner, repo] = options.repository.split('/');
  if (!owner || !repo) throw new Error(`repository "${options.repository}" is not owner/repo`);
  const pageConcurrency = Math.max(1, options.pageConcurrency ?? POLICIES.concurrency.listingPages);
  const { api, direct, calls } = clientsFor(options);
  const repoPath = `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`;

  async function attempt<T>(work: () => Promise<T>): Promise<RestResult<T>> {
    try {
      return { ok: true, value: await work() };
    } catch (error) {
      return error instanceof Unreadable ? { ok: false, kind: 'error', message: error.message } : restFailure(error);
    }
  }

  return {
    get calls() {
      return calls();
    },

    usage: () =>
      attempt(async () =>
        must('GET actions/cache/usage', parseUsage(await api('GET', `${repoPath}/actions/cache/usage`)))
      ),

    async storageLimitGb() {
      const r = await attempt(async () => {
        const data = await api('GET', `${repoPath}/actions/cache/storage-limit`);
        return isObject(data) ? data.max_cache_size_gb : undefined;
      });
      return r.ok && typeof r.value === 'number' && r.value > 0 ? r.value : undefined;
    },

    listAll: (filter = {}) =>
      attempt(() => listEntries((query) => api('GET', `${repoPath}/actions/caches`, query), filter, pageConcurrency)),

    async deleteById(id) {
      const r = await attempt(() => direct('DELETE', `${repoPath}/actions/caches/${encodeURIComponent(String(id))}`));
      if (r.ok) return { ok: true, value: 'deleted' };
      return r.kind === 'not-found' ? { ok: true, value: 'gone' } : r;
    },

    runJobs: (runId) =>
      attempt(async () => {
        const jobs: Array<{ name: string; status: string }> = [];
        for (let page = 1; page <= 10; page++) {
          const data = await api('GET', `${repoPath}/actions/runs/${encodeURIComponent(runId)}/jobs`, {
            filter: 'latest',
            per_page: PER_PAGE,
            page
          });
          const got = must(`GET actions/runs/${runId}/jobs`, parseJobs(data));
          jobs.push(...got);
          if (got.length < PER_PAGE) break;
        }
        return jobs;
      }),

    openPullRequests: () =>
      attempt(async () => {
        const numbers: number[] = [];
        for (let page = 1; page <= MAX_PAGES; page++) {
          const data = await api('GET', `${repoPath}/pulls`, { state: 'open', per_page: PER_PAGE, page });
          const got = must('GET pulls', parsePulls(data));
          numbers.push(...got);
          if (!Array.isArray(data) || data.length < PER_PAGE) break;
        }
        return numbers;
      })
  };
}

/** One request of the REST API: its JSON answer (or its text, when it is not JSON); an error status throws `ApiError`. */
type Api = (method: 'GET' | 'DELETE', path: string, query?: Record<string, string | number>) => Promise<unknown>;

/** An error answer, with what restFailure reads of it: the status, GitHub's message and the headers (rate limits). */
class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly response: { headers: Record<string, string> }
  ) {
    super(message);
  }
}

/** GitHub's error text: its `message`, and the documentation address it names; else the body, else the status. */
function errorMessage(json: unknown, text: string, status: number): string {
  if (isObject(json) && typeof json.message === 'string')
    return typeof json.documentation_url === 'string' ? `${json.message} - ${json.documentation_url}` : json.message;
  return text.trim() ? text.trim().slice(0, 500) : `HTTP ${status}`;
}

/** One request and its answer, retried or not: a network failure throws. */
type Exchange = (method: string, url: string, headers: Record<string, string>) => Promise<Answer>;

/**
 * `Exchange` over the client, by `policy`: the answer that came, or, when a retryable status outlasted the attempts,
 * the last one (GitHub's error text and headers are read from it); a network failure that outlasts them is thrown,
 * with the reason and the error's code.
 */
const exchangeOver =
  (http: Http, policy: RetryPolicy): Exchange =>
  async (method, url, headers) => {
    const reply = await http.request(method, url, { headers, policy });
    if (reply.ok) return reply.value;
    if (reply.answer) return reply.answer;
    throw Object.assign(new Error(reply.reason), { code: reply.failure.code });
  };

function apiOver(send: Exchange, baseUrl: string, token: string): Api {
  // The client adds its user agent.
  const headers = { ...GITHUB_JSON, authorization: `token ${token}` };
  return async (method, path, query = {}) => {
    const url = new URL(baseUrl + path);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, String(v));
    const res = await send(method, url.toString(), headers);
    const text = res.body;
    let json: unknown;
    if (/\bjson\b/i.test(res.headers.get('content-type') ?? '') && text) {
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined; // handed back as text: the caller's check says it is not JSON
      }
    }
    if (res.status >= 400)
      throw new ApiError(errorMessage(json, text, res.status), res.status, {
        headers: Object.fromEntries(res.headers)
      });
    return json ?? text;
  };
}

/**
 * Two request functions over the one HTTP client: `api` retries by the policy (reads), `direct` sends once
 * (deletes: runDeletes paces them within GitHub's limits and honours retry-after itself).
 */
function clientsFor(options: CacheRestOptions): { api: Api; direct: Api; calls: () => number } {
  const debug = options.debug ?? (() => undefined);
  const http =
    options.http ?? new Http({ timeoutMs: options.timeoutMs ?? ms(POLICIES.rest.requestMs), service: GITHUB_API });
  const sent = http.calls;
  const policy: RetryPolicy = {
    attempts: (options.retries ?? POLICIES.rest.attempts - 1) + 1,
    backoffMs: options.retryBaseMs ?? POLICIES.rest.backoffMs,
    maxWaitMs:
      options.maxRateLimitWaitSeconds !== undefined
        ? options.maxRateLimitWaitSeconds * 1000
        : POLICIES.rateLimit.maxWaitMs,
    onRetry: (n, f) => debug(`${f.message} (attempt ${n}); trying again`)
  };
  const baseUrl = options.apiUrl.replace(/\/+$/, '');
  return {
    api: apiOver(exchangeOver(http, policy), baseUrl, options.token),
    direct: apiOver(exchangeOver(http, ONCE), baseUrl, options.token),
    calls: () => http.calls - sent
  };
}

/** Every cache entry (or those of one key or ref), read page by page, and whether the listing held still. */
async function listEntries(
  get: (query: Record<string, string | number>) => Promise<unknown>,
  filter: { key?: string; ref?: string },
  pageConcurrency: number
): Promise<Listing> {
  const byId = new Map<number, CacheEntry>();
  const totals: number[] = [];
  const fetchPage = async (page: number) => {
    const data = await get({
      per_page: PER_PAGE,
      page,
      sort: 'created_at',
      direction: 'asc',
      ...(filter.key ? { key: filter.key } : {}),
      ...(filter.ref ? { ref: filter.ref } : {})
    });
    const read = must(`GET actions/caches page ${page}`, parseListPage(data));
    totals.push(read.totalCount);
    for (const entry of read.entries) byId.set(entry.id, entry);
    return read.items;
  };
  // Page 1 tells how many pages there are; the rest are read a few at a time.
  const firstCount = await fetchPage(1);
  const firstTotal = totals[0];
  const pagesFromTotal = Math.min(MAX_PAGES, Math.max(1, Math.ceil(firstTotal / PER_PAGE)));
  let pages = 1;
  let lastCount = firstCount;
  await drain(
    Array.from({ length: pagesFromTotal - 1 }, (_, i) => i + 2),
    pageConcurrency,
    async (page) => {
      const count = await fetchPage(page);
      pages++;
      if (page === pagesFromTotal) lastCount = count;
    }
  );
  // Entries written meanwhile land after the last page: follow them while pages come back full.
  for (
    let page = pagesFromTotal + 1;
    lastCount === PER_PAGE && page <= MAX_PAGES && (page - 1) * PER_PAGE < Math.max(...totals);
    page++
  ) {
    lastCount = await fetchPage(page);
    pages++;
  }
  const entries = [...byId.values()].sort((a, b) => a.createdAt - b.createdAt || a.id - b.id);
  // Entries deleted meanwhile shift later ones onto pages already read: some may have been skipped.
  const complete = totals.every((t) => t >= firstTotal) && entries.length >= firstTotal;
  return { entries, pages, totalCount: Math.max(...totals), complete };
}
