/**
 * The one HTTP client. One transport, `fetch` (Node's own, so nothing is loaded for it; through the runner's
 * proxy when `https_proxy`/`http_proxy` apply to the URL, as @actions/http-client decides it, and only then is
 * undici loaded), one retry policy (src/http/retry.ts) for every call that retries, and answers that never
 * throw: a result with the value, or the reason. The REST client (github/rest.ts) sends through `retryingFetch`.
 */
import { parseJson, type Parsed } from '../http/parse.js';
import { getProxyUrl } from '@actions/http-client/lib/proxy';
import * as fs from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { type Clock, type Failure, failureOf, isRetryable, type Outcome, type Retried, type RetryPolicy, withRetries } from '../http/retry.js';

export type { Clock, Failure, Retried, RetryPolicy };
export { parseJson, type Parsed };
export type Fetch = typeof globalThis.fetch;


export interface Answer {
  status: number;
  headers: Headers;
  body: string;
}

export interface HttpOptions {
  /** The transport; default `fetch`, through the proxy when one applies. Tests hand in their own. */
  fetch?: Fetch;
  /** Waits between attempts; default the real clock. */
  clock?: Clock;
  /** Per request; default 15 s. */
  timeoutMs?: number;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  body?: string;
  /** Default: one attempt. */
  policy?: RetryPolicy;
  /** How messages name the request, when the URL must not be printed (a signed URL); default `METHOD url`. */
  label?: string;
  timeoutMs?: number;
}

export const ONCE: RetryPolicy = { attempts: 1, backoffMs: 0 };
export const realClock: Clock = { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };

const USER_AGENT = 'envd-cache-action';
const GITHUB_JSON = { Accept: 'application/vnd.github+json', 'X-GitHub-Api-Version': '2022-11-28' };

const lowerHeaders = (h: Headers): Record<string, string> => Object.fromEntries([...h.entries()].map(([k, v]) => [k.toLowerCase(), v]));
/**
 * A status as a failure. GitHub's secondary limit may come as a bare 403 whose body alone says "rate limit" (REST
 * docs: then wait at least a minute): given the body, the message says so, which isRateLimited reads.
 */
