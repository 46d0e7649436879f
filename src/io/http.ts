/**
 * The one HTTP client: one retry policy (src/http/retry.ts) for every call that retries, and answers that never
 * throw: a result with the value, or the reason. The REST client (github/rest.ts) sends through `exchange`.
 *
 * Two transports. A request whose whole answer is read as text goes through `node:http`/`node:https` (./node-request
 * below): Node's `fetch`, and the first touch of `Headers`, `Response` or `Request`, compile Node's bundled undici,
 * 25–55 ms of CPU for the first request of a process (issue 13), where node:http costs a few. `fetch` is kept where
 * it is wanted: a transport handed in (tests), the runner's proxy (`https_proxy`/`http_proxy` applying to the URL,
 * as @actions/http-client decides it: undici's fetch through its dispatcher) and `download()` (a stream).
 */
import { parseJson, type Parsed } from '../http/parse.js';
import { getProxyUrl } from '@actions/http-client/lib/proxy';
import * as fs from 'node:fs';
import type * as NodeHttp from 'node:http';
import * as nodeHttps from 'node:https';
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import {
  type Clock,
  type Failure,
  failureOf,
  isRateLimited,
  isRetryable,
  type Outcome,
  type Retried,
  type RetryPolicy,
  withRetries
} from '../http/retry.js';
import { POLICIES } from '../http/policies.js';
import { currentPhase, downFor, markDown, ms, type Phase, seconds, type Service } from './deadlines.js';

export type { Clock, Failure, Retried, RetryPolicy, Service };
export { parseJson, type Parsed };
export type Fetch = typeof globalThis.fetch;

/**
 * node:http through require, as the bundle loads every built-in: on Node 24 (not 20) node:http has lazy exports
 * (WebSocket, CloseEvent, MessageEvent) that load undici when read, and an ES module namespace of node:http reads
 * every export (observed on Node 24.22: `import 'node:http'` alone loads undici; node:https has no such export).
 */
const nodeHttp = createRequire(import.meta.url)('node:http') as typeof NodeHttp;

/**
 * An answer's headers, as the action reads them: `get` by any case of the name (several values joined by `, `), and
 * the entries (lower-case names). A fetch `Headers` is one; so are the node transport's.
 */
export interface AnswerHeaders extends Iterable<[string, string]> {
  get(name: string): string | null;
}

export interface Answer {
  status: number;
  headers: AnswerHeaders;
  body: string;
}

export interface HttpOptions {
  /** The transport; default `fetch`, through the proxy when one applies. Tests hand in their own. */
  fetch?: Fetch;
  /** Waits between attempts; default the real clock. */
  clock?: Clock;
  /** Per request (the whole answer); default POLICIES.otherRequestMs. Clipped to the end of the phase it runs in. */
  timeoutMs?: number;
  /**
   * The service this client talks to, as a warning names it when it goes down (io/deadlines.ts): a request left
   * unanswered past its deadline, or a retried one whose every attempt failed, marks its origin down for the job.
   * Without it, nothing is marked (and nothing skipped).
   */
  service?: Service;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Default: one attempt. */
  policy?: RetryPolicy;
  /** How messages name the request, when the URL must not be printed (a signed URL); default `METHOD url`. */
  label?: string;
  timeoutMs?: number;
}

export const ONCE: RetryPolicy = { attempts: 1, backoffMs: 0 };
export const realClock: Clock = { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };

const USER_AGENT = 'envd-cache-action';
export const GITHUB_JSON = { Accept: 'application/vnd.github+json', 'X-GitHub-Api-Version': '2022-11-28' };

const lowerHeaders = (h: AnswerHeaders): Record<string, string> =>
  Object.fromEntries([...h].map(([k, v]) => [k.toLowerCase(), v]));
/**
 * A status as a failure. GitHub's secondary limit may come as a bare 403 whose body alone says "rate limit" (REST
 * docs: then wait at least a minute): given the body, the message says so, which isRateLimited reads.
 */
const statusFailure = (label: string, res: { status: number; headers: AnswerHeaders }, body = ''): Failure => ({
  status: res.status,
  headers: lowerHeaders(res.headers),
  message: `${label} answered ${res.status}${res.status === 403 && /rate limit/i.test(body) ? ' (a rate limit)' : ''}`
});
const ok = (a: Answer) => a.status >= 200 && a.status < 300;
/** How a message names a request it was not given a label for: method, origin and path, never the query (a signature, a token). */
function requestName(method: string, url: string): string {
  try {
    const u = new URL(url);
    return `${method} ${u.origin}${u.pathname}`;
  } catch {
    return method;
  }
}
const urlOf = (input: Parameters<Fetch>[0]) =>
  typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;

