/* The action's prune planner before issue 15 (commit 6e91437), kept verbatim as the bench's 'before' baseline. Not used by the action. */
/**
 * The prune planner: which GitHub cache entries to delete, and why. Pure: a function of the listed entries,
 * the contents of the indexes the runtime token could read, the budget and the clock.
 *
 * Vocabulary. An index is *live* when it is the newest `#n` of its (ref, scope): that is what BuildKit
 * imports. A superseded index is *pinned* while its successor is younger than `pinMs`: a job that loaded it
 * before it was superseded may still be pulling its layers lazily.
 *
 * Rules, least valuable first; deletions are planned, and carried out, in this order:
 * 1. `closed-pr`: every BuildKit entry on the ref of a closed pull request, indexes first. Always.
 * 2. `superseded-index`: superseded indexes that are not pinned, on any ref (the keys alone tell). Always:
 *    they are a few KB each and nothing imports them.
 * 3. `unreferenced-blob`: layer blobs on readable refs that no live or pinned index on a readable ref
 *    references, least recently used first. Only while usage is above target.
 * 4. `idle-ref`: refs this token cannot read (other branches, other pull requests) are judged by age and
 *    last access only. Whole refs untouched for `idleMs`, the most bytes unused the longest first (idle time
 *    × bytes), each with all its indexes before any of its blobs: an index never points at a deleted blob,
 *    and blobs without their index give no hits. Only while usage is above target.
 * 5. `superseded-index` / `unreferenced-blob` again, for pinned generations on readable refs: their blobs
 *    that no live index references, then. A last resort before GitHub's own LRU eviction, which would be
 *    blind to live indexes.
 *
 * Invariants: nothing a live index on a readable ref references is deleted, nor such an index; entries that
 * are not BuildKit's (another version, another key shape) are never deleted but count toward usage. Rules 3
 * to 5 leave alone whatever was written or used since the job started, or within `graceMs` (3) or `idleMs`
 * (4, 5): it may belong to a concurrent job whose index is not written yet. If a live index on a
 * readable ref could not be read, or the listing changed while it was paged, rules 3 and 5 are skipped.
 */
import { TARGET_RATIO, formatSize } from '../src/budget/budget.js';
import { BUILDKIT_CACHE_VERSION, blobDigest, isBlobKey, parseIndexKey } from '../src/budget/keys.js';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
/** Unreferenced blobs used this recently stay: a concurrent export may not have written its index yet. */
export const DEFAULT_GRACE_MS = HOUR_MS;
/** How long after being superseded an index may still be in use by a job that loaded it. */
export const DEFAULT_PIN_MS = HOUR_MS;
/**
 * A ref this token cannot read is reclaimable once nobody touched it for this long (longer than an export
 * takes). Refs go least recently used first and only while usage is above target, so in practice a ref this
 * young goes only when the alternative is GitHub's own LRU eviction.
 */
export const DEFAULT_IDLE_MS = 15 * MINUTE_MS;

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

export type PruneReason = 'closed-pr' | 'superseded-index' | 'unreferenced-blob' | 'idle-ref';
export const PRUNE_REASONS: readonly PruneReason[] = ['closed-pr', 'superseded-index', 'unreferenced-blob', 'idle-ref'];

export interface Deletion {
  id: number;
  key: string;
  ref: string;
  bytes: number;
  reason: PruneReason;
  /** Why, in words, for logs and the dry-run table. */
  detail: string;
}

export interface PruneInput {
  entries: readonly CacheEntry[];
  /** Blob digests referenced by each index entry (by id) the token could read. */
  liveIndexes: ReadonlyMap<number, ReadonlySet<string>>;
  /** Refs the runtime token can read. */
  readableRefs: readonly string[];
  /** Refs of closed pull requests (`refs/pull/<n>/merge`). */
  closedPrRefs?: readonly string[];
  budgetBytes: number;
  /** Usage is brought under `targetRatio × budgetBytes`; default TARGET_RATIO. */
  targetRatio?: number;
  now: number;
  /** When this job started; entries since then are treated as possibly in flight. */
  jobStart?: number;
  graceMs?: number;
  pinMs?: number;
  idleMs?: number;
  /** False when the listing may have missed entries (it changed while being paged). */
  listingComplete?: boolean;
}

