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
 *    references, least recently used first; those touched since an active ref's newest export wait for rule 7
 *    (a pull request's index points at main's blobs). Only while usage is above target.
 * Refs this token cannot read (other branches, other pull requests) are ranked by value: *active* ones (open
 * pull requests when `openPrRefs` is known, else refs written within `activeMs`) keep their live index and its
 * blobs while anything less valuable is left.
 * 4. `idle-ref`: inactive refs, whole, untouched for `idleMs`, the most bytes unused the longest first (idle
 *    time × bytes), each with all its indexes before any of its blobs: an index never points at a deleted blob,
 *    and blobs without their index give no hits.
 * 5. `unreferenced-blob`: blobs of active refs untouched since before the ref's newest export (BuildKit looks
 *    up every layer it exports, which touches it), least recently used first.
 * 6. `superseded-index` / `unreferenced-blob` for pinned generations on readable refs: their blobs that no live
 *    index references.
 * 7. `unreferenced-blob`: the readable blobs rule 3 held back.
 * 8. `idle-ref`: active refs, whole, as in rule 4. A last resort before GitHub's own LRU eviction, which would
 *    be blind to live indexes.
 *
 * Between 2 and 3, `superseded-history`: the action's own hit-ratio histories (`envd-history-<scope>#…`) but the
 * newest per ref and scope, which is the only one a run reads; and `superseded-mount`: its package caches
 * (`envd-mount-<scope>#<mount id>#…`, cache-mounts) but the newest per ref, scope and mount, the only one a restore
 * picks. A closed pull request's package caches go with its BuildKit entries (rule 1).
 *
 * Invariants: nothing a live index on a readable ref references is deleted, nor such an index; entries that
 * are neither BuildKit's (another version, another key shape) nor the action's histories are never deleted but
 * count toward usage. Rules 3
 * to 8 leave alone whatever was written or used since the job started, or within `graceMs` (3) or `idleMs`
 * (4 to 8): it may belong to a concurrent job whose index is not written yet. If a live index on a
 * readable ref could not be read, or the listing changed while it was paged, rules 3, 6 and 7 are skipped.
 */
import { DAY_MS, HOUR_MS, MINUTE_MS, TARGET_RATIO } from './units.js';
import { formatSize } from '../text/text.js';
import { supersededHistoryEntries } from '../cache/entries.js';
import { parseMountKey, supersededMountEntries } from '../mounts/mounts.js';
import { blobDigest, isBlobKey, parseIndexKey } from './keys.js';
import {
  type CacheEntry,
  classifyIndexes,
  DEFAULT_PIN_MS,
  type IndexClasses,
  isBuildKitEntry,
  type Superseded
} from './generations.js';

/** Unreferenced blobs used this recently stay: a concurrent export may not have written its index yet. */
const DEFAULT_GRACE_MS = HOUR_MS;
/**
 * A ref this token cannot read is reclaimable once nobody touched it for this long (longer than an export
 * takes). Refs go least recently used first and only while usage is above target, so in practice a ref this
 * young goes only when the alternative is GitHub's own LRU eviction.
 */
const DEFAULT_IDLE_MS = 15 * MINUTE_MS;
/** A branch written within this long is active (keeps its live index and blobs while less valuable is left). */
const DEFAULT_ACTIVE_MS = 3 * DAY_MS;
/** An export looks up its layers at most this long before it writes its index. */
const EXPORT_SLACK_MS = 30 * MINUTE_MS;
const PR_REF = /^refs\/pull\/\d+\/(merge|head)$/;

/**
 * The oldest newest-export time among active refs this token cannot read (their live indexes' creation), or
 * +∞ when there is none: readable blobs touched since then may be what those exports reference.
 */
function activeExportsSince({ input, buildkitEntries, classes, readable, closed, activeCutoff }: PruneContext): number {
  const open = input.openPrRefs ? new Set(input.openPrRefs) : undefined;
  const newest = new Map<string, number>();
  for (const e of buildkitEntries)
    if (!readable.has(e.ref) && !closed.has(e.ref)) newest.set(e.ref, Math.max(newest.get(e.ref) ?? 0, e.createdAt));
  let since = Number.POSITIVE_INFINITY;
  for (const e of classes.live) {
    if (readable.has(e.ref) || closed.has(e.ref)) continue;
    const active = PR_REF.test(e.ref) && open ? open.has(e.ref) : (newest.get(e.ref) ?? 0) > activeCutoff;
    if (active) since = Math.min(since, e.createdAt);
  }
  return since;
}

