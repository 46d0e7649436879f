/**
 * The hit-ratio history's one small GitHub cache entry per run attempt: the newest entry of the scope restored by
 * prefix, this run added, a new entry saved. On the cache service v2 (github.com) the entry is the JSON document
 * itself, read and written through our own client (io/github/cache-service.ts): no tar, no temporary directory,
 * nothing loaded. Where only v1 is offered (GHES), @actions/cache is the fallback, loaded on first use, with its
 * tar of one file under the system temp directory. Never throws: a read or write that fails is a warning (or a
 * note), never a failed build.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  HISTORY_CACHE_VERSION,
  HISTORY_FILE,
  type HistoryAccess,
  type HistoryRun,
  type HistoryView,
  entryRuns,
  type EntryRead,
  recordRun,
  serializeHistory
} from '../report/history.js';
import { historyKey, historyKeyPrefix } from '../cache/entries.js';
import type { Runtime } from '../runtime/runtime.js';
import { echo } from '../text/text.js';
import { CacheService } from './github/cache-service.js';
import { downFor } from './deadlines.js';
import type { Http } from './http/client.js';

/** The part of @actions/cache used by the v1 fallback (a seam for tests). */
export interface CacheClient {
  isFeatureAvailable(): boolean;
  restoreCache(paths: string[], primaryKey: string, restoreKeys?: string[]): Promise<string | undefined>;
  saveCache(paths: string[], key: string): Promise<number>;
}

export interface HistoryUpdate {
  view: HistoryView;
  warnings: string[];
}

/** What the history needs of the runner's cache service. */
export type HistoryService = Pick<Runtime['cacheService'], 'v2' | 'token' | 'resultsUrl'>;

/** Whether the history goes through our own client (cache service v2), not @actions/cache. */
export const usesOwnClient = (
  svc: HistoryService | undefined
): svc is HistoryService & { token: string; resultsUrl: string } => !!svc?.v2 && !!svc.token && !!svc.resultsUrl;

/** What a store found: the newest entry's text and key, nothing (with the note to show), or why it could not read. */
type Found = { key: string; text: string } | { note: string } | { failed: string };
/** What a store did with this run's entry: a note, or a warning. */
type Saved = { note: string } | { warning: string };

interface HistoryStore {
  read(prefix: string): Promise<Found>;
  write(key: string, text: string): Promise<Saved>;
  /** Removes what the store left on disk. */
  close(): void;
}

/**
 * The fallback's directory. @actions/cache versions an entry by the path strings it is given, so the path must
 * be the same in every run of the scope on every runner: not RUNNER_TEMP (it differs between runner
 * installations), not a random directory, but the system temp directory (/tmp on Linux runners) and the scope.
 */
export const historyDir = (scope: string, tmp = os.tmpdir()) => path.join(tmp, 'envd-cache-history', scope);

/** Cache service v2: the entry is the document, in our own version (HISTORY_CACHE_VERSION). */
function serviceStore(svc: { token: string; resultsUrl: string }, http?: Http): HistoryStore {
  const client = new CacheService({ token: svc.token, resultsUrl: svc.resultsUrl, ...(http ? { http } : {}) });
  return {
    async read(prefix) {
      const r = await client.read(prefix, [], { version: HISTORY_CACHE_VERSION });
      if (r.status === 'miss') return { note: 'No earlier history for this scope: this run starts it' };
      // A service that went silent has had its one warning (io/deadlines.ts): here a note says what it cost.
      const down = downFor(svc.resultsUrl);
      if (r.status === 'failed' && down) return { note: `Not read: ${echo(down)}` };
      if (r.status === 'failed') return { failed: r.reason };
      return { key: r.key, text: r.body };
    },
    async write(key, text) {
      const w = await client.write(key, HISTORY_CACHE_VERSION, text);
      if (w.status === 'saved') return { note: `Saved as ${echo(key)}` };
      // Entries are immutable: this run attempt saved the key already (a second call, or another job of the run
      // building the same thing: the scope names the build, not the job).
      if (w.status === 'exists')
        return {
          note: `Not saved as ${echo(key)}: an entry of this run attempt exists already (another call or job of this run with the same scope)`
        };
      const down = downFor(svc.resultsUrl);
      if (down) return { note: `Not saved: ${echo(down)}` };
      return {
        warning: `Saving the hit-ratio history as ${echo(key)} ${w.status === 'refused' ? 'was refused' : 'failed'}: ${echo(w.reason)}`
      };
    },
    close() {}
  };
}

