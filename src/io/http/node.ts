/**
 * The HTTP client's default transport: one request and its whole answer as text over node:http or node:https
 * (Node's default CAs, NODE_EXTRA_CA_CERTS included). Node's `fetch`, and the first touch of `Headers`, `Response` or
 * `Request`, compile Node's bundled undici, 25–55 ms of CPU for the first request of a process (issue 13), where
 * node:http costs a few; so this transport gives the callers what fetch gave them:
 *  - redirects followed as fetch follows them: up to 20, a relative Location resolved against the URL that
 *    answered, a 303 (or a 301/302 to a POST) turned into a bodiless GET, and `authorization`,
 *    `proxy-authorization` and `cookie` dropped when the origin changes;
 *  - one deadline over all of it, redirects and body included, ending it with a `TimeoutError` (what fetch's
 *    `AbortSignal.timeout` throws, retried alike), and a connect deadline apart from it;
 *  - a network error keeps Node's `code` (ECONNREFUSED, ECONNRESET…);
 *  - the body as fetch's text() reads it (UTF-8, a byte order mark dropped); no accept-encoding is sent, so nothing
 *    comes back compressed.
 * Its own messages name no URL (a signed one carries its signature): the caller's label does.
 */
import type * as NodeHttp from 'node:http';
import * as nodeHttps from 'node:https';
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import { seconds } from '../deadlines.js';
import { type Answer, type AnswerHeaders, networkError, timeoutError, USER_AGENT } from './answer.js';

/**
 * node:http through require, as the bundle loads every built-in: on Node 24 (not 20) node:http has lazy exports
 * (WebSocket, CloseEvent, MessageEvent) that load undici when read, and an ES module namespace of node:http reads
 * every export (observed on Node 24.22: `import 'node:http'` alone loads undici; node:https has no such export).
 */
const nodeHttp = createRequire(import.meta.url)('node:http') as typeof NodeHttp;

/**
 * The headers of a node:http answer, read as a fetch `Headers` reads them: any case of the name, repeated values
 * joined.
 */
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
/**
 * What a redirect that turns the request into a GET drops with the body (Fetch standard: request-body-header
 * names).
 */
const BODY_HEADERS = ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location'];
/** What a redirect to another origin drops (Fetch standard, "HTTP-redirect fetch"). */
const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization', 'cookie'];

/** What one hop sends: header names lower-case. */
export interface Hop {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: Buffer;
}

export interface NodeLimits {
  /** The whole request, redirects and body included. */
  timeoutMs: number;
  /** TCP connect (and TLS) of each hop. */
  connectMs: number;
  /** The phase's end (io/deadlines.ts): its reason is the error. */
  signal?: AbortSignal;
}

/**
 * The first hop of a request as fetch would send it: header names lower-case, a user agent and `accept: *\/*`
 * unless given, and a string body UTF-8 text unless said otherwise.
 */
export function firstHop(
  method: string,
  url: string,
  o: { headers?: Record<string, string>; body?: string | Uint8Array }
): Hop {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(o.headers ?? {})) headers[name.toLowerCase()] = value;
  headers['user-agent'] ??= USER_AGENT;
  headers.accept ??= '*/*';
  if (typeof o.body === 'string') headers['content-type'] ??= 'text/plain;charset=UTF-8';
  const body =
    o.body === undefined ? undefined : typeof o.body === 'string' ? Buffer.from(o.body, 'utf8') : Buffer.from(o.body);
  return { method, url: new URL(url), headers, body };
}

/** Where a redirect leads, as fetch follows it; an Error when it cannot be followed. */
function redirectHop(from: Hop, status: number, location: string): Hop | Error {
  let url: URL;
  try {
    url = new URL(location, from.url);
  } catch {
    return networkError(`redirected to a Location that is not a URL`, 'ERR_INVALID_URL');
  }
  const { method } = from;
  const toGet =
    ((status === 301 || status === 302) && method === 'POST') ||
    (status === 303 && method !== 'GET' && method !== 'HEAD');
  const headers = { ...from.headers };
  if (toGet) for (const name of BODY_HEADERS) delete headers[name];
  if (url.origin !== from.url.origin) for (const name of CREDENTIAL_HEADERS) delete headers[name];
  return { method: toGet ? 'GET' : method, url, headers, body: toGet ? undefined : from.body };
}