/**
 * Readable blobs used since this moment may be named by an active ref's index this token cannot read (a pull
 * request's index points at main's blobs): what rule 3 holds back, for a deletion outside the prune
 * (budget/write.ts). −∞ when every such blob may be; +∞ when no active unreadable ref exports.
 */
export function heldBackSince(input: Pick<PruneInput, 'entries' | 'readableRefs' | 'openPrRefs' | 'now'>): number {
  const ctx = pruneContext({ ...input, liveIndexes: new Map(), budgetBytes: 1 });
  return activeExportsSince(ctx) - EXPORT_SLACK_MS;
}

export type PruneReason =
  | 'closed-pr'
  | 'superseded-index'
  | 'superseded-history'
  | 'superseded-layer'
  | 'superseded-mount'
  | 'unreferenced-blob'
  | 'idle-ref';
export const PRUNE_REASONS: readonly PruneReason[] = [
  'closed-pr',
  'superseded-index',
  'superseded-history',
  'superseded-layer',
  'superseded-mount',
  'unreferenced-blob',
  'idle-ref'
];

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
  /** Refs of the open pull requests; undefined when not known (pull requests are then judged by recency). */
  openPrRefs?: readonly string[];
  /** A branch (or, open ones unknown, a pull request) last written within this long is active; default 3 days. */
  activeMs?: number;
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

/** The index entries whose contents the planner needs: live and pinned indexes on readable refs. */
export function indexesToRead(
  entries: readonly CacheEntry[],
  { readableRefs, closedPrRefs = [], now, pinMs }: Pick<PruneInput, 'readableRefs' | 'closedPrRefs' | 'now' | 'pinMs'>
): CacheEntry[] {
  const readable = new Set(readableRefs.filter((r) => !closedPrRefs.includes(r)));
  const { live, pinned } = classifyIndexes(entries, now, pinMs);
  return [...live, ...pinned.map((p) => p.entry)].filter((e) => readable.has(e.ref));
}

function formatAge(ms: number): string {
  if (ms < HOUR_MS) return `${Math.max(0, Math.round(ms / MINUTE_MS))} min`;
  if (ms < DAY_MS) return `${(ms / HOUR_MS).toFixed(1)} h`;
  return `${(ms / DAY_MS).toFixed(1)} d`;
}

const lru = (a: CacheEntry, b: CacheEntry) => a.lastAccessedAt - b.lastAccessedAt || b.size - a.size || a.id - b.id;
const oldestFirst = (a: CacheEntry, b: CacheEntry) => a.createdAt - b.createdAt || a.id - b.id;
/** An index entry's generation (the `#7` of its key), as the notes show it. */
const indexNumber = (e: CacheEntry) => parseIndexKey(e.key)?.n ?? '?';

/**
 * The rules of the header, in their order: first what nothing can use any more (1, 2, 2b), then, while usage is
 * above target, the least valuable of what is left (3 to 8).
 */
export function planPrune(input: PruneInput): PrunePlan {
  const ctx = pruneContext(input);
  const ledger = deletionLedger(ctx.usageBytes, ctx.targetBytes);

  closedPullRequests(ledger, ctx); // 1
  unpinnedSuperseded(ledger, ctx); // 2
  olderHistories(ledger, ctx); // 2b
  olderMounts(ledger, ctx); // 2c

  const refs = readReferences(ctx);
  const heldBack = unreferencedOnReadable(ledger, ctx, refs); // 3
  const others = unreadableRefs(ctx);
  wholeIdleRefs(
    ledger,
    ctx,
    others.filter((r) => !r.active)
  ); // 4
  staleOnActiveRefs(ledger, ctx, others); // 5
  pinnedGenerations(ledger, ctx, refs); // 6
  heldBackBlobs(ledger, ctx, heldBack); // 7
  wholeIdleRefs(
    ledger,
    ctx,
    others.filter((r) => r.active)
  ); // 8: the last resort before GitHub's blind LRU

  return summarize(ctx, ledger.deletions, refs);
}

/** The facts every rule reads, derived once from the input. */
interface PruneContext {
  input: PruneInput;
  now: number;
  /** The entries that are BuildKit's: every rule but 2b deletes only those. */
  buildkitEntries: readonly CacheEntry[];
  classes: IndexClasses;
  /** Refs of closed pull requests. */
  closed: ReadonlySet<string>;
  /** Refs this token can read, closed pull requests left out. */
  readable: ReadonlySet<string>;
  /** Rule 3 leaves alone what was written or used since `cutoff` (graceMs, the job's start); rules 4 to 8 since `idleCutoff`. */
  cutoff: number;
  idleCutoff: number;
  /** A branch (or, open ones unknown, a pull request) last written after this is active. */
  activeCutoff: number;
  usageBytes: number;
  targetBytes: number;
}

