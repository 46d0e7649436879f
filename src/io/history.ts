/**
 * The hit-ratio history's one small GitHub cache entry per run attempt, through @actions/cache: the newest
 * entry of the scope restored by prefix, this run added, a new entry saved. Never throws: a read or write
 * that fails is a warning (or a note), never a failed build.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  HISTORY_FILE,
  type HistoryAccess,
  historyKey,
  historyKeyPrefix,
  type HistoryRun,
  type HistoryView,
  MAX_HISTORY_BYTES,
  parseHistory,
  recordRun,
  serializeHistory
} from '../report/history.js';
import { echo } from '../report/text.js';

/** The part of @actions/cache used here (a seam for tests). */
export interface CacheClient {
  isFeatureAvailable(): boolean;
  restoreCache(paths: string[], primaryKey: string, restoreKeys?: string[]): Promise<string | undefined>;
  saveCache(paths: string[], key: string): Promise<number>;
}

export interface HistoryUpdate {
  view: HistoryView;
  warnings: string[];
}

/**
 * The directory the entry holds. @actions/cache versions an entry by the path strings it is given, so the path
 * must be the same in every run of the scope on every runner: not RUNNER_TEMP (it differs between runner
 * installations), not a random directory, but the system temp directory (/tmp on Linux runners) and the scope.
 */
export const historyDir = (scope: string, tmp = os.tmpdir()) => path.join(tmp, 'envd-cache-history', scope);

export async function updateHistory(
  o: { scope: string; run: HistoryRun; access: HistoryAccess; tmp?: string },
  client?: CacheClient
): Promise<HistoryUpdate> {
  const notes: string[] = [];
  const warnings: string[] = [];
  const view = (runs: HistoryRun[]): HistoryUpdate => ({ view: { scope: o.scope, runs, current: o.run, notes }, warnings });
  if (!o.access.read) {
    notes.push(`No history is kept: ${o.access.noRead ?? 'the GitHub cache cannot be read'}`);
    return view([o.run]);
  }
  // Loaded only here: @actions/cache and the Azure SDK are most of the bundle's start-up time.
  const cache: CacheClient = client ?? (await import('@actions/cache'));
  if (!cache.isFeatureAvailable()) {
    notes.push('No history is kept: the GitHub cache service is not available to this run');
    return view([o.run]);
  }
  const dir = historyDir(o.scope, o.tmp);
  const file = path.join(dir, HISTORY_FILE);
  const prefix = historyKeyPrefix(o.scope);
  let runs: HistoryRun[] = [];
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.rmSync(file, { force: true });
    const restored = await cache.restoreCache([dir], prefix, [prefix]);
    if (!restored) notes.push('No earlier history for this scope: this run starts it');
    else if (!fs.existsSync(file)) notes.push(`The entry ${echo(restored)} held no ${HISTORY_FILE}; starting afresh`);
    else if (fs.statSync(file).size > MAX_HISTORY_BYTES) notes.push(`The entry ${echo(restored)} is larger than ${MAX_HISTORY_BYTES} bytes; starting afresh`);
    else {
      const parsed = parseHistory(fs.readFileSync(file, 'utf8'), o.scope);
      runs = parsed.runs;
      notes.push(`Read from ${echo(restored)}`);
      if (parsed.problem) warnings.push(`Hit-ratio history: ${parsed.problem}`);
    }
  } catch (e) {
    warnings.push(`Reading the hit-ratio history failed (${echo((e as Error).message)}); it starts afresh`);
  }
  runs = recordRun(runs, o.run);
  if (!o.access.write) notes.push(`Not saved: ${o.access.noWrite ?? 'this run does not write the cache'}`);
  else {
    const key = historyKey(o.scope, o.run.run, o.run.attempt);
    try {
      fs.writeFileSync(file, serializeHistory(o.scope, runs));
      // @actions/cache answers -1 when it could not save, and says why itself: a warning for a refused or failed
      // write, an info line when this run attempt already saved the key (a second call with the same scope).
      const id = await cache.saveCache([dir], key);
      if (id === -1) notes.push(`Not saved as ${echo(key)}: the cache client said why above`);
      else notes.push(`Saved as ${echo(key)}`);
    } catch (e) {
      warnings.push(`Saving the hit-ratio history as ${echo(key)} failed: ${echo((e as Error).message)}`);
    }
  }
  fs.rmSync(file, { force: true });
  for (const d of [dir, path.dirname(dir)]) {
    try {
      fs.rmdirSync(d);
    } catch {
      // not empty (another scope's, another job's) or already gone: not ours to clear further
    }
  }
  return view(runs);
}
