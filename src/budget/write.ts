/**
 * Whether a leg writes its cache once its build has run, sized by what the write adds. Pure: facts in, decision
 * out (issue 20).
 *
 * Before the build nobody knows how deep a change goes, so `estimate.ts` can only bound it by every layer the
 * leg owns; sized that way, a default branch whose stale generation holds the room never writes again. Once
 * the build has run it is known: the write adds the layers this build created (the steps it ran), and the
 * previous generation's layers the new index will not name (the steps it rebuilt) are needed by nobody once
 * that index is written. So:
 *
 * 1. a build that ran no step writes nothing: its cache would repeat the one it read;
 * 2. the write fits when usage, the legs that go first and it stay under the ceiling: it is written, and the
 *    superseded layers are deleted after it (by then nothing needs them);
 * 3. when it does not, the superseded layers are deleted first, so that the old and the new generation never
 *    have to fit side by side;
 * 4. still short: skipping is the last resort, never on the default branch (the cache every branch and pull
 *    request falls back to) and never twice in a row for a scope: those write, under the budget if they can;
 *    a skip says what it costs.
 */
import { formatSize, percent } from './budget.js';
import { EXPORT_CEILING } from './estimate.js';
import { type CacheEntry } from './generations.js';
import { classifyIndexes } from './generations.js';
import { blobDigest, parseIndexKey } from './keys.js';

/**
 * A scope that skipped last time writes after pruning while usage stays under this share of the budget: past
 * the ceiling, but with half its margin left, as what a rebuilt layer adds is sized by the layer it replaces and
 * may come out low (bench:budget's day, sized as the action sizes it: a pull request's second write reached 100 %).
 */
const SECOND_WRITE_CEILING = 0.95;

/** An entry of the previous generation the new index will not name. */
export interface Superseded {
  id: number;
  key: string;
  ref: string;
  bytes: number;
}

export interface WriteFacts {
  /** Steps this build ran (not served from the cache); 0: it created nothing. */
  builtSteps: number;
  /** Bytes the write adds: the layers this build created, and its index. */
  addBytes: number;
  usageBytes: number;
  budgetBytes: number;
  /** What the writes of the legs that go first add (they share the room the same way). */
  aheadBytes?: number;
  /** The leg's previous generation on its own ref that the new index will not name and no other live index needs. */
  superseded: readonly Superseded[];
  defaultBranch: boolean;
  /** The previous build of this scope on this ref skipped its write. */
  skippedLast: boolean;
  /** Seconds the build took running its steps: what the next build pays again when this one does not write. */
  builtSeconds?: number;
  ceiling?: number;
  /** The cache was pruned for this write already (after a `make-room` decision). */
  roomMade?: boolean;
}

export type WriteDecision =
  | { write: false; outcome: 'nothing-new' | 'skipped'; reason: string; cost?: string }
  | {
      write: true;
      outcome: 'write';
      /** Deleted before the export (room is short), or after it (nothing needs them once the new index is written). */
      deleteBefore: Superseded[];
      deleteAfter: Superseded[];
      /** Usage expected right after the write. */
      peakBytes: number;
      reason: string;
      /** Set when the write passes the ceiling (the default branch, or a scope that skipped last time). */
      warning?: string;
    }
  | {
      /** A write that must not be skipped and does not fit: prune down to `usageTargetBytes` first, then decide again with `roomMade`. */
      write: false;
      outcome: 'make-room';
      deleteBefore: Superseded[];
      usageTargetBytes: number;
      reason: string;
    };

const sum = (xs: readonly Superseded[]) => xs.reduce((s, x) => s + x.bytes, 0);
const steps = (n: number) => `${n} step${n === 1 ? '' : 's'}`;

