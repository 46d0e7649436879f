export const id = 794;
export const ids = [794];
export const modules = {

/***/ 1794:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   createCacheRest: () => (/* binding */ createCacheRest)
/* harmony export */ });
/* unused harmony exports retryAfterMs, restFailure */
/* harmony import */ var _actions_github__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1351);
/* harmony import */ var _actions_github_lib_utils__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(5555);
/* harmony import */ var _octokit_plugin_retry__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(9735);
/* harmony import */ var _octokit_plugin_throttling__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(6856);
/**
 * The REST cache management API through @actions/github (octokit) with the retry and throttling plugins:
 * usage, the storage limit, the full listing and deletion by id. Every call returns a typed result instead of
 * throwing, so the caller can warn once about a missing `actions: read|write` grant and carry on.
 * The base URL is GITHUB_API_URL (the runtime's `apiUrl`), so tests point it at the emulator.
 */




const PER_PAGE = 100;
const MAX_PAGES = 1000;
function toEntry(c) {
    if (typeof c.id !== 'number' || typeof c.key !== 'string' || typeof c.ref !== 'string')
        return undefined;
    const createdAt = Date.parse(c.created_at ?? '') || 0;
    const lastAccessedAt = Date.parse(c.last_accessed_at ?? '') || createdAt;
    return { id: c.id, key: c.key, ref: c.ref, size: c.size_in_bytes ?? 0, createdAt, lastAccessedAt, ...(c.version ? { version: c.version } : {}) };
}
/** `retry-after` in seconds or as an HTTP date, else the primary limit's reset when none is left; in ms. */
function retryAfterMs(headers, now = Date.now()) {
    const after = headers?.['retry-after'];
    if (after !== undefined && after.trim() !== '') {
        const seconds = Number(after);
        if (Number.isFinite(seconds))
            return Math.max(0, seconds * 1000);
        const date = Date.parse(after);
        if (Number.isFinite(date))
            return Math.max(0, date - now);
    }
    const reset = Number(headers?.['x-ratelimit-reset']);
    if (headers?.['x-ratelimit-remaining'] === '0' && Number.isFinite(reset))
        return Math.max(0, reset * 1000 - now);
    return undefined;
}
/** An octokit error (or anything thrown) → a typed failure. */
function restFailure(error, now = Date.now()) {
    const e = error;
    const status = typeof e?.status === 'number' ? e.status : undefined;
    const message = typeof e?.message === 'string' ? e.message : String(error);
    const remaining = e?.response?.headers?.['x-ratelimit-remaining'];
    const kind = status === 429 || (status === 403 && (remaining === '0' || /rate limit/i.test(message))) ? 'rate-limited'
        : status === 403 ? 'forbidden'
            : status === 401 ? 'unauthorized'
                : status === 404 ? 'not-found'
                    : 'error';
    const wait = kind === 'rate-limited' ? retryAfterMs(e?.response?.headers, now) : undefined;
    return { ok: false, kind, ...(status !== undefined ? { status } : {}), message, ...(wait !== undefined ? { retryAfterMs: wait } : {}) };
}
function createCacheRest(options) {
    const [owner, repo] = options.repository.split('/');
    if (!owner || !repo)
        throw new Error(`repository "${options.repository}" is not owner/repo`);
    const pageConcurrency = Math.max(1, options.pageConcurrency ?? 4);
    const { octokit, direct, calls } = clientsFor(options);
    async function attempt(work) {
        try {
            return { ok: true, value: await work() };
        }
        catch (error) {
            return restFailure(error);
        }
    }
    return {
        get calls() {
            return calls();
        },
        usage: () => attempt(async () => {
            const { data } = await octokit.rest.actions.getActionsCacheUsage({ owner, repo });
            return { bytes: data.active_caches_size_in_bytes, count: data.active_caches_count };
        }),
        async storageLimitGb() {
            const r = await attempt(async () => {
                const { data } = await octokit.request('GET /repos/{owner}/{repo}/actions/cache/storage-limit', { owner, repo });
                return data.max_cache_size_gb;
            });
            return r.ok && typeof r.value === 'number' && r.value > 0 ? r.value : undefined;
        },
        listAll: (filter = {}) => attempt(() => listEntries(octokit, { owner, repo }, filter, pageConcurrency)),
        async deleteById(id) {
            const r = await attempt(() => direct.rest.actions.deleteActionsCacheById({ owner, repo, cache_id: id }));
            if (r.ok)
                return { ok: true, value: 'deleted' };
            return r.kind === 'not-found' ? { ok: true, value: 'gone' } : r;
        },
        runJobs: (runId) => attempt(async () => {
            const jobs = [];
            for (let page = 1; page <= 10; page++) {
                const { data } = await octokit.rest.actions.listJobsForWorkflowRun({ owner, repo, run_id: Number(runId), filter: 'latest', per_page: PER_PAGE, page });
                for (const job of data.jobs)
                    jobs.push({ name: job.name, status: job.status });
                if (data.jobs.length < PER_PAGE)
                    break;
            }
            return jobs;
        }),
        openPullRequests: () => attempt(async () => {
            const numbers = [];
            for (let page = 1; page <= MAX_PAGES; page++) {
                const { data } = await octokit.rest.pulls.list({ owner, repo, state: 'open', per_page: PER_PAGE, page });
                for (const pr of data)
                    numbers.push(pr.number);
                if (data.length < PER_PAGE)
                    break;
            }
            return numbers;
        })
    };
}
/**
 * The two octokit clients over one call-counting fetch: one with the retry and throttling plugins for reads,
 * and `direct` for deletes.
 */
