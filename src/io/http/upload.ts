/**
 * The HTTP client's streamed upload: a file as a request's body, read as the request takes it, never whole in
 * memory (a cache-mounts archive is up to 2 GB). Over node:http(s) when the URL goes direct (Node 20's fetch held
 * a streamed 1 GB body in memory until the request ended); through the runner's proxy over fetch, one chunk per
 * pull. No overall deadline: an attempt ends when no byte moved either way for `idleMs` (a TimeoutError).
 */
import * as fs from 'node:fs';
import type * as NodeHttp from 'node:http';
import * as nodeHttps from 'node:https';
import { createRequire } from 'node:module';
import { downFor, seconds } from '../deadlines.js';
import { type Answer, type AnswerHeaders, networkError, USER_AGENT } from './answer.js';
import { readWhole } from './fetch.js';

/** node:http through require, as ./node.ts loads it (on Node 24 its ESM namespace loads undici). */
const nodeHttp = createRequire(import.meta.url)('node:http') as typeof NodeHttp;

export interface UploadTarget {
  method: string;
  url: string;
  file: string;
  headers?: Record<string, string>;
}

/**
 * One attempt: `target.file` streamed as the body, the answer read whole (any status); throws a network error,
 * the idle timeout, or at once when the service is down for this job. Over `fetch` when one is given (a proxy, a
 * test), else node:http(s).
 */
export async function uploadOnce(
  fetch: ((url: string, init: RequestInit) => Promise<Response>) | undefined,
  target: UploadTarget,
  idleMs: number
): Promise<Answer> {
  const gone = downFor(target.url);
  if (gone) throw networkError(gone, 'ESERVICEDOWN');
  const controller = new AbortController();
  const idle = setTimeout(
    () => controller.abort(new DOMException(`no data for ${seconds(idleMs)}`, 'TimeoutError')),
    idleMs
  );
  const touch = () => idle.refresh();
  try {
    if (!fetch) return await nodeUpload(target, { touch, signal: controller.signal });
    const init = {
      method: target.method,
      headers: target.headers,
      body: pulled(target.file, touch),
      signal: controller.signal,
      duplex: 'half'
    };
    const res = await fetch(target.url, init as RequestInit);
    touch();
    return await readWhole(target.method, res);
  } finally {
    clearTimeout(idle);
  }
}

/**
 * A file as a fetch body, read as the request takes it: one chunk per pull, none ahead. (Node 20's
 * `Readable.toWeb` counts its high-water mark in chunks, not bytes, and read a 1 GB archive whole into memory.)
 */
function pulled(file: string, touch: () => void): ReadableStream<Uint8Array> {
  const source = fs.createReadStream(file);
  const chunks = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const { value, done } = await chunks.next();
        touch();
        if (done) controller.close();
        else controller.enqueue(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
      },
      cancel: () => void source.destroy()
    },
    { highWaterMark: 0 }
  );
}

/** The answer's headers as the client reads them: any case of the name, sorted entries. */
function headersOf(res: NodeHttp.IncomingMessage): AnswerHeaders {
  const byName = new Map<string, string>();
  for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) byName.set(k, [v].flat().join(', '));
  return {
    get: (name) => byName.get(name.toLowerCase()) ?? null,
    [Symbol.iterator]: () => [...byName].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))[Symbol.iterator]()
  };
}

/** The upload over node:http(s): the file piped into the request as the socket takes it; `touch` on every chunk. */
function nodeUpload(target: UploadTarget, o: { touch: () => void; signal: AbortSignal }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const url = new URL(target.url);
    const request = (url.protocol === 'https:' ? nodeHttps.request : nodeHttp.request)(
      url,
      { method: target.method, headers: { 'user-agent': USER_AGENT, ...target.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => (o.touch(), chunks.push(c)));
        res.on('error', reject);
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: headersOf(res),
            body: Buffer.concat(chunks).toString('utf8')
          })
        );
      }
    );
    const stop = () => request.destroy(o.signal.reason as Error);
    o.signal.addEventListener('abort', stop, { once: true });
    request.on('close', () => o.signal.removeEventListener('abort', stop));
    request.on('error', reject);
    const source = fs.createReadStream(target.file);
    source.on('data', o.touch);
    source.on('error', (e) => request.destroy(e));
    source.pipe(request);
  });
}
