/**
 * cache-mounts beside the layers: what a registry and an s3 store share (issue 23). Each mount is read from the
 * first place the layers read that has it (the run's own, the pull request base's, the default branch's), its
 * digest checked before it is used, and written to the run's own place. A store that fails or goes silent is given
 * up for the job with one warning: the build goes on without its package caches, never fails for them. The
 * archives (up to cache-mounts-max) are streamed, never held in memory.
 */
import { getProxyUrl } from '@actions/http-client/lib/proxy';
import * as fs from 'node:fs';
import type * as NodeHttp from 'node:http';
import * as nodeHttps from 'node:https';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Candidate, Locations } from '../backends/location.js';
import { POLICIES } from '../http/policies.js';
import { failureOf, isRetryable, type Outcome, withRetries } from '../http/retry.js';
import { mountKey, parseMountKey } from '../mounts/mounts.js';
import { mountOfPrefix } from '../mounts/remote.js';
import { echo, formatSize, MAX_SENTENCE } from '../text/text.js';
import { ms, seconds } from './deadlines.js';
import { type AnswerHeaders, type Http, realClock } from './http.js';
import { fileSha256, type MountStore, type StoreNote } from './mounts.js';

/** node:http through require, as io/http.ts loads it (on Node 24 its ESM namespace loads undici). */
const nodeHttp = createRequire(import.meta.url)('node:http') as typeof NodeHttp;
const USER_AGENT = 'envd-cache-action';

export interface Mount {
  scope: string;
  id: string;
}

export interface Blob {
  /** 64 hex. */
  sha256: string;
  size: number;
}

/** A content problem with one entry (not ours, wrong digest): that mount is not restored; the store stays in use. */
export class MountRefused extends Error {}

/** One store's two transfers; everything else (fallback, checks, faults) is `remoteMountStore`'s. */
export interface RemoteMounts {
  /** How messages name it: `the registry ghcr.io/org/env`. */
  where: string;
  /** Why it cannot be used at all in this job (no credentials to sign with), if so. */
  unavailable?: string;
  /** Downloads the archive of `mount` at place `name` into `dest`: the sha256 the store names for it, or undefined when it has none. */
  get(name: string, mount: Mount, dest: string): Promise<string | undefined>;
  /** Uploads `file` as the archive of `mount` at place `name`. */
  put(name: string, mount: Mount, file: string, blob: Blob): Promise<void>;
}

/** The step's MountStore over a registry's or s3's transfers, reading `places.reads` in order and writing `places.write`. */
export function remoteMountStore(remote: RemoteMounts, places: Locations): MountStore {
  const notes: StoreNote[] = [];
  let down: string | undefined;
  let told = false;
  /** False, said once, when the store cannot be used at all in this job. */
  const usable = () => {
    if (remote.unavailable && !told) notes.push({ text: `Package caches are not kept: ${remote.unavailable}` });
    told = true;
    return !remote.unavailable;
  };
  const fail = (doing: string, e: unknown): void => {
    if (e instanceof MountRefused) {
      notes.push({ warning: true, text: e.message });
      return;
    }
    if (down) return;
    down = failureOf(e).message;
    notes.push({
      warning: true,
      text: `Package caches: ${remote.where} failed while ${doing} (${echo(down, MAX_SENTENCE)}); the build goes on without them, and nothing more is read from or written to it in this job`
    });
  };
  return {
    where: remote.where,
    drain: () => notes.splice(0),
    available: async () => usable(),
    async restore(dir, prefix) {
      const mount = mountOfPrefix(prefix);
      if (!mount || down) return undefined;
      fs.mkdirSync(dir, { recursive: true });
      try {
        return await firstFound(remote, places.reads, { mount, dir, notes });
      } catch (e) {
        fs.rmSync(dir, { recursive: true, force: true });
        fail(`reading ${mount.id}`, e);
        return undefined;
      }
    },
    async save(dir, key) {
      const k = parseMountKey(key);
      if (!k || down || !usable()) return false;
      const file = path.join(dir, 'mount.tar');
      try {
        const blob = { sha256: await fileSha256(file), size: fs.statSync(file).size };
        await remote.put(places.write.name, k, file, blob);
        notes.push({ text: `${k.id}: written for ${places.write.owner}` });
        return true;
      } catch (e) {
        fail(`writing ${k.id}`, e);
        return false;
      }
    }
  };
}

/** The first place that has the mount, its archive checked against the digest the store gave; its key, or undefined. */
async function firstFound(
  remote: RemoteMounts,
  reads: readonly Candidate[],
  at: { mount: Mount; dir: string; notes: StoreNote[] }
): Promise<string | undefined> {
  const file = path.join(at.dir, 'mount.tar');
  for (const place of reads) {
    const named = await remote.get(place.name, at.mount, file);
    if (named === undefined) continue;
    const actual = await fileSha256(file);
    if (actual !== named)
      throw new MountRefused(
        `Package cache ${at.mount.id} of ${place.owner} was refused: its content has sha256 ${actual.slice(0, 12)}…, not the ${named.slice(0, 12)}… ${remote.where} names; it is not restored`
      );
    at.notes.push({ text: `${at.mount.id}: ${formatSize(fs.statSync(file).size)} from ${place.owner}` });
    return mountKey(at.mount.scope, at.mount.id, actual);
  }
  return undefined;
}