function pruneContext(input: PruneInput): PruneContext {
  const { now, budgetBytes } = input;
  const closed = new Set(input.closedPrRefs ?? []);
  const jobStart = input.jobStart ?? Number.POSITIVE_INFINITY;
  const buildkitEntries = input.entries.filter(isBuildKitEntry);
  return {
    input,
    now,
    buildkitEntries,
    classes: classifyIndexes(buildkitEntries, now, input.pinMs ?? DEFAULT_PIN_MS),
    closed,
    readable: new Set(input.readableRefs.filter((r) => !closed.has(r))),
    cutoff: Math.min(now - (input.graceMs ?? DEFAULT_GRACE_MS), jobStart),
    idleCutoff: Math.min(now - (input.idleMs ?? DEFAULT_IDLE_MS), jobStart),
    activeCutoff: now - (input.activeMs ?? DEFAULT_ACTIVE_MS),
    usageBytes: input.entries.reduce((sum, e) => sum + e.size, 0),
    targetBytes: Math.floor(budgetBytes * (input.targetRatio ?? TARGET_RATIO))
  };
}

/** Rule 1: every BuildKit entry on a closed pull request's ref, indexes first, then blobs, then its package caches. */
function closedPullRequests({ take }: DeletionLedger, { buildkitEntries, closed, input }: PruneContext): void {
  for (const ref of [...closed].sort()) {
    const onRef = buildkitEntries.filter((e) => e.ref === ref);
    const indexes = onRef.filter((e) => !isBlobKey(e.key)).sort(oldestFirst);
    const blobs = onRef.filter((e) => isBlobKey(e.key)).sort(lru);
    const mounts = input.entries.filter((e) => e.ref === ref && parseMountKey(e.key)).sort(oldestFirst);
    for (const e of [...indexes, ...blobs, ...mounts]) take(e, 'closed-pr', `pull request closed (${ref})`);
  }
}

/** Rule 2: superseded indexes that are not pinned, oldest first. */
function unpinnedSuperseded({ take }: DeletionLedger, { classes, closed }: PruneContext): void {
  for (const s of [...classes.superseded].sort((a, b) => oldestFirst(a.entry, b.entry))) {
    if (!closed.has(s.entry.ref))
      take(s.entry, 'superseded-index', `superseded by #${indexNumber(s.live)} on ${s.entry.ref}`);
  }
}

/** Rule 2b: older hit-ratio histories (report/history.ts): a run reads only the newest per ref and scope. */
function olderHistories({ take }: DeletionLedger, { input }: PruneContext): void {
  for (const e of supersededHistoryEntries([...input.entries]).sort(oldestFirst))
    take(e, 'superseded-history', `an older hit-ratio history of its scope on ${e.ref}; only the newest is read`);
}

/** Rule 2c: older package caches (cache-mounts, mounts/mounts.ts): a restore takes only the newest per ref, scope and mount. */
function olderMounts({ take }: DeletionLedger, { input }: PruneContext): void {
  for (const e of supersededMountEntries([...input.entries]).sort(oldestFirst))
    take(
      e,
      'superseded-mount',
      `an older package cache of its scope and mount on ${e.ref}; only the newest is restored`
    );
}

/** What the live and pinned indexes on readable refs reference, and whether every one of them could be read. */
interface References {
  liveHere: CacheEntry[];
  pinnedHere: Superseded[];
  referencedLive: Set<string>;
  referencedPinned: Set<string>;
  unread: CacheEntry[];
  /** Bytes of blobs on readable refs that a live index references. */
  protectedBytes: number;
  /** Every such index was read, from a complete listing: rules 3, 6 and 7 may judge blobs unreferenced. */
  blobsKnown: boolean;
  /** Why they may not, when they may not. */
  notes: string[];
}

function readReferences({ input, classes, readable, buildkitEntries }: PruneContext): References {
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
  for (const e of buildkitEntries) {
    const digest = blobDigest(e.key);
    if (digest !== undefined && readable.has(e.ref) && referencedLive.has(digest)) protectedBytes += e.size;
  }
  const notes: string[] = [];
  if (unread.length > 0) {
    const names = unread
      .slice(0, 3)
      .map((e) => e.key)
      .join(', ');
    notes.push(
      `unreferenced blobs were kept: ${unread.length} index${unread.length > 1 ? 'es' : ''} on readable refs could not be read (${names}${unread.length > 3 ? ', …' : ''})`
    );
  }
  if (input.listingComplete === false)
    notes.push(
      'unreferenced blobs were kept: the cache listing changed while it was read, so an index may have been missed'
    );
  const blobsKnown = unread.length === 0 && input.listingComplete !== false;
  return { liveHere, pinnedHere, referencedLive, referencedPinned, unread, protectedBytes, blobsKnown, notes };
}