const statusFailure = (label: string, res: Response, body = ''): Failure => ({
  status: res.status,
  headers: lowerHeaders(res.headers),
  message: `${label} answered ${res.status}${res.status === 403 && /rate limit/i.test(body) ? ' (a rate limit)' : ''}`
});
const urlOf = (input: Parameters<Fetch>[0]) => (typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);


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
        return ((input: Parameters<Fetch>[0], init?: RequestInit) => undici.fetch(urlOf(input), { ...(init as object), dispatcher } as never)) as unknown as Fetch;
      })();
      this.proxied.set(key, made);
    }
    return made;
  }

  /** One attempt: counted, with a User-Agent and a timeout. Throws what fetch throws. */
  readonly fetch: Fetch = async (input, init) => {
    this.sent++;
    const url = urlOf(input);
    const headers = new Headers(init?.headers);
    if (!headers.has('user-agent')) headers.set('user-agent', USER_AGENT);
    const transport = await this.transport(url);
    return transport(input, { ...init, headers, signal: init?.signal ?? AbortSignal.timeout(this.options.timeoutMs ?? 15_000) });
  };

  /**
   * A fetch that retries by `policy` (for the REST client): the answer it gives back is the first final one, or the last
   * retryable one when the attempts run out; a network failure that outlasts them is thrown with the reason.
   */
  retryingFetch(policy: RetryPolicy, retryable: (f: Failure) => boolean = isRetryable): Fetch {
    return async (input, init) => {
      let last: Response | undefined;
      const r = await withRetries(
        policy,
        retryable,
        async (): Promise<Outcome<Response>> => {
          await last?.body?.cancel().catch(() => undefined);
          last = undefined;
          const res = await this.fetch(input, init);
          if (res.ok) return { ok: true, value: res };
          const body = res.status === 403 ? await res.clone().text().catch(() => '') : '';
          const failure = statusFailure(`${init?.method ?? 'GET'} ${urlOf(input)}`, res, body);
          if (!retryable(failure)) return { ok: true, value: res };
          last = res;
          return { ok: false, failure };
        },
        this.clock
      );
      if (r.ok) return r.value;
      if (last) return last;
      throw Object.assign(new Error(r.reason), { code: r.failure.code });
    };
  }

  /** Any request, answered with status, headers and body; one attempt, and a network error is status 0. */
  async send(method: string, url: string, headers: Record<string, string> = {}, timeoutMs = 15000): Promise<Answer> {
    try {
      const res = await this.fetch(url, { method, headers, signal: AbortSignal.timeout(timeoutMs) });
      return { status: res.status, headers: res.headers, body: method === 'HEAD' ? '' : await res.text() };
    } catch (e) {
      return { status: 0, headers: new Headers(), body: (e as Error).message };
    }
  }

  /**
   * A request retried by `o.policy` on retryable statuses and network errors. Any other status is an answer for
   * the caller to read (404 included); a failure is a retryable one that outlasted the attempts, or a network error.
   */
  answer(method: string, url: string, o: RequestOptions = {}): Promise<Retried<Answer>> {
    const label = o.label ?? `${method} ${url}`;
    return this.attempts(o.policy, async () => {
      const res = await this.fetch(url, { method, headers: o.headers, body: o.body, ...(o.timeoutMs ? { signal: AbortSignal.timeout(o.timeoutMs) } : {}) });
      const body = method === 'HEAD' ? '' : await res.text();
      const failure = statusFailure(label, res, body);
      if (!res.ok && isRetryable(failure)) return { ok: false, failure };
      return { ok: true, value: { status: res.status, headers: res.headers, body } };
    }, label);
  }

  /** A GitHub API GET whose 2xx body is JSON of the shape `check` accepts; a body that does not parse is not retried. */
  getJson<T>(url: string, check: (value: unknown) => Parsed<T>, o: RequestOptions = {}): Promise<Retried<T>> {
    const label = o.label ?? `GET ${url}`;
    return this.attempts(o.policy, async () => {
      const res = await this.fetch(url, { headers: { ...GITHUB_JSON, ...o.headers } });
      const text = await res.text();
      if (!res.ok) return { ok: false, failure: statusFailure(label, res) };
      const parsed = parseJson(text, check);
      return parsed.ok ? parsed : { ok: false, failure: { kind: 'parse', status: res.status, message: `the answer to ${label} is ${parsed.reason}` } };
    }, label);
  }

  /** A 2xx body as text. */
  getText(url: string, o: RequestOptions = {}): Promise<Retried<string>> {
    const label = o.label ?? `GET ${url}`;
    return this.attempts(o.policy, async () => {
      const res = await this.fetch(url, { headers: o.headers });
      const text = await res.text();
      return res.ok ? { ok: true, value: text } : { ok: false, failure: statusFailure(label, res) };
    }, label);
  }

  /**
   * A 2xx body streamed into `dest`; a connection lost on the way is tried again from the start. No overall
   * timeout (a large asset on a slow link takes what it takes): the download ends when no byte came for
   * `o.idleTimeoutMs` (default 60 s), a TimeoutError, which is retried.
   */
  download(url: string, dest: string, o: RequestOptions & { idleTimeoutMs?: number } = {}): Promise<Retried<void>> {
    const label = o.label ?? `GET ${url}`;
    const idleMs = o.idleTimeoutMs ?? 60_000;
    return this.attempts(o.policy, async () => {
      const controller = new AbortController();
      const idle = setTimeout(() => controller.abort(new DOMException(`no data for ${idleMs / 1000} s`, 'TimeoutError')), idleMs);
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
      } finally {
        clearTimeout(idle);
      }
    }, label);
  }

  /** withRetries with this client's clock; a thrown error's message is prefixed with what was asked. */
  private attempts<T>(policy: RetryPolicy | undefined, work: () => Promise<Outcome<T>>, label: string): Promise<Retried<T>> {
    return withRetries(
      policy ?? ONCE,
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
  }
}
