/**
 * What the transports of the HTTP client (./node.ts, ./fetch.ts) give back, and how the client (./client.ts) reads
 * it: an answer read whole, a status as a failure of the one retry policy (src/http/retry.ts), how a message names a
 * request, and the errors the client raises itself.
 */
import type { Failure } from '../../http/retry.js';

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

export const USER_AGENT = 'envd-cache-action';
/** What the GitHub REST API is asked for: its JSON, in the API version the action was written against. */
export const GITHUB_JSON = { Accept: 'application/vnd.github+json', 'X-GitHub-Api-Version': '2022-11-28' };

export const isOk = (a: { status: number }): boolean => a.status >= 200 && a.status < 300;

const lowerHeaders = (h: AnswerHeaders): Record<string, string> =>
  Object.fromEntries([...h].map(([k, v]) => [k.toLowerCase(), v]));

/**
 * A status as a failure. GitHub's secondary limit may come as a bare 403 whose body alone says "rate limit" (REST
 * docs: then wait at least a minute): given the body, the message says so, which isRateLimited reads.
 */
export const statusFailure = (label: string, res: { status: number; headers: AnswerHeaders }, body = ''): Failure => ({
  status: res.status,
  headers: lowerHeaders(res.headers),
  message: `${label} answered ${res.status}${res.status === 403 && /rate limit/i.test(body) ? ' (a rate limit)' : ''}`
});

/**
 * How a message names a request it was not given a label for: method, origin and path, never the query (a
 * signature, a token) nor credentials in the URL.
 */
export function requestName(method: string, url: string): string {
  try {
    const u = new URL(url);
    return `${method} ${u.origin}${u.pathname}`;
  } catch {
    return method;
  }
}

/** An error of the client's own, with a `code` as Node's network errors have (the retry policy reads it). */
export const networkError = (message: string, code: string): Error => Object.assign(new Error(message), { code });

/** A deadline that passed: a `TimeoutError`, as fetch's `AbortSignal.timeout` throws it (retried alike). */
export const timeoutError = (message: string): Error =>
  Object.assign(networkError(message, 'TimeoutError'), { name: 'TimeoutError' });
