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
import { parseJson, type Parsed } from '../../http/parse.js';
import { POLICIES } from '../../http/policies.js';
import {
  type Clock,
  type Failure,
  failureOf,
  isRateLimited,
  isRetryable,
  ONCE,
  type Outcome,
  type Retried,
  type RetryPolicy,
  withRetries
} from '../../http/retry.js';
import { currentPhase, downFor, markDown, ms, type Phase, seconds, type Service } from '../deadlines.js';
import {
  type Answer,
  type AnswerHeaders,
  GITHUB_JSON,
  isOk,
  networkError,
  requestName,
  statusFailure
} from './answer.js';
import { downloadOnce } from './download.js';
import { type Fetch, goesDirect, ProxiedFetch, readWhole, withUserAgent } from './fetch.js';
import { firstHop, nodeRequest } from './node.js';
import { uploadOnce } from './upload.js';

export type { Answer, AnswerHeaders, Clock, Failure, Fetch, Retried, RetryPolicy, Service };
export { GITHUB_JSON, ONCE, parseJson, type Parsed, requestName };

export interface HttpOptions {
  /**
   * A fetch every request goes through (tests); default node:http(s), or fetch where a proxy applies and for
   * downloads.
   */
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
  /** Default: one attempt (ONCE). */
  policy?: RetryPolicy;
  /** How messages name the request, when the URL must not be printed (a signed URL); default `METHOD url`. */
  label?: string;
  timeoutMs?: number;
}

/**
 * What `request` gives: the answer (any status the policy does not retry, 404 included), or why there is none. A
 * failure is a network error, or a retryable status that outlasted the attempts: then `answer` is that last answer,
 * for a caller that reads error answers itself (the REST client).
 */
export type Reply =
  | { ok: true; value: Answer; attempts: number }
  | { ok: false; failure: Failure; attempts: number; reason: string; answer?: Answer };

/** The answer a reply carries, whatever its status; none when the server was not heard (a network error). */
export const answered = (reply: Reply): Answer | undefined => (reply.ok ? reply.value : reply.answer);

export const realClock: Clock = { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };

export class Http {
  private sent = 0;
  private readonly proxied = new ProxiedFetch();

  constructor(private readonly options: HttpOptions = {}) {}

  /** Requests sent so far, every attempt counted. */
  get calls(): number {
    return this.sent;
  }

  /**
   * A request retried by `o.policy` on retryable statuses and network errors. Any other status is an answer for
   * the caller to read (404 included).
   */
  request(method: string, url: string, o: RequestOptions = {}): Promise<Reply> {
    return this.answering(method, url, o, () => this.send(method, url, o));
  }

  /**
   * `file` streamed as the body of a request (never read whole): the answer whatever its status, as `request`
   * gives it, retried by `o.policy`. No overall deadline: an attempt ends when no byte moved for `o.idleTimeoutMs`
   * (default POLICIES.download.idleMs), a TimeoutError.
   */
  upload(
    method: string,
    url: string,
    file: string,
    o: Omit<RequestOptions, 'body' | 'timeoutMs'> & { idleTimeoutMs?: number } = {}
  ): Promise<Reply> {
    const idleMs = o.idleTimeoutMs ?? ms(POLICIES.download.idleMs);
    return this.answering(method, url, o, async () => {
      const viaFetch = this.options.fetch || !goesDirect(url);
      if (!viaFetch) this.sent++;
      const target = { method, url, file, headers: o.headers };
      return uploadOnce(viaFetch ? (u, init) => this.fetch(u, init) : undefined, target, idleMs);
    });
  }

  /** `request` and `upload`: `once` attempted by the policy; a retryable status is a failure that keeps its answer. */
  private async answering(
    method: string,
    url: string,
    o: Pick<RequestOptions, 'label' | 'policy'>,
    once: () => Promise<Answer>
  ): Promise<Reply> {
    const label = o.label ?? `${method} ${url}`;
    let last: Answer | undefined;
    const retried = await this.attempts(
      o.policy,
      { url, name: o.label ?? requestName(method, url) },
      async () => {
        last = undefined;
        const res = await once();
        const failure = statusFailure(label, res, res.body);
        if (!isOk(res) && isRetryable(failure)) {
          last = res;
          return { ok: false, failure };
        }
        return { ok: true, value: res };
      },
      label
    );
    return retried.ok || !last ? retried : { ...retried, answer: last };
  }

