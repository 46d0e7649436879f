/**
 * The REST cache management API through @actions/github (octokit) with the retry and throttling plugins:
 * usage, the storage limit, the full listing and deletion by id. Every call returns a typed result instead of
 * throwing, so the caller can warn once about a missing `actions: read|write` grant and carry on.
 * The base URL is GITHUB_API_URL (the runtime's `apiUrl`), so tests point it at the emulator.
 */
import { getOctokit } from '@actions/github';
import { defaults as githubDefaults } from '@actions/github/lib/utils';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import type { CacheEntry } from '../../budget/prune.js';
import type { Listing } from '../../budget/state.js';

export type { Listing };

export type RestFailureKind = 'forbidden' | 'unauthorized' | 'not-found' | 'rate-limited' | 'error';

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
  /** Retries of 5xx and network failures (the retry plugin); default 3. */
  retries?: number;
  /** The retry plugin's base delay (it grows with the square of the attempt); default 1000 ms. */
  retryBaseMs?: number;
  /** Octokit's throttling (writes spaced 1 s apart, as GitHub asks); default true. Benchmarks may turn it off. */
  throttle?: boolean;
  /** Wait for a primary or secondary rate limit reset only when it is at most this long; default 60 s. */
  maxRateLimitWaitSeconds?: number;
  /** Per-request timeout; default 30 s. */
  timeoutMs?: number;
  /** Listing pages read at once after the first; default 4 (octokit's throttling allows 10 in flight). */
  pageConcurrency?: number;
  /** Debug lines (retries, rate limits). */
  debug?: (message: string) => void;
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
   * (src/budget/deletes.ts), which spaces and retries deletes within GitHub's limits.
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

const PER_PAGE = 100;
const MAX_PAGES = 1000;

type Fetch = typeof globalThis.fetch;

function toEntry(c: ApiCache): CacheEntry | undefined {
  if (typeof c.id !== 'number' || typeof c.key !== 'string' || typeof c.ref !== 'string') return undefined;
  const createdAt = Date.parse(c.created_at ?? '') || 0;
  const lastAccessedAt = Date.parse(c.last_accessed_at ?? '') || createdAt;
  return { id: c.id, key: c.key, ref: c.ref, size: c.size_in_bytes ?? 0, createdAt, lastAccessedAt, ...(c.version ? { version: c.version } : {}) };
}

/** `retry-after` in seconds or as an HTTP date, else the primary limit's reset when none is left; in ms. */
export function retryAfterMs(headers: Record<string, string | undefined> | undefined, now = Date.now()): number | undefined {
  const after = headers?.['retry-after'];
  if (after !== undefined && after.trim() !== '') {
    const seconds = Number(after);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const date = Date.parse(after);
    if (Number.isFinite(date)) return Math.max(0, date - now);
  }
  const reset = Number(headers?.['x-ratelimit-reset']);
  if (headers?.['x-ratelimit-remaining'] === '0' && Number.isFinite(reset)) return Math.max(0, reset * 1000 - now);
  return undefined;
}

/** An octokit error (or anything thrown) → a typed failure. */
export function restFailure(error: unknown, now = Date.now()): RestFailure {
  const e = error as { status?: unknown; message?: unknown; response?: { headers?: Record<string, string | undefined> } };
  const status = typeof e?.status === 'number' ? e.status : undefined;
  const message = typeof e?.message === 'string' ? e.message : String(error);
  const remaining = e?.response?.headers?.['x-ratelimit-remaining'];
  const kind: RestFailureKind =
    status === 429 || (status === 403 && (remaining === '0' || /rate limit/i.test(message))) ? 'rate-limited'
    : status === 403 ? 'forbidden'
    : status === 401 ? 'unauthorized'
    : status === 404 ? 'not-found'
    : 'error';
  const wait = kind === 'rate-limited' ? retryAfterMs(e?.response?.headers, now) : undefined;
  return { ok: false, kind, ...(status !== undefined ? { status } : {}), message, ...(wait !== undefined ? { retryAfterMs: wait } : {}) };
}

export function createCacheRest(options: CacheRestOptions): CacheRest {
  const [owner, repo] = options.repository.split('/');
  if (!owner || !repo) throw new Error(`repository "${options.repository}" is not owner/repo`);
  const pageConcurrency = Math.max(1, options.pageConcurrency ?? 4);
  const { octokit, direct, calls } = clientsFor(options);

  async function attempt<T>(work: () => Promise<T>): Promise<RestResult<T>> {
    try {
      return { ok: true, value: await work() };
    } catch (error) {
      return restFailure(error);
    }
  }

  return {
    get calls() {
      return calls();
    },

    usage: () =>
      attempt(async () => {
        const { data } = await octokit.rest.actions.getActionsCacheUsage({ owner, repo });
        return { bytes: data.active_caches_size_in_bytes, count: data.active_caches_count };
      }),

    async storageLimitGb() {
      const r = await attempt(async () => {
        const { data } = await octokit.request('GET /repos/{owner}/{repo}/actions/cache/storage-limit', { owner, repo });
        return (data as { max_cache_size_gb?: unknown }).max_cache_size_gb;
      });
      return r.ok && typeof r.value === 'number' && r.value > 0 ? r.value : undefined;
    },

    listAll: (filter = {}) => attempt(() => listEntries(octokit, { owner, repo }, filter, pageConcurrency)),

    async deleteById(id) {
      const r = await attempt(() => direct.rest.actions.deleteActionsCacheById({ owner, repo, cache_id: id }));
      if (r.ok) return { ok: true, value: 'deleted' };
      return r.kind === 'not-found' ? { ok: true, value: 'gone' } : r;
    },

    runJobs: (runId) =>
      attempt(async () => {
        const jobs: Array<{ name: string; status: string }> = [];
        for (let page = 1; page <= 10; page++) {
          const { data } = await octokit.rest.actions.listJobsForWorkflowRun({ owner, repo, run_id: Number(runId), filter: 'latest', per_page: PER_PAGE, page });
          for (const job of data.jobs) jobs.push({ name: job.name, status: job.status });
          if (data.jobs.length < PER_PAGE) break;
        }
        return jobs;
      }),

    openPullRequests: () =>
      attempt(async () => {
        const numbers: number[] = [];
        for (let page = 1; page <= MAX_PAGES; page++) {
          const { data } = await octokit.rest.pulls.list({ owner, repo, state: 'open', per_page: PER_PAGE, page });
          for (const pr of data) numbers.push(pr.number);
          if (data.length < PER_PAGE) break;
        }
        return numbers;
      })
  };
}

