/** The one seam for HTTP: JSON GETs and file downloads, with bounded retries on transient failures. */
import { HttpClient } from '@actions/http-client';
import * as fs from 'node:fs';
import { pipeline } from 'node:stream/promises';

export class HttpError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly url: string
  ) {
    super(message);
  }
}

/** 408, 429 and 5xx are worth another try; anything else is final. */
const isTransient = (status: number) => status === 408 || status === 429 || status >= 500;

export interface RetryPolicy {
  attempts: number;
  /** The wait after the first failure; it doubles after each further one. */
  backoffMs: number;
  onRetry?: (attempt: number, error: Error) => void;
}

export async function withRetries<T>(policy: RetryPolicy, work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const e = error as Error;
      const transient = !(e instanceof HttpError) || isTransient(e.status);
      if (!transient || attempt >= policy.attempts) throw e;
      policy.onRetry?.(attempt, e);
      await new Promise((r) => setTimeout(r, policy.backoffMs * 2 ** (attempt - 1)));
    }
  }
}

export interface Answer {
  status: number;
  headers: Headers;
  body: string;
}

export class Http {
  private readonly client = new HttpClient('envd-cache-action');

  /** Any request, answered with status, headers and body; network errors become status 0. */
  async send(method: string, url: string, headers: Record<string, string> = {}, timeoutMs = 15000): Promise<Answer> {
    try {
      const res = await fetch(url, { method, headers: { 'User-Agent': 'envd-cache-action', ...headers }, signal: AbortSignal.timeout(timeoutMs) });
      return { status: res.status, headers: res.headers, body: method === 'HEAD' ? '' : await res.text() };
    } catch (e) {
      return { status: 0, headers: new Headers(), body: (e as Error).message };
    }
  }

  async getJson<T>(url: string, headers: Record<string, string> = {}): Promise<T> {
    const res = await this.client.get(url, { Accept: 'application/vnd.github+json', 'X-GitHub-Api-Version': '2022-11-28', ...headers });
    const body = await res.readBody();
    const status = res.message.statusCode ?? 0;
    if (status < 200 || status >= 300) throw new HttpError(`GET ${url} answered ${status}`, status, url);
    return JSON.parse(body) as T;
  }

  async getText(url: string): Promise<string> {
    const res = await this.client.get(url);
    const body = await res.readBody();
    const status = res.message.statusCode ?? 0;
    if (status < 200 || status >= 300) throw new HttpError(`GET ${url} answered ${status}`, status, url);
    return body;
  }

  async download(url: string, dest: string): Promise<void> {
    const res = await this.client.get(url);
    const status = res.message.statusCode ?? 0;
    if (status < 200 || status >= 300) {
      await res.readBody();
      throw new HttpError(`GET ${url} answered ${status}`, status, url);
    }
    await pipeline(res.message, fs.createWriteStream(dest));
  }
}