export interface PrunePlan {
  deletions: Deletion[];
  usageBytes: number;
  budgetBytes: number;
  targetBytes: number;
  deleteBytes: number;
  /** Usage once the deletions are done. */
  keptBytes: number;
  underTarget: boolean;
  /** Live and pinned indexes on readable refs, and how many of those were read. */
  indexes: { live: number; pinned: number; read: number };
  /** Bytes of blobs on readable refs that a live index references. */
  protectedBytes: number;
  byReason: Record<PruneReason, { entries: number; bytes: number }>;
  /** Why a rule was skipped, or why the target cannot be reached. */
  notes: string[];
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

/** The index entries whose contents the planner needs: live and pinned indexes on readable refs. */
export function indexesToRead(
  entries: readonly CacheEntry[],
  readableRefs: readonly string[],
  closedPrRefs: readonly string[] = [],
  now: number,
  pinMs = DEFAULT_PIN_MS
): CacheEntry[] {
  const readable = new Set(readableRefs.filter((r) => !closedPrRefs.includes(r)));
  const { live, pinned } = classifyIndexes(entries, now, pinMs);
  return [...live, ...pinned.map((p) => p.entry)].filter((e) => readable.has(e.ref));
}

export function formatAge(ms: number): string {
  if (ms < HOUR_MS) return `${Math.max(0, Math.round(ms / MINUTE_MS))} min`;
  if (ms < DAY_MS) return `${(ms / HOUR_MS).toFixed(1)} h`;
  return `${(ms / DAY_MS).toFixed(1)} d`;
}

const lru = (a: CacheEntry, b: CacheEntry) => a.lastAccessedAt - b.lastAccessedAt || b.size - a.size || a.id - b.id;
const oldestFirst = (a: CacheEntry, b: CacheEntry) => a.createdAt - b.createdAt || a.id - b.id;
const n = (e: CacheEntry) => parseIndexKey(e.key)?.n ?? '?';

export function planPrune(input: PruneInput): PrunePlan {
  const { now, budgetBytes } = input;
  const graceMs = input.graceMs ?? DEFAULT_GRACE_MS;
  const pinMs = input.pinMs ?? DEFAULT_PIN_MS;
  const closed = new Set(input.closedPrRefs ?? []);
  const readable = new Set(input.readableRefs.filter((r) => !closed.has(r)));
  const jobStart = input.jobStart ?? Number.POSITIVE_INFINITY;
  const cutoff = Math.min(now - graceMs, jobStart);
  const idleCutoff = Math.min(now - (input.idleMs ?? DEFAULT_IDLE_MS), jobStart);
  const targetBytes = Math.floor(budgetBytes * (input.targetRatio ?? TARGET_RATIO));
  const usageBytes = input.entries.reduce((sum, e) => sum + e.size, 0);
  const ours = input.entries.filter(isBuildKitEntry);
  const notes: string[] = [];

  const deletions: Deletion[] = [];
  const chosen = new Set<number>();
  let projected = usageBytes;
  const above = () => projected > targetBytes;
  const take = (e: CacheEntry, reason: PruneReason, detail: string) => {
    if (chosen.has(e.id)) return;
    chosen.add(e.id);
    deletions.push({ id: e.id, key: e.key, ref: e.ref, bytes: e.size, reason, detail });
    projected -= e.size;
  };

  // 1. Closed pull requests: indexes first, then blobs.
  for (const ref of [...closed].sort()) {
    const onRef = ours.filter((e) => e.ref === ref);
    const indexes = onRef.filter((e) => !isBlobKey(e.key)).sort(oldestFirst);
    const blobs = onRef.filter((e) => isBlobKey(e.key)).sort(lru);
    for (const e of [...indexes, ...blobs]) take(e, 'closed-pr', `pull request closed (${ref})`);
  }

  // 2. Superseded indexes that are not pinned.
  const classes = classifyIndexes(ours, now, pinMs);
  for (const s of [...classes.superseded].sort((a, b) => oldestFirst(a.entry, b.entry))) {
    if (!closed.has(s.entry.ref)) take(s.entry, 'superseded-index', `superseded by #${n(s.live)} on ${s.entry.ref}`);
  }

  // What the live and pinned indexes on readable refs reference.
  const liveHere = classes.live.filter((e) => readable.has(e.ref));
  const pinnedHere = classes.pinned.filter((p) => readable.has(p.entry.ref));
  const referencedLive = new Set<string>();
  const referencedPinned = new Set<string>();
  const unread: CacheEntry[] = [];
  for (const [entries, into] of [
    [liveHere, referencedLive],
    [pinnedHere.map((p) => p.entry), referencedPinned]
  ] as const) {
    for (const e of entries) {
      const digests = input.liveIndexes.get(e.id);
      if (digests === undefined) unread.push(e);
      else for (const d of digests) into.add(d);
    }
  }
  let protectedBytes = 0;
  for (const e of ours) {
    const digest = blobDigest(e.key);
    if (digest !== undefined && readable.has(e.ref) && referencedLive.has(digest)) protectedBytes += e.size;
  }
  let blobsKnown = true;
  if (unread.length > 0) {
    blobsKnown = false;
    const names = unread
      .slice(0, 3)
      .map((e) => e.key)
      .join(', ');
    notes.push(
      `unreferenced blobs were kept: ${unread.length} index${unread.length > 1 ? 'es' : ''} on readable refs could not be read (${names}${unread.length > 3 ? ', …' : ''})`
    );
  }
  if (input.listingComplete === false) {
    blobsKnown = false;
    notes.push(
      'unreferenced blobs were kept: the cache listing changed while it was read, so an index may have been missed'
    );
  }
  const blobOnReadable = (e: CacheEntry, referenced: (digest: string) => boolean) => {
    if (chosen.has(e.id) || !readable.has(e.ref) || e.lastAccessedAt >= cutoff || e.createdAt >= cutoff) return false;
    const digest = blobDigest(e.key);
    return digest !== undefined && !referenced(digest);
  };

  // 3. Blobs on readable refs that no live or pinned index references, least recently used first.
  if (above() && blobsKnown) {
    for (const e of ours
      .filter((x) => blobOnReadable(x, (d) => referencedLive.has(d) || referencedPinned.has(d)))
      .sort(lru)) {
      if (!above()) break;
      take(
        e,
        'unreferenced-blob',
        `no live index on a readable ref references it; last used ${formatAge(now - e.lastAccessedAt)} ago`
      );
    }
  }

  // 4. Refs this token cannot read, whole: idle time × bytes, largest first; indexes before blobs.
  if (above()) {
    const byRef = new Map<string, CacheEntry[]>();
    for (const e of ours) {
      if (readable.has(e.ref) || closed.has(e.ref)) continue;
      const list = byRef.get(e.ref) ?? [];
      list.push(e);
      byRef.set(e.ref, list);
    }
    const idle = [...byRef.entries()]
      .map(([ref, list]) => ({
        ref,
        list,
        lastUse: list.reduce((m, e) => Math.max(m, e.lastAccessedAt), 0),
        created: list.reduce((m, e) => Math.max(m, e.createdAt), 0),
        bytes: list.reduce((m, e) => m + e.size, 0)
      }))
      .filter((r) => r.lastUse < idleCutoff && r.created < idleCutoff)
      .sort((a, b) => (now - b.lastUse) * b.bytes - (now - a.lastUse) * a.bytes || a.ref.localeCompare(b.ref));
    for (const r of idle) {
      if (!above()) break;
      const detail = `${r.ref} unused for ${formatAge(now - r.lastUse)}; this run's token cannot read its indexes`;
      // The whole ref goes: without its indexes its blobs give no cache hits, only bytes.
      for (const e of r.list.filter((x) => !isBlobKey(x.key)).sort(oldestFirst)) take(e, 'idle-ref', detail);
      for (const e of r.list.filter((x) => isBlobKey(x.key)).sort(lru)) take(e, 'idle-ref', detail);
    }
  }

  // 5. Last resort: the generations pinned indexes on readable refs still hold. Their blobs are not in flight
  //    (a written index names them), so only a recent use (within idleMs, or since the job started) keeps them.
  if (above() && blobsKnown && pinnedHere.length > 0) {
    const candidates = ours
      .filter((e) => {
        if (chosen.has(e.id) || !readable.has(e.ref) || e.lastAccessedAt >= idleCutoff) return false;
        const digest = blobDigest(e.key);
        return digest !== undefined && referencedPinned.has(digest) && !referencedLive.has(digest);
      })
      .sort(lru);
    if (candidates.length > 0) {
      for (const p of [...pinnedHere].sort((a, b) => oldestFirst(a.entry, b.entry))) {
        take(
          p.entry,
          'superseded-index',
          `superseded by #${n(p.live)} ${formatAge(now - p.successor.createdAt)} ago; usage is above target`
        );
      }
      for (const e of candidates) {
        if (!above()) break;
        take(
          e,
          'unreferenced-blob',
          `only superseded indexes reference it; last used ${formatAge(now - e.lastAccessedAt)} ago; usage is above target`
        );
      }
    }
  }

  const deleteBytes = deletions.reduce((s, d) => s + d.bytes, 0);
  const keptBytes = usageBytes - deleteBytes;
  if (keptBytes > targetBytes) {
    notes.push(
      `usage stays at ${formatSize(keptBytes)}, above the target of ${formatSize(targetBytes)}: the rest is referenced by live indexes, in use within the grace period, or not BuildKit's`
    );
  }
  const byReason = Object.fromEntries(PRUNE_REASONS.map((r) => [r, { entries: 0, bytes: 0 }])) as PrunePlan['byReason'];
  for (const d of deletions) {
    byReason[d.reason].entries++;
    byReason[d.reason].bytes += d.bytes;
  }
  return {
    deletions,
    usageBytes,
    budgetBytes,
    targetBytes,
    deleteBytes,
    keptBytes,
    underTarget: keptBytes <= targetBytes,
    indexes: {
      live: liveHere.length,
      pinned: pinnedHere.length,
      read: liveHere.length + pinnedHere.length - unread.length
    },
    protectedBytes,
    byReason,
    notes
  };
}