/** The headers of a node:http answer, read as a fetch `Headers` reads them: any case of the name, repeated values joined. */
class NodeHeaders implements AnswerHeaders {
  private readonly byName = new Map<string, string>();

  constructor(distinct: NodeJS.Dict<string[]> = {}) {
    for (const [name, values] of Object.entries(distinct))
      if (values?.length) this.byName.set(name.toLowerCase(), values.join(', '));
  }

  get(name: string): string | null {
    return this.byName.get(name.toLowerCase()) ?? null;
  }

  /** Sorted by name, as a fetch `Headers` iterates. */
  [Symbol.iterator](): Iterator<[string, string]> {
    return [...this.byName].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))[Symbol.iterator]();
  }
}

/** The redirect statuses fetch follows (Fetch standard, "HTTP-redirect fetch"), and at most how many in a row. */
const REDIRECTS: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 20;
/** What a redirect that turns the request into a GET drops with the body (Fetch standard: request-body-header names). */
const BODY_HEADERS = ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location'];

const networkError = (message: string, code: string) => Object.assign(new Error(message), { code });

/** What one hop sends: header names lower-case. */
interface Hop {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: Buffer;
}

/**
 * One request and its whole answer as text over node:http or node:https (Node's default CAs, NODE_EXTRA_CA_CERTS
 * included), redirects followed as fetch follows them: up to 20, a relative Location resolved against the URL that
 * answered, a 303 (or a 301/302 to a POST) turned into a bodiless GET, and `authorization`, `proxy-authorization` and
 * `cookie` dropped when the origin changes. `timeoutMs` covers all of it, redirects and body included, and ends it
 * with a `TimeoutError` (what fetch's `AbortSignal.timeout` throws, retried alike). A network error keeps Node's
 * `code` (ECONNREFUSED, ECONNRESET…). Its own messages name no URL (a signed one carries its signature): the caller's
 * label does. `headers` have lower-case names; no accept-encoding is sent, so nothing comes back compressed.
 */
/* eslint-disable max-lines-per-function -- grew past 80 lines when prettier wrapped it; issue 25 splits io/http.ts by transport */
function nodeRequest(
  first: Hop,
  limits: { timeoutMs: number; connectMs: number; signal?: AbortSignal }
): Promise<Answer> {
  const { timeoutMs, connectMs, signal } = limits;
  return new Promise<Answer>((resolve, reject) => {
    let current: NodeHttp.ClientRequest | undefined;
    let settled = false;
    const settle = (then: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', aborted);
      then();
    };
    const fail = (error: Error) => settle(() => reject(error));
    const end = (error: Error) => {
      fail(error);
      current?.destroy(error);
    };
    const timer = setTimeout(
      () =>
        end(
          Object.assign(networkError(`no answer within ${seconds(timeoutMs)}`, 'TimeoutError'), {
            name: 'TimeoutError'
          })
        ),
      timeoutMs
    );
    // The phase's budget ran out (io/deadlines.ts): its reason carries its own code.
    const aborted = () => end(signal?.reason instanceof Error ? signal.reason : networkError('cancelled', 'ABORT_ERR'));
    signal?.addEventListener('abort', aborted, { once: true });

    const hop = ({ method, url, headers, body }: Hop, redirectsLeft: number): void => {
      const transport = url.protocol === 'https:' ? nodeHttps : url.protocol === 'http:' ? nodeHttp : undefined;
      if (!transport) return fail(networkError(`cannot request a ${url.protocol} URL`, 'ERR_INVALID_PROTOCOL'));
      const sent = body ? { ...headers, 'content-length': String(body.length) } : headers;
      let req: NodeHttp.ClientRequest;
      try {
        req = transport.request(url, { method, headers: sent }, (res) => {
          const status = res.statusCode ?? 0;
          const location = res.headers.location;
          if (REDIRECTS.has(status) && location !== undefined) {
            // Left behind: what it still does (its body read to the end, its socket closing) is no longer this request's.
            res.on('error', () => undefined);
            res.resume();
            if (redirectsLeft === 0)
              return fail(networkError(`redirected more than ${MAX_REDIRECTS} times`, 'ERR_TOO_MANY_REDIRECTS'));
            let next: URL;
            try {
              next = new URL(location, url);
            } catch {
              return fail(networkError(`redirected to a Location that is not a URL`, 'ERR_INVALID_URL'));
            }
            const toGet =
              ((status === 301 || status === 302) && method === 'POST') ||
              (status === 303 && method !== 'GET' && method !== 'HEAD');
            const nextHeaders = { ...headers };
            if (toGet) for (const name of BODY_HEADERS) delete nextHeaders[name];
            if (next.origin !== url.origin)
              for (const name of ['authorization', 'proxy-authorization', 'cookie']) delete nextHeaders[name];
            return hop(
              { method: toGet ? 'GET' : method, url: next, headers: nextHeaders, body: toGet ? undefined : body },
              redirectsLeft - 1
            );
          }
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', fail);
          res.on('close', () => {
            if (!res.complete) fail(networkError('the connection closed before the whole answer came', 'ECONNRESET'));
          });
          res.on('end', () => {
            // fetch's text(): UTF-8, a byte order mark dropped.
            const text = Buffer.concat(chunks)
              .toString('utf8')
              .replace(/^\uFEFF/, '');
            settle(() =>
              resolve({ status, headers: new NodeHeaders(res.headersDistinct), body: method === 'HEAD' ? '' : text })
            );
          });
        });
      } catch (error) {
        // Thrown at once by node:http (a header value it refuses, say): as fetch, a failure of the request.
        return fail(error as Error);
      }
      current = req;
      req.on('error', (error) => {
        if (current === req) fail(error);
      });
      // The connect deadline (TCP and TLS), apart from the whole request's: a SYN nobody answers.
      req.on('socket', (socket) => {
        if (!socket.connecting) return;
        const connect = setTimeout(
          () =>
            end(
              Object.assign(networkError(`could not connect within ${seconds(connectMs)}`, 'TimeoutError'), {
                name: 'TimeoutError'
              })
            ),
          connectMs
        );
        socket.once('connect', () => clearTimeout(connect));
        socket.once('close', () => clearTimeout(connect));
      });
      req.end(body);
    };
    hop(first, MAX_REDIRECTS);
  });
}
/* eslint-enable max-lines-per-function */