/* The transfers. */

export interface Reply {
  status: number;
  headers: AnswerHeaders;
  body: string;
}

/** A timeout is not tried again: a store that went silent once costs one deadline, not one per attempt. */
const retryable = (f: Parameters<typeof isRetryable>[0]) => isRetryable(f) && f.code !== 'TimeoutError';

/** How a message names a request: method, origin and path, never the query (an upload's state). */
function label(method: string, url: string): string {
  const u = new URL(url);
  return `${method} ${u.origin}${u.pathname}`;
}

/** A small request (a manifest, a blob check, an upload's start), retried by the policy; an answer of any final status, or a thrown failure. */
export async function storeRequest(
  http: Http,
  method: string,
  url: string,
  o: { headers?: Record<string, string>; body?: string } = {}
): Promise<Reply> {
  const policy = POLICIES.mountStore;
  const name = label(method, url);
  const r = await withRetries(
    policy,
    retryable,
    async (): Promise<Outcome<Reply>> => {
      const a = await http.answer(method, url, { ...o, label: name, timeoutMs: ms(policy.requestMs) });
      return a.ok ? a : { ok: false, failure: a.failure };
    },
    realClock
  );
  if (!r.ok) throw new Error(r.reason);
  return r.value;
}

/**
 * An archive's transfer, streamed: `upload` a file as the request's body, or `download` a 200 answer's body into a
 * file. No whole-request deadline; no byte either way for POLICIES.mountStore.idleMs ends it. Tried again from the
 * start on a reset or a 5xx.
 */
export async function streamRequest(
  http: Http,
  req: { method: string; url: string; headers: Record<string, string> },
  file: { upload?: string; download?: string }
): Promise<Reply> {
  const name = label(req.method, req.url);
  const r = await withRetries(
    POLICIES.mountStore,
    retryable,
    async (): Promise<Outcome<Reply>> => {
      const reply = await streamOnce(http, req, file);
      return isRetryable({ status: reply.status, message: '' })
        ? { ok: false, failure: { status: reply.status, message: `${name} answered ${reply.status}` } }
        : { ok: true, value: reply };
    },
    realClock
  );
  if (!r.ok) throw new Error(r.failure.status ? r.reason : `${name} failed: ${r.reason}`);
  return r.value;
}

async function streamOnce(
  http: Http,
  req: { method: string; url: string; headers: Record<string, string> },
  file: { upload?: string; download?: string }
): Promise<Reply> {
  const idleMs = ms(POLICIES.mountStore.idleMs);
  const controller = new AbortController();
  const idle = setTimeout(
    () => controller.abort(new DOMException(`no data for ${seconds(idleMs)}`, 'TimeoutError')),
    idleMs
  );
  const touch = () => idle.refresh();
  try {
    if (file.upload && !getProxyUrl(new URL(req.url)))
      return await nodeUpload(req, file.upload, { touch, signal: controller.signal });
    // Through a proxy, fetch's (Node 20's undici keeps a streamed body's chunks until the request ends).
    const body = file.upload ? pulled(file.upload, touch) : undefined;
    const res = await http.fetch(req.url, {
      method: req.method,
      headers: req.headers,
      body,
      signal: controller.signal,
      ...(body ? { duplex: 'half' } : {})
    } as RequestInit);
    touch();
    if (file.download && res.status === 200 && res.body) {
      const source = Readable.fromWeb(res.body as WebReadableStream<Uint8Array>);
      source.on('data', touch);
      await pipeline(source, fs.createWriteStream(file.download));
      return { status: res.status, headers: res.headers, body: '' };
    }
    return { status: res.status, headers: res.headers, body: await res.text() };
  } finally {
    clearTimeout(idle);
  }
}

/**
 * A file as a request body, read as the request takes it: one chunk per pull, none ahead. (Node 20's
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

/**
 * An upload over node:http(s), the file piped into the request as the socket takes it (fetch on Node 20 held a
 * 1 GB archive in memory). `touch` on every chunk either way; `signal` ends it.
 */
function nodeUpload(
  req: { method: string; url: string; headers: Record<string, string> },
  file: string,
  o: { touch: () => void; signal: AbortSignal }
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const url = new URL(req.url);
    const request = (url.protocol === 'https:' ? nodeHttps.request : nodeHttp.request)(
      url,
      { method: req.method, headers: { 'user-agent': USER_AGENT, ...req.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => (o.touch(), chunks.push(c)));
        res.on('error', reject);
        res.on('end', () => {
          const headers = new Headers();
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers.set(k, [v].flat().join(', '));
          resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString('utf8') });
        });
      }
    );
    const stop = () => request.destroy(o.signal.reason as Error);
    o.signal.addEventListener('abort', stop, { once: true });
    request.on('close', () => o.signal.removeEventListener('abort', stop));
    request.on('error', reject);
    const source = fs.createReadStream(file);
    source.on('data', o.touch);
    source.on('error', (e) => request.destroy(e));
    source.pipe(request);
  });
}