export function decideWrite(f: WriteFacts): WriteDecision {
  if (f.builtSteps === 0)
    return {
      write: false,
      outcome: 'nothing-new',
      reason: 'the build ran no step: every layer came from the cache it read, so there is nothing new to write'
    };
  const ceilingBytes = Math.floor(f.budgetBytes * (f.ceiling ?? EXPORT_CEILING));
  const before = f.usageBytes + (f.aheadBytes ?? 0);
  const adds = `this write adds ${formatSize(f.addBytes)} (the layers of the ${steps(f.builtSteps)} this build ran)`;
  const after = (peak: number) =>
    `${formatSize(peak)}, ${percent(peak, f.budgetBytes)}% of the ${formatSize(f.budgetBytes)} budget`;
  const old = sum(f.superseded);
  if (before + f.addBytes <= ceilingBytes)
    return {
      write: true,
      outcome: 'write',
      deleteBefore: [],
      deleteAfter: [...f.superseded],
      peakBytes: before + f.addBytes,
      reason: `${adds}: usage reaches ${after(before + f.addBytes)}`
    };
  const freed = before - old + f.addBytes;
  const replaced = old
    ? `${adds}; the previous generation's ${formatSize(old)} it replaces ${f.superseded.length === 1 ? 'is' : 'are'} deleted first`
    : adds;
  // A write that deletes the previous generation first, reaching `freed`.
  const replacing = (reason: string, warning?: string): WriteDecision => ({
    write: true,
    outcome: 'write',
    deleteBefore: [...f.superseded],
    deleteAfter: [],
    peakBytes: freed,
    reason,
    ...(warning === undefined ? {} : { warning })
  });
  if (freed <= ceilingBytes) return replacing(`${replaced}: usage reaches ${after(freed)}`);
  const must = f.defaultBranch
    ? 'the default branch never skips its write'
    : f.skippedLast
      ? 'this scope skipped its write last time and never skips twice in a row'
      : undefined;
  if (must && !f.roomMade)
    return {
      write: false,
      outcome: 'make-room',
      deleteBefore: [...f.superseded],
      usageTargetBytes: Math.max(0, ceilingBytes - f.addBytes - (f.aheadBytes ?? 0)),
      reason: `${replaced}, and usage would still reach ${after(freed)}: ${must}, so the cache is pruned first`
    };
  // After the prune: the default branch writes whatever the room; a scope that skipped last time, under the budget.
  const mustCeiling = Math.floor(f.budgetBytes * SECOND_WRITE_CEILING);
  if (must && (f.defaultBranch || freed <= mustCeiling)) {
    const warning =
      freed > f.budgetBytes
        ? `${replaced}, and usage still reaches ${after(freed)} after pruning: ${must}, so GitHub will evict least-recently-used entries; raise cache-budget or set cache-mode: min`
        : `usage reaches ${after(freed)}, over the ${Math.round((f.ceiling ?? EXPORT_CEILING) * 100)}% ceiling: ${must}`;
    return replacing(`${replaced}: ${must}`, warning);
  }
  return {
    write: false,
    outcome: 'skipped',
    reason: `${adds}${old ? ` and replaces ${formatSize(old)}` : ''}: usage would reach ${after(freed)}${f.roomMade ? ' even after pruning' : ''}, over the ${formatSize(must ? mustCeiling : ceilingBytes)} ${must ? `limit (${Math.round(SECOND_WRITE_CEILING * 100)}% of the budget) for a scope that skipped last time` : 'ceiling'}`,
    cost: `the next build of this scope on this ref runs these ${steps(f.builtSteps)} again${f.builtSeconds !== undefined ? ` (about ${Math.round(f.builtSeconds)} s)` : ''}${must ? '' : '; it writes then if pruning can make the room, as no scope skips twice in a row'}`
  };
}

/**
 * The blobs of a leg's previous generation on `ref` that its new index will not name and that no other live
 * index references: those of `previous` (the old index's digests) outside `kept` and `othersLive`. The old index
 * entry itself stays until the new one supersedes it (the prune's superseded-index rule takes it then).
 */