export class Http {
  private sent = 0;
  private readonly proxied = new Map<string, Promise<Fetch>>();

  constructor(private readonly options: HttpOptions = {}) {}

  /** Requests sent so far, every attempt counted. */
  get calls(): number {
    return this.sent;
  }

  private get clock(): Clock {
    return this.options.clock ?? realClock;
  }

  /** Node's fetch, or undici's through the proxy the runner's environment names for this URL. */
  private transport(url: string): Promise<Fetch> | Fetch {
    if (this.options.fetch) return this.options.fetch;
    let proxy: URL | undefined;
    try {
      proxy = getProxyUrl(new URL(url));
    } catch {
      proxy = undefined;
    }
    if (!proxy) return globalThis.fetch;
    const key = proxy.href;
    let made = this.proxied.get(key);
    if (!made) {
      made = (async () => {
        const [{ HttpClient }, undici] = await Promise.all([import('@actions/http-client'), import('undici')]);
        const dispatcher = new HttpClient(USER_AGENT).getAgentDispatcher(url);
        return ((input: Parameters<Fetch>[0], init?: RequestInit) =>
          undici.fetch(urlOf(input), { ...(init as object), dispatcher } as never)) as unknown as Fetch;
      })();
      this.proxied.set(key, made);
    }
    return made;
  }

  /** Whether `url` goes over node:http(s): no fetch handed in, an http(s) URL, and no proxy for it. */
  private direct(url: string): boolean {
    if (this.options.fetch) return false;
    try {
      const u = new URL(url);
      return (u.protocol === 'http:' || u.protocol === 'https:') && !getProxyUrl(u);
    } catch {
      return false;
    }
  }

