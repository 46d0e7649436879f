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
import { POLICIES } from './policies.js';

/** Why one attempt did not give an answer worth keeping. */
export interface Failure {
  /** The HTTP status, when the server answered. */
  status?: number;
  /** The error code when it did not (`ECONNRESET`, `UND_ERR_SOCKET`, `TimeoutError`, `SyntaxError`, …). */
  code?: string;
  /** The answer's headers (lower-case names), for `retry-after` and the rate-limit headers. */
  headers?: Record<string, string | undefined>;
  /** `parse`: the answer came, but its body is not what was asked for; asking again gives the same body. */
  kind?: 'parse';
  /** In words, for the reason given when the call fails. */
  message: string;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; failure: Failure };

export type Retried<T> =
  { ok: true; value: T; attempts: number } | { ok: false; failure: Failure; attempts: number; reason: string };

export interface RetryPolicy {
  /** Attempts in all, the first included (at least 1). */
  attempts: number;
  /** The wait after the first failure; it doubles after each further one. */
  backoffMs: number;
  /** The longest backoff; default none. */
  maxBackoffMs?: number;
  /**
   * The most time spent in all on waits a server asked for (`retry-after`, a rate-limit reset); a wait that would
   * go past it ends the tries. Default POLICIES.rateLimit.maxWaitMs (the throttling plugin this replaces retried a
   * rate limit once).
   */
  maxWaitMs?: number;
  onRetry?: (attempt: number, failure: Failure) => void;
}

/** One attempt, no retry: a request whose caller decides what a failure means (a probe, a paced delete). */
export const ONCE: RetryPolicy = { attempts: 1, backoffMs: 0 };

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** Statuses worth another try: a timeout, too many requests, and the server errors except "not implemented" and "version not supported". */
const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([
  408, 429, 500, 502, 503, 504, 507, 508, 509, 520, 521, 522, 523, 524
]);

/**
 * Network errors worth another try: the connection reset, refused, timed out or closed, a DNS answer to try again
 * (not ENOTFOUND: the name does not exist), undici's socket and timeout errors, and our own per-request timeout
 * (`AbortSignal.timeout` throws a `TimeoutError`). Not a `SyntaxError`, a certificate error or a bad argument.
 */
const RETRYABLE_CODES: ReadonlySet<string> = new Set([
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
export function isRateLimited(f: Failure): boolean {
  if (f.status === 429) return true;
  if (f.status !== 403) return false;
  const h = f.headers ?? {};
  return (
    (h['retry-after'] !== undefined && h['retry-after'].trim() !== '') ||
    h['x-ratelimit-remaining'] === '0' ||
    /rate limit/i.test(f.message)
  );
}

/** The default predicate: a retryable status or rate limit, or a retryable network error; never a body that does not parse. */
export function isRetryable(f: Failure): boolean {
  if (f.kind === 'parse') return false;
  if (f.status !== undefined) return RETRYABLE_STATUSES.has(f.status) || isRateLimited(f);
  return f.code !== undefined && RETRYABLE_CODES.has(f.code);
}

/** `retry-after` in seconds or as an HTTP date, else the primary limit's reset when none is left; in ms, never negative. */
export function retryAfterMs(headers: Record<string, string | undefined> | undefined, now: number): number | undefined {
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

/** Anything thrown by an attempt → a failure with its code: the error's own, its cause's (fetch wraps them), else its name. */
export function failureOf(error: unknown): Failure {
  const e = error as
    { code?: unknown; name?: unknown; message?: unknown; cause?: { code?: unknown; message?: unknown } } | undefined;
  const code =
    typeof e?.code === 'string'
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
function waitBefore(
  policy: RetryPolicy,
  failure: Failure,
  at: { attempt: number; now: number; waitedMs: number }
): { waitMs: number; asked: boolean } | { stop: string } {
  const asked =
    retryAfterMs(failure.headers, at.now) ?? (isRateLimited(failure) ? POLICIES.rateLimit.defaultWaitMs : undefined);
  if (asked !== undefined) {
    const max = policy.maxWaitMs ?? POLICIES.rateLimit.maxWaitMs;
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
export async function withRetries<T>(
  policy: RetryPolicy,
  retryable: (f: Failure) => boolean,
  work: (attempt: number) => Promise<Outcome<T>>,
  clock: Clock
): Promise<Retried<T>> {
  const attempts = Math.max(1, Math.floor(policy.attempts));
  let waitedMs = 0;
  for (let attempt = 1; ; attempt++) {
    let outcome: Outcome<T>;
    try {
      outcome = await work(attempt);
    } catch (error) {
      outcome = { ok: false, failure: failureOf(error) };
    }
    if (outcome.ok) return { ok: true, value: outcome.value, attempts: attempt };
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
    if ('stop' in next) return { ok: false, failure, attempts: attempt, reason: `${failure.message}; ${next.stop}` };
    if (next.asked) waitedMs += next.waitMs;
    policy.onRetry?.(attempt, failure);
    if (next.waitMs > 0) await clock.sleep(next.waitMs);
  }
}
