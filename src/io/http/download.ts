/**
 * The HTTP client's streamed transport: a 2xx body written to a file as it comes, over fetch (./fetch.ts). No
 * overall deadline (a large asset on a slow link takes what it takes): an attempt ends when no byte came for
 * `idleMs`, a TimeoutError, and then marks the service down when the client names one (io/deadlines.ts).
 */
import * as fs from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Outcome } from '../../http/retry.js';
import { downFor, markDown, seconds, type Service } from '../deadlines.js';
import { type AnswerHeaders, networkError, statusFailure } from './answer.js';

export interface DownloadTarget {
  url: string;
  dest: string;
  headers?: Record<string, string>;
}

export interface DownloadWatch {
  /** How failures name the request. */
  label: string;
  /** How a service-down warning names it (no query). */
  name: string;
  idleMs: number;
  service?: Service;
}

/**
 * One attempt: the answer's 2xx body into `dest` (its headers), or the failure (a status; thrown: a network error
 * or the idle timeout).
 */
export async function downloadOnce(
  fetch: (url: string, init: RequestInit) => Promise<Response>,
  target: DownloadTarget,
  watch: DownloadWatch
): Promise<Outcome<AnswerHeaders>> {
  const { url, dest, headers } = target;
  const gone = downFor(url);
  if (gone) throw networkError(gone, 'ESERVICEDOWN');
  const controller = new AbortController();
  const idle = setTimeout(
    () => controller.abort(new DOMException(`no data for ${seconds(watch.idleMs)}`, 'TimeoutError')),
    watch.idleMs
  );
  try {
    const res = await fetch(url, { headers, signal: controller.signal });
    if (!res.ok || !res.body) {
      await res.body?.cancel().catch(() => undefined);
      return { ok: false, failure: statusFailure(watch.label, res) };
    }
    const body = Readable.fromWeb(res.body as WebReadableStream<Uint8Array>);
    body.on('data', () => idle.refresh());
    await pipeline(body, fs.createWriteStream(dest));
    return { ok: true, value: res.headers };
  } catch (error) {
    if (controller.signal.aborted && watch.service)
      markDown(url, watch.service, `sent no data for ${seconds(watch.idleMs)} (${watch.name})`);
    throw error;
  } finally {
    clearTimeout(idle);
  }
}