type Octokit = ReturnType<typeof getOctokit>;

/**
 * The two octokit clients over one call-counting fetch: one with the retry and throttling plugins for reads,
 * and `direct` for deletes.
 */
function clientsFor(options: CacheRestOptions): { octokit: Octokit; direct: Octokit; calls: () => number } {
  const debug = options.debug ?? (() => undefined);
  const maxWait = options.maxRateLimitWaitSeconds ?? 60;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const baseFetch: Fetch = (githubDefaults.request?.fetch as Fetch | undefined) ?? globalThis.fetch;
  let calls = 0;
  const countingFetch: Fetch = (input, init) => {
    calls++;
    return baseFetch(input, { ...init, signal: init?.signal ?? AbortSignal.timeout(timeoutMs) });
  };
  const onLimit = (kind: string) => (retryAfter: number, opts: { method?: string; url?: string }, _octokit: unknown, retryCount: number) => {
    const again = retryCount < 1 && retryAfter <= maxWait;
    debug(`${kind} rate limit on ${opts.method ?? ''} ${opts.url ?? ''}: ${again ? `retrying in ${retryAfter} s` : 'giving up'}`);
    return again;
  };
  const octokit = getOctokit(
    options.token,
    {
      baseUrl: options.apiUrl.replace(/\/+$/, ''),
      request: { fetch: countingFetch },
      retry: { retries: options.retries ?? 3, retryAfterBaseValue: options.retryBaseMs ?? 1000 },
      throttle:
        options.throttle === false
          ? { enabled: false }
          : { onRateLimit: onLimit('primary'), onSecondaryRateLimit: onLimit('secondary'), retryAfterBaseValue: options.retryBaseMs ?? 1000 },
      log: { debug: () => undefined, info: () => undefined, warn: debug, error: debug }
    },
    retry,
    throttling
  );

  // Deletes bypass the throttling plugin (it spaces writes a second apart) and the retry plugin (it waits on
  // its own): runDeletes paces them within GitHub's limits and honours retry-after itself.
  const direct = getOctokit(options.token, {
    baseUrl: options.apiUrl.replace(/\/+$/, ''),
    request: { fetch: countingFetch, retries: 0 },
    log: { debug: () => undefined, info: () => undefined, warn: debug, error: debug }
  });

  return { octokit, direct, calls: () => calls };
}

/** Every cache entry (or those of one key or ref), read page by page, and whether the listing held still. */
async function listEntries(octokit: Octokit, where: { owner: string; repo: string }, filter: { key?: string; ref?: string }, pageConcurrency: number): Promise<Listing> {
  const { owner, repo } = where;
    const byId = new Map<number, CacheEntry>();
    const totals: number[] = [];
    const fetchPage = async (page: number) => {
      const { data } = await octokit.rest.actions.getActionsCacheList({
        owner, repo, per_page: PER_PAGE, page, sort: 'created_at', direction: 'asc',
        ...(filter.key ? { key: filter.key } : {}),
        ...(filter.ref ? { ref: filter.ref } : {})
      });
      totals.push(data.total_count);
      const items = data.actions_caches ?? [];
      for (const item of items) {
        const entry = toEntry(item as ApiCache);
        if (entry) byId.set(entry.id, entry);
      }
      return items.length;
    };
    // Page 1 tells how many pages there are; the rest are read a few at a time.
    const firstCount = await fetchPage(1);
    const firstTotal = totals[0];
    const pagesFromTotal = Math.min(MAX_PAGES, Math.max(1, Math.ceil(firstTotal / PER_PAGE)));
    let pages = 1;
    let lastCount = firstCount;
    const queue = Array.from({ length: pagesFromTotal - 1 }, (_, i) => i + 2);
    await Promise.all(
      Array.from({ length: Math.min(pageConcurrency, queue.length) }, async () => {
        for (let page = queue.shift(); page !== undefined; page = queue.shift()) {
          const count = await fetchPage(page);
          pages++;
          if (page === pagesFromTotal) lastCount = count;
        }
      })
    );
    // Entries written meanwhile land after the last page: follow them while pages come back full.
    for (let page = pagesFromTotal + 1; lastCount === PER_PAGE && page <= MAX_PAGES && (page - 1) * PER_PAGE < Math.max(...totals); page++) {
      lastCount = await fetchPage(page);
      pages++;
    }
    const entries = [...byId.values()].sort((a, b) => a.createdAt - b.createdAt || a.id - b.id);
    // Entries deleted meanwhile shift later ones onto pages already read: some may have been skipped.
    const complete = totals.every((t) => t >= firstTotal) && entries.length >= firstTotal;
    return { entries, pages, totalCount: Math.max(...totals), complete };
}
