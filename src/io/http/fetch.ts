/**
 * The HTTP client's fetch transport: a fetch handed in (tests), Node's, or undici's through the runner's proxy
 * (`https_proxy`/`http_proxy` applying to the URL, as @actions/http-client decides it). The client takes it where
 * node:http (./node.ts) does not go: a fetch handed in, a proxy, and the streamed download (./download.ts).
 */
import { getProxyUrl } from '@actions/http-client/lib/proxy';
import { type Answer, USER_AGENT } from './answer.js';

export type Fetch = typeof globalThis.fetch;

const urlOf = (input: Parameters<Fetch>[0]) =>
  typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;

/** Whether `url` can go over node:http(s): an http(s) URL that no proxy applies to. */
export function goesDirect(url: string): boolean {
  try {
    const u = new URL(url);
    return (u.protocol === 'http:' || u.protocol === 'https:') && !getProxyUrl(u);
  } catch {
    return false;
  }
}

/** Node's fetch, or undici's through the proxy the runner's environment names for a URL: one dispatcher per proxy. */
export class ProxiedFetch {
  private readonly made = new Map<string, Promise<Fetch>>();

  forUrl(url: string): Promise<Fetch> | Fetch {
    let proxy: URL | undefined;
    try {
      proxy = getProxyUrl(new URL(url));
    } catch {
      proxy = undefined;
    }
    if (!proxy) return globalThis.fetch;
    const key = proxy.href;
    let made = this.made.get(key);
    if (!made) {
      made = (async () => {
        const [{ HttpClient }, undici] = await Promise.all([import('@actions/http-client'), import('undici')]);
        const dispatcher = new HttpClient(USER_AGENT).getAgentDispatcher(url);
        return ((input: Parameters<Fetch>[0], init?: RequestInit) =>
          undici.fetch(urlOf(input), { ...(init as object), dispatcher } as never)) as unknown as Fetch;
      })();
      this.made.set(key, made);
    }
    return made;
  }
}

/** `init`'s headers with the action's user agent unless they name one. */
export function withUserAgent(init: RequestInit | undefined): Headers {
  const headers = new Headers(init?.headers);
  if (!headers.has('user-agent')) headers.set('user-agent', USER_AGENT);
  return headers;
}

/** A fetch answer read whole as text (none for a HEAD, as node:http gives it). */
export async function readWhole(method: string, res: Response): Promise<Answer> {
  return { status: res.status, headers: res.headers, body: method === 'HEAD' ? '' : await res.text() };
}