/**
 * Rule 3: blobs on readable refs that no live or pinned index references, least recently used first. Those
 * touched since an active unreadable ref's newest export may be what that export references (a pull request's
 * index points at main's blobs): they are held back for rule 7, and returned.
 */
function unreferencedOnReadable(ledger: DeletionLedger, ctx: PruneContext, refs: References): CacheEntry[] {
  const { above, take, chosen } = ledger;
  const { now, readable, cutoff } = ctx;
  const heldBack: CacheEntry[] = [];
  if (!above() || !refs.blobsKnown) return heldBack;
  const activeSince = activeExportsSince(ctx);
  const unreferenced = (e: CacheEntry) => {
    if (chosen.has(e.id) || !readable.has(e.ref) || e.lastAccessedAt >= cutoff || e.createdAt >= cutoff) return false;
    const digest = blobDigest(e.key);
    return digest !== undefined && !refs.referencedLive.has(digest) && !refs.referencedPinned.has(digest);
  };
  for (const e of ctx.buildkitEntries.filter(unreferenced).sort(lru)) {
    if (!above()) break;
    if (e.lastAccessedAt >= activeSince - EXPORT_SLACK_MS) heldBack.push(e);
    else
      take(
        e,
        'unreferenced-blob',
        `no live index on a readable ref references it; last used ${formatAge(now - e.lastAccessedAt)} ago`
      );
  }
  return heldBack;
}

/**
 * Rules 4 (inactive refs: pull requests not open, branches not pushed lately) and 8 (active ones): refs this
 * token cannot read, whole, once idle long enough; the most bytes unused the longest first (idle time × bytes).
 * Each ref's indexes go before its blobs: an index never points at a deleted blob.
 */
function wholeIdleRefs(
  { above, take }: DeletionLedger,
  { now, idleCutoff }: PruneContext,
  refs: readonly UnreadableRef[]
): void {
  const idleFirst = (a: UnreadableRef, b: UnreadableRef) =>
    (now - b.lastUse) * b.bytes - (now - a.lastUse) * a.bytes || a.ref.localeCompare(b.ref);
  for (const r of refs.filter((x) => x.lastUse < idleCutoff && x.created < idleCutoff).sort(idleFirst)) {
    if (!above()) break;
    const detail = `${r.ref} unused for ${formatAge(now - r.lastUse)} (${r.why}); this run's token cannot read its indexes`;
    // The whole ref goes: without its indexes its blobs give no cache hits, only bytes.
    for (const e of r.list.filter((x) => !isBlobKey(x.key)).sort(oldestFirst)) take(e, 'idle-ref', detail);
    for (const e of r.list.filter((x) => isBlobKey(x.key)).sort(lru)) take(e, 'idle-ref', detail);
  }
}

/** Rule 7: the readable blobs rule 3 held back because an active ref's export may use them, least recently used first. */
function heldBackBlobs(
  { above, take, chosen }: DeletionLedger,
  { now }: PruneContext,
  heldBack: readonly CacheEntry[]
): void {
  for (const e of heldBack.filter((x) => !chosen.has(x.id)).sort(lru)) {
    if (!above()) break;
    take(
      e,
      'unreferenced-blob',
      `no live index on a readable ref references it; last used ${formatAge(now - e.lastAccessedAt)} ago; usage is above target`
    );
  }
}

interface UnreadableRef {
  ref: string;
  list: CacheEntry[];
  lastUse: number;
  created: number;
  active: boolean;
  why: string;
  liveSince: number;
  bytes: number;
}