export function supersededEntries(
  entries: readonly CacheEntry[],
  ref: string,
  generation: { previous: ReadonlySet<string>; kept: ReadonlySet<string> },
  othersLive: ReadonlySet<string>
): Superseded[] {
  const out: Superseded[] = [];
  for (const e of entries) {
    const d = blobDigest(e.key);
    if (e.ref !== ref || d === undefined) continue;
    if (generation.previous.has(d) && !generation.kept.has(d) && !othersLive.has(d))
      out.push({ id: e.id, key: e.key, ref: e.ref, bytes: e.size });
  }
  return out.sort((a, b) => b.bytes - a.bytes || a.id - b.id);
}

/** Clocks of the runner and of GitHub may differ by this much: blobs used this shortly before the build count as used by it. */
export const CLOCK_SLACK_MS = 2 * 60_000;

/** What the listing after a build (made without an export) tells about the leg's previous generation. */
export interface Generation {
  /** The ref whose live index of this scope the build imported first (the own ref, else the next readable). */
  ref?: string;
  /** Bytes of that index's blobs the build did not use: the steps it rebuilt, which the write replaces. */
  rebuiltBytes: number;
  /** Of those, the ones on the own ref that nothing else needs: deletable once the build has run. */
  superseded: Superseded[];
}

/**
 * The leg's previous generation after a build that only imported. BuildKit looks up every blob of a cached
 * result's layer chain when it loads the result (worker/base/worker.go:640-653 at v0.32.2, `FromRemote` calls
 * the provider's `Info`, which for gha is a cache lookup: cache/remotecache/gha/gha.go:591-625), and a lookup
 * is a use of the entry: blobs of the results' chains (`final`) the build did not use since it started are the
 * layers of the steps it rebuilt. Intermediate layers (mode=max) are not judged (a max export still names
 * those of steps it did not need); the prune after the export takes what the new index no longer names.
 * `heldSince`: blobs used since then may be named by an active ref this token cannot read (a pull request's
 * index pointing at main's blobs): they are not deleted early.
 */
export function generationAfterBuild(
  entries: readonly CacheEntry[],
  indexes: {
    contents: ReadonlyMap<number, { digests: ReadonlySet<string>; final: ReadonlySet<string> }>;
    scope: string;
    readableRefs: readonly string[];
  },
  times: { buildStartedAt: number; heldSince?: number; now: number }
): Generation {
  const live = classifyIndexes(entries, times.now).live;
  let previous: CacheEntry | undefined;
  for (const ref of indexes.readableRefs) {
    previous ??= live
      .filter((e) => e.ref === ref && parseIndexKey(e.key)?.scope === indexes.scope && indexes.contents.has(e.id))
      .sort((a, b) => b.createdAt - a.createdAt)[0];
  }
  if (!previous) return { rebuiltBytes: 0, superseded: [] };
  const read = indexes.contents.get(previous.id)!;
  const others = new Set<string>();
  for (const [id, c] of indexes.contents) if (id !== previous.id) for (const d of c.digests) others.add(d);
  const blobs = new Map<string, CacheEntry>();
  for (const e of entries) {
    const d = blobDigest(e.key);
    if (
      d !== undefined &&
      read.final.has(d) &&
      indexes.readableRefs.includes(e.ref) &&
      (!blobs.has(d) || e.ref === previous.ref)
    )
      blobs.set(d, e);
  }
  const usedSince = times.buildStartedAt - CLOCK_SLACK_MS;
  const rebuilt = [...blobs.values()].filter((e) => e.lastAccessedAt < usedSince);
  const held = times.heldSince ?? Number.POSITIVE_INFINITY;
  const superseded = rebuilt
    .filter((e) => e.ref === indexes.readableRefs[0] && !others.has(blobDigest(e.key)!) && e.lastAccessedAt < held)
    .map((e) => ({ id: e.id, key: e.key, ref: e.ref, bytes: e.size }))
    .sort((a, b) => b.bytes - a.bytes || a.id - b.id);
  return { ref: previous.ref, rebuiltBytes: rebuilt.reduce((s, e) => s + e.size, 0), superseded };
}
