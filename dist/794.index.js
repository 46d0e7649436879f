export const id = 794;
export const ids = [794];
export const modules = {

/***/ 1794:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   createCacheRest: () => (/* binding */ createCacheRest)
/* harmony export */ });
/* unused harmony export restFailure */
/* harmony import */ var _http_policies_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4196);
/* harmony import */ var _http_retry_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(8902);
/* harmony import */ var _deadlines_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8193);
/* harmony import */ var _http_client_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(7002);
/* harmony import */ var _pool_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(4476);






/** How a warning names the REST API when it goes down, and what the action then goes without. */
const GITHUB_API = {
    name: 'The GitHub API',
    without: 'the cache usage is not checked and nothing is pruned'
};
const PER_PAGE = 100;
const MAX_PAGES = 1000;
function toEntry(c) {
    if (typeof c.id !== 'number' || typeof c.key !== 'string' || typeof c.ref !== 'string')
        return undefined;
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
function restFailure(error, now = Date.now()) {
    const e = error;
    const status = typeof e?.status === 'number' ? e.status : undefined;
    const message = typeof e?.message === 'string' ? e.message : String(error);
    const headers = e?.response?.headers;
    const kind = (0,_http_retry_js__WEBPACK_IMPORTED_MODULE_1__/* .isRateLimited */ .Jz)({ ...(status !== undefined ? { status } : {}), headers, message })
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
    const wait = kind === 'rate-limited' ? (0,_http_retry_js__WEBPACK_IMPORTED_MODULE_1__/* .retryAfterMs */ .Vs)(headers, now) : undefined;
    return {
        ok: false,
        kind,
        ...(status !== undefined ? { status } : {}),
        message,
        ...(wait !== undefined ? { retryAfterMs: wait } : {})
    };
}
const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
/** What an answer that is not JSON looks like here: the client hands back the text. */
const notJson = (data) => typeof data === 'string' ? `text, not JSON (${data.length} bytes)` : `not a JSON object`;
function parseUsage(data) {
    if (!isObject(data))
        return { ok: false, reason: notJson(data) };
    const { active_caches_size_in_bytes: bytes, active_caches_count: count } = data;
    if (!isCount(bytes) || !isCount(count))
        return { ok: false, reason: 'without active_caches_size_in_bytes and active_caches_count' };
    return { ok: true, value: { bytes, count } };
}
/** One page of `GET …/actions/caches`: its total, how many items it held, and the entries among them that are well formed. */
function parseListPage(data) {
    if (!isObject(data))
        return { ok: false, reason: notJson(data) };
    const items = data.actions_caches ?? [];
    if (!isCount(data.total_count) || !Array.isArray(items))
        return { ok: false, reason: 'without total_count and actions_caches' };
    const entries = items.flatMap((item) => (isObject(item) ? (toEntry(item) ?? []) : []));
    return { ok: true, value: { totalCount: data.total_count, items: items.length, entries } };
}
const parseJobs = (data) => {
    const jobs = isObject(data) ? data.jobs : undefined;
    if (!Array.isArray(jobs))
        return { ok: false, reason: isObject(data) ? 'without jobs' : notJson(data) };
    return {
        ok: true,
        value: jobs.filter(isObject).map((j) => ({ name: String(j.name ?? ''), status: String(j.status ?? '') }))
    };
};
const parsePulls = (data) => Array.isArray(data)
    ? {
        ok: true,
        value: data.flatMap((pr) => (isObject(pr) && typeof pr.number === 'number' ? [pr.number] : []))
    }
    : { ok: false, reason: notJson(data) };
/** A page whose answer did not parse: thrown inside `attempt` only, which turns it into a typed failure. */
class Unreadable extends Error {
}
const must = (what, r) => {
    if (r.ok)
        return r.value;
    throw new Unreadable(`${what} answered ${r.reason}`);
};
function createCacheRest(options) {
    const [owner, repo] = options.repository.split('/');
    if (!owner || !repo)
        throw new Error(`repository "${options.repository}" is not owner/repo`);
    const pageConcurrency = Math.max(1, options.pageConcurrency ?? _http_policies_js__WEBPACK_IMPORTED_MODULE_0__/* .POLICIES */ .PQ.concurrency.listingPages);
    const { api, direct, calls } = clientsFor(options);
    const repoPath = `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`;
    async function attempt(work) {
        try {
            return { ok: true, value: await work() };
        }
        catch (error) {
            return error instanceof Unreadable ? { ok: false, kind: 'error', message: error.message } : restFailure(error);
        }
    }
    return {
        get calls() {
            return calls();
        },
        usage: () => attempt(async () => must('GET actions/cache/usage', parseUsage(await api('GET', `${repoPath}/actions/cache/usage`)))),
        async storageLimitGb() {
            const r = await attempt(async () => {
                const data = await api('GET', `${repoPath}/actions/cache/storage-limit`);
                return isObject(data) ? data.max_cache_size_gb : undefined;
            });
            return r.ok && typeof r.value === 'number' && r.value > 0 ? r.value : undefined;
        },
        listAll: (filter = {}) => attempt(() => listEntries((query) => api('GET', `${repoPath}/actions/caches`, query), filter, pageConcurrency)),
        async deleteById(id) {
            const r = await attempt(() => direct('DELETE', `${repoPath}/actions/caches/${encodeURIComponent(String(id))}`));
            if (r.ok)
                return { ok: true, value: 'deleted' };
            return r.kind === 'not-found' ? { ok: true, value: 'gone' } : r;
        },
        runJobs: (runId) => attempt(async () => {
            const jobs = [];
            for (let page = 1; page <= 10; page++) {
                const data = await api('GET', `${repoPath}/actions/runs/${encodeURIComponent(runId)}/jobs`, {
                    filter: 'latest',
                    per_page: PER_PAGE,
                    page
                });
                const got = must(`GET actions/runs/${runId}/jobs`, parseJobs(data));
                jobs.push(...got);
                if (got.length < PER_PAGE)
                    break;
            }
            return jobs;
        }),
        openPullRequests: () => attempt(async () => {
            const numbers = [];
            for (let page = 1; page <= MAX_PAGES; page++) {
                const data = await api('GET', `${repoPath}/pulls`, { state: 'open', per_page: PER_PAGE, page });
                const got = must('GET pulls', parsePulls(data));
                numbers.push(...got);
                if (!Array.isArray(data) || data.length < PER_PAGE)
                    break;
            }
            return numbers;
        })
    };
}
/** An error answer, with what restFailure reads of it: the status, GitHub's message and the headers (rate limits). */
class ApiError extends Error {
    status;
    response;
    constructor(message, status, response) {
        super(message);
        this.status = status;
        this.response = response;
    }
}
/** GitHub's error text: its `message`, and the documentation address it names; else the body, else the status. */
function errorMessage(json, text, status) {
    if (isObject(json) && typeof json.message === 'string')
        return typeof json.documentation_url === 'string' ? `${json.message} - ${json.documentation_url}` : json.message;
    return text.trim() ? text.trim().slice(0, 500) : `HTTP ${status}`;
}
/**
 * `Exchange` over the client, by `policy`: the answer that came, or, when a retryable status outlasted the attempts,
 * the last one (GitHub's error text and headers are read from it); a network failure that outlasts them is thrown,
 * with the reason and the error's code.
 */
const exchangeOver = (http, policy) => async (method, url, headers) => {
    const reply = await http.request(method, url, { headers, policy });
    if (reply.ok)
        return reply.value;
    if (reply.answer)
        return reply.answer;
    throw Object.assign(new Error(reply.reason), { code: reply.failure.code });
};
function apiOver(send, baseUrl, token) {
    // The client adds its user agent.
    const headers = { ..._http_client_js__WEBPACK_IMPORTED_MODULE_3__/* .GITHUB_JSON */ .hS, authorization: `token ${token}` };
    return async (method, path, query = {}) => {
        const url = new URL(baseUrl + path);
        for (const [k, v] of Object.entries(query))
            url.searchParams.set(k, String(v));
        const res = await send(method, url.toString(), headers);
        const text = res.body;
        let json;
        if (/\bjson\b/i.test(res.headers.get('content-type') ?? '') && text) {
            try {
                json = JSON.parse(text);
            }
            catch {
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
function clientsFor(options) {
    const debug = options.debug ?? (() => undefined);
    const http = options.http ?? new _http_client_js__WEBPACK_IMPORTED_MODULE_3__/* .Http */ .lw({ timeoutMs: options.timeoutMs ?? (0,_deadlines_js__WEBPACK_IMPORTED_MODULE_2__.ms)(_http_policies_js__WEBPACK_IMPORTED_MODULE_0__/* .POLICIES */ .PQ.rest.requestMs), service: GITHUB_API });
    const sent = http.calls;
    const policy = {
        attempts: (options.retries ?? _http_policies_js__WEBPACK_IMPORTED_MODULE_0__/* .POLICIES */ .PQ.rest.attempts - 1) + 1,
        backoffMs: options.retryBaseMs ?? _http_policies_js__WEBPACK_IMPORTED_MODULE_0__/* .POLICIES */ .PQ.rest.backoffMs,
        maxWaitMs: options.maxRateLimitWaitSeconds !== undefined
            ? options.maxRateLimitWaitSeconds * 1000
            : _http_policies_js__WEBPACK_IMPORTED_MODULE_0__/* .POLICIES */ .PQ.rateLimit.maxWaitMs,
        onRetry: (n, f) => debug(`${f.message} (attempt ${n}); trying again`)
    };
    const baseUrl = options.apiUrl.replace(/\/+$/, '');
    return {
        api: apiOver(exchangeOver(http, policy), baseUrl, options.token),
        direct: apiOver(exchangeOver(http, _http_client_js__WEBPACK_IMPORTED_MODULE_3__/* .ONCE */ .ET), baseUrl, options.token),
        calls: () => http.calls - sent
    };
}
/** Every cache entry (or those of one key or ref), read page by page, and whether the listing held still. */
async function listEntries(get, filter, pageConcurrency) {
    const byId = new Map();
    const totals = [];
    const fetchPage = async (page) => {
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
        for (const entry of read.entries)
            byId.set(entry.id, entry);
        return read.items;
    };
    // Page 1 tells how many pages there are; the rest are read a few at a time.
    const firstCount = await fetchPage(1);
    const firstTotal = totals[0];
    const pagesFromTotal = Math.min(MAX_PAGES, Math.max(1, Math.ceil(firstTotal / PER_PAGE)));
    let pages = 1;
    let lastCount = firstCount;
    await (0,_pool_js__WEBPACK_IMPORTED_MODULE_4__/* .drain */ .Z)(Array.from({ length: pagesFromTotal - 1 }, (_, i) => i + 2), pageConcurrency, async (page) => {
        const count = await fetchPage(page);
        pages++;
        if (page === pagesFromTotal)
            lastCount = count;
    });
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