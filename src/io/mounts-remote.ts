/**
 * cache-mounts beside the layers: what a registry and an s3 store share (issue 23). Each mount is read from the
 * first place the layers read that has it (the run's own, the pull request base's, the default branch's), its
 * digest checked before it is used, and written to the run's own place. A store that fails or goes silent is given
 * up for the job with one warning: the build goes on without its package caches, never fails for them. The
 * archives (up to cache-mounts-max) are streamed, never held in memory.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Candidate, Locations } from '../backends/location.js';
import { POLICIES } from '../http/policies.js';
import { failureOf, isRetryable, type Outcome, withRetries } from '../http/retry.js';
import { mountKey, parseMountKey } from '../mounts/mounts.js';
import { mountOfPrefix } from '../mounts/remote.js';
import { echo, formatSize, MAX_SENTENCE } from '../text/text.js';
import { ms } from './deadlines.js';
import {
  type Answer,
  type AnswerHeaders,
  answered,
  type Http,
  realClock,
  type Reply as ClientReply,
  requestName
} from './http/client.js';
import { fileSha256, type MountStore, type StoreNote } from './mounts.js';

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

export type Reply = Answer;

/** A timeout is not tried again: a store that went silent once costs one deadline, not one per attempt. */
const retryable = (f: Parameters<typeof isRetryable>[0]) => isRetryable(f) && f.code !== 'TimeoutError';

/** How a message names a request: method, origin and path, never the query (an upload's state). */
const label = requestName;

/** The client's reply as one attempt of ours: any answer it heard, else the failure. */
const heard = (reply: ClientReply): Outcome<Reply> => {
  const a = answered(reply);
  return a ? { ok: true, value: a } : { ok: false, failure: reply.ok ? { message: '' } : reply.failure };
};

/** Attempts of `once` by POLICIES.mountStore: a retryable status or a reset is tried again, a timeout is not. */
async function attempted(name: string, once: () => Promise<Outcome<Reply>>): Promise<Reply> {
  const r = await withRetries(
    POLICIES.mountStore,
    retryable,
    async (): Promise<Outcome<Reply>> => {
      const o = await once();
      if (!o.ok || !isRetryable({ status: o.value.status, message: '' })) return o;
      return { ok: false, failure: { status: o.value.status, message: `${name} answered ${o.value.status}` } };
    },
    realClock
  );
  if (!r.ok) throw new Error(r.reason);
  return r.value;
}

/** A small request (a manifest, a blob check, an upload's start), retried by the policy; an answer of any final status, or a thrown failure. */
export function storeRequest(
  http: Http,
  method: string,
  url: string,
  o: { headers?: Record<string, string>; body?: string } = {}
): Promise<Reply> {
  const name = label(method, url);
  return attempted(name, async () =>
    heard(await http.request(method, url, { ...o, label: name, timeoutMs: ms(POLICIES.mountStore.requestMs) }))
  );
}

/** Headers read from a failure's record (lower-case names), as an answer carries them. */
function headersOf(record: Record<string, string | undefined> = {}): AnswerHeaders {
  const entries = Object.entries(record).filter((e): e is [string, string] => e[1] !== undefined);
  return { get: (n) => record[n.toLowerCase()] ?? null, [Symbol.iterator]: () => entries[Symbol.iterator]() };
}

/**
 * An archive's transfer, streamed: `upload` a file as the request's body, or `download` a 200 answer's body into a
 * file (another status is an answer with no body). No whole-request deadline; no byte either way for
 * POLICIES.mountStore.idleMs ends it. Tried again from the start on a reset or a 5xx.
 */
export function streamRequest(
  http: Http,
  req: { method: string; url: string; headers: Record<string, string> },
  file: { upload?: string; download?: string }
): Promise<Reply> {
  const name = label(req.method, req.url);
  const o = { headers: req.headers, label: name, idleTimeoutMs: ms(POLICIES.mountStore.idleMs) };
  return attempted(name, async () => {
    if (file.upload) return heard(await http.upload(req.method, req.url, file.upload, o));
    const got = await http.download(req.url, file.download ?? '', o);
    if (got.ok) return { ok: true, value: { status: 200, headers: got.value, body: '' } };
    const { status, headers } = got.failure;
    return status === undefined ? got : { ok: true, value: { status, headers: headersOf(headers), body: '' } };
  });
}