function clientsFor(options) {
    const debug = options.debug ?? (() => undefined);
    const maxWait = options.maxRateLimitWaitSeconds ?? 60;
    const timeoutMs = options.timeoutMs ?? 30_000;
    const baseFetch = _actions_github_lib_utils__WEBPACK_IMPORTED_MODULE_1__/* .defaults */ .NT.request?.fetch ?? globalThis.fetch;
    let calls = 0;
    const countingFetch = (input, init) => {
        calls++;
        return baseFetch(input, { ...init, signal: init?.signal ?? AbortSignal.timeout(timeoutMs) });
    };
    const onLimit = (kind) => (retryAfter, opts, _octokit, retryCount) => {
        const again = retryCount < 1 && retryAfter <= maxWait;
        debug(`${kind} rate limit on ${opts.method ?? ''} ${opts.url ?? ''}: ${again ? `retrying in ${retryAfter} s` : 'giving up'}`);
        return again;
    };
    const octokit = (0,_actions_github__WEBPACK_IMPORTED_MODULE_0__/* .getOctokit */ .Q)(options.token, {
        baseUrl: options.apiUrl.replace(/\/+$/, ''),
        request: { fetch: countingFetch },
        retry: { retries: options.retries ?? 3, retryAfterBaseValue: options.retryBaseMs ?? 1000 },
        throttle: options.throttle === false
            ? { enabled: false }
            : { onRateLimit: onLimit('primary'), onSecondaryRateLimit: onLimit('secondary'), retryAfterBaseValue: options.retryBaseMs ?? 1000 },
        log: { debug: () => undefined, info: () => undefined, warn: debug, error: debug }
    }, _octokit_plugin_retry__WEBPACK_IMPORTED_MODULE_2__/* .retry */ .L, _octokit_plugin_throttling__WEBPACK_IMPORTED_MODULE_3__/* .throttling */ .A);
    // Deletes bypass the throttling plugin (it spaces writes a second apart) and the retry plugin (it waits on
    // its own): runDeletes paces them within GitHub's limits and honours retry-after itself.
    const direct = (0,_actions_github__WEBPACK_IMPORTED_MODULE_0__/* .getOctokit */ .Q)(options.token, {
        baseUrl: options.apiUrl.replace(/\/+$/, ''),
        request: { fetch: countingFetch, retries: 0 },
        log: { debug: () => undefined, info: () => undefined, warn: debug, error: debug }
    });
    return { octokit, direct, calls: () => calls };
}
/** Every cache entry (or those of one key or ref), read page by page, and whether the listing held still. */
async function listEntries(octokit, where, filter, pageConcurrency) {
    const { owner, repo } = where;
    const byId = new Map();
    const totals = [];
    const fetchPage = async (page) => {
        const { data } = await octokit.rest.actions.getActionsCacheList({
            owner, repo, per_page: PER_PAGE, page, sort: 'created_at', direction: 'asc',
            ...(filter.key ? { key: filter.key } : {}),
            ...(filter.ref ? { ref: filter.ref } : {})
        });
        totals.push(data.total_count);
        const items = data.actions_caches ?? [];
        for (const item of items) {
            const entry = toEntry(item);
            if (entry)
                byId.set(entry.id, entry);
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
    await Promise.all(Array.from({ length: Math.min(pageConcurrency, queue.length) }, async () => {
        for (let page = queue.shift(); page !== undefined; page = queue.shift()) {
            const count = await fetchPage(page);
            pages++;
            if (page === pagesFromTotal)
                lastCount = count;
        }
    }));
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


/***/ })

};

//# sourceMappingURL=794.index.js.map