/**
 * The GitHub cache's entries as BuildKit's gha exporter leaves them: which are BuildKit's, and of each (ref, scope)
 * which index generation is live, which superseded ones are still pinned (a running job may have loaded them) and
 * which are not. Read by the prune planner (prune.ts) and the export estimate (estimate.ts). Pure.
 */
import { BUILDKIT_CACHE_VERSION, isBlobKey, parseIndexKey } from './keys.js';
import { HOUR_MS } from './units.js';

/** How long after being superseded an index may still be in use by a job that loaded it. */
export const DEFAULT_PIN_MS = HOUR_MS;

/** One GitHub cache entry, as the REST listing reports it (times in ms since the epoch). */
export interface CacheEntry {
  id: number;
  key: string;
  ref: string;
  size: number;
  createdAt: number;
  lastAccessedAt: number;
  /** Cache version; entries of another version are not BuildKit's. Undefined: judged by the key alone. */
  version?: string;
}

/** A BuildKit gha entry: its version (when known) is BuildKit's and its key a blob or index key. */
export function isBuildKitEntry(e: CacheEntry): boolean {
  if (e.version !== undefined && e.version !== BUILDKIT_CACHE_VERSION) return false;
  return isBlobKey(e.key) || parseIndexKey(e.key) !== undefined;
}

/** Newest first, the way the cache service picks the newest prefix match: creation time, then `#n`, then id. */
function newestFirst(a: { entry: CacheEntry; n: number }, b: { entry: CacheEntry; n: number }): number {
  return b.entry.createdAt - a.entry.createdAt || b.n - a.n || b.entry.id - a.entry.id;
}

export interface Superseded {
  entry: CacheEntry;
  /** The index that replaced it (the next newer one) and the live one of its group. */
  successor: CacheEntry;
  live: CacheEntry;
}

export interface IndexClasses {
  /** The newest index of each (ref, scope): what BuildKit imports. */
  live: CacheEntry[];
  /** Superseded less than `pinMs` ago: a running job may have loaded it. */
  pinned: Superseded[];
  /** Superseded longer ago. */
  superseded: Superseded[];
}

export function classifyIndexes(entries: readonly CacheEntry[], now: number, pinMs = DEFAULT_PIN_MS): IndexClasses {
  const groups = new Map<string, Array<{ entry: CacheEntry; n: number }>>();
  for (const entry of entries) {
    if (!isBuildKitEntry(entry)) continue;
    const parsed = parseIndexKey(entry.key);
    if (!parsed) continue;
    const id = `${entry.ref}\n${parsed.base}`;
    const group = groups.get(id) ?? [];
    group.push({ entry, n: parsed.n });
    groups.set(id, group);
  }
  const out: IndexClasses = { live: [], pinned: [], superseded: [] };
  for (const group of groups.values()) {
    group.sort(newestFirst);
    const live = group[0].entry;
    out.live.push(live);
    for (let i = 1; i < group.length; i++) {
      const s = { entry: group[i].entry, successor: group[i - 1].entry, live };
      (s.successor.createdAt > now - pinMs ? out.pinned : out.superseded).push(s);
    }
  }
  return out;
}