/** What the refs this token cannot read are worth: open pull requests and branches pushed lately are active. */
function unreadableRefs({
  input,
  now,
  buildkitEntries,
  classes,
  readable,
  closed,
  activeCutoff
}: PruneContext): UnreadableRef[] {
  const byRef = new Map<string, CacheEntry[]>();
  for (const e of buildkitEntries) {
    if (readable.has(e.ref) || closed.has(e.ref)) continue;
    const list = byRef.get(e.ref) ?? [];
    list.push(e);
    byRef.set(e.ref, list);
  }
  const openPrs = input.openPrRefs ? new Set(input.openPrRefs) : undefined;
  return [...byRef.entries()].map(([ref, list]) => {
    const lastUse = list.reduce((m, e) => Math.max(m, e.lastAccessedAt), 0);
    const created = list.reduce((m, e) => Math.max(m, e.createdAt), 0);
    const pr = PR_REF.test(ref);
    const active = pr && openPrs ? openPrs.has(ref) : created > activeCutoff;
    const why =
      pr && openPrs
        ? active
          ? 'pull request open'
          : 'pull request not open'
        : `last written ${formatAge(now - created)} ago`;
    // Its live indexes were written after BuildKit looked up (and so touched) every blob they reference
    // (cache/remotecache/gha/gha.go:275, v0.32.2): a blob untouched since before the oldest of them is not theirs.
    const liveSince = classes.live
      .filter((e) => e.ref === ref)
      .reduce((m, e) => Math.min(m, e.createdAt), Number.POSITIVE_INFINITY);
    return { ref, list, lastUse, created, active, why, liveSince, bytes: list.reduce((m, e) => m + e.size, 0) };
  });
}

/** The plan's totals, per-reason counts and the note when usage stays above target. */
function summarize(
  { input, usageBytes, targetBytes }: PruneContext,
  deletions: Deletion[],
  refs: References
): PrunePlan {
  const { budgetBytes } = input;
  const { liveHere, pinnedHere, unread, protectedBytes } = refs;
  const notes = [...refs.notes];
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

interface DeletionLedger {
  deletions: Deletion[];
  chosen: Set<number>;
  /** Usage after the deletions so far is still above the target. */
  above(): boolean;
  take(e: CacheEntry, reason: PruneReason, detail: string): void;
}

/** The deletions chosen so far, each entry once, and the usage they leave. */
function deletionLedger(usageBytes: number, targetBytes: number): DeletionLedger {
  const deletions: Deletion[] = [];
  const chosen = new Set<number>();
  let projected = usageBytes;
  return {
    deletions,
    chosen,
    above: () => projected > targetBytes,
    take: (e, reason, detail) => {
      if (chosen.has(e.id)) return;
      chosen.add(e.id);
      deletions.push({ id: e.id, key: e.key, ref: e.ref, bytes: e.size, reason, detail });
      projected -= e.size;
    }
  };
}

/** Rule 5: on active refs this token cannot read, blobs untouched since before their newest export, LRU. */
function staleOnActiveRefs(
  ledger: DeletionLedger,
  { now, idleCutoff }: PruneContext,
  others: readonly UnreadableRef[]
): void {
  const { above, take } = ledger;
  if (!above()) return;
  const stale = others
    .filter((r) => r.active && Number.isFinite(r.liveSince))
    .flatMap((r) =>
      r.list.filter(
        (e) =>
          isBlobKey(e.key) &&
          e.lastAccessedAt < r.liveSince - EXPORT_SLACK_MS &&
          e.lastAccessedAt < idleCutoff &&
          e.createdAt < idleCutoff
      )
    )
    .sort(lru);
  for (const e of stale) {
    if (!above()) break;
    take(
      e,
      'unreferenced-blob',
      `untouched since before the newest export on ${e.ref} (last used ${formatAge(now - e.lastAccessedAt)} ago), which is active`
    );
  }
}

/**
 * Rule 6: the generations pinned indexes on readable refs still hold. Their blobs are not in flight (a written
 * index names them), so only a recent use (within idleMs, or since the job started) keeps them.
 */
function pinnedGenerations(
  ledger: DeletionLedger,
  { now, idleCutoff, readable, buildkitEntries }: PruneContext,
  refs: References
): void {
  const { above, take, chosen } = ledger;
  const { referencedLive, referencedPinned, pinnedHere } = refs;
  if (!above() || !refs.blobsKnown || pinnedHere.length === 0) return;
  const candidates = buildkitEntries
    .filter((e) => {
      if (chosen.has(e.id) || !readable.has(e.ref) || e.lastAccessedAt >= idleCutoff) return false;
      const digest = blobDigest(e.key);
      return digest !== undefined && referencedPinned.has(digest) && !referencedLive.has(digest);
    })
    .sort(lru);
  if (candidates.length === 0) return;
  for (const p of [...pinnedHere].sort((a, b) => oldestFirst(a.entry, b.entry))) {
    take(
      p.entry,
      'superseded-index',
      `superseded by #${indexNumber(p.live)} ${formatAge(now - p.successor.createdAt)} ago; usage is above target`
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