  /**
   * One attempt whose whole answer is read as text: counted, with a User-Agent and a deadline (`timeoutMs`, else
   * the client's, else POLICIES.otherRequestMs; never past the end of the phase it runs in). Over node:http(s) when
   * `direct`, else fetch. Throws what the transport throws; at once, without a round trip, when the service is
   * down for this job or the phase is over. A deadline of its own that passes marks the service down.
   */
  private async request(
    method: string,
    url: string,
    o: { headers?: Record<string, string>; body?: string | Uint8Array; timeoutMs?: number; label?: string } = {}
  ): Promise<Answer> {
    const { timeoutMs, own, phase } = this.deadline(url, o.timeoutMs);
    try {
      if (!this.direct(url)) {
        const signal = phase
          ? AbortSignal.any([AbortSignal.timeout(timeoutMs), phase.signal])
          : AbortSignal.timeout(timeoutMs);
        const res = await this.fetch(url, { method, headers: o.headers, body: o.body as RequestInit['body'], signal });
        return { status: res.status, headers: res.headers, body: method === 'HEAD' ? '' : await res.text() };
      }
      this.sent++;
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(o.headers ?? {})) headers[name.toLowerCase()] = value;
      headers['user-agent'] ??= USER_AGENT;
      headers.accept ??= '*/*';
      // As fetch: a string body is UTF-8 text unless said otherwise.
      if (typeof o.body === 'string') headers['content-type'] ??= 'text/plain;charset=UTF-8';
      const body =
        o.body === undefined
          ? undefined
          : typeof o.body === 'string'
            ? Buffer.from(o.body, 'utf8')
            : Buffer.from(o.body);
      return await nodeRequest(
        { method, url: new URL(url), headers, body },
        { timeoutMs, connectMs: ms(POLICIES.connectMs), signal: phase?.signal }
      );
    } catch (error) {
      const f = failureOf(error);
      // Its own deadline, not the phase's end: the service is silent (or no route reaches it).
      if (f.code === 'TimeoutError' && own && this.options.service) {
        const what = f.message.startsWith('could not connect')
          ? `could not be connected to within ${seconds(ms(POLICIES.connectMs))}`
          : `did not answer within ${seconds(timeoutMs)}`;
        markDown(url, this.options.service, `${what} (${o.label ?? requestName(method, url)})`);
      }
      throw error;
    }
  }

  /** The deadline of one request: its own, clipped to the phase's end; throws at once when there is no point sending it. */
  private deadline(url: string, asked: number | undefined): { timeoutMs: number; own: boolean; phase?: Phase } {
    const gone = downFor(url);
    if (gone) throw networkError(gone, 'ESERVICEDOWN');
    const phase = currentPhase();
    if (phase?.signal.aborted) throw phase.signal.reason as Error;
    const timeoutMs = asked ?? this.options.timeoutMs ?? ms(POLICIES.otherRequestMs);
    const left = phase ? phase.until - Date.now() : Number.POSITIVE_INFINITY;
    if (left <= 0) throw networkError('the phase is over', 'EPHASEBUDGET');
    return { timeoutMs: Math.min(timeoutMs, left), own: timeoutMs <= left, phase };
  }

  /** One attempt: counted, with a User-Agent and a timeout. Throws what fetch throws. */
  readonly fetch: Fetch = async (input, init) => {
    this.sent++;
    const url = urlOf(input);
    const headers = new Headers(init?.headers);
    if (!headers.has('user-agent')) headers.set('user-agent', USER_AGENT);
    const transport = await this.transport(url);
    return transport(input, {
      ...init,
      headers,
      signal: init?.signal ?? AbortSignal.timeout(this.options.timeoutMs ?? ms(POLICIES.otherRequestMs))
    });
  };

  /**
   * A request retried by `o.policy` whose answer is given back whatever its status (for the REST client, which reads
   * error answers itself): the first final answer, or the last retryable one when the attempts run out. A network
   * failure that outlasts them is thrown, with the reason and the error's code.
   */
  async exchange(method: string, url: string, o: RequestOptions = {}): Promise<Answer> {
    const { retried, last } = await this.retried(method, url, o);
    if (retried.ok) return retried.value;
    if (last) return last;
    throw Object.assign(new Error(retried.reason), { code: retried.failure.code });
  }

  /** Any request, answered with status, headers and body; one attempt, and a network error is status 0. */
  async send(method: string, url: string, headers: Record<string, string> = {}, timeoutMs?: number): Promise<Answer> {
    try {
      return await this.request(method, url, { headers, timeoutMs });
    } catch (e) {
      return { status: 0, headers: new NodeHeaders(), body: failureOf(e).message };
    }
  }

  /**
   * A request retried by `o.policy` on retryable statuses and network errors. Any other status is an answer for
   * the caller to read (404 included); a failure is a retryable one that outlasted the attempts, or a network error.
   */
  async answer(method: string, url: string, o: RequestOptions = {}): Promise<Retried<Answer>> {
    return (await this.retried(method, url, o)).retried;
  }

  /** `answer`'s attempts, and the last answer whose retryable status outlasted them (what `exchange` gives back). */
  private async retried(
    method: string,
    url: string,
    o: RequestOptions
  ): Promise<{ retried: Retried<Answer>; last?: Answer }> {
    const label = o.label ?? `${method} ${url}`;
    let last: Answer | undefined;
    const retried = await this.attempts(
      o.policy,
      { url, name: o.label ?? requestName(method, url) },
      async () => {
        last = undefined;
        const res = await this.request(method, url, o);
        const failure = statusFailure(label, res, res.body);
        if (!ok(res) && isRetryable(failure)) {
          last = res;
          return { ok: false, failure };
        }
        return { ok: true, value: res };
      },
      label
    );
    return { retried, last };
  }

  /** A GitHub API GET whose 2xx body is JSON of the shape `check` accepts; a body that does not parse is not retried. */
  getJson<T>(url: string, check: (value: unknown) => Parsed<T>, o: RequestOptions = {}): Promise<Retried<T>> {
    const label = o.label ?? `GET ${url}`;
    return this.attempts(
      o.policy,
      { url, name: o.label ?? requestName('GET', url) },
      async () => {
        const res = await this.request('GET', url, {
          headers: { ...GITHUB_JSON, ...o.headers },
          timeoutMs: o.timeoutMs,
          label: o.label
        });
        if (!ok(res)) return { ok: false, failure: statusFailure(label, res) };
        const parsed = parseJson(res.body, check);
        return parsed.ok
          ? parsed
          : {
              ok: false,
              failure: { kind: 'parse', status: res.status, message: `the answer to ${label} is ${parsed.reason}` }
            };
      },
      label
    );
  }

  /** A 2xx body as text. */
  getText(url: string, o: RequestOptions = {}): Promise<Retried<string>> {
    const label = o.label ?? `GET ${url}`;
    return this.attempts(
      o.policy,
      { url, name: o.label ?? requestName('GET', url) },
      async () => {
        const res = await this.request('GET', url, { headers: o.headers, timeoutMs: o.timeoutMs, label: o.label });
        return ok(res) ? { ok: true, value: res.body } : { ok: false, failure: statusFailure(label, res) };
      },
      label
    );
  }

  /**
   * A 2xx body streamed into `dest`; a connection lost on the way is tried again from the start. No overall
   * timeout (a large asset on a slow link takes what it takes): the download ends when no byte came for
   * `o.idleTimeoutMs` (default POLICIES.download.idleMs), a TimeoutError, which is retried unless the client names
   * its service (then that service is down for the job).
   */
  download(url: string, dest: string, o: RequestOptions & { idleTimeoutMs?: number } = {}): Promise<Retried<void>> {
    const label = o.label ?? `GET ${url}`;
    const idleMs = o.idleTimeoutMs ?? ms(POLICIES.download.idleMs);
    return this.attempts(
      o.policy,
      { url, name: o.label ?? requestName('GET', url) },
      async () => {
        const gone = downFor(url);
        if (gone) throw networkError(gone, 'ESERVICEDOWN');
        const controller = new AbortController();
        const idle = setTimeout(
          () => controller.abort(new DOMException(`no data for ${seconds(idleMs)}`, 'TimeoutError')),
          idleMs
        );
        try {
          const res = await this.fetch(url, { headers: o.headers, signal: controller.signal });
          if (!res.ok || !res.body) {
            await res.body?.cancel().catch(() => undefined);
            return { ok: false, failure: statusFailure(label, res) };
          }
          const body = Readable.fromWeb(res.body as WebReadableStream<Uint8Array>);
          body.on('data', () => idle.refresh());
          await pipeline(body, fs.createWriteStream(dest));
          return { ok: true, value: undefined };
        } catch (error) {
          if (controller.signal.aborted && this.options.service)
            markDown(
              url,
              this.options.service,
              `sent no data for ${seconds(idleMs)} (${o.label ?? requestName('GET', url)})`
            );
          throw error;
        } finally {
          clearTimeout(idle);
        }
      },
      label
    );
  }

  /**
   * withRetries with this client's clock; a thrown error's message is prefixed with what was asked. A retried
   * request whose every attempt failed with a network error or a 5xx marks the service down (not a rate limit:
   * GitHub answered, and said when to come back).
   */
  private async attempts<T>(
    policy: RetryPolicy | undefined,
    target: { url: string; name: string },
    work: () => Promise<Outcome<T>>,
    label: string
  ): Promise<Retried<T>> {
    const p = policy ?? ONCE;
    const r = await withRetries(
      p,
      isRetryable,
      async () => {
        try {
          return await work();
        } catch (error) {
          const f = failureOf(error);
          return { ok: false, failure: { ...f, message: `${label} failed: ${f.message}` } };
        }
      },
      this.clock
    );
    if (
      !r.ok &&
      this.options.service &&
      p.attempts > 1 &&
      r.attempts >= p.attempts &&
      isRetryable(r.failure) &&
      !isRateLimited(r.failure)
    )
      markDown(
        target.url,
        this.options.service,
        `failed ${r.attempts} attempts (${target.name}: ${r.failure.status !== undefined ? `answered ${r.failure.status}` : (r.failure.code ?? 'no answer')})`
      );
    return r;
  }
}
