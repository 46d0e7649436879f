export const id = 928;
export const ids = [928];
export const modules = {

/***/ 8539:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   q: () => (/* binding */ parseJson)
/* harmony export */ });
/**
 * Reading what comes from outside — an HTTP answer, a Docker config, a token's claims, a record main saved for
 * post — without throwing: a parse gives the value, or the reason it could not.
 */
/**
 * Parses JSON, then checks its shape; never throws. The reason never quotes the text (V8's messages do, and the
 * text may be a token or a credential helper's secret): its length, and where it broke when V8 says.
 */
function parseJson(text, check) {
    let value;
    try {
        value = JSON.parse(text);
    }
    catch (e) {
        const at = /at position (\d+)/.exec(e.message)?.[1];
        return { ok: false, reason: `not JSON (${text.length} bytes${at !== undefined ? `, broken at ${at}` : ''})` };
    }
    return check(value);
}


/***/ }),

/***/ 8902:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   ET: () => (/* binding */ ONCE),
/* harmony export */   Jz: () => (/* binding */ isRateLimited),
/* harmony export */   LH: () => (/* binding */ withRetries),
/* harmony export */   Vs: () => (/* binding */ retryAfterMs),
/* harmony export */   g5: () => (/* binding */ failureOf),
/* harmony export */   r3: () => (/* binding */ isRetryable)
/* harmony export */ });
/* harmony import */ var _policies_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4196);
/**
 * The one retry policy for every HTTP call: which failures are worth another try, how long to wait before it
 * (the server's `retry-after` or rate-limit reset when it gives one, else a doubling backoff), and the loop that
 * tries. Pure: the clock and the sleep are handed in, so tests never wait.
 *
 * Sources for the rules: GitHub's REST docs "Rate limits for the REST API" (a primary limit answers 403 or 429
 * with `x-ratelimit-remaining: 0` and `x-ratelimit-reset` in Unix seconds; a secondary limit answers 403 or 429,
 * with `retry-after` when it says how long, else "wait at least one minute"); RFC 9110 §10.2.3 (`retry-after` is
 * seconds or an HTTP date); the cache service's 429 with `Retry-After` for uploads (github-cache-service.md §3).
 * The numbers (attempts, backoffs, the longest waits) are POLICIES (./policies.ts).
 */

/** One attempt, no retry: a request whose caller decides what a failure means (a probe, a paced delete). */
const ONCE = { attempts: 1, backoffMs: 0 };
/** Statuses worth another try: a timeout, too many requests, and the server errors except "not implemented" and "version not supported". */
const RETRYABLE_STATUSES = new Set([
    408, 429, 500, 502, 503, 504, 507, 508, 509, 520, 521, 522, 523, 524
]);
/**
 * Network errors worth another try: the connection reset, refused, timed out or closed, a DNS answer to try again
 * (not ENOTFOUND: the name does not exist), undici's socket and timeout errors, and our own per-request timeout
 * (`AbortSignal.timeout` throws a `TimeoutError`). Not a `SyntaxError`, a certificate error or a bad argument.
 */
const RETRYABLE_CODES = new Set([
    'ECONNRESET',
    'ECONNREFUSED',
    'ECONNABORTED',
    'ETIMEDOUT',
    'EPIPE',
    'EAI_AGAIN',
    'ENETUNREACH',
    'EHOSTUNREACH',
    'UND_ERR_SOCKET',
    'UND_ERR_CLOSED',
    'UND_ERR_CONNECT_TIMEOUT',
    'UND_ERR_HEADERS_TIMEOUT',
    'UND_ERR_BODY_TIMEOUT',
    'TimeoutError'
]);
/** A primary or secondary rate limit: 429, or 403 with `retry-after`, no requests left, or GitHub's wording. */
function isRateLimited(f) {
    if (f.status === 429)
        return true;
    if (f.status !== 403)
        return false;
    const h = f.headers ?? {};
    return ((h['retry-after'] !== undefined && h['retry-after'].trim() !== '') ||
        h['x-ratelimit-remaining'] === '0' ||
        /rate limit/i.test(f.message));
}
/** The default predicate: a retryable status or rate limit, or a retryable network error; never a body that does not parse. */
function isRetryable(f) {
    if (f.kind === 'parse')
        return false;
    if (f.status !== undefined)
        return RETRYABLE_STATUSES.has(f.status) || isRateLimited(f);
    return f.code !== undefined && RETRYABLE_CODES.has(f.code);
}
/** `retry-after` in seconds or as an HTTP date, else the primary limit's reset when none is left; in ms, never negative. */
function retryAfterMs(headers, now) {
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
/** Anything thrown by an attempt → a failure with its code: the error's own, its cause's (fetch wraps them), else its name. */
function failureOf(error) {
    const e = error;
    const code = typeof e?.code === 'string'
        ? e.code
        : typeof e?.cause?.code === 'string'
            ? e.cause.code
            : typeof e?.name === 'string'
                ? e.name
                : undefined;
    const message = typeof e?.message === 'string' ? e.message : String(error);
    const cause = typeof e?.cause?.message === 'string' && e.cause.message !== message ? ` (${e.cause.message})` : '';
    return { ...(code !== undefined ? { code } : {}), message: `${message}${cause}` };
}
/** How long to wait before the next attempt, or why not to: the server's wait when it gave one, else the backoff. */
function waitBefore(policy, failure, at) {
    const asked = retryAfterMs(failure.headers, at.now) ?? (isRateLimited(failure) ? _policies_js__WEBPACK_IMPORTED_MODULE_0__/* .POLICIES */ .PQ.rateLimit.defaultWaitMs : undefined);
    if (asked !== undefined) {
        const max = policy.maxWaitMs ?? _policies_js__WEBPACK_IMPORTED_MODULE_0__/* .POLICIES */ .PQ.rateLimit.maxWaitMs;
        if (at.waitedMs + asked > max) {
            const already = at.waitedMs > 0 ? `, ${Math.round(at.waitedMs / 1000)} s of it waited already` : '';
            return {
                stop: `the server asked to wait ${Math.ceil(asked / 1000)} s, more than the ${Math.round(max / 1000)} s allowed${already}`
            };
        }
        return { waitMs: asked, asked: true };
    }
    return {
        waitMs: Math.min(policy.backoffMs * 2 ** (at.attempt - 1), policy.maxBackoffMs ?? Number.POSITIVE_INFINITY),
        asked: false
    };
}
/**
 * Runs `work` until it succeeds, fails in a way `isRetryable` calls final, or the attempts run out. Never throws:
 * what `work` throws becomes a failure (see failureOf). The reason names the last failure and the attempts made.
 */
async function withRetries(policy, retryable, work, clock) {
    const attempts = Math.max(1, Math.floor(policy.attempts));
    let waitedMs = 0;
    for (let attempt = 1;; attempt++) {
        let outcome;
        try {
            outcome = await work(attempt);
        }
        catch (error) {
            outcome = { ok: false, failure: failureOf(error) };
        }
        if (outcome.ok)
            return { ok: true, value: outcome.value, attempts: attempt };
        const { failure } = outcome;
        if (!retryable(failure))
            return {
                ok: false,
                failure,
                attempts: attempt,
                reason: attempt === 1 ? failure.message : `${failure.message} (after ${attempt} attempts)`
            };
        if (attempt >= attempts)
            return {
                ok: false,
                failure,
                attempts: attempt,
                reason: attempt === 1 ? failure.message : `${failure.message} (after ${attempt} attempts)`
            };
        const next = waitBefore(policy, failure, { attempt, now: clock.now(), waitedMs });
        if ('stop' in next)
            return { ok: false, failure, attempts: attempt, reason: `${failure.message}; ${next.stop}` };
        if (next.asked)
            waitedMs += next.waitMs;
        policy.onRetry?.(attempt, failure);
        if (next.waitMs > 0)
            await clock.sleep(next.waitMs);
    }
}


/***/ }),

/***/ 7002:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  hS: () => (/* reexport */ GITHUB_JSON),
  lw: () => (/* binding */ Http),
  ET: () => (/* reexport */ retry/* ONCE */.ET),
  oQ: () => (/* binding */ answered),
  qF: () => (/* reexport */ parse/* parseJson */.q),
  dQ: () => (/* binding */ realClock),
  ZK: () => (/* reexport */ requestName)
});

// EXTERNAL MODULE: ./src/http/parse.ts
var parse = __webpack_require__(8539);
// EXTERNAL MODULE: ./src/http/policies.ts
var policies = __webpack_require__(4196);
// EXTERNAL MODULE: ./src/http/retry.ts
var retry = __webpack_require__(8902);
// EXTERNAL MODULE: ./src/io/deadlines.ts
var deadlines = __webpack_require__(8193);
;// CONCATENATED MODULE: ./src/io/http/answer.ts
const USER_AGENT = 'envd-cache-action';
/** What the GitHub REST API is asked for: its JSON, in the API version the action was written against. */
const GITHUB_JSON = { Accept: 'application/vnd.github+json', 'X-GitHub-Api-Version': '2022-11-28' };
const isOk = (a) => a.status >= 200 && a.status < 300;
const lowerHeaders = (h) => Object.fromEntries([...h].map(([k, v]) => [k.toLowerCase(), v]));
/**
 * A status as a failure. GitHub's secondary limit may come as a bare 403 whose body alone says "rate limit" (REST
 * docs: then wait at least a minute): given the body, the message says so, which isRateLimited reads.
 */
const statusFailure = (label, res, body = '') => ({
    status: res.status,
    headers: lowerHeaders(res.headers),
    message: `${label} answered ${res.status}${res.status === 403 && /rate limit/i.test(body) ? ' (a rate limit)' : ''}`
});
/**
 * How a message names a request it was not given a label for: method, origin and path, never the query (a
 * signature, a token) nor credentials in the URL.
 */
function requestName(method, url) {
    try {
        const u = new URL(url);
        return `${method} ${u.origin}${u.pathname}`;
    }
    catch {
        return method;
    }
}
/** An error of the client's own, with a `code` as Node's network errors have (the retry policy reads it). */
const networkError = (message, code) => Object.assign(new Error(message), { code });
/** A deadline that passed: a `TimeoutError`, as fetch's `AbortSignal.timeout` throws it (retried alike). */
const timeoutError = (message) => Object.assign(networkError(message, 'TimeoutError'), { name: 'TimeoutError' });

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(7075);
// EXTERNAL MODULE: external "node:stream/promises"
var promises_ = __webpack_require__(6466);
;// CONCATENATED MODULE: ./src/io/http/download.ts
/**
 * The HTTP client's streamed transport: a 2xx body written to a file as it comes, over fetch (./fetch.ts). No
 * overall deadline (a large asset on a slow link takes what it takes): an attempt ends when no byte came for
 * `idleMs`, a TimeoutError, and then marks the service down when the client names one (io/deadlines.ts).
 */





/**
 * One attempt: the answer's 2xx body into `dest` (its headers), or the failure (a status; thrown: a network error
 * or the idle timeout).
 */
async function downloadOnce(fetch, target, watch) {
    const { url, dest, headers } = target;
    const gone = (0,deadlines/* downFor */.kz)(url);
    if (gone)
        throw networkError(gone, 'ESERVICEDOWN');
    const controller = new AbortController();
    const idle = setTimeout(() => controller.abort(new DOMException(`no data for ${(0,deadlines/* seconds */.YA)(watch.idleMs)}`, 'TimeoutError')), watch.idleMs);
    try {
        const res = await fetch(url, { headers, signal: controller.signal });
        if (!res.ok || !res.body) {
            await res.body?.cancel().catch(() => undefined);
            return { ok: false, failure: statusFailure(watch.label, res) };
        }
        const body = external_node_stream_.Readable.fromWeb(res.body);
        body.on('data', () => idle.refresh());
        await (0,promises_.pipeline)(body, external_node_fs_.createWriteStream(dest));
        return { ok: true, value: res.headers };
    }
    catch (error) {
        if (controller.signal.aborted && watch.service)
            (0,deadlines/* markDown */.kF)(url, watch.service, `sent no data for ${(0,deadlines/* seconds */.YA)(watch.idleMs)} (${watch.name})`);
        throw error;
    }
    finally {
        clearTimeout(idle);
    }
}

// EXTERNAL MODULE: ./node_modules/@actions/http-client/lib/proxy.js
var lib_proxy = __webpack_require__(9783);
;// CONCATENATED MODULE: ./src/io/http/fetch.ts
/**
 * The HTTP client's fetch transport: a fetch handed in (tests), Node's, or undici's through the runner's proxy
 * (`https_proxy`/`http_proxy` applying to the URL, as @actions/http-client decides it). The client takes it where
 * node:http (./node.ts) does not go: a fetch handed in, a proxy, and the streamed download (./download.ts).
 */


const urlOf = (input) => typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
/** Whether `url` can go over node:http(s): an http(s) URL that no proxy applies to. */
function goesDirect(url) {
    try {
        const u = new URL(url);
        return (u.protocol === 'http:' || u.protocol === 'https:') && !(0,lib_proxy/* getProxyUrl */.s)(u);
    }
    catch {
        return false;
    }
}
/** Node's fetch, or undici's through the proxy the runner's environment names for a URL: one dispatcher per proxy. */
class ProxiedFetch {
    made = new Map();
    forUrl(url) {
        let proxy;
        try {
            proxy = (0,lib_proxy/* getProxyUrl */.s)(new URL(url));
        }
        catch {
            proxy = undefined;
        }
        if (!proxy)
            return globalThis.fetch;
        const key = proxy.href;
        let made = this.made.get(key);
        if (!made) {
            made = (async () => {
                const [{ HttpClient }, undici] = await Promise.all([Promise.all(/* import() */[__webpack_require__.e(752), __webpack_require__.e(779)]).then(__webpack_require__.bind(__webpack_require__, 2779)), __webpack_require__.e(/* import() */ 752).then(__webpack_require__.t.bind(__webpack_require__, 6752, 19))]);
                const dispatcher = new HttpClient(USER_AGENT).getAgentDispatcher(url);
                return ((input, init) => undici.fetch(urlOf(input), { ...init, dispatcher }));
            })();
            this.made.set(key, made);
        }
        return made;
    }
}
/** `init`'s headers with the action's user agent unless they name one. */
function withUserAgent(init) {
    const headers = new Headers(init?.headers);
    if (!headers.has('user-agent'))
        headers.set('user-agent', USER_AGENT);
    return headers;
}
/** A fetch answer read whole as text (none for a HEAD, as node:http gives it). */
async function readWhole(method, res) {
    return { status: res.status, headers: res.headers, body: method === 'HEAD' ? '' : await res.text() };
}

// EXTERNAL MODULE: external "node:https"
var external_node_https_ = __webpack_require__(4708);
// EXTERNAL MODULE: external "node:module"
var external_node_module_ = __webpack_require__(8995);
;// CONCATENATED MODULE: ./src/io/http/node.ts




/**
 * node:http through require, as the bundle loads every built-in: on Node 24 (not 20) node:http has lazy exports
 * (WebSocket, CloseEvent, MessageEvent) that load undici when read, and an ES module namespace of node:http reads
 * every export (observed on Node 24.22: `import 'node:http'` alone loads undici; node:https has no such export).
 */
const nodeHttp = (0,external_node_module_.createRequire)(import.meta.url)('node:http');
/**
 * The headers of a node:http answer, read as a fetch `Headers` reads them: any case of the name, repeated values
 * joined.
 */
class NodeHeaders {
    byName = new Map();
    constructor(distinct = {}) {
        for (const [name, values] of Object.entries(distinct))
            if (values?.length)
                this.byName.set(name.toLowerCase(), values.join(', '));
    }
    get(name) {
        return this.byName.get(name.toLowerCase()) ?? null;
    }
    /** Sorted by name, as a fetch `Headers` iterates. */
    [Symbol.iterator]() {
        return [...this.byName].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))[Symbol.iterator]();
    }
}
/** The redirect statuses fetch follows (Fetch standard, "HTTP-redirect fetch"), and at most how many in a row. */
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 20;
/**
 * What a redirect that turns the request into a GET drops with the body (Fetch standard: request-body-header
 * names).
 */
const BODY_HEADERS = ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location'];
/** What a redirect to another origin drops (Fetch standard, "HTTP-redirect fetch"). */
const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization', 'cookie'];
/**
 * The first hop of a request as fetch would send it: header names lower-case, a user agent and `accept: *\/*`
 * unless given, and a string body UTF-8 text unless said otherwise.
 */
function firstHop(method, url, o) {
    const headers = {};
    for (const [name, value] of Object.entries(o.headers ?? {}))
        headers[name.toLowerCase()] = value;
    headers['user-agent'] ??= USER_AGENT;
    headers.accept ??= '*/*';
    if (typeof o.body === 'string')
        headers['content-type'] ??= 'text/plain;charset=UTF-8';
    const body = o.body === undefined ? undefined : typeof o.body === 'string' ? Buffer.from(o.body, 'utf8') : Buffer.from(o.body);
    return { method, url: new URL(url), headers, body };
}
/** Where a redirect leads, as fetch follows it; an Error when it cannot be followed. */
function redirectHop(from, status, location) {
    let url;
    try {
        url = new URL(location, from.url);
    }
    catch {
        return networkError(`redirected to a Location that is not a URL`, 'ERR_INVALID_URL');
    }
    const { method } = from;
    const toGet = ((status === 301 || status === 302) && method === 'POST') ||
        (status === 303 && method !== 'GET' && method !== 'HEAD');
    const headers = { ...from.headers };
    if (toGet)
        for (const name of BODY_HEADERS)
            delete headers[name];
    if (url.origin !== from.url.origin)
        for (const name of CREDENTIAL_HEADERS)
            delete headers[name];
    return { method: toGet ? 'GET' : method, url, headers, body: toGet ? undefined : from.body };
}
/** One request in flight, hop after hop: settled once, by its answer, its first failure or a deadline. */
class NodeExchange {
    limits;
    resolve;
    reject;
    current;
    settled = false;
    timer;
    constructor(limits, resolve, reject) {
        this.limits = limits;
        this.resolve = resolve;
        this.reject = reject;
        this.timer = setTimeout(() => this.end(timeoutError(`no answer within ${(0,deadlines/* seconds */.YA)(limits.timeoutMs)}`)), limits.timeoutMs);
        limits.signal?.addEventListener('abort', this.aborted, { once: true });
    }
    /** The phase's budget ran out (io/deadlines.ts): its reason carries its own code. */
    aborted = () => {
        const reason = this.limits.signal?.reason;
        this.end(reason instanceof Error ? reason : networkError('cancelled', 'ABORT_ERR'));
    };
    settle(then) {
        if (this.settled)
            return;
        this.settled = true;
        clearTimeout(this.timer);
        this.limits.signal?.removeEventListener('abort', this.aborted);
        then();
    }
    fail = (error) => this.settle(() => this.reject(error));
    end(error) {
        this.fail(error);
        this.current?.destroy(error);
    }
    hop(h, redirectsLeft) {
        const transport = h.url.protocol === 'https:' ? external_node_https_ : h.url.protocol === 'http:' ? nodeHttp : undefined;
        if (!transport)
            return this.fail(networkError(`cannot request a ${h.url.protocol} URL`, 'ERR_INVALID_PROTOCOL'));
        const headers = h.body ? { ...h.headers, 'content-length': String(h.body.length) } : h.headers;
        let req;
        try {
            req = transport.request(h.url, { method: h.method, headers }, (res) => this.answered(h, res, redirectsLeft));
        }
        catch (error) {
            // Thrown at once by node:http (a header value it refuses, say): as fetch, a failure of the request.
            return this.fail(error);
        }
        this.current = req;
        req.on('error', (error) => {
            if (this.current === req)
                this.fail(error);
        });
        req.on('socket', (socket) => this.watchConnect(socket));
        req.end(h.body);
    }
    /** The connect deadline (TCP and TLS), apart from the whole request's: a SYN nobody answers. */
    watchConnect(socket) {
        if (!socket.connecting)
            return;
        const { connectMs } = this.limits;
        const connect = setTimeout(() => this.end(timeoutError(`could not connect within ${(0,deadlines/* seconds */.YA)(connectMs)}`)), connectMs);
        socket.once('connect', () => clearTimeout(connect));
        socket.once('close', () => clearTimeout(connect));
    }
    answered(h, res, redirectsLeft) {
        const status = res.statusCode ?? 0;
        const location = res.headers.location;
        if (!REDIRECTS.has(status) || location === undefined)
            return this.read(h, res, status);
        // Left behind: what it still does (its body read to the end, its socket closing) is no longer this request's.
        res.on('error', () => undefined);
        res.resume();
        if (redirectsLeft === 0)
            return this.fail(networkError(`redirected more than ${MAX_REDIRECTS} times`, 'ERR_TOO_MANY_REDIRECTS'));
        const next = redirectHop(h, status, location);
        if (next instanceof Error)
            return this.fail(next);
        this.hop(next, redirectsLeft - 1);
    }
    read(h, res, status) {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('error', this.fail);
        res.on('close', () => {
            if (!res.complete)
                this.fail(networkError('the connection closed before the whole answer came', 'ECONNRESET'));
        });
        res.on('end', () => {
            // fetch's text(): UTF-8, a byte order mark dropped.
            const text = Buffer.concat(chunks)
                .toString('utf8')
                .replace(/^\uFEFF/, '');
            const body = h.method === 'HEAD' ? '' : text;
            this.settle(() => this.resolve({ status, headers: new NodeHeaders(res.headersDistinct), body }));
        });
    }
}
/** One request over node:http(s) (see above). Throws what the transport throws, with its code. */
function nodeRequest(first, limits) {
    return new Promise((resolve, reject) => new NodeExchange(limits, resolve, reject).hop(first, MAX_REDIRECTS));
}

;// CONCATENATED MODULE: ./src/io/http/upload.ts
/**
 * The HTTP client's streamed upload: a file as a request's body, read as the request takes it, never whole in
 * memory (a cache-mounts archive is up to 2 GB). Over node:http(s) when the URL goes direct (Node 20's fetch held
 * a streamed 1 GB body in memory until the request ended); through the runner's proxy over fetch, one chunk per
 * pull. No overall deadline: an attempt ends when no byte moved either way for `idleMs` (a TimeoutError).
 */






/** node:http through require, as ./node.ts loads it (on Node 24 its ESM namespace loads undici). */
const upload_nodeHttp = (0,external_node_module_.createRequire)(import.meta.url)('node:http');
/**
 * One attempt: `target.file` streamed as the body, the answer read whole (any status); throws a network error,
 * the idle timeout, or at once when the service is down for this job. Over `fetch` when one is given (a proxy, a
 * test), else node:http(s).
 */
async function uploadOnce(fetch, target, idleMs) {
    const gone = (0,deadlines/* downFor */.kz)(target.url);
    if (gone)
        throw networkError(gone, 'ESERVICEDOWN');
    const controller = new AbortController();
    const idle = setTimeout(() => controller.abort(new DOMException(`no data for ${(0,deadlines/* seconds */.YA)(idleMs)}`, 'TimeoutError')), idleMs);
    const touch = () => idle.refresh();
    try {
        if (!fetch)
            return await nodeUpload(target, { touch, signal: controller.signal });
        const init = {
            method: target.method,
            headers: target.headers,
            body: pulled(target.file, touch),
            signal: controller.signal,
            duplex: 'half'
        };
        const res = await fetch(target.url, init);
        touch();
        return await readWhole(target.method, res);
    }
    finally {
        clearTimeout(idle);
    }
}
/**
 * A file as a fetch body, read as the request takes it: one chunk per pull, none ahead. (Node 20's
 * `Readable.toWeb` counts its high-water mark in chunks, not bytes, and read a 1 GB archive whole into memory.)
 */
function pulled(file, touch) {
    const source = external_node_fs_.createReadStream(file);
    const chunks = source[Symbol.asyncIterator]();
    return new ReadableStream({
        async pull(controller) {
            const { value, done } = await chunks.next();
            touch();
            if (done)
                controller.close();
            else
                controller.enqueue(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
        },
        cancel: () => void source.destroy()
    }, { highWaterMark: 0 });
}
/** The answer's headers as the client reads them: any case of the name, sorted entries. */
function headersOf(res) {
    const byName = new Map();
    for (const [k, v] of Object.entries(res.headers))
        if (v !== undefined)
            byName.set(k, [v].flat().join(', '));
    return {
        get: (name) => byName.get(name.toLowerCase()) ?? null,
        [Symbol.iterator]: () => [...byName].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))[Symbol.iterator]()
    };
}
/** The upload over node:http(s): the file piped into the request as the socket takes it; `touch` on every chunk. */
function nodeUpload(target, o) {
    return new Promise((resolve, reject) => {
        const url = new URL(target.url);
        const request = (url.protocol === 'https:' ? external_node_https_.request : upload_nodeHttp.request)(url, { method: target.method, headers: { 'user-agent': USER_AGENT, ...target.headers } }, (res) => {
            const chunks = [];
            res.on('data', (c) => (o.touch(), chunks.push(c)));
            res.on('error', reject);
            res.on('end', () => resolve({
                status: res.statusCode ?? 0,
                headers: headersOf(res),
                body: Buffer.concat(chunks).toString('utf8')
            }));
        });
        const stop = () => request.destroy(o.signal.reason);
        o.signal.addEventListener('abort', stop, { once: true });
        request.on('close', () => o.signal.removeEventListener('abort', stop));
        request.on('error', reject);
        const source = external_node_fs_.createReadStream(target.file);
        source.on('data', o.touch);
        source.on('error', (e) => request.destroy(e));
        source.pipe(request);
    });
}

;// CONCATENATED MODULE: ./src/io/http/client.ts
/**
 * The one HTTP client: one retry policy (src/http/retry.ts, its numbers src/http/policies.ts) for every call that
 * retries, deadlines and silent services through io/deadlines.ts, and answers that never throw: a result with the
 * value, or the reason. Its surface:
 *  - `request(method, url, o)`: any request, retried by `o.policy` (default once), its answer whatever the status;
 *  - `getText(url, o)` and `getJson(url, check, o)`: a GET whose 2xx body is read as text, or as JSON of a shape;
 *  - `download(url, dest, o)`: a 2xx body streamed into a file (the answer's headers);
 *  - `upload(method, url, file, o)`: a file streamed as the body, the answer whatever the status;
 *  - `calls`: requests sent so far, every attempt counted.
 *
 * Transports: an answer read whole goes over node:http(s) (./node.ts), which leaves Node's bundled undici unloaded;
 * over fetch (./fetch.ts) when a fetch is handed in (tests) or a proxy applies to the URL; a download streams over
 * fetch (./download.ts), an upload over node:http(s) or, where fetch is taken, fetch (./upload.ts).
 */










/** The answer a reply carries, whatever its status; none when the server was not heard (a network error). */
const answered = (reply) => (reply.ok ? reply.value : reply.answer);
const realClock = { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };
class Http {
    options;
    sent = 0;
    proxied = new ProxiedFetch();
    constructor(options = {}) {
        this.options = options;
    }
    /** Requests sent so far, every attempt counted. */
    get calls() {
        return this.sent;
    }
    /**
     * A request retried by `o.policy` on retryable statuses and network errors. Any other status is an answer for
     * the caller to read (404 included).
     */
    request(method, url, o = {}) {
        return this.answering(method, url, o, () => this.send(method, url, o));
    }
    /**
     * `file` streamed as the body of a request (never read whole): the answer whatever its status, as `request`
     * gives it, retried by `o.policy`. No overall deadline: an attempt ends when no byte moved for `o.idleTimeoutMs`
     * (default POLICIES.download.idleMs), a TimeoutError.
     */
    upload(method, url, file, o = {}) {
        const idleMs = o.idleTimeoutMs ?? (0,deadlines.ms)(policies/* POLICIES */.PQ.download.idleMs);
        return this.answering(method, url, o, async () => {
            const viaFetch = this.options.fetch || !goesDirect(url);
            if (!viaFetch)
                this.sent++;
            const target = { method, url, file, headers: o.headers };
            return uploadOnce(viaFetch ? (u, init) => this.fetch(u, init) : undefined, target, idleMs);
        });
    }
    /** `request` and `upload`: `once` attempted by the policy; a retryable status is a failure that keeps its answer. */
    async answering(method, url, o, once) {
        const label = o.label ?? `${method} ${url}`;
        let last;
        const retried = await this.attempts(o.policy, { url, name: o.label ?? requestName(method, url) }, async () => {
            last = undefined;
            const res = await once();
            const failure = statusFailure(label, res, res.body);
            if (!isOk(res) && (0,retry/* isRetryable */.r3)(failure)) {
                last = res;
                return { ok: false, failure };
            }
            return { ok: true, value: res };
        }, label);
        return retried.ok || !last ? retried : { ...retried, answer: last };
    }
    /** A GET whose 2xx body is text; another status is a failure (retried when retryable). */
    getText(url, o = {}) {
        return this.read(url, o, (res) => ({ ok: true, value: res.body }));
    }
    /** A GET whose 2xx body is JSON of the shape `check` accepts; a body that does not parse is not retried. */
    getJson(url, check, o = {}) {
        return this.read(url, o, (res, label) => {
            const parsed = (0,parse/* parseJson */.q)(res.body, check);
            return parsed.ok
                ? parsed
                : {
                    ok: false,
                    failure: { kind: 'parse', status: res.status, message: `the answer to ${label} is ${parsed.reason}` }
                };
        });
    }
    /**
     * A 2xx body streamed into `dest`; a connection lost on the way is tried again from the start. No overall
     * timeout: the download ends when no byte came for `o.idleTimeoutMs` (default POLICIES.download.idleMs), a
     * TimeoutError, which is retried unless the client names its service (then that service is down for the job).
     */
    download(url, dest, o = {}) {
        const label = o.label ?? `GET ${url}`;
        const name = o.label ?? requestName('GET', url);
        const idleMs = o.idleTimeoutMs ?? (0,deadlines.ms)(policies/* POLICIES */.PQ.download.idleMs);
        return this.attempts(o.policy, { url, name }, () => downloadOnce((u, init) => this.fetch(u, init), { url, dest, headers: o.headers }, {
            label,
            name,
            idleMs,
            service: this.options.service
        }), label);
    }
    /** `getText` and `getJson`: a GET attempted by the policy, its 2xx answer taken by `take`. */
    read(url, o, take) {
        const label = o.label ?? `GET ${url}`;
        return this.attempts(o.policy, { url, name: o.label ?? requestName('GET', url) }, async () => {
            const res = await this.send('GET', url, { headers: o.headers, timeoutMs: o.timeoutMs, label: o.label });
            return isOk(res) ? take(res, label) : { ok: false, failure: statusFailure(label, res) };
        }, label);
    }
    /**
     * One attempt whose whole answer is read as text: counted, with a User-Agent and a deadline (`timeoutMs`, else
     * the client's, else POLICIES.otherRequestMs; never past the end of the phase it runs in). Over node:http(s)
     * unless a fetch was handed in or a proxy applies. Throws what the transport throws; at once, without a round
     * trip, when the service is down for this job or the phase is over. A deadline of its own that passes marks the
     * service down.
     */
    async send(method, url, o = {}) {
        const { timeoutMs, own, phase } = this.deadline(url, o.timeoutMs);
        try {
            if (this.options.fetch || !goesDirect(url)) {
                const signal = phase
                    ? AbortSignal.any([AbortSignal.timeout(timeoutMs), phase.signal])
                    : AbortSignal.timeout(timeoutMs);
                const init = { method, headers: o.headers, body: o.body, signal };
                return await readWhole(method, await this.fetch(url, init));
            }
            this.sent++;
            const limits = { timeoutMs, connectMs: (0,deadlines.ms)(policies/* POLICIES */.PQ.connectMs), signal: phase?.signal };
            return await nodeRequest(firstHop(method, url, o), limits);
        }
        catch (error) {
            const f = (0,retry/* failureOf */.g5)(error);
            // The phase's end, to which this request's deadline was clipped: the phase ran out (said once, as cut short).
            if (f.code === 'TimeoutError' && !own)
                phase?.end();
            // Its own deadline, not the phase's end: the service is silent (or no route reaches it).
            if (f.code === 'TimeoutError' && own && this.options.service) {
                const what = f.message.startsWith('could not connect')
                    ? `could not be connected to within ${(0,deadlines/* seconds */.YA)((0,deadlines.ms)(policies/* POLICIES */.PQ.connectMs))}`
                    : `did not answer within ${(0,deadlines/* seconds */.YA)(timeoutMs)}`;
                (0,deadlines/* markDown */.kF)(url, this.options.service, `${what} (${o.label ?? requestName(method, url)})`);
            }
            throw error;
        }
    }
    /** One attempt over fetch: counted, with a User-Agent and, unless `init` has a signal, the client's timeout. */
    async fetch(url, init) {
        this.sent++;
        const transport = this.options.fetch ?? (await this.proxied.forUrl(url));
        return transport(url, {
            ...init,
            headers: withUserAgent(init),
            signal: init.signal ?? AbortSignal.timeout(this.options.timeoutMs ?? (0,deadlines.ms)(policies/* POLICIES */.PQ.otherRequestMs))
        });
    }
    /**
     * The deadline of one request: its own, clipped to the phase's end; throws at once when there is no point
     * sending it.
     */
    deadline(url, asked) {
        const gone = (0,deadlines/* downFor */.kz)(url);
        if (gone)
            throw networkError(gone, 'ESERVICEDOWN');
        const phase = (0,deadlines/* currentPhase */.hk)();
        if (phase?.signal.aborted)
            throw phase.signal.reason;
        const timeoutMs = asked ?? this.options.timeoutMs ?? (0,deadlines.ms)(policies/* POLICIES */.PQ.otherRequestMs);
        const left = phase ? phase.until - Date.now() : Number.POSITIVE_INFINITY;
        if (left <= 0)
            throw networkError('the phase is over', 'EPHASEBUDGET');
        return { timeoutMs: Math.min(timeoutMs, left), own: timeoutMs <= left, phase };
    }
    /**
     * withRetries with this client's clock; a thrown error's message is prefixed with what was asked. A retried
     * request whose every attempt failed with a network error or a 5xx marks the service down (not a rate limit:
     * GitHub answered, and said when to come back).
     */
    async attempts(policy, target, work, label) {
        const p = policy ?? retry/* ONCE */.ET;
        const r = await (0,retry/* withRetries */.LH)(p, retry/* isRetryable */.r3, async () => {
            try {
                return await work();
            }
            catch (error) {
                const f = (0,retry/* failureOf */.g5)(error);
                return { ok: false, failure: { ...f, message: `${label} failed: ${f.message}` } };
            }
        }, this.options.clock ?? realClock);
        if (!r.ok &&
            this.options.service &&
            p.attempts > 1 &&
            r.attempts >= p.attempts &&
            (0,retry/* isRetryable */.r3)(r.failure) &&
            !(0,retry/* isRateLimited */.Jz)(r.failure)) {
            const last = r.failure.status !== undefined ? `answered ${r.failure.status}` : (r.failure.code ?? 'no answer');
            (0,deadlines/* markDown */.kF)(target.url, this.options.service, `failed ${r.attempts} attempts (${target.name}: ${last})`);
        }
        return r;
    }
}


/***/ }),

/***/ 4476:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Z: () => (/* binding */ drain)
/* harmony export */ });
/**
 * The one worker pool: `concurrency` workers take items off a shared queue until it is empty. A worker may put an
 * item back (`queue.unshift`) to try it again; the pool ends when every worker finds the queue empty.
 */
async function drain(queue, concurrency, work) {
    const worker = async () => {
        for (let item = queue.shift(); item !== undefined; item = queue.shift())
            await work(item);
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(Math.floor(concurrency) || 1, queue.length)) }, worker));
}


/***/ }),

/***/ 2063:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   a: () => (/* binding */ findCached)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var semver__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(2088);
/* harmony import */ var semver__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(semver__WEBPACK_IMPORTED_MODULE_2__);
/**
 * A look-up in the runner's tool cache without loading @actions/tool-cache (which loads @actions/core and its
 * HTTP client, about 1 MB, for a check of two paths). The layout is the one tool-cache writes and reads:
 * `<RUNNER_TOOL_CACHE>/<tool>/<version>/<arch>`, complete when the file `<arch>.complete` sits beside it
 * (@actions/tool-cache 4.0.0 `find` and `cacheDir`). Only exact versions: anything else is left to the
 * installer, which loads tool-cache.
 */



/**
 * The directory of `tool` at `version` (a tag such as v1.3.4) for `arch` in the tool cache at `root`, if it
 * is there and complete; undefined when it is not, or when the question is one only tool-cache answers.
 */
function findCached(root, tool, version, arch) {
    // An exact version without its `v` (1.3.4, 0.32.2-rc1): what tool-cache's semver.clean files a tool under.
    const exact = semver__WEBPACK_IMPORTED_MODULE_2___default().valid(version);
    if (!root || !exact)
        return undefined;
    const dir = node_path__WEBPACK_IMPORTED_MODULE_1__.join(root, tool, exact, arch);
    return node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync(dir) && node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync(`${dir}.complete`) ? dir : undefined;
}


/***/ }),

/***/ 9928:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  main: () => (/* binding */ main)
});

// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./src/io/buildkit/builder.ts + 3 modules
var buildkit_builder = __webpack_require__(5539);
// EXTERNAL MODULE: ./src/builder/args.ts
var args = __webpack_require__(6614);
;// CONCATENATED MODULE: ./src/fleet/address.ts
/**
 * The `builder` input as a list of buildkitd addresses: one is a running builder, several are a fleet. Each
 * address is one of the schemes envd can build on (envd v1.3.4 `envd context create --builder unix|tcp|kube-pod`;
 * the address it dials is `<builder>://<builder-address>`, pkg/buildkitd/buildkitd.go).
 */
const TCP = /^tcp:\/\/(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?):(\d{1,5})$/;
/** BuildKit's kube-pod connhelper accepts pod, namespace and container names of `[-a-z0-9.]+` (client/connhelper/kubepod/kubepod.go:50-77 at v0.32.2). */
const KUBE_NAME = /^[-a-z0-9.]+$/;
/** A kubectl context name: kept to characters that need no quoting anywhere it is passed on. */
const KUBE_CONTEXT = /^[A-Za-z0-9._@:/-]+$/;
const KUBE_KEYS = ['namespace', 'context', 'container'];
/** Splits the input on commas and newlines; blank entries and `#` comment lines are skipped. */
function splitAddresses(text) {
    return text
        .split(/\r?\n/)
        .filter((line) => !line.trim().startsWith('#'))
        .flatMap((line) => line.split(','))
        .map((s) => s.trim())
        .filter((s) => s !== '');
}
/** One address, or why it cannot be used. `shown`: the value as a message may quote it. */
function parseAddress(text, shown) {
    if (text.startsWith('unix://')) {
        const p = text.slice('unix://'.length);
        return p.startsWith('/') && p.length > 1 && !/[\0\s]/.test(p)
            ? { scheme: 'unix', text, path: p }
            : `${shown(text)} is not unix:///absolute/path/to/buildkitd.sock`;
    }
    if (text.startsWith('tcp://')) {
        const m = TCP.exec(text);
        if (!m)
            return `${shown(text)} is not tcp://host:port (a host name, an IPv4 address or [an IPv6 address], and a port)`;
        const port = Number(m[2]);
        if (port < 1 || port > 65535)
            return `${shown(text)} has port ${port}; a port is 1-65535`;
        return { scheme: 'tcp', text, host: m[1].replace(/^\[|\]$/g, ''), port };
    }
    if (text.startsWith('kube-pod://'))
        return parseKubePod(text, shown);
    return `${shown(text)} is not an address envd can build on: unix:///path/to/buildkitd.sock, tcp://host:port or kube-pod://<pod>?namespace=<ns>`;
}
function parseKubePod(text, shown) {
    const rest = text.slice('kube-pod://'.length);
    const q = rest.indexOf('?');
    const pod = q < 0 ? rest : rest.slice(0, q);
    if (!KUBE_NAME.test(pod))
        return `${shown(text)} names no pod BuildKit accepts (kube-pod://<pod>, a pod name of a-z 0-9 . -)`;
    const out = { scheme: 'kube-pod', text, pod };
    for (const pair of q < 0 ? [] : rest.slice(q + 1).split('&')) {
        const eq = pair.indexOf('=');
        const key = eq < 0 ? pair : pair.slice(0, eq);
        const value = eq < 0 ? '' : pair.slice(eq + 1);
        if (!KUBE_KEYS.includes(key))
            return `${shown(text)} has ${shown(key)}; kube-pod:// takes only ${KUBE_KEYS.join(', ')}`;
        if (!(key === 'context' ? KUBE_CONTEXT : KUBE_NAME).test(value))
            return `${shown(text)} has ${key}=${shown(value)}, which BuildKit's kube-pod helper does not accept`;
        out[key] = value;
    }
    return out;
}
/** Every address of the input, each checked; the same address twice is a mistake (it would be ranked twice). */
function parseAddresses(text, shown) {
    const addresses = [];
    const problems = [];
    for (const entry of splitAddresses(text)) {
        const a = parseAddress(entry, shown);
        if (typeof a === 'string')
            problems.push(a);
        else if (addresses.some((b) => b.text === a.text))
            problems.push(`lists ${shown(a.text)} twice; name each builder once`);
        else
            addresses.push(a);
    }
    return { addresses, problems };
}
const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|::1)$/i;
/** Whether the builder runs on another machine than the runner (a kube-pod, or tcp to a host other than loopback). */
function isRemote(a) {
    return a.scheme === 'kube-pod' || (a.scheme === 'tcp' && !LOOPBACK.test(a.host));
}
/** What `envd context create` takes for it: the builder kind and `--builder-address`, without a scheme. */
function envdTarget(a) {
    return { builder: a.scheme, address: a.text.slice(a.scheme.length + '://'.length) };
}

;// CONCATENATED MODULE: ./src/fleet/choice.ts
/**
 * What a probe of one builder found, in words a workflow author can act on, and the record of how a fleet's
 * builder was chosen. A TLS failure is one line: the address, what failed, and the input that fixes it.
 */
/** OpenSSL's verify results when no CA given trusts the daemon's certificate chain. */
const UNTRUSTED = new Set([
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    'UNABLE_TO_GET_ISSUER_CERT',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'CERT_SIGNATURE_FAILURE',
    'CERT_UNTRUSTED'
]);
/** Alerts a daemon sends about the client certificate it got: Go sends bad_certificate, OpenSSL unknown_ca. */
const REFUSED_CLIENT = new Set([
    'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE',
    'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA',
    'ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN',
    'ERR_SSL_TLSV1_ALERT_ACCESS_DENIED',
    'ERR_SSL_TLSV1_ALERT_DECRYPT_ERROR',
    'ERR_SSL_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE'
]);
/** Alerts for no client certificate at all (TLS 1.3 certificate_required; TLS 1.2 daemons send handshake_failure). */
const MISSING_CLIENT = new Set(['ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE']);
/** What OpenSSL says when the other side answers a client hello with something that is not TLS. */
const NOT_TLS = new Set([
    'ERR_SSL_WRONG_VERSION_NUMBER',
    'ERR_SSL_PACKET_LENGTH_TOO_LONG',
    'ERR_SSL_RECORD_LAYER_FAILURE',
    'EPROTO'
]);
const NET = {
    ECONNREFUSED: 'nothing listens there (connection refused)',
    ENOTFOUND: 'the host name does not resolve',
    EAI_AGAIN: 'the host name does not resolve (temporary DNS failure)',
    EHOSTUNREACH: 'the host cannot be reached',
    ENETUNREACH: 'the network cannot be reached',
    ETIMEDOUT: 'the connection timed out',
    ECONNRESET: 'the connection was reset',
    ENOENT: 'the socket does not exist',
    EACCES: 'this user may not use the socket'
};
/** The failure's "what failed; the fix" part, for the address named around it. `tls`: TLS inputs were given. */
function explainFailure(f, tls) {
    const code = f.code ?? '';
    if (f.stage === 'tls' || (tls && NOT_TLS.has(code))) {
        if (UNTRUSTED.has(code))
            return "TLS: the daemon's certificate is not signed by the CA in builder-tls-ca; give builder-tls-ca the CA that signed the daemon certificates";
        if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
            // Node: "Hostname/IP does not match certificate's altnames: Host: x. is not in the cert's altnames: DNS:…"
            const names = /cert's altnames: (.*)$/.exec(f.detail ?? '')?.[1];
            return `TLS: the daemon's certificate is not valid for the name the action checked${names ? ` (it carries ${names})` : ''}; set builder-tls-server-name to a name it carries`;
        }
        if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID')
            return `TLS: the daemon's certificate ${code === 'CERT_HAS_EXPIRED' ? 'has expired' : 'is not valid yet'}; renew the daemon certificate`;
        if (MISSING_CLIENT.has(code))
            return 'TLS: the daemon requires a client certificate and none was given; set builder-tls-cert and builder-tls-key';
        if (code === 'CLOSED_AFTER_HANDSHAKE')
            return `TLS: the daemon closed the connection right after the handshake, as it does when it refuses the client certificate; ${tls ? 'give builder-tls-cert and builder-tls-key a certificate signed by the CA the daemon trusts (its --tlscacert)' : 'set builder-tls-cert and builder-tls-key'}`;
        if (REFUSED_CLIENT.has(code))
            return 'TLS: the daemon refused the client certificate; give builder-tls-cert and builder-tls-key a certificate signed by the CA the daemon trusts (its --tlscacert)';
        if (NOT_TLS.has(code) || code === 'ECONNRESET')
            return 'TLS: the daemon does not speak TLS (a plain tcp listener); remove the builder-tls-* inputs for it, or start buildkitd with --tlscacert, --tlscert and --tlskey';
        return `TLS: the handshake failed (${code || f.detail || 'no reason given'}); check builder-tls-ca, builder-tls-cert, builder-tls-key and builder-tls-server-name`;
    }
    if (f.speaksTls)
        return 'TLS: the daemon speaks TLS and the action connected in plain text; set builder-tls-ca, builder-tls-cert and builder-tls-key';
    if (f.stage === 'timeout')
        return `no answer to ListWorkers within ${Math.round((f.timeoutMs ?? 0) / 100) / 10} s; check that the daemon runs and the address is right`;
    if (f.stage === 'connect')
        return `${NET[code] ?? `cannot connect (${code || f.detail || 'no reason given'})`}; check that the daemon runs and the address is right`;
    return `no gRPC answer to ListWorkers${f.code ? ` (status ${f.code}${f.detail ? `: ${f.detail}` : ''})` : f.detail ? ` (${f.detail})` : ''}; check that a buildkitd listens there`;
}
/** One line: the address, what failed and what to change. */
function explain(address, f, tls) {
    return `${address}: ${explainFailure(f, tls)}`;
}
/** Whether a failure is about TLS (so the run stops before envd, whatever the other builders answer). */
function isTlsFailure(f, tls) {
    return explainFailure(f, tls).startsWith('TLS:');
}
/** The reason for the choice, from the ranking and what the ones before it said. */
function choiceReason(ranked, chosen, passed) {
    if (ranked.length === 1)
        return 'the one builder given; it answered';
    const place = ranked.indexOf(chosen);
    if (place === 0)
        return 'first for this cache scope by rendezvous hashing; it answered';
    return `number ${place + 1} for this cache scope by rendezvous hashing: ${passed.map((p) => p.address).join(', ')} did not answer`;
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
;// CONCATENATED MODULE: ./src/fleet/rank.ts
/**
 * Sticky routing: the builders of a fleet ranked per cache scope by rendezvous (highest-random-weight)
 * hashing. Each builder's weight for a scope is a hash of the pair; the scope goes to the heaviest. The order
 * depends only on the scope and the set of addresses (not on the order written), and adding or removing a
 * builder moves only the scopes whose heaviest builder it is: about 1/N of them.
 */

/** The weight of `address` for `scope`: the first 8 bytes of SHA-256 over both, as an unsigned integer. */
function weight(scope, address) {
    return (0,external_node_crypto_.createHash)('sha256').update(scope).update('\0').update(address).digest().readBigUInt64BE(0);
}
/** The addresses, heaviest first for this scope (ties, which SHA-256 makes vanishingly rare, by address). */
function rank(scope, addresses) {
    const weighted = addresses.map((a) => ({ a, w: weight(scope, a.text) }));
    weighted.sort((x, y) => (x.w === y.w ? (x.a.text < y.a.text ? -1 : 1) : x.w > y.w ? -1 : 1));
    return weighted.map((x) => x.a);
}
/** The plan's word on the builder: the ranking for this scope, made before anything is asked. */
function fleetDecision(scope, addresses) {
    if (addresses.length === 1)
        return {
            topic: 'builder',
            outcome: addresses[0].text,
            reason: 'a running buildkitd given by address; used when it answers ListWorkers'
        };
    const ranked = rank(scope, addresses).map((a) => a.text);
    return {
        topic: 'builder',
        outcome: `fleet of ${ranked.length}`,
        reason: `ranked for this scope by rendezvous hashing: ${ranked.join(', ')}; the build runs on the first that answers ListWorkers`
    };
}

;// CONCATENATED MODULE: ./src/fleet/tls.ts
/** PEM text when the value holds a PEM header, else a path (one line). */
function pemSource(value) {
    const t = value.trim();
    if (t === '')
        return undefined;
    return t.includes('-----BEGIN ') ? { from: 'text', pem: t } : { from: 'file', path: t };
}
const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;
const KEY_LABELS = ['PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY'];
/** Why PEM text is not what the input takes, or undefined. Names the labels found, never the content. */
function pemProblem(pem, kind) {
    const labels = [...pem.matchAll(BLOCK)].map((m) => m[1]);
    if (labels.length === 0)
        return 'holds no complete PEM block (-----BEGIN …----- to -----END …-----)';
    if (kind === 'certificate') {
        if (labels.some((l) => l.includes('PRIVATE KEY')))
            return 'holds a private key; give it to builder-tls-key, and here the certificate(s) only';
        return labels.includes('CERTIFICATE') ? undefined : `holds ${labels.join(', ')}, not a CERTIFICATE`;
    }
    if (labels.includes('ENCRYPTED PRIVATE KEY') || /Proc-Type: 4,ENCRYPTED/.test(pem))
        return 'is an encrypted private key; the action takes no passphrase: give the key unencrypted, from a secret';
    const keys = labels.filter((l) => KEY_LABELS.includes(l));
    if (keys.length !== 1)
        return keys.length
            ? 'holds several private keys; give the one that goes with builder-tls-cert'
            : `holds ${labels.join(', ')}, not a PRIVATE KEY`;
    return undefined;
}
/** A name a certificate can carry: a DNS name or an IP address. */
const SERVER_NAME = /^([A-Za-z0-9*](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|[0-9A-Fa-f:.]+)$/;
/** The problems of the TLS inputs as given, with the builder addresses they are for. */
function tlsInputProblems(tls, addresses) {
    const problems = [];
    const on = !!(tls.ca || tls.cert || tls.key);
    if (tls.cert && !tls.key)
        problems.push({
            input: 'builder-tls-key',
            message: 'is empty while builder-tls-cert is set; a client certificate needs its private key'
        });
    if (tls.key && !tls.cert)
        problems.push({
            input: 'builder-tls-cert',
            message: 'is empty while builder-tls-key is set; a private key needs its client certificate'
        });
    if (tls.serverName !== undefined) {
        if (!on)
            problems.push({
                input: 'builder-tls-server-name',
                message: 'is set without builder-tls-ca, builder-tls-cert or builder-tls-key; it only names the daemon in its TLS certificate'
            });
        else if (!SERVER_NAME.test(tls.serverName))
            problems.push({
                input: 'builder-tls-server-name',
                message: 'is not a DNS name or an IP address, as a daemon certificate names it'
            });
    }
    for (const [input, source, kind] of [
        ['builder-tls-ca', tls.ca, 'certificate'],
        ['builder-tls-cert', tls.cert, 'certificate'],
        ['builder-tls-key', tls.key, 'private key']
    ]) {
        if (source?.from === 'text') {
            const p = pemProblem(source.pem, kind);
            if (p)
                problems.push({ input, message: p });
        }
        else if (source?.from === 'file' && /[\r\n]/.test(source.path))
            problems.push({ input, message: `is neither PEM text (-----BEGIN …) nor the path of a ${kind} file (one line)` });
    }
    if (on && addresses && !addresses.some((a) => a.scheme === 'tcp'))
        problems.push({
            input: tls.ca ? 'builder-tls-ca' : tls.cert ? 'builder-tls-cert' : 'builder-tls-key',
            message: 'is set, but no builder is tcp://; TLS is used only for tcp:// builders (unix:// and kube-pod:// have their own transport)'
        });
    return problems;
}
/**
 * What to register as secrets for one TLS input before anything is logged: the whole value, and each line of
 * PEM text long enough to be a mask worth having (the runner masks line by line; a 64-character base64 line of
 * a key is one). Certificates are masked too: nothing of them is meant for a log.
 */
function pemSecrets(value) {
    const out = new Set();
    const t = value.trim();
    if (t === '')
        return [];
    out.add(t);
    for (const line of t.split(/\r?\n/).map((l) => l.trim()))
        if (line.length >= 16 && !line.startsWith('-----'))
            out.add(line);
    return [...out];
}

// EXTERNAL MODULE: external "node:net"
var external_node_net_ = __webpack_require__(7030);
// EXTERNAL MODULE: external "node:tls"
var external_node_tls_ = __webpack_require__(1692);
// EXTERNAL MODULE: ./src/io/exec.ts + 1 modules
var exec = __webpack_require__(6429);
// EXTERNAL MODULE: ./src/io/grpc-list-workers.ts
var grpc_list_workers = __webpack_require__(7137);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
;// CONCATENATED MODULE: ./src/io/tls-relay.ts
/**
 * envd's tcp builder connects in plain text (envd v1.3.4: `--builder tcp` has no TLS options), so a daemon
 * that wants mutual TLS is reached through this relay: a unix socket in the run's private directory (0700),
 * each connection to it carried over its own TLS connection to the daemon, with the client certificate,
 * the CA and the server name of the builder-tls-* inputs, offering ALPN h2 as buildctl does (gRPC). A
 * connection whose handshake fails is closed: nothing is ever sent to the daemon in plain text.
 */



/** The client side of the handshake buildctl makes with --tlscacert/--tlscert/--tlskey/--tlsservername. */
function tlsOptions(t) {
    return {
        host: t.host,
        port: t.port,
        ca: t.tls.ca,
        cert: t.tls.cert,
        key: t.tls.key,
        // Without a server name the host is checked; an IP address is checked against the certificate's IP names.
        servername: t.tls.serverName ?? (external_node_net_.isIP(t.host) ? undefined : t.host),
        ALPNProtocols: ['h2'],
        minVersion: 'TLSv1.2',
        rejectUnauthorized: true
    };
}
/** Opens one TLS connection to the daemon (still in its handshake). */
function connectTls(t) {
    // allowHalfOpen (a net.Socket option tls.connect passes on; not in its type): a half-close stays a half-close.
    const options = { ...tlsOptions(t), allowHalfOpen: true };
    return external_node_tls_.connect(options);
}
/** Carries bytes both ways; each side's end is passed on (a half-close stays a half-close); an error closes both. */
function relay(client, upstream, onRefused) {
    let secure = false;
    upstream.once('secureConnect', () => (secure = true));
    const drop = () => {
        client.destroy();
        upstream.destroy();
    };
    client.on('error', drop);
    upstream.on('error', (e) => {
        // Under TLS 1.3 the daemon judges the client certificate after the client's handshake is done: its alert
        // arrives as the first thing read.
        if (!secure || e.code?.startsWith('ERR_SSL'))
            onRefused(e);
        drop();
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    // Bytes written before the handshake ends wait in the TLS socket: only encrypted records ever leave it.
    client.pipe(upstream);
    upstream.pipe(client);
}
/** Starts the relay on `socket` (a path in a directory only this user can enter) to the daemon at `target`. */
async function startTlsRelay(target, socket) {
    const open = new Set();
    let relayed = 0;
    let refused = 0;
    let last;
    const server = external_node_net_.createServer({ allowHalfOpen: true }, (client) => {
        relayed++;
        const upstream = connectTls(target);
        for (const s of [client, upstream]) {
            open.add(s);
            s.once('close', () => open.delete(s));
        }
        relay(client, upstream, (e) => {
            refused++;
            last = e;
        });
    });
    external_node_fs_.rmSync(socket, { force: true });
    await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(socket, () => {
            server.off('error', reject);
            resolve();
        });
    });
    external_node_fs_.chmodSync(socket, 0o600);
    return {
        socket,
        counts: () => ({ relayed, refused }),
        lastError: () => last,
        close: async () => {
            const closed = new Promise((r) => server.close(() => r()));
            for (const s of open)
                s.destroy();
            await closed;
            external_node_fs_.rmSync(socket, { force: true });
        }
    };
}
/**
 * Whether the daemon at host:port answers a TLS client hello with a server hello: asked after a plain-text
 * probe failed, to tell "this daemon wants TLS" from "nothing useful there". Verifies nothing and sends no
 * data; bounded by `timeoutMs`.
 */
function speaksTls(host, port, timeoutMs) {
    return new Promise((resolve) => {
        const s = external_node_tls_.connect({
            host,
            port,
            servername: external_node_net_.isIP(host) ? undefined : host,
            rejectUnauthorized: false,
            ALPNProtocols: ['h2']
        });
        const done = (yes) => {
            clearTimeout(timer);
            s.destroy();
            resolve(yes);
        };
        const timer = setTimeout(() => done(false), timeoutMs);
        s.once('secureConnect', () => done(true));
        // A daemon that wants a client certificate may end the handshake with an alert: it still spoke TLS.
        s.once('error', (e) => done(/^ERR_SSL_(TLSV13_ALERT_CERTIFICATE_REQUIRED|SSLV3_ALERT_HANDSHAKE_FAILURE|SSLV3_ALERT_BAD_CERTIFICATE|TLSV1_ALERT)/.test(e.code ?? '')));
    });
}

;// CONCATENATED MODULE: ./src/io/builder-probe.ts
/**
 * Whether a running buildkitd answers, and if not, where it stopped: ListWorkers in-process (over TLS when the
 * builder-tls-* inputs are given), `buildctl debug workers` where that cannot settle it (kube-pod://, or a
 * daemon that does not speak gRPC in-process), and a TLS hello when a plain-text probe failed.
 */





async function viaBuildctl(addr, o) {
    const r = await exec/* Exec */.W.run(o.buildctl, ['--addr', addr, 'debug', 'workers'], { env: o.env, timeoutMs: o.timeoutMs });
    if (r.code === 0)
        return { ok: true };
    const detail = (r.stderr || r.stdout).trim().split('\n').pop();
    return { ok: false, stage: 'grpc', detail: `buildctl debug workers: ${detail || `exit ${r.code}`}` };
}
/** Probes one builder, bounded. Never throws. */
async function probeBuilder(a, o) {
    if (a.scheme === 'kube-pod')
        return viaBuildctl(a.text, o);
    // Not half-open (unlike the relay): a daemon that closes after the handshake ends the probe at once.
    if (a.scheme === 'tcp' && o.tls)
        return (0,grpc_list_workers/* listWorkersOn */.Z)(() => external_node_tls_.connect(tlsOptions({ host: a.host, port: a.port, tls: o.tls })), o.timeoutMs);
    const plain = await (0,grpc_list_workers/* listWorkersOn */.Z)(() => (a.scheme === 'unix' ? external_node_net_.connect(a.path) : external_node_net_.connect({ host: a.host, port: a.port })), o.timeoutMs);
    if (plain.ok || plain.stage === 'connect' || plain.stage === 'timeout')
        return plain;
    if (a.scheme === 'tcp' && (await speaksTls(a.host, a.port, o.timeoutMs)))
        return { ...plain, speaksTls: true };
    return viaBuildctl(a.text, o);
}
/** The chosen builder's BuildKit version (`buildctl debug info`), through `addr` (the relay for a TLS builder). */
async function builderVersion(addr, o) {
    const info = await exec/* Exec */.W.run(o.buildctl, ['--addr', addr, 'debug', 'info'], { env: o.env, timeoutMs: o.timeoutMs });
    return info.code === 0 ? info.stdout : undefined;
}

// EXTERNAL MODULE: ./src/action/names.ts
var names = __webpack_require__(2814);
// EXTERNAL MODULE: ./src/text/text.ts
var text_text = __webpack_require__(8544);
;// CONCATENATED MODULE: ./src/io/tls-material.ts
/**
 * The PEM text of the builder-tls-* inputs: given inline, or read from the file a path names (relative to the
 * workspace). Checked as the inputs are; a message names the input and, for a file, its path, never the content.
 */





const FIELDS = [
    ['ca', names/* Input */.p.BuilderTlsCa, 'certificate'],
    ['cert', names/* Input */.p.BuilderTlsCert, 'certificate'],
    ['key', names/* Input */.p.BuilderTlsKey, 'private key']
];
/** A PEM file is a few KB; anything this large is not one (and is not read whole into a message). */
const MAX_PEM_BYTES = 1 << 20;
function readPem(source, cwd, kind) {
    if (source.from === 'text')
        return { pem: source.pem };
    const file = external_node_path_.resolve(cwd, source.path);
    let text;
    try {
        const st = external_node_fs_.statSync(file);
        if (!st.isFile())
            return {
                problem: `names ${(0,text_text/* echo */.WI)(source.path)}, which is not a file; give the path of a PEM ${kind} file, or the PEM text itself`
            };
        if (st.size > MAX_PEM_BYTES)
            return { problem: `names ${(0,text_text/* echo */.WI)(source.path)}, which is ${st.size} bytes: not a PEM ${kind} file` };
        text = external_node_fs_.readFileSync(file, 'utf8');
    }
    catch (e) {
        const code = e.code;
        return {
            problem: `is neither PEM text (-----BEGIN …) nor a readable file: ${(0,text_text/* echo */.WI)(source.path)} ${code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? 'error'})`}; write the ${kind} to a file in an earlier step, or pass the PEM text from a secret`
        };
    }
    const problem = pemProblem(text, kind);
    return problem ? { problem: `names ${(0,text_text/* echo */.WI)(source.path)}, which ${problem}` } : { pem: text };
}
/** The PEM text of each TLS input, or the problems that stop the run before anything starts. */
function readTlsMaterial(tls, cwd) {
    const material = { serverName: tls.serverName };
    const problems = [];
    for (const [field, input, kind] of FIELDS) {
        const source = tls[field];
        if (!source)
            continue;
        const r = readPem(source, cwd, kind);
        if (r.problem)
            problems.push({ input, message: r.problem });
        else
            material[field] = r.pem;
    }
    return problems.length ? { problems } : { material, problems };
}

// EXTERNAL MODULE: ./node_modules/smol-toml/dist/index.js + 8 modules
var dist = __webpack_require__(3292);
// EXTERNAL MODULE: ./node_modules/semver/index.js
var semver = __webpack_require__(2088);
var semver_default = /*#__PURE__*/__webpack_require__.n(semver);
// EXTERNAL MODULE: ./src/backends/index.ts + 7 modules
var backends = __webpack_require__(7399);
;// CONCATENATED MODULE: ./src/backends/buildkit.ts
/** Which BuildKit the backends in use need (each backend's `minBuildkit`). Pure. */


/** Whether `version` (v-prefixed or not) is at least `min` by major.minor.patch, a prerelease counting as its release. */
function versionAtLeast(version, min) {
    const v = semver_default().parse(version);
    if (!v)
        return true; // latest/system: checked against the real binary later
    return v.compareMain(min) >= 0;
}
/**
 * The floors that `version` misses among the backends named in `types` (the cache input, the export's and the
 * import's type; unknown names are ignored). A version that is not semver (latest, system) passes here.
 */
function buildkitFloorMisses(types, version) {
    const misses = [];
    for (const backend of Object.values(backends/* BACKENDS */.A7)) {
        const floor = backend.minBuildkit;
        if (!floor || !types.includes(backend.name))
            continue;
        if (version === undefined)
            misses.push({ backend, floor, status: 'unknown' });
        else if (!versionAtLeast(version, floor.version))
            misses.push({ backend, floor, status: 'too-old' });
    }
    return misses;
}

// EXTERNAL MODULE: ./src/backends/attributes.ts
var attributes = __webpack_require__(832);
// EXTERNAL MODULE: ./src/cache/csv.ts
var csv = __webpack_require__(9022);
// EXTERNAL MODULE: ./src/cache/image-ref.ts
var image_ref = __webpack_require__(3715);
// EXTERNAL MODULE: ./src/cache/redact.ts
var redact = __webpack_require__(2097);
// EXTERNAL MODULE: ./src/backends/spec.ts
var backends_spec = __webpack_require__(3586);
// EXTERNAL MODULE: ./src/cache/suggest.ts
var suggest = __webpack_require__(4372);
// EXTERNAL MODULE: ./src/inputs/output.ts
var inputs_output = __webpack_require__(8708);
;// CONCATENATED MODULE: ./src/cache/entries.ts
/**
 * The GitHub cache entries the action keeps besides BuildKit's (cache-mount archives, the hit-ratio history): which
 * ones a newer entry of the same slot supersedes, for pruning to delete, and the history's keys (its record is
 * report/history.ts). Pure.
 */
/**
 * Entries of the action's own that only the newest of their slot matters for (a restore takes the newest match):
 * every entry `slotOf` places (undefined: not such an entry) except the newest per slot, by creation, then id.
 */
function allButNewest(entries, slotOf) {
    const newest = new Map();
    for (const e of entries) {
        const slot = slotOf(e);
        if (slot === undefined)
            continue;
        const best = newest.get(slot);
        if (!best || e.createdAt > best.createdAt || (e.createdAt === best.createdAt && e.id > best.id))
            newest.set(slot, e);
    }
    const keep = new Set(newest.values());
    return entries.filter((e) => slotOf(e) !== undefined && !keep.has(e));
}
/** Every history entry's key starts with this; the budget's pruning treats all but a scope's newest as superseded. */
const HISTORY_KEY_PREFIX = 'envd-history-';
/** The restore prefix of a scope's entries. */
const historyKeyPrefix = (scope) => `${HISTORY_KEY_PREFIX}${scope}#`;
/** One entry per run attempt: a key is never written twice. */
const historyKey = (scope, run, attempt) => `${historyKeyPrefix(scope)}${run}-${attempt}`;
const HISTORY_KEY = /^envd-history-(.+)#(\d{1,20})-(\d{1,4})$/;
/** `envd-history-<scope>#<run>-<attempt>` → its parts; undefined for any other key. */
function parseHistoryKey(key) {
    const m = HISTORY_KEY.exec(key);
    return m ? { scope: m[1], run: m[2], attempt: Number(m[3]) } : undefined;
}
/**
 * For the budget's pruning: the history entries a later one supersedes. Per ref and scope only the newest
 * (by creation, then id) is ever restored, so every older one is dead weight. Pure; other keys are ignored.
 */
function supersededHistoryEntries(entries) {
    return allButNewest(entries, (e) => {
        const k = parseHistoryKey(e.key);
        return k && `${e.ref}\n${k.scope}`;
    });
}

;// CONCATENATED MODULE: ./src/mounts/mounts.ts
/**
 * envd's package caches (BuildKit cache mounts) kept between runs: which mounts a build uses, how they are found
 * in BuildKit's own records, their GitHub cache keys, and the two small builds that copy a saved archive into a
 * mount and out of it (the technique of reproducible-containers/buildkit-cache-dance, written here afresh). Pure.
 */



/**
 * The directories envd mounts a cache on (envd v1.3.4, `pkg/lang/ir/v1/`): pip in `python.go`
 * compilePyPIPackages, conda's package directory in `conda.go` compileCondaPackages, apt's two in `system.go`.
 * Each mount's id is `<dir>/<environment name>-cpu` or `-gpu` (`cache.go` CacheID).
 */
const ENVD_MOUNT_DIRS = ['/root/.cache/pip', '/opt/conda/pkgs', '/var/cache/apt', '/var/lib/apt'];
const FLAVOURS = ['cpu', 'gpu'];
/**
 * busybox 1.34.1 (uclibc), pinned by digest: the reference BuildKit v0.32.2's own tests resolve
 * (`client/policy_test.go:1620`, `sourcepolicy/mutate_test.go:36`). It has `sh` and `tar`, and nothing else is used.
 */
const DEFAULT_HELPER_IMAGE = 'docker.io/library/busybox:1.34.1-uclibc@sha256:3614ca5eacf0a3a1bcc361c939202a974b4902b9334ff36eb29ffe9011aaad83';
/** The largest mount saved, unless `cache-mounts-max` says otherwise. */
const DEFAULT_MOUNTS_MAX = 2 * 10 ** 9;
/** `cache-mounts`: none, auto, or directories (one a line or comma separated). A value or a problem. */
function parseMountsSetting(text) {
    const t = text.trim();
    if (t === '' || t.toLowerCase() === 'none')
        return { ok: true, value: { kind: 'none' } };
    if (t.toLowerCase() === 'auto')
        return { ok: true, value: { kind: 'auto' } };
    const dirs = [
        ...new Set(t
            .split(/[\n,]/)
            .map((d) => d.trim().replace(/\/+$/, ''))
            .filter((d) => d !== ''))
    ];
    const bad = dirs.find((d) => !/^\/[A-Za-z0-9._/-]+$/.test(d) || d.split('/').includes('..'));
    if (bad !== undefined)
        return {
            ok: false,
            problem: `${JSON.stringify(bad)} is not an absolute directory inside the build (such as /root/.cache/pip); write none, auto, or envd's cache directories: ${ENVD_MOUNT_DIRS.join(', ')}`
        };
    return { ok: true, value: { kind: 'dirs', dirs } };
}
/** `cache-mounts-image`: an image reference, or a path (absolute or `./`) to a static busybox binary. */
function parseHelper(text) {
    const t = text.trim();
    if (t === '')
        return { kind: 'image', ref: DEFAULT_HELPER_IMAGE };
    return t.startsWith('/') || t.startsWith('./') ? { kind: 'busybox', file: t } : { kind: 'image', ref: t };
}
/** envd's environment name: the last element of the build path (`compile.go`, filepath.Base of the absolute path). */
function envName(absolutePath) {
    const parts = absolutePath.split('/').filter((p) => p !== '' && p !== '.');
    return parts[parts.length - 1] ?? '/';
}
/** The directories a setting keeps. */
function mountDirs(setting) {
    return setting.kind === 'auto' ? ENVD_MOUNT_DIRS : setting.kind === 'dirs' ? setting.dirs : [];
}
/** Every mount id the build may use: each directory for CPU and GPU. Restored by whichever has an entry. */
function candidateIds(setting, env) {
    return mountDirs(setting).flatMap((dir) => FLAVOURS.map((f) => `${dir}/${env}-${f}`));
}
/** Whether a mount id belongs to the setting and environment (`<dir>/<env>-cpu|-gpu`). */
function isKept(setting, env, id) {
    return candidateIds(setting, env).includes(id);
}
/** tonistiigi/units decimal suffixes, as BuildKit v0.32.2's vendored `units/bytes.go` prints them with `%.2f`. */
const UNIT = { B: 1, kB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12, PB: 1e15, EB: 1e18 };
function parseDuSize(text) {
    const m = /^(\d+(?:\.\d+)?)([kMGTPE]?B)$/.exec(text.trim());
    return m ? Math.round(Number(m[1]) * UNIT[m[2]]) : undefined;
}
/**
 * The mount id in a cache mount's description. BuildKit v0.32.2 `solver/llbsolver/mounts/mount.go:48-51` writes
 * `cached mount <target> from <manager>` and, when the id differs from the target, ` with id %q` (Go quoting).
 */
function mountIdOf(description) {
    const at = description.lastIndexOf(' with id "');
    if (at >= 0 && description.endsWith('"'))
        return unquoteGo(description.slice(at + ' with id '.length));
    const m = /^cached mount (\S+) from /.exec(description);
    return m?.[1];
}
function unquoteGo(quoted) {
    try {
        return JSON.parse(quoted);
    }
    catch {
        return undefined;
    }
}
/**
 * The cache mounts in `buildctl du --verbose`: BuildKit v0.32.2 `cmd/buildctl/diskusage.go:84-110` prints each
 * record as `Key:\tvalue` lines (ID, Parents, Created at, Mutable, Reclaimable, Shared, Size, Description,
 * Usage count, Last used, Type) and a blank line; cache mounts have `Type: exec.cachemount`
 * (`client/diskusage.go:86`). The summary lines after the records (`Reclaimable:`, `Total:`) have no ID.
 */
function parseDiskUsage(text) {
    const out = [];
    for (const block of text.split(/\r?\n\s*\r?\n/)) {
        const fields = new Map();
        for (const line of block.split(/\r?\n/)) {
            const colon = line.indexOf(':');
            if (colon > 0)
                fields.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
        }
        if (fields.get('Type') !== 'exec.cachemount' || !fields.has('ID'))
            continue;
        const id = mountIdOf(fields.get('Description') ?? '');
        const size = parseDuSize(fields.get('Size') ?? '');
        if (id === undefined || size === undefined)
            continue;
        out.push({ id, size, lastUsed: fields.get('Last used') ?? '' });
    }
    return out;
}
/**
 * GitHub cache keys: `envd-mount-<scope>#<mount id>#<16 hex of the archive's sha256>[.<16 hex fingerprint>]`. `#`
 * never occurs in a scope (cache-scope's rule) and the key ends in the content hash and the fingerprint of what
 * the package steps that filled it depended on (`packageFingerprint`; keys saved before it have none), so the
 * newest of a mount and scope is found by the prefix up to the second `#`.
 */
const MOUNT_KEY_PREFIX = 'envd-mount-';
const mountKeyPrefix = (scope, id) => `${MOUNT_KEY_PREFIX}${scope}#${id}#`;
const mountKey = (scope, id, sha256Hex, fingerprint) => `${mountKeyPrefix(scope, id)}${sha256Hex.slice(0, 16)}${fingerprint ? `.${fingerprint}` : ''}`;
function parseMountKey(key) {
    const m = /^envd-mount-([^#]+)#(\/[^#]+)#([0-9a-f]{16})(?:\.([0-9a-f]{16}))?$/.exec(key);
    if (!m)
        return undefined;
    return { scope: m[1], id: m[2], hash: m[3], ...(m[4] ? { fingerprint: m[4] } : {}) };
}
/**
 * The files a build.envd may name for its package steps (`requirements.txt`, `environment.yml`, a wheel): every
 * string literal that reads as a relative path inside the build directory. Which of them exist is the shell's
 * to find; a literal that is no file (a package name) changes nothing.
 */
function namedFiles(buildFile) {
    const out = new Set();
    for (const m of buildFile.matchAll(/"([^"\n]{1,200})"|'([^'\n]{1,200})'/g)) {
        const p = (m[1] ?? m[2]).trim().replace(/^\.\//, '');
        if (/^[A-Za-z0-9_][A-Za-z0-9._/-]*$/.test(p) && !p.split('/').includes('..'))
            out.add(p);
    }
    return [...out].sort().slice(0, 64);
}
/**
 * The fingerprint of what the package steps depend on: 16 hex of a sha256 over the build file, the files it
 * names and how envd is run. Equal fingerprints mean the same package steps with the same cache keys, as far as
 * the action can see before the build (a base image that moved under the same tag is not seen).
 */
function packageFingerprint(p) {
    const h = (0,external_node_crypto_.createHash)('sha256').update(JSON.stringify(['envd-mounts-1', p.build, p.buildFile]));
    for (const f of [...p.files].sort((a, b) => (a.path < b.path ? -1 : 1)))
        h.update(`\n${f.path}\0${f.sha256}`);
    return h.digest('hex').slice(0, 16);
}
/**
 * Whether the restore is skipped: a saved entry (found by the lookups, any mount) carries this build's
 * fingerprint. The run that saved it built the same package steps and wrote its layers (a mount is saved only by a
 * run that writes its cache), so with those layers imported every package step comes from the cache and no
 * mount is read: the download and the helper build are saved. The trade-off, said in the log: when a layer was
 * evicted since, a package step reruns without the previous files (it downloads again), and the mount is saved
 * afterwards as after any build that ran a step.
 */
function restoreSkip(keys, fingerprint) {
    if (!fingerprint)
        return { skip: false };
    const key = keys.find((k) => k !== undefined && parseMountKey(k)?.fingerprint === fingerprint);
    return key ? { skip: true, key } : { skip: false };
}
/**
 * The Dockerfile frontend names a cache mount `<namespace>/<id>` (BuildKit v0.32.2
 * `frontend/dockerfile/dockerfile2llb/convert_runmount.go:119`, namespace empty by default): envd's id
 * `/root/.cache/pip/x` is written `root/.cache/pip/x` to reach the same mount.
 */
const dockerfileId = (id) => id.replace(/^\/+/, '');
/** A mount's directory name on the runner (its archive's place, restored and saved at the same path every run). */
const slotOf = (id) => id.replace(/^\/+/, '').replace(/[^A-Za-z0-9._-]/g, '_');
/** How a helper RUN starts its shell, and how the script names tar, for each kind of helper. */
function shell(helper) {
    if (helper.kind === 'image')
        return { from: [`FROM ${helper.ref} AS dance`], run: (s) => `sh -c ${JSON.stringify(s)}`, bin: '' };
    return {
        from: ['FROM scratch AS dance', 'COPY busybox /bin/busybox'],
        run: (s) => JSON.stringify(['/bin/busybox', 'sh', '-c', s]),
        bin: '/bin/busybox '
    };
}
/**
 * A build arg that changes every run: the helper RUNs must run, never come from BuildKit's cache (a mount's
 * content is not part of a step's cache key). Not `--no-cache`: with it, buildkitd v0.32.2 was seen handing the
 * RUN an empty mount.
 */
const NONCE_ARG = 'ENVD_CACHE_MOUNTS_NONCE';
/**
 * The restore build: each saved archive (context directory `<slot>/mount.tar`, slotOf) is unpacked into the mount
 * it came from. Mounts are shared, as envd mounts them.
 */
function restoreDockerfile(helper, ids) {
    const sh = shell(helper);
    const runs = ids.map((id, i) => `RUN --mount=type=cache,id=${dockerfileId(id)},target=/m${i},sharing=shared --mount=type=bind,source=${slotOf(id)},target=/in${i} ${sh.run(`${sh.bin}tar -xf /in${i}/mount.tar -C /m${i}`)}`);
    return [...sh.from, `ARG ${NONCE_ARG}`, ...runs, ''].join('\n');
}
/** The save build: each mount is packed into `<slot>.tar` of the local output. */
function saveDockerfile(helper, ids) {
    const sh = shell(helper);
    const runs = ids.map((id, i) => `RUN --mount=type=cache,id=${dockerfileId(id)},target=/m${i},sharing=shared ${sh.run(`${sh.bin}mkdir -p /out && ${sh.bin}tar -cf /out/${slotOf(id)}.tar -C /m${i} .`)}`);
    return [...sh.from, `ARG ${NONCE_ARG}`, ...runs, 'FROM scratch', 'COPY --from=dance /out/ /', ''].join('\n');
}
/**
 * Whether the build can have changed a mount: only a step that ran (was not cached) mounts one. An unchanged warm
 * job, every step from the cache, reads nothing out. (buildkitd's own `Last used` is no signal: v0.32.2 was seen
 * moving it a few hundred ms after a build that used the mount had returned, with the mount already free.)
 */
const mountsMayHaveChanged = (f) => f.totalSteps === 0 || f.cachedSteps < f.totalSteps;
/** Which mounts to save: the setting's mounts of this environment, not empty, and not over `cache-mounts-max` (warned). */
function decideSaves(records, ctx) {
    const out = [];
    for (const r of records) {
        if (!isKept(ctx.setting, ctx.env, r.id))
            continue;
        const base = { id: r.id, size: r.size, save: false };
        if (r.size === 0)
            out.push({ ...base, reason: 'empty' });
        else if (r.size > ctx.maxBytes)
            out.push({
                ...base,
                warn: true,
                reason: `${(0,text_text/* formatSize */.Xq)(r.size)} is over cache-mounts-max (${(0,text_text/* formatSize */.Xq)(ctx.maxBytes)}); raise cache-mounts-max or keep fewer directories`
            });
        else
            out.push({ id: r.id, size: r.size, save: true });
    }
    return out;
}
/** The `cache-mounts` output: JSON, `[]` without mounts. */
const mountsJson = (figures) => JSON.stringify(figures ?? []);
/** One log line: `<id>: restored 1.2 MB in 0.8 s`. */
function formatMountLine(f, what) {
    const bytes = what === 'restored' ? f.restoredBytes : f.savedBytes;
    const secs = what === 'restored' ? f.restoreSeconds : f.saveSeconds;
    if (bytes === undefined)
        return `${f.id}: ${f.note ?? `not ${what}`}`;
    return `${f.id}: ${what} ${(0,text_text/* formatSize */.Xq)(bytes)} in ${(secs ?? 0).toFixed(1)} s`;
}
/** The job summary's table of package caches (empty without any). Values pass through `cell`. */
function mountsTable(figures, cell) {
    if (!figures?.length)
        return '';
    const n = (bytes, secs) => bytes === undefined ? '–' : `${(0,text_text/* formatSize */.Xq)(bytes)} in ${(secs ?? 0).toFixed(1)} s`;
    const rows = figures.map((f) => `| ${cell(f.id)} | ${n(f.restoredBytes, f.restoreSeconds)} | ${n(f.savedBytes, f.saveSeconds)} | ${cell(f.note ?? '')} |`);
    return ['### Package caches', '', '| mount | restored | saved | note |', '|---|---|---|---|', ...rows, ''].join('\n');
}
/**
 * Package-cache entries a restore can no longer pick: all but the newest per ref, scope and mount (a restore takes
 * the newest prefix match). The newest stays on every ref, the default branch's included, like a live index.
 */
function supersededMountEntries(entries) {
    return allButNewest(entries, (e) => {
        const k = parseMountKey(e.key);
        return k && `${e.ref}\n${k.scope}\n${k.id}`;
    });
}

;// CONCATENATED MODULE: ./src/inputs/size.ts
/** Sizes as workflow authors write them: B, KB/MB/GB/TB (powers of 10) and KiB/MiB/GiB/TiB (powers of 2). */
const UNITS = {
    b: 1n,
    kb: 10n ** 3n,
    mb: 10n ** 6n,
    gb: 10n ** 9n,
    tb: 10n ** 12n,
    kib: 2n ** 10n,
    mib: 2n ** 20n,
    gib: 2n ** 30n,
    tib: 2n ** 40n
};
/** The largest size accepted: 1 PB. More is a typo (GitHub's largest cache limits are terabytes). */
const MAX_SIZE = 10 ** 15;
/** Reads a size exactly (decimal arithmetic, no float rounding): a whole number of bytes up to 1 PB. */
function readSize(text) {
    const m = /^\s*(\d+)(?:\.(\d+))?\s*([a-z]+)\s*$/i.exec(text);
    const unit = m && UNITS[m[3].toLowerCase()];
    if (!m || !unit)
        return { problem: 'not a size' };
    const fraction = m[2] ?? '';
    const scale = 10n ** BigInt(fraction.length);
    const scaled = (BigInt(m[1]) * scale + BigInt(fraction || '0')) * unit;
    if (scaled === 0n)
        return { problem: 'not a size' };
    if (scaled % scale !== 0n)
        return { problem: 'not whole' };
    const bytes = scaled / scale;
    if (bytes > BigInt(MAX_SIZE))
        return { problem: 'too large' };
    return { bytes: Number(bytes) };
}
/** Bytes, or undefined when the text is not a valid size. */
function parseSize(text) {
    const r = readSize(text);
    return 'bytes' in r ? r.bytes : undefined;
}

;// CONCATENATED MODULE: ./src/inputs/duration.ts
/** `cache-timeout`: a duration as workflow authors write it (`90s`, `5m`, `1h`, `1m30s`, a bare number of seconds). */
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
/** The shortest wait accepted (0 aside): a healthy import of a cache manifest took up to ~30 s behind 1.5 s of latency per request. */
const MIN_TIMEOUT_MS = 10_000;
/** The longest: a job's own limit on a hosted runner (6 h). */
const MAX_TIMEOUT_MS = 6 * 3_600_000;
function readDuration(text) {
    const t = text.trim().toLowerCase();
    let ms;
    if (/^\d+$/.test(t))
        ms = Number(t) * 1000;
    else if (/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(t))
        ms = [...t.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)].reduce((sum, m) => sum + Number(m[1]) * UNIT_MS[m[2]], 0);
    else
        return { problem: 'not a duration' };
    ms = Math.round(ms);
    if (ms === 0)
        return { ms };
    if (ms < MIN_TIMEOUT_MS)
        return { problem: 'too short' };
    if (ms > MAX_TIMEOUT_MS)
        return { problem: 'too long' };
    return { ms };
}

;// CONCATENATED MODULE: ./src/inputs/inputs.ts
/**
 * Inputs, read once: every raw string checked and turned into a typed value. All problems are collected, so
 * a workflow author sees every mistake in one run; each names the input, the bad value and the fix.
 */



















/** What the action does with a value it is shown; the GitHub token is never echoed. */
const SECRET_INPUTS = new Set([names/* Input */.p.GithubToken]);
/** Certificates and keys: never echoed, each line of PEM text masked. */
const PEM_INPUTS = new Set([names/* Input */.p.BuilderTlsCa, names/* Input */.p.BuilderTlsCert, names/* Input */.p.BuilderTlsKey]);
/** The longest message the action writes about one input: values inside are capped at 200 already. */
const MAX_MESSAGE = 1000;
function formatProblem(p) {
    return `Input "${p.input}": ${(0,text_text/* echo */.WI)(p.message, MAX_MESSAGE)}`;
}
/**
 * Every secret-bearing value in the raw inputs, found without parsing them (they may be invalid): the
 * GitHub token whole, and credentials, URL userinfo and signed query parameters in every other input.
 * Register these with the runner before the first line is written.
 */
function inputSecrets(raw) {
    const found = new Set();
    for (const name of Object.values(names/* Input */.p)) {
        const value = raw(name);
        if (SECRET_INPUTS.has(name)) {
            for (const v of [value, value.trim()])
                if (v !== '')
                    found.add(v);
        }
        else if (PEM_INPUTS.has(name)) {
            for (const v of pemSecrets(value))
                found.add(v);
        }
        else
            for (const s of (0,redact/* findSecrets */.dL)(value))
                found.add(s);
    }
    return [...found];
}
/** Booleans as YAML authors write them: true/false in any case. */
function bool(text) {
    const t = text.trim().toLowerCase();
    return t === 'true' ? true : t === 'false' ? false : undefined;
}
function choice(text, allowed) {
    const t = text.trim().toLowerCase();
    return allowed.includes(t) ? t : undefined;
}
/** Keys of cache-options that have an input of their own. */
const OWNED_BY_INPUT = {
    type: 'cache',
    mode: 'cache-mode',
    scope: 'cache-scope',
    ref: 'cache-ref',
    dest: 'cache-dir',
    src: 'cache-dir'
};
function inputReader(raw, problems) {
    // No message quotes a secret: values are quoted redacted (quoted()), and any known secret left in a
    // message (a token pasted into the wrong input) is replaced by *** here.
    const secrets = inputSecrets(raw);
    const fail = (input, message) => void problems.push({ input, message: (0,redact/* redactKnown */.rA)(message, secrets) });
    const text = (name) => raw(name).trim();
    const shown = (name) => SECRET_INPUTS.has(name) || PEM_INPUTS.has(name) ? '***' : (0,redact/* quoted */.TL)((0,redact/* redactKnown */.rA)(text(name), secrets));
    // The nearest valid value, unless the value held a secret: a suggestion must not hint at what was masked.
    const hint = (name, allowed) => shown(name).includes('***') ? '' : (0,suggest/* nearestHint */.AN)(text(name), allowed);
    return {
        raw,
        text,
        shown,
        hint,
        fail,
        oneOf: (name, allowed, fallback) => {
            const value = text(name) === '' ? fallback : choice(text(name), allowed);
            if (value === undefined)
                fail(name, `${shown(name)} is not one of ${allowed.join(', ')}${hint(name, allowed)}`);
            return value ?? fallback;
        },
        autoBool: (name) => {
            const t = text(name);
            if (t === '' || t.toLowerCase() === 'auto')
                return 'auto';
            const b = bool(t);
            if (b === undefined)
                fail(name, `${shown(name)} is not auto, true or false${hint(name, ['auto', 'true', 'false'])}`);
            return b ?? 'auto';
        }
    };
}
function parseInputs(raw) {
    const problems = [];
    const r = inputReader(raw, problems);
    const path = r.text(names/* Input */.p.Path) || '.';
    const from = readFrom(r);
    const { output, platform } = readOutputAndPlatform(r);
    const { cache, cacheScope, cacheMode, cacheWrite, cacheRef, cacheDir, cacheOptions, exportCache, importCache } = readCache(r);
    const matrix = canonicalMatrix(r.text(names/* Input */.p.Matrix));
    const { cacheBudget, cachePrune, command } = readBudgetAndCommand(r);
    const { envdVersion, buildkitVersion } = readTools(r, [cache, exportCache?.type, importCache?.type]);
    const { builder, buildkitdConfigInline, buildkitdFlags } = readBuilder(r, cache);
    const cacheTimeoutMs = readCacheTimeout(r);
    const cacheMounts = readCacheMounts(r, cache);
    const dryRunText = r.text(names/* Input */.p.DryRun);
    const dryRun = dryRunText === '' ? false : bool(dryRunText);
    if (dryRun === undefined)
        r.fail(names/* Input */.p.DryRun, `${r.shown(names/* Input */.p.DryRun)} is not true or false${r.hint(names/* Input */.p.DryRun, ['true', 'false'])}`);
    // inputs that only make sense together
    for (const { input, message } of (0,backends/* backendOf */.EC)(cache).inputProblems?.({ cacheRef, output }) ?? [])
        r.fail(input, message);
    const githubToken = r.raw(names/* Input */.p.GithubToken).trim();
    if (problems.length > 0)
        return { problems };
    return {
        problems,
        inputs: {
            path,
            from,
            output,
            platform,
            cache,
            cacheScope,
            cacheMode,
            cacheWrite,
            cacheRef,
            cacheDir,
            cacheOptions,
            exportCache,
            importCache,
            matrix,
            githubToken,
            cacheBudget,
            cachePrune,
            cacheTimeoutMs,
            command,
            envdVersion,
            buildkitVersion,
            builder,
            buildkitdConfigInline,
            buildkitdFlags,
            dryRun: dryRun ?? false,
            cacheMounts
        }
    };
}
/** from: file:function, as envd splits it. */
function readFrom(r) {
    const fromText = r.text(names/* Input */.p.From) || 'build.envd:build';
    // envd splits --from on every ":" and wants exactly two parts (envd v1.3.4 pkg/builder/util.go:315-318).
    const colons = fromText.split(':').length - 1;
    const fromMatch = colons === 1 ? /^(.+):([A-Za-z_][A-Za-z0-9_]*)$/.exec(fromText) : null;
    if (colons > 1)
        r.fail(names/* Input */.p.From, `${r.shown(names/* Input */.p.From)} has ${colons} colons; envd splits --from on every ":" and wants file:func (invalid from format, expected \`file:func\`): a build file whose name holds a colon cannot be used, rename it`);
    else if (!fromMatch)
        r.fail(names/* Input */.p.From, `${r.shown(names/* Input */.p.From)} is not file:function; write e.g. ${(0,text_text/* echo */.WI)(fromText.split(':')[0] || 'build.envd')}:build`);
    const from = fromMatch ? { file: fromMatch[1], func: fromMatch[2] } : { file: 'build.envd', func: 'build' };
    return from;
}
function readOutputAndPlatform(r) {
    let output;
    if (r.text(names/* Input */.p.Output) !== '') {
        if (/[\r\n]/.test(r.text(names/* Input */.p.Output)))
            r.fail(names/* Input */.p.Output, 'envd accepts one output; give one line');
        else {
            const parsed = (0,inputs_output/* parseOutput */.F)(r.text(names/* Input */.p.Output));
            if (parsed.ok)
                output = parsed.value;
            else
                r.fail(names/* Input */.p.Output, `${r.shown(names/* Input */.p.Output)} ${parsed.problem}`);
        }
    }
    const platform = r.text(names/* Input */.p.Platform) || undefined;
    if (platform !== undefined) {
        if (platform.includes(','))
            r.fail(names/* Input */.p.Platform, `${r.shown(names/* Input */.p.Platform)} lists several platforms; envd would build them one after another into one cache ref. Build one platform per matrix entry`);
        else if (!/^[a-z0-9]+\/[a-z0-9]+(\/[a-z0-9]+)?$/.test(platform))
            r.fail(names/* Input */.p.Platform, `${r.shown(names/* Input */.p.Platform)} is not os/arch[/variant], e.g. linux/amd64 or linux/arm64`);
    }
    return { output, platform };
}
/** An input that goes with one backend (its companion), given with another: the problem, else undefined. */
function companionProblem(input, cache) {
    if ((0,backends/* backendOf */.EC)(cache).companions.includes(input))
        return undefined;
    const owner = backends/* BACKEND_NAMES */.Gi.find((n) => (0,backends/* backendOf */.EC)(n).companions.includes(input));
    return `is only used with cache: ${owner} (cache is ${cache}); remove it`;
}
/** The cache backend and its companions: scope, mode, write, ref, dir, options and the raw flags. */
function readCache(r) {
    const cache = r.oneOf(names/* Input */.p.Cache, backends/* BACKEND_NAMES */.Gi, 'gha');
    const cacheScope = r.text(names/* Input */.p.CacheScope) || undefined;
    if (cacheScope !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(cacheScope))
        r.fail(names/* Input */.p.CacheScope, `${r.shown(names/* Input */.p.CacheScope)} must be 1-64 characters of A-Z a-z 0-9 . _ - starting with a letter or digit (it becomes a cache key, a registry tag and a directory name)`);
    const cacheMode = r.oneOf(names/* Input */.p.CacheMode, ['auto', 'min', 'max'], 'auto');
    const fixed = (0,backends/* backendOf */.EC)(cache).fixedMode;
    if (fixed && cacheMode !== 'auto' && cacheMode !== fixed.mode)
        r.fail(names/* Input */.p.CacheMode, fixed.otherProblem(cacheMode));
    const cacheWrite = r.autoBool(names/* Input */.p.CacheWrite);
    const cacheRef = r.text(names/* Input */.p.CacheRef) || undefined;
    if (cacheRef !== undefined) {
        const wrong = companionProblem('cache-ref', cache);
        if (wrong)
            r.fail(names/* Input */.p.CacheRef, wrong);
        else {
            const ref = (0,image_ref/* parseImageRef */.Q)(cacheRef);
            if (!ref.ok)
                r.fail(names/* Input */.p.CacheRef, ref.problem);
        }
    }
    const cacheDir = r.text(names/* Input */.p.CacheDir) || undefined;
    const wrongDir = cacheDir === undefined ? undefined : companionProblem('cache-dir', cache);
    if (wrongDir)
        r.fail(names/* Input */.p.CacheDir, wrongDir);
    const cacheOptions = parseCacheOptions(r.raw(names/* Input */.p.CacheOptions), cache, (m) => r.fail(names/* Input */.p.CacheOptions, m));
    const exportCache = rawCacheFlag(names/* Input */.p.ExportCache, 'export');
    const importCache = rawCacheFlag(names/* Input */.p.ImportCache, 'import');
    function rawCacheFlag(name, direction) {
        const t = r.text(name);
        if (t === '')
            return undefined;
        if (/[\r\n]/.test(t)) {
            r.fail(name, 'envd takes one value per cache flag; give one line (combine attributes with commas)');
            return undefined;
        }
        if ((0,backends/* backendOf */.EC)(cache).store === 'nowhere') {
            r.fail(name, `is set while cache is ${cache}; remove one of them`);
            return undefined;
        }
        const parsed = (0,backends_spec/* parseCacheSpec */.fn)(t);
        if (!parsed.ok) {
            r.fail(name, `${parsed.problem}`);
            return undefined;
        }
        for (const p of (0,backends_spec/* validateCacheSpec */.eg)(parsed.value, direction))
            r.fail(name, p);
        return parsed.value;
    }
    return { cache, cacheScope, cacheMode, cacheWrite, cacheRef, cacheDir, cacheOptions, exportCache, importCache };
}
function readBudgetAndCommand(r) {
    let cacheBudget = 'auto';
    const budgetText = r.text(names/* Input */.p.CacheBudget);
    if (budgetText !== '' && budgetText.toLowerCase() !== 'auto') {
        const size = readSize(budgetText);
        if ('bytes' in size)
            cacheBudget = size.bytes;
        else if (size.problem === 'too large')
            r.fail(names/* Input */.p.CacheBudget, `${r.shown(names/* Input */.p.CacheBudget)} is more than 1 PB; write the repository's cache budget, such as 10GB`);
        else if (size.problem === 'not whole')
            r.fail(names/* Input */.p.CacheBudget, `${r.shown(names/* Input */.p.CacheBudget)} is not a whole number of bytes; use a smaller unit, such as 1500KB for 1.5MB`);
        else
            r.fail(names/* Input */.p.CacheBudget, `${r.shown(names/* Input */.p.CacheBudget)} is not auto or a size with a unit, such as 8GB or 500MiB`);
    }
    const cachePrune = r.autoBool(names/* Input */.p.CachePrune);
    const command = r.oneOf(names/* Input */.p.Command, ['build', 'prune'], 'build');
    return { cacheBudget, cachePrune, command };
}
/** cache-timeout: empty is the default, 5 minutes (action.yml; docs/cache-failures.md says why). */
function readCacheTimeout(r) {
    const text = r.text(names/* Input */.p.CacheTimeout);
    const d = readDuration(text || '5m');
    if ('ms' in d)
        return d.ms;
    const fix = {
        'not a duration': 'write a duration such as 90s, 5m or 1h, or 0 to wait as long as BuildKit does',
        'too short': 'write 10s or more (a healthy import can take tens of seconds), or 0 for no limit',
        'too long': 'write 6h or less (a hosted job ends at 6 h)'
    }[d.problem];
    r.fail(names/* Input */.p.CacheTimeout, `${r.shown(names/* Input */.p.CacheTimeout)} is ${d.problem}; ${fix}`);
    return 0;
}
/** envd-version and buildkit-version, which must reach the floor of every backend in use (`types`: cache, export and import types). */
function readTools(r, types) {
    const envdVersion = version(names/* Input */.p.EnvdVersion, ['latest', 'system'], 'v1.3.4');
    const buildkitVersion = version(names/* Input */.p.BuildkitVersion, ['latest', 'system'], 'v0.32.2');
    function version(name, words, fallback) {
        const t = r.text(name) || fallback;
        if (words.includes(t.toLowerCase()))
            return t.toLowerCase();
        const valid = semver_default().valid(t);
        if (!valid) {
            // A word (no digit) was meant as one of the words: name the nearest.
            const hint = /\d/.test(t) ? '' : r.hint(name, words);
            r.fail(name, `${r.shown(name)} is not a version such as ${fallback}${words.length ? ` or one of ${words.join(', ')}` : ''}${hint}`);
            return fallback;
        }
        return `v${valid}`;
    }
    for (const miss of buildkitFloorMisses(types, buildkitVersion))
        r.fail(names/* Input */.p.BuildkitVersion, miss.floor.inputProblem(buildkitVersion));
    return { envdVersion, buildkitVersion };
}
function readBuilder(r, cache) {
    const builderText = r.text(names/* Input */.p.Builder) || 'auto';
    let builder = { kind: 'auto' };
    if (builderText === 'docker-container')
        builder = { kind: 'docker-container' };
    let invalid = builderText !== 'auto' && builderText !== 'docker-container' && !builderText.includes('://');
    if (invalid)
        r.fail(names/* Input */.p.Builder, `${r.shown(names/* Input */.p.Builder)} is not auto, docker-container, or buildkitd addresses (unix:///path/to/buildkitd.sock, tcp://host:port, kube-pod://<pod>)${(0,suggest/* didYouMean */.au)(builderText, ['auto', 'docker-container'])}`);
    else if (builderText.includes('://')) {
        const parsed = parseAddresses(r.raw(names/* Input */.p.Builder), (v) => (0,redact/* quoted */.TL)(v));
        for (const p of parsed.problems)
            r.fail(names/* Input */.p.Builder, p);
        invalid = parsed.problems.length > 0;
        if (parsed.addresses.length && !invalid)
            builder = { kind: 'address', addresses: parsed.addresses };
    }
    const tls = readTls(r, builder.kind === 'address' ? builder.addresses : invalid ? undefined : []);
    if (builder.kind === 'address' && tls)
        builder.tls = tls;
    if (builder.kind === 'address' && (0,backends/* backendOf */.EC)(cache).runnerDir && builder.addresses.some(isRemote))
        r.fail(names/* Input */.p.Cache, `${cache} keeps the cache in a directory on this runner, which a remote builder cannot read or write (the action serves it on the runner's 127.0.0.1); a remote builder keeps its own cache: use cache: none, or registry/s3 to refill a builder that lost its state`);
    const buildkitdConfigInline = r.raw(names/* Input */.p.BuildkitdConfigInline).trim();
    const buildkitdFlags = r.text(names/* Input */.p.BuildkitdFlags);
    if (builder.kind === 'address') {
        if (buildkitdConfigInline)
            r.fail(names/* Input */.p.BuildkitdConfigInline, `has no effect on a running buildkitd (builder is ${(0,text_text/* echo */.WI)(builderText)}); configure that daemon itself, or use builder: auto`);
        if (buildkitdFlags)
            r.fail(names/* Input */.p.BuildkitdFlags, `has no effect on a running buildkitd (builder is ${(0,text_text/* echo */.WI)(builderText)}); use builder: auto`);
    }
    else {
        try {
            (0,args/* splitFlags */.g0)(buildkitdFlags);
        }
        catch (e) {
            r.fail(names/* Input */.p.BuildkitdFlags, `cannot be split into arguments: ${e.message}; close the quote, or escape a literal quote with \\`);
        }
        const toml = tomlProblem(buildkitdConfigInline);
        if (toml)
            r.fail(names/* Input */.p.BuildkitdConfigInline, toml);
    }
    return { builder, buildkitdConfigInline, buildkitdFlags };
}
/** cache-mounts, cache-mounts-max and cache-mounts-image. */
function readCacheMounts(r, cache) {
    const parsed = parseMountsSetting(r.text(names/* Input */.p.CacheMounts));
    if (!parsed.ok)
        r.fail(names/* Input */.p.CacheMounts, `${r.shown(names/* Input */.p.CacheMounts)}: ${parsed.problem}`);
    const setting = parsed.ok ? parsed.value : { kind: 'none' };
    // Mounts go where the backend keeps its cache (the GitHub cache, beside registry or s3 layers); not with inline or none.
    const backend = (0,backends/* backendOf */.EC)(cache);
    if (setting.kind !== 'none' && !backend.mountsHome) {
        const carriers = backends/* BACKEND_NAMES */.Gi.filter((n) => (0,backends/* backendOf */.EC)(n).mountsHome)
            .join(', ')
            .replace(/, ([^,]*)$/, ' or $1');
        r.fail(names/* Input */.p.CacheMounts, `is ${r.shown(names/* Input */.p.CacheMounts)} while cache is ${cache}: ${backend.noMounts ?? 'this backend has no place for package caches'}. Set cache-mounts: none, or use cache: ${carriers}`);
    }
    let maxBytes = DEFAULT_MOUNTS_MAX;
    const maxText = r.text(names/* Input */.p.CacheMountsMax);
    if (maxText !== '') {
        const size = readSize(maxText);
        if ('bytes' in size)
            maxBytes = size.bytes;
        else
            r.fail(names/* Input */.p.CacheMountsMax, `${r.shown(names/* Input */.p.CacheMountsMax)} is not a size with a unit, such as 2GB or 500MiB`);
    }
    const helper = parseHelper(r.text(names/* Input */.p.CacheMountsImage));
    if (helper.kind === 'image') {
        const ref = (0,image_ref/* parseImageRef */.Q)(helper.ref);
        if (!ref.ok)
            r.fail(names/* Input */.p.CacheMountsImage, `${ref.problem}; give an image with sh and tar (pinned by digest), or the path of a static busybox on the runner`);
    }
    return { setting, maxBytes, helper };
}
/**
 * The TLS inputs (PEM text or file paths; files are read in preflight). `addresses`: the builders they are
 * for, none for auto and docker-container, undefined when the builder input itself is invalid.
 */
function readTls(r, addresses) {
    const tls = {
        ca: pemSource(r.raw(names/* Input */.p.BuilderTlsCa)),
        cert: pemSource(r.raw(names/* Input */.p.BuilderTlsCert)),
        key: pemSource(r.raw(names/* Input */.p.BuilderTlsKey)),
        serverName: r.text(names/* Input */.p.BuilderTlsServerName) || undefined
    };
    for (const p of tlsInputProblems(tls, addresses))
        r.fail(p.input, p.message);
    return tls.ca || tls.cert || tls.key ? tls : undefined;
}
/**
 * Why buildkitd-config-inline is not TOML, with the parser's line and column; never the document itself
 * (smol-toml's message carries a code excerpt, which could hold a secret).
 */
function tomlProblem(text) {
    if (text === '')
        return undefined;
    try {
        (0,dist/* parse */.qg)(text);
        return undefined;
    }
    catch (e) {
        if (!(e instanceof dist/* TomlError */.zx))
            throw e;
        const reason = e.message.split('\n')[0].replace(/^Invalid TOML document: /, '');
        return `is not TOML (line ${e.line}, column ${e.column}: ${(0,text_text/* echo */.WI)(reason, 120)}); fix the document (buildkitd.toml syntax), or leave the input empty`;
    }
}
/** `key=value` attributes, comma or newline separated, each checked against the chosen backend. */
function parseCacheOptions(text, cache, fail) {
    const fields = [];
    for (const line of text.split(/\r?\n/)) {
        if (line.trim() === '' || line.trim().startsWith('#'))
            continue;
        try {
            fields.push(...(0,csv/* parseCsvRecord */.bd)(line.trim()));
        }
        catch (e) {
            if (e instanceof csv/* CsvError */.J$)
                fail(`${(0,redact/* quoted */.TL)(line.trim())} cannot be read as CSV (${e.message}); quote a whole field that holds a comma, e.g. "prefix=a,b/"`);
            else
                throw e;
        }
    }
    const parsed = (0,backends_spec/* parseFields */.L5)(fields.map((f) => f.trim()).filter((f) => f !== ''));
    if (!parsed.ok) {
        fail(parsed.problem);
        return new Map();
    }
    const options = parsed.value;
    if (options.size === 0)
        return options;
    if (!(0,backends_spec/* isBackend */.T4)(cache)) {
        fail(`is set while cache is ${cache}; remove it or choose a backend`);
        return options;
    }
    const rules = attributes/* ATTRIBUTES */.iw[cache];
    for (const [key, value] of options) {
        if (OWNED_BY_INPUT[key]) {
            fail(`${key}= has an input of its own: use ${OWNED_BY_INPUT[key]} instead`);
            continue;
        }
        const rule = rules[key];
        if (!rule) {
            const hint = (0,suggest/* closest */.kp)(key, Object.keys(rules));
            fail(`unknown attribute ${(0,redact/* quoted */.TL)(key)} for cache: ${cache}${hint
                ? ` (did you mean "${hint}"?)`
                : `; known: ${Object.keys(rules)
                    .filter((k) => !OWNED_BY_INPUT[k])
                    .join(', ')}`}`);
            continue;
        }
        if (rule.refused) {
            fail(`${key} ${rule.refused}`);
            continue;
        }
        const problem = rule.check?.(value);
        if (problem)
            fail(`${key}: ${problem}`);
    }
    return options;
}
/** A matrix given as JSON becomes canonical (sorted keys, no spaces), so the scope is stable. */
function canonicalMatrix(text) {
    if (text === '' || text === 'null' || text === '{}')
        return undefined;
    try {
        return JSON.stringify(sortKeys(JSON.parse(text)));
    }
    catch {
        return text;
    }
}
function sortKeys(value) {
    if (Array.isArray(value))
        return value.map(sortKeys);
    if (value !== null && typeof value === 'object')
        return Object.fromEntries(Object.keys(value)
            .sort()
            .map((k) => [k, sortKeys(value[k])]));
    return value;
}

// EXTERNAL MODULE: ./src/http/policies.ts
var policies = __webpack_require__(4196);
;// CONCATENATED MODULE: ./src/steps/fleet.ts
/**
 * builder: one or several running buildkitd. The core ranks them for the cache scope (rendezvous hashing);
 * here each is asked, in that order, whether it answers a bounded ListWorkers, and the first that does is
 * used: directly for unix://, tcp:// and kube-pod://, or through the TLS relay for tcp:// with mutual TLS.
 * Every builder passed over is named with the reason; when none answers the run stops before envd.
 */












class NoBuilderError extends Error {
}
/** The PEM text of the TLS inputs, every line registered as a secret before it can reach a log. */
function loadTls({ tls, cwd, out }) {
    if (!tls)
        return undefined;
    const { material, problems } = readTlsMaterial(tls, cwd);
    if (!material)
        throw new NoBuilderError(problems.map(formatProblem).join('\n'));
    for (const pem of [material.ca, material.cert, material.key])
        for (const s of pemSecrets(pem ?? ''))
            out.setSecret(s);
    return material;
}
/** Asks the builders in rank order; the first that answers is chosen. Throws, naming each and why, when none does. */
async function choose(r, tls) {
    const { out } = r;
    const ranked = rank(r.scope, r.addresses);
    const passed = [];
    const buildctl = external_node_path_.join(r.binDir, 'buildctl');
    if (ranked.length > 1)
        out.info(`Fleet of ${ranked.length} for cache scope ${(0,text_text/* echo */.WI)(r.scope)}, by rendezvous hashing: ${ranked.map((a) => (0,text_text/* echo */.WI)(a.text)).join(', ')}`);
    for (const a of ranked) {
        const secure = a.scheme === 'tcp' && !!tls;
        const outcome = await probeBuilder(a, {
            tls: secure ? tls : undefined,
            buildctl,
            env: r.env,
            timeoutMs: policies/* POLICIES */.PQ.builderProbeMs
        });
        if (outcome.ok) {
            const texts = ranked.map((x) => x.text);
            return {
                chosen: a,
                choice: { ranked: texts, passed, chosen: a.text, reason: choiceReason(texts, a.text, passed) }
            };
        }
        const why = explain(a.text, outcome, secure);
        passed.push({ address: a.text, why });
        // A TLS mistake is the workflow's to fix even when another builder answers: an annotation, not only a line.
        if (isTlsFailure(outcome, secure))
            out.warning((0,text_text/* echo */.WI)(why, text_text/* MAX_SENTENCE */.Rt), { title: 'Builder TLS' });
        else
            out.info(`Passed over ${(0,text_text/* echo */.WI)(why, text_text/* MAX_SENTENCE */.Rt)}`);
    }
    const lines = passed.map((p) => `  ${(0,text_text/* echo */.WI)(p.why, text_text/* MAX_SENTENCE */.Rt)}`).join('\n');
    throw new NoBuilderError(`${ranked.length > 1 ? `none of the ${ranked.length} builders answered` : 'the builder did not answer'}; nothing was built:\n${lines}`);
}
/** Chooses the builder, starts the TLS relay when it needs one, and reads its version. */
async function startRemote(r) {
    const { out } = r;
    const tls = loadTls(r);
    const { chosen, choice } = await choose(r, tls);
    let relay;
    let target = envdTarget(chosen);
    if (chosen.scheme === 'tcp' && tls) {
        relay = await startTlsRelay({ host: chosen.host, port: chosen.port, tls }, external_node_path_.join(r.dir, 'tls-relay.sock'));
        target = { builder: 'unix', address: relay.socket };
        out.info(`envd reaches ${(0,text_text/* echo */.WI)(chosen.text)} through a TLS relay on ${(0,text_text/* echo */.WI)(relay.socket)} (mutual TLS, ALPN h2)`);
    }
    try {
        const info = await builderVersion(`${target.builder}://${target.address}`, {
            buildctl: external_node_path_.join(r.binDir, 'buildctl'),
            env: r.env,
            timeoutMs: policies/* POLICIES */.PQ.builderProbeMs
        });
        const h = {
            kind: 'address',
            envdBuilder: target.builder,
            envdAddress: target.address,
            buildctlAddr: chosen.text,
            version: info ? (0,args/* parseBuildkitVersion */.MT)(info) : undefined
        };
        if (choice.ranked.length > 1)
            out.info(`Chose ${(0,text_text/* echo */.WI)(chosen.text)}: ${(0,text_text/* echo */.WI)(choice.reason, text_text/* MAX_SENTENCE */.Rt)}`);
        return { h, choice, relay };
    }
    catch (e) {
        await relay?.close();
        throw e;
    }
}

// EXTERNAL MODULE: ./src/envd/args.ts
var envd_args = __webpack_require__(2400);
// EXTERNAL MODULE: ./src/io/dirs.ts + 1 modules
var dirs = __webpack_require__(1789);
// EXTERNAL MODULE: ./src/io/envd.ts
var io_envd = __webpack_require__(3883);
;// CONCATENATED MODULE: ./src/envd/errors.ts
/**
 * Known BuildKit, GitHub and envd error texts, turned into what to do (buildkit-cache.md §6, envd-cli.md §13).
 * Pure: the first matching entry wins, so the more specific texts come first.
 */
const TABLE = [
    [
        // BuildKit v0.32.2 prints `blob sha256:<hex>: not found`: errors.Wrapf(cerrdefs.ErrNotFound, "blob %s", dgst)
        // in cache/remotecache/gha/gha.go:593,618 (also v1/chains.go:251, azblob/importer.go:219,239), and
        // ErrNotFound reads "not found" (vendor/github.com/containerd/errdefs/errors.go:120). Still matched: the
        // colon-less `blob sha256:<hex> not found` (azblob/importer.go:194), containerd's `blob not found`
        // (content/local/readerat.go:43) and Azure's BlobNotFound.
        /blob not found|blob sha256:[0-9a-f]+:? not found|BlobNotFound/i,
        {
            id: 'evicted-blob',
            title: 'A cached layer was evicted',
            advice: 'The cache index still names a layer that the GitHub cache (or registry) no longer holds, usually after LRU eviction over the budget. The action retries once without --import-cache; keep usage under the budget (cache-budget, cache-prune) to avoid it.'
        }
    ],
    [
        // A cached layer that could not be read whole. containerd's content copy: `short read: expected %d bytes but
        // got %d: unexpected EOF` (vendor/github.com/containerd/containerd/v2/core/content/helpers.go:221 at BuildKit
        // v0.32.2) and `failed to read expected number of bytes: unexpected EOF` (:249); a body of another digest:
        // `unexpected commit digest <got>, expected <want>: failed precondition` (plugins/content/local/writer.go:135);
        // a reset; a 5xx from the registry (`unexpected status from GET request to <url>: 503 …`,
        // core/remotes/errors/errors.go:43), the GitHub cache (`invalid status response 503 … for <url>`,
        // vendor/github.com/tonistiigi/go-actions-cache/cache.go:686-688) or S3 (`https response error StatusCode:
        // 503`, vendor/github.com/aws/aws-sdk-go-v2/aws/transport/http/response_error.go:25).
        /short read: expected \d+ bytes but got \d+|unexpected EOF|failed to read expected number of bytes|unexpected commit digest sha256:[0-9a-f]+, expected sha256:|connection reset by peer|unexpected status from GET request to \S+: 5\d\d|invalid status response 5\d\d|https response error StatusCode: 5\d\d/,
        {
            id: 'unreadable-layer',
            title: 'A cached layer could not be read',
            advice: 'A layer of the imported cache came cut short, reset, with a server error or with the wrong digest. The action retries once with the same import, then once without it; if the build still fails, the cache service (or a proxy in front of it) is failing: the next run after it recovers restores the whole cache.'
        }
    ],
    [
        /This legacy service is shutting down/,
        {
            id: 'legacy-cache-api',
            title: 'BuildKit speaks the retired cache API v1',
            advice: 'github.com shut the v1 cache service down on 2025-04-15. Use a BuildKit of v0.20.0 or later (buildkit-version, or builder: auto) so that the action passes url_v2 and version=2.'
        }
    ],
    [
        /token not set for github actions cache|url not set for github actions cache/,
        {
            id: 'gha-credentials',
            title: 'The gha cache got no credentials',
            advice: 'The cache flags lacked token= or url_v2=. The action fills them from the runner; if you set export-cache or import-cache yourself, let the action add them (leave token/url out) and run it as a JavaScript step.'
        }
    ],
    [
        /cache token expired|invalid token with future issue time/,
        {
            id: 'token-expired',
            title: 'The runtime token expired during the build',
            advice: "The runner's cache token lives about 6 hours. Split long builds into shorter jobs, or export with cache-write: false near the limit."
        }
    ],
    [
        /failed to reserve cache|cache write denied/,
        {
            id: 'write-denied',
            title: 'The GitHub cache refused the write',
            advice: 'This run may only read the cache (an untrusted trigger, cache-mode read, or an exhausted budget), or another job reserved the same key. The action drops the export when the token has no writable ref; set ignore-error=true in cache-options if you removed it.'
        }
    ],
    [
        /maximum timeout reached|requested delay \S+ exceeds maximum timeout|\(429\) Too Many Requests|rate limit exceeded/i,
        {
            id: 'throttled',
            title: 'The GitHub cache throttled the export',
            advice: 'GitHub allows 200 cache uploads per minute per repository and BuildKit writes one per layer. Use BuildKit v0.27.0 or later (it honours Retry-After), cache-mode: min on busy branches, or a longer timeout in cache-options.'
        }
    ],
    [
        /403 AuthenticationFailed|Server failed to authenticate the request|Signature not valid in the specified time frame/,
        {
            id: 'expired-url',
            title: 'A signed cache download URL expired',
            advice: 'BuildKit before v0.23.2 cannot renew an expired download URL during a long build. Use a newer BuildKit (buildkit-version).'
        }
    ],
    [
        /repository name must be lowercase/,
        {
            id: 'uppercase-ref',
            title: 'A registry reference has capital letters',
            advice: 'Registry references must be lowercase; ${{ github.repository }} often is not. Lowercase the image name in output and cache-ref.'
        }
    ],
    [
        /cache export feature is currently not supported for docker driver|Cache export is not supported for the docker driver|unknown cache exporter/,
        {
            id: 'wrong-builder',
            title: 'The builder cannot export this cache',
            advice: "envd's default moby-worker builder only knows inline cache. Use builder: auto (the action starts its own buildkitd) or a buildkitd address."
        }
    ],
    [
        /failed to connect to buildkitd|cannot connect to buildkitd/,
        {
            id: 'no-buildkitd',
            title: 'envd could not reach buildkitd',
            advice: 'The buildkitd the context points at is not answering. With builder: auto the action starts it; with an address, check that the daemon runs and that the address has the right scheme (unix:// or tcp://).'
        }
    ],
    [
        /bucket \(\$AWS_BUCKET\) not set for s3 cache|region \(\$AWS_REGION\) not set for s3 cache/,
        {
            id: 's3-location',
            title: 'The s3 cache has no bucket or region',
            advice: 'Set bucket= and region= in cache-options, or AWS_BUCKET and AWS_REGION in the step environment.'
        }
    ],
    [
        /SignatureDoesNotMatch/,
        {
            id: 's3-signature',
            title: 'The S3-compatible store rejected the request signature',
            advice: 'A proxy in front of the store rewrote Accept-Encoding. Add disable_accept_encoding=true to cache-options (BuildKit v0.30+).'
        }
    ],
    [
        /unauthorized|denied: (permission_denied|installation not allowed)|insufficient_scope/i,
        {
            id: 'registry-auth',
            title: 'The registry refused the push',
            advice: 'Log in before this step (docker/login-action) and grant the job packages: write for ghcr.io.'
        }
    ],
    [
        /local cache importer requires explicit digest|unknown service containerd\.services\.content\.v1\.Content/,
        {
            id: 'local-import',
            title: 'envd cannot import a local cache',
            advice: 'envd v1.3.4 cannot import type=local (envd #1391), so this build ran without that cache. Use cache: local and leave import-cache empty: the action then serves the restored directory as a registry on 127.0.0.1 and imports that.'
        }
    ]
];
/** Every known error with the pattern that recognizes it, in the order they are tried (docs/troubleshooting.md lists them). */
const KNOWN_ERRORS = TABLE.map(([pattern, e]) => ({
    ...e,
    pattern
}));
function classify(text) {
    return TABLE.find(([re]) => re.test(text))?.[1];
}
/**
 * The error of envd's fatal log line, unquoted (it may span lines), else the last non-empty line without
 * Go's `log` timestamp (a missing build file dies in `log.Fatal`, envd v1.3.4 pkg/lang/version/version.go:72-75).
 * envd's ExitErrHandler logs through logrus (pkg/app/app.go:160-166), whose text formatter writes a value
 * bare when it is only `[A-Za-z0-9-._/@^+]`, else Go-quoted with %q.
 */
function envdErrorLine(stderr) {
    const fatal = [...stderr.matchAll(/level=fatal msg=exit\b.*? error=("(?:[^"\\]|\\.)*"|[^\s"]+)/g)].pop();
    if (fatal)
        return fatal[1].startsWith('"') ? (goUnquote(fatal[1]) ?? fatal[1].slice(1, -1)) : fatal[1];
    const lines = stderr
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean);
    const last = lines[lines.length - 1];
    return last ? last.replace(/^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} /, '') : 'envd exited with an error';
}
const SIMPLE_ESCAPES = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, '"': 34 };
/**
 * Go's strconv.Unquote for a double-quoted string: `\a \b \f \n \r \t \v \\ \"`, `\xHH` and `\ooo` (bytes),
 * `\uHHHH` and `\UHHHHHHHH` (runes; no surrogates, at most U+10FFFF). Bytes are decoded as UTF-8 at the end,
 * as Go's string holds them. undefined when the text is not a valid Go double-quoted string.
 */
function goUnquote(quoted) {
    if (quoted.length < 2 || !quoted.startsWith('"') || !quoted.endsWith('"'))
        return undefined;
    const body = quoted.slice(1, -1);
    const bytes = [];
    const encoder = new TextEncoder();
    const hex = (text, n) => text.length === n && /^[0-9a-fA-F]+$/.test(text) ? parseInt(text, 16) : undefined;
    for (let i = 0; i < body.length;) {
        const c = body[i];
        if (c === '"' || c === '\n')
            return undefined;
        if (c !== '\\') {
            const cp = body.codePointAt(i);
            const ch = String.fromCodePoint(cp);
            bytes.push(...encoder.encode(ch));
            i += ch.length;
            continue;
        }
        const e = body[i + 1];
        if (e === undefined)
            return undefined;
        if (e in SIMPLE_ESCAPES) {
            bytes.push(SIMPLE_ESCAPES[e]);
            i += 2;
        }
        else if (e === 'x') {
            const b = hex(body.slice(i + 2, i + 4), 2);
            if (b === undefined)
                return undefined;
            bytes.push(b);
            i += 4;
        }
        else if (e >= '0' && e <= '7') {
            const oct = body.slice(i + 1, i + 4);
            if (!/^[0-7]{3}$/.test(oct) || parseInt(oct, 8) > 255)
                return undefined;
            bytes.push(parseInt(oct, 8));
            i += 4;
        }
        else if (e === 'u' || e === 'U') {
            const n = e === 'u' ? 4 : 8;
            const cp = hex(body.slice(i + 2, i + 2 + n), n);
            if (cp === undefined || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
                return undefined;
            bytes.push(...encoder.encode(String.fromCodePoint(cp)));
            i += 2 + n;
        }
        else
            return undefined;
    }
    return new TextDecoder().decode(new Uint8Array(bytes));
}

;// CONCATENATED MODULE: ./src/envd/watchdog.ts
/**
 * The watchdog over `envd build` and the retries after it (issue 21): when a cache import or export shows no
 * progress for `cache-timeout`, and which attempt comes next. Pure: progress lines and times (ms) in, decisions
 * out; the timer and the signals are in `io/envd.ts`.
 *
 * What the plain progress shows (BuildKit v0.32.2, printed by envd's copy of the printer):
 * - A cache import is the vertex `importing cache manifest from <id>`; it ends with `DONE` or `ERROR`. A
 *   registry or S3 service that accepts the connection and never answers leaves it open: neither importer has a
 *   client deadline (reference/buildkit-cache.md §7).
 * - A status line is printed only when BuildKit sends an update for it (util/progress/progressui/printer.go:90-137),
 *   so a stalled request prints nothing: silence is the sign. A one-off status (`writing layer <digest>`,
 *   cache/remotecache/export.go:217) prints when it ends, so an export is silent while one layer uploads.
 * - The build's output is complete when its exporter's vertex has ended with `DONE` and was not reopened: the
 *   vertex `exporting to image` (exporter/containerimage/export.go:208), `exporting to <variant> image format`
 *   (exporter/oci/export.go:118, envd's default docker output: `sending tarball`, :272), `exporting to client
 *   tarball` (exporter/tar/export.go:66) or `exporting to client directory` (exporter/local/export.go:71). A push
 *   reopens the image vertex (its finalize runs under the same vertex id, solver/llbsolver/solver.go:406-419)
 *   with `pushing layers` and `pushing manifest for <ref>` (util/push/push.go:131,141) and ends it again.
 * - The cache exporters run beside that finalize (solver.go:420-425), each under its own vertex:
 *   `exporting cache to registry` (cache/remotecache/registry/registry.go:52), `exporting to GitHub Actions
 *   Cache` (gha/gha.go:173), `exporting cache to Amazon S3` (s3/s3.go:228), `exporting cache to client
 *   directory` (local/local.go:32), `exporting cache to Azure Blob Storage` (azblob/exporter.go:64).
 * - A layer of the imported cache is pulled lazily, under the vertex of its step, reopened after `CACHED` or with no
 *   `CACHED` shown at all (the display prints a vertex's latest state at most every 100 ms; captured:
 *   progress-stalled-layer-pull-uncached.txt):
 *   `sha256:<hex> <current> / <total> <t>s` (util/pull/pullprogress/progress.go:93-125 writes the ingest's offset
 *   every 150 ms; printer.go:114-135 formats it), `... done` once it is whole, then (local work) `extracting
 *   sha256:<hex>` (cache/refs.go:1373). A pull that moves no bytes is NOT silent: the printer reprints the same status every 5 s
 *   with only its timer grown (printer.go:19 minTimeDelta, :93-103), so a reprint is not progress. Captured:
 *   `__tests__/fixtures/buildkit-v0.32.2/progress-stalled-layer-pull.txt` (`0B / 1.50MB` reprinted until SIGINT).
 * - A blob pulled under a base image's vertex (`[1/2] FROM …`, envd's `docker-image://…`, or one that printed a
 *   `resolve …` status) is the base image from its own
 *   registry, not the cache: building without `--import-cache` would pull it from the same place, so the watchdog
 *   leaves it to the job's `timeout-minutes` (docs/cache-failures.md, "A stalled base-image pull").
 */

const IMPORT_VERTEX = /^importing cache manifest from /;
const OUTPUT_VERTEX = /^(exporting to image|exporting to \S+ image format|exporting to client tarball|exporting to client directory)$/;
const CACHE_EXPORT_VERTEX = /^(exporting cache to |exporting to GitHub Actions Cache$)/;
const ENDED = /^(DONE\b|CACHED$|ERROR\b|CANCELED$)/;
/**
 * A vertex that pulls a base image from its registry, not a layer of the imported cache: Dockerfile's `[1/2] FROM …`,
 * envd's `docker-image://…`, or one that printed a `resolve …` status (envd/progress.ts reads them alike).
 */
const IMAGE_SOURCE = /(^|\] )FROM |docker-image:\/\//;
/**
 * A blob's transfer status: `sha256:<hex> 0B / 1.50MB 5.3s`, `sha256:<hex> 1.06MB / 1.06MB 0.1s done`. Not
 * `extracting sha256:…`: that is local work after the pull (cache/refs.go:1373) and carries no bytes to compare.
 */
const BLOB_STATUS = /^(sha256:[0-9a-f]{64})((?: [\d.]+[kMGTP]?B(?: \/ [\d.]+[kMGTP]?B)?)?)(?: [\d.]+s)?( done)?$/;
class CacheWatch {
    timeoutMs;
    lastAt;
    names = new Map();
    open = new Set();
    cached = new Set();
    /** Vertices that pull a base image (IMAGE_SOURCE, or a `resolve …` status). */
    sources = new Set();
    /** Per blob not yet done: its vertex and the status printed last (`sha256:… 0B / 1.50MB`). */
    pulling = new Map();
    /** Per blob, its last status line as printed but the timer: a repeat is no progress. */
    lastStatus = new Map();
    pushed = false;
    /** timeoutMs 0: never stalls. `start`: when envd was started (ms, the same clock as `push` and `stall`). */
    constructor(timeoutMs, start) {
        this.timeoutMs = timeoutMs;
        this.lastAt = start;
    }
    /** One line of envd's output (stdout or stderr): any line is progress but a blob status reprinted unchanged. */
    push(line, now) {
        const m = /^#(\d+) (.*)$/.exec(line.trimEnd());
        if (!m || m[1] === '0') {
            if (line.trim() !== '')
                this.lastAt = now;
            return;
        }
        const id = Number(m[1]);
        const text = m[2];
        if (this.names.get(id) === text || text === '...')
            return; // the printer repeats a header when it switches vertex
        if (!this.blobStatus(id, text))
            this.lastAt = now;
        if (!this.names.has(id)) {
            this.names.set(id, text);
            this.open.add(id);
            if (IMAGE_SOURCE.test(text))
                this.sources.add(id);
            return;
        }
        if (text === 'CACHED')
            this.cached.add(id);
        if (text.startsWith('resolve '))
            this.sources.add(id);
        if (ENDED.test(text))
            this.end(id);
        // A line after the end reopens the vertex (a push after the image was written, a lazily pulled layer).
        else
            this.open.add(id);
        if (OUTPUT_VERTEX.test(this.names.get(id)) && /^pushing (layers|manifest for )/.test(text))
            this.pushed = true;
    }
    /** Records a blob status; true when it repeats the blob's last one (the same bytes: not progress). */
    blobStatus(id, text) {
        const b = BLOB_STATUS.exec(text);
        if (!b)
            return false;
        const [, digest, bytes, done] = b;
        const status = `${digest}${bytes}`;
        if (done)
            this.pulling.delete(digest);
        else
            this.pulling.set(digest, { id, status });
        const repeated = this.lastStatus.get(digest) === `${status}${done ?? ''}`;
        this.lastStatus.set(digest, `${status}${done ?? ''}`);
        return repeated;
    }
    end(id) {
        this.open.delete(id);
        for (const [key, p] of this.pulling)
            if (p.id === id)
                this.pulling.delete(key);
    }
    /** The build's output was written (or pushed): an output exporter vertex was seen and none is open. */
    outputComplete() {
        const outputs = [...this.names].filter(([, name]) => OUTPUT_VERTEX.test(name));
        return outputs.length > 0 && outputs.every(([id]) => !this.open.has(id));
    }
    /** The output exporter reached its push (a failure from here on is the push's, not a cached layer's). */
    pushing() {
        return this.pushed;
    }
    /**
     * A stalled import, a stalled pull of a cached layer (under a step, not a base image's vertex), or an export
     * stalled after the output is complete; undefined while anything else runs (a silent step, a base-image pull).
     */
    stall(now) {
        const waitedMs = now - this.lastAt;
        if (this.timeoutMs <= 0 || waitedMs < this.timeoutMs)
            return undefined;
        const openNamed = (re) => [...this.open].map((id) => this.names.get(id)).find((name) => re.test(name));
        const importing = openNamed(IMPORT_VERTEX);
        if (importing)
            return { kind: 'import', vertex: importing, waitedMs: this.timeoutMs };
        // A step's layer pulled lazily from the cache, whether or not its `CACHED` was printed first: the display
        // prints at most every 100 ms the vertex's latest state, so a step that loads its layer may show the pull
        // before (or without) `CACHED` (captured: progress-stalled-layer-pull-uncached.txt). A base image's pull is not.
        const layer = [...this.pulling.values()].find((p) => this.open.has(p.id) && (this.cached.has(p.id) || !this.sources.has(p.id)));
        if (layer)
            return { kind: 'layer', vertex: this.names.get(layer.id), layer: layer.status, waitedMs: this.timeoutMs };
        const exporting = this.outputComplete() ? openNamed(CACHE_EXPORT_VERTEX) : undefined;
        return exporting ? { kind: 'export', vertex: exporting, waitedMs: this.timeoutMs } : undefined;
    }
}
/** Reads a failure: what it is (errors.ts) and whether it happened while pushing the output image. */
function failedOutcome(line, context) {
    const known = classify(line) ?? classify(context.allText);
    // A push that fails is the output's, not the cache's (exporter/containerimage/export.go:407 wraps it `failed to push <ref>`).
    const pushing = context.pushing || /failed to push /.test(line);
    return { kind: 'failed', line, known, pushing };
}
/**
 * After an attempt with the import: a stalled import, a stalled pull of a cached layer or an evicted layer → once
 * more without it; an unreadable
 * cached layer (cut short, reset, 5xx, wrong digest) → once more with the same import (likely transient), then once
 * without it. A push failure, a stalled export and any other failure: no further attempt.
 */
function nextAttempt(tried, hasImport) {
    const last = tried[tried.length - 1];
    if (!hasImport || !last?.withImport)
        return undefined;
    const o = last.outcome;
    if (o.kind === 'stalled') {
        if (o.stall.kind === 'export')
            return undefined;
        return { withImport: false, why: o.stall.kind === 'import' ? 'import-stalled' : 'layer-stalled' };
    }
    if (o.kind !== 'failed' || o.pushing)
        return undefined;
    if (o.known?.id === 'evicted-blob')
        return { withImport: false, why: 'evicted-blob' };
    if (o.known?.id !== 'unreadable-layer')
        return undefined;
    const unreadable = tried.filter((t) => t.withImport && t.outcome.kind === 'failed' && t.outcome.known?.id === 'unreadable-layer').length;
    return { withImport: unreadable < 2, why: 'unreadable-layer' };
}
/** `cache-timeout` as the warning says it: `90 s`, `5 min`. */
function waitText(ms) {
    const s = Math.round(ms / 1000);
    return s >= 120 && s % 60 === 0 ? `${s / 60} min` : `${s} s`;
}

;// CONCATENATED MODULE: ./src/io/watchdog.ts
/**
 * The watchdog's timer: while `run` is under way, asks `stalled` (the core's decision, `envd/watchdog.ts`) every
 * `everyMs` and, at the first stall it reports, aborts the signal `run` was given. The clock is the process's own.
 */
async function watched(run, stalled, everyMs) {
    const stop = new AbortController();
    let stall;
    const timer = setInterval(() => {
        stall ??= stalled(Date.now());
        if (stall && !stop.signal.aborted)
            stop.abort();
    }, everyMs);
    try {
        return { result: await run(stop.signal), stall };
    }
    finally {
        clearInterval(timer);
    }
}
/** How often the watchdog looks: a tenth of the timeout, at most once a second (once a second when it is off). */
const watchEvery = (timeoutMs) => timeoutMs > 0 ? Math.max(100, Math.min(1000, Math.floor(timeoutMs / 10))) : 1000;

;// CONCATENATED MODULE: ./src/steps/attempts.ts


/**
 * `fresh`: called before the attempt after a stalled import or layer pull. A real BuildKit v0.32.2 whose stalled
 * gha import was cancelled runs no further build (any solve on it prints nothing and waits, measured with
 * `npm run bench:faults`): the caller restarts a buildkitd it started itself.
 */
async function runAttempts(out, plan, once, fresh) {
    const tried = [];
    let withImport = true;
    // After a stalled import or layer pull the service is taken as silent: the export is left out too, so a job
    // costs the build plus one cache-timeout, not a second one waiting on the export (bench:faults, issue 21).
    let stalled = false;
    let retried;
    for (;;) {
        const attempt = await once(withImport, !stalled);
        tried.push({ withImport, outcome: attempt.outcome });
        if (attempt.outcome.kind === 'stalled' && attempt.outcome.stall.kind === 'export')
            return { attempt: exportAbandoned(attempt, attempt.outcome.stall, plan), retried, stalled };
        const next = nextAttempt(tried, !!plan.import);
        if (!next)
            return { attempt, retried, stalled };
        const why = warnRetry(out, next, attempt.outcome, plan);
        if (!next.withImport)
            retried = why;
        if (attempt.outcome.kind === 'stalled') {
            stalled = true;
            await fresh?.();
        }
        withImport = next.withImport;
    }
}
/** What a retry after a stall does with the export: nothing is written to a service that did not answer. */
function afterStall(plan) {
    return plan.export
        ? 'the export is left out too: the service did not answer, so writing to it would wait again, and the cache it holds stays as it is'
        : 'nothing is written this run';
}
/** The one warning before the next attempt; returns the reason in a few words (the summary's Retry row). */
function warnRetry(out, next, outcome, plan) {
    const backend = plan.import?.type ?? 'the cache';
    if (outcome.kind === 'stalled' && outcome.stall.kind === 'layer') {
        const wait = waitText(outcome.stall.waitedMs);
        const layer = `${outcome.stall.layer ?? ''} for ${outcome.stall.vertex}`;
        out.warning(`A layer of the ${(0,text_text/* echo */.WI)(backend)} cache showed no progress for ${wait} (${(0,text_text/* echo */.WI)(layer, text_text/* MAX_SENTENCE */.Rt)}, cache-timeout). envd was stopped; the build runs again without --import-cache; ${afterStall(plan)}.`, { title: 'Cached layer pull stalled: building without the cache' });
        return `a ${backend} cache layer showed no progress for ${wait}`;
    }
    if (outcome.kind === 'stalled') {
        const wait = waitText(outcome.stall.waitedMs);
        out.warning(`The cache import from ${(0,text_text/* echo */.WI)(backend)} showed no progress for ${wait} (${(0,text_text/* echo */.WI)(outcome.stall.vertex, text_text/* MAX_SENTENCE */.Rt)}, cache-timeout). envd was stopped; the build runs again without --import-cache; ${afterStall(plan)}.`, { title: `Cache import stalled: building without it` });
        return `the ${backend} import showed no progress for ${wait}`;
    }
    const line = outcome.kind === 'failed' ? outcome.line : '';
    if (next.why === 'evicted-blob') {
        out.warning(`The build failed on a cached layer that is gone (${(0,text_text/* echo */.WI)(line, text_text/* MAX_SENTENCE */.Rt)}). Retrying once without --import-cache; the export still refreshes the cache.`, { title: 'Evicted cache layer: retrying without the import' });
    }
    else if (next.withImport) {
        out.warning(`A layer of the ${(0,text_text/* echo */.WI)(backend)} cache could not be read (${(0,text_text/* echo */.WI)(line, text_text/* MAX_SENTENCE */.Rt)}). Retrying once with the same import: this is usually a passing fault of the service or the network.`, { title: 'Unreadable cache layer: retrying' });
    }
    else {
        out.warning(`A layer of the ${(0,text_text/* echo */.WI)(backend)} cache could not be read again (${(0,text_text/* echo */.WI)(line, text_text/* MAX_SENTENCE */.Rt)}). Retrying once without --import-cache; the export still refreshes the cache.`, { title: 'Unreadable cache layer: retrying without the import' });
    }
    return line;
}
/**
 * The output was written and only the cache export hung: the build succeeded. The stalled exporter is marked
 * failed in the figures, so the step warns once that the cache was not written and pruning (which needs a
 * written export) is skipped.
 */
function exportAbandoned(attempt, stall, plan) {
    const wait = waitText(stall.waitedMs);
    const error = `no progress for ${wait} after the build's output was written (cache-timeout); envd was stopped: the build succeeded, but the ${plan.export?.type ?? ''} cache was not written this run`;
    const exports = attempt.figures.exports.map((e) => e.name === stall.vertex || (!e.done && !e.error) ? { ...e, error } : e);
    if (!exports.some((e) => e.error === error))
        exports.push({ name: stall.vertex, error, done: false });
    return { ...attempt, figures: { ...attempt.figures, exports }, failure: undefined };
}

;// CONCATENATED MODULE: ./src/envd/progress.ts
/**
 * Reads BuildKit's plain progress as envd prints it (envd-cli.md §8): steps, which came from the cache, the
 * cache import and export vertices and their errors. Pure: lines in, figures out.
 *
 * What a step was is said by its last terminal line (`CACHED`, `DONE`, `ERROR`, `CANCELED`) and by what it printed
 * since the one before, its last segment (BuildKit v0.32.2; envd's plain printer is a fork of the same one):
 * - `CACHED`: its result was loaded from a cache (solver/jobs.go:1036-1052, notifyStarted with Cached=true), or
 *   it was marked cached as an input of a step that started (solver/progress.go:110-122). Cached.
 * - `ERROR`: the step failed, or its cached result could not be loaded: loading checks every blob of the chain
 *   (worker/base/worker.go:641-653), so an evicted layer's entry reads `blob sha256:…: not found` (jobs.go:
 *   1376-1386). The record is dropped and the edge loads another or runs the step (solver/edge.go:621-631,
 *   :923-943), so a later `CACHED` or `DONE` ends the error (__tests__/fixtures/buildkit-v0.32.2/progress-evicted-*).
 * - `DONE`: the step ran (jobs.go:1242, Cached=false), or its progress controller reopened it to materialise a
 *   result loaded from the cache for a later step or the exporter (util/progress/controller/controller.go:30-75,
 *   which writes the vertex without Cached). A reopening always prints a status, never a log line: the layer
 *   download `sha256:<hex> …` (cache/remote.go:353-356, util/pull/pullprogress/progress.go:119), `extracting
 *   sha256:<hex>` (cache/refs.go:1371-1373), `merging`/`diffing` (cache/refs.go:1292-1304). So a `DONE` segment
 *   with a status and no log line keeps what the step was before it: cached after `CACHED`, built after a run;
 *   after nothing or an `ERROR`, cached when it pulled a layer and resolved no image (a base image pulled from its
 *   registry is fetched, not cached: `resolve …` status, `docker-image://` name). Any other `DONE` is a run.
 * The plain display prints at most every 100 ms the latest state of a vertex (util/progress/progressui/
 * display.go:82-92, :258-266, :683-685; printer.go:183-205), so a state between two prints may never show: a
 * load and its reopening without `CACHED`, a failed load without `ERROR` (`CACHED` then a bare `DONE`: it ran).
 * Over a cache service slower than that, the steps below the top one print `CACHED` (marked as its inputs) before
 * their own load fails and they run: built (issue 20; captured: __tests__/fixtures/buildkit-v0.32.2/progress-
 * evicted-slow-service.txt).
 *
 * Per step it also keeps its seconds and the tail of its own log (for the step table and the failing step's log,
 * `src/report/steps.ts`).
 * - Seconds: BuildKit's `#N DONE 1.2s` is the sum of the vertex's merged intervals, printed again in full when
 *   a reopened vertex completes (v0.32.2 util/progress/progressui/printer.go:191-205), so the last one counts.
 *   `#N CACHED` and `#N ERROR: …` carry no time (printer.go:183-190): a cached step has 0 s, a failed one the
 *   offset of its last log line (seconds since the vertex started, envd v1.3.4 display.go:565-576), else 0.
 * - Log lines: `#N <t> <text>` belongs to vertex N. A `#0 <t> <text>` line is attributed to the vertex whose
 *   block is open when it is printed: envd formats a log line with its vertex's index when it arrives (0 before
 *   the vertex is first printed, display.go:576) but prints it only inside that vertex's block, after the
 *   header `printVtx` writes when it switches to the vertex (printer.go:62-89, :156-171). A block ends with
 *   `#N DONE|CACHED|ERROR|CANCELED` or `#N ...` (printer.go:67-76, :183-214). A `#0` line outside any open
 *   block cannot be attributed and is dropped.
 * - After the build envd repeats the last 10 log lines of each failed vertex between `------` lines
 *   (`printErrorLogs`, display.go:586-609, called at :101); those repeats are skipped, not counted twice.
 */
const NO_SEGMENT = { status: false, pulled: false, logged: false };
/** How many of a step's last log lines are kept. */
const LOG_TAIL = 30;
function kindOf(name) {
    if (name.startsWith('importing cache manifest from'))
        return 'import';
    if (/^(exporting |preparing layers for inline cache|writing image|naming to|pushing )/.test(name))
        return 'export';
    // BuildKit's own bookkeeping and envd's parse phase; envd names many real build steps "[internal] …".
    if (/^\[internal\] load |^load (build definition|metadata)|^resolve image config|^parse build\.envd/.test(name))
        return 'internal';
    return 'step';
}
class Progress {
    vertices = new Map();
    /** The vertex whose block is open: a `#0` log line belongs to it. */
    current;
    /** Inside envd's closing recap of failed vertices (`------` … `------`). */
    inRecap = false;
    push(line) {
        const trimmed = line.trimEnd();
        if (trimmed === '------') {
            this.inRecap = !this.inRecap;
            this.current = undefined;
            return;
        }
        if (this.inRecap)
            return;
        const m = /^#(\d+) (.*)$/.exec(trimmed);
        if (!m)
            return;
        const id = Number(m[1]);
        const text = m[2];
        // envd numbers a log line with its vertex's index when the log arrives, and a vertex not printed yet has
        // index 0 (envd v1.3.4 pkg/progress/progressui/display.go:576, printer.go:62-65, :160): `#0` is never a vertex.
        if (id === 0) {
            if (this.current)
                this.log(this.current, text);
            return;
        }
        const v = this.vertices.get(id);
        if (!v) {
            const created = {
                id,
                name: text,
                state: 'none',
                segment: { ...NO_SEGMENT },
                done: false,
                resolved: false,
                logs: []
            };
            this.vertices.set(id, created);
            this.current = created;
            return;
        }
        this.current = v;
        if (text === 'CACHED')
            this.end(v, 'cached');
        else if (/^DONE\b/.test(text)) {
            v.done = true;
            const t = /^DONE (\d+(?:\.\d+)?)s$/.exec(text);
            if (t)
                v.seconds = Number(t[1]);
            this.end(v, doneState(v));
        }
        else if (/^ERROR[: ]/.test(text)) {
            this.end(v, 'error');
            v.error = text.slice('ERROR'.length).replace(/^:/, '').trim();
        }
        else if (text === 'CANCELED')
            this.end(v, 'canceled');
        else if (text === '...') {
            // printVtx switches to another vertex (printer.go:67-76); the block is not over
        }
        else if (text.startsWith('WARN: ')) {
            // a warning of the step (printer.go:140-143), not a status of a reopening
        }
        else if (/^\d+\.\d+( |$)/.test(text)) {
            // BuildKit prints a log line's time with a decimal point (%.3f/%.2f/%.1f, display.go:568-576).
            this.log(v, text);
        }
        else {
            v.segment.status = true;
            if (/^(extracting )?sha256:[0-9a-f]{64}\b/.test(text))
                v.segment.pulled = true;
            else if (text.startsWith('resolve '))
                v.resolved = true;
        }
        if (text === '...')
            this.current = undefined;
    }
    /** A terminal line: the vertex's block is over, and with it the segment. */
    end(v, state) {
        if (v.state === 'error' && (state === 'cached' || state === 'built'))
            v.loadError = v.error;
        if (state !== 'error')
            v.error = undefined;
        v.state = state;
        v.segment = { ...NO_SEGMENT };
        this.current = undefined;
    }
    log(v, text) {
        const m = /^(\d+\.\d+)(?: (.*))?$/.exec(text);
        if (!m)
            return;
        v.segment.logged = true;
        v.lastLogAt = Number(m[1]);
        v.logs.push(m[2] ?? '');
        if (v.logs.length > LOG_TAIL)
            v.logs.shift();
    }
    figures() {
        const all = [...this.vertices.values()];
        const steps = all.filter((v) => kindOf(v.name) === 'step');
        const failed = steps.filter((v) => v.error);
        const last = failed[failed.length - 1];
        return {
            totalSteps: steps.length,
            cachedSteps: steps.filter((v) => v.state === 'cached').length,
            // envd adds its own importer for dev images (…/python-cache:envd-<version>); its misses are routine.
            imports: all
                .filter((v) => kindOf(v.name) === 'import' && !/\/python-cache:envd-/.test(v.name))
                .map((v) => ({ name: v.name, error: v.error })),
            exports: all
                .filter((v) => kindOf(v.name) === 'export' && v.name !== 'exporting to image')
                .map((v) => ({ name: v.name, error: v.error, done: v.done })),
            stepError: last?.error,
            steps: steps.map(stepOf),
            failedLog: last ? { step: last.name, lines: [...last.logs] } : undefined
        };
    }
}
const isSource = (v) => v.resolved || /docker-image:\/\//.test(v.name);
/** What a `DONE` says the vertex was, from what it printed since its last terminal line (see the header). */
function doneState(v) {
    const { status, pulled, logged } = v.segment;
    if (logged || !status)
        return 'built';
    if (v.state === 'cached' || v.state === 'built')
        return v.state;
    return pulled && !isSource(v) ? 'cached' : 'built';
}
function stepOf(v) {
    const source = isSource(v);
    const load = v.loadError ? { loadError: v.loadError } : {};
    if (v.state === 'error')
        return { name: v.name, status: 'failed', seconds: v.seconds ?? v.lastLogAt ?? 0, source };
    if (v.state === 'cached')
        return { name: v.name, status: 'cached', seconds: v.seconds ?? 0, source, ...load };
    // Stopped because another step failed, or never finished (envd ended first).
    if (v.state !== 'built')
        return { name: v.name, status: 'failed', seconds: v.seconds ?? v.lastLogAt ?? 0, canceled: true, source };
    return { name: v.name, status: 'built', seconds: v.seconds ?? 0, source, ...load };
}

// EXTERNAL MODULE: ./src/envd/ssh-key.ts
var ssh_key = __webpack_require__(6417);
;// CONCATENATED MODULE: ./src/report/steps.ts



/** Rows beyond this many are collapsed in the summary. */
const MAX_OPEN_ROWS = 15;
/** The most log lines the summary quotes, and the annotation. */
const SUMMARY_LOG_LINES = 30;
const ANNOTATION_LOG_LINES = 10;
/** The most characters of one quoted log line. */
const MAX_LOG_LINE = 500;
const steps_isSource = (s) => s.source;
/** A blob of the chain missing when the cache record is loaded (worker/base/worker.go:641-653, v0.32.2). */
const GONE = /^blob sha256:[0-9a-f]{64}: not found$/;
const GONE_WHY = ': a layer it needs is gone from the cache (evicted or deleted)';
function stepInsight(figures, ctx) {
    // Figures recorded before steps were kept (a report from an older state) have none: no table then.
    const steps = figures.steps ?? [];
    const rows = steps.map((s) => ({
        name: s.name,
        status: s.status,
        seconds: s.seconds,
        ...(s.canceled ? { canceled: true } : {})
    }));
    // The first step that was not served from a cache, leaving out base images pulled from their registry
    // (they are fetched, never cached as steps) and steps canceled because another one failed.
    const index = steps.findIndex((s) => !steps_isSource(s) && s.status !== 'cached' && !s.canceled);
    if (index < 0)
        return { rows };
    const hitBefore = steps.slice(0, index).some((s) => !steps_isSource(s) && s.status === 'cached');
    const { loadError } = steps[index];
    // BuildKit found the step in the cache but could not load it (progress.ts): that, not its inputs, broke it.
    if (loadError && !ctx.retriedWithoutImport)
        return {
            rows,
            broke: {
                index,
                kind: 'layer-gone',
                reason: `its cached result could not be loaded (${loadError})${GONE.test(loadError) ? GONE_WHY : ''}, so BuildKit ran the step again`
            }
        };
    return { rows, broke: { index, ...why(figures, ctx, hitBefore) } };
}
function why(figures, { plan, retriedWithoutImport }, hitBefore) {
    if (retriedWithoutImport)
        return {
            kind: 'not-imported',
            reason: `this run did not import: the build ran again without --import-cache after a cached layer was gone (${retriedWithoutImport})`
        };
    if (!plan.import) {
        if ((0,backends/* backendOf */.EC)(plan.backend).store === 'nowhere')
            return { kind: 'not-imported', reason: `this run did not import: cache is ${plan.backend}` };
        if (plan.local)
            return { kind: 'no-cache', reason: `no cache for this scope yet: no local cache was restored for ${plan.scope}` };
        const skipped = plan.decisions.find((d) => d.topic === 'import' && d.outcome === 'skipped');
        return { kind: 'not-imported', reason: `this run did not import${skipped ? `: ${skipped.reason}` : ' a cache'}` };
    }
    const failed = figures.imports?.find((i) => i.error);
    if (failed) {
        if (/\bnot found$/i.test(failed.error ?? ''))
            return {
                kind: 'no-cache',
                reason: `no cache for this scope yet: the import found no cache manifest (${failed.error})`
            };
        return { kind: 'import-failed', reason: `the import failed, so the build ran without that cache: ${failed.error}` };
    }
    if (hitBefore)
        return {
            kind: 'inputs-changed',
            reason: "the step's inputs changed since the cache was written: the steps before it came from the cache, this one did not"
        };
    const entry = plan.decisions.find((d) => d.topic === 'import entry');
    if (entry && /^no cache exists yet/.test(entry.reason))
        return { kind: 'no-cache', reason: `no cache for this scope yet: ${entry.reason}` };
    // An importer that fails on a missing entry found one when it ended clean; not so for a value read back through
    // it (inline: the output image exists whether or not it carries a cache) or the local cache the action serves.
    if ((0,backends/* backendOfType */.kY)(plan.import.type)?.importReportsMissing && !(0,backends/* backendOf */.EC)(plan.backend).readBack && !plan.local)
        return {
            kind: 'inputs-changed',
            reason: "the step's inputs changed since the cache was written: the import found the cache manifest, but no step matched it from this one on"
        };
    return {
        kind: 'no-match',
        reason: `no step matched the imported cache from this one on: either no cache exists yet for scope ${plan.scope} (BuildKit reads a missing ${plan.import.type} cache as empty, without an error), or it was written from other inputs`
    };
}
/** The `steps` output: `[{"name","status","seconds"}]`, names without secrets, one line, capped. */
function stepsJson(rows, secrets) {
    const list = [...secrets];
    return JSON.stringify(rows.map((r) => ({ name: (0,text_text/* echo */.WI)((0,redact/* redactKnown */.rA)(r.name, list), text_text/* MAX_ECHO */.dP), status: r.status, seconds: r.seconds })));
}
/**
 * What to quote of a failure: the failing step's last lines when it printed any, else the last non-empty
 * lines of envd's stderr (envd refusing a flag, buildkitd not answering). Of stderr, envd's closing
 * `level=fatal msg=exit … error="…"` line is left out (its error is the failure line itself, shown above
 * the log; envd v1.3.4 pkg/app/app.go:160-166), and so is `level=error msg="Buildkit error: …"`, the same
 * error logged once more with `%+v` before it is returned (pkg/builder/build.go:270-272). logrus' `time="…" `
 * prefix is dropped.
 */
function failureLog(figures, stderr) {
    const own = figures.failedLog;
    if (own && own.lines.some((l) => l.trim() !== ''))
        return { from: 'step', step: own.step, lines: own.lines.slice(-SUMMARY_LOG_LINES) };
    const lines = stderr
        .split(/\r?\n/)
        .map((l) => l.trimEnd().replace(/^time="[^"]*" /, ''))
        .filter((l) => l.trim() !== '' && !/^level=fatal msg=exit\b|^level=error msg="Buildkit error: /.test(l));
    return lines.length ? { from: 'stderr', lines: lines.slice(-SUMMARY_LOG_LINES) } : undefined;
}
/** One log line as quoted: credential-shaped values replaced by ***, one line, controls visible, capped. */
const logLine = (l) => (0,text_text/* echo */.WI)((0,redact/* redactText */.Rd)(l), MAX_LOG_LINE);
/**
 * A fenced code block that no line of the log can close: the fence is one backtick longer than the longest
 * run of backticks in the text (CommonMark: a closing fence is at least as long as the opening one).
 */
function codeBlock(lines) {
    const quoted = lines.map(logLine);
    const longest = Math.max(0, ...quoted.map((l) => Math.max(0, ...(l.match(/`+/g) ?? []).map((r) => r.length))));
    const fence = '`'.repeat(Math.max(3, longest + 1));
    return [`${fence}text`, ...quoted, fence];
}
/** The error annotation: the error line, the advice, and the last lines of the log (at most ANNOTATION_LOG_LINES). */
function annotationText({ line, advice, log }) {
    const parts = [line];
    if (advice)
        parts.push(advice);
    if (log) {
        const tail = log.lines.filter((l) => l.trim() !== '').slice(-ANNOTATION_LOG_LINES);
        parts.push(log.from === 'step' ? `Last lines of ${(0,text_text/* echo */.WI)(log.step ?? 'the step')}:` : "Last lines of envd's error output:", ...tail.map((l) => `  ${logLine(l)}`));
    }
    return parts.join('\n');
}

// EXTERNAL MODULE: ./src/state.ts
var src_state = __webpack_require__(2462);
;// CONCATENATED MODULE: ./src/builder/config.ts
/** buildkitd.toml as the action extends it. Pure. */

const isTable = (v) => v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date);
/**
 * The author's buildkitd config (already checked to be TOML) with `host` reachable over plain HTTP:
 * `[registry."<host>"] http = true` (BuildKit v0.32.2: cmd/buildkitd/config/config.go:40 maps `registry`,
 * util/resolver/config/config.go:5 reads `http` as plain HTTP). The table is written by smol-toml, so any host is quoted and escaped. It is appended to the author's
 * text, which stays as written; when that would not be TOML (the author defined the same host, or wrote
 * `registry` as an inline table), the document is merged and written anew, the author's settings kept.
 */
function withPlainHttpRegistry(config, host) {
    const table = (0,dist/* stringify */.As)({ registry: { [host]: { http: true } } }).trimEnd();
    const author = config.trim();
    const appended = author ? `${author}\n${table}` : table;
    if (!author || parsesAsToml(appended))
        return appended;
    let doc;
    try {
        doc = (0,dist/* parse */.qg)(author);
    }
    catch (e) {
        if (e instanceof dist/* TomlError */.zx)
            return appended; // not TOML to begin with: buildkitd reports it
        throw e;
    }
    const registries = doc.registry ?? {};
    if (!isTable(registries))
        return appended; // registry is not a table: buildkitd reports it
    const own = registries[host];
    return (0,dist/* stringify */.As)({
        ...doc,
        registry: { ...registries, [host]: { ...(isTable(own) ? own : {}), http: true } }
    }).trimEnd();
}
function parsesAsToml(text) {
    try {
        (0,dist/* parse */.qg)(text);
        return true;
    }
    catch (e) {
        if (e instanceof dist/* TomlError */.zx)
            return false;
        throw e;
    }
}

;// CONCATENATED MODULE: ./src/plan/local-serve.ts
/**
 * cache: local, served: envd cannot import `type=local` (envd #1391), so the shell serves the restored directory
 * read-only on 127.0.0.1 and BuildKit imports it as a registry cache over plain HTTP. Pure.
 */


/** The repository name the action's read-only registry serves a restored local cache under. */
const LOCAL_CACHE_REPO = 'envd-local-cache';
/** How BuildKit imports a restored local cache: from the action's registry on 127.0.0.1, over plain HTTP. */
function localRegistryImport(host) {
    return (0,backends_spec/* cacheSpec */.Ye)('registry', [
        ['ref', `${host}/${LOCAL_CACHE_REPO}:latest`],
        ['registry.insecure', 'true']
    ]);
}
/**
 * For a local cache served at `host`: the buildkitd config that reaches it over HTTP (set before buildkitd
 * starts), and the plan that imports it (used once the restore brought a layout to serve). Neither argument is edited.
 */
function servedLocalCache(o) {
    return {
        plan: { ...o.plan, import: localRegistryImport(o.host) },
        configInline: withPlainHttpRegistry(o.configInline, o.host)
    };
}

// EXTERNAL MODULE: ./src/io/tool-cache.ts
var tool_cache = __webpack_require__(2063);
// EXTERNAL MODULE: ./src/tools/releases.ts
var releases = __webpack_require__(21);
;// CONCATENATED MODULE: ./src/steps/tools.ts
/**
 * Which envd and BuildKit to use, installed into the tool cache (or found on PATH for envd-version: system).
 * A pinned version already in the tool cache is taken from there without loading the installer (and with it
 * @actions/tool-cache, @actions/core and their HTTP client): the warm job's usual case.
 */







const DOWNLOAD_URL_ENV = 'ENVD_CACHE_ACTION_DOWNLOAD_URL';
const API_URL_ENV = 'ENVD_CACHE_ACTION_API_URL';
const installerModule = () => __webpack_require__.e(/* import() */ 208).then(__webpack_require__.bind(__webpack_require__, 9208));
async function installTools({ out, env }, inputs, rt, tempDir) {
    const platform = (0,releases/* runnerPlatform */.GQ)(env.RUNNER_OS || process.platform, env.RUNNER_ARCH || process.arch);
    if (typeof platform === 'string')
        throw new (await installerModule()).InstallError(platform);
    let installer;
    // Loaded and made once, and only for a tool the tool cache does not hold.
    const installerFor = () => (installer ??= installerModule().then(({ Installer }) => {
        const apiBase = env[API_URL_ENV] || 'https://api.github.com';
        // The GitHub token goes only to GitHub's own API, never to a mirror or to GHES for github.com releases.
        const token = !env[API_URL_ENV] && !rt.ghes ? inputs.githubToken || undefined : undefined;
        return new Installer({
            platform,
            downloadBase: env[DOWNLOAD_URL_ENV] || 'https://github.com',
            apiBase,
            token,
            tempDir,
            retry: {
                attempts: policies/* POLICIES */.PQ.release.attempts,
                backoffMs: policies/* POLICIES */.PQ.release.backoffMs,
                onRetry: (n, e) => out.info(`download attempt ${n} failed (${e.message}); trying again`)
            }
        });
    }));
    const cached = (tool, version) => (0,tool_cache/* findCached */.a)(env.RUNNER_TOOL_CACHE, tool, version, platform.arch);
    const envd = async (version) => {
        if (version === 'system')
            return (await installerModule()).systemEnvd(env);
        const dir = cached('envd', version);
        return dir ? { tag: version, dir, fromCache: true } : (await installerFor()).envd(version);
    };
    const buildkit = async (version) => {
        if (version === 'system') {
            const { systemBuildkit } = await installerModule();
            return systemBuildkit(env, async () => (0,args/* parseBuildkitVersion */.MT)((await exec/* Exec */.W.run('buildkitd', ['--version'], { env })).stdout));
        }
        // The release archive unpacks into bin/ (the installer's layout).
        const dir = cached('buildkit', version);
        return dir
            ? { tag: version, dir: external_node_path_.join(dir, 'bin'), fromCache: true }
            : (await installerFor()).buildkit(version);
    };
    // The two are independent (a tool-cache look-up, a download, a version read): resolved at once, logged and
    // failed in the same order as one after the other (envd's problem first when both have one).
    const [envdResult, buildkitResult] = await Promise.allSettled([
        envd(inputs.envdVersion),
        buildkit(inputs.buildkitVersion)
    ]);
    if (envdResult.status === 'rejected')
        throw envdResult.reason;
    if (buildkitResult.status === 'rejected')
        throw buildkitResult.reason;
    return logTools(out, { envd: envdResult.value, buildkit: buildkitResult.value });
}
/** The lines "Install envd and BuildKit" shows for the tools found or installed, the same whoever found them. */
function logTools(out, tools) {
    for (const [name, t] of [
        ['envd', tools.envd],
        ['BuildKit', tools.buildkit]
    ])
        out.info(`${name} ${t.tag}: ${t.fromCache ? 'from the tool cache' : 'downloaded, checksum verified, cached'} (${(0,text_text/* echo */.WI)(t.dir)})`);
    return tools;
}
/**
 * Both tools, when both are pinned versions already in the tool cache (what `installTools` would take from
 * there); undefined otherwise. Reads two paths and writes nothing, to the log or elsewhere.
 */
function cachedTools(inputs, env) {
    const platform = (0,releases/* runnerPlatform */.GQ)(env.RUNNER_OS || process.platform, env.RUNNER_ARCH || process.arch);
    if (typeof platform === 'string')
        return undefined;
    const envd = (0,tool_cache/* findCached */.a)(env.RUNNER_TOOL_CACHE, 'envd', inputs.envdVersion, platform.arch);
    const buildkit = (0,tool_cache/* findCached */.a)(env.RUNNER_TOOL_CACHE, 'buildkit', inputs.buildkitVersion, platform.arch);
    if (!envd || !buildkit)
        return undefined;
    return {
        envd: { tag: inputs.envdVersion, dir: envd, fromCache: true },
        buildkit: { tag: inputs.buildkitVersion, dir: external_node_path_.join(buildkit, 'bin'), fromCache: true }
    };
}

// EXTERNAL MODULE: ./src/cache/scope.ts
var cache_scope = __webpack_require__(5274);
;// CONCATENATED MODULE: ./src/budget/units.ts
/**
 * The budget's units (bytes, time) and ratios, below every other budget module (budget.ts, estimate.ts and prune.ts all read
 * them; keeping them here keeps those three out of an import cycle). `budget.ts` re-exports them. Pure.
 */
const GB = 1000 ** 3;
const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
/** GitHub's default per-repository cache storage. */
const DEFAULT_BUDGET_BYTES = 10 * GB;
/** Above this share of the budget, `cache-mode: auto` exports `min`. */
const HIGH_WATER = 0.8;
/**
 * Pruning brings usage down to this share of the budget. The gap to the budget is room for one workflow
 * run's exports (every matrix job uploads before any of them prunes), so GitHub's LRU never has to act.
 */
const TARGET_RATIO = 0.7;
function percent(usageBytes, budgetBytes) {
    return budgetBytes > 0 ? Math.round((usageBytes / budgetBytes) * 100) : 0;
}

;// CONCATENATED MODULE: ./src/budget/keys.ts
/**
 * BuildKit's gha cache key layout, parsed. Pure.
 *
 * - layer blob: `buildkit-blob-1-sha256:<64 hex>` (shared by every scope and image; a signed cache adds
 *   `buildkit-blob-1-sha256:<index digest>-sig`)
 * - index: `index-<scope>-1-<first 8 hex of sha256(ref)>[-sig]#<n>`; every export writes a new `#n`.
 *   Scopes may contain `-`, so the suffix is matched from the end.
 */

/** BuildKit's cache version for every entry: sha256("|go-actionscache-1.0"). */
const BUILDKIT_CACHE_VERSION = '693bb7016429d80366022f036f84856888c9f13e00145f5f6f4dce303a38d6f2';
const BLOB_PREFIX = 'buildkit-blob-1-';
const INDEX_KEY = /^index-(.+)-1-([0-9a-f]{8})(-sig)?(?:#(\d+))?$/;
const BLOB_KEY = /^buildkit-blob-1-(sha256:[0-9a-f]{64})(-sig)?$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;
const DIGEST_ANYWHERE = /sha256:[0-9a-f]{64}/g;
/** `index-build-ab12cd34-1-f921bd05#7` → `{ scope: 'build-ab12cd34', refHash: 'f921bd05', n: 7, signed: false }`. */
function parseIndexKey(key) {
    const m = INDEX_KEY.exec(key);
    if (!m)
        return undefined;
    const [, scope, refHash, sig, n] = m;
    const signed = sig !== undefined;
    return {
        scope,
        refHash,
        n: n === undefined ? 0 : Number(n),
        signed,
        base: `index-${scope}-1-${refHash}${signed ? '-sig' : ''}`
    };
}
function isIndexKey(key) {
    return INDEX_KEY.test(key);
}
/** A layer blob (or a signature blob) as BuildKit names it. */
function isBlobKey(key) {
    return BLOB_KEY.test(key);
}
/** `buildkit-blob-1-sha256:<hex>[-sig]` → `sha256:<hex>`; undefined for other keys. */
function keys_blobDigest(key) {
    return BLOB_KEY.exec(key)?.[1];
}
/** A signature blob (`…-sig`): its digest is the digest of the index it signs. */
function isSignatureBlob(key) {
    return BLOB_KEY.exec(key)?.[2] !== undefined;
}
function blobKey(digest) {
    return `${BLOB_PREFIX}${digest}`;
}
/** First 8 hex of sha256(ref), as BuildKit puts it in index keys (`refs/heads/main` → `f921bd05`). */
function refHash(ref) {
    return createHash('sha256').update(ref).digest('hex').slice(0, 8);
}
/** The index key BuildKit writes for a scope from a ref; `n` omitted gives the lookup prefix without `#`. */
function indexKey(scope, ref, n, signed = false) {
    return `index-${scope}-1-${refHash(ref)}${signed ? '-sig' : ''}${n === undefined ? '' : `#${n}`}`;
}
function sha256Digest(data) {
    return `sha256:${(0,external_node_crypto_.createHash)('sha256').update(data).digest('hex')}`;
}
function scrape(text, into) {
    for (const m of text.matchAll(DIGEST_ANYWHERE))
        into.add(m[0]);
}
/**
 * The blob digests a BuildKit cache config (`{"layers":[{"blob":"sha256:…"}],"records":[…]}`) references.
 * Lenient: an unknown shape, or text that is not JSON, yields every `sha256:<64 hex>` it contains, so
 * reading more than is referenced can only protect more, never less.
 */
function parseIndexJson(content) {
    const text = typeof content === 'string' ? content : Buffer.from(content).toString('utf8');
    const digests = new Set();
    let doc;
    try {
        doc = JSON.parse(text);
    }
    catch {
        scrape(text.toLowerCase(), digests);
        return { digests, recognized: false, final: digests };
    }
    const layers = typeof doc === 'object' && doc !== null ? doc.layers : undefined;
    if (!Array.isArray(layers)) {
        scrape(text.toLowerCase(), digests);
        return { digests, recognized: false, final: digests };
    }
    let odd = false;
    for (const layer of layers) {
        const blob = typeof layer === 'object' && layer !== null ? layer.blob : undefined;
        if (typeof blob === 'string' && DIGEST.test(blob.toLowerCase()))
            digests.add(blob.toLowerCase());
        else
            odd = true;
    }
    // A layer without a readable blob digest: keep everything that looks like one.
    if (odd) {
        scrape(text.toLowerCase(), digests);
        return { digests, recognized: false, final: digests };
    }
    return {
        digests,
        recognized: true,
        final: finalChain(doc, layers) ?? digests
    };
}
/**
 * BuildKit's cache config (`cache/remotecache/v1/types/spec.go`, v0.32.2): `layers[i].parent` is the index of
 * the layer below (omitted when 0, -1 for none); a record's results are `records[i].layers[].layer` (the Go field
 * `Results`, spec.go:30) or, for a result made of several layers, `records[i].chains[].layers[]` (spec.go:31, 42);
 * `records[i].inputs[][].link` names the records it builds on. The records nothing links to are the build's
 * results; their layer chains are what `mode=min` exports. Undefined when the document does not say.
 */
function finalChain(doc, layers) {
    const records = Array.isArray(doc.records)
        ? doc.records
        : undefined;
    if (!records || records.length === 0)
        return undefined;
    const linked = new Set();
    for (const r of records)
        if (Array.isArray(r?.inputs))
            for (const group of r.inputs)
                if (Array.isArray(group))
                    for (const i of group)
                        if (typeof i?.link === 'number')
                            linked.add(i.link);
    if (linked.size === 0)
        return undefined; // no inputs recorded: every record looks final, which tells nothing
    const out = new Set();
    const seen = new Set();
    const chainFrom = (top) => {
        for (let l = typeof top === 'number' ? top : -1; l >= 0 && l < layers.length && !seen.has(l);) {
            seen.add(l);
            const layer = layers[l];
            if (typeof layer.blob === 'string')
                out.add(layer.blob.toLowerCase());
            l = typeof layer.parent === 'number' ? layer.parent : 0;
        }
    };
    records.forEach((r, index) => {
        if (linked.has(index))
            return;
        if (Array.isArray(r?.layers))
            for (const res of r.layers)
                chainFrom(res?.layer);
        if (Array.isArray(r?.chains))
            for (const c of r.chains)
                if (Array.isArray(c?.layers))
                    for (const l of c.layers)
                        chainFrom(l);
    });
    return out.size > 0 ? out : undefined;
}

;// CONCATENATED MODULE: ./src/budget/generations.ts
/**
 * The GitHub cache's entries as BuildKit's gha exporter leaves them: which are BuildKit's, and of each (ref, scope)
 * which index generation is live, which superseded ones are still pinned (a running job may have loaded them) and
 * which are not. Read by the prune planner (prune.ts) and the export estimate (estimate.ts). Pure.
 */


/** How long after being superseded an index may still be in use by a job that loaded it. */
const DEFAULT_PIN_MS = HOUR_MS;
/** A BuildKit gha entry: its version (when known) is BuildKit's and its key a blob or index key. */
function isBuildKitEntry(e) {
    if (e.version !== undefined && e.version !== BUILDKIT_CACHE_VERSION)
        return false;
    return isBlobKey(e.key) || parseIndexKey(e.key) !== undefined;
}
/** Newest first, the way the cache service picks the newest prefix match: creation time, then `#n`, then id. */
function newestFirst(a, b) {
    return b.entry.createdAt - a.entry.createdAt || b.n - a.n || b.entry.id - a.entry.id;
}
function classifyIndexes(entries, now, pinMs = DEFAULT_PIN_MS) {
    const groups = new Map();
    for (const entry of entries) {
        if (!isBuildKitEntry(entry))
            continue;
        const parsed = parseIndexKey(entry.key);
        if (!parsed)
            continue;
        const id = `${entry.ref}\n${parsed.base}`;
        const group = groups.get(id) ?? [];
        group.push({ entry, n: parsed.n });
        groups.set(id, group);
    }
    const out = { live: [], pinned: [], superseded: [] };
    for (const group of groups.values()) {
        group.sort(newestFirst);
        const live = group[0].entry;
        out.live.push(live);
        for (let i = 1; i < group.length; i++) {
            const s = { entry: group[i].entry, successor: group[i - 1].entry, live };
            (s.successor.createdAt > now - pinMs ? out.pinned : out.superseded).push(s);
        }
    }
    return out;
}

;// CONCATENATED MODULE: ./src/budget/estimate.ts




/** Blobs created on an index's ref this long before it belong to the export that wrote it. */
const EXPORT_WINDOW_MS = 30 * 60_000;
/**
 * Exports are chosen so that usage plus their estimate stays under this share of the budget: the rest absorbs
 * index entries and estimates that come out low.
 */
const EXPORT_CEILING = 0.9;
/**
 * One footprint per scope: its newest index on the first readable ref (in the order given, own ref first)
 * whose contents were read. `contents` maps index entry ids to their referenced and final blob digests.
 */
function scopeFootprints(entries, contents, readableRefs, now) {
    const size = new Map();
    const blobsOn = new Map();
    for (const e of entries) {
        const d = keys_blobDigest(e.key);
        if (d === undefined)
            continue;
        size.set(d, Math.max(size.get(d) ?? 0, e.size));
        blobsOn.set(`${e.ref}\n${d}`, e);
    }
    const live = classifyIndexes(entries, now).live;
    // The scopes whose read indexes reference each blob digest.
    const scopesOf = new Map();
    for (const index of live) {
        const scope = parseIndexKey(index.key)?.scope;
        const read = contents.get(index.id);
        if (scope === undefined || read === undefined)
            continue;
        for (const d of read.digests)
            scopesOf.set(d, (scopesOf.get(d) ?? new Set()).add(scope));
    }
    const out = new Map();
    for (const ref of readableRefs) {
        for (const index of live.filter((e) => e.ref === ref)) {
            const scope = parseIndexKey(index.key)?.scope;
            const read = contents.get(index.id);
            if (scope === undefined || read === undefined || out.has(scope))
                continue;
            /** The digests' listed sizes. */
            const listed = (digests) => {
                let bytes = 0;
                for (const d of digests)
                    bytes += size.get(d) ?? 0;
                return bytes;
            };
            /** The bytes of those blobs the export that wrote this index wrote too (created on its ref shortly before it). */
            const addedByExport = (digests) => {
                let bytes = 0;
                for (const d of digests) {
                    const blob = blobsOn.get(`${index.ref}\n${d}`);
                    if (blob && blob.createdAt >= index.createdAt - EXPORT_WINDOW_MS && blob.createdAt <= index.createdAt)
                        bytes += blob.size;
                }
                return bytes;
            };
            const referenced = [...read.digests].filter((d) => size.has(d));
            const final = referenced.filter((d) => read.final.has(d));
            const own = (digests) => digests.filter((d) => (scopesOf.get(d)?.size ?? 1) <= 1).reduce((b, d) => b + (size.get(d) ?? 0), 0);
            out.set(scope, {
                scope,
                ref,
                fullBytes: listed(referenced),
                finalBytes: listed(final),
                addedBytes: addedByExport(referenced),
                addedFinalBytes: addedByExport(final),
                ownBytes: own(referenced),
                ownFinalBytes: own(final),
                exportedAt: index.createdAt,
                max: referenced.length > final.length,
                own: ref === readableRefs[0]
            });
        }
    }
    return [...out.values()].sort((a, b) => a.scope.localeCompare(b.scope));
}
/** The auto scope of a matrix leg is `<family>-<matrix words>-<8 hex>` (src/cache/scope.ts): its siblings share `<family>-`. */
function isSibling(scope, self, prefix) {
    return scope !== self && scope.startsWith(prefix) && /-[0-9a-f]{8}$/.test(scope);
}
/**
 * Estimates for this leg and its sibling legs; undefined for this leg when nothing tells its size.
 * `concurrentLegs`, when known, is how many sibling legs run in this run; those without a footprint (first
 * exports) come back in `unknown`, each assumed to export max as large as the largest known leg.
 */
function legEstimates(footprints, self, siblingPrefix, concurrentLegs) {
    const siblings = siblingPrefix === undefined ? [] : footprints.filter((f) => isSibling(f.scope, self, siblingPrefix));
    const own = footprints.find((f) => f.scope === self);
    const family = own ? [own, ...siblings] : siblings;
    const intermediate = Math.max(0, ...family.filter((f) => f.max).map((f) => f.fullBytes - f.finalBytes));
    const whole = (f) => ({
        min: f.finalBytes,
        max: f.max ? f.fullBytes : f.fullBytes + (intermediate || f.finalBytes)
    });
    const estimate = (f) => {
        // Only the scope's own ref tells how much its exports change; another ref's index (main's, read by a pull
        // request) says nothing of what this ref will write: its first export is assumed as large as that index.
        if (!f.own)
            return {
                scope: f.scope,
                ...whole(f),
                basis: `first export on this ref, assumed as large as ${(0,text_text/* echo */.WI)(f.ref)}'s (${(0,text_text/* formatSize */.Xq)(f.fullBytes)})`
            };
        // Before the build nobody knows how deep the change goes. What the last export added only sized the last
        // change (a push that changed nothing added 0 B, and the merge after it rewrote half the chain: issue 15's
        // replay, 12:01), so every layer of its own the leg could write anew counts.
        const max = f.max ? f.ownBytes : f.ownFinalBytes + (intermediate || f.finalBytes);
        const basis = `its own layers, ${(0,text_text/* formatSize */.Xq)(f.max ? f.ownBytes : f.ownFinalBytes)}, as any change below them writes them anew ` +
            `(last export ${f.max ? 'max' : 'min'} on ${(0,text_text/* echo */.WI)(f.ref)}, which added ${(0,text_text/* formatSize */.Xq)(f.max ? f.addedBytes : f.addedFinalBytes)})`;
        return { scope: f.scope, min: f.ownFinalBytes, max, basis, exportedAt: f.exportedAt };
    };
    const out = {
        siblings: siblings.map(estimate),
        unknown: []
    };
    const largest = family.length ? family.reduce((a, b) => (b.fullBytes > a.fullBytes ? b : a)) : undefined;
    if (own)
        out.self = estimate(own);
    else if (largest)
        out.self = {
            scope: self,
            ...whole(largest),
            basis: `first export, assumed as large as ${(0,text_text/* echo */.WI)(largest.scope)}'s (${(0,text_text/* formatSize */.Xq)(largest.fullBytes)})`
        };
    const missing = Math.max(0, (concurrentLegs ?? 0) - siblings.length);
    if (largest && missing > 0) {
        const size = whole(largest);
        for (let i = 0; i < missing; i++)
            out.unknown.push({
                scope: `(first export ${i + 1})`,
                min: size.max,
                max: size.max,
                basis: `a leg without a previous export, assumed max as large as ${(0,text_text/* echo */.WI)(largest.scope)}'s`
            });
    }
    return out;
}
/**
 * The order in which legs get the room: the one whose cache on this ref is oldest first (a first export before
 * any), then scope order. Every leg sorts the same listing the same way, and a leg that had to skip its export
 * is first in line next time.
 */
function legOrder(a, b) {
    const at = (l) => l.exportedAt ?? Number.NEGATIVE_INFINITY;
    return at(a) < at(b) ? -1 : at(a) > at(b) ? 1 : a.scope.localeCompare(b.scope);
}
/**
 * Shares the room under the ceiling among the legs: all start at min; then, in legOrder, a leg goes max
 * while the total still fits. Every leg computes the same split from the same facts, so together they fit.
 * `unknown` legs (whose scope this leg cannot see) are counted first and at their max, whatever they choose.
 */
function planLegs({ usageBytes, budgetBytes, ceiling = EXPORT_CEILING }, { self, siblings, unknown = [] }) {
    const ceilingBytes = Math.floor(budgetBytes * ceiling);
    const at = `${(0,text_text/* formatSize */.Xq)(usageBytes)} used of ${(0,text_text/* formatSize */.Xq)(budgetBytes)}`;
    if (self === undefined) {
        return {
            mode: 'min',
            addBytes: 0,
            minAddBytes: 0,
            peakBytes: usageBytes,
            ceilingBytes,
            pruneFirst: usageBytes > ceilingBytes,
            legs: [],
            unknownBytes: 0,
            unknownLegs: 0,
            reason: `first export of this scope and no sibling scope to size it by (${at}): min, so that a matrix of first exports cannot overshoot the budget; the next run knows its size`
        };
    }
    const legs = [self, ...siblings].sort(legOrder);
    const chosen = new Map(legs.map((l) => [l.scope, 'min']));
    const unknownBytes = unknown.reduce((s, l) => s + l.max, 0);
    let total = usageBytes + unknownBytes + legs.reduce((s, l) => s + l.min, 0);
    const minTotal = total;
    for (const leg of legs) {
        const extra = Math.max(0, leg.max - leg.min);
        if (total + extra > ceilingBytes)
            continue;
        chosen.set(leg.scope, 'max');
        total += extra;
    }
    const mode = chosen.get(self.scope);
    const addBytes = total - usageBytes;
    const maxSiblings = siblings.filter((s) => chosen.get(s.scope) === 'max').length;
    const others = [
        siblings.length ? `${siblings.length} sibling leg${siblings.length > 1 ? 's' : ''} (${maxSiblings} max)` : '',
        unknown.length
            ? `${unknown.length} first-export leg${unknown.length > 1 ? 's' : ''} at ${(0,text_text/* formatSize */.Xq)(unknownBytes)}`
            : ''
    ].filter(Boolean);
    const estimate = `this export adds about ${(0,text_text/* formatSize */.Xq)(mode === 'max' ? self.max : self.min)} (${self.basis})${others.length ? ` with ${others.join(' and ')}` : ''}: ` +
        `${(0,text_text/* formatSize */.Xq)(usageBytes)} + ${(0,text_text/* formatSize */.Xq)(addBytes)} = ${(0,text_text/* formatSize */.Xq)(total)}, ${percent(total, budgetBytes)}% of the ${(0,text_text/* formatSize */.Xq)(budgetBytes)} budget (ceiling ${Math.round(ceiling * 100)}%)`;
    const pruneFirst = minTotal > ceilingBytes;
    const reason = mode === 'max'
        ? `${estimate}: room for max`
        : pruneFirst
            ? `${estimate}: even min does not fit, so the cache is pruned first`
            : `${estimate}: max (${(0,text_text/* formatSize */.Xq)(self.max)}) would not fit, min does`;
    const shares = legs.map((l) => ({
        scope: l.scope,
        mode: chosen.get(l.scope),
        add: chosen.get(l.scope) === 'max' ? l.max : l.min
    }));
    return {
        mode,
        addBytes,
        minAddBytes: minTotal - usageBytes,
        peakBytes: total,
        ceilingBytes,
        pruneFirst,
        reason,
        legs: shares,
        unknownBytes,
        unknownLegs: unknown.length
    };
}
/**
 * After the prune before the build: does this leg's export still fit? Unseen legs count first, then the legs in
 * the plan's order (legOrder) with their modes; a leg whose share would pass the ceiling does not export and
 * leaves its room to the legs after it. Every leg decides the same way from the same figures, so the ones that
 * write fit together. The default branch is no exception: its export past the ceiling would make GitHub evict
 * least-recently-used entries blind to what live indexes need, while a skipped leg keeps its previous cache and
 * is first in line next run. A leg this plan knows nothing about exports.
 */
function exportFits(p, scope, usageBytes) {
    const index = p.legs.findIndex((l) => l.scope === scope);
    if (index < 0)
        return { fits: true };
    let total = usageBytes + p.unknownBytes;
    let before = 0;
    for (const leg of p.legs.slice(0, index)) {
        if (total + leg.add > p.ceilingBytes)
            continue;
        total += leg.add;
        before++;
    }
    const own = p.legs[index].add;
    if (total + own <= p.ceilingBytes)
        return { fits: true };
    return {
        fits: false,
        reason: `after pruning, ${(0,text_text/* formatSize */.Xq)(usageBytes)} used; with this export (${(0,text_text/* formatSize */.Xq)(own)})${before > 0 || p.unknownBytes ? ` and the ${before + (p.unknownBytes ? 1 : 0) > 1 ? 'exports' : 'export'} that go first` : ''} ` +
            `usage would reach ${(0,text_text/* formatSize */.Xq)(total + own)}, over the ${(0,text_text/* formatSize */.Xq)(p.ceilingBytes)} ceiling, and GitHub would evict least-recently-used entries ` +
            `that live indexes need: this run reads the cache but does not write it (its previous cache still serves; its leg goes first next run)`
    };
}
/**
 * How many other legs of this job run in this workflow run (GITHUB_RUN_ID), from the run's jobs: a matrix leg
 * of job `build` is named `build (<its matrix values>)` unless the workflow gives the job a `name:`. Queued or
 * in progress, this leg included. Undefined when no job carries that name (a custom name: not known).
 */
function concurrentLegsOf(jobs, jobId) {
    const legs = jobs.filter((j) => j.name.startsWith(`${jobId} (`) &&
        j.name.endsWith(')') &&
        (j.status === 'in_progress' || j.status === 'queued' || j.status === 'waiting'));
    return legs.length > 0 ? legs.length - 1 : undefined;
}

;// CONCATENATED MODULE: ./src/budget/budget.ts






/** `cache-budget`: an explicit size wins; `auto` is the repository's storage limit when readable, else 10 GB. */
function resolveBudget(input, storageLimitGb) {
    const limit = storageLimitGb !== undefined && Number.isFinite(storageLimitGb) && storageLimitGb > 0
        ? Math.round(storageLimitGb * GB)
        : undefined;
    if (input !== 'auto') {
        const bytes = Math.max(1, Math.floor(input));
        const warning = limit !== undefined && bytes > limit
            ? `cache-budget ${(0,text_text/* formatSize */.Xq)(bytes)} is above the repository's cache storage limit of ${(0,text_text/* formatSize */.Xq)(limit)}; GitHub evicts least-recently-used entries above its limit whatever the budget says`
            : undefined;
        return { bytes, source: 'cache-budget', ...(warning ? { warning } : {}) };
    }
    if (limit !== undefined)
        return { bytes: limit, source: `the repository's cache storage limit (${storageLimitGb} GB)` };
    return {
        bytes: DEFAULT_BUDGET_BYTES,
        source: "GitHub's default of 10 GB (the repository's own storage limit was not read)"
    };
}
function nearBudget(usageBytes, budgetBytes, highWater = HIGH_WATER) {
    return budgetBytes > 0 && usageBytes >= highWater * budgetBytes;
}
/** The leg a build is: a named scope, or an auto scope without a matrix, has no sibling legs. */
function legIdentity(scope, inputs) {
    return {
        scope,
        family: !inputs.cacheScope && inputs.matrix
            ? (0,cache_scope/* scopeFamily */.Vl)(inputs.path, `${inputs.from.file}:${inputs.from.func}`)
            : undefined
    };
}
/**
 * `cache-mode: auto` after the budget is read; an explicit mode is respected. `decided` is what the planner
 * chose before usage was known. With the previous exports known, this export and its concurrent sibling legs
 * are estimated and the mode chosen so that usage plus all of them stays under the budget (planLegs);
 * without, `min` from the high-water mark on.
 */
function modeForBudget(requested, decided, facts, leg) {
    const { usageBytes, budgetBytes } = facts;
    if (requested !== 'auto' || decided === 'min' || usageBytes === undefined)
        return { mode: decided };
    const planned = legPlanFor(facts, leg);
    if (planned)
        return { mode: planned.mode, decision: { topic: 'mode', outcome: planned.mode, reason: planned.reason } };
    if (!nearBudget(usageBytes, budgetBytes))
        return { mode: decided };
    return {
        mode: 'min',
        decision: {
            topic: 'mode',
            outcome: 'min',
            reason: `cache usage ${(0,text_text/* formatSize */.Xq)(usageBytes)} is ${percent(usageBytes, budgetBytes)}% of the ${(0,text_text/* formatSize */.Xq)(budgetBytes)} budget (≥ ${Math.round(HIGH_WATER * 100)}%): only the final layers are exported`
        }
    };
}
/** The split of the room among this leg and its siblings (planLegs), when usage and the footprints are known. */
function legPlanFor(facts, leg) {
    if (facts.usageBytes === undefined || !facts.footprints || !leg)
        return undefined;
    const prefix = leg.family ? `${leg.family}-` : undefined;
    const legs = legEstimates(facts.footprints, leg.scope, prefix, prefix === undefined ? undefined : facts.concurrentLegs);
    // A single build's first export (no matrix) cannot be sized, but it is one export: the high-water mark decides.
    // A matrix leg's first export with nothing to size it by is min (planLegs): its legs export at once.
    if (legs.self === undefined && prefix === undefined)
        return undefined;
    return planLegs({ usageBytes: facts.usageBytes, budgetBytes: facts.budgetBytes }, legs);
}
/** `█████░░░░░ 52% of 10.0 GB (5.2 GB used)`; the bar is full from 100% on. */
function usageBar(usageBytes, budgetBytes, width = 20) {
    const ratio = budgetBytes > 0 ? Math.max(0, usageBytes / budgetBytes) : 0;
    const filled = Math.min(width, Math.round(Math.min(1, ratio) * width));
    return `${'█'.repeat(filled)}${'░'.repeat(width - filled)} ${percent(usageBytes, budgetBytes)}% of ${(0,text_text/* formatSize */.Xq)(budgetBytes)} (${(0,text_text/* formatSize */.Xq)(usageBytes)} used)`;
}

;// CONCATENATED MODULE: ./src/budget/run.ts
/**
 * The budget's decisions around one run, pure: which refs to read, the facts the planner's mode rule gets,
 * whether and how far to prune before the build, whether this leg's export still fits after that, whether to
 * prune after it, and what a prune is asked to do (its refs, closed pull requests, job start, deletion cap).
 * `steps/cache-usage.ts` carries them out.
 */




/** Entries of this backend live in the repository's GitHub cache (gha, and local's saved directory). */
const usesGithubCache = (inputs) => (0,backends/* backendOf */.EC)(inputs.cache).savedInGithubCache;
/** BuildKit itself writes this backend's entries to the GitHub cache (gha): the ones the budget sizes and prunes. */
const buildkitWritesGithubCache = (inputs) => (0,backends/* backendOf */.EC)(inputs.cache).store === 'github-cache';
/** Refs the runtime token can read, its writable ref first (where BuildKit writes, and looks first). */
function readableRefs(rt) {
    const refs = rt.cacheService.decoded?.refs ?? [];
    return [...refs.filter((r) => r.write && r.read), ...refs.filter((r) => r.read && !r.write)].map((r) => r.ref);
}
/** What the budget reading needs to read: the export estimate only for a build that writes to the GitHub cache. */
function readingScope(inputs, rt) {
    const read = usesGithubCache(inputs) || inputs.command !== 'build';
    const estimate = read && inputs.command === 'build' && buildkitWritesGithubCache(inputs) && inputs.cacheWrite !== false;
    const leg = !inputs.cacheScope && inputs.matrix && rt.runId ? { id: rt.runId, job: rt.job } : undefined;
    return { read, estimate, ...(leg ? { leg } : {}) };
}
function budgetFacts(state) {
    const r = state.reading;
    return (r && {
        usageBytes: r.usageBytes,
        budgetBytes: r.budget.bytes,
        ...(r.footprints ? { footprints: r.footprints } : {}),
        ...(r.concurrentLegs !== undefined ? { concurrentLegs: r.concurrentLegs } : {})
    });
}
/** The leg plan this build's mode came from (same facts, same scope), if the estimate was made. */
function legPlan({ state, inputs, plan }) {
    const facts = budgetFacts(state);
    if (!facts || plan.mode === undefined)
        return undefined;
    return legPlanFor(facts, legIdentity(plan.scope, inputs));
}
/**
 * Prune before the build when usage is above the prune target, or when this run's exports (estimated for the
 * mode) would take usage over the ceiling: down to what leaves them room.
 */
function pruneBeforeTarget(ctx) {
    const { state, inputs, plan } = ctx;
    const r = state.reading;
    if (!r || !buildkitWritesGithubCache(inputs) || inputs.cachePrune === false || !plan.export)
        return undefined;
    const legs = legPlan(ctx);
    const adds = legs && (plan.mode === 'max' ? legs.addBytes : legs.minAddBytes);
    const room = legs && adds !== undefined ? Math.max(0, (legs.ceilingBytes - adds) / r.budget.bytes) : TARGET_RATIO;
    const target = Math.min(TARGET_RATIO, room);
    return r.usageBytes !== undefined && r.usageBytes > target * r.budget.bytes ? target : undefined;
}
/** A push to the default branch: the cache every branch and pull request falls back to. */
function onDefaultBranch(rt) {
    return !!rt.defaultBranch && !rt.pullRequest && rt.ref === `refs/heads/${rt.defaultBranch}`;
}
/**
 * Issue 20: the build runs with the import only, and whether (and after which deletions) it writes is decided
 * once it has run, by what it adds (budget/write.ts); then a second `envd build` of the same context, fully
 * cached, exports. For an export to the GitHub cache the action sizes (the listing was read), unless the
 * author chose the export (`export-cache`, `cache-write: true`).
 */
function splitsWrite({ state, inputs, plan }) {
    return (!!state.reading?.listing &&
        !!plan.export &&
        buildkitWritesGithubCache(inputs) &&
        inputs.cacheWrite === 'auto' &&
        !inputs.exportCache);
}
/**
 * After the prune before the build: when this leg's export still does not fit under the budget's ceiling (see
 * exportFits), the decision not to export, else undefined. Never on the default branch (issue 20: a stale
 * generation there would hold the room the new one needs, forever), and not when the write is decided after
 * the build (splitsWrite), where what it adds is known.
 */
function exportRoom(ctx) {
    const { state, inputs, rt, plan } = ctx;
    const r = state.reading;
    if (!r ||
        r.usageBytes === undefined ||
        !plan.export ||
        !buildkitWritesGithubCache(inputs) ||
        inputs.cacheMode !== 'auto' ||
        inputs.exportCache)
        return undefined;
    if (onDefaultBranch(rt) || splitsWrite(ctx))
        return undefined;
    const legs = legPlan(ctx);
    if (!legs)
        return undefined;
    const last = state.prunes[state.prunes.length - 1];
    const fit = exportFits(legs, plan.scope, last?.usageAfterBytes ?? r.usageBytes);
    return fit.fits
        ? undefined
        : { topic: 'write', outcome: 'skipped', reason: fit.reason ?? 'no room under the budget' };
}
/**
 * The facts decideWrite takes. What the write adds: the previous generation's layers of the steps the build
 * rebuilt (the new ones replace them, layer for layer); without a previous generation, the leg's estimate.
 * Sibling legs write at the same moment, each deciding alone: the legs before this one in the plan's order
 * (legOrder) are counted as adding as much as this one (the same change, rebuilt in each leg).
 */
function writeFacts(ctx, after) {
    const legs = legPlan(ctx);
    const index = legs ? legs.legs.findIndex((l) => l.scope === ctx.plan.scope) : -1;
    const known = after.generation.ref !== undefined;
    const addBytes = known ? after.generation.rebuiltBytes : index >= 0 ? legs.legs[index].add : 0;
    // Legs the run's jobs count but no footprint names (a matrix whose legs build a path each shares no scope
    // family): once this leg had a generation, they had theirs and rebuild the same change; before, first exports.
    const unseen = known ? (legs?.unknownLegs ?? 0) * addBytes : (legs?.unknownBytes ?? 0);
    return {
        builtSteps: after.builtSteps,
        addBytes,
        aheadBytes: Math.max(0, index) * addBytes + unseen,
        usageBytes: after.usageBytes,
        budgetBytes: ctx.state.reading.budget.bytes,
        superseded: after.generation.superseded,
        defaultBranch: onDefaultBranch(ctx.rt),
        skippedLast: after.skippedLast,
        builtSeconds: after.seconds
    };
}
function budgetFigures(state) {
    if (!state.reading)
        return undefined;
    const last = state.prunes[state.prunes.length - 1];
    return {
        usageBytes: last?.usageAfterBytes ?? state.reading.usageBytes,
        budgetBytes: state.reading.budget.bytes,
        prunedEntries: state.prunes.reduce((n, p) => n + p.prunedEntries, 0),
        prunedBytes: state.prunes.reduce((n, p) => n + p.prunedBytes, 0)
    };
}
/** `cache-prune`: auto prunes after a successful gha export (and always for `command: prune`). */
function shouldPrune(cachePrune, ctx) {
    if (ctx.command === 'prune')
        return { prune: true, decision: { topic: 'prune', outcome: 'yes', reason: 'command is prune' } };
    if (cachePrune === false)
        return { prune: false, decision: { topic: 'prune', outcome: 'no', reason: 'cache-prune is false' } };
    if (!ctx.exported)
        return {
            prune: false,
            decision: { topic: 'prune', outcome: 'no', reason: 'no cache export succeeded in this run' }
        };
    const backend = (0,backends/* backendOfType */.kY)(ctx.backend);
    if (cachePrune === 'auto' && backend?.store !== 'github-cache')
        return {
            prune: false,
            decision: {
                topic: 'prune',
                outcome: 'no',
                reason: backend?.savedInGithubCache
                    ? `the ${ctx.backend} backend keeps one GitHub cache entry per scope, replaced by each export; pruning handles BuildKit's gha entries`
                    : `the ${ctx.backend} backend does not use the GitHub cache`
            }
        };
    return {
        prune: true,
        decision: {
            topic: 'prune',
            outcome: 'yes',
            reason: cachePrune === true ? 'cache-prune is true' : 'after a successful export to the GitHub cache'
        }
    };
}
/**
 * After the build, the listing the reading made (minutes old) serves the prune when usage stays under the target
 * even with everything this run writes: then only the rules that do not depend on usage or last access apply
 * (closed pull requests, superseded indexes, older histories), and what was written since is this job's or a
 * concurrent one's, never pruned. A round trip to the REST API less. Not after a prune before the build (its
 * deletions would be asked again), nor without the estimate.
 */
function staysUnderTarget(ctx) {
    const r = ctx.state.reading;
    const legs = legPlan(ctx);
    if (!r?.listing || r.usageBytes === undefined || !legs || ctx.state.prunes.length)
        return false;
    const adds = ctx.plan.mode === 'max' ? legs.addBytes : legs.minAddBytes;
    return r.usageBytes + adds <= TARGET_RATIO * r.budget.bytes;
}
/**
 * The prune for `when`: `now` is the moment the prune is asked for, `jobStartedAt` when this process started
 * (entries written since are this job's own).
 */
function pruneRequest(ctx, when, clock) {
    const { inputs, rt, plan } = ctx;
    const pr = rt.pullRequest;
    return {
        title: when === 'command' ? 'Prune the GitHub cache' : `Prune the GitHub cache (${when} the build)`,
        readableRefs: [
            ...(plan.access?.readable ?? rt.cacheService.decoded?.refs.filter((r) => r.read).map((r) => r.ref) ?? [])
        ],
        closedPrRefs: rt.event === 'pull_request' && pr && when === 'command' ? [`refs/pull/${pr.number}/merge`] : [],
        discoverClosedPrs: when === 'command' && rt.event !== 'pull_request',
        reuseListing: when === 'before' || (when === 'after' && staysUnderTarget(ctx)),
        jobStart: when === 'before' ? clock.now : clock.jobStartedAt,
        dryRun: inputs.dryRun,
        ...(when === 'command' ? {} : { timeBudgetMs: policies/* POLICIES */.PQ.deletes.stepBudgetMs }),
        ...(clock.targetRatio !== undefined ? { targetRatio: clock.targetRatio } : {})
    };
}

;// CONCATENATED MODULE: ./src/plan/final.ts
/**
 * The plan once planning ends, and what is recorded on it later. Each function returns a new plan and leaves the
 * one given as it was: a step never edits a plan (the build, its report and the summary may hold the one before).
 * Pure.
 */

/** The plan with these decisions and warnings after its own. */
function withNotes(plan, more) {
    return {
        ...plan,
        decisions: [...plan.decisions, ...(more.decisions ?? [])],
        warnings: [...plan.warnings, ...(more.warnings ?? [])]
    };
}
/**
 * The plan the build runs with, once the prune before it is done: without its export when this leg's export
 * still has no room under the budget (budget/run.ts exportRoom), with that decision (`noRoom`); else the plan
 * given. The build then reads the cache and writes none.
 */
function planWithRoom(ctx) {
    const noRoom = exportRoom(ctx);
    if (!noRoom)
        return { plan: ctx.plan };
    return { plan: { ...withNotes(ctx.plan, { decisions: [noRoom] }), export: undefined }, noRoom };
}

;// CONCATENATED MODULE: ./src/budget/prune.ts
/**
 * The prune planner: which GitHub cache entries to delete, and why. Pure: a function of the listed entries,
 * the contents of the indexes the runtime token could read, the budget and the clock.
 *
 * Vocabulary. An index is *live* when it is the newest `#n` of its (ref, scope): that is what BuildKit
 * imports. A superseded index is *pinned* while its successor is younger than `pinMs`: a job that loaded it
 * before it was superseded may still be pulling its layers lazily.
 *
 * Rules, least valuable first; deletions are planned, and carried out, in this order:
 * 1. `closed-pr`: every BuildKit entry on the ref of a closed pull request, indexes first. Always.
 * 2. `superseded-index`: superseded indexes that are not pinned, on any ref (the keys alone tell). Always:
 *    they are a few KB each and nothing imports them.
 * 3. `unreferenced-blob`: layer blobs on readable refs that no live or pinned index on a readable ref
 *    references, least recently used first; those touched since an active ref's newest export wait for rule 7
 *    (a pull request's index points at main's blobs). Only while usage is above target.
 * Refs this token cannot read (other branches, other pull requests) are ranked by value: *active* ones (open
 * pull requests when `openPrRefs` is known, else refs written within `activeMs`) keep their live index and its
 * blobs while anything less valuable is left.
 * 4. `idle-ref`: inactive refs, whole, untouched for `idleMs`, the most bytes unused the longest first (idle
 *    time × bytes), each with all its indexes before any of its blobs: an index never points at a deleted blob,
 *    and blobs without their index give no hits.
 * 5. `unreferenced-blob`: blobs of active refs untouched since before the ref's newest export (BuildKit looks
 *    up every layer it exports, which touches it), least recently used first.
 * 6. `superseded-index` / `unreferenced-blob` for pinned generations on readable refs: their blobs that no live
 *    index references.
 * 7. `unreferenced-blob`: the readable blobs rule 3 held back.
 * 8. `idle-ref`: active refs, whole, as in rule 4. A last resort before GitHub's own LRU eviction, which would
 *    be blind to live indexes.
 *
 * Between 2 and 3, `superseded-history`: the action's own hit-ratio histories (`envd-history-<scope>#…`) but the
 * newest per ref and scope, which is the only one a run reads; and `superseded-mount`: its package caches
 * (`envd-mount-<scope>#<mount id>#…`, cache-mounts) but the newest per ref, scope and mount, the only one a restore
 * picks. A closed pull request's package caches go with its BuildKit entries (rule 1).
 *
 * Invariants: nothing a live index on a readable ref references is deleted, nor such an index; entries that
 * are neither BuildKit's (another version, another key shape) nor the action's histories are never deleted but
 * count toward usage. Rules 3
 * to 8 leave alone whatever was written or used since the job started, or within `graceMs` (3) or `idleMs`
 * (4 to 8): it may belong to a concurrent job whose index is not written yet. If a live index on a
 * readable ref could not be read, or the listing changed while it was paged, rules 3, 6 and 7 are skipped.
 */






/** Unreferenced blobs used this recently stay: a concurrent export may not have written its index yet. */
const DEFAULT_GRACE_MS = HOUR_MS;
/**
 * A ref this token cannot read is reclaimable once nobody touched it for this long (longer than an export
 * takes). Refs go least recently used first and only while usage is above target, so in practice a ref this
 * young goes only when the alternative is GitHub's own LRU eviction.
 */
const DEFAULT_IDLE_MS = 15 * MINUTE_MS;
/** A branch written within this long is active (keeps its live index and blobs while less valuable is left). */
const DEFAULT_ACTIVE_MS = 3 * DAY_MS;
/** An export looks up its layers at most this long before it writes its index. */
const EXPORT_SLACK_MS = 30 * MINUTE_MS;
const PR_REF = /^refs\/pull\/\d+\/(merge|head)$/;
/**
 * The oldest newest-export time among active refs this token cannot read (their live indexes' creation), or
 * +∞ when there is none: readable blobs touched since then may be what those exports reference.
 */
function activeExportsSince({ input, buildkitEntries, classes, readable, closed, activeCutoff }) {
    const open = input.openPrRefs ? new Set(input.openPrRefs) : undefined;
    const newest = new Map();
    for (const e of buildkitEntries)
        if (!readable.has(e.ref) && !closed.has(e.ref))
            newest.set(e.ref, Math.max(newest.get(e.ref) ?? 0, e.createdAt));
    let since = Number.POSITIVE_INFINITY;
    for (const e of classes.live) {
        if (readable.has(e.ref) || closed.has(e.ref))
            continue;
        const active = PR_REF.test(e.ref) && open ? open.has(e.ref) : (newest.get(e.ref) ?? 0) > activeCutoff;
        if (active)
            since = Math.min(since, e.createdAt);
    }
    return since;
}
/**
 * Readable blobs used since this moment may be named by an active ref's index this token cannot read (a pull
 * request's index points at main's blobs): what rule 3 holds back, for a deletion outside the prune
 * (budget/write.ts). −∞ when every such blob may be; +∞ when no active unreadable ref exports.
 */
function heldBackSince(input) {
    const ctx = pruneContext({ ...input, liveIndexes: new Map(), budgetBytes: 1 });
    return activeExportsSince(ctx) - EXPORT_SLACK_MS;
}
const PRUNE_REASONS = [
    'closed-pr',
    'superseded-index',
    'superseded-history',
    'superseded-layer',
    'superseded-mount',
    'unreferenced-blob',
    'idle-ref'
];
/** The index entries whose contents the planner needs: live and pinned indexes on readable refs. */
function indexesToRead(entries, { readableRefs, closedPrRefs = [], now, pinMs }) {
    const readable = new Set(readableRefs.filter((r) => !closedPrRefs.includes(r)));
    const { live, pinned } = classifyIndexes(entries, now, pinMs);
    return [...live, ...pinned.map((p) => p.entry)].filter((e) => readable.has(e.ref));
}
function formatAge(ms) {
    if (ms < HOUR_MS)
        return `${Math.max(0, Math.round(ms / MINUTE_MS))} min`;
    if (ms < DAY_MS)
        return `${(ms / HOUR_MS).toFixed(1)} h`;
    return `${(ms / DAY_MS).toFixed(1)} d`;
}
const lru = (a, b) => a.lastAccessedAt - b.lastAccessedAt || b.size - a.size || a.id - b.id;
const oldestFirst = (a, b) => a.createdAt - b.createdAt || a.id - b.id;
/** An index entry's generation (the `#7` of its key), as the notes show it. */
const indexNumber = (e) => parseIndexKey(e.key)?.n ?? '?';
/**
 * The rules of the header, in their order: first what nothing can use any more (1, 2, 2b), then, while usage is
 * above target, the least valuable of what is left (3 to 8).
 */
function planPrune(input) {
    const ctx = pruneContext(input);
    const ledger = deletionLedger(ctx.usageBytes, ctx.targetBytes);
    closedPullRequests(ledger, ctx); // 1
    unpinnedSuperseded(ledger, ctx); // 2
    olderHistories(ledger, ctx); // 2b
    olderMounts(ledger, ctx); // 2c
    const refs = readReferences(ctx);
    const heldBack = unreferencedOnReadable(ledger, ctx, refs); // 3
    const others = unreadableRefs(ctx);
    wholeIdleRefs(ledger, ctx, others.filter((r) => !r.active)); // 4
    staleOnActiveRefs(ledger, ctx, others); // 5
    pinnedGenerations(ledger, ctx, refs); // 6
    heldBackBlobs(ledger, ctx, heldBack); // 7
    wholeIdleRefs(ledger, ctx, others.filter((r) => r.active)); // 8: the last resort before GitHub's blind LRU
    return summarize(ctx, ledger.deletions, refs);
}
function pruneContext(input) {
    const { now, budgetBytes } = input;
    const closed = new Set(input.closedPrRefs ?? []);
    const jobStart = input.jobStart ?? Number.POSITIVE_INFINITY;
    const buildkitEntries = input.entries.filter(isBuildKitEntry);
    return {
        input,
        now,
        buildkitEntries,
        classes: classifyIndexes(buildkitEntries, now, input.pinMs ?? DEFAULT_PIN_MS),
        closed,
        readable: new Set(input.readableRefs.filter((r) => !closed.has(r))),
        cutoff: Math.min(now - (input.graceMs ?? DEFAULT_GRACE_MS), jobStart),
        idleCutoff: Math.min(now - (input.idleMs ?? DEFAULT_IDLE_MS), jobStart),
        activeCutoff: now - (input.activeMs ?? DEFAULT_ACTIVE_MS),
        usageBytes: input.entries.reduce((sum, e) => sum + e.size, 0),
        targetBytes: Math.floor(budgetBytes * (input.targetRatio ?? TARGET_RATIO))
    };
}
/** Rule 1: every BuildKit entry on a closed pull request's ref, indexes first, then blobs, then its package caches. */
function closedPullRequests({ take }, { buildkitEntries, closed, input }) {
    for (const ref of [...closed].sort()) {
        const onRef = buildkitEntries.filter((e) => e.ref === ref);
        const indexes = onRef.filter((e) => !isBlobKey(e.key)).sort(oldestFirst);
        const blobs = onRef.filter((e) => isBlobKey(e.key)).sort(lru);
        const mounts = input.entries.filter((e) => e.ref === ref && parseMountKey(e.key)).sort(oldestFirst);
        for (const e of [...indexes, ...blobs, ...mounts])
            take(e, 'closed-pr', `pull request closed (${ref})`);
    }
}
/** Rule 2: superseded indexes that are not pinned, oldest first. */
function unpinnedSuperseded({ take }, { classes, closed }) {
    for (const s of [...classes.superseded].sort((a, b) => oldestFirst(a.entry, b.entry))) {
        if (!closed.has(s.entry.ref))
            take(s.entry, 'superseded-index', `superseded by #${indexNumber(s.live)} on ${s.entry.ref}`);
    }
}
/** Rule 2b: older hit-ratio histories (report/history.ts): a run reads only the newest per ref and scope. */
function olderHistories({ take }, { input }) {
    for (const e of supersededHistoryEntries([...input.entries]).sort(oldestFirst))
        take(e, 'superseded-history', `an older hit-ratio history of its scope on ${e.ref}; only the newest is read`);
}
/** Rule 2c: older package caches (cache-mounts, mounts/mounts.ts): a restore takes only the newest per ref, scope and mount. */
function olderMounts({ take }, { input }) {
    for (const e of supersededMountEntries([...input.entries]).sort(oldestFirst))
        take(e, 'superseded-mount', `an older package cache of its scope and mount on ${e.ref}; only the newest is restored`);
}
function readReferences({ input, classes, readable, buildkitEntries }) {
    const liveHere = classes.live.filter((e) => readable.has(e.ref));
    const pinnedHere = classes.pinned.filter((p) => readable.has(p.entry.ref));
    const referencedLive = new Set();
    const referencedPinned = new Set();
    const unread = [];
    for (const [entries, into] of [
        [liveHere, referencedLive],
        [pinnedHere.map((p) => p.entry), referencedPinned]
    ]) {
        for (const e of entries) {
            const digests = input.liveIndexes.get(e.id);
            if (digests === undefined)
                unread.push(e);
            else
                for (const d of digests)
                    into.add(d);
        }
    }
    let protectedBytes = 0;
    for (const e of buildkitEntries) {
        const digest = keys_blobDigest(e.key);
        if (digest !== undefined && readable.has(e.ref) && referencedLive.has(digest))
            protectedBytes += e.size;
    }
    const notes = [];
    if (unread.length > 0) {
        const names = unread
            .slice(0, 3)
            .map((e) => e.key)
            .join(', ');
        notes.push(`unreferenced blobs were kept: ${unread.length} index${unread.length > 1 ? 'es' : ''} on readable refs could not be read (${names}${unread.length > 3 ? ', …' : ''})`);
    }
    if (input.listingComplete === false)
        notes.push('unreferenced blobs were kept: the cache listing changed while it was read, so an index may have been missed');
    const blobsKnown = unread.length === 0 && input.listingComplete !== false;
    return { liveHere, pinnedHere, referencedLive, referencedPinned, unread, protectedBytes, blobsKnown, notes };
}
/**
 * Rule 3: blobs on readable refs that no live or pinned index references, least recently used first. Those
 * touched since an active unreadable ref's newest export may be what that export references (a pull request's
 * index points at main's blobs): they are held back for rule 7, and returned.
 */
function unreferencedOnReadable(ledger, ctx, refs) {
    const { above, take, chosen } = ledger;
    const { now, readable, cutoff } = ctx;
    const heldBack = [];
    if (!above() || !refs.blobsKnown)
        return heldBack;
    const activeSince = activeExportsSince(ctx);
    const unreferenced = (e) => {
        if (chosen.has(e.id) || !readable.has(e.ref) || e.lastAccessedAt >= cutoff || e.createdAt >= cutoff)
            return false;
        const digest = keys_blobDigest(e.key);
        return digest !== undefined && !refs.referencedLive.has(digest) && !refs.referencedPinned.has(digest);
    };
    for (const e of ctx.buildkitEntries.filter(unreferenced).sort(lru)) {
        if (!above())
            break;
        if (e.lastAccessedAt >= activeSince - EXPORT_SLACK_MS)
            heldBack.push(e);
        else
            take(e, 'unreferenced-blob', `no live index on a readable ref references it; last used ${formatAge(now - e.lastAccessedAt)} ago`);
    }
    return heldBack;
}
/**
 * Rules 4 (inactive refs: pull requests not open, branches not pushed lately) and 8 (active ones): refs this
 * token cannot read, whole, once idle long enough; the most bytes unused the longest first (idle time × bytes).
 * Each ref's indexes go before its blobs: an index never points at a deleted blob.
 */
function wholeIdleRefs({ above, take }, { now, idleCutoff }, refs) {
    const idleFirst = (a, b) => (now - b.lastUse) * b.bytes - (now - a.lastUse) * a.bytes || a.ref.localeCompare(b.ref);
    for (const r of refs.filter((x) => x.lastUse < idleCutoff && x.created < idleCutoff).sort(idleFirst)) {
        if (!above())
            break;
        const detail = `${r.ref} unused for ${formatAge(now - r.lastUse)} (${r.why}); this run's token cannot read its indexes`;
        // The whole ref goes: without its indexes its blobs give no cache hits, only bytes.
        for (const e of r.list.filter((x) => !isBlobKey(x.key)).sort(oldestFirst))
            take(e, 'idle-ref', detail);
        for (const e of r.list.filter((x) => isBlobKey(x.key)).sort(lru))
            take(e, 'idle-ref', detail);
    }
}
/** Rule 7: the readable blobs rule 3 held back because an active ref's export may use them, least recently used first. */
function heldBackBlobs({ above, take, chosen }, { now }, heldBack) {
    for (const e of heldBack.filter((x) => !chosen.has(x.id)).sort(lru)) {
        if (!above())
            break;
        take(e, 'unreferenced-blob', `no live index on a readable ref references it; last used ${formatAge(now - e.lastAccessedAt)} ago; usage is above target`);
    }
}
/** What the refs this token cannot read are worth: open pull requests and branches pushed lately are active. */
function unreadableRefs({ input, now, buildkitEntries, classes, readable, closed, activeCutoff }) {
    const byRef = new Map();
    for (const e of buildkitEntries) {
        if (readable.has(e.ref) || closed.has(e.ref))
            continue;
        const list = byRef.get(e.ref) ?? [];
        list.push(e);
        byRef.set(e.ref, list);
    }
    const openPrs = input.openPrRefs ? new Set(input.openPrRefs) : undefined;
    return [...byRef.entries()].map(([ref, list]) => {
        const lastUse = list.reduce((m, e) => Math.max(m, e.lastAccessedAt), 0);
        const created = list.reduce((m, e) => Math.max(m, e.createdAt), 0);
        const pr = PR_REF.test(ref);
        const active = pr && openPrs ? openPrs.has(ref) : created > activeCutoff;
        const why = pr && openPrs
            ? active
                ? 'pull request open'
                : 'pull request not open'
            : `last written ${formatAge(now - created)} ago`;
        // Its live indexes were written after BuildKit looked up (and so touched) every blob they reference
        // (cache/remotecache/gha/gha.go:275, v0.32.2): a blob untouched since before the oldest of them is not theirs.
        const liveSince = classes.live
            .filter((e) => e.ref === ref)
            .reduce((m, e) => Math.min(m, e.createdAt), Number.POSITIVE_INFINITY);
        return { ref, list, lastUse, created, active, why, liveSince, bytes: list.reduce((m, e) => m + e.size, 0) };
    });
}
/** The plan's totals, per-reason counts and the note when usage stays above target. */
function summarize({ input, usageBytes, targetBytes }, deletions, refs) {
    const { budgetBytes } = input;
    const { liveHere, pinnedHere, unread, protectedBytes } = refs;
    const notes = [...refs.notes];
    const deleteBytes = deletions.reduce((s, d) => s + d.bytes, 0);
    const keptBytes = usageBytes - deleteBytes;
    if (keptBytes > targetBytes) {
        notes.push(`usage stays at ${(0,text_text/* formatSize */.Xq)(keptBytes)}, above the target of ${(0,text_text/* formatSize */.Xq)(targetBytes)}: the rest is referenced by live indexes, in use within the grace period, or not BuildKit's`);
    }
    const byReason = Object.fromEntries(PRUNE_REASONS.map((r) => [r, { entries: 0, bytes: 0 }]));
    for (const d of deletions) {
        byReason[d.reason].entries++;
        byReason[d.reason].bytes += d.bytes;
    }
    return {
        deletions,
        usageBytes,
        budgetBytes,
        targetBytes,
        deleteBytes,
        keptBytes,
        underTarget: keptBytes <= targetBytes,
        indexes: {
            live: liveHere.length,
            pinned: pinnedHere.length,
            read: liveHere.length + pinnedHere.length - unread.length
        },
        protectedBytes,
        byReason,
        notes
    };
}
/** The deletions chosen so far, each entry once, and the usage they leave. */
function deletionLedger(usageBytes, targetBytes) {
    const deletions = [];
    const chosen = new Set();
    let projected = usageBytes;
    return {
        deletions,
        chosen,
        above: () => projected > targetBytes,
        take: (e, reason, detail) => {
            if (chosen.has(e.id))
                return;
            chosen.add(e.id);
            deletions.push({ id: e.id, key: e.key, ref: e.ref, bytes: e.size, reason, detail });
            projected -= e.size;
        }
    };
}
/** Rule 5: on active refs this token cannot read, blobs untouched since before their newest export, LRU. */
function staleOnActiveRefs(ledger, { now, idleCutoff }, others) {
    const { above, take } = ledger;
    if (!above())
        return;
    const stale = others
        .filter((r) => r.active && Number.isFinite(r.liveSince))
        .flatMap((r) => r.list.filter((e) => isBlobKey(e.key) &&
        e.lastAccessedAt < r.liveSince - EXPORT_SLACK_MS &&
        e.lastAccessedAt < idleCutoff &&
        e.createdAt < idleCutoff))
        .sort(lru);
    for (const e of stale) {
        if (!above())
            break;
        take(e, 'unreferenced-blob', `untouched since before the newest export on ${e.ref} (last used ${formatAge(now - e.lastAccessedAt)} ago), which is active`);
    }
}
/**
 * Rule 6: the generations pinned indexes on readable refs still hold. Their blobs are not in flight (a written
 * index names them), so only a recent use (within idleMs, or since the job started) keeps them.
 */
function pinnedGenerations(ledger, { now, idleCutoff, readable, buildkitEntries }, refs) {
    const { above, take, chosen } = ledger;
    const { referencedLive, referencedPinned, pinnedHere } = refs;
    if (!above() || !refs.blobsKnown || pinnedHere.length === 0)
        return;
    const candidates = buildkitEntries
        .filter((e) => {
        if (chosen.has(e.id) || !readable.has(e.ref) || e.lastAccessedAt >= idleCutoff)
            return false;
        const digest = keys_blobDigest(e.key);
        return digest !== undefined && referencedPinned.has(digest) && !referencedLive.has(digest);
    })
        .sort(lru);
    if (candidates.length === 0)
        return;
    for (const p of [...pinnedHere].sort((a, b) => oldestFirst(a.entry, b.entry))) {
        take(p.entry, 'superseded-index', `superseded by #${indexNumber(p.live)} ${formatAge(now - p.successor.createdAt)} ago; usage is above target`);
    }
    for (const e of candidates) {
        if (!above())
            break;
        take(e, 'unreferenced-blob', `only superseded indexes reference it; last used ${formatAge(now - e.lastAccessedAt)} ago; usage is above target`);
    }
}

;// CONCATENATED MODULE: ./src/budget/write.ts
/**
 * Whether a leg writes its cache once its build has run, sized by what the write adds. Pure: facts in, decision
 * out (issue 20).
 *
 * Before the build nobody knows how deep a change goes, so `estimate.ts` can only bound it by every layer the
 * leg owns; sized that way, a default branch whose stale generation holds the room never writes again. Once
 * the build has run it is known: the write adds the layers this build created (the steps it ran), and the
 * previous generation's layers the new index will not name (the steps it rebuilt) are needed by nobody once
 * that index is written. So:
 *
 * 1. a build that ran no step writes nothing: its cache would repeat the one it read;
 * 2. the write fits when usage, the legs that go first and it stay under the ceiling: it is written, and the
 *    superseded layers are deleted after it (by then nothing needs them);
 * 3. when it does not, the superseded layers are deleted first, so that the old and the new generation never
 *    have to fit side by side;
 * 4. still short: skipping is the last resort, never on the default branch (the cache every branch and pull
 *    request falls back to) and never twice in a row for a scope: those write, under the budget if they can;
 *    a skip says what it costs.
 */




/**
 * A scope that skipped last time writes after pruning while usage stays under this share of the budget: past
 * the ceiling, but with half its margin left, as what a rebuilt layer adds is sized by the layer it replaces and
 * may come out low (bench:budget's day, sized as the action sizes it: a pull request's second write reached 100 %).
 */
const SECOND_WRITE_CEILING = 0.95;
const sum = (xs) => xs.reduce((s, x) => s + x.bytes, 0);
const steps = (n) => `${n} step${n === 1 ? '' : 's'}`;
function decideWrite(f) {
    if (f.builtSteps === 0)
        return {
            write: false,
            outcome: 'nothing-new',
            reason: 'the build ran no step: every layer came from the cache it read, so there is nothing new to write'
        };
    const ceilingBytes = Math.floor(f.budgetBytes * (f.ceiling ?? EXPORT_CEILING));
    const before = f.usageBytes + (f.aheadBytes ?? 0);
    const adds = `this write adds ${(0,text_text/* formatSize */.Xq)(f.addBytes)} (the layers of the ${steps(f.builtSteps)} this build ran)`;
    const after = (peak) => `${(0,text_text/* formatSize */.Xq)(peak)}, ${percent(peak, f.budgetBytes)}% of the ${(0,text_text/* formatSize */.Xq)(f.budgetBytes)} budget`;
    const old = sum(f.superseded);
    if (before + f.addBytes <= ceilingBytes)
        return {
            write: true,
            outcome: 'write',
            deleteBefore: [],
            deleteAfter: [...f.superseded],
            peakBytes: before + f.addBytes,
            reason: `${adds}: usage reaches ${after(before + f.addBytes)}`
        };
    const freed = before - old + f.addBytes;
    const replaced = old
        ? `${adds}; the previous generation's ${(0,text_text/* formatSize */.Xq)(old)} it replaces ${f.superseded.length === 1 ? 'is' : 'are'} deleted first`
        : adds;
    // A write that deletes the previous generation first, reaching `freed`.
    const replacing = (reason, warning) => ({
        write: true,
        outcome: 'write',
        deleteBefore: [...f.superseded],
        deleteAfter: [],
        peakBytes: freed,
        reason,
        ...(warning === undefined ? {} : { warning })
    });
    if (freed <= ceilingBytes)
        return replacing(`${replaced}: usage reaches ${after(freed)}`);
    const must = f.defaultBranch
        ? 'the default branch never skips its write'
        : f.skippedLast
            ? 'this scope skipped its write last time and never skips twice in a row'
            : undefined;
    if (must && !f.roomMade)
        return {
            write: false,
            outcome: 'make-room',
            deleteBefore: [...f.superseded],
            usageTargetBytes: Math.max(0, ceilingBytes - f.addBytes - (f.aheadBytes ?? 0)),
            reason: `${replaced}, and usage would still reach ${after(freed)}: ${must}, so the cache is pruned first`
        };
    // After the prune: the default branch writes whatever the room; a scope that skipped last time, under the budget.
    const mustCeiling = Math.floor(f.budgetBytes * SECOND_WRITE_CEILING);
    if (must && (f.defaultBranch || freed <= mustCeiling)) {
        const warning = freed > f.budgetBytes
            ? `${replaced}, and usage still reaches ${after(freed)} after pruning: ${must}, so GitHub will evict least-recently-used entries; raise cache-budget or set cache-mode: min`
            : `usage reaches ${after(freed)}, over the ${Math.round((f.ceiling ?? EXPORT_CEILING) * 100)}% ceiling: ${must}`;
        return replacing(`${replaced}: ${must}`, warning);
    }
    return {
        write: false,
        outcome: 'skipped',
        reason: `${adds}${old ? ` and replaces ${(0,text_text/* formatSize */.Xq)(old)}` : ''}: usage would reach ${after(freed)}${f.roomMade ? ' even after pruning' : ''}, over the ${(0,text_text/* formatSize */.Xq)(must ? mustCeiling : ceilingBytes)} ${must ? `limit (${Math.round(SECOND_WRITE_CEILING * 100)}% of the budget) for a scope that skipped last time` : 'ceiling'}`,
        cost: `the next build of this scope on this ref runs these ${steps(f.builtSteps)} again${f.builtSeconds !== undefined ? ` (about ${Math.round(f.builtSeconds)} s)` : ''}${must ? '' : '; it writes then if pruning can make the room, as no scope skips twice in a row'}`
    };
}
/**
 * The blobs of a leg's previous generation on `ref` that its new index will not name and that no other live
 * index references: those of `previous` (the old index's digests) outside `kept` and `othersLive`. The old index
 * entry itself stays until the new one supersedes it (the prune's superseded-index rule takes it then).
 */
function supersededEntries(entries, ref, generation, othersLive) {
    const out = [];
    for (const e of entries) {
        const d = blobDigest(e.key);
        if (e.ref !== ref || d === undefined)
            continue;
        if (generation.previous.has(d) && !generation.kept.has(d) && !othersLive.has(d))
            out.push({ id: e.id, key: e.key, ref: e.ref, bytes: e.size });
    }
    return out.sort((a, b) => b.bytes - a.bytes || a.id - b.id);
}
/** Clocks of the runner and of GitHub may differ by this much: blobs used this shortly before the build count as used by it. */
const CLOCK_SLACK_MS = 2 * 60_000;
/**
 * The leg's previous generation after a build that only imported. BuildKit looks up every blob of a cached
 * result's layer chain when it loads the result (worker/base/worker.go:640-653 at v0.32.2, `FromRemote` calls
 * the provider's `Info`, which for gha is a cache lookup: cache/remotecache/gha/gha.go:591-625), and a lookup
 * is a use of the entry: blobs of the results' chains (`final`) the build did not use since it started are the
 * layers of the steps it rebuilt. Intermediate layers (mode=max) are not judged (a max export still names
 * those of steps it did not need); the prune after the export takes what the new index no longer names.
 * `heldSince`: blobs used since then may be named by an active ref this token cannot read (a pull request's
 * index pointing at main's blobs): they are not deleted early.
 */
function generationAfterBuild(entries, indexes, times) {
    const live = classifyIndexes(entries, times.now).live;
    let previous;
    for (const ref of indexes.readableRefs) {
        previous ??= live
            .filter((e) => e.ref === ref && parseIndexKey(e.key)?.scope === indexes.scope && indexes.contents.has(e.id))
            .sort((a, b) => b.createdAt - a.createdAt)[0];
    }
    if (!previous)
        return { rebuiltBytes: 0, superseded: [] };
    const read = indexes.contents.get(previous.id);
    const others = new Set();
    for (const [id, c] of indexes.contents)
        if (id !== previous.id)
            for (const d of c.digests)
                others.add(d);
    const blobs = new Map();
    for (const e of entries) {
        const d = keys_blobDigest(e.key);
        if (d !== undefined &&
            read.final.has(d) &&
            indexes.readableRefs.includes(e.ref) &&
            (!blobs.has(d) || e.ref === previous.ref))
            blobs.set(d, e);
    }
    const usedSince = times.buildStartedAt - CLOCK_SLACK_MS;
    const rebuilt = [...blobs.values()].filter((e) => e.lastAccessedAt < usedSince);
    const held = times.heldSince ?? Number.POSITIVE_INFINITY;
    const superseded = rebuilt
        .filter((e) => e.ref === indexes.readableRefs[0] && !others.has(keys_blobDigest(e.key)) && e.lastAccessedAt < held)
        .map((e) => ({ id: e.id, key: e.key, ref: e.ref, bytes: e.size }))
        .sort((a, b) => b.bytes - a.bytes || a.id - b.id);
    return { ref: previous.ref, rebuiltBytes: rebuilt.reduce((s, e) => s + e.size, 0), superseded };
}

// EXTERNAL MODULE: ./src/io/deadlines.ts
var deadlines = __webpack_require__(8193);
// EXTERNAL MODULE: ./src/io/http/client.ts + 5 modules
var client = __webpack_require__(7002);
;// CONCATENATED MODULE: ./src/io/github/cache-service.ts
/**
 * A small client of the GitHub cache service v2 (twirp JSON) and its block-blob data plane, on the one HTTP
 * client (io/http/client.ts) and its retry policy: look an entry up by key and restore keys
 * (GetCacheEntryDownloadURL), download it, and write one (CreateCacheEntry, one Put Blob of the bytes,
 * FinalizeCacheEntryUpload). Every answer is a result with its reason, never a throw. The runtime token goes only into the Authorization header,
 * and a signed URL only into the request it signs: neither is ever part of a message.
 */



/** How a warning names the cache service when it goes down, and what the action then goes without. */
const CACHE_SERVICE = {
    name: 'The GitHub cache service',
    without: 'earlier indexes are not read (the export is not sized from them, a prune keeps every blob) and the hit-ratio history is not kept'
};
/** The client of the cache service: its deadline and service. */
const cacheServiceHttp = () => new client/* Http */.lw({ timeoutMs: (0,deadlines.ms)(policies/* POLICIES */.PQ.cacheService.requestMs), service: CACHE_SERVICE });
const SERVICE = 'twirp/github.actions.results.api.v1.CacheService/';
/** The Azure Blob API version the data-plane requests declare (what @actions/cache's SDK sends). */
const BLOB_API_VERSION = '2024-11-04';
const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
const cache_service_text = (v) => (typeof v === 'string' ? v : '');
/** A twirp error body `{code, msg}` (or `message`), else the start of the body. */
function twirpReason(body) {
    const parsed = (0,client/* parseJson */.qF)(body.replace(/^\uFEFF/, ''), (v) => isObject(v) ? { ok: true, value: v } : { ok: false, reason: 'not an object' });
    if (!parsed.ok)
        return { message: body.slice(0, 200) };
    return {
        code: cache_service_text(parsed.value.code) || undefined,
        message: (cache_service_text(parsed.value.msg) || cache_service_text(parsed.value.message)).slice(0, 200)
    };
}
class CacheService {
    options;
    http;
    base;
    policy;
    constructor(options) {
        this.options = options;
        this.http = options.http ?? cacheServiceHttp();
        this.base = options.resultsUrl.endsWith('/') ? options.resultsUrl : `${options.resultsUrl}/`;
        this.policy = {
            attempts: options.attempts ?? policies/* POLICIES */.PQ.cacheService.attempts,
            backoffMs: options.backoffMs ?? policies/* POLICIES */.PQ.cacheService.backoffMs
        };
    }
    /** HTTP requests sent through this client's Http so far (every attempt). */
    get calls() {
        return this.http.calls;
    }
    /** One twirp call: a 200 body that is a JSON object, or why not (the twirp error's code kept). */
    async twirp(method, request) {
        const r = await this.http.request('POST', `${this.base}${SERVICE}${method}`, {
            headers: { 'content-type': 'application/json', authorization: `Bearer ${this.options.token}` },
            body: JSON.stringify(request),
            policy: this.policy,
            label: method
        });
        if (!r.ok)
            return { ok: false, reason: r.reason };
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
        const parsed = (0,client/* parseJson */.qF)(body, (v) => isObject(v) ? { ok: true, value: v } : { ok: false, reason: 'not a JSON object' });
        return parsed.ok
            ? { ok: true, body: parsed.value }
            : { ok: false, reason: `${method} answered 200 with a body that is ${parsed.reason}` };
    }
    /**
     * The entry the service restores for `key` then `restoreKeys` (each exact, then as a prefix, newest first; own
     * ref first, then the refs the token may read), in `version`.
     */
    async lookup(key, restoreKeys, version) {
        const r = await this.twirp('GetCacheEntryDownloadURL', { key, restore_keys: [...restoreKeys], version });
        if (!r.ok)
            return { status: 'failed', reason: r.reason };
        if (r.body.ok !== true)
            return { status: 'miss' };
        const url = r.body.signed_download_url;
        if (typeof url !== 'string')
            return { status: 'failed', reason: 'GetCacheEntryDownloadURL answered ok without a signed_download_url' };
        if (!url)
            return { status: 'miss' };
        const matchedKey = cache_service_text(r.body.matched_key) || key;
        return { status: 'hit', matchedKey, url };
    }
    /** The body of a signed download URL. The URL is never named: its query is the signature. */
    async download(url) {
        const label = 'the signed download URL';
        const r = await this.http.request('GET', url, {
            headers: { 'x-ms-version': BLOB_API_VERSION },
            policy: this.policy,
            label
        });
        if (!r.ok)
            return { status: 'failed', reason: r.reason };
        const { status, body } = r.value;
        if (status === 401 || status === 403)
            return { status: 'expired' };
        if (status < 200 || status >= 300)
            return { status: 'failed', reason: `${label} answered ${status}` };
        return { status: 'ok', body };
    }
    /**
     * Looks up and downloads; a signed URL refused as expired is asked for again, once (as BuildKit ≥ v0.23.2 does).
     * `exact`: only an entry of this very key counts (a prefix match on another key is a miss).
     */
    async read(key, restoreKeys, o) {
        for (let round = 0; round < 2; round++) {
            const found = await this.lookup(key, restoreKeys, o.version);
            if (found.status !== 'hit')
                return found;
            if (o.exact && found.matchedKey !== key)
                return { status: 'miss' };
            const got = await this.download(found.url);
            if (got.status === 'failed')
                return got;
            if (got.status === 'ok')
                return { status: 'ok', key: found.matchedKey, body: got.body };
        }
        return { status: 'failed', reason: 'the signed download URL was refused twice' };
    }
    /** Writes one entry: reserve the key, PUT the bytes as one block blob, finalize with the size. */
    async write(key, version, body) {
        const created = await this.twirp('CreateCacheEntry', { key, version });
        if (!created.ok)
            return created.code === 'already_exists' || created.status === 409
                ? { status: 'exists', reason: created.reason }
                : { status: 'failed', reason: created.reason };
        if (created.body.ok !== true)
            return {
                status: 'refused',
                reason: `CreateCacheEntry refused: ${cache_service_text(created.body.message).slice(0, 200) || 'no reason given'}`
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
        if (!put.ok)
            return { status: 'failed', reason: put.reason };
        if (put.value.status !== 201 && put.value.status !== 200)
            return { status: 'failed', reason: `${label} answered ${put.value.status}` };
        const done = await this.twirp('FinalizeCacheEntryUpload', { key, version, size_bytes: String(size) });
        if (!done.ok)
            return { status: 'failed', reason: done.reason };
        if (done.body.ok !== true)
            return {
                status: 'refused',
                reason: `FinalizeCacheEntryUpload refused: ${cache_service_text(done.body.message).slice(0, 200) || 'no reason given'}`
            };
        return { status: 'saved', entryId: cache_service_text(done.body.entry_id) || String(done.body.entry_id ?? ''), size };
    }
}

// EXTERNAL MODULE: ./src/io/pool.ts
var pool = __webpack_require__(4476);
;// CONCATENATED MODULE: ./src/io/github/indexes.ts
/**
 * Reads BuildKit index entries (cache-config JSON) through the cache service v2 with the runtime token,
 * exactly as BuildKit's importer does: twirp GetCacheEntryDownloadURL for the exact index key and BuildKit's
 * cache version, then a GET of the signed URL. The token can read only its own refs, so only indexes on
 * readable refs can be read; a read refreshes the index's last access, as an import would. The lookup and the
 * download are those of the one cache-service client (cache-service.ts).
 */





function createIndexReader(options) {
    return new CacheServiceIndexReader(options);
}
/** One reader: its HTTP client, the policy of every request, and the calls counted from its creation. */
class CacheServiceIndexReader {
    options;
    http;
    service;
    sent;
    constructor(options) {
        this.options = options;
        this.http = options.http ?? cacheServiceHttp();
        this.service = new CacheService({ ...options, http: this.http });
        this.sent = this.http.calls;
    }
    get calls() {
        return this.http.calls - this.sent;
    }
    async read(entries) {
        const results = new Map();
        await (0,pool/* drain */.Z)([...entries], this.options.concurrency ?? policies/* POLICIES */.PQ.concurrency.indexReads, async (e) => void results.set(e.id, await this.readOnce(e)));
        return results;
    }
    /**
     * A key in the GitHub cache is immutable, so an index read once (the budget reading before the build) is not
     * read again by the same job (the prune after it): one round trip less. What was missing or failed is asked again.
     */
    known = new Map();
    async readOnce(entry) {
        const id = `${entry.id}\n${entry.key}`;
        const known = this.known.get(id);
        if (known)
            return known;
        const read = await this.readOne(entry);
        if (read.status === 'read')
            this.known.set(id, read);
        return read;
    }
    async readOne(entry) {
        // The exact key in BuildKit's version: a prefix match on another key (`#7` gone, `#70` there) is not this index.
        const r = await this.service.read(entry.key, [], { version: BUILDKIT_CACHE_VERSION, exact: true });
        if (r.status === 'failed')
            return { status: 'failed', message: r.reason };
        if (r.status === 'miss')
            return { status: 'missing' };
        const { digests, recognized, final } = parseIndexJson(r.body);
        // A signed cache stores `buildkit-blob-1-<index digest>-sig`: the index protects its signature.
        digests.add(sha256Digest(r.body));
        return { status: 'read', digests, recognized, final };
    }
}
/**
 * Reads every live and pinned index on a readable ref. When one has vanished, the previous `#n` of its group
 * is what BuildKit now imports, so it is read too (a few rounds at most).
 */
async function readLiveIndexes(reader, entries, opts) {
    let current = [...entries];
    const liveIndexes = new Map();
    const finalLayers = new Map();
    const vanished = [];
    const failed = [];
    const unrecognized = [];
    const tried = new Set();
    for (let round = 0; round < (opts.rounds ?? 3); round++) {
        const wanted = indexesToRead(current, opts).filter((e) => !tried.has(e.id));
        if (wanted.length === 0)
            break;
        const results = await reader.read(wanted);
        const gone = new Set();
        for (const entry of wanted) {
            tried.add(entry.id);
            const r = results.get(entry.id);
            if (r?.status === 'read') {
                liveIndexes.set(entry.id, r.digests);
                finalLayers.set(entry.id, r.final);
                if (!r.recognized)
                    unrecognized.push(entry);
            }
            else if (r?.status === 'missing') {
                gone.add(entry.id);
                vanished.push(entry);
            }
            else
                failed.push({ entry, message: r?.message ?? 'not read' });
        }
        if (gone.size === 0)
            break;
        current = current.filter((e) => !gone.has(e.id));
    }
    return { entries: current, liveIndexes, finalLayers, vanished, failed, unrecognized };
}

;// CONCATENATED MODULE: ./src/http/pacing.ts
/**
 * How the prune's deletions are paced within GitHub's documented secondary limits for REST (docs "Rate limits for
 * the REST API", 2026): at most 100 concurrent requests, and at most 900 points a minute per endpoint group, a
 * DELETE costing 5 points (so 180 deletes a minute). Pure: io/github/deletes.ts waits and sends.
 */

/**
 * When the next delete may start: after `pausedUntil`, and once the starts in the last minute leave room for
 * its points. Pure. `starts` are the start times so far, oldest first.
 */
function nextStart(starts, now, pausedUntil, limits = {}) {
    const per = limits.pointsPerDelete ?? policies/* POLICIES */.PQ.deletes.pointsPerDelete;
    const allowed = Math.max(1, Math.floor((limits.pointsPerMinute ?? policies/* POLICIES */.PQ.deletes.pointsPerMinute) / per));
    let at = Math.max(now, pausedUntil);
    const recent = starts.filter((t) => t > at - 60_000);
    if (recent.length >= allowed)
        at = Math.max(at, recent[recent.length - allowed] + 60_000);
    return at;
}

;// CONCATENATED MODULE: ./src/io/github/deletes.ts
/**
 * Carrying out a prune's deletions: several at once within GitHub's documented REST limits, honouring
 * `retry-after` and secondary-rate-limit answers, and within a time budget (a build step spends ~2 s on it;
 * the rest waits for the next run or `command: prune`). The clock is injected: tests never wait.
 *
 * The pace (GitHub's documented secondary limits, attempts, the time a build step gives) is POLICIES.deletes
 * (src/http/policies.ts); when the next one may start is http/pacing.ts's rule. The older advice to space writes a second apart is the throttling plugin's default; it
 * is what made a build step spend 14 s deleting 13 entries.
 */




async function runDeletes(items, del, limits = {}, timer = client/* realClock */.dQ) {
    const started = timer.now();
    const deadline = started + (limits.timeBudgetMs ?? Number.POSITIVE_INFINITY);
    const attempts = Math.max(1, limits.attempts ?? policies/* POLICIES */.PQ.deletes.attempts);
    const out = { deleted: [], gone: [], notDeleted: [], forbidden: false, rateLimited: 0, elapsedMs: 0 };
    const queue = items.map((item) => ({ item, tries: 0 }));
    const starts = [];
    let pausedUntil = 0;
    let errorsInARow = 0;
    const halt = (why) => {
        out.stop ??= why;
    };
    // One job: `return` moves on to the next; a job to try again goes back to the front of the queue.
    const handle = async (job) => {
        if (out.stop !== undefined) {
            out.notDeleted.push(job.item);
            return;
        }
        const at = nextStart(starts, timer.now(), pausedUntil, limits);
        if (at > deadline) {
            out.notDeleted.push(job.item);
            halt(at === pausedUntil
                ? `GitHub asked to wait ${Math.ceil((pausedUntil - timer.now()) / 1000)} s (rate limit), beyond the time budget`
                : `time budget of ${((limits.timeBudgetMs ?? 0) / 1000).toFixed(1)} s`);
            return;
        }
        // The slot is taken now, before waiting for it, so that concurrent workers do not all take the same one.
        starts.push(at);
        starts.sort((a, b) => a - b);
        if (at > timer.now())
            await timer.sleep(at - timer.now());
        if (out.stop !== undefined) {
            out.notDeleted.push(job.item);
            return;
        }
        job.tries++;
        const answer = await del(job.item);
        if (answer.ok) {
            errorsInARow = 0;
            (answer.value === 'gone' ? out.gone : out.deleted).push(job.item);
            return;
        }
        if (answer.kind === 'forbidden' || answer.kind === 'unauthorized') {
            out.forbidden = true;
            out.notDeleted.push(job.item);
            halt('the github-token lacks actions: write');
            return;
        }
        if (answer.kind === 'down') {
            // The API went silent: the rest is not sent (its warning was given where it went silent).
            out.notDeleted.push(job.item);
            halt(answer.message);
            return;
        }
        if (answer.kind === 'rate-limited') {
            out.rateLimited++;
            // Everyone waits: GitHub's answer is about the token, not about this entry.
            pausedUntil = Math.max(pausedUntil, timer.now() + (answer.retryAfterMs ?? limits.defaultRetryMs ?? policies/* POLICIES */.PQ.rateLimit.defaultWaitMs));
        }
        else if (++errorsInARow >= policies/* POLICIES */.PQ.deletes.failuresInARow) {
            out.notDeleted.push(job.item);
            halt(`repeated failures (${answer.message})`);
            return;
        }
        if (job.tries < attempts)
            queue.unshift(job);
        else
            out.notDeleted.push(job.item);
    };
    // The first delete goes alone: a token without actions: write is refused once, not once per worker.
    const rest = queue.splice(1);
    await (0,pool/* drain */.Z)(queue, 1, handle);
    queue.push(...rest);
    await (0,pool/* drain */.Z)(queue, limits.concurrency ?? policies/* POLICIES */.PQ.deletes.concurrency, handle);
    out.elapsedMs = timer.now() - started;
    return out;
}

;// CONCATENATED MODULE: ./src/budget/report.ts
/** The budget and prune plan in words: log lines and the job summary's Markdown. Pure. */



const REASON_WORDS = {
    'closed-pr': 'closed pull request',
    'superseded-index': 'superseded index',
    'superseded-history': 'superseded hit-ratio history',
    'superseded-layer': "layer of a step this build rebuilt (the previous generation's)",
    'superseded-mount': 'superseded package cache',
    'unreferenced-blob': 'unreferenced blob',
    'idle-ref': 'idle ref this token cannot read'
};
/** `12 entries, 3.1 GB: 2 closed pull request (1.0 GB), 10 superseded index (40.0 KB)`. */
function describeDeletions(deletions) {
    const total = deletions.reduce((s, d) => s + d.bytes, 0);
    const parts = PRUNE_REASONS.map((r) => {
        const of = deletions.filter((d) => d.reason === r);
        return of.length ? `${of.length} ${REASON_WORDS[r]} (${(0,text_text/* formatSize */.Xq)(of.reduce((s, d) => s + d.bytes, 0))})` : '';
    }).filter(Boolean);
    return `${deletions.length} entr${deletions.length === 1 ? 'y' : 'ies'}, ${(0,text_text/* formatSize */.Xq)(total)}${parts.length ? `: ${parts.join(', ')}` : ''}`;
}
/** One log line per planned deletion: key, ref, why, bytes. */
function planLines(plan) {
    const lines = plan.deletions.map((d) => `${(0,text_text/* echo */.WI)(d.key)} on ${(0,text_text/* echo */.WI)(d.ref)}: ${REASON_WORDS[d.reason]}, ${(0,text_text/* echo */.WI)(d.detail, 400)} (${(0,text_text/* formatSize */.Xq)(d.bytes)}, ${d.bytes} B)`);
    lines.push(`usage ${(0,text_text/* formatSize */.Xq)(plan.usageBytes)} → ${(0,text_text/* formatSize */.Xq)(plan.keptBytes)}; target ${(0,text_text/* formatSize */.Xq)(plan.targetBytes)} of a ${(0,text_text/* formatSize */.Xq)(plan.budgetBytes)} budget`);
    return [...lines, ...plan.notes];
}
/** The job summary's budget section: the usage bar, and the prune plan or what was pruned. */
function budgetMarkdown(args) {
    const lines = ['### Cache budget', ''];
    if (args.usageBytes !== undefined)
        lines.push(`\`${usageBar(args.usageBytes, args.budgetBytes)}\``, '');
    else
        lines.push(`Usage unknown; budget ${(0,text_text/* formatSize */.Xq)(args.budgetBytes)}.`, '');
    lines.push(`Budget: ${(0,text_text/* formatSize */.Xq)(args.budgetBytes)} from ${args.budgetSource}.`, '');
    const plan = args.plan;
    if (plan) {
        const rows = args.dryRun ? plan.deletions : (args.deleted ?? []);
        const title = args.dryRun ? 'Prune plan (dry run: nothing was deleted)' : 'Pruned';
        lines.push(`#### ${title}: ${describeDeletions(rows)}`, '');
        if (!args.dryRun)
            lines.push(`\`${usageBar(plan.usageBytes - rows.reduce((s, d) => s + d.bytes, 0), plan.budgetBytes)}\` after pruning`, '');
        const max = args.maxRows ?? 50;
        if (rows.length) {
            lines.push('| Entry | Ref | Why | Size |', '|---|---|---|---:|');
            for (const d of rows.slice(0, max))
                lines.push(`| ${(0,text_text/* code */.aY)(d.key)} | ${(0,text_text/* code */.aY)(d.ref)} | ${(0,text_text/* cell */.Hn)(`${REASON_WORDS[d.reason]}: ${d.detail}`, 400)} | ${(0,text_text/* formatSize */.Xq)(d.bytes)} |`);
            if (rows.length > max)
                lines.push(`| … ${rows.length - max} more | | | ${(0,text_text/* formatSize */.Xq)(rows.slice(max).reduce((s, d) => s + d.bytes, 0))} |`);
            lines.push('');
        }
        for (const n of plan.notes)
            lines.push(`- ${(0,text_text/* echo */.WI)(n, 400)}`);
        if (plan.notes.length)
            lines.push('');
    }
    return lines.join('\n');
}

;// CONCATENATED MODULE: ./src/budget/usage.ts





const READ_GRANT_WARNING = 'The github-token cannot read the repository\'s GitHub cache (it needs "permissions: actions: read", and "actions: write" to prune): the cache budget is not checked and nothing is pruned. The build is not affected.';
const WRITE_GRANT_WARNING = 'Pruning needs "permissions: actions: write" for the github-token; nothing was deleted, and GitHub will evict least-recently-used entries once the repository is over its limit. The build is not affected.';
/** The failure shows the token to lack a grant (rather than GitHub to have failed). */
function isMissingGrant(f) {
    return f.kind === 'forbidden' || f.kind === 'unauthorized';
}
/** Without a REST client (outside GitHub Actions, or no github-token): the budget alone, usage not read. */
function readingWithoutUsage(cacheBudget) {
    const budget = resolveBudget(cacheBudget);
    return {
        budget,
        near: false,
        aboveTarget: false,
        decisions: [
            {
                topic: 'budget',
                outcome: (0,text_text/* formatSize */.Xq)(budget.bytes),
                reason: `${budget.source}; usage not read: outside GitHub Actions, or without a github-token`
            }
        ],
        warnings: budget.warning ? [budget.warning] : []
    };
}
function budgetDecision(budget) {
    return { topic: 'budget', outcome: (0,text_text/* formatSize */.Xq)(budget.bytes), reason: budget.source };
}
/**
 * Usage could not be read: the budget is not checked this run. A missing grant is warned about once per job
 * (`warned`); any other failure is a line in the log (`note`), not a warning.
 */
function readingWithoutFigure(budget, failure, warned) {
    const grant = isMissingGrant(failure);
    const warnings = budget.warning ? [budget.warning] : [];
    if (grant && !warned)
        warnings.push(READ_GRANT_WARNING);
    const reading = {
        budget,
        near: false,
        aboveTarget: false,
        decisions: [
            budgetDecision(budget),
            {
                topic: 'usage',
                outcome: 'unknown',
                reason: grant ? 'the github-token lacks actions: read' : `the REST API answered: ${failure.message}`
            }
        ],
        warnings,
        ...(grant ? { missingGrant: 'read' } : {})
    };
    if (grant)
        return { reading };
    return { reading, note: `Cache usage could not be read (${failure.message}); the budget is not checked this run` };
}
/** Each scope's footprint from the live indexes read (a min export holds an index's final layers). */
function footprintsOf(read, readableRefs, now) {
    const contents = new Map([...read.liveIndexes].map(([id, digests]) => [id, { digests, final: read.finalLayers.get(id) ?? digests }]));
    return scopeFootprints(read.entries, contents, readableRefs, now);
}
/**
 * The reading when usage is known. The listing is current where GitHub's usage figure lags (about 5 minutes):
 * the larger of the two wins.
 */
function readingWithFigure(f) {
    let { bytes, count } = f.usage;
    if (f.listed) {
        const listedBytes = f.listed.entries.reduce((sum, e) => sum + e.size, 0);
        if (listedBytes > bytes)
            [bytes, count] = [listedBytes, f.listed.entries.length];
    }
    const budget = f.budget;
    const near = nearBudget(bytes, budget.bytes);
    const usage = {
        topic: 'usage',
        outcome: `${(0,text_text/* formatSize */.Xq)(bytes)} (${percent(bytes, budget.bytes)}%)`,
        reason: `${count} entries in the repository's GitHub cache${near ? ', near the budget' : ''} (${f.listed ? 'listed now' : 'GitHub refreshes this figure about every 5 minutes'})`
    };
    return {
        budget,
        usageBytes: bytes,
        usageCount: count,
        near,
        aboveTarget: bytes > (f.targetRatio ?? TARGET_RATIO) * budget.bytes,
        bar: usageBar(bytes, budget.bytes),
        decisions: [budgetDecision(budget), usage],
        warnings: budget.warning ? [budget.warning] : [],
        ...(f.listed ? { footprints: f.listed.footprints, listing: f.listed.listing } : {}),
        ...(f.concurrentLegs !== undefined ? { concurrentLegs: f.concurrentLegs } : {})
    };
}
/**
 * The listing failed: pruning is skipped. A missing grant is warned about once per job; a GitHub API that went
 * silent (`down`) was warned about once, where it did; any other failure is a warning of its own.
 */
function listingRefused(failure, warned) {
    const grant = isMissingGrant(failure);
    const warnings = [];
    if (grant && !warned)
        warnings.push(READ_GRANT_WARNING);
    else if (!grant && failure.kind !== 'down')
        warnings.push(`Pruning skipped: the cache listing failed (${failure.message}). The build is not affected.`);
    return {
        ...(grant ? { missingGrant: 'read' } : {}),
        warnings,
        decisions: [
            {
                topic: 'prune',
                outcome: 'skipped',
                reason: grant ? 'the github-token lacks actions: read' : `listing failed: ${failure.message}`
            }
        ]
    };
}
const usage_PR_REF = /^refs\/pull\/(\d+)\/(merge|head)$/;
/**
 * The open pull requests' refs (when they could be asked for) and the closed ones: those given, plus, with
 * `discover` (a scheduled sweep), every listed `refs/pull/…` ref whose pull request is not open.
 */
function pullRequestRefs(f) {
    const closed = new Set(f.given ?? []);
    if (!f.open)
        return { closed };
    const openSet = new Set(f.open);
    if (f.discover)
        for (const e of f.listed) {
            const m = usage_PR_REF.exec(e.ref);
            if (m && !openSet.has(Number(m[1])))
                closed.add(e.ref);
        }
    return { closed, openPrRefs: f.open.flatMap((n) => [`refs/pull/${n}/merge`, `refs/pull/${n}/head`]) };
}
/** A dry run: what would be deleted. */
function dryRunDecision(plan) {
    return {
        topic: 'prune',
        outcome: 'dry run',
        reason: `would delete ${describeDeletions(plan.deletions)}; nothing was deleted`
    };
}
/**
 * What a run of deletions means: at most `max` of the plan's were sent. A missing write grant is warned about
 * once per job; a stop at GitHub's rate limit or after repeated failures that left entries is warned about.
 */
function settleDeletes(plan, run, limits) {
    const { max } = limits;
    const left = new Set([...run.notDeleted, ...plan.deletions.slice(max)]);
    const notDeleted = plan.deletions.filter((d) => left.has(d));
    const warnings = [];
    let stop = run.stop ?? (plan.deletions.length > max ? 'maxDeletes' : undefined);
    if (run.forbidden) {
        if (!limits.warned)
            warnings.push(WRITE_GRANT_WARNING);
    }
    else if (run.stop !== undefined && notDeleted.length > 0) {
        stop = `${run.stop}; ${run.rateLimited ? `${run.rateLimited} rate-limited answers; ` : ''}the rest waits for the next run or command: prune`;
        if (run.rateLimited)
            warnings.push(`Pruning stopped at GitHub's REST rate limit after ${run.deleted.length} deletions; the rest waits for the next run or command: prune.`);
        else if (/repeated failures/.test(run.stop))
            warnings.push(`Pruning stopped after ${run.stop}; the rest waits for the next run.`);
    }
    const decision = {
        topic: 'prune',
        outcome: `${run.deleted.length} deleted`,
        reason: `${describeDeletions(run.deleted)}${run.gone.length ? `; ${run.gone.length} already gone` : ''}${notDeleted.length ? `; ${notDeleted.length} not deleted (${stop ?? 'maxDeletes'})` : ''}${plan.notes.length ? `; ${plan.notes.join('; ')}` : ''}`
    };
    return {
        notDeleted,
        ...(stop !== undefined ? { stop } : {}),
        ...(run.forbidden ? { missingGrant: 'write' } : {}),
        warnings,
        decision
    };
}
/** The outcome's totals: entries and bytes pruned, and usage after (what was pruned and what was gone already). */
function withTotals(out) {
    const prunedBytes = out.deleted.reduce((s, d) => s + d.bytes, 0);
    const gone = out.gone.reduce((s, d) => s + d.bytes, 0);
    return {
        ...out,
        prunedEntries: out.deleted.length,
        prunedBytes,
        ...(out.usageBytes !== undefined ? { usageAfterBytes: out.usageBytes - prunedBytes - gone } : {})
    };
}

;// CONCATENATED MODULE: ./src/steps/prune.ts








const silent = { info: () => undefined };
/** Before the build: the budget (`cache-budget`, else the storage limit, else 10 GB) and current usage. */
async function fetchReading(opts) {
    const log = opts.log ?? silent;
    if (!opts.rest)
        return readingWithoutUsage(opts.cacheBudget);
    // Every read that does not depend on another starts at once: each is a round trip to the REST API. The
    // listing and the run's jobs are only used once usage could be read (a missing grant fails them all alike).
    const rest = opts.rest;
    const estimate = !!(opts.reader && opts.readableRefs);
    const listedP = estimate ? rest.listAll() : undefined;
    const jobsP = estimate && opts.run?.id && rest.runJobs ? rest.runJobs(opts.run.id) : undefined;
    const [limitGb, usage] = await Promise.all([
        opts.cacheBudget === 'auto' ? rest.storageLimitGb() : undefined,
        rest.usage()
    ]);
    const budget = resolveBudget(opts.cacheBudget, limitGb);
    if (!usage.ok) {
        const { reading, note } = readingWithoutFigure(budget, usage, opts.warned);
        if (note)
            log.info(note);
        return reading;
    }
    const { reader, readableRefs } = opts;
    const listed = listedP && reader && readableRefs
        ? await readListed({ reader, readableRefs, now: opts.now }, listedP, log)
        : undefined;
    let concurrentLegs;
    if (listed && jobsP && opts.run) {
        const jobs = await jobsP;
        if (jobs.ok)
            concurrentLegs = concurrentLegsOf(jobs.value, opts.run.job);
        else
            log.info(`The run's jobs could not be listed (${jobs.message}); sibling legs are known from their caches only`);
    }
    const reading = readingWithFigure({
        budget,
        usage: usage.value,
        listed,
        concurrentLegs,
        targetRatio: opts.targetRatio
    });
    log.info(`Cache usage: ${reading.bar}`);
    return reading;
}
/** The listing and its live indexes on the readable refs, for the estimate; undefined when it could not be listed. */
async function readListed(at, listedP, log) {
    const listed = await listedP;
    if (!listed.ok) {
        log.info(`The cache could not be listed (${listed.message}); this export's size is not estimated`);
        return undefined;
    }
    const now = (at.now ?? Date.now)();
    const read = await readLiveIndexes(at.reader, listed.value.entries, { readableRefs: at.readableRefs, now });
    return { listing: listed.value, entries: read.entries, footprints: footprintsOf(read, at.readableRefs, now) };
}
async function carryOutPrune(opts) {
    const log = opts.log ?? silent;
    const now = opts.now ?? Date.now;
    const started = now();
    const restStart = opts.rest.calls;
    const indexStart = opts.reader?.calls ?? 0;
    const blank = {
        dryRun: opts.dryRun,
        deleted: [],
        gone: [],
        notDeleted: [],
        prunedEntries: 0,
        prunedBytes: 0,
        restCalls: 0,
        indexCalls: 0,
        planMs: 0,
        decisions: [],
        warnings: []
    };
    const finish = (out) => withTotals({ ...out, restCalls: opts.rest.calls - restStart, indexCalls: (opts.reader?.calls ?? 0) - indexStart });
    // The open pull requests do not depend on the listing: both round trips at once.
    const openPrs = opts.openPrs ?? opts.rest.openPullRequests();
    const listing = opts.listing ? { ok: true, value: opts.listing } : await opts.rest.listAll();
    if (!listing.ok)
        return finish({ ...blank, ...listingRefused(listing, opts.warned) });
    if (opts.listing)
        log.info(`The listing read before the build serves: ${listing.value.entries.length} cache entries`);
    else
        log.info(`Listed ${listing.value.entries.length} cache entries in ${listing.value.pages} page${listing.value.pages === 1 ? '' : 's'}`);
    const { closed, openPrRefs } = await pullRequests(opts, listing.value.entries, openPrs, log);
    const { entries, liveIndexes } = await readIndexes(opts, listing.value.entries, [...closed], log);
    const plan = planPrune({
        entries,
        liveIndexes,
        readableRefs: opts.readableRefs,
        closedPrRefs: [...closed],
        openPrRefs,
        budgetBytes: opts.budgetBytes,
        targetRatio: opts.targetRatio,
        now: now(),
        jobStart: opts.jobStart,
        graceMs: opts.graceMs,
        pinMs: opts.pinMs,
        idleMs: opts.idleMs,
        listingComplete: listing.value.complete
    });
    const planned = { ...blank, plan, usageBytes: plan.usageBytes, planMs: now() - started };
    if (opts.dryRun) {
        for (const line of planLines(plan))
            log.info(line);
        return finish({ ...planned, decisions: [dryRunDecision(plan)] });
    }
    return finish({ ...planned, ...(await deleteAll(opts, plan, log)) });
}
/** The open pull requests (asked for already, or now) and the closed ones (pullRequestRefs). */
async function pullRequests(opts, listed, openPrs, log) {
    const open = await openPrs;
    if (!open.ok)
        log.info(`Open pull requests could not be listed (${open.message}); pull requests' caches are judged by age only`);
    return pullRequestRefs({
        given: opts.closedPrRefs,
        discover: opts.discoverClosedPrs,
        listed,
        ...(open.ok ? { open: open.value } : {})
    });
}
/** The live indexes' contents, through the index reader when there is one (else none: every blob is kept). */
async function readIndexes(opts, listed, closedPrRefs, log) {
    if (!opts.reader)
        return { entries: listed, liveIndexes: new Map() };
    const now = opts.now ?? Date.now;
    const read = await readLiveIndexes(opts.reader, listed, {
        readableRefs: opts.readableRefs,
        closedPrRefs,
        now: now(),
        pinMs: opts.pinMs
    });
    if (read.vanished.length)
        log.info(`${read.vanished.length} index entr${read.vanished.length === 1 ? 'y' : 'ies'} vanished between the listing and the read`);
    for (const f of read.failed)
        log.info(`Index ${(0,text_text/* echo */.WI)(f.entry.key)} on ${(0,text_text/* echo */.WI)(f.entry.ref)} could not be read: ${(0,text_text/* echo */.WI)(f.message)}`);
    for (const u of read.unrecognized)
        log.info(`Index ${(0,text_text/* echo */.WI)(u.key)} has an unexpected shape; every digest in it is kept`);
    return { entries: read.entries, liveIndexes: read.liveIndexes };
}
/** Runs the plan's deletions (up to maxDeletes); what was deleted, gone and left, and why it stopped (settleDeletes). */
async function deleteAll(opts, plan, log) {
    const clock = opts.timer ?? { now: opts.now ?? Date.now };
    const max = opts.maxDeletes ?? Number.POSITIVE_INFINITY;
    const now0 = clock.now();
    const run = await runDeletes(plan.deletions.slice(0, max), async (d) => {
        const r = await opts.rest.deleteById(d.id);
        if (r.ok)
            log.debug?.(`deleted ${(0,text_text/* echo */.WI)(d.key)} on ${(0,text_text/* echo */.WI)(d.ref)} (${d.reason}, ${(0,text_text/* formatSize */.Xq)(d.bytes)})`);
        return r;
    }, opts.deleteLimits, opts.timer);
    const settled = settleDeletes(plan, run, { max, warned: opts.warned });
    const left = settled.notDeleted.length;
    log.info(`Deleted ${run.deleted.length} entries in ${((clock.now() - now0) / 1000).toFixed(1)} s${left ? `; ${left} left (${settled.stop})` : ''}`);
    return {
        deleted: run.deleted,
        gone: run.gone,
        notDeleted: settled.notDeleted,
        ...(settled.missingGrant ? { missingGrant: settled.missingGrant } : {}),
        warnings: settled.warnings,
        decisions: [settled.decision]
    };
}

;// CONCATENATED MODULE: ./src/steps/cache-usage.ts



async function restFor(inputs, rt) {
    // Outside a GitHub Actions run there is no repository cache to read, and no token worth sending.
    if (!rt.actions || !inputs.githubToken || !rt.repository.includes('/'))
        return undefined;
    const { createCacheRest } = await __webpack_require__.e(/* import() */ 794).then(__webpack_require__.bind(__webpack_require__, 1794));
    // Its deadlines and retries: POLICIES.rest (src/http/policies.ts); each phase's budget: withinPhase.
    return createCacheRest({ token: inputs.githubToken, apiUrl: rt.apiUrl, repository: rt.repository });
}
/**
 * One index reader for the step (its context's), so the prune after the build does not read again what the
 * reading read.
 */
function readerFor({ readers }, rt) {
    const cs = rt.cacheService;
    if (!cs.token || !cs.resultsUrl || !cs.v2 || rt.ghes)
        return undefined;
    const id = `${cs.resultsUrl}\n${cs.token}`;
    const reader = readers.get(id) ?? createIndexReader({ token: cs.token, resultsUrl: cs.resultsUrl });
    readers.set(id, reader);
    return reader;
}
/**
 * Reads the budget before planning. The open pull requests are asked for with the reading's listing (kept in
 * the context's `openPrs`): a build that lists the cache (one that exports to the GitHub cache) prunes after its
 * export, and its prune then starts without a round trip. A pull request closed while the build ran is found by
 * the next run.
 */
async function readBudgetLedger(ctx, inputs, rt) {
    const state = { prunes: [], warned: false };
    const scope = readingScope(inputs, rt);
    if (!scope.read)
        return state;
    const rest = await restFor(inputs, rt);
    // A build that exports to the GitHub cache sizes its export (and its sibling legs') from their previous
    // indexes before the mode is chosen and before anything is written: one listing and a read of the live
    // indexes on readable refs. The listing is reused by a prune before the build.
    const reader = rest && scope.estimate ? readerFor(ctx, rt) : undefined;
    // Every request of the reading, the open pull requests' included, within the reading's budget.
    state.reading = await ctx.deadlines.withinPhase('budgetRead', () => {
        if (rest &&
            reader &&
            inputs.command === 'build' &&
            shouldPrune(inputs.cachePrune, { command: 'build', backend: inputs.cache, exported: true }).prune)
            ctx.openPrs.set(state, rest.openPullRequests());
        return fetchReading({
            rest,
            reader,
            readableRefs: reader ? readableRefs(rt) : undefined,
            run: scope.leg,
            cacheBudget: inputs.cacheBudget,
            log: ctx.out
        });
    });
    state.warned = state.reading.missingGrant !== undefined;
    return state;
}
/** Carries out the prune the core asks for at `when` (see `pruneRequest`); records the outcome in the state. */
async function pruneAt(ctx, run, when, targetRatio) {
    const { state, inputs, rt } = run;
    const reading = state.reading;
    if (!reading)
        return undefined;
    const rest = await restFor(inputs, rt);
    if (!rest)
        return undefined;
    const req = pruneRequest(run, when, {
        now: ctx.clock.now(),
        jobStartedAt: Math.floor(performance.timeOrigin),
        targetRatio
    });
    const outcome = await ctx.out.group(req.title, () => ctx.deadlines.withinPhase(when === 'command' ? 'pruneCommand' : 'prune', () => carryOutPrune({
        rest,
        reader: readerFor(ctx, rt),
        readableRefs: req.readableRefs,
        closedPrRefs: req.closedPrRefs,
        discoverClosedPrs: req.discoverClosedPrs,
        budgetBytes: reading.budget.bytes,
        targetRatio: req.targetRatio,
        ...(req.reuseListing && reading.listing ? { listing: reading.listing } : {}),
        ...(when !== 'command' && ctx.openPrs.has(state) ? { openPrs: ctx.openPrs.get(state) } : {}),
        jobStart: req.jobStart,
        dryRun: req.dryRun,
        deleteLimits: req.timeBudgetMs !== undefined ? { timeBudgetMs: req.timeBudgetMs } : {},
        warned: state.warned,
        log: ctx.out
    })));
    state.warned ||= outcome.missingGrant !== undefined;
    state.prunes.push(outcome);
    return outcome;
}

;// CONCATENATED MODULE: ./src/steps/write.ts










/** A build sequence of import-only build, decision, exporting build; `skippedLast` tells whether this scope's last write was skipped. */
function writeSteps(ctx, run, skippedLast) {
    let later = [];
    let rest;
    return {
        beforeExport: async (figures, startedAt, retried) => {
            // After a retry without the import every step was this job's own: the write repairs the cache.
            const built = retried ? figures.totalSteps : Math.max(0, figures.totalSteps - figures.cachedSteps);
            const seconds = figures.steps.filter((st) => st.status !== 'cached').reduce((sum, st) => sum + st.seconds, 0);
            return ctx.out.group('Decide the cache write', async () => {
                let decision;
                if (built === 0)
                    decision = decideWrite({
                        builtSteps: 0,
                        addBytes: 0,
                        usageBytes: 0,
                        budgetBytes: 1,
                        superseded: [],
                        defaultBranch: onDefaultBranch(run.rt),
                        skippedLast: false
                    });
                else if ((rest = await restFor(run.inputs, run.rt)))
                    decision = await decideAfterListing(ctx, run, rest, {
                        built,
                        seconds,
                        startedAt,
                        skippedLast: await skippedLast()
                    });
                return decision ? applyDecision(ctx.out, run, decision, (s) => (later = s)) : run.plan;
            });
        },
        afterExport: async () => {
            if (rest && later.length)
                await deleteSuperseded(ctx.out, run, rest, later.splice(0));
        }
    };
}
/** The plan the second build runs with, from the decision (a new plan, the decision on it); logs it. */
function applyDecision(out, run, decision, keepForLater) {
    const { plan } = run;
    if (decision.write) {
        keepForLater(decision.deleteAfter);
        if (decision.warning)
            out.warning((0,text_text/* echo */.WI)(decision.warning, text_text/* MAX_SENTENCE */.Rt));
        return withNotes(plan, {
            decisions: [{ topic: 'write', outcome: 'yes', reason: decision.reason }],
            warnings: decision.warning ? [decision.warning] : []
        });
    }
    if (decision.outcome === 'nothing-new') {
        out.info(`Nothing to write: ${decision.reason}`);
        const noted = withNotes(plan, { decisions: [{ topic: 'write', outcome: 'nothing new', reason: decision.reason }] });
        return { ...noted, export: undefined };
    }
    const reason = `${decision.reason}; what it costs: ${('cost' in decision && decision.cost) || 'unknown'}`;
    const warning = `This build's cache is not written: ${reason}`;
    out.warning((0,text_text/* echo */.WI)(warning, text_text/* MAX_SENTENCE */.Rt));
    const noted = withNotes(plan, { decisions: [{ topic: 'write', outcome: 'skipped', reason }], warnings: [warning] });
    return { ...noted, export: undefined };
}
/** Lists the cache again, reads the live indexes, and decides; a make-room decision prunes first and decides again. */
async function decideAfterListing(ctx, run, rest, build) {
    const { state, plan } = run;
    const reading = state.reading;
    const listed = await rest.listAll();
    const { out } = ctx;
    const reader = readerFor(ctx, run.rt);
    if (!listed.ok || !reader) {
        out.info(`The cache could not be listed after the build (${listed.ok ? 'no index reader' : (0,text_text/* echo */.WI)(listed.message)}); it is written as planned`);
        return undefined;
    }
    const refs = readableRefs(run.rt);
    const now = ctx.clock.now();
    const read = await readLiveIndexes(reader, listed.value.entries, { readableRefs: refs, now });
    const contents = new Map([...read.liveIndexes].map(([id, digests]) => [id, { digests, final: read.finalLayers.get(id) ?? digests }]));
    const heldSince = heldBackSince({ entries: read.entries, readableRefs: refs, now });
    const generation = generationAfterBuild(read.entries, { contents, scope: plan.scope, readableRefs: refs }, { buildStartedAt: build.startedAt, heldSince, now });
    const usageBytes = read.entries.reduce((s, e) => s + e.size, 0);
    out.info(generation.ref
        ? `The build ran ${build.built} step${build.built === 1 ? '' : 's'}; of the previous generation on ${(0,text_text/* echo */.WI)(generation.ref)} it did not use ${(0,text_text/* formatSize */.Xq)(generation.rebuiltBytes)}, of which ${(0,text_text/* formatSize */.Xq)(generation.superseded.reduce((s, x) => s + x.bytes, 0))} nothing else needs`
        : `The build ran ${build.built} step${build.built === 1 ? '' : 's'}; this scope has no previous generation on a readable ref`);
    const facts = writeFacts(run, {
        builtSteps: build.built,
        seconds: build.seconds,
        generation,
        usageBytes,
        skippedLast: build.skippedLast
    });
    let decision = decideWrite(facts);
    if (decision.outcome === 'make-room') {
        out.info(decision.reason);
        await deleteSuperseded(out, run, rest, decision.deleteBefore);
        // The prune plans on the listing just read, not the one from before the build.
        reading.listing = listed.value;
        const outcome = await pruneAt(ctx, run, 'before', decision.usageTargetBytes / reading.budget.bytes);
        const usage = outcome?.usageAfterBytes ?? usageBytes - decision.deleteBefore.reduce((s, x) => s + x.bytes, 0);
        decision = decideWrite({ ...facts, superseded: [], usageBytes: usage, roomMade: true });
    }
    else if (decision.write && decision.deleteBefore.length)
        await deleteSuperseded(out, run, rest, decision.deleteBefore);
    return decision;
}
/** Deletes superseded layers (a few, paced as the prune paces them) and records them with the run's prunes. */
async function deleteSuperseded(out, run, rest, entries) {
    if (!entries.length)
        return;
    const deletions = entries.map((s) => ({
        ...s,
        reason: 'superseded-layer',
        detail: 'a layer of a step this build rebuilt; its new index will not name it'
    }));
    const calls = rest.calls;
    const done = await runDeletes(deletions, (d) => rest.deleteById(d.id), {
        timeBudgetMs: policies/* POLICIES */.PQ.deletes.stepBudgetMs
    });
    const bytes = (xs) => xs.reduce((s, d) => s + d.bytes, 0);
    const last = run.state.prunes[run.state.prunes.length - 1];
    const usageBytes = last?.usageAfterBytes ?? run.state.reading?.usageBytes;
    const outcome = {
        dryRun: false,
        deleted: done.deleted,
        gone: done.gone,
        notDeleted: done.notDeleted,
        prunedEntries: done.deleted.length,
        prunedBytes: bytes(done.deleted),
        ...(usageBytes !== undefined
            ? { usageBytes, usageAfterBytes: usageBytes - bytes(done.deleted) - bytes(done.gone) }
            : {}),
        restCalls: rest.calls - calls,
        indexCalls: 0,
        planMs: 0,
        warnings: [],
        decisions: [
            {
                topic: 'prune',
                outcome: `${done.deleted.length} deleted`,
                reason: `${(0,text_text/* formatSize */.Xq)(bytes(done.deleted))} of the previous generation's layers this build replaced${done.notDeleted.length ? `; ${done.notDeleted.length} left for the prune (${done.stop ?? 'not deleted'})` : ''}`
            }
        ]
    };
    run.state.prunes.push(outcome);
    out.info(`Deleted ${done.deleted.length} superseded layer${done.deleted.length === 1 ? '' : 's'} (${(0,text_text/* formatSize */.Xq)(bytes(done.deleted))})${done.gone.length ? `, ${done.gone.length} already gone` : ''}`);
}
/**
 * The build in two phases when a gate is given and the plan exports: with the import only, then (if the gate
 * says so) again with the export. The steps are the first build's (the second finds every one cached); the
 * exports the second's. Without a gate: one build, as planned.
 */
async function inPhases(ctx, plan, gate, run) {
    const written = (r, p) => ({ ...r, plan: r.stalled ? { ...p, export: undefined } : p });
    if (!gate || !plan.export)
        return written(await run(plan), plan);
    const startedAt = ctx.clock.now();
    const first = await run({ ...plan, export: undefined });
    if (first.attempt.failure)
        return { ...first, plan };
    // The cache did not answer the import: the second build would import (and export) through it again.
    if (first.stalled)
        return written(first, plan);
    const next = await gate(first.attempt.figures, startedAt, first.retried !== undefined);
    if (!next.export)
        return { ...first, plan: next };
    ctx.out.info('Writing the cache: the same build again, every step cached, with the export');
    const second = await run(next);
    const figures = {
        ...first.attempt.figures,
        exports: second.attempt.figures.exports,
        ...(second.attempt.failure
            ? { stepError: second.attempt.figures.stepError, failedLog: second.attempt.figures.failedLog }
            : {})
    };
    return { ...second, attempt: { ...second.attempt, figures }, retried: first.retried ?? second.retried, plan: next };
}

;// CONCATENATED MODULE: ./src/steps/prepare.ts
/**
 * What the build needs before its first log line, started early when it can be: the private work dir, whether
 * buildkitd can run as root, the tools when the tool cache holds them, and builder: auto's buildkitd (found or
 * spawned). Main starts it while the budget is read (issue 13: REST time spent while buildkitd starts is hidden);
 * the build then shows the same groups and lines as if it had done the work itself.
 */





const READY_TIMEOUT_ENV = 'ENVD_CACHE_ACTION_BUILDKITD_TIMEOUT';
/** How long the build waits for buildkitd to answer (ENVD_CACHE_ACTION_BUILDKITD_TIMEOUT seconds, 60 by default). */
const readyTimeoutOf = (env) => Number(env[READY_TIMEOUT_ENV] || 60) * 1000;
/** The private work dir (short: buildkitd's socket may live under it), recorded in state for post. */
function workDir(env, state) {
    const dir = (0,dirs/* createWorkDir */.Xk)(env);
    state.save(src_state/* StateKey */.z.WorkDir, dir);
    return dir;
}
/** Finds a buildkitd to reuse, or spawns one (recorded in state at once, so post stops it whatever happens). Logs nothing. */
async function startAuto(o) {
    // One buildkitd per job: a later call uses the one an earlier call started when it is the same
    // (the action's own per-call config lines, e.g. for cache: local, are not part of the comparison).
    const wish = {
        version: o.tools.buildkit.tag,
        flags: o.inputs.buildkitdFlags,
        config: o.inputs.buildkitdConfigInline
    };
    const shared = await (0,buildkit_builder/* findShared */.LS)((0,buildkit_builder/* recordsDir */.Ap)(o.env), wish, o.tools.buildkit.dir, o.toolEnv);
    if (shared.handle) {
        o.state.save(src_state/* StateKey */.z.Builder, JSON.stringify(shared.handle));
        return { h: shared.handle, wish, notReused: shared.notReused };
    }
    const own = {
        binDir: o.tools.buildkit.dir,
        workDir: (0,buildkit_builder/* newDaemonDir */._o)(o.env),
        configInline: o.configInline,
        flags: o.inputs.buildkitdFlags,
        readyTimeoutMs: o.readyTimeoutMs,
        env: o.toolEnv
    };
    const h = (0,buildkit_builder/* spawnBuildkitd */.yW)({ ...own, rootVia: await o.rootVia });
    h.version = o.tools.buildkit.tag;
    // Recorded before the wait, so that post stops it whatever happens next.
    o.state.save(src_state/* StateKey */.z.Builder, JSON.stringify(h));
    return { h, own, wish, notReused: shared.notReused };
}
/**
 * builder: auto with both tools in the tool cache: the work dir made, the root question asked and buildkitd
 * found or spawned now, writing nothing to the log. Undefined (nothing started) otherwise: the build then
 * installs the tools with its download lines and starts the builder itself. The caller decides whether the
 * build will run at all (a build, not a dry run, no problems in the plan so far, no cache: local, which starts
 * its builder early on its own); what was started is in state from here on, so post stops and removes it
 * even when main stops before the build.
 */
function startCachedBuilder(inputs, env, state) {
    if (inputs.builder.kind !== 'auto')
        return undefined;
    const tools = cachedTools(inputs, env);
    if (!tools)
        return undefined;
    const dir = workDir(env, state);
    const rootVia = (0,buildkit_builder/* rootViaAsync */.sN)();
    const toolEnv = (0,io_envd/* envdEnv */.b)(env, [tools.envd.dir, tools.buildkit.dir]);
    const configInline = inputs.buildkitdConfigInline;
    const start = startAuto({
        tools,
        inputs,
        env,
        toolEnv,
        configInline,
        readyTimeoutMs: readyTimeoutOf(env),
        rootVia,
        state
    });
    start.catch(() => undefined); // awaited, and its error reported, by the build; unhandled if main stops first
    return { dir, rootVia, tools, start };
}

;// CONCATENATED MODULE: ./src/io/mounts.ts
/**
 * cache-mounts' effects: BuildKit's records of its cache mounts (`buildctl du --verbose`), the helper builds that
 * copy an archive into a mount or out of it (through `buildctl build` on the same buildkitd), the archives on the
 * runner, and their GitHub cache entries (@actions/cache, loaded only when mounts are kept). Decides nothing.
 */






/** A helper build may stall like any build (a pull, a daemon that hangs): bounded. */
const HELPER_TIMEOUT_MS = 15 * 60_000;
const lastLines = (text, n = 3) => text.trim().split('\n').slice(-n).join(' / ').slice(0, 400);
/** The cache mounts buildkitd holds now. */
async function listMounts(c) {
    const r = await exec/* Exec */.W.run(c.buildctl, ['--addr', c.addr, 'du', '--verbose'], { env: c.env, timeoutMs: 60_000 });
    if (r.code !== 0)
        return { ok: false, reason: `buildctl du failed (exit ${r.code}): ${lastLines(r.stderr)}` };
    return { ok: true, value: parseDiskUsage(r.stdout) };
}
/** Where a run keeps the archives: the same path every run, as the GitHub cache entries' version depends on it. */
function mountsDir(runnerTemp) {
    return external_node_path_.join(runnerTemp, 'envd-cache-mounts');
}
/** The directory one mount's archive is restored into and saved from: `<dir>/<slot>/mount.tar`. */
const slotDir = (dir, id) => external_node_path_.join(dir, slotOf(id));
/**
 * One helper build: `dockerfile` in a directory of its own, `context` as the build context (a static busybox
 * copied into it first when that is the helper), a fresh nonce so that no step comes from BuildKit's cache,
 * and, for a save, a local output directory.
 */
async function helperBuild(c, o) {
    const started = Date.now();
    let dfDir;
    try {
        external_node_fs_.mkdirSync(o.context, { recursive: true });
        dfDir = external_node_fs_.mkdtempSync(`${o.context}-dockerfile-`);
        external_node_fs_.writeFileSync(external_node_path_.join(dfDir, 'Dockerfile'), o.dockerfile);
        if (o.helper.kind === 'busybox')
            external_node_fs_.copyFileSync(external_node_path_.resolve(o.helper.file), external_node_path_.join(o.context, 'busybox'));
        const args = [
            '--addr',
            c.addr,
            'build',
            '--frontend',
            'dockerfile.v0',
            '--local',
            `context=${o.context}`,
            '--local',
            `dockerfile=${dfDir}`
        ];
        args.push('--opt', `build-arg:${NONCE_ARG}=${(0,external_node_crypto_.randomBytes)(8).toString('hex')}`);
        if (o.output)
            args.push('--output', `type=local,dest=${o.output}`);
        const r = await exec/* Exec */.W.run(c.buildctl, args, { env: c.env, timeoutMs: HELPER_TIMEOUT_MS });
        if (r.code !== 0)
            return { ok: false, reason: `the helper build failed (exit ${r.code}): ${lastLines(r.stderr)}` };
        return { ok: true, value: (Date.now() - started) / 1000 };
    }
    catch (e) {
        return { ok: false, reason: e.message };
    }
    finally {
        if (dfDir)
            external_node_fs_.rmSync(dfDir, { recursive: true, force: true });
    }
}
/** The first 64 hex of a file's sha256, read as a stream (archives are gigabytes). */
async function fileSha256(file) {
    const hash = (0,external_node_crypto_.createHash)('sha256');
    for await (const chunk of external_node_fs_.createReadStream(file))
        hash.update(chunk);
    return hash.digest('hex');
}
const fileSize = (file) => (external_node_fs_.existsSync(file) ? external_node_fs_.statSync(file).size : 0);
/** Moves a saved archive (`<out>/<slot>.tar`) to its slot (`<dir>/<slot>/mount.tar`), replacing what was there. */
function placeArchive(out, dir, id) {
    const slot = slotDir(dir, id);
    external_node_fs_.rmSync(slot, { recursive: true, force: true });
    external_node_fs_.mkdirSync(slot, { recursive: true });
    const file = external_node_path_.join(slot, 'mount.tar');
    external_node_fs_.renameSync(external_node_path_.join(out, `${slotOf(id)}.tar`), file);
    return file;
}
const removeDir = (dir) => external_node_fs_.rmSync(dir, { recursive: true, force: true });
const actionsCache = () => Promise.all(/* import() */[__webpack_require__.e(752), __webpack_require__.e(779), __webpack_require__.e(838), __webpack_require__.e(691)]).then(__webpack_require__.bind(__webpack_require__, 1691));
/**
 * The version @actions/cache gives an entry of `dir` (`getCacheVersion` in its internal/cacheUtils.js: the paths,
 * the compression method, the salt `1.0`, joined by `|`, sha256). The method is `zstd-without-long` when a `zstd`
 * runs on this machine (its `getCompressionMethod` asks `zstd --quiet --version`), else `gzip`: here a `zstd` on
 * PATH stands for that answer.
 */
function actionsCacheVersion(dir, pathValue = process.env.PATH ?? '') {
    const zstd = pathValue.split(external_node_path_.delimiter).some((d) => {
        try {
            external_node_fs_.accessSync(external_node_path_.join(d || '.', 'zstd'), external_node_fs_.constants.X_OK);
            return true;
        }
        catch {
            return false;
        }
    });
    return (0,external_node_crypto_.createHash)('sha256')
        .update([dir, zstd ? 'zstd-without-long' : 'gzip', '1.0'].join('|'))
        .digest('hex');
}
/**
 * The lookup without @actions/cache: on the cache service v2, one GetCacheEntryDownloadURL through the action's
 * own client, so an unchanged job loads neither @actions/cache nor the Azure SDK (most of the bundle's start-up).
 * Elsewhere (GHES's v1 service) @actions/cache's lookupOnly.
 */
async function lookupKey(env, at) {
    const { dir, prefix } = at;
    const token = env.ACTIONS_RUNTIME_TOKEN;
    const resultsUrl = env.ACTIONS_RESULTS_URL;
    if (token && resultsUrl && /^true$/i.test(env.ACTIONS_CACHE_SERVICE_V2 ?? '')) {
        const r = await new CacheService({ token, resultsUrl }).lookup(prefix, [prefix], actionsCacheVersion(dir));
        return r.status === 'hit' ? r.matchedKey : undefined;
    }
    return (await actionsCache()).restoreCache([dir], prefix, [prefix], { lookupOnly: true });
}
/**
 * @actions/cache: its nearest-key restore searches the run's own ref, then the base and default branches (it reads
 * the runner's variables from the process). The lookup, the action's own client, reads them from `env`.
 */
const githubMountStore = (env) => ({
    available: async () => (await actionsCache()).isFeatureAvailable(),
    restore: async (dir, prefix) => (await actionsCache()).restoreCache([dir], prefix, [prefix]),
    save: async (dir, key) => (await (await actionsCache()).saveCache([dir], key)) !== -1,
    lookup: (dir, prefix) => lookupKey(env, { dir, prefix })
});
/** A named file larger than this is not hashed: the build then has no fingerprint (a fork could name a huge one). */
const MAX_HASHED_BYTES = 64 * 2 ** 20;
/**
 * What the package steps depend on, read from the build directory: the build file and each file it names that is
 * a regular file inside the directory (symlinks resolved; one that leads outside is left out). Undefined when the
 * build file cannot be read or a named file is over MAX_HASHED_BYTES (then the restore is never skipped).
 */
async function readPackageInputs(buildDir, buildFile, build) {
    let text;
    try {
        text = external_node_fs_.readFileSync(buildFile, 'utf8');
    }
    catch {
        return undefined;
    }
    const real = external_node_fs_.realpathSync(buildDir);
    const files = [];
    for (const rel of namedFiles(text)) {
        try {
            const file = external_node_fs_.realpathSync(external_node_path_.join(buildDir, rel));
            const stat = external_node_fs_.statSync(file);
            if (!file.startsWith(real + external_node_path_.sep) || !stat.isFile())
                continue;
            if (stat.size > MAX_HASHED_BYTES)
                return undefined;
            files.push({ path: rel, sha256: await fileSha256(file) });
        }
        catch {
            // not a file: a package name, or a path that does not exist
        }
    }
    return { buildFile: text, build, files };
}

// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
;// CONCATENATED MODULE: ./src/io/registry.ts
/**
 * Does a registry manifest exist? A HEAD on /v2/<repo>/manifests/<tag> with the credentials docker/login-action
 * wrote into the Docker config (or its credential helper holds), following the registry's Basic or Bearer
 * challenge. true, false, or undefined with the reason when it cannot be known. The same HEAD reads a pushed
 * tag's digest (Docker-Content-Digest).
 */









/** The client of a registry probe or digest read: the probe's deadline; a registry that goes down is skipped for the job. */
const registryHttp = () => new client/* Http */.lw({
    timeoutMs: (0,deadlines.ms)(policies/* POLICIES */.PQ.probe.requestMs),
    service: {
        name: 'The registry',
        without: "the cache entry to import is not checked and the pushed image's digest is not read"
    }
});
const MANIFEST_TYPES = [
    'application/vnd.oci.image.index.v1+json',
    'application/vnd.oci.image.manifest.v1+json',
    'application/vnd.docker.distribution.manifest.list.v2+json',
    'application/vnd.docker.distribution.manifest.v2+json'
].join(', ');
const registry_isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
function parseDockerConfig(text) {
    return (0,client/* parseJson */.qF)(text, (v) => registry_isObject(v) ? { ok: true, value: v } : { ok: false, reason: 'not a JSON object' });
}
/** The Docker config, none when there is no file, or why it cannot be used. */
function readDockerConfig(env) {
    const dir = env.DOCKER_CONFIG || external_node_path_.join(env.HOME || external_node_os_.homedir(), '.docker');
    const file = external_node_path_.join(dir, 'config.json');
    if (!external_node_fs_.existsSync(file))
        return {};
    let text;
    try {
        text = external_node_fs_.readFileSync(file, 'utf8');
    }
    catch (e) {
        return { problem: `the Docker config ${(0,text_text/* echo */.WI)(file)} cannot be read (${(0,text_text/* echo */.WI)(e.message)})` };
    }
    const parsed = parseDockerConfig(text);
    return parsed.ok ? { config: parsed.value } : { problem: `the Docker config ${(0,text_text/* echo */.WI)(file)} is ${parsed.reason}` };
}
/** The server name Docker gives a credential helper: Docker Hub's legacy URL, else the host. */
const helperServer = (host) => (host === 'registry-1.docker.io' ? 'https://index.docker.io/v1/' : host);
/**
 * Credentials from a credential helper (`docker-credential-<name> get`, the server on stdin, JSON with Username and
 * Secret on stdout; Username `<token>` means an identity token), as Docker asks them: the host's `credHelpers`
 * entry, else `credsStore`. The secret is masked before anything else can print it; an answer that does not parse
 * comes back as the problem, without its text (it may hold the secret).
 */
async function helperCredentials(host, config, { env, mask }) {
    const helper = config?.credHelpers?.[host] ?? config?.credsStore;
    if (typeof helper !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(helper))
        return undefined;
    // The server name goes to the helper as an argument of a fixed script, never into the script itself.
    const r = await exec/* Exec */.W.run('sh', ['-c', 'printf %s "$1" | "docker-credential-$2" get', 'sh', helperServer(host), helper], { env, timeoutMs: 30000 });
    if (r.code !== 0)
        return undefined;
    const answer = parseHelperAnswer(r.stdout);
    if (!answer.ok)
        return { problem: `docker-credential-${helper} answered with ${answer.reason}` };
    const secret = answer.value.identitytoken ?? answer.value.password;
    if (secret)
        mask(secret);
    return answer.value;
}
/** A credential helper's answer to `get`: JSON with Username and Secret; Username `<token>` means an identity token. */
function parseHelperAnswer(stdout) {
    return (0,client/* parseJson */.qF)(stdout, (v) => {
        if (!registry_isObject(v))
            return { ok: false, reason: 'not a JSON object' };
        if (typeof v.Secret !== 'string' || !v.Secret)
            return { ok: false, reason: 'JSON without a Secret' };
        if (v.Username === '<token>')
            return { ok: true, value: { identitytoken: v.Secret } };
        return { ok: true, value: { username: typeof v.Username === 'string' ? v.Username : '', password: v.Secret } };
    });
}
/**
 * The credentials for a registry host: a credential helper's first (as Docker asks them), else the config's
 * inline ones; with what kept them from being read, for the reason when there are none.
 */
async function registryCredentials(host, caller) {
    const { config, problem } = readDockerConfig(caller.env);
    const problems = problem ? [problem] : [];
    const helped = await helperCredentials(host, config, caller);
    if (helped && 'problem' in helped)
        problems.push(helped.problem);
    else if (helped)
        return { creds: helped, problems };
    return { creds: dockerCredentials(host, config), problems };
}
/** The Docker config's credentials for a registry host, if it holds them inline (not in a credential helper). */
function dockerCredentials(host, config) {
    if (!config)
        return undefined;
    const keys = host === 'registry-1.docker.io'
        ? ['https://index.docker.io/v1/', 'index.docker.io', 'docker.io']
        : [host, `https://${host}`, `http://${host}`];
    for (const key of keys) {
        const a = config.auths?.[key] ?? config.auths?.[`${key}/`];
        if (!a)
            continue;
        if (a.identitytoken)
            return { identitytoken: a.identitytoken };
        if (a.auth) {
            const decoded = Buffer.from(a.auth, 'base64').toString('utf8');
            const colon = decoded.indexOf(':');
            return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
        }
        if (a.username)
            return { username: a.username, password: a.password };
    }
    return undefined;
}
function challenge(header) {
    if (!header)
        return undefined;
    const m = /^(\w+)\s+(.*)$/.exec(header.trim());
    if (!m)
        return undefined;
    const params = {};
    for (const p of m[2].matchAll(/(\w+)="([^"]*)"/g))
        params[p[1]] = p[2];
    return { scheme: m[1].toLowerCase(), params };
}
/** The token of a registry token service's answer ({token} or {access_token}). */
function parseBearerToken(body) {
    return (0,client/* parseJson */.qF)(body, (v) => {
        if (!registry_isObject(v))
            return { ok: false, reason: 'not a JSON object' };
        const token = typeof v.token === 'string' && v.token ? v.token : v.access_token;
        return typeof token === 'string' && token
            ? { ok: true, value: token }
            : { ok: false, reason: 'JSON without a token or access_token' };
    });
}
/**
 * One attempt, its answer whatever the status, or why none came. Named without its query (a refresh token) and
 * credentials, as the client names a silent service.
 */
const once = (http, method, url, headers = {}) => http.request(method, url, { headers, label: (0,client/* requestName */.ZK)(method, url) });
/** Where a reference's requests go: Docker Hub's API host and `library/`, plain http where BuildKit uses it. */
function registryEndpoint(ref, insecure) {
    const parsed = (0,image_ref/* parseImageRef */.Q)(ref);
    if (!parsed.ok)
        return { why: parsed.problem };
    const r = parsed.value;
    const host = !r.domain || r.domain === 'docker.io' || r.domain === 'index.docker.io' ? 'registry-1.docker.io' : r.domain;
    const repo = host === 'registry-1.docker.io' && !r.path.includes('/') ? `library/${r.path}` : r.path;
    // Plain http where BuildKit uses it: registry.insecure, or a loopback host (BuildKit's default for those).
    const base = `${insecure || (0,image_ref/* isLoopbackRegistry */.jW)(host) ? 'http' : 'https'}://${host}/v2/${repo}`;
    return { host, repo, base, reference: r.digest ?? r.tag ?? 'latest' };
}
/**
 * The Authorization header answering a registry's 401 challenge with the Docker config's credentials: Basic, or a
 * Bearer token from the realm for `actions` on the repository (`pull`; `pull,push` to write). The token is never
 * logged; why there is none otherwise.
 */
async function registryAuthorization(challengeHeader, at, caller, http) {
    const { host, repo } = at;
    // Asked only now: a credential helper is a process, and an anonymous registry needs none.
    const { creds, problems } = await registryCredentials(host, caller);
    const basic = creds?.username !== undefined
        ? `Basic ${Buffer.from(`${creds.username}:${creds.password ?? ''}`).toString('base64')}`
        : undefined;
    const c = challenge(challengeHeader);
    let authorization;
    if (c?.scheme === 'basic')
        authorization = basic;
    else if (c?.scheme === 'bearer' && c.params.realm) {
        const q = new URLSearchParams();
        if (c.params.service)
            q.set('service', c.params.service);
        q.set('scope', at.actions === 'pull' && c.params.scope ? c.params.scope : `repository:${repo}:${at.actions}`);
        const tokenRes = (0,client/* answered */.oQ)(creds?.identitytoken
            ? await once(http, 'GET', `${c.params.realm}?${q}&grant_type=refresh_token&refresh_token=${encodeURIComponent(creds.identitytoken)}`)
            : await once(http, 'GET', `${c.params.realm}?${q}`, basic ? { Authorization: basic } : {}));
        if (tokenRes?.status === 200) {
            const t = parseBearerToken(tokenRes.body);
            if (!t.ok)
                return {
                    why: `the token service of ${host} answered 200 but not with a JSON token (${(0,text_text/* echo */.WI)(tokenRes.headers.get('content-type') ?? 'no content type', 80)}, ${tokenRes.body.length} bytes): ${t.reason}`
                };
            authorization = `Bearer ${t.value}`;
        }
    }
    if (!authorization)
        return {
            why: `${host} asks for credentials and the Docker config has none for it (log in with docker/login-action before this step)${problems.map((p) => `; ${p}`).join('')}`
        };
    return { authorization };
}
/** HEAD on /v2/<repo>/manifests/<tag|digest>, answering the registry's Basic or Bearer challenge with the Docker config's credentials. */
async function headManifest(ref, insecure, caller, http) {
    const at = registryEndpoint(ref, insecure);
    if ('why' in at)
        return at;
    const { host, repo } = at;
    const url = `${at.base}/manifests/${at.reference}`;
    const gone = (0,deadlines/* downFor */.kz)(url);
    if (gone)
        return { why: gone, down: true };
    let head = await once(http, 'HEAD', url, { Accept: MANIFEST_TYPES });
    const first = (0,client/* answered */.oQ)(head);
    if (first?.status === 401) {
        const auth = await registryAuthorization(first.headers.get('www-authenticate'), { host, repo, actions: 'pull' }, caller, http);
        if ('why' in auth)
            return auth;
        head = await once(http, 'HEAD', url, { Accept: MANIFEST_TYPES, Authorization: auth.authorization });
    }
    const res = (0,client/* answered */.oQ)(head);
    if (!res)
        return { why: `${host} did not answer (${(0,text_text/* echo */.WI)(head.ok ? '' : head.reason)})` };
    return { res, host };
}
async function registryManifestExists(ref, insecure, caller, http = registryHttp()) {
    const head = await headManifest(ref, insecure, caller, http);
    if ('why' in head)
        return { why: head.why };
    if (head.res.status === 200)
        return { exists: true };
    if (head.res.status === 404)
        return { exists: false };
    return { why: `${head.host} answered ${head.res.status} to HEAD ${ref}` };
}
/** A manifest digest as the distribution spec writes it: algorithm, colon, hex (sha256: 64, sha512: 128). */
const registry_DIGEST = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;
/**
 * The digest of the manifest a tag names, as the registry reports it (Docker-Content-Digest): for a
 * multi-platform push the index (manifest list), because the HEAD accepts index media types. Never throws.
 */
async function registryDigest(ref, insecure, caller, http = registryHttp()) {
    const head = await headManifest(ref, insecure, caller, http);
    if ('why' in head)
        return head;
    const { res, host } = head;
    if (res.status === 404)
        return { why: `${host} has no manifest for ${(0,text_text/* echo */.WI)(ref)} (404): the push did not reach it under that name` };
    if (res.status !== 200)
        return { why: `${host} answered ${res.status} to HEAD ${(0,text_text/* echo */.WI)(ref)}` };
    const digest = res.headers.get('docker-content-digest')?.trim();
    if (!digest)
        return { why: `${host} answered HEAD ${(0,text_text/* echo */.WI)(ref)} without a Docker-Content-Digest header` };
    if (!registry_DIGEST.test(digest))
        return {
            why: `${host} answered HEAD ${(0,text_text/* echo */.WI)(ref)} with a Docker-Content-Digest that is not a digest (${(0,text_text/* echo */.WI)(digest, 80)})`
        };
    return { digest };
}

// EXTERNAL MODULE: ./src/http/retry.ts
var retry = __webpack_require__(8902);
;// CONCATENATED MODULE: ./src/mounts/remote.ts
/**
 * cache-mounts beside the layers (issue 23): with `cache: registry` each mount's archive is an OCI artifact in the
 * cache's repository, with `cache: s3` an object under the cache's prefix. The names per branch (the layers'
 * locations, backends/location.ts), the artifact's manifest and how a fetched one is read. Pure.
 */



/** The artifact type of a mount archive's manifest (OCI image-spec v1.1 `artifactType`). */
const MOUNT_ARTIFACT_TYPE = 'application/vnd.envd-cache-action.mount.v1+tar';
/** The media type of its one layer: the archive, a plain tar of the mount's content. */
const MOUNT_LAYER_TYPE = 'application/vnd.envd-cache-action.mount.layer.v1.tar';
const OCI_MANIFEST_TYPE = 'application/vnd.oci.image.manifest.v1+json';
/** OCI image-spec v1.1's empty descriptor (`{}`), the config of an artifact that has none. */
const EMPTY_CONFIG = {
    mediaType: 'application/vnd.oci.empty.v1+json',
    digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
    size: 2,
    data: 'e30='
};
/** Annotation names on a mount's manifest (for the person looking at the registry, and checked on restore). */
const ANNOTATION = {
    scope: 'dev.envd-cache-action.mount.scope',
    id: 'dev.envd-cache-action.mount.id',
    created: 'org.opencontainers.image.created'
};
const MAX_TAG = 128;
const remote_short = (text) => (0,external_node_crypto_.createHash)('sha256').update(text).digest('hex').slice(0, 10);
/**
 * The tag of one mount next to a cache tag: `<base>-mount-<readable>-<hash>`, the readable part the mount's directory
 * and flavour (`pip-demo-cpu`), the hash of base, scope and id (so two mounts, scopes or long bases never share a
 * tag). The base is cut when the whole would pass 128 characters (OCI tag grammar: `[A-Za-z0-9_][A-Za-z0-9._-]*`).
 */
function mountTag(base, scope, id) {
    const parts = id.split('/').filter(Boolean);
    const readable = (0,cache_scope/* sanitize */.aj)(parts.slice(-2).join('-').replace(/^\./, ''), 24) || 'mount';
    const tail = `-mount-${readable}-${remote_short(`${base}\n${scope}\n${id}`)}`;
    return `${base.slice(0, MAX_TAG - tail.length)}${tail}`;
}
/** The object key of one mount under an s3 cache: `<prefix>envd-mounts/<name>/<slot>.tar` (name: the layers' per-branch name). */
const mountObjectKey = (prefix, name, id) => `${prefix}envd-mounts/${name}/${slotOf(id)}.tar`;
/** Scope and mount id from the key prefix the step restores by (`envd-mount-<scope>#<id>#`, mounts.ts). */
function mountOfPrefix(prefix) {
    const m = /^([^#]+)#(\/[^#]+)#/.exec(prefix.startsWith(MOUNT_KEY_PREFIX) ? prefix.slice(MOUNT_KEY_PREFIX.length) : '');
    return m ? { scope: m[1], id: m[2] } : undefined;
}
/** The manifest pushed for one mount: the empty config, the archive as its one layer, who it is in annotations. */
function mountManifest(blob, o) {
    return JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_MANIFEST_TYPE,
        artifactType: MOUNT_ARTIFACT_TYPE,
        config: EMPTY_CONFIG,
        layers: [{ mediaType: MOUNT_LAYER_TYPE, digest: blob.digest, size: blob.size }],
        annotations: { [ANNOTATION.scope]: o.scope, [ANNOTATION.id]: o.id, [ANNOTATION.created]: o.created }
    });
}
const SHA256 = /^sha256:[a-f0-9]{64}$/;
const remote_isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
/**
 * The archive a fetched manifest names, or why it is not one of ours for this mount: another artifact type (a tag
 * someone else pushed), not one sha256 layer of our type, or another mount's (annotations). Never throws.
 */
function readMountManifest(text, want) {
    let v;
    try {
        v = JSON.parse(text);
    }
    catch {
        return { ok: false, reason: 'the manifest is not JSON' };
    }
    if (!remote_isObject(v) || v.artifactType !== MOUNT_ARTIFACT_TYPE)
        return {
            ok: false,
            reason: `the tag does not name a package-cache artifact (artifactType ${MOUNT_ARTIFACT_TYPE})`
        };
    const layers = Array.isArray(v.layers) ? v.layers : [];
    const layer = layers[0];
    if (layers.length !== 1 || !remote_isObject(layer) || layer.mediaType !== MOUNT_LAYER_TYPE)
        return { ok: false, reason: `the manifest does not have one ${MOUNT_LAYER_TYPE} layer` };
    const { digest, size } = layer;
    if (typeof digest !== 'string' || !SHA256.test(digest) || typeof size !== 'number' || !(size >= 0))
        return { ok: false, reason: 'the layer has no sha256 digest and size' };
    const id = remote_isObject(v.annotations) ? v.annotations[ANNOTATION.id] : undefined;
    if (id !== want.id)
        return { ok: false, reason: `the artifact holds another mount (${String(id)})` };
    return { ok: true, value: { digest, size } };
}
/** Where a run's package caches are kept, in the plan's words (the write place, and which places are read). */
function homeWords(home, scope) {
    if (home.store === 'github-cache')
        return `in the GitHub cache under scope ${scope}`;
    const at = home.store === 'oci-artifact' ? home.tags : home.names;
    const where = home.store === 'oci-artifact'
        ? `as OCI artifacts in ${home.repository} tagged ${at.write.name}-mount-…`
        : `as s3 objects under ${home.prefix}envd-mounts/${at.write.name}/`;
    const reads = at.reads.length > 1 ? ` (read from ${at.reads.map((c) => c.owner).join(', then ')})` : '';
    return `${where}, beside the layers${reads}`;
}

;// CONCATENATED MODULE: ./src/io/mounts-remote.ts
/**
 * cache-mounts beside the layers: what a registry and an s3 store share (issue 23). Each mount is read from the
 * first place the layers read that has it (the run's own, the pull request base's, the default branch's), its
 * digest checked before it is used, and written to the run's own place. A store that fails or goes silent is given
 * up for the job with one warning: the build goes on without its package caches, never fails for them. The
 * archives (up to cache-mounts-max) are streamed, never held in memory.
 */










/** A content problem with one entry (not ours, wrong digest): that mount is not restored; the store stays in use. */
class MountRefused extends Error {
}
/** The step's MountStore over a registry's or s3's transfers, reading `places.reads` in order and writing `places.write`. */
function remoteMountStore(remote, places) {
    const notes = [];
    let down;
    let told = false;
    /** False, said once, when the store cannot be used at all in this job. */
    const usable = () => {
        if (remote.unavailable && !told)
            notes.push({ text: `Package caches are not kept: ${remote.unavailable}` });
        told = true;
        return !remote.unavailable;
    };
    const fail = (doing, e) => {
        if (e instanceof MountRefused) {
            notes.push({ warning: true, text: e.message });
            return;
        }
        if (down)
            return;
        down = (0,retry/* failureOf */.g5)(e).message;
        notes.push({
            warning: true,
            text: `Package caches: ${remote.where} failed while ${doing} (${(0,text_text/* echo */.WI)(down, text_text/* MAX_SENTENCE */.Rt)}); the build goes on without them, and nothing more is read from or written to it in this job`
        });
    };
    return {
        where: remote.where,
        drain: () => notes.splice(0),
        available: async () => usable(),
        async restore(dir, prefix) {
            const mount = mountOfPrefix(prefix);
            if (!mount || down)
                return undefined;
            external_node_fs_.mkdirSync(dir, { recursive: true });
            try {
                return await firstFound(remote, places.reads, { mount, dir, notes });
            }
            catch (e) {
                external_node_fs_.rmSync(dir, { recursive: true, force: true });
                fail(`reading ${mount.id}`, e);
                return undefined;
            }
        },
        async save(dir, key) {
            const k = parseMountKey(key);
            if (!k || down || !usable())
                return false;
            const file = external_node_path_.join(dir, 'mount.tar');
            try {
                const blob = { sha256: await fileSha256(file), size: external_node_fs_.statSync(file).size };
                await remote.put(places.write.name, k, file, blob);
                notes.push({ text: `${k.id}: written for ${places.write.owner}` });
                return true;
            }
            catch (e) {
                fail(`writing ${k.id}`, e);
                return false;
            }
        }
    };
}
/** The first place that has the mount, its archive checked against the digest the store gave; its key, or undefined. */
async function firstFound(remote, reads, at) {
    const file = external_node_path_.join(at.dir, 'mount.tar');
    for (const place of reads) {
        const named = await remote.get(place.name, at.mount, file);
        if (named === undefined)
            continue;
        const actual = await fileSha256(file);
        if (actual !== named)
            throw new MountRefused(`Package cache ${at.mount.id} of ${place.owner} was refused: its content has sha256 ${actual.slice(0, 12)}…, not the ${named.slice(0, 12)}… ${remote.where} names; it is not restored`);
        at.notes.push({ text: `${at.mount.id}: ${(0,text_text/* formatSize */.Xq)(external_node_fs_.statSync(file).size)} from ${place.owner}` });
        return mountKey(at.mount.scope, at.mount.id, actual);
    }
    return undefined;
}
/** A timeout is not tried again: a store that went silent once costs one deadline, not one per attempt. */
const retryable = (f) => (0,retry/* isRetryable */.r3)(f) && f.code !== 'TimeoutError';
/** How a message names a request: method, origin and path, never the query (an upload's state). */
const label = client/* requestName */.ZK;
/** The client's reply as one attempt of ours: any answer it heard, else the failure. */
const heard = (reply) => {
    const a = (0,client/* answered */.oQ)(reply);
    return a ? { ok: true, value: a } : { ok: false, failure: reply.ok ? { message: '' } : reply.failure };
};
/** Attempts of `once` by POLICIES.mountStore: a retryable status or a reset is tried again, a timeout is not. */
async function attempted(name, once) {
    const r = await (0,retry/* withRetries */.LH)(policies/* POLICIES */.PQ.mountStore, retryable, async () => {
        const o = await once();
        if (!o.ok || !(0,retry/* isRetryable */.r3)({ status: o.value.status, message: '' }))
            return o;
        return { ok: false, failure: { status: o.value.status, message: `${name} answered ${o.value.status}` } };
    }, client/* realClock */.dQ);
    if (!r.ok)
        throw new Error(r.reason);
    return r.value;
}
/** A small request (a manifest, a blob check, an upload's start), retried by the policy; an answer of any final status, or a thrown failure. */
function storeRequest(http, method, url, o = {}) {
    const name = label(method, url);
    return attempted(name, async () => heard(await http.request(method, url, { ...o, label: name, timeoutMs: (0,deadlines.ms)(policies/* POLICIES */.PQ.mountStore.requestMs) })));
}
/** Headers read from a failure's record (lower-case names), as an answer carries them. */
function headersOf(record = {}) {
    const entries = Object.entries(record).filter((e) => e[1] !== undefined);
    return { get: (n) => record[n.toLowerCase()] ?? null, [Symbol.iterator]: () => entries[Symbol.iterator]() };
}
/**
 * An archive's transfer, streamed: `upload` a file as the request's body, or `download` a 200 answer's body into a
 * file (another status is an answer with no body). No whole-request deadline; no byte either way for
 * POLICIES.mountStore.idleMs ends it. Tried again from the start on a reset or a 5xx.
 */
function streamRequest(http, req, file) {
    const name = label(req.method, req.url);
    const o = { headers: req.headers, label: name, idleTimeoutMs: (0,deadlines.ms)(policies/* POLICIES */.PQ.mountStore.idleMs) };
    return attempted(name, async () => {
        if (file.upload)
            return heard(await http.upload(req.method, req.url, file.upload, o));
        const got = await http.download(req.url, file.download ?? '', o);
        if (got.ok)
            return { ok: true, value: { status: 200, headers: got.value, body: '' } };
        const { status, headers } = got.failure;
        return status === undefined ? got : { ok: true, value: { status, headers: headersOf(headers), body: '' } };
    });
}

;// CONCATENATED MODULE: ./src/io/mounts-registry.ts
/**
 * cache-mounts with `cache: registry`: each mount's archive is an OCI artifact in the cache's repository (OCI
 * distribution spec v1.1: a blob pushed by POST then PUT, the empty config, an image manifest with our
 * `artifactType`), tagged next to the layers' tag (mounts/remote.ts mountTag). Credentials as the registry probe
 * has them (the Docker config or its credential helper, Basic or a Bearer token for pull, or pull,push to write).
 */






function registryMountStore(home, caller, http = new client/* Http */.lw({ timeoutMs: (0,deadlines.ms)(policies/* POLICIES */.PQ.mountStore.requestMs) })) {
    return remoteMountStore(registryMounts(home, caller, http), home.tags);
}
/** A registry's requests with the authorization its last 401 asked for (pull to read, pull,push to write). */
function authorized(at, caller, http) {
    const auth = new Map();
    const send = async (actions, req, o = {}) => {
        const go = (authorization) => {
            const headers = { ...req.headers, ...(authorization ? { Authorization: authorization } : {}) };
            return o.upload || o.download
                ? streamRequest(http, { method: req.method, url: req.url, headers }, o)
                : storeRequest(http, req.method, req.url, { headers, body: o.body });
        };
        const res = await go(auth.get(actions));
        if (res.status !== 401)
            return res;
        const a = await registryAuthorization(res.headers.get('www-authenticate'), { host: at.host, repo: at.repo, actions }, caller, http);
        if ('why' in a)
            throw new Error(a.why);
        auth.set(actions, a.authorization);
        return go(a.authorization);
    };
    return send;
}
const expect = (res, ok, what) => {
    if (!ok.includes(res.status))
        throw new Error(`${what} answered ${res.status}${res.body ? `: ${res.body.slice(0, 200)}` : ''}`);
};
function registryMounts(home, caller, http) {
    const where = `the registry ${home.repository}`;
    const at = registryEndpoint(`${home.repository}:x`, home.insecure);
    const unusable = async () => {
        throw new Error(`${where} cannot be addressed`);
    };
    if ('why' in at)
        return { where, unavailable: `${where} cannot be addressed: ${at.why}`, get: unusable, put: unusable };
    const send = authorized(at, caller, http);
    return {
        where,
        async get(name, mount, dest) {
            const tag = mountTag(name, mount.scope, mount.id);
            const res = await send('pull', {
                method: 'GET',
                url: `${at.base}/manifests/${tag}`,
                headers: { Accept: OCI_MANIFEST_TYPE }
            });
            if (res.status === 404)
                return undefined;
            expect(res, [200], `${where} (manifest ${tag})`);
            const blob = readMountManifest(res.body, mount);
            if (!blob.ok)
                throw new MountRefused(`Package cache ${mount.id}: ${home.repository}:${tag} is not used: ${blob.reason}`);
            const got = await send('pull', { method: 'GET', url: `${at.base}/blobs/${blob.value.digest}` }, { download: dest });
            expect(got, [200], `${where} (blob ${blob.value.digest})`);
            return blob.value.digest.slice('sha256:'.length);
        },
        async put(name, mount, file, blob) {
            const digest = `sha256:${blob.sha256}`;
            await pushBlob(send, at.base, { digest, size: blob.size, file });
            await pushBlob(send, at.base, { digest: EMPTY_CONFIG.digest, size: EMPTY_CONFIG.size, body: '{}' });
            const tag = mountTag(name, mount.scope, mount.id);
            const manifest = mountManifest({ digest, size: blob.size }, { ...mount, created: new Date().toISOString() });
            const res = await send('pull,push', { method: 'PUT', url: `${at.base}/manifests/${tag}`, headers: { 'Content-Type': OCI_MANIFEST_TYPE } }, { body: manifest });
            expect(res, [201], `${where} (manifest ${tag})`);
        }
    };
}
/** A blob, unless the repository has it: POST an upload, PUT its content with the digest (a monolithic upload). */
async function pushBlob(send, base, blob) {
    const head = await send('pull,push', { method: 'HEAD', url: `${base}/blobs/${blob.digest}` });
    if (head.status === 200)
        return;
    const start = await send('pull,push', { method: 'POST', url: `${base}/blobs/uploads/` });
    expect(start, [202], `starting an upload to ${base}`);
    const location = start.headers.get('location');
    if (!location)
        throw new Error(`${base} started an upload without a Location`);
    const url = new URL(location, base);
    url.searchParams.set('digest', blob.digest);
    const headers = { 'Content-Type': 'application/octet-stream', 'Content-Length': String(blob.size) };
    const put = await send('pull,push', { method: 'PUT', url: url.toString(), headers }, blob.file ? { upload: blob.file } : { body: blob.body });
    expect(put, [201], `uploading ${blob.digest}`);
}

// EXTERNAL MODULE: ./src/cache/values.ts
var values = __webpack_require__(3834);
;// CONCATENATED MODULE: ./src/io/s3.ts
/**
 * Does an s3 cache manifest exist? A HEAD on `<prefix><manifests_prefix><name>`, signed with AWS Signature
 * Version 4 and the credentials the cache flag carries (or AWS_* in the environment). true, false, or
 * undefined with the reason when it cannot be known.
 */





/** The client of an S3 probe: the probe's deadline; an endpoint that goes down is skipped for the job. */
const s3Http = () => new client/* Http */.lw({
    timeoutMs: (0,deadlines.ms)(policies/* POLICIES */.PQ.probe.requestMs),
    service: { name: 'The S3 endpoint', without: 'the cache entry to import is not checked' }
});
const sha256 = (s) => (0,external_node_crypto_.createHash)('sha256').update(s).digest('hex');
const hmac = (key, s) => (0,external_node_crypto_.createHmac)('sha256', key).update(s).digest();
const encodePath = (p) => p
    .split('/')
    .map((s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join('/');
/** A SigV4-signed request (AWS "Signature Version 4 signing process", S3 flavour). Pure: the time is given. */
function signS3(request) {
    const { method, url, region, credentials: creds, now, payloadHash = sha256(''), headers: extraHeaders = {} } = request;
    const amzDate = now
        .toISOString()
        .replace(/[-:]/g, '')
        .replace(/\.\d{3}/, '');
    const day = amzDate.slice(0, 8);
    const headers = {
        host: url.host,
        'x-amz-content-sha256': payloadHash,
        'x-amz-date': amzDate
    };
    for (const [k, v] of Object.entries(extraHeaders))
        headers[k.toLowerCase()] = v;
    if (creds.sessionToken)
        headers['x-amz-security-token'] = creds.sessionToken;
    const names = Object.keys(headers).sort();
    const canonical = [
        method,
        encodePath(url.pathname),
        url.searchParams.toString(),
        ...names.map((n) => `${n}:${headers[n]}`),
        '',
        names.join(';'),
        payloadHash
    ].join('\n');
    const scope = `${day}/${region}/s3/aws4_request`;
    const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
    const key = hmac(hmac(hmac(hmac(`AWS4${creds.secretAccessKey}`, day), region), 's3'), 'aws4_request');
    const signature = (0,external_node_crypto_.createHmac)('sha256', key).update(toSign).digest('hex');
    const { host: _host, ...sent } = headers;
    return {
        url: url.toString(),
        headers: {
            ...sent,
            Authorization: `AWS4-HMAC-SHA256 Credential=${creds.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`
        }
    };
}
/** The URL of an object, path-style or virtual-hosted as BuildKit would address it. */
function s3ObjectUrl(spec, key) {
    const a = spec.attrs;
    const bucket = a.get('bucket');
    const region = a.get('region');
    const pathStyle = (0,values/* parseGoBool */.MY)(a.get('use_path_style') ?? '') === true;
    const endpoint = new URL(a.get('endpoint_url') ?? `https://s3.${region}.amazonaws.com`);
    if (pathStyle)
        return new URL(`${endpoint.origin}${endpoint.pathname.replace(/\/$/, '')}/${bucket}/${key}`);
    return new URL(`${endpoint.protocol}//${bucket}.${endpoint.host}/${key}`);
}
/** The static credentials of an s3 cache: its attributes, else AWS_* in the environment; undefined without a key pair. */
function s3Credentials(spec, env) {
    const a = spec.attrs;
    const accessKeyId = a.get('access_key_id') ?? env.AWS_ACCESS_KEY_ID;
    const secretAccessKey = a.get('secret_access_key') ?? env.AWS_SECRET_ACCESS_KEY;
    if (!accessKeyId || !secretAccessKey)
        return undefined;
    return { accessKeyId, secretAccessKey, sessionToken: a.get('session_token') ?? env.AWS_SESSION_TOKEN };
}
async function s3ManifestExists(spec, env, http = s3Http(), now = new Date()) {
    const a = spec.attrs;
    const credentials = s3Credentials(spec, env);
    if (!credentials)
        return { why: 'no static S3 credentials to sign the check with' };
    const key = `${a.get('prefix') ?? ''}${a.get('manifests_prefix') ?? 'manifests/'}${(a.get('name') ?? 'buildkit').split(';')[0]}`;
    const signed = signS3({
        method: 'HEAD',
        url: s3ObjectUrl(spec, key),
        region: a.get('region'),
        credentials,
        now
    });
    const head = await http.request('HEAD', signed.url, {
        headers: signed.headers,
        label: (0,client/* requestName */.ZK)('HEAD', signed.url)
    });
    const res = (0,client/* answered */.oQ)(head);
    if (!res)
        return { why: `the S3 endpoint did not answer (${head.ok ? '' : head.reason})` };
    if (res.status === 200)
        return { exists: true };
    if (res.status === 404)
        return { exists: false };
    return {
        why: `the S3 endpoint answered ${res.status} to HEAD ${key}${res.status === 403 ? ' (no permission, or the object is missing and ListBucket is not granted)' : ''}`
    };
}

;// CONCATENATED MODULE: ./src/io/mounts-s3.ts






function s3MountStore(home, spec, env, http = new client/* Http */.lw({ timeoutMs: (0,deadlines.ms)(policies/* POLICIES */.PQ.mountStore.requestMs) })) {
    return remoteMountStore(s3Mounts(home, spec, env, http), home.names);
}
const SHA256_HEX = /^[a-f0-9]{64}$/;
function s3Mounts(home, spec, env, http) {
    const credentials = s3Credentials(spec, env);
    const bucket = spec.attrs.get('bucket') ?? '';
    const where = `the s3 bucket ${bucket}`;
    const signed = (method, key, o = {}) => signS3({
        method,
        url: s3ObjectUrl(spec, key),
        region: spec.attrs.get('region') ?? '',
        credentials: credentials,
        now: new Date(),
        payloadHash: o.sha256,
        headers: o.headers
    });
    return {
        where,
        unavailable: credentials
            ? undefined
            : `${where} needs static credentials to sign with (access_key_id and secret_access_key in cache-options, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)`,
        async get(name, mount, dest) {
            const key = mountObjectKey(home.prefix, name, mount.id);
            const req = signed('GET', key);
            const res = await streamRequest(http, { method: 'GET', ...req }, { download: dest });
            if (res.status === 404)
                return undefined;
            if (res.status !== 200)
                throw new Error(`${where} answered ${res.status} to GET ${key}`);
            const sha256 = res.headers.get('x-amz-meta-sha256') ?? '';
            if (!SHA256_HEX.test(sha256))
                throw new MountRefused(`Package cache ${mount.id}: ${key} in ${where} is not used: it has no sha256 to check it by`);
            return sha256;
        },
        async put(name, mount, file, blob) {
            const key = mountObjectKey(home.prefix, name, mount.id);
            const headers = {
                'content-length': String(blob.size),
                'content-type': 'application/x-tar',
                'x-amz-meta-sha256': blob.sha256,
                'x-amz-meta-scope': encodeURIComponent(mount.scope),
                'x-amz-meta-mount-id': mount.id
            };
            const req = signed('PUT', key, { sha256: blob.sha256, headers });
            const res = await streamRequest(http, { method: 'PUT', ...req }, { upload: file });
            if (res.status !== 200)
                throw new Error(`${where} answered ${res.status} to PUT ${key}`);
        }
    };
}

;// CONCATENATED MODULE: ./src/io/mount-stores.ts



function mountStoreOf(plan, caller) {
    const home = plan.mounts?.home;
    const spec = plan.export ?? plan.import;
    if (home?.store === 'oci-artifact')
        return registryMountStore(home, caller);
    if (home?.store === 's3-object' && spec)
        return s3MountStore(home, spec, caller.env);
    return githubMountStore(caller.env);
}

;// CONCATENATED MODULE: ./src/steps/mounts.ts
/**
 * cache-mounts around the build (issue 23): the saved archives are looked up and downloaded while the tools are
 * found and buildkitd starts, copied into their mounts by one helper build once buildkitd answers, and — after a
 * build that writes its cache — the mounts the build used are read out by one helper build and saved, one GitHub
 * cache entry per mount and scope, keyed by content and by the fingerprint of what the package steps depend on.
 * When a saved entry carries this build's fingerprint, nothing is downloaded or copied in (`restoreSkip`). With
 * registry and s3, each mount is an artifact or object beside the layers (io/mounts-remote.ts), without a skip.
 * Orchestration only: the core decides, io/mounts.ts does.
 */






const seconds = (since) => Math.round((Date.now() - since) / 100) / 10;
/**
 * Starts the lookups and downloads (nothing logged yet); undefined when the plan keeps no mounts. `caller`: the
 * step's environment, and where a secret a registry's credential helper answers with is masked.
 */
function beginMounts(plan, caller, store = mountStoreOf(plan, caller)) {
    const { env } = caller;
    const m = plan.mounts;
    if (!m || (!m.restore && !m.save))
        return undefined;
    const workspace = (0,dirs/* workspaceOf */.B3)(env);
    const name = envName(external_node_path_.resolve(workspace, plan.envd.path));
    const dir = mountsDir((0,dirs/* runnerTemp */.X5)(env));
    removeDir(dir);
    // Only a store that can look a key up without downloading it can skip a restore (the GitHub cache's); the
    // others' keys carry no fingerprint, so an unchanged archive is recognised by its content alone.
    const fingerprint = store.lookup ? fingerprintOf(plan, workspace, env) : Promise.resolve(undefined);
    fingerprint.catch(() => undefined);
    const downloads = m.restore
        ? download(store, candidateIds(m.setting, name), { dir, scope: m.scope, fingerprint })
        : Promise.resolve({ hits: [] });
    downloads.catch(() => undefined);
    return { plan: m, env: name, dir, store, figures: new Map(), restoredKeys: new Map(), fingerprint, downloads };
}
/** The fingerprint of the build file (envd's rule: `<path>/<file>`, else `<cwd>/<file>`), its files and envd's run. */
async function fingerprintOf(plan, workspace, env) {
    const buildDir = external_node_path_.resolve(workspace, plan.envd.path);
    const file = plan.envd.from.slice(0, plan.envd.from.lastIndexOf(':'));
    const build = [plan.envd.from, plan.envd.platform ?? '', plan.mounts?.tools ?? '', env.ENVD_BUILD_OWNER ?? ''];
    const inputs = (await readPackageInputs(buildDir, external_node_path_.resolve(buildDir, file), build)) ??
        (await readPackageInputs(buildDir, external_node_path_.resolve(workspace, file), build));
    return inputs && packageFingerprint(inputs);
}
/**
 * The lookups first when the store has them and this build has a fingerprint: a saved entry with this build's
 * fingerprint skips the restore (nothing is downloaded, @actions/cache is not loaded). Otherwise each mount is
 * restored by its prefix. A lookup that fails is no hit (the restore runs).
 */
async function download(store, ids, o) {
    const fingerprint = await o.fingerprint;
    const lookup = store.lookup?.bind(store);
    if (lookup && fingerprint) {
        const keys = await Promise.all(ids.map((id) => lookup(slotDir(o.dir, id), mountKeyPrefix(o.scope, id)).catch(() => undefined)));
        const skip = restoreSkip(keys, fingerprint);
        if (skip.skip)
            return { skipped: skip.key, found: ids.filter((_, i) => keys[i]) };
    }
    if (!(await store.available()))
        return { hits: [] };
    const started = Date.now();
    return {
        hits: await Promise.all(ids.map(async (id) => ({
            id,
            key: await store.restore(slotDir(o.dir, id), mountKeyPrefix(o.scope, id)),
            seconds: seconds(started)
        })))
    };
}
/** Once buildkitd answers: copies what was downloaded into the mounts, and notes each mount's last use. */
async function restoreMounts(runner, m, client) {
    await runner.group('Restore package caches', async () => {
        const started = Date.now();
        const downloads = await m.downloads;
        const hits = downloads.skipped === undefined ? downloads.hits.filter((d) => d.key) : [];
        const warned = say(runner, m.store);
        if (!m.plan.restore)
            runner.info('Not restored: this run does not read the cache');
        else if (downloads.skipped !== undefined)
            skipped(runner, m, downloads);
        else if (hits.length === 0 && warned)
            runner.info('Nothing restored (see the warning above)');
        else if (hits.length === 0)
            runner.info(`No saved package caches for ${(0,text_text/* echo */.WI)(m.env)} in scope ${(0,text_text/* echo */.WI)(m.plan.scope)} yet`);
        else {
            const built = await helperBuild(client, {
                dockerfile: restoreDockerfile(m.plan.helper, hits.map((h) => h.id)),
                context: m.dir,
                helper: m.plan.helper
            });
            for (const h of hits) {
                const bytes = fileSize(external_node_path_.join(slotDir(m.dir, h.id), 'mount.tar'));
                if (!built.ok)
                    m.figures.set(h.id, { id: h.id, note: `not restored: ${built.reason}` });
                else {
                    m.restoredKeys.set(h.id, h.key);
                    m.figures.set(h.id, { id: h.id, restoredBytes: bytes, restoreSeconds: h.seconds + built.value });
                }
                runner.info(formatMountLine(m.figures.get(h.id), 'restored'));
            }
            if (!built.ok)
                runner.warning(`Package caches were not restored (the build runs without them): ${(0,text_text/* echo */.WI)(built.reason, text_text/* MAX_SENTENCE */.Rt)}`);
            runner.info(`Restored in ${seconds(started)} s after buildkitd answered`);
        }
        removeDir(m.dir);
    });
}
/** After a successful build: reads out and saves the mounts the build used; the figures for the outputs. */
async function saveMounts(runner, m, client, build) {
    await runner.group('Save package caches', async () => {
        if (!m.plan.save || !build.plan.export)
            return runner.info('Not saved: this run writes no cache (see the export decision in the plan)');
        if (!mountsMayHaveChanged(build.figures)) {
            for (const id of m.restoredKeys.keys())
                note(m, id, 'not saved: unchanged, every step came from the cache');
            return runner.info('Every step came from the cache: no package cache changed, nothing is read out or saved');
        }
        const found = await listMounts(client);
        if (!found.ok)
            return runner.warning(`Package caches were not saved: ${(0,text_text/* echo */.WI)(found.reason, text_text/* MAX_SENTENCE */.Rt)}`);
        const decisions = decideSaves(found.value, { setting: m.plan.setting, env: m.env, maxBytes: m.plan.maxBytes });
        for (const d of decisions.filter((x) => !x.save)) {
            note(m, d.id, `not saved: ${d.reason}`);
            if (!d.save && d.warn)
                runner.warning(`Package cache ${(0,text_text/* echo */.WI)(d.id)} not saved: ${d.reason}`);
            else
                runner.info(`${(0,text_text/* echo */.WI)(d.id)}: not saved, ${d.reason}`);
        }
        const ids = decisions.filter((d) => d.save).map((d) => d.id);
        if (ids.length === 0)
            return runner.info(decisions.length ? 'Nothing to save' : `The build used none of the package caches kept (${(0,text_text/* echo */.WI)(m.env)})`);
        // The fingerprint says "the layers of these package steps were written": not after a cache export that failed.
        await readOutAndSave(runner, m, client, { ids, layersWritten: !build.figures.exports?.some((e) => e.error) });
    });
    removeDir(m.dir);
    return [...m.figures.values()];
}
/** The restore skipped: one line, and a note per mount for the outputs and the summary. */
function skipped(runner, m, d) {
    const fp = parseMountKey(d.skipped)?.fingerprint ?? '';
    for (const id of d.found)
        note(m, id, `not restored: the package steps are unchanged (fingerprint ${fp})`);
    runner.info(`Not restored: the build file and the files it names are unchanged since ${(0,text_text/* echo */.WI)(d.skipped)} was saved (fingerprint ${fp}), so every package step should come from the layer cache; if one runs anyway (a layer was evicted), it downloads its packages again and the cache is saved after the build`);
}
async function readOutAndSave(runner, m, client, { ids, layersWritten }) {
    const started = Date.now();
    const out = external_node_path_.join(m.dir, 'out');
    const built = await helperBuild(client, {
        dockerfile: saveDockerfile(m.plan.helper, ids),
        context: external_node_path_.join(m.dir, 'context'),
        helper: m.plan.helper,
        output: out
    });
    if (!built.ok)
        return runner.warning(`Package caches were not saved: ${(0,text_text/* echo */.WI)(built.reason, text_text/* MAX_SENTENCE */.Rt)}`);
    const fingerprint = layersWritten ? await m.fingerprint.catch(() => undefined) : undefined;
    for (const id of ids) {
        const file = placeArchive(out, m.dir, id);
        const key = mountKey(m.plan.scope, id, await fileSha256(file), fingerprint);
        const bytes = fileSize(file);
        // The same content under the same fingerprint is there already. (The same content under another fingerprint is
        // saved again: the next unchanged job finds this build's fingerprint and skips its restore.)
        if (key === m.restoredKeys.get(id)) {
            note(m, id, 'not saved: unchanged since the restore');
            runner.info(`${(0,text_text/* echo */.WI)(id)}: unchanged since the restore (${(0,text_text/* echo */.WI)(key)}); not saved again`);
            continue;
        }
        const saved = await m.store.save(slotDir(m.dir, id), key);
        const figure = {
            ...m.figures.get(id),
            id,
            ...(saved
                ? { savedBytes: bytes, saveSeconds: seconds(started) }
                : { note: `not saved: ${m.store.where ?? 'the GitHub cache'} did not take it (see the warning above)` })
        };
        m.figures.set(id, figure);
        say(runner, m.store);
        runner.info(saved ? `${formatMountLine(figure, 'saved')} as ${(0,text_text/* echo */.WI)(key)}` : `${(0,text_text/* echo */.WI)(id)}: not saved`);
    }
}
/** What the store had to say (a remote store's one warning, where each mount came from), in the open group; whether it warned. */
function say(runner, store) {
    const notes = store.drain?.() ?? [];
    for (const n of notes) {
        if (n.warning)
            runner.warning(n.text);
        else
            runner.info(n.text);
    }
    return notes.some((n) => n.warning);
}
function note(m, id, text) {
    m.figures.set(id, { ...m.figures.get(id), id, note: text });
}

;// CONCATENATED MODULE: ./src/steps/build.ts





















class BuildFailure extends Error {
    report;
    constructor(report, message) {
        super(message);
        this.report = report;
    }
}
async function build(step, { plan: planned, inputs, rt, state, prepared, writeGate }) {
    const { env, out } = step;
    const dir = prepared?.dir ?? workDir(env, state);
    // cache-mounts: the saved package caches download while the tools are found and buildkitd starts.
    const mounts = beginMounts(planned, { env, mask: (secret) => out.setSecret(secret) });
    // Whether buildkitd can run as root (sudo -n on a hosted runner) is asked now and answered while the tools
    // are found and a local cache restored, not in the way of the start.
    const rootVia = prepared?.rootVia ?? (inputs.builder.kind === 'auto' ? (0,buildkit_builder/* rootViaAsync */.sN)() : undefined);
    const tools = await out.group('Install envd and BuildKit', async () => prepared ? logTools(out, prepared.tools) : installTools(step, inputs, rt, dir));
    const toolEnv = (0,io_envd/* envdEnv */.b)(env, [tools.envd.dir, tools.buildkit.dir]);
    const readyTimeoutMs = readyTimeoutOf(env);
    // cache: local — restore the directory and serve it, so BuildKit imports it as a registry cache.
    let plan = planned;
    let configInline = inputs.buildkitdConfigInline;
    let restoredKey;
    let server;
    // builder: auto started by main (prepared) or, for cache: local, before the restore below.
    let early = prepared?.start;
    // What runs only while the build does (the TLS relay to a remote builder), closed when it ends.
    const closers = [];
    try {
        if (plan.local) {
            // Relative directories resolve against the workspace, as envd resolves the export's dest.
            const workspace = (0,dirs/* workspaceOf */.B3)(env);
            const local = {
                ...plan.local,
                dir: external_node_path_.resolve(workspace, plan.local.dir),
                exportDir: external_node_path_.resolve(workspace, plan.local.exportDir)
            };
            // Loaded only for cache: local: @actions/cache and the Azure SDK are most of the bundle's start-up time.
            const { claimLocal, hasLayout, restoreLocal, serveLocal, surroundingsOf } = await __webpack_require__.e(/* import() */ 930).then(__webpack_require__.bind(__webpack_require__, 1930));
            // The directories are checked before anything starts; the server listens on the (still empty) directory
            // first, so that buildkitd, told its address, starts while the restore runs.
            claimLocal(local, surroundingsOf(workspace, (0,dirs/* homeOf */.lt)(env)));
            server = await serveLocal(local);
            const served = servedLocalCache({ plan, configInline, host: server.host });
            configInline = served.configInline;
            if (inputs.builder.kind === 'auto') {
                early = startAuto({ tools, inputs, env, toolEnv, configInline, readyTimeoutMs, rootVia, state });
                early.catch(() => undefined); // awaited (and its error reported) after the restore
            }
            const host = server.host;
            await out.group('Restore the local cache', async () => {
                restoredKey = await restoreLocal(out, local);
                if (hasLayout(local))
                    out.info(`Serving ${(0,text_text/* echo */.WI)(local.dir)} read-only at http://${host} for the import`);
            });
            if (hasLayout(local)) {
                plan = served.plan;
                if (inputs.builder.kind === 'docker-container')
                    out.warning("cache: local with builder: docker-container: the container cannot reach the cache served on the runner's 127.0.0.1, so the import will miss. Use builder: auto");
            }
            else {
                await server.close();
                server = undefined;
            }
        }
        return await buildWith({
            step,
            request: { plan, inputs, rt, state, writeGate },
            builder: { dir, tools, toolEnv, readyTimeoutMs, configInline, rootVia, early, closers },
            restored: { localKey: restoredKey, mounts }
        });
    }
    finally {
        for (const close of closers)
            await close();
        await server?.close();
    }
}
async function buildWith(run) {
    const { env, out, clock } = run.step;
    const { plan: planned, inputs, rt, state, writeGate } = run.request;
    const { dir, tools, toolEnv } = run.builder;
    const { localKey, mounts } = run.restored;
    const envd = new io_envd/* Envd */.s(external_node_path_.join(tools.envd.dir, 'envd'), toolEnv);
    state.save(src_state/* StateKey */.z.EnvdBinary, envd.binary);
    state.save(src_state/* StateKey */.z.EnvdPath, toolEnv.PATH ?? '');
    const envdVersion = tools.envd.tag === 'system' ? await envd.version() : tools.envd.tag;
    const keyFile = (0,dirs/* writeFileIn */.Fq)(dir, 'envd-public-key.pub', ssh_key/* STABLE_PUBLIC_KEY */.K);
    const context = `envd-cache-action-${rt.runId || 'local'}-${(0,dirs/* randomHex */.nw)(3)}`;
    const createContext = async (h) => {
        await envd.createContext(context, h.envdBuilder, h.envdAddress);
        state.save(src_state/* StateKey */.z.Context, context);
    };
    const { h: builder, choice, restart } = await out.group('Start the builder', () => startBuilder(run, createContext));
    for (const miss of buildkitFloorMisses([planned.export?.type, planned.import?.type], builder.version || undefined)) {
        if (miss.status === 'too-old')
            throw new Error(miss.floor.builderProblem(builder.buildctlAddr, builder.version));
        out.warning(miss.floor.unknownWarning(builder.buildctlAddr));
    }
    out.info(`envd ${envdVersion}: context ${context} → ${builder.envdBuilder}://${builder.envdAddress}`);
    const buildctl = { buildctl: external_node_path_.join(tools.buildkit.dir, 'buildctl'), addr: builder.buildctlAddr, env: toolEnv };
    if (mounts)
        await restoreMounts(out, mounts, buildctl);
    const started = clock.now();
    const call = {
        publicKeyFile: keyFile,
        buildkitdImage: `docker.io/moby/buildkit:${tools.buildkit.tag}`,
        cwd: (0,dirs/* workspaceOf */.B3)(env)
    };
    const { attempt, retried, plan } = await inPhases(run.step, planned, writeGate, (p) => runAttempts(out, p, (withImport, withExport) => runOnce(out, envd, withExport ? p : { ...p, export: undefined }, {
        ...call,
        withImport,
        cacheTimeoutMs: inputs.cacheTimeoutMs
    }), restart));
    const report = {
        plan,
        envdVersion,
        buildkitVersion: builder.version,
        builder: builder.kind,
        fleet: choice,
        reusedBuilder: builder.reused,
        figures: attempt.figures,
        seconds: (clock.now() - started) / 1000,
        retriedWithoutImport: retried,
        failure: attempt.failure
    };
    reportAttempt(out, report, state);
    if (mounts)
        report.mounts = await saveMounts(out, mounts, buildctl, report);
    if (plan.local && plan.export) {
        const save = {
            ...plan.local,
            restoredKey: localKey,
            workspace: (0,dirs/* workspaceOf */.B3)(env),
            home: (0,dirs/* homeOf */.lt)(env)
        };
        state.save(src_state/* StateKey */.z.LocalSave, JSON.stringify(save));
    }
    return report;
}
/** The builder the inputs ask for: a running one at an address, buildkitd on the runner (found or spawned), or a container. */
async function startBuilder(run, createContext) {
    const { env, out } = run.step;
    const { inputs, state } = run.request;
    const { dir, tools, toolEnv, readyTimeoutMs, configInline, rootVia, early } = run.builder;
    const b = inputs.builder;
    let h;
    let choice;
    let restart;
    if (b.kind === 'address') {
        const remote = await startRemote({
            addresses: b.addresses,
            tls: b.tls,
            scope: run.request.plan.scope,
            dir,
            binDir: tools.buildkit.dir,
            env: toolEnv,
            cwd: (0,dirs/* workspaceOf */.B3)(env),
            out
        });
        if (remote.relay)
            run.builder.closers.push(remote.relay.close);
        ({ h, choice } = remote);
        await createContext(h);
    }
    else if (b.kind === 'auto') {
        const start = await (early ??
            startAuto({ tools, inputs, env, toolEnv, configInline, readyTimeoutMs, rootVia, state }));
        h = start.h;
        if (!start.own) {
            out.info(`Reusing the buildkitd ${(0,text_text/* echo */.WI)(h.version ?? '')} (pid ${h.pid}) an earlier call in this job started, with its local cache; that call's post step stops it`);
            await createContext(h);
        }
        else {
            for (const n of start.notReused)
                out.info(`Starting a buildkitd of its own: not the one (pid ${n.pid ?? 'unknown'}) an earlier call in this job started, because ${n.why}`);
            // The context needs only the address: create it while buildkitd comes up.
            await Promise.all([(0,buildkit_builder/* awaitBuildkitd */.PC)(h, start.own), createContext(h)]);
            // Only an answering buildkitd is offered to later calls.
            (0,buildkit_builder/* publishShared */.$p)(h, start.wish, (0,buildkit_builder/* recordsDir */.Ap)(env));
            state.save(src_state/* StateKey */.z.Builder, JSON.stringify(h));
            const own = start.own;
            restart = () => restartOwn(run, h, { ...start, own });
        }
    }
    else {
        const common = {
            binDir: tools.buildkit.dir,
            workDir: dir,
            configInline,
            flags: inputs.buildkitdFlags,
            readyTimeoutMs,
            env: toolEnv
        };
        h = await (0,buildkit_builder/* startContainer */.YI)({
            ...common,
            image: `moby/buildkit:${tools.buildkit.tag}`,
            name: `envd-cache-${(0,dirs/* randomHex */.nw)(4)}`
        });
        h.version = tools.buildkit.tag;
        state.save(src_state/* StateKey */.z.Builder, JSON.stringify(h));
        await createContext(h);
    }
    out.info(`${h.kind === 'address' || h.reused ? 'Using' : 'Started'} buildkitd ${h.version ?? '(version unknown)'} at ${h.buildctlAddr}`);
    return { h, choice, restart };
}
/**
 * Restarts the buildkitd this call spawned, in place (the same socket, root and local cache), before the attempt
 * after a stalled cache request: BuildKit v0.32.2 runs no further solve once a stalled gha import was cancelled.
 * A builder this call did not start (an address, an earlier call's, a container) is left as it is.
 */
async function restartOwn({ step, request: { state }, builder }, h, start) {
    const old = h.pid;
    await (0,buildkit_builder/* stopBuilder */.QP)(h, builder.toolEnv);
    const fresh = (0,buildkit_builder/* spawnBuildkitd */.yW)({ ...start.own, rootVia: await builder.rootVia });
    Object.assign(h, { pid: fresh.pid, pidFile: fresh.pidFile, logFile: fresh.logFile });
    state.save(src_state/* StateKey */.z.Builder, JSON.stringify(h));
    await (0,buildkit_builder/* awaitBuildkitd */.PC)(h, start.own);
    // Through sudo the pid recorded above is sudo's until buildkitd answers: record its own, as the first start does.
    state.save(src_state/* StateKey */.z.Builder, JSON.stringify(h));
    (0,buildkit_builder/* publishShared */.$p)(h, start.wish, (0,buildkit_builder/* recordsDir */.Ap)(step.env));
    step.out.info(`Restarted buildkitd (pid ${old ?? 'unknown'} → ${h.pid ?? 'unknown'}): a stalled cache request leaves BuildKit unable to run another build`);
}
/** Warns of each failed import and export, and stops on a failed build (recorded for post, annotated with its log). */
function reportAttempt(out, report, state) {
    const { figures, failure } = report;
    for (const i of figures.imports.filter((x) => x.error))
        out.warning(`${(0,text_text/* echo */.WI)(i.name)} failed: ${(0,text_text/* echo */.WI)(i.error ?? '', text_text/* MAX_SENTENCE */.Rt)}. The build went on without that cache.`);
    for (const e of figures.exports.filter((x) => x.error))
        out.warning(`${(0,text_text/* echo */.WI)(e.name)} failed: ${(0,text_text/* echo */.WI)(e.error ?? '', text_text/* MAX_SENTENCE */.Rt)}`);
    if (!failure)
        return;
    state.save(src_state/* StateKey */.z.BuildFailed, 'true');
    const known = failure.known;
    out.error(annotationText({ line: failure.line, advice: known?.advice, log: failure.log }), {
        title: known ? `envd build failed: ${known.title}` : 'envd build failed'
    });
    throw new BuildFailure(report, `envd build failed: ${failure.line}`);
}
async function runOnce(out, envd, plan, { cacheTimeoutMs, ...callOptions }) {
    const { cwd, withImport } = callOptions;
    const call = (0,envd_args/* envdBuildCall */.Az)(plan, callOptions);
    const progress = new Progress();
    const watch = new CacheWatch(cacheTimeoutMs, Date.now());
    const { result, stall } = await out.group(`envd build${withImport ? '' : ' (without --import-cache)'}`, async () => {
        out.info((0,envd_args/* showArgs */.lS)('envd', call.shown));
        // envd's output (and the build steps' output inside it) is shown, but it cannot issue workflow commands.
        return out.fenced((fence) => watched((stop) => envd.build(call.args, cwd, {
            onStdout: (line) => {
                progress.push(line);
                watch.push(line, Date.now());
                fence.line(line);
            },
            onStderr: (line) => {
                watch.push(line, Date.now());
                fence.line(line);
            },
            stop
        }), (now) => watch.stall(now), watchEvery(cacheTimeoutMs)));
    });
    const figures = progress.figures();
    if (stall)
        return { figures, failure: undefined, outcome: { kind: 'stalled', stall } };
    if (result.code === 0)
        return { figures, failure: undefined, outcome: { kind: 'ok' } };
    const line = figures.stepError && !/level=fatal/.test(result.stderr) ? figures.stepError : envdErrorLine(result.stderr);
    const outcome = failedOutcome(line, { allText: result.stdout + result.stderr, pushing: watch.pushing() });
    const known = outcome.kind === 'failed' ? outcome.known : undefined;
    return { figures, failure: { line, known, log: failureLog(figures, result.stderr) }, outcome };
}

;// CONCATENATED MODULE: ./src/report/history.ts
/**
 * The hit-ratio history of one scope: the last runs' cached/total steps, kept in one small GitHub cache entry
 * per write (entries are immutable: `envd-history-<scope>#<run id>-<attempt>`, the newest restored by the prefix
 * `envd-history-<scope>#`; `#` cannot occur in a scope, so no scope's prefix matches another's), and drawn in the job summary as a sparkline with the figures. Pure: parse (what
 * comes back from the cache is checked, never trusted), record, serialize, render.
 */


/** How many runs the history keeps. */
const HISTORY_RUNS = 20;
/** The file inside the entry (the @actions/cache fallback on cache service v1, which stores a tar of it). */
const HISTORY_FILE = 'history.json';
/**
 * The cache version of every history entry written through the cache service v2 (io/github/cache-service.ts):
 * sha256 of the fixed string `envd-cache-action|hit-ratio-history|json-1`, hex, as the service expects an
 * opaque hash. The entry holds the JSON document itself (no tar, no compression). It cannot collide with
 * BuildKit's version (sha256 of `|go-actionscache-1.0`) nor with @actions/cache's (sha256 of the paths, the
 * compression method and the cross-OS flag joined by `|`): a lookup in this version finds only our own entries.
 */
const HISTORY_CACHE_VERSION = '5d9b6adabf622251e9e8b1dc617634f2be6a4c513d9802c202859c0f2f714313';
/** The run's cache write was skipped for room (the decision steps/write.ts records). */
const writeSkipped = (plan) => plan.decisions.some((d) => d.topic === 'write' && d.outcome === 'skipped');
const RUN_ID = /^\d{1,20}$/;
const FORMAT = 1;
/** A stored history larger than this is not read (a few runs' figures take well under 2 KB). */
const MAX_HISTORY_BYTES = 8192;
const count = (v, max = 100_000) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;
function validRun(v) {
    if (!v || typeof v !== 'object')
        return undefined;
    const r = v;
    if (typeof r.run !== 'string' || !RUN_ID.test(r.run))
        return undefined;
    if (!count(r.attempt, 1000) || r.attempt < 1 || !count(r.cached) || !count(r.total) || r.cached > r.total)
        return undefined;
    if (typeof r.seconds !== 'number' || !Number.isFinite(r.seconds) || r.seconds < 0 || r.seconds > 1e7)
        return undefined;
    if (r.skipped !== undefined && r.skipped !== true)
        return undefined;
    return {
        run: r.run,
        attempt: r.attempt,
        cached: r.cached,
        total: r.total,
        seconds: Math.round(r.seconds * 10) / 10,
        ...(r.skipped ? { skipped: true } : {})
    };
}
/**
 * The runs of a stored history, oldest first. The entry may have been written by another version, a broken run
 * or a hostile branch of the same scope: anything that is not exactly the expected shape is dropped, with the reason.
 */
function parseHistory(text, scope) {
    if (text.length > MAX_HISTORY_BYTES)
        return {
            runs: [],
            problem: `the stored history is ${text.length} bytes, more than ${MAX_HISTORY_BYTES}; starting afresh`
        };
    let data;
    try {
        data = JSON.parse(text);
    }
    catch {
        return { runs: [], problem: 'the stored history is not JSON; starting afresh' };
    }
    const d = data;
    if (!d || typeof d !== 'object' || d.format !== FORMAT || !Array.isArray(d.runs))
        return { runs: [], problem: 'the stored history is not in a format this version reads; starting afresh' };
    if (d.scope !== scope)
        return {
            runs: [],
            problem: `the stored history belongs to another scope (${(0,text_text/* echo */.WI)(String(d.scope), 80)}); starting afresh`
        };
    const runs = d.runs.map(validRun);
    const kept = runs.filter((r) => r !== undefined).slice(-HISTORY_RUNS);
    const dropped = runs.length - runs.filter((r) => r).length;
    return dropped
        ? {
            runs: kept,
            problem: `${dropped} malformed run${dropped > 1 ? 's' : ''} in the stored history ${dropped > 1 ? 'were' : 'was'} dropped`
        }
        : { runs: kept };
}
/**
 * What a stored entry gives: one larger than MAX_HISTORY_BYTES (counted in bytes, as stored) is not parsed at all;
 * any other is parsed, and what was wrong with it is a warning.
 */
function entryRuns(entry, scope) {
    if (Buffer.byteLength(entry.text) > MAX_HISTORY_BYTES)
        return {
            runs: [],
            notes: [`The entry ${(0,text_text/* echo */.WI)(entry.key)} is larger than ${MAX_HISTORY_BYTES} bytes; starting afresh`],
            warnings: []
        };
    const parsed = parseHistory(entry.text, scope);
    return {
        runs: parsed.runs,
        notes: [`Read from ${(0,text_text/* echo */.WI)(entry.key)}`],
        warnings: parsed.problem ? [`Hit-ratio history: ${parsed.problem}`] : []
    };
}
/** Adds this run (replacing an earlier record of the same run and attempt) and keeps the newest HISTORY_RUNS. */
function recordRun(runs, run) {
    const rest = runs.filter((r) => !(r.run === run.run && r.attempt === run.attempt));
    return [...rest, { ...run, seconds: Math.round(run.seconds * 10) / 10 }].slice(-HISTORY_RUNS);
}
function serializeHistory(scope, runs) {
    return JSON.stringify({ format: FORMAT, scope, runs: runs.slice(-HISTORY_RUNS) });
}
const BLOCKS = '▁▂▃▄▅▆▇█';
/** The cached share of a run, 0..1; undefined when it had no steps. */
const ratioOf = (r) => (r.total > 0 ? r.cached / r.total : undefined);
/** One character per run, oldest first: ▁ nothing cached … █ everything cached; · a run without steps. */
function sparkline(runs) {
    return runs
        .map((r) => {
        const ratio = ratioOf(r);
        return ratio === undefined ? '·' : BLOCKS[Math.round(ratio * (BLOCKS.length - 1))];
    })
        .join('');
}
const pct = (r) => {
    const ratio = ratioOf(r);
    return ratio === undefined ? '–' : `${Math.round(ratio * 100)}%`;
};
/** The summary section. Empty when there is no run to show. */
function historyMarkdown(view) {
    if (!view || !view.runs.length)
        return '';
    const runs = view.runs.slice(-HISTORY_RUNS);
    const lines = [`### Hit-ratio history (scope ${(0,text_text/* code */.aY)(view.scope)})`, ''];
    const last = runs[runs.length - 1];
    lines.push(`\`${sparkline(runs)}\` the last ${runs.length} run${runs.length > 1 ? 's' : ''}, oldest first; the newest ${pct(last)} (${last.cached} of ${last.total} steps cached)`, '');
    for (const n of view.notes)
        lines.push(`- ${(0,text_text/* echo */.WI)(n, text_text/* MAX_SENTENCE */.Rt)}`);
    if (view.notes.length)
        lines.push('');
    lines.push('<details><summary>Figures</summary>', '', '| Run | Cached | Ratio | Seconds |', '|---|---|---|---|');
    for (const r of [...runs].reverse()) {
        const mark = view.current && r.run === view.current.run && r.attempt === view.current.attempt ? ' (this run)' : '';
        lines.push(`| ${r.run}${r.attempt > 1 ? ` attempt ${r.attempt}` : ''}${mark} | ${r.cached} of ${r.total} | ${pct(r)} | ${r.seconds.toFixed(1)} |`);
    }
    lines.push('', '</details>', '');
    return lines.join('\n');
}
/**
 * The history follows the cache's own rules: it is read where the GitHub cache may be read, and written only by
 * a run that wrote its cache (an export planned and not failed: the same trust rules, untrusted triggers and
 * forks never write) and whose runtime token has a writable ref, once per run attempt.
 */
function historyAccess(plan, rt, exportFailed) {
    const svc = rt.cacheService;
    const noRead = (0,backends/* backendOf */.EC)(plan.backend).store === 'nowhere'
        ? `cache: ${plan.backend} keeps no cache`
        : !svc.token || !(svc.v2 ? svc.resultsUrl : svc.cacheUrl)
            ? 'the GitHub cache service is not available to this run'
            : svc.mode === 'none' || svc.mode === 'write-only'
                ? `ACTIONS_CACHE_MODE is ${svc.mode}`
                : undefined;
    if (noRead)
        return { read: false, write: false, noRead, noWrite: noRead };
    // A write skipped for room is still recorded: the scope's next run must not skip again.
    const noWrite = !plan.export && !(plan.decisions && writeSkipped({ decisions: plan.decisions }))
        ? 'this run does not write the cache'
        : exportFailed
            ? 'the cache export failed'
            : svc.mode === 'read'
                ? 'ACTIONS_CACHE_MODE is read'
                : !svc.decoded?.refs.some((r) => r.write)
                    ? 'the runtime token has no writable ref'
                    : !RUN_ID.test(rt.runId)
                        ? 'GITHUB_RUN_ID is not set'
                        : undefined;
    return noWrite ? { read: true, write: false, noWrite } : { read: true, write: true };
}

;// CONCATENATED MODULE: ./src/report/image.ts
/**
 * The built image, after a successful build: which image to ask about (a pushed tag in its registry, or the
 * image loaded into Docker), and how the answer is shown. Pure. envd discards BuildKit's solve result, so
 * there is no digest from the build itself: it is read back from where the image went.
 */



/**
 * What to read: a pushed image (`type=image|registry` with push) by its first name; an image loaded into Docker
 * (no output, or `type=docker` without `dest`) by the tag envd gave it. `tag` is the `--tag` the action passes
 * envd; several platforms make envd suffix it per platform, so no single image ID exists then.
 */
function imageTarget(output, tag, platform) {
    if (output?.push && output.image && output.imageName) {
        const insecure = (0,values/* parseGoBool */.MY)(output.attrs.get('registry.insecure') ?? 'false') === true;
        return { kind: 'registry', name: output.imageName, repository: (0,image_ref/* repositoryOf */._M)(output.image), insecure };
    }
    if (output && output.type !== 'docker')
        return {
            kind: 'none',
            why: `output type=${output.type}${output.push ? '' : ' without push=true'} leaves no image in a registry or in Docker`
        };
    if (output?.attrs.has('dest'))
        return { kind: 'none', why: 'output type=docker with dest= writes a tarball; nothing is loaded into Docker' };
    if (platform?.includes(','))
        return { kind: 'none', why: 'several platforms: envd loads one image per platform, under suffixed tags' };
    // type=docker takes its name from name=, else the tag.
    const name = output?.attrs.get('name')?.split(',')[0].trim() || tag;
    return { kind: 'docker', name };
}
/** A digest read from a registry, as the pushed image pinned. */
function pinned(repository, digest) {
    return `${repository}@${digest}`;
}
/** The summary section: the pinned image, or why it is not known. Empty when there is nothing to say. */
function imageMarkdown(facts) {
    if (!facts || (!facts.digest && !facts.imageId && !facts.why))
        return '';
    const lines = ['### Image', '', '| | |', '|---|---|'];
    if (facts.name)
        lines.push(`| Name | ${(0,text_text/* code */.aY)(facts.name)} |`);
    if (facts.image)
        lines.push(`| Image | ${(0,text_text/* code */.aY)(facts.image, text_text/* MAX_SENTENCE */.Rt)} |`);
    if (facts.digest)
        lines.push(`| Digest | ${(0,text_text/* code */.aY)(facts.digest)} |`);
    if (facts.imageId)
        lines.push(`| Image ID | ${(0,text_text/* code */.aY)(facts.imageId)} |`);
    if (!facts.digest && !facts.imageId && facts.why)
        lines.push(`| Digest | not read: ${(0,text_text/* cell */.Hn)(facts.why, text_text/* MAX_SENTENCE */.Rt)} |`);
    lines.push('');
    return lines.join('\n');
}

;// CONCATENATED MODULE: ./src/io/history.ts
/**
 * The hit-ratio history's one small GitHub cache entry per run attempt: the newest entry of the scope restored by
 * prefix, this run added, a new entry saved. On the cache service v2 (github.com) the entry is the JSON document
 * itself, read and written through our own client (io/github/cache-service.ts): no tar, no temporary directory,
 * nothing loaded. Where only v1 is offered (GHES), @actions/cache is the fallback, loaded on first use, with its
 * tar of one file under the system temp directory. Never throws: a read or write that fails is a warning (or a
 * note), never a failed build.
 */








/** Whether the history goes through our own client (cache service v2), not @actions/cache. */
const usesOwnClient = (svc) => !!svc?.v2 && !!svc.token && !!svc.resultsUrl;
/**
 * The fallback's directory. @actions/cache versions an entry by the path strings it is given, so the path must
 * be the same in every run of the scope on every runner: not RUNNER_TEMP (it differs between runner
 * installations), not a random directory, but the system temp directory (/tmp on Linux runners) and the scope.
 */
const historyDir = (scope, tmp = external_node_os_.tmpdir()) => external_node_path_.join(tmp, 'envd-cache-history', scope);
/** Cache service v2: the entry is the document, in our own version (HISTORY_CACHE_VERSION). */
function serviceStore(svc, http) {
    const client = new CacheService({ token: svc.token, resultsUrl: svc.resultsUrl, ...(http ? { http } : {}) });
    return {
        async read(prefix) {
            const r = await client.read(prefix, [], { version: HISTORY_CACHE_VERSION });
            if (r.status === 'miss')
                return { note: 'No earlier history for this scope: this run starts it' };
            // A service that went silent has had its one warning (io/deadlines.ts): here a note says what it cost.
            const down = (0,deadlines/* downFor */.kz)(svc.resultsUrl);
            if (r.status === 'failed' && down)
                return { note: `Not read: ${(0,text_text/* echo */.WI)(down)}` };
            if (r.status === 'failed')
                return { failed: r.reason };
            return { key: r.key, text: r.body };
        },
        async write(key, text) {
            const w = await client.write(key, HISTORY_CACHE_VERSION, text);
            if (w.status === 'saved')
                return { note: `Saved as ${(0,text_text/* echo */.WI)(key)}` };
            // Entries are immutable: this run attempt saved the key already (a second call, or another job of the run
            // building the same thing: the scope names the build, not the job).
            if (w.status === 'exists')
                return {
                    note: `Not saved as ${(0,text_text/* echo */.WI)(key)}: an entry of this run attempt exists already (another call or job of this run with the same scope)`
                };
            const down = (0,deadlines/* downFor */.kz)(svc.resultsUrl);
            if (down)
                return { note: `Not saved: ${(0,text_text/* echo */.WI)(down)}` };
            return {
                warning: `Saving the hit-ratio history as ${(0,text_text/* echo */.WI)(key)} ${w.status === 'refused' ? 'was refused' : 'failed'}: ${(0,text_text/* echo */.WI)(w.reason)}`
            };
        },
        close() { }
    };
}
/** Cache service v1 (GHES): @actions/cache, with the document as a file in historyDir. */
function actionsCacheStore(cache, dir) {
    const file = external_node_path_.join(dir, HISTORY_FILE);
    return {
        async read(prefix) {
            try {
                external_node_fs_.mkdirSync(dir, { recursive: true });
                external_node_fs_.rmSync(file, { force: true });
                const restored = await cache.restoreCache([dir], prefix, [prefix]);
                if (!restored)
                    return { note: 'No earlier history for this scope: this run starts it' };
                if (!external_node_fs_.existsSync(file))
                    return { note: `The entry ${(0,text_text/* echo */.WI)(restored)} held no ${HISTORY_FILE}; starting afresh` };
                return { key: restored, text: external_node_fs_.readFileSync(file, 'utf8') };
            }
            catch (e) {
                return { failed: e.message };
            }
        },
        async write(key, text) {
            try {
                external_node_fs_.writeFileSync(file, text);
                // @actions/cache answers -1 when it could not save, and says why itself: a warning for a refused or failed
                // write, an info line when this run attempt already saved the key (a second call or job with the same scope).
                const id = await cache.saveCache([dir], key);
                return {
                    note: id === -1 ? `Not saved as ${(0,text_text/* echo */.WI)(key)}: the cache client said why above` : `Saved as ${(0,text_text/* echo */.WI)(key)}`
                };
            }
            catch (e) {
                return { warning: `Saving the hit-ratio history as ${(0,text_text/* echo */.WI)(key)} failed: ${(0,text_text/* echo */.WI)(e.message)}` };
            }
        },
        close() {
            external_node_fs_.rmSync(file, { force: true });
            for (const d of [dir, external_node_path_.dirname(dir)]) {
                try {
                    external_node_fs_.rmdirSync(d);
                }
                catch {
                    // not empty (another scope's, another job's) or already gone: not ours to clear further
                }
            }
        }
    };
}
/** The runs of the newest stored history, with what to say about it. Never throws. */
async function readRuns(store, scope) {
    const said = { runs: [], notes: [], warnings: [] };
    const found = await store.read(historyKeyPrefix(scope));
    if ('note' in found)
        return (void said.notes.push(found.note), said);
    if ('failed' in found)
        return (void said.warnings.push(`Reading the hit-ratio history failed (${(0,text_text/* echo */.WI)(found.failed)}); it starts afresh`),
            said);
    return entryRuns(found, scope);
}
/** The store for this run, or the note saying why no history is kept. */
async function openStore(o, client) {
    if (usesOwnClient(o.service))
        return serviceStore(o.service, o.http);
    try {
        // Loaded only here, and only on v1: @actions/cache and the Azure SDK are most of the bundle's start-up time.
        const cache = client ?? (await Promise.all(/* import() */[__webpack_require__.e(752), __webpack_require__.e(779), __webpack_require__.e(838), __webpack_require__.e(691)]).then(__webpack_require__.bind(__webpack_require__, 1691)));
        if (!cache.isFeatureAvailable())
            return 'No history is kept: the GitHub cache service is not available to this run';
        return actionsCacheStore(cache, historyDir(o.scope, o.tmp));
    }
    catch (e) {
        return `No history is kept: the cache client could not be loaded (${(0,text_text/* echo */.WI)(e.message)})`;
    }
}
/**
 * Starts the history: the read of the newest stored entry goes out at once (it does not depend on the build, so
 * main starts it as the build starts); `finish` waits for it, adds the run and writes. Never throws.
 * `client`: the v1 fallback's cache client (tests); never used on v2.
 */
function beginHistory(o, client) {
    const opening = o.access.read
        ? openStore(o, client)
        : Promise.resolve(`No history is kept: ${o.access.noRead ?? 'the GitHub cache cannot be read'}`);
    const reading = opening
        .then((store) => (typeof store === 'string' ? undefined : readRuns(store, o.scope)))
        .catch((e) => ({
        runs: [],
        notes: [],
        warnings: [`Reading the hit-ratio history failed (${(0,text_text/* echo */.WI)(e.message)}); it starts afresh`]
    }));
    return {
        read: reading,
        async finish(run, access) {
            const store = await opening;
            const view = (runs, said) => ({
                view: { scope: o.scope, runs, current: run, notes: said.notes },
                warnings: said.warnings
            });
            if (typeof store === 'string')
                return view([run], { notes: [store], warnings: [] });
            const read = (await reading);
            const said = { notes: [...read.notes], warnings: [...read.warnings] };
            try {
                const runs = recordRun(read.runs, run);
                if (!access.write)
                    said.notes.push(`Not saved: ${access.noWrite ?? 'this run does not write the cache'}`);
                else {
                    const saved = await store.write(historyKey(o.scope, run.run, run.attempt), serializeHistory(o.scope, runs));
                    if ('note' in saved)
                        said.notes.push(saved.note);
                    else
                        said.warnings.push(saved.warning);
                }
                return view(runs, said);
            }
            finally {
                store.close();
            }
        }
    };
}
/** The newest run of the history a handle read (undefined: none, or nothing could be read). Never throws. */
async function lastRun(handle) {
    const read = (await handle.read);
    return read?.runs[read.runs.length - 1];
}
/** Reads, adds this run and saves, in one go (beginHistory then finish). `client`: the v1 fallback's (tests). */
function updateHistory(o, client) {
    return beginHistory(o, client).finish(o.run, o.access);
}

;// CONCATENATED MODULE: ./src/io/image.ts
/**
 * Reads what the build left behind: the pushed tag's digest from its registry (the existence probe's HEAD and
 * credentials), or the ID of the image loaded into Docker (`docker image inspect`, through the Exec seam).
 * Never throws and never fails the build: what cannot be read comes back with the reason.
 */




const IMAGE_ID = /^sha256:[a-f0-9]{64}$/;
async function readImage(target, caller, http = registryHttp()) {
    if (target.kind === 'none')
        return { facts: {}, debug: `No digest or image ID to read: ${target.why}` };
    if (target.kind === 'registry') {
        const read = await registryDigest(target.name, target.insecure, caller, http);
        if (read.digest)
            return { facts: { name: target.name, digest: read.digest, image: pinned(target.repository, read.digest) } };
        const why = read.why ?? 'no answer';
        // A registry that went silent had its one warning, which names the digest among what the job goes without.
        if (read.down)
            return {
                facts: { name: target.name, why },
                debug: `The digest of the pushed image ${(0,text_text/* echo */.WI)(target.name)} is not read: ${why}`
            };
        return {
            facts: { name: target.name, why },
            warning: `The digest of the pushed image ${(0,text_text/* echo */.WI)(target.name)} could not be read: ${why}. The build succeeded; the digest and image outputs are empty.`
        };
    }
    const r = await exec/* Exec */.W.run('docker', ['image', 'inspect', '--format', '{{.Id}}', target.name], {
        env: caller.env,
        timeoutMs: 30000
    });
    const id = r.stdout.trim();
    if (r.code === 0 && IMAGE_ID.test(id))
        return { facts: { name: target.name, imageId: id } };
    const why = r.code === 127
        ? 'docker is not on PATH'
        : r.code === 0
            ? `docker image inspect answered ${(0,text_text/* echo */.WI)(id, 80)}, not an image ID`
            : `docker image inspect ${(0,text_text/* echo */.WI)(target.name)} exited ${r.code}: ${(0,text_text/* echo */.WI)(r.stderr.trim().split('\n')[0] ?? '')}`;
    return { facts: { name: target.name }, debug: `No imageid output: ${why}` };
}

;// CONCATENATED MODULE: ./src/steps/insight.ts
/**
 * After a successful build: read the image's digest or ID, and add this run to the scope's hit-ratio history.
 * Neither ever fails the build: what cannot be done is a warning (a push whose digest is unknown, a history
 * that could not be read or saved) or a debug line (no Docker to ask).
 */








/**
 * Starts what `startInsight` will need (kept in the context's `histories`, by scope), to be called as the
 * build starts, and only when the history will be read.
 * On the cache service v2 the history's read (one lookup, one download through the action's own client; it does
 * not depend on the build) goes out now, so after the build only the write is left; nothing is loaded for it.
 * Where only v1 is offered (GHES), its fallback client (@actions/cache with the Azure SDK, the largest chunk of
 * the bundle, a few hundred ms to evaluate) is loaded now instead, while main waits on buildkitd and envd; its
 * read waits for the build (it writes under the temp directory, which a failed build would leave behind).
 * Never rejects: a failure here is left to `reportInsight` to report.
 */
function readHistoryEarly({ histories }, plan, rt) {
    const access = historyAccess(plan, rt, false);
    if (!access.read)
        return undefined;
    if (!usesOwnClient(rt.cacheService))
        return Promise.all(/* import() */[__webpack_require__.e(752), __webpack_require__.e(779), __webpack_require__.e(838), __webpack_require__.e(691)]).then(__webpack_require__.bind(__webpack_require__, 1691)).catch(() => undefined);
    const handle = beginHistory({ scope: plan.scope, access, service: rt.cacheService });
    histories.set(plan.scope, handle);
    return handle.read;
}
/**
 * Whether the last run this scope's history holds skipped its cache write (issue 20: no scope skips twice in a
 * row). False when no history was begun for the scope or it holds no run.
 */
async function lastWriteSkipped({ histories }, scope) {
    const handle = histories.get(scope);
    return handle ? (await lastRun(handle))?.skipped === true : false;
}
/**
 * After a successful build, what does not depend on the prune after it starts at once, so that both run
 * together: the image's digest or ID (a registry read, or `docker image inspect`) and, on the cache service
 * v2, the history's write (its own client, which logs nothing). The v1 fallback (@actions/cache) writes lines of
 * its own, so its update starts only in `reportInsight`, inside the history's group. Never rejects.
 */
function startInsight(ctx, result, inputs, rt) {
    const { env, histories } = ctx;
    const plan = result.plan;
    const workspace = (0,dirs/* workspaceOf */.B3)(env);
    // The tag the action gave envd (envd/args.ts): the name of the image a default output loads into Docker.
    const tag = (0,envd_args/* envdTag */.iu)(plan.envd.output, external_node_path_.basename(external_node_path_.resolve(workspace, plan.envd.path)));
    const reading = readImage(imageTarget(inputs.output, tag, plan.envd.platform), {
        env,
        mask: (secret) => ctx.out.setSecret(secret)
    });
    reading.catch(() => undefined); // its error is thrown where reportInsight awaits it, not unhandled meanwhile
    const exportFailed = result.figures.exports.some((e) => e.error);
    const attempt = Number(env.GITHUB_RUN_ATTEMPT);
    const run = {
        run: rt.runId,
        attempt: Number.isInteger(attempt) && attempt >= 1 && attempt <= 1000 ? attempt : 1,
        cached: result.figures.cachedSteps,
        total: result.figures.totalSteps,
        seconds: result.seconds,
        ...(writeSkipped(plan) ? { skipped: true } : {})
    };
    const access = historyAccess(plan, rt, exportFailed);
    // No cache to read (cache: none, no cache service, a mode without reads): one line in the log, no section.
    if (!access.read)
        return { reading, history: { noRead: access.noRead ?? '' } };
    const start = () => {
        const handle = histories.get(plan.scope) ?? beginHistory({ scope: plan.scope, access, service: rt.cacheService });
        histories.delete(plan.scope);
        return ctx.deadlines.withinPhase('history', () => handle.finish(run, access));
    };
    if (!usesOwnClient(rt.cacheService))
        return { reading, history: { update: start } };
    const update = start();
    update.catch(() => undefined); // never rejects (beginHistory); awaited in reportInsight
    return { reading, history: { update: () => update } };
}
/** Logs what `startInsight` found, in the order and groups of a step that did it all here. */
async function reportInsight(out, after) {
    const reading = await after.reading;
    if (reading.warning)
        out.warning((0,text_text/* echo */.WI)(reading.warning, text_text/* MAX_SENTENCE */.Rt), { title: 'Image digest not read' });
    if (reading.debug)
        out.debug((0,text_text/* echo */.WI)(reading.debug, text_text/* MAX_SENTENCE */.Rt));
    if (reading.facts.digest)
        out.info(`Pushed ${(0,text_text/* echo */.WI)(reading.facts.name ?? '')}: ${reading.facts.image}`);
    if (reading.facts.imageId)
        out.info(`Loaded into Docker as ${(0,text_text/* echo */.WI)(reading.facts.name ?? '')}: ${reading.facts.imageId}`);
    const history = after.history;
    if ('noRead' in history) {
        out.info(`Hit-ratio history: none is kept (${(0,text_text/* echo */.WI)(history.noRead, text_text/* MAX_SENTENCE */.Rt)})`);
        return { image: reading.facts };
    }
    const update = await out.group('Hit-ratio history', async () => {
        const u = await history.update();
        for (const n of u.view.notes)
            out.info((0,text_text/* echo */.WI)(n, text_text/* MAX_SENTENCE */.Rt));
        return u;
    });
    for (const w of update.warnings)
        out.warning((0,text_text/* echo */.WI)(w, text_text/* MAX_SENTENCE */.Rt));
    return { image: reading.facts, history: update.view };
}

// EXTERNAL MODULE: ./src/http/parse.ts
var parse = __webpack_require__(8539);
;// CONCATENATED MODULE: ./src/runtime/token.ts
/** The runner's ACTIONS_RUNTIME_TOKEN: a JWT whose `ac` claim lists the cache refs it may read and write. */

/** Base64url, then JSON: the reason names what failed, never the text (it is part of a secret). */
function decodeSegment(segment) {
    const json = Buffer.from(segment.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
    return (0,parse/* parseJson */.q)(json, (value) => ({ ok: true, value }));
}
const isRecord = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
/** The refs of the `ac` claim, or what is wrong with it. */
function refsOf(acClaim) {
    const ac = (0,parse/* parseJson */.q)(acClaim, (value) => ({ ok: true, value }));
    if (!ac.ok)
        return { ok: false, reason: 'its "ac" claim is not JSON' };
    if (!Array.isArray(ac.value))
        return { ok: false, reason: 'its "ac" claim is not a list' };
    const refs = [];
    for (const entry of ac.value) {
        if (typeof entry?.Scope !== 'string' || typeof entry.Permission !== 'number')
            return { ok: false, reason: 'an "ac" entry lacks Scope or Permission' };
        refs.push({ ref: entry.Scope, read: (entry.Permission & 1) !== 0, write: (entry.Permission & 2) !== 0 });
    }
    return { ok: true, value: refs };
}
/** Decodes without verifying the signature, as BuildKit does; a malformed token gives the reason in plain words. */
function decodeRuntimeToken(token) {
    const parts = token.split('.');
    if (parts.length !== 3)
        return { ok: false, reason: `it has ${parts.length} segments where a JWT has 3` };
    const payload = decodeSegment(parts[1]);
    if (!payload.ok)
        return { ok: false, reason: 'its payload is not base64url-encoded JSON' };
    const claims = payload.value;
    if (!isRecord(claims))
        return { ok: false, reason: 'its payload is not a JSON object' };
    if (typeof claims.ac !== 'string')
        return {
            ok: false,
            reason: 'it has no access-control claim "ac" (is it a GITHUB_TOKEN instead of the runtime token?)'
        };
    const refs = refsOf(claims.ac);
    if (!refs.ok)
        return refs;
    for (const name of ['exp', 'nbf'])
        if (claims[name] !== undefined && typeof claims[name] !== 'number')
            return { ok: false, reason: `its "${name}" claim is not a number` };
    return {
        ok: true,
        value: { refs: refs.value, exp: claims.exp, nbf: claims.nbf }
    };
}

;// CONCATENATED MODULE: ./src/runtime/runtime.ts
/**
 * The runner's environment, read once into a typed value: the event, refs, repository, job,
 * GitHub.com or GHES, and the cache service endpoints and token. Pure: tests pass env and payload in.
 */


/** `@actions/cache`'s rule: anything but github.com, *.ghe.com and *.localhost is GHES. */
function isGhes(serverUrl) {
    let host;
    try {
        host = new URL(serverUrl).hostname.toLowerCase();
    }
    catch {
        return false;
    }
    return !(host === 'github.com' || host.endsWith('.ghe.com') || host.endsWith('.localhost'));
}
const truthy = (v) => (v ?? '').trim() !== '' && !['false', '0'].includes((v ?? '').trim().toLowerCase());
const runtime_isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const obj = (v) => (runtime_isObject(v) ? v : undefined);
const str = (v) => (typeof v === 'string' ? v : undefined);
/** The platform envd should build for on the runner's architecture; envd alone builds linux/amd64 everywhere. */
const RUNNER_PLATFORMS = {
    X64: 'linux/amd64',
    ARM64: 'linux/arm64',
    ARM: 'linux/arm/v7'
};
/** Events that run with the base repository's cache access for code or text that someone else controls. */
const UNTRUSTED_EVENTS = {
    pull_request_target: "runs the base branch's workflow for a pull request, with the base repository's cache access",
    workflow_run: "runs after another workflow, which a pull request may have started, with the default branch's cache access",
    issue_comment: 'runs on the default branch, with its cache access, for whoever can comment'
};
/** Parses the event payload; a broken file is a problem naming GITHUB_EVENT_PATH, never a throw. */
function parsePayload(env, event) {
    if (event === undefined)
        return { payload: {}, problems: [] };
    const where = `GITHUB_EVENT_PATH (${(0,text_text/* echo */.WI)(env.GITHUB_EVENT_PATH ?? '')})`;
    const fix = 'the runner writes the triggering event there as a JSON object; do not override GITHUB_EVENT_PATH';
    if (typeof event !== 'string')
        return { payload: {}, problems: [`${where}: ${event.problem}; ${fix}`] };
    if (event.trim() === '')
        return { payload: {}, problems: [`${where}: the file is empty; ${fix}`] };
    let value;
    try {
        value = JSON.parse(event);
    }
    catch (e) {
        return {
            payload: {},
            problems: [`${where}: the file is not valid JSON (${(0,text_text/* echo */.WI)(e.message, 120)}); ${fix}`]
        };
    }
    if (!runtime_isObject(value))
        return {
            payload: {},
            problems: [
                `${where}: the file holds ${value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`}, not a JSON object; ${fix}`
            ]
        };
    return { payload: value, problems: [] };
}
/** Compares a head repository with the base one: same, a fork (other name, fork: true, deleted) or unknown. */
function headOrigin(repo, base, what, field) {
    if (repo === null)
        return { origin: 'fork', detail: `${what} comes from a deleted repository (${field} is null)` };
    const r = obj(repo);
    const name = str(r?.full_name);
    if (!r || !name || !base)
        return {
            origin: 'unknown',
            detail: `${what} does not say which repository its head comes from (no ${field}.full_name${base ? '' : ' or base repository'})`
        };
    if (name.toLowerCase() !== base.toLowerCase())
        return { origin: 'fork', detail: `${what} comes from another repository (${(0,text_text/* echo */.WI)(name)}, not ${(0,text_text/* echo */.WI)(base)})` };
    if (r.fork === true)
        return { origin: 'fork', detail: `${what} comes from a fork (${field}.fork is true)` };
    return { origin: 'same', detail: `${what} comes from ${(0,text_text/* echo */.WI)(base)} itself` };
}
/** What the payload says about pull requests, forks and trust. Pure. */
function eventFacts(env, event, payload) {
    const facts = { problems: [] };
    const repository = str(obj(payload.repository)?.full_name) ?? env.GITHUB_REPOSITORY;
    const pr = obj(payload.pull_request);
    if (pr) {
        const n = pr.number;
        if (typeof n !== 'number' || !Number.isInteger(n) || n <= 0) {
            facts.problems.push(`GITHUB_EVENT_PATH (${(0,text_text/* echo */.WI)(env.GITHUB_EVENT_PATH ?? '')}): pull_request.number is ${n === undefined ? 'missing' : (0,text_text/* echo */.WI)(JSON.stringify(n) ?? String(n), 60)}, not a pull request number; the event file does not look like a GitHub webhook payload`);
        }
        else {
            const base = obj(pr.base);
            const head = obj(pr.head);
            facts.head = headOrigin(head ? head.repo : undefined, str(obj(base?.repo)?.full_name) ?? repository, `pull request #${n}`, 'head.repo');
            facts.pullRequest = {
                number: n,
                fork: facts.head.origin !== 'same',
                baseRef: str(base?.ref) ?? env.GITHUB_BASE_REF ?? '',
                headRef: str(head?.ref) ?? env.GITHUB_HEAD_REF ?? ''
            };
        }
    }
    if (!pr && event.startsWith('pull_request'))
        facts.head = {
            origin: 'unknown',
            detail: 'the event file carries no pull_request, so where its head comes from is not known'
        };
    const issue = obj(payload.issue);
    if (!pr && issue && issue.pull_request !== undefined && issue.pull_request !== null) {
        const n = typeof issue.number === 'number' ? ` #${issue.number}` : '';
        facts.head = {
            origin: 'unknown',
            detail: `pull request${n} is commented on, and the event does not say which repository its head comes from`
        };
    }
    const run = obj(payload.workflow_run);
    if (event === 'workflow_run' && !facts.head)
        facts.head = run
            ? headOrigin(run.head_repository, repository, 'the triggering run', 'workflow_run.head_repository')
            : { origin: 'unknown', detail: 'the event does not say which run triggered it (no workflow_run)' };
    if (UNTRUSTED_EVENTS[event])
        facts.untrusted = `${event} ${UNTRUSTED_EVENTS[event]}`;
    else if (event !== 'pull_request' && (pr || (issue && facts.head)))
        facts.untrusted = `${(0,text_text/* echo */.WI)(event, 60) || 'this event'} carries a pull request but does not run as pull_request`;
    return facts;
}
function readRuntime(env, event) {
    const parsed = parsePayload(env, event);
    const payload = parsed.payload;
    const eventName = env.GITHUB_EVENT_NAME ?? '';
    const facts = parsed.problems.length ? { problems: [] } : eventFacts(env, eventName, parsed.payload);
    const ref = env.GITHUB_REF ?? '';
    const runnerArch = env.RUNNER_ARCH?.trim() || undefined;
    const serverUrl = env.GITHUB_SERVER_URL || 'https://github.com';
    const token = env.ACTIONS_RUNTIME_TOKEN || undefined;
    let decoded;
    let tokenProblem;
    if (token) {
        const read = decodeRuntimeToken(token);
        if (read.ok)
            decoded = read.value;
        else
            tokenProblem = read.reason;
    }
    const modeText = (env.ACTIONS_CACHE_MODE ?? '').trim().toLowerCase();
    const mode = ['read', 'write', 'write-only', 'none'].find((m) => m === modeText);
    return {
        actions: env.GITHUB_ACTIONS === 'true',
        event: eventName,
        ref,
        refName: env.GITHUB_REF_NAME ?? ref.replace(/^refs\/(heads|tags)\//, ''),
        sha: env.GITHUB_SHA ?? '',
        defaultBranch: str(payload.repository?.default_branch),
        pullRequest: facts.pullRequest,
        head: facts.head,
        untrusted: facts.untrusted,
        runnerArch,
        runnerPlatform: runnerArch ? RUNNER_PLATFORMS[runnerArch.toUpperCase()] : undefined,
        problems: [...parsed.problems, ...facts.problems],
        repository: env.GITHUB_REPOSITORY ?? str(payload.repository?.full_name) ?? '',
        job: env.GITHUB_JOB ?? '',
        runId: env.GITHUB_RUN_ID ?? '',
        serverUrl,
        apiUrl: env.GITHUB_API_URL || 'https://api.github.com',
        ghes: isGhes(serverUrl),
        runnerTemp: env.RUNNER_TEMP ?? '',
        workspace: env.GITHUB_WORKSPACE ?? '',
        cacheService: {
            token,
            decoded,
            tokenProblem,
            resultsUrl: env.ACTIONS_RESULTS_URL || undefined,
            cacheUrl: env.ACTIONS_CACHE_URL || undefined,
            v2: truthy(env.ACTIONS_CACHE_SERVICE_V2),
            mode
        },
        aws: {
            bucket: env.AWS_BUCKET || undefined,
            region: env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined,
            accessKeyId: env.AWS_ACCESS_KEY_ID || undefined,
            secretAccessKey: env.AWS_SECRET_ACCESS_KEY || undefined,
            sessionToken: env.AWS_SESSION_TOKEN || undefined,
            endpointUrl: env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined
        }
    };
}
/** `refs/heads/main` when the run is on the default branch. */
function defaultBranchRef(rt) {
    return rt.defaultBranch ? `refs/heads/${rt.defaultBranch}` : undefined;
}

;// CONCATENATED MODULE: ./src/plan/access.ts
/**
 * What the runtime allows: whether this run may export and import cache, from ACTIONS_CACHE_MODE, the
 * runtime token's `ac` refs and the event, combined with `cache-write`. Each outcome carries its reason.
 *
 * The trust boundary comes first, on every backend: code from a fork (the head repository differs from
 * the base, is a fork, was deleted, or cannot be known) never exports, whatever cache-write says; an
 * untrusted trigger (pull_request_target, workflow_run, issue_comment, or another event carrying a pull
 * request) only reads unless cache-write is true. The runtime token is not relied on for either: GHES and
 * older runners hand such events a token that can write the base branch.
 */


/** A long build may outlive the runtime token; BuildKit then fails with "cache token expired". */
const TOKEN_MARGIN_SECONDS = 2 * 3600;
function decideAccess(backend, cacheWrite, rt, nowSeconds) {
    const a = {
        export: cacheWrite !== false,
        import: true,
        readable: [],
        decisions: [],
        warnings: [],
        problems: []
    };
    const skipExport = (reason) => {
        if (a.export && cacheWrite === true)
            a.warnings.push(`cache-write is true, but the export is skipped: ${reason}`);
        a.export = false;
        a.decisions.push({ topic: 'export', outcome: 'skipped', reason });
    };
    if (cacheWrite === false)
        a.decisions.push({ topic: 'export', outcome: 'skipped', reason: 'cache-write is false' });
    const event = (0,text_text/* echo */.WI)(rt.event, 60) || 'this event';
    if (a.export && rt.head && rt.head.origin !== 'same')
        skipExport(`${event}: ${rt.head.detail}. ${rt.head.origin === 'unknown' ? 'A head that cannot be known is treated as a fork, and code' : 'Code'} from a fork never writes a cache, whatever cache-write says`);
    else if (a.export && rt.untrusted) {
        if (cacheWrite === 'auto')
            skipExport(`${rt.untrusted}, so with cache-write: auto it only reads, on every backend (set cache-write: true to let a same-repository ${event} write)`);
        else
            a.optedIn = rt.untrusted;
    }
    // Entries in the GitHub cache: the runner's token and cache mode rule.
    if ((0,backends/* backendOf */.EC)(backend).store === 'github-cache') {
        const cs = rt.cacheService;
        if (cs.tokenProblem) {
            a.problems.push(`ACTIONS_RUNTIME_TOKEN cannot be read: ${cs.tokenProblem}. The ${backend} backend needs the runner's own runtime token; do not override it`);
            return a;
        }
        const mode = cs.mode;
        if (mode === 'read' || mode === 'none')
            skipExport(`ACTIONS_CACHE_MODE=${mode}`);
        if (mode === 'write-only' || mode === 'none') {
            a.import = false;
            a.decisions.push({ topic: 'import', outcome: 'skipped', reason: `ACTIONS_CACHE_MODE=${mode}` });
        }
        const token = cs.decoded;
        if (token) {
            a.readable = token.refs.filter((r) => r.read).map((r) => r.ref);
            a.writable = token.refs.find((r) => r.write)?.ref;
            a.decisions.push({
                topic: 'refs',
                outcome: a.writable ? `write ${a.writable}` : 'read only',
                reason: `the runtime token can read ${a.readable.length ? a.readable.join(', ') : 'no ref'}${a.writable ? ` and write ${a.writable}` : ' and write none'}`
            });
            if (!a.writable && a.export)
                skipExport(`the runtime token has no writable ref (${rt.event || 'this event'} gets a read-only cache token)`);
            if (token.exp !== undefined && a.export) {
                const left = token.exp - nowSeconds;
                if (left <= 0) {
                    skipExport(`the runtime token expired ${Math.round(-left / 60)} min ago`);
                    a.import = false;
                    a.decisions.push({ topic: 'import', outcome: 'skipped', reason: 'the runtime token has expired' });
                }
                else if (left < TOKEN_MARGIN_SECONDS)
                    a.warnings.push(`The runtime token expires in ${Math.round(left / 60)} min; a build that runs longer fails its cache export with "cache token expired". Split long jobs`);
            }
        }
    }
    // Entries every branch shares: pull requests only read them unless told to write.
    if ((0,backends/* backendOf */.EC)(backend).store === 'shared-store' && rt.event === 'pull_request' && a.export && cacheWrite === 'auto')
        skipExport(`${rt.event} only reads the ${backend} cache, which every branch shares (set cache-write: true to let pull requests write)`);
    if (!a.export)
        a.optedIn = undefined;
    return a;
}

;// CONCATENATED MODULE: ./src/plan/flags.ts
/**
 * The computed cache flags per backend: what the action gives envd when the author sets only `cache:`.
 * Pure; each backend's own rules are in `src/backends/`; credentials and runtime decisions are applied by the planner.
 */



/**
 * Registry tags and S3 names per branch (backends/location.ts), unless the author gave the place (cache-ref):
 * then it is used exactly as given, on every branch.
 */
function sharedLocations(backend, ctx) {
    return (0,backends/* backendOf */.EC)(backend).sharedLocations?.(ctx);
}
/** cache-options attributes that BuildKit reads in this direction. */
function optionsFor(backend, direction, options) {
    const rules = attributes/* ATTRIBUTES */.iw[backend];
    return [...options].filter(([k]) => rules[k]?.in.includes(direction));
}
function computedExport(backend, ctx) {
    const b = (0,backends/* backendOf */.EC)(backend);
    const options = optionsFor(backend, 'export', ctx.inputs.cacheOptions);
    if (b.exportAttrs)
        return (0,backends_spec/* cacheSpec */.Ye)(backend, b.exportAttrs(options));
    return (0,backends_spec/* cacheSpec */.Ye)(backend, [
        ...b.location(ctx, 'export', sharedLocations(backend, ctx)?.write),
        ['mode', ctx.mode],
        ...options
    ]);
}
/** The import from one candidate entry; without one, the last (the default branch's) of the shared locations. */
function computedImport(backend, ctx, entry) {
    const b = (0,backends/* backendOf */.EC)(backend);
    if (b.readBack) {
        const as = b.readBack.as(ctx);
        return (0,backends_spec/* cacheSpec */.Ye)(as.type, as.attrs);
    }
    const reads = sharedLocations(backend, ctx)?.reads;
    const chosen = entry ?? reads?.[reads.length - 1];
    return (0,backends_spec/* cacheSpec */.Ye)(backend, [
        ...b.location(ctx, 'import', chosen),
        ...optionsFor(backend, 'import', ctx.inputs.cacheOptions)
    ]);
}

// EXTERNAL MODULE: ./src/backends/location.ts
var backends_location = __webpack_require__(3214);
;// CONCATENATED MODULE: ./src/plan/mode.ts
function decideMode(requested, rt) {
    if (requested !== 'auto')
        return { mode: requested, decision: { topic: 'mode', outcome: requested, reason: 'cache-mode is set' } };
    const onDefault = rt.defaultBranch !== undefined && rt.ref === `refs/heads/${rt.defaultBranch}`;
    if (rt.event === 'push' && onDefault)
        return {
            mode: 'max',
            decision: {
                topic: 'mode',
                outcome: 'max',
                reason: `push to the default branch ${rt.defaultBranch}: every intermediate step is worth keeping`
            }
        };
    const where = rt.event ? `${rt.event} on ${rt.ref || 'an unknown ref'}` : 'not a push to the default branch';
    return {
        mode: 'min',
        decision: {
            topic: 'mode',
            outcome: 'min',
            reason: `${where}: only the final layers are exported, to spare the cache budget`
        }
    };
}

;// CONCATENATED MODULE: ./src/plan/mounts.ts
/** cache-mounts in the plan: whether envd's package caches are restored before the build and saved after it. Pure. */



/** What the plan says about package caches; undefined with cache-mounts: none (or a backend with no place for them). */
function planMounts(inputs, p, ctx) {
    const m = inputs.cacheMounts;
    const home = (0,backends/* backendOf */.EC)(inputs.cache).mountsHome?.(ctx);
    if (m.setting.kind === 'none' || !home)
        return {};
    const what = m.setting.kind === 'auto' ? 'every envd package cache the build uses' : mountDirs(m.setting).join(', ');
    if (inputs.builder.kind === 'address')
        return {
            mounts: { ...m, restore: false, save: false, scope: p.scope, home },
            decision: {
                topic: 'cache mounts',
                outcome: 'kept by the builder',
                reason: `builder is a running buildkitd (${inputs.builder.addresses.map((a) => a.text).join(', ')}): it keeps its own package caches, so ${what} are neither restored nor saved`
            }
        };
    const restore = !!p.import || !!p.local;
    const save = !!p.export;
    const outcome = restore && save ? 'restore and save' : restore ? 'restore only' : save ? 'save only' : 'skipped';
    const why = save
        ? 'this run writes its layers, so it saves them too'
        : 'this run writes no cache (the export decision above), so it only reads them';
    return {
        mounts: {
            ...m,
            restore,
            save,
            scope: p.scope,
            home,
            tools: `envd ${inputs.envdVersion}, BuildKit ${inputs.buildkitVersion}`
        },
        decision: {
            topic: 'cache mounts',
            outcome,
            reason: `${what}, ${homeWords(home, p.scope)}; ${restore ? '' : 'the cache is not read (see import above); '}${why}`
        }
    };
}

;// CONCATENATED MODULE: ./src/plan/planner.ts












const FLAG = { export: '--export-cache', import: '--import-cache' };
function planner_plan(inputs, rt, { nowSeconds = Math.floor(Date.now() / 1000), budget } = {}) {
    const p = planSkeleton(inputs, rt);
    // A broken event file stops the run before anything is decided from it (or contacted for it).
    if (rt.problems.length) {
        p.problems.push(...rt.problems);
        return withSecrets(p, inputs);
    }
    if (inputs.command === 'prune') {
        p.decisions.push({ topic: 'command', outcome: 'prune', reason: 'no build: reclaim GitHub cache entries' });
        return withSecrets(p, inputs);
    }
    // A backend with no store (none) gives BuildKit no cache type.
    if (!(0,backends_spec/* isBackend */.T4)(inputs.cache)) {
        p.decisions.push({
            topic: 'cache',
            outcome: inputs.cache,
            reason: `cache is ${inputs.cache}: envd builds without remote cache`
        });
        return withSecrets(p, inputs);
    }
    const backend = inputs.cache;
    const { mode, decision } = modeFor({ backend, inputs, rt, scope: p.scope, budget });
    p.mode = mode;
    p.decisions.push(decision);
    const ctx = { inputs, rt, scope: p.scope, mode };
    const access = decideAccess(backend, inputs.cacheWrite, rt, nowSeconds);
    p.decisions.push(...access.decisions);
    p.warnings.push(...access.warnings);
    p.problems.push(...access.problems);
    if (access.optedIn)
        p.warnings.push(optInWarning(backend, access, ctx));
    if ((0,backends/* backendOf */.EC)(backend).store === 'github-cache')
        p.access = { readable: access.readable, writable: access.writable };
    const chosen = chooseSpecs(p, backend, access, ctx);
    const [exportSpec, importSpec] = fillFromRunner(p, rt, [chosen.exportSpec, chosen.importSpec]);
    if (exportSpec)
        checkSpec(p, 'export', exportSpec, inputs);
    if (importSpec)
        checkSpec(p, 'import', importSpec, inputs);
    p.export = exportSpec;
    p.import = importSpec;
    const { mounts, decision: mountsDecision } = planMounts(inputs, p, ctx);
    p.mounts = mounts;
    if (mountsDecision)
        p.decisions.push(mountsDecision);
    return withSecrets(p, inputs);
}
/** The plan's scope, envd arguments and empty lists, before any cache decision. */
function planSkeleton(inputs, rt) {
    const from = `${inputs.from.file}:${inputs.from.func}`;
    const platform = (0,cache_scope/* platformOf */.tj)(inputs.platform, rt);
    const scope = inputs.cacheScope ?? (0,cache_scope/* autoScope */.yf)({ matrix: inputs.matrix, platform: platform.scope, path: inputs.path, from });
    return {
        command: inputs.command,
        dryRun: inputs.dryRun,
        backend: inputs.cache,
        scope,
        mode: undefined,
        decisions: [
            {
                topic: 'scope',
                outcome: scope,
                reason: inputs.cacheScope
                    ? `cache-scope is set (the build's platform: ${platform.why})`
                    : `derived from what is built: path/from, platform (${platform.why}) and matrix entry, not from the workflow or job; the same on every branch, in every workflow`
            },
            ...(inputs.builder.kind === 'address' ? [fleetDecision(scope, inputs.builder.addresses)] : [])
        ],
        warnings: [],
        problems: [],
        secrets: [],
        envd: { path: inputs.path, from, output: inputs.output?.raw, platform: platform.envd }
    };
}
/** cache-mode: inline is always min; otherwise the input or the trigger's default, lowered near the budget. */
function modeFor({ backend, inputs, rt, scope, budget }) {
    const fixed = (0,backends/* backendOf */.EC)(backend).fixedMode;
    if (fixed)
        return { mode: fixed.mode, decision: { topic: 'mode', outcome: fixed.mode, reason: fixed.reason } };
    const { mode, decision } = decideMode(inputs.cacheMode, rt);
    // The budget only concerns entries in the GitHub cache (gha, and local through @actions/cache).
    const lowered = budget && (0,backends/* backendOf */.EC)(backend).savedInGithubCache
        ? modeForBudget(inputs.cacheMode, mode, budget, legIdentity(scope, inputs))
        : { mode };
    // Kept as decided: why, then what the budget estimate said about it.
    return {
        mode: lowered.mode,
        decision: lowered.decision && lowered.mode === mode
            ? { ...decision, reason: `${decision.reason}; ${lowered.decision.reason}` }
            : (lowered.decision ?? decision)
    };
}
/** The export and import values the access allows: raw or computed, local's served import, shared candidates. */
function chooseSpecs(p, backend, access, ctx) {
    const { inputs, scope } = ctx;
    // The raw values are copied: the plan adds ignore-error and credentials to its own values, never to the inputs.
    const exportSpec = access.export ? (copySpec(inputs.exportCache) ?? computedExport(backend, ctx)) : undefined;
    let importSpec = access.import ? (copySpec(inputs.importCache) ?? computedImport(backend, ctx)) : undefined;
    const dir = (0,backends/* backendOf */.EC)(backend).runnerDir?.(ctx);
    if (dir !== undefined && !inputs.exportCache && !inputs.importCache) {
        p.local = { dir, exportDir: `${dir}.new`, keyPrefix: `envd-local-${scope}-` };
        if (importSpec) {
            importSpec = undefined;
            p.decisions.push({
                topic: 'import',
                outcome: 'served registry',
                reason: 'envd cannot import type=local (envd #1391): the restored directory is served read-only on 127.0.0.1 and imported as type=registry when the build starts'
            });
        }
    }
    const shared = sharedLocations(backend, ctx);
    if (shared && exportSpec && !inputs.exportCache)
        p.decisions.push({
            topic: 'cache entry',
            outcome: shared.write.name,
            reason: `written by ${shared.write.owner}${shared.write === shared.reads[shared.reads.length - 1] ? '' : "; the default branch's entry is never overwritten from here"}`
        });
    if (shared && importSpec && !inputs.importCache && shared.reads.length > 1)
        p.importCandidates = shared.reads.map((c) => ({
            owner: c.owner,
            name: c.name,
            spec: computedImport(backend, ctx, c)
        }));
    // Export entries carry ignore-error=true unless the author set it: a cache outage never fails a build.
    // (An exporter that reads no ignore-error, BuildKit's inline one, gets none.)
    if (exportSpec && (0,backends/* backendOfType */.kY)(exportSpec.type)?.attributes['ignore-error'] && !exportSpec.attrs.has('ignore-error'))
        exportSpec.attrs.set('ignore-error', 'true');
    return { exportSpec, importSpec };
}
/** Records where one value came from and validates it; what the backend fills or asks for itself is said once, in its words. */
function checkSpec(p, direction, spec, inputs) {
    const backend = inputs.cache;
    const readBack = (0,backends/* backendOf */.EC)(backend).readBack;
    p.decisions.push({
        topic: direction,
        outcome: spec.type,
        reason: (direction === 'export' ? inputs.exportCache : inputs.importCache)
            ? `${direction}-cache is set and replaces the computed value`
            : readBack && direction === 'import'
                ? readBack.reason
                : `cache: ${backend}`
    });
    const own = (0,backends/* backendOfType */.kY)(spec.type);
    const filled = (own?.filledByAction ?? []).map((key) => new RegExp(`\\bneeds ${key}\\b`));
    for (const problem of (0,backends_spec/* validateCacheSpec */.eg)(spec, direction, { complete: true }))
        if (!filled.some((re) => re.test(problem)))
            p.problems.push(`${FLAG[direction]}: ${problem}`);
    if (own?.missingMessage)
        for (const key of own.required[direction]) {
            const message = own.missingMessage(key);
            if (!spec.attrs.has(key) && !p.problems.includes(message))
                p.problems.push(message);
        }
}
/** cache-write: true on an untrusted trigger: allowed for the base repository's own code, and logged with whose cache it writes. */
function optInWarning(backend, access, ctx) {
    const { inputs, rt } = ctx;
    const refName = (ref) => ref === defaultBranchRef(rt) ? `the default branch ${rt.defaultBranch}'s (${ref})` : ref;
    const shared = () => {
        const w = sharedLocations(backend, ctx).write;
        return `${w.name}, ${w.owner}'s ${backend} entry`;
    };
    // Only a backend in the GitHub cache gets a writable ref from the token; the others write the run's own ref.
    const target = inputs.exportCache
        ? 'the entry export-cache names, exactly as given'
        : ((0,backends/* backendOf */.EC)(backend).writeTarget?.(ctx, refName(access.writable ?? rt.ref)) ?? shared());
    // The target holds names from the event and the inputs: one line, controls visible.
    return `cache-write is true, so this ${(0,text_text/* echo */.WI)(rt.event, 60)} run exports although ${access.optedIn}: it writes ${(0,text_text/* echo */.WI)(target, 300)}. Only opt in where the build never runs code or text from outside the repository`;
}
/** Adds what a backend takes from the runner (gha: the runtime token and endpoint) to its values, and says where it came from. */
function fillFromRunner(p, rt, specs) {
    let out = specs;
    for (const name of backends/* BACKEND_NAMES */.Gi) {
        const fromRunner = (0,backends/* backendOf */.EC)(name).fromRunner;
        const mine = out.filter((s) => s?.type === name);
        if (!fromRunner || !mine.length)
            continue;
        const fill = fromRunner(rt, mine.map((s) => s.attrs));
        let next = 0;
        out = out.map((s) => (s?.type === name ? { type: s.type, attrs: fill.values[next++] } : s));
        p.decisions.push({ topic: 'credentials', ...fill.decision });
        if (fill.warning)
            p.warnings.push(fill.warning);
        if (fill.missing === undefined)
            continue;
        if (p.dryRun)
            p.warnings.push(`${fill.missing}. This is a dry run, so the plan goes on without them; a real run would stop here`);
        else
            p.problems.push(fill.missing);
    }
    return out;
}
/** Picks the import among the candidates from what exists (true/false/unknown per candidate). Pure. */
function chooseImportEntry(p, exists, why) {
    if (!p.importCandidates || !p.import)
        return p;
    const { choice, reason } = (0,backends_location/* chooseImport */.f7)(p.importCandidates, exists, why);
    const chosen = p.importCandidates.find((c) => c.name === choice.name);
    const decisions = p.decisions.filter((d) => !(d.topic === 'import entry'));
    decisions.push({ topic: 'import entry', outcome: chosen.name, reason });
    return { ...p, import: chosen.spec, decisions };
}
const copySpec = (spec) => spec && { type: spec.type, attrs: new Map(spec.attrs) };
function withSecrets(p, inputs) {
    const secrets = new Set();
    if (inputs.githubToken)
        secrets.add(inputs.githubToken);
    for (const spec of [p.export, p.import])
        if (spec)
            for (const s of (0,backends_spec/* secretsOf */.Fj)(spec))
                secrets.add(s);
    p.secrets = [...secrets];
    return p;
}

;// CONCATENATED MODULE: ./src/steps/import-entry.ts
/** Checks which import candidates exist (each backend's probe: registry HEAD, S3 HEAD) and lets the planner choose. */






/** The shell's side of each probe a backend can describe. */
const PROBES = {
    'registry-manifest': (spec, caller) => registryManifestExists(spec.attrs.get('ref'), (0,values/* parseGoBool */.MY)(spec.attrs.get('registry.insecure') ?? 'false') === true, caller),
    's3-manifest': (spec, { env }) => s3ManifestExists(spec, env)
};
function probe(spec, caller) {
    const kind = (0,backends/* backendOfType */.kY)(spec.type)?.probe;
    if (!kind)
        return Promise.resolve({ why: `the ${(0,text_text/* echo */.WI)(spec.type)} backend has no existence probe` });
    return PROBES[kind](spec, caller);
}
async function resolveImportEntry({ env, deadlines, out }, plan) {
    if (!plan.importCandidates)
        return plan;
    if (plan.dryRun)
        return chooseImportEntry(plan, plan.importCandidates.map(() => undefined), 'dry run: nothing is contacted');
    const candidates = plan.importCandidates;
    const caller = { env, mask: (secret) => out.setSecret(secret) };
    const probes = await deadlines.withinPhase('probes', () => Promise.all(candidates.map(({ spec }) => probe(spec, caller))));
    const why = probes.find((p) => p.exists === undefined)?.why;
    return chooseImportEntry(plan, probes.map((p) => p.exists), why);
}

;// CONCATENATED MODULE: ./src/report/plan-json.ts
/** The plan as JSON for the `plan` output and the log: flags redacted, secrets never included. */


function planJson(plan) {
    const { secrets, export: exp, import: imp, ...rest } = plan;
    // Every other string (decisions, warnings, the envd output, candidates) may quote an input value.
    const clean = (s) => (0,redact/* redactKnown */.rA)((0,redact/* redactText */.Rd)(s), secrets);
    const body = JSON.parse(JSON.stringify(rest), (_key, value) => typeof value === 'string' ? clean(value) : value);
    return JSON.stringify({
        ...body,
        export: exp ? (0,backends_spec/* redactCacheSpec */.Hf)(exp) : null,
        import: imp ? (0,backends_spec/* redactCacheSpec */.Hf)(imp) : null
    });
}

;// CONCATENATED MODULE: ./src/report/outputs.ts
/** Step outputs from the plan and, after a build, its figures. Every secret is replaced by ***. */





const outputs_str = (n) => (n === undefined ? '' : String(n));
function outputs(plan, { build, budget, image } = {}) {
    const ratio = build && build.totalSteps > 0 ? Math.round((build.cachedSteps / build.totalSteps) * 1000) / 1000 : undefined;
    return {
        [names/* Output */.k.CacheBackend]: plan.backend,
        [names/* Output */.k.CacheScope]: plan.scope,
        [names/* Output */.k.CacheMode]: plan.mode ?? '',
        [names/* Output */.k.ExportCache]: plan.export ? (0,backends_spec/* redactCacheSpec */.Hf)(plan.export) : '',
        [names/* Output */.k.ImportCache]: plan.import ? (0,backends_spec/* redactCacheSpec */.Hf)(plan.import) : '',
        [names/* Output */.k.CachedSteps]: outputs_str(build?.cachedSteps),
        [names/* Output */.k.TotalSteps]: outputs_str(build?.totalSteps),
        [names/* Output */.k.CacheHitRatio]: outputs_str(ratio),
        [names/* Output */.k.BuildSeconds]: build ? build.seconds.toFixed(1) : '',
        [names/* Output */.k.Steps]: build?.steps ? stepsJson(build.steps, plan.secrets) : '',
        [names/* Output */.k.CacheUsageBytes]: outputs_str(budget?.usageBytes),
        [names/* Output */.k.CacheBudgetBytes]: outputs_str(budget?.budgetBytes),
        [names/* Output */.k.PrunedEntries]: outputs_str(budget?.prunedEntries ?? 0),
        [names/* Output */.k.PrunedBytes]: outputs_str(budget?.prunedBytes ?? 0),
        [names/* Output */.k.Plan]: planJson(plan),
        [names/* Output */.k.Digest]: image?.digest ?? '',
        [names/* Output */.k.Image]: image?.image ?? '',
        [names/* Output */.k.ImageId]: image?.imageId ?? '',
        [names/* Output */.k.Builder]: build?.builder ?? '',
        [names/* Output */.k.CacheMounts]: mountsJson(build?.mounts)
    };
}

;// CONCATENATED MODULE: ./src/report/summary.ts








const TITLE = 'envd cache action';
/** The most lines of a failure the summary quotes. */
const MAX_FAILURE_LINES = 20;
/** A list item: one line, controls visible, capped (a value inside can come from a hostile pull request). */
const item = (s) => `- ${(0,text_text/* echo */.WI)(s, text_text/* MAX_SENTENCE */.Rt)}`;
/** A long value shown as code in a table cell: a cache flag or a command line, capped generously. */
const summary_long = (s) => (0,text_text/* code */.aY)(s, text_text/* MAX_SENTENCE */.Rt);
function buildState(plan, build) {
    if (plan.problems.length)
        return 'failed before the build';
    if (plan.dryRun)
        return 'dry run';
    if (!build)
        return 'failed before the build';
    return build.failure ? 'build failed' : 'built';
}
function builderWords(build) {
    if (build.builder === 'address')
        return 'a running buildkitd';
    if (build.reusedBuilder)
        return 'the buildkitd an earlier step of this job started, reused';
    return build.builder === 'auto' ? 'buildkitd started by the action' : 'a moby/buildkit container';
}
/** A running builder given by address: the one used and why; with a fleet, the ranking and who was passed over. */
function fleetRows({ fleet }) {
    if (!fleet?.chosen)
        return [];
    const rows = [`| Builder | ${(0,text_text/* code */.aY)(fleet.chosen)}: ${(0,text_text/* cell */.Hn)(fleet.reason, text_text/* MAX_SENTENCE */.Rt)} |`];
    if (fleet.ranked.length > 1)
        rows.push(`| Fleet | ranked for this scope: ${fleet.ranked.map((a) => (0,text_text/* code */.aY)(a)).join(', ')} |`);
    if (fleet.passed.length)
        rows.push(`| Passed over | ${fleet.passed.map((p) => (0,text_text/* cell */.Hn)(p.why, text_text/* MAX_SENTENCE */.Rt)).join('<br>')} |`);
    return rows;
}
function planSummary(plan, { build, budget, failure, image, history } = {}) {
    const lines = [];
    lines.push(`## ${TITLE}: ${buildState(plan, build)}`, '');
    // A failure before envd ran (install, builder): say what happened first.
    if (failure && !build) {
        const [first, ...rest] = failure.split(/\r?\n/).slice(0, MAX_FAILURE_LINES);
        lines.push(`> **${(0,text_text/* echo */.WI)(first, text_text/* MAX_SENTENCE */.Rt)}**`, ...rest.map((l) => `> ${(0,text_text/* echo */.WI)(l, text_text/* MAX_SENTENCE */.Rt)}`), '');
    }
    lines.push('| | |', '|---|---|');
    if (build) {
        const { cachedSteps, totalSteps } = build.figures;
        const pct = totalSteps ? ` (${Math.round((cachedSteps / totalSteps) * 100)}%)` : '';
        lines.push(`| Steps cached | ${cachedSteps} of ${totalSteps}${pct} |`);
        lines.push(`| Build time | ${build.seconds.toFixed(1)} s |`);
        lines.push(`| Tools | envd ${build.envdVersion}, BuildKit ${build.buildkitVersion ?? 'unknown'} (${builderWords(build)}) |`);
        lines.push(...fleetRows(build));
        if (build.retriedWithoutImport)
            lines.push(`| Retry | once without --import-cache: ${(0,text_text/* cell */.Hn)(build.retriedWithoutImport, text_text/* MAX_SENTENCE */.Rt)} |`);
        if (build.failure)
            lines.push(`| Failure | ${(0,text_text/* cell */.Hn)(build.failure.line, text_text/* MAX_SENTENCE */.Rt)}${build.failure.known ? `<br>${(0,text_text/* cell */.Hn)(build.failure.known.advice, text_text/* MAX_SENTENCE */.Rt)}` : ''} |`);
    }
    lines.push(`| Backend | ${(0,text_text/* code */.aY)(plan.backend)} |`);
    lines.push(`| Scope | ${(0,text_text/* code */.aY)(plan.scope)} |`);
    if (plan.mode)
        lines.push(`| Mode | ${(0,text_text/* code */.aY)(plan.mode)} |`);
    lines.push(`| Export | ${plan.export ? summary_long((0,backends_spec/* redactCacheSpec */.Hf)(plan.export)) : 'none'} |`);
    lines.push(`| Import | ${plan.import ? summary_long((0,backends_spec/* redactCacheSpec */.Hf)(plan.import)) : 'none'} |`);
    if (plan.access) {
        const read = plan.access.readable.length ? plan.access.readable.map((r) => (0,text_text/* code */.aY)(r)).join(', ') : 'none';
        lines.push(`| GitHub cache refs | read ${read}; write ${plan.access.writable ? (0,text_text/* code */.aY)(plan.access.writable) : 'none'} |`);
    }
    lines.push(`| envd | ${summary_long(`envd build --path ${(0,text_text/* echo */.WI)(plan.envd.path)} --from ${(0,text_text/* echo */.WI)(plan.envd.from)}`)} |`, '');
    if (build)
        lines.push(...stepsMarkdown(stepInsight(build.figures, { plan, retriedWithoutImport: build.retriedWithoutImport })), ...failureLogMarkdown(build));
    // After a successful build: the pushed image's digest (or the loaded image's ID), and the scope's hit-ratio history.
    for (const section of [imageMarkdown(image), mountsTable(build?.mounts, (t) => (0,text_text/* cell */.Hn)(t)), historyMarkdown(history)])
        if (section)
            lines.push(section);
    lines.push('### Decisions', '', '| Topic | Outcome | Why |', '|---|---|---|');
    for (const d of plan.decisions)
        lines.push(`| ${(0,text_text/* cell */.Hn)(d.topic)} | ${(0,text_text/* code */.aY)(d.outcome)} | ${(0,text_text/* cell */.Hn)(d.reason, text_text/* MAX_SENTENCE */.Rt)} |`);
    lines.push('');
    if (plan.problems.length) {
        lines.push('### Problems', '');
        for (const p of plan.problems)
            lines.push(item(p));
        lines.push('');
    }
    if (plan.warnings.length) {
        lines.push('### Warnings', '');
        for (const w of plan.warnings)
            lines.push(item(w));
        lines.push('');
    }
    if (budget?.reading) {
        const last = budget.prunes[budget.prunes.length - 1];
        lines.push(budgetMarkdown({
            usageBytes: budget.reading.usageBytes,
            budgetBytes: budget.reading.budget.bytes,
            budgetSource: budget.reading.budget.source,
            plan: last?.plan,
            deleted: last && !last.dryRun ? budget.prunes.flatMap((p) => p.deleted) : undefined,
            dryRun: last?.dryRun
        }));
    }
    if (plan.dryRun && !plan.problems.length)
        lines.push('Dry run: the inputs were validated and the plan made; nothing was installed, started, built or deleted.', '');
    // The plan's secrets never reach the summary, whatever line a decision or a tool's error put them in.
    return (0,redact/* redactKnown */.rA)(lines.join('\n'), plan.secrets);
}
/** The step table (collapsed beyond MAX_OPEN_ROWS rows) and, below it, where the cache broke and why. */
function stepsMarkdown({ rows, broke }) {
    if (!rows.length)
        return [];
    const table = ['| # | Step | Status | Seconds |', '|---:|---|---|---:|'];
    rows.forEach((r, i) => {
        const status = r.canceled ? 'failed (canceled)' : r.status;
        const mark = broke?.index === i ? ` **← cache broke here**` : '';
        table.push(`| ${i + 1} | ${(0,text_text/* code */.aY)(r.name)} | ${status}${mark} | ${r.seconds.toFixed(1)} |`);
    });
    const count = (s) => rows.filter((r) => r.status === s).length;
    const out = ['### Steps', ''];
    if (rows.length > MAX_OPEN_ROWS)
        out.push(`<details><summary>${rows.length} steps: ${count('cached')} cached, ${count('built')} built, ${count('failed')} failed</summary>`, '', ...table, '', '</details>', '');
    else
        out.push(...table, '');
    if (broke)
        out.push(`**The cache broke at step ${broke.index + 1}** (${(0,text_text/* code */.aY)(rows[broke.index].name)}): ${(0,text_text/* echo */.WI)(broke.reason, text_text/* MAX_SENTENCE */.Rt)}`, '');
    else if (rows.some((r) => r.status === 'cached'))
        out.push('Every step came from the cache.', '');
    return out;
}
/** The failing step's own last lines, or envd's error output, as a code block no log line can close. */
function failureLogMarkdown(build) {
    const log = build.failure?.log;
    if (!log)
        return [];
    const last = log.lines.length === 1 ? 'The last line' : `The last ${log.lines.length} lines`;
    const what = log.from === 'step'
        ? `${last} ${(0,text_text/* code */.aY)(log.step ?? 'the step')} printed:`
        : `${last} envd wrote to its error output:`;
    return [
        log.from === 'step' ? "### The failing step's log" : "### envd's error output",
        '',
        what,
        '',
        ...codeBlock(log.lines),
        ''
    ];
}
function inputProblemsSummary(messages) {
    return stoppedSummary('invalid inputs', 'Fix these inputs in the workflow:', messages);
}
/** The event file (GITHUB_EVENT_PATH) could not be used: the runner, not the workflow, handed it over. */
function eventProblemsSummary(messages) {
    return stoppedSummary('invalid event', 'The event file the runner gave this step (GITHUB_EVENT_PATH) cannot be used:', messages);
}
function stoppedSummary(what, lead, messages) {
    return [`## ${TITLE}: ${what}`, '', `Nothing was started. ${lead}`, '', ...messages.map(item), ''].join('\n');
}

;// CONCATENATED MODULE: ./src/io/event.ts
/**
 * Reads the event file the runner names in GITHUB_EVENT_PATH. Thin: it returns the text, or in plain words
 * what kept the file from being read; `readRuntime` parses it and turns either into the run's problem.
 * Unset (a local run) means no payload at all.
 */

function readEventFile(eventPath) {
    if (!eventPath)
        return undefined;
    let stat;
    try {
        stat = external_node_fs_.statSync(eventPath);
    }
    catch (e) {
        const code = e.code;
        return { problem: code === 'ENOENT' ? 'no such file' : `the file cannot be read (${code ?? 'unknown error'})` };
    }
    if (stat.isDirectory())
        return { problem: 'it is a directory, not a file' };
    if (!stat.isFile())
        return { problem: 'it is not a regular file' };
    try {
        return external_node_fs_.readFileSync(eventPath, 'utf8');
    }
    catch (e) {
        return { problem: `the file cannot be read (${e.code ?? 'unknown error'})` };
    }
}

// EXTERNAL MODULE: ./src/io/local/owned-dirs.ts
var owned_dirs = __webpack_require__(7322);
;// CONCATENATED MODULE: ./src/io/preflight.ts
/**
 * Checks of the runner's disk that must pass before anything starts: the build context, the build file, and
 * a cache-dir the action may replace (cache: local deletes only directories it created).
 */







function preflight(inputs, cwd, home = external_node_os_.homedir()) {
    const problems = [];
    // A backend kept in a runner directory replaces that directory: cache-dir must be one the action may own.
    if ((0,backends/* backendOf */.EC)(inputs.cache).runnerDir && inputs.cacheDir !== undefined)
        for (const message of (0,owned_dirs/* cacheDirProblems */.MF)(inputs.cacheDir, cwd, home))
            problems.push({ input: names/* Input */.p.CacheDir, message });
    // The builder-tls-* files, read and checked now: a bad certificate stops the run before anything starts.
    if (inputs.builder.kind === 'address' && inputs.builder.tls)
        problems.push(...readTlsMaterial(inputs.builder.tls, cwd).problems);
    const context = external_node_path_.resolve(cwd, inputs.path);
    if (!external_node_fs_.existsSync(context) || !external_node_fs_.statSync(context).isDirectory()) {
        problems.push({
            input: names/* Input */.p.Path,
            message: `"${inputs.path}" is not a directory in the workspace; did the job run actions/checkout first?`
        });
        return problems;
    }
    // envd looks for the file under --path first, then in its working directory.
    const candidates = [external_node_path_.resolve(context, inputs.from.file), external_node_path_.resolve(cwd, inputs.from.file)];
    if (!candidates.some((c) => external_node_fs_.existsSync(c) && external_node_fs_.statSync(c).isFile())) {
        const found = external_node_fs_.readdirSync(context).filter((f) => f.endsWith('.envd'));
        const hint = found.length ? `; ${inputs.path} has ${found.join(', ')}` : `; ${inputs.path} has no .envd file`;
        problems.push({ input: names/* Input */.p.From, message: `"${inputs.from.file}" was not found under "${inputs.path}"${hint}` });
    }
    return problems;
}

// EXTERNAL MODULE: ./src/steps/context.ts + 1 modules
var context = __webpack_require__(9056);
;// CONCATENATED MODULE: ./src/steps/main.ts
/** The main step: read inputs, plan, report; then (outside dry-run) build. Orchestration only. */



















/** Secrets the environment may hold; registered before the first log line. */
const SECRET_ENV = ['ACTIONS_RUNTIME_TOKEN', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_ACCESS_KEY_ID'];
/** Environment values that may carry credentials inside (URL userinfo, a signed query). */
const URL_ENV = ['AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_S3'];
function main(ctx, deps) {
    return (0,context/* inStep */.q)(ctx, () => mainStep(ctx, deps));
}
async function mainStep(ctx, deps) {
    const { env, out } = ctx;
    const secrets = new Secrets(out);
    const inputs = await readInputs(ctx, deps.input, secrets);
    if (!inputs)
        return;
    // A broken event file stops the step here, before anything starts or reads it again.
    const rt = readRuntime(env, readEventFile(env.GITHUB_EVENT_PATH));
    for (const m of rt.problems)
        out.error(m, { title: 'envd cache action: invalid event' });
    if (rt.problems.length) {
        await writeSummary(out, eventProblemsSummary(rt.problems));
        return out.setFailed('the event file cannot be used; nothing was started (see the error above)');
    }
    // The build's tools and buildkitd, started while the budget is read (nothing is logged until the build).
    const prepared = startWhileReading(ctx, inputs, rt, deps.state);
    try {
        const budget = await readBudgetLedger(ctx, inputs, rt);
        const planned = planner_plan(inputs, rt, { budget: budgetFacts(budget) });
        for (const s of planned.secrets)
            secrets.mask(s);
        const resolved = await resolveImportEntry(ctx, planned);
        // The budget's own lines, and a service that went silent (or a phase cut short) so far: one warning each
        // (io/deadlines.ts). From here on the plan is final; the build gets a new one only when it has no room.
        const plan = withNotes(resolved, {
            decisions: budget.reading?.decisions,
            warnings: [...(budget.reading?.warnings ?? []), ...ctx.deadlines.takeWarnings()]
        });
        await out.group('Plan', async () => {
            for (const d of plan.decisions)
                out.info((0,redact/* redactKnown */.rA)(`${(0,text_text/* echo */.WI)(d.topic)} ${(0,text_text/* echo */.WI)(d.outcome)}: ${(0,text_text/* echo */.WI)(d.reason, text_text/* MAX_SENTENCE */.Rt)}`, secrets.masked));
        });
        for (const w of plan.warnings)
            out.warning((0,text_text/* echo */.WI)(w, text_text/* MAX_SENTENCE */.Rt));
        const finish = async (p, result, failure, insight) => {
            for (const w of [...ctx.deadlines.takeWarnings(), ...budget.prunes.flatMap((o) => o.warnings)])
                out.warning((0,text_text/* echo */.WI)(w, text_text/* MAX_SENTENCE */.Rt));
            for (const [name, value] of Object.entries(outputs(p, { build: result && figuresOf(result), budget: budgetFigures(budget), image: insight?.image })))
                out.setOutput(name, value);
            await writeSummary(out, planSummary(p, { build: result, budget, failure, ...insight }));
        };
        if (plan.problems.length) {
            for (const p of plan.problems)
                out.error((0,text_text/* echo */.WI)(p, text_text/* MAX_SENTENCE */.Rt), { title: 'envd cache action' });
            await finish(plan);
            out.setFailed(`${plan.problems.length} problem${plan.problems.length > 1 ? 's' : ''} found before the build; ${prepared ? 'nothing was built (the buildkitd started meanwhile is stopped by the post step)' : 'nothing was started'} (see the errors above)`);
            return;
        }
        if (inputs.command === 'prune') {
            await pruneAt(ctx, { state: budget, inputs, rt, plan }, 'command');
            await finish(plan);
            return;
        }
        if (plan.dryRun) {
            // A dry run shows what pruning after this build would delete, and deletes nothing.
            if (budget.reading &&
                shouldPrune(inputs.cachePrune, { command: 'build', backend: inputs.cache, exported: !!plan.export }).prune)
                await pruneAt(ctx, { state: budget, inputs, rt, plan }, 'after');
            await finish(plan);
            out.info('Dry run: the inputs were validated and the plan made; nothing was installed, started or built.');
            return;
        }
        await buildAndPrune(ctx, plan, { inputs, rt, budget, state: deps.state, prepared }, finish);
    }
    finally {
        // However main ends (a problem the budget revealed, a failed prune, an error), what it started early is
        // recorded for post before it returns: the start may still be under way (through sudo it first asks `sudo -n`).
        await prepared?.start.catch(() => undefined);
    }
}
/**
 * Issue 13: a build that reads the budget over REST first starts its builder meanwhile — the work dir, the
 * tools when all are in the tool cache, and builder: auto's buildkitd (`startCachedBuilder`, which logs nothing, so
 * no group interleaves with the budget's output). Only when the build will most likely run: a build, not a dry
 * run, no problem in the plan made without the budget, and not cache: local (it starts its buildkitd early on
 * its own, with the served cache in its config; here it only loads the cache client its restore needs). If main stops before the build all the same (a problem found
 * once the budget is read, a failed prune), what was started is in state: post stops buildkitd and removes the
 * work dir, as after any build.
 */
function startWhileReading(ctx, inputs, rt, state) {
    if (inputs.command !== 'build' || !readingScope(inputs, rt).read)
        return undefined;
    const early = planner_plan(inputs, rt);
    if (early.dryRun || early.problems.length)
        return undefined;
    if (early.local) {
        // cache: local's restore loads @actions/cache (~80 ms of compiling): done now, while REST answers.
        void __webpack_require__.e(/* import() */ 930).then(__webpack_require__.bind(__webpack_require__, 1930)).then((m) => m.preloadCacheClient(), () => undefined);
        return undefined;
    }
    try {
        return startCachedBuilder(inputs, ctx.env, state);
    }
    catch {
        // Not in the way of the budget: the build makes the same attempt itself and reports what fails.
        return undefined;
    }
}
/** Every secret registered with the runner (Runner.setSecret) once, and the set of them for redaction. */
class Secrets {
    out;
    masked = new Set();
    constructor(out) {
        this.out = out;
    }
    mask(value) {
        if (value && !this.masked.has(value)) {
            this.masked.add(value);
            this.out.setSecret(value);
        }
    }
}
/** Registers the secrets of the environment and the inputs, then parses and preflights the inputs (undefined: failed). */
async function readInputs({ env, out }, input, secrets) {
    for (const name of SECRET_ENV)
        secrets.mask(env[name]);
    for (const name of URL_ENV)
        for (const s of (0,redact/* findSecrets */.dL)(env[name] ?? ''))
            secrets.mask(s);
    // Every input, also an invalid one: the GitHub token whole, and the credentials, URL userinfo and
    // signed query parameters inside any other input, registered before the first line is written.
    const raw = (name) => input(name);
    for (const s of inputSecrets(raw))
        secrets.mask(s);
    const parsed = parseInputs(raw);
    const cwd = (0,dirs/* workspaceOf */.B3)(env);
    // command: prune builds nothing, so it needs no checkout of the build context.
    const problems = !parsed.inputs
        ? parsed.problems
        : parsed.inputs.command === 'prune'
            ? []
            : preflight(parsed.inputs, cwd);
    if (!parsed.inputs || problems.length) {
        // Preflight problems quote paths and inputs too: no secret found above is written back.
        const messages = problems.map((p) => (0,redact/* redactKnown */.rA)(formatProblem(p), secrets.masked));
        for (const m of messages)
            out.error(m, { title: 'envd cache action: invalid input' });
        await writeSummary(out, inputProblemsSummary(messages));
        out.setFailed(`${messages.length} invalid input${messages.length > 1 ? 's' : ''}; nothing was started (see the errors above)`);
        return undefined;
    }
    return parsed.inputs;
}
/** Makes room, builds, and prunes after a successful export; reports through `finish` whatever happens. */
async function buildAndPrune(ctx, planned, parts, finish) {
    const { inputs, rt, budget, state, prepared } = parts;
    const { out } = ctx;
    // Make room first when usage is above the prune target or this run's exports would not fit under the budget.
    const before = { state: budget, inputs, rt, plan: planned };
    const roomTarget = pruneBeforeTarget(before);
    if (roomTarget !== undefined)
        await pruneAt(ctx, before, 'before', roomTarget);
    // Still no room for this leg's export (never on the default branch, and only when the write is not decided
    // after the build): it reads the cache, writes none.
    const { plan, noRoom } = planWithRoom(before);
    if (noRoom)
        out.info(`export skipped: ${noRoom.reason}`);
    const run = { ...before, plan };
    // Issue 20: the build imports only; what it adds decides the write, then the same build exports.
    const write = splitsWrite(run) ? writeSteps(ctx, run, () => lastWriteSkipped(ctx, plan.scope)) : undefined;
    let result;
    // Loaded while the build waits on its tools, not after it.
    void readHistoryEarly(ctx, plan, rt);
    try {
        result = await build(ctx, {
            plan,
            inputs,
            rt,
            state,
            prepared,
            ...(write ? { writeGate: write.beforeExport } : {})
        });
    }
    catch (error) {
        if (error instanceof BuildFailure)
            result = error.report;
        await finish(result?.plan ?? plan, result, error.message);
        out.setFailed(error.message);
        return;
    }
    const exported = !!result.plan.export && !result.figures.exports.some((e) => e.error);
    const decision = shouldPrune(inputs.cachePrune, { command: 'build', backend: inputs.cache, exported });
    const report = { ...result, plan: withNotes(result.plan, { decisions: [decision.decision] }) };
    // The image read and the history's write do not depend on the prune: under way while it runs, logged after it.
    const after = startInsight(ctx, report, inputs, rt);
    if (exported)
        await write?.afterExport();
    if (decision.prune)
        await pruneAt(ctx, { ...run, plan: report.plan }, 'after');
    await finish(report.plan, report, undefined, await reportInsight(out, after));
}
const figuresOf = (r) => ({
    cachedSteps: r.figures.cachedSteps,
    totalSteps: r.figures.totalSteps,
    seconds: r.seconds,
    steps: r.figures.steps,
    builder: r.fleet?.chosen,
    mounts: r.mounts
});
async function writeSummary(out, markdown) {
    if (!out.hasSummary())
        return;
    await out.appendSummary(markdown);
}


/***/ }),

/***/ 21:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   A6: () => (/* binding */ BUILDKIT_REPO),
/* harmony export */   GQ: () => (/* binding */ runnerPlatform),
/* harmony export */   Is: () => (/* binding */ downloadUrl),
/* harmony export */   M3: () => (/* binding */ buildkitAssetName),
/* harmony export */   NJ: () => (/* binding */ envdAssetName),
/* harmony export */   hS: () => (/* binding */ ENVD_REPO),
/* harmony export */   xs: () => (/* binding */ checksumFor)
/* harmony export */ });
/* harmony import */ var semver__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(2088);
/* harmony import */ var semver__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(semver__WEBPACK_IMPORTED_MODULE_0__);
/**
 * Where envd and BuildKit releases live and how their assets are named (envd-cli.md §9). Pure.
 * GoReleaser changed envd's naming in v1.3.1; BuildKit ships tarballs with bin/buildkitd and bin/buildctl.
 */

const ENVD_REPO = 'tensorchord/envd';
const BUILDKIT_REPO = 'moby/buildkit';
/** The runner's platform from RUNNER_OS/RUNNER_ARCH (or Node's), or a message saying what is unsupported. */
function runnerPlatform(runnerOs, runnerArch) {
    const os = { Linux: 'linux', macOS: 'darwin', linux: 'linux', darwin: 'darwin' }[runnerOs];
    const arch = { X64: 'amd64', ARM64: 'arm64', x64: 'amd64', arm64: 'arm64' }[runnerArch];
    if (!os)
        return `runner OS ${runnerOs || 'unknown'} is not supported: envd and buildkitd run on Linux (and envd on macOS)`;
    if (!arch)
        return `runner architecture ${runnerArch || 'unknown'} is not supported: use an X64 or ARM64 runner`;
    return { os, arch };
}
/** envd's raw binary for a release: `envd_1.3.4_linux_amd64` (v1.3.1+) or `envd_1.3.0_Linux_x86_64` (older). */
function envdAssetName(tag, p) {
    const version = tag.replace(/^v/, '');
    const v = semver__WEBPACK_IMPORTED_MODULE_0___default().coerce(tag);
    if (!v || semver__WEBPACK_IMPORTED_MODULE_0___default().gte(v, '1.3.1'))
        return `envd_${version}_${p.os}_${p.arch}`;
    const os = p.os === 'linux' ? 'Linux' : 'Darwin';
    const arch = p.arch === 'amd64' ? 'x86_64' : 'arm64';
    return `envd_${version}_${os}_${arch}`;
}
function buildkitAssetName(tag, p) {
    return `buildkit-${tag}.${p.os}-${p.arch}.tar.gz`;
}
function downloadUrl(base, repo, tag, asset) {
    return `${base.replace(/\/+$/, '')}/${repo}/releases/download/${tag}/${asset}`;
}
/** `checksums.txt` lines are `<sha256>  <asset>`; returns the sha256 for the asset, if listed. */
function checksumFor(checksums, asset) {
    for (const line of checksums.split('\n')) {
        const m = /^([0-9a-f]{64})\s+\*?(\S+)\s*$/.exec(line.trim());
        if (m && m[2] === asset)
            return m[1];
    }
    return undefined;
}


/***/ })

};

//# sourceMappingURL=928.index.js.map