  /** A GET whose 2xx body is text; another status is a failure (retried when retryable). */
  getText(url: string, o: RequestOptions = {}): Promise<Retried<string>> {
    return this.read(url, o, (res) => ({ ok: true, value: res.body }));
  }

  /** A GET whose 2xx body is JSON of the shape `check` accepts; a body that does not parse is not retried. */
  getJson<T>(url: string, check: (value: unknown) => Parsed<T>, o: RequestOptions = {}): Promise<Retried<T>> {
    return this.read(url, o, (res, label) => {
      const parsed = parseJson(res.body, check);
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
  download(
    url: string,
    dest: string,
    o: RequestOptions & { idleTimeoutMs?: number } = {}
  ): Promise<Retried<AnswerHeaders>> {
    const label = o.label ?? `GET ${url}`;
    const name = o.label ?? requestName('GET', url);
    const idleMs = o.idleTimeoutMs ?? ms(POLICIES.download.idleMs);
    return this.attempts(
      o.policy,
      { url, name },
      () =>
        downloadOnce(
          (u, init) => this.fetch(u, init),
          { url, dest, headers: o.headers },
          {
            label,
            name,
            idleMs,
            service: this.options.service
          }
        ),
      label
    );
  }

  /** `getText` and `getJson`: a GET attempted by the policy, its 2xx answer taken by `take`. */
  private read<T>(
    url: string,
    o: RequestOptions,
    take: (res: Answer, label: string) => Outcome<T>
  ): Promise<Retried<T>> {
    const label = o.label ?? `GET ${url}`;
    return this.attempts(
      o.policy,
      { url, name: o.label ?? requestName('GET', url) },
      async () => {
        const res = await this.send('GET', url, { headers: o.headers, timeoutMs: o.timeoutMs, label: o.label });
        return isOk(res) ? take(res, label) : { ok: false, failure: statusFailure(label, res) };
      },
      label
    );
  }

  /**
   * One attempt whose whole answer is read as text: counted, with a User-Agent and a deadline (`timeoutMs`, else
   * the client's, else POLICIES.otherRequestMs; never past the end of the phase it runs in). Over node:http(s)
   * unless a fetch was handed in or a proxy applies. Throws what the transport throws; at once, without a round
   * trip, when the service is down for this job or the phase is over. A deadline of its own that passes marks the
   * service down.
   */
  private async send(method: string, url: string, o: Omit<RequestOptions, 'policy'> = {}): Promise<Answer> {
    const { timeoutMs, own, phase } = this.deadline(url, o.timeoutMs);
    try {
      if (this.options.fetch || !goesDirect(url)) {
        const signal = phase
          ? AbortSignal.any([AbortSignal.timeout(timeoutMs), phase.signal])
          : AbortSignal.timeout(timeoutMs);
        const init = { method, headers: o.headers, body: o.body as RequestInit['body'], signal };
        return await readWhole(method, await this.fetch(url, init));
      }
      this.sent++;
      const limits = { timeoutMs, connectMs: ms(POLICIES.connectMs), signal: phase?.signal };
      return await nodeRequest(firstHop(method, url, o), limits);
    } catch (error) {
      const f = failureOf(error);
      // The phase's end, to which this request's deadline was clipped: the phase ran out (said once, as cut short).
      if (f.code === 'TimeoutError' && !own) phase?.end();
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

  /** One attempt over fetch: counted, with a User-Agent and, unless `init` has a signal, the client's timeout. */
  private async fetch(url: string, init: RequestInit): Promise<Response> {
    this.sent++;
    const transport = this.options.fetch ?? (await this.proxied.forUrl(url));
    return transport(url, {
      ...init,
      headers: withUserAgent(init),
      signal: init.signal ?? AbortSignal.timeout(this.options.timeoutMs ?? ms(POLICIES.otherRequestMs))
    });
  }

  /**
   * The deadline of one request: its own, clipped to the phase's end; throws at once when there is no point
   * sending it.
   */
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
      this.options.clock ?? realClock
    );
    if (
      !r.ok &&
      this.options.service &&
      p.attempts > 1 &&
      r.attempts >= p.attempts &&
      isRetryable(r.failure) &&
      !isRateLimited(r.failure)
    ) {
      const last = r.failure.status !== undefined ? `answered ${r.failure.status}` : (r.failure.code ?? 'no answer');
      markDown(target.url, this.options.service, `failed ${r.attempts} attempts (${target.name}: ${last})`);
    }
    return r;
  }
}