/** Cache service v1 (GHES): @actions/cache, with the document as a file in historyDir. */
function actionsCacheStore(cache: CacheClient, dir: string): HistoryStore {
  const file = path.join(dir, HISTORY_FILE);
  return {
    async read(prefix) {
      try {
        fs.mkdirSync(dir, { recursive: true });
        fs.rmSync(file, { force: true });
        const restored = await cache.restoreCache([dir], prefix, [prefix]);
        if (!restored) return { note: 'No earlier history for this scope: this run starts it' };
        if (!fs.existsSync(file))
          return { note: `The entry ${echo(restored)} held no ${HISTORY_FILE}; starting afresh` };
        return { key: restored, text: fs.readFileSync(file, 'utf8') };
      } catch (e) {
        return { failed: (e as Error).message };
      }
    },
    async write(key, text) {
      try {
        fs.writeFileSync(file, text);
        // @actions/cache answers -1 when it could not save, and says why itself: a warning for a refused or failed
        // write, an info line when this run attempt already saved the key (a second call or job with the same scope).
        const id = await cache.saveCache([dir], key);
        return {
          note: id === -1 ? `Not saved as ${echo(key)}: the cache client said why above` : `Saved as ${echo(key)}`
        };
      } catch (e) {
        return { warning: `Saving the hit-ratio history as ${echo(key)} failed: ${echo((e as Error).message)}` };
      }
    },
    close() {
      fs.rmSync(file, { force: true });
      for (const d of [dir, path.dirname(dir)]) {
        try {
          fs.rmdirSync(d);
        } catch {
          // not empty (another scope's, another job's) or already gone: not ours to clear further
        }
      }
    }
  };
}

export interface HistoryOptions {
  scope: string;
  run: HistoryRun;
  access: HistoryAccess;
  /** The runner's cache service; v2 with a token and results URL uses our own client, anything else @actions/cache. */
  service?: HistoryService;
  /** The fallback's temp directory (tests). */
  tmp?: string;
  /** The HTTP client of the v2 client (tests). */
  http?: Http;
}

/** The runs of the newest stored history, with what to say about it. Never throws. */
async function readRuns(store: HistoryStore, scope: string): Promise<EntryRead> {
  const said: EntryRead = { runs: [], notes: [], warnings: [] };
  const found = await store.read(historyKeyPrefix(scope));
  if ('note' in found) return (void said.notes.push(found.note), said);
  if ('failed' in found)
    return (
      void said.warnings.push(`Reading the hit-ratio history failed (${echo(found.failed)}); it starts afresh`),
      said
    );
  return entryRuns(found, scope);
}

/** The store for this run, or the note saying why no history is kept. */
async function openStore(o: Omit<HistoryOptions, 'run'>, client?: CacheClient): Promise<HistoryStore | string> {
  if (usesOwnClient(o.service)) return serviceStore(o.service, o.http);
  try {
    // Loaded only here, and only on v1: @actions/cache and the Azure SDK are most of the bundle's start-up time.
    const cache: CacheClient = client ?? (await import('@actions/cache'));
    if (!cache.isFeatureAvailable()) return 'No history is kept: the GitHub cache service is not available to this run';
    return actionsCacheStore(cache, historyDir(o.scope, o.tmp));
  } catch (e) {
    return `No history is kept: the cache client could not be loaded (${echo((e as Error).message)})`;
  }
}

/** A history whose read is under way: `finish` adds this run and saves it, by `access`. */
export interface HistoryHandle {
  /** Settles when the read is done (never rejects). */
  read: Promise<unknown>;
  finish(run: HistoryRun, access: HistoryAccess): Promise<HistoryUpdate>;
}

/**
 * Starts the history: the read of the newest stored entry goes out at once (it does not depend on the build, so
 * main starts it as the build starts); `finish` waits for it, adds the run and writes. Never throws.
 * `client`: the v1 fallback's cache client (tests); never used on v2.
 */
export function beginHistory(o: Omit<HistoryOptions, 'run'>, client?: CacheClient): HistoryHandle {
  const opening = o.access.read
    ? openStore(o, client)
    : Promise.resolve(`No history is kept: ${o.access.noRead ?? 'the GitHub cache cannot be read'}`);
  const reading = opening
    .then((store) => (typeof store === 'string' ? undefined : readRuns(store, o.scope)))
    .catch((e: Error): EntryRead => ({
      runs: [],
      notes: [],
      warnings: [`Reading the hit-ratio history failed (${echo(e.message)}); it starts afresh`]
    }));
  return {
    read: reading,
    async finish(run, access) {
      const store = await opening;
      const view = (runs: HistoryRun[], said: { notes: string[]; warnings: string[] }): HistoryUpdate => ({
        view: { scope: o.scope, runs, current: run, notes: said.notes },
        warnings: said.warnings
      });
      if (typeof store === 'string') return view([run], { notes: [store], warnings: [] });
      const read = (await reading) as EntryRead;
      const said = { notes: [...read.notes], warnings: [...read.warnings] };
      try {
        const runs = recordRun(read.runs, run);
        if (!access.write) said.notes.push(`Not saved: ${access.noWrite ?? 'this run does not write the cache'}`);
        else {
          const saved = await store.write(historyKey(o.scope, run.run, run.attempt), serializeHistory(o.scope, runs));
          if ('note' in saved) said.notes.push(saved.note);
          else said.warnings.push(saved.warning);
        }
        return view(runs, said);
      } finally {
        store.close();
      }
    }
  };
}

/** The newest run of the history a handle read (undefined: none, or nothing could be read). Never throws. */
export async function lastRun(handle: HistoryHandle): Promise<HistoryRun | undefined> {
  const read = (await handle.read) as EntryRead | undefined;
  return read?.runs[read.runs.length - 1];
}

/** Reads, adds this run and saves, in one go (beginHistory then finish). `client`: the v1 fallback's (tests). */
export function updateHistory(o: HistoryOptions, client?: CacheClient): Promise<HistoryUpdate> {
  return beginHistory(o, client).finish(o.run, o.access);
}