/** One request in flight, hop after hop: settled once, by its answer, its first failure or a deadline. */
class NodeExchange {
  private current?: NodeHttp.ClientRequest;
  private settled = false;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly limits: NodeLimits,
    private readonly resolve: (answer: Answer) => void,
    private readonly reject: (error: Error) => void
  ) {
    this.timer = setTimeout(
      () => this.end(timeoutError(`no answer within ${seconds(limits.timeoutMs)}`)),
      limits.timeoutMs
    );
    limits.signal?.addEventListener('abort', this.aborted, { once: true });
  }

  /** The phase's budget ran out (io/deadlines.ts): its reason carries its own code. */
  private readonly aborted = () => {
    const reason: unknown = this.limits.signal?.reason;
    this.end(reason instanceof Error ? reason : networkError('cancelled', 'ABORT_ERR'));
  };

  private settle(then: () => void): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    this.limits.signal?.removeEventListener('abort', this.aborted);
    then();
  }

  private readonly fail = (error: Error): void => this.settle(() => this.reject(error));

  private end(error: Error): void {
    this.fail(error);
    this.current?.destroy(error);
  }

  hop(h: Hop, redirectsLeft: number): void {
    const transport = h.url.protocol === 'https:' ? nodeHttps : h.url.protocol === 'http:' ? nodeHttp : undefined;
    if (!transport) return this.fail(networkError(`cannot request a ${h.url.protocol} URL`, 'ERR_INVALID_PROTOCOL'));
    const headers = h.body ? { ...h.headers, 'content-length': String(h.body.length) } : h.headers;
    let req: NodeHttp.ClientRequest;
    try {
      req = transport.request(h.url, { method: h.method, headers }, (res) => this.answered(h, res, redirectsLeft));
    } catch (error) {
      // Thrown at once by node:http (a header value it refuses, say): as fetch, a failure of the request.
      return this.fail(error as Error);
    }
    this.current = req;
    req.on('error', (error) => {
      if (this.current === req) this.fail(error);
    });
    req.on('socket', (socket) => this.watchConnect(socket));
    req.end(h.body);
  }

  /** The connect deadline (TCP and TLS), apart from the whole request's: a SYN nobody answers. */
  private watchConnect(socket: Socket): void {
    if (!socket.connecting) return;
    const { connectMs } = this.limits;
    const connect = setTimeout(
      () => this.end(timeoutError(`could not connect within ${seconds(connectMs)}`)),
      connectMs
    );
    socket.once('connect', () => clearTimeout(connect));
    socket.once('close', () => clearTimeout(connect));
  }

  private answered(h: Hop, res: NodeHttp.IncomingMessage, redirectsLeft: number): void {
    const status = res.statusCode ?? 0;
    const location = res.headers.location;
    if (!REDIRECTS.has(status) || location === undefined) return this.read(h, res, status);
    // Left behind: what it still does (its body read to the end, its socket closing) is no longer this request's.
    res.on('error', () => undefined);
    res.resume();
    if (redirectsLeft === 0)
      return this.fail(networkError(`redirected more than ${MAX_REDIRECTS} times`, 'ERR_TOO_MANY_REDIRECTS'));
    const next = redirectHop(h, status, location);
    if (next instanceof Error) return this.fail(next);
    this.hop(next, redirectsLeft - 1);
  }

  private read(h: Hop, res: NodeHttp.IncomingMessage, status: number): void {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.on('error', this.fail);
    res.on('close', () => {
      if (!res.complete) this.fail(networkError('the connection closed before the whole answer came', 'ECONNRESET'));
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
export function nodeRequest(first: Hop, limits: NodeLimits): Promise<Answer> {
  return new Promise<Answer>((resolve, reject) => new NodeExchange(limits, resolve, reject).hop(first, MAX_REDIRECTS));
}
