/**
 * How much this run's exports will add to the GitHub cache, and which mode keeps the repository under its
 * budget at every moment. Pure: facts in, mode and reason out.
 *
 * Why before the export: GitHub never refuses a write for size; it stores it, then evicts least-recently-used
 * entries, blind to which ones a live index needs. A prune after the export is too late for that moment, and
 * matrix legs of one run export concurrently, each having read the same usage figure. So each leg estimates
 * what every leg of its matrix is about to add, and all legs share out the room the same way, so
 * that together they fit (the leg whose cache is oldest first, then scope order; a leg that does not fit skips
 * its export and is first in line next time, on the default branch too).
 *
 * Estimates come from the previous index of each scope (its layers and the listed sizes of their blobs):
 * - a scope that exported before may write anew every layer of its own: those of its index that no sibling
 *   scope's index shares (the shared base image is left out; a base-image change is not foreseen). Before the
 *   build nothing tells how deep the change goes. What the last export added (its blobs created shortly before
 *   it) only sized the last change: a push that changed nothing added 0 B, and the merge after it rewrote half
 *   the chain (issue 15's replay, 12:01). Which layers builds since that export touched does not tell either: a
 *   pull request merged later may have run before it (the month's replay, 2026-10-11 09:12);
 * - a scope's first export is assumed as large as its largest sibling scope's whole export;
 * - `min` holds only the layer chains of the build's results (`parseIndexJson().final`); a scope whose last
 *   export was `min` adds, going `max`, intermediate layers as large as its siblings' (else its own chain's).
 */
import type { Mode } from '../inputs/inputs.js';
import { echo, formatSize } from '../text/text.js';
import { percent } from './units.js';
import { blobDigest, parseIndexKey } from './keys.js';
import { type CacheEntry, classifyIndexes } from './generations.js';

/** Blobs created on an index's ref this long before it belong to the export that wrote it. */
export const EXPORT_WINDOW_MS = 30 * 60_000;
/**
 * Exports are chosen so that usage plus their estimate stays under this share of the budget: the rest absorbs
 * index entries and estimates that come out low.
 */
export const EXPORT_CEILING = 0.9;

/** What the previous export of one scope tells. */
export interface ScopeFootprint {
  scope: string;
  /** The ref whose live index was read. */
  ref: string;
  /** Bytes of the blobs the index references (as listed). */
  fullBytes: number;
  /** Bytes of the blobs a min export holds (the results' layer chains). */
  finalBytes: number;
  /** Bytes of the referenced blobs written by that export. */
  addedBytes: number;
  addedFinalBytes: number;
  /**
   * Bytes of the referenced blobs that no sibling scope's index references too (those are the shared base
   * image): the layers a change anywhere in this scope's own chain could make its next export write anew.
   */
  ownBytes: number;
  ownFinalBytes: number;
  /** When the index was written (its entry's creation): the leg that has waited longest writes first. */
  exportedAt: number;
  /** The index holds layers outside the results' chains: it was a max export. */
  max: boolean;
  /** The index is on the first readable ref (the token's own, where this export writes). */
  own: boolean;
}

/**
 * One footprint per scope: its newest index on the first readable ref (in the order given, own ref first)
 * whose contents were read. `contents` maps index entry ids to their referenced and final blob digests.
 */
export function scopeFootprints(
  entries: readonly CacheEntry[],
  contents: ReadonlyMap<number, { digests: ReadonlySet<string>; final: ReadonlySet<string> }>,
  readableRefs: readonly string[],
  now: number
): ScopeFootprint[] {
  const size = new Map<string, number>();
  const blobsOn = new Map<string, CacheEntry>();
  for (const e of entries) {
    const d = blobDigest(e.key);
    if (d === undefined) continue;
    size.set(d, Math.max(size.get(d) ?? 0, e.size));
    blobsOn.set(`${e.ref}\n${d}`, e);
  }
  const live = classifyIndexes(entries, now).live;
  // The scopes whose read indexes reference each blob digest.
  const scopesOf = new Map<string, Set<string>>();
  for (const index of live) {
    const scope = parseIndexKey(index.key)?.scope;
    const read = contents.get(index.id);
    if (scope === undefined || read === undefined) continue;
    for (const d of read.digests) scopesOf.set(d, (scopesOf.get(d) ?? new Set<string>()).add(scope));
  }
  const out = new Map<string, ScopeFootprint>();
  for (const ref of readableRefs) {
    for (const index of live.filter((e) => e.ref === ref)) {
      const scope = parseIndexKey(index.key)?.scope;
      const read = contents.get(index.id);
      if (scope === undefined || read === undefined || out.has(scope)) continue;
      /** The digests' listed sizes. */
      const listed = (digests: Iterable<string>) => {
        let bytes = 0;
        for (const d of digests) bytes += size.get(d) ?? 0;
        return bytes;
      };
      /** The bytes of those blobs the export that wrote this index wrote too (created on its ref shortly before it). */
      const addedByExport = (digests: Iterable<string>) => {
        let bytes = 0;
        for (const d of digests) {
          const blob = blobsOn.get(`${index.ref}\n${d}`);
          if (blob && blob.createdAt >= index.createdAt - EXPORT_WINDOW_MS && blob.createdAt <= index.createdAt)
            bytes += blob.size;
        }
        return bytes;
      };
      const referenced = [...read.digests].filter((d) => size.has(d));
      const final = referenced.filter((d) => read.final.has(d));
      const own = (digests: string[]) =>
        digests.filter((d) => (scopesOf.get(d)?.size ?? 1) <= 1).reduce((b, d) => b + (size.get(d) ?? 0), 0);
      out.set(scope, {
        scope,
        ref,
        fullBytes: listed(referenced),
        finalBytes: listed(final),
        addedBytes: addedByExport(referenced),
        addedFinalBytes: addedByExport(final),
        ownBytes: own(referenced),
        ownFinalBytes: own(final),
        exportedAt: index.createdAt,
        max: referenced.length > final.length,
        own: ref === readableRefs[0]
      });
    }
  }
  return [...out.values()].sort((a, b) => a.scope.localeCompare(b.scope));
}

export interface LegEstimate {
  scope: string;
  /** Bytes a min and a max export of this leg are expected to add. */
  min: number;
  max: number;
  /** How it was estimated, in words. */
  basis: string;
  /** When its live index on this ref was written; undefined for a first export on this ref (it writes first). */
  exportedAt?: number;
}

/** The auto scope of a matrix leg is `<family>-<matrix words>-<8 hex>` (src/cache/scope.ts): its siblings share `<family>-`. */
function isSibling(scope: string, self: string, prefix: string): boolean {
  return scope !== self && scope.startsWith(prefix) && /-[0-9a-f]{8}$/.test(scope);
}

/**
 * Estimates for this leg and its sibling legs; undefined for this leg when nothing tells its size.
 * `concurrentLegs`, when known, is how many sibling legs run in this run; those without a footprint (first
 * exports) come back in `unknown`, each assumed to export max as large as the largest known leg.
 */
export function legEstimates(
  footprints: readonly ScopeFootprint[],
  self: string,
  siblingPrefix?: string,
  concurrentLegs?: number
): { self?: LegEstimate; siblings: LegEstimate[]; unknown: LegEstimate[] } {
  const siblings = siblingPrefix === undefined ? [] : footprints.filter((f) => isSibling(f.scope, self, siblingPrefix));
  const own = footprints.find((f) => f.scope === self);
  const family = own ? [own, ...siblings] : siblings;
  const intermediate = Math.max(0, ...family.filter((f) => f.max).map((f) => f.fullBytes - f.finalBytes));
  const whole = (f: ScopeFootprint) => ({
    min: f.finalBytes,
    max: f.max ? f.fullBytes : f.fullBytes + (intermediate || f.finalBytes)
  });
  const estimate = (f: ScopeFootprint): LegEstimate => {
    // Only the scope's own ref tells how much its exports change; another ref's index (main's, read by a pull
    // request) says nothing of what this ref will write: its first export is assumed as large as that index.
    if (!f.own)
      return {
        scope: f.scope,
        ...whole(f),
        basis: `first export on this ref, assumed as large as ${echo(f.ref)}'s (${formatSize(f.fullBytes)})`
      };
    // Before the build nobody knows how deep the change goes. What the last export added only sized the last
    // change (a push that changed nothing added 0 B, and the merge after it rewrote half the chain: issue 15's
    // replay, 12:01), so every layer of its own the leg could write anew counts.
    const max = f.max ? f.ownBytes : f.ownFinalBytes + (intermediate || f.finalBytes);
    const basis =
      `its own layers, ${formatSize(f.max ? f.ownBytes : f.ownFinalBytes)}, as any change below them writes them anew ` +
      `(last export ${f.max ? 'max' : 'min'} on ${echo(f.ref)}, which added ${formatSize(f.max ? f.addedBytes : f.addedFinalBytes)})`;
    return { scope: f.scope, min: f.ownFinalBytes, max, basis, exportedAt: f.exportedAt };
  };
  const out: { self?: LegEstimate; siblings: LegEstimate[]; unknown: LegEstimate[] } = {
    siblings: siblings.map(estimate),
    unknown: []
  };
  const largest = family.length ? family.reduce((a, b) => (b.fullBytes > a.fullBytes ? b : a)) : undefined;
  if (own) out.self = estimate(own);
  else if (largest)
    out.self = {
      scope: self,
      ...whole(largest),
      basis: `first export, assumed as large as ${echo(largest.scope)}'s (${formatSize(largest.fullBytes)})`
    };
  const missing = Math.max(0, (concurrentLegs ?? 0) - siblings.length);
  if (largest && missing > 0) {
    const size = whole(largest);
    for (let i = 0; i < missing; i++)
      out.unknown.push({
        scope: `(first export ${i + 1})`,
        min: size.max,
        max: size.max,
        basis: `a leg without a previous export, assumed max as large as ${echo(largest.scope)}'s`
      });
  }
  return out;
}

/**
 * The order in which legs get the room: the one whose cache on this ref is oldest first (a first export before
 * any), then scope order. Every leg sorts the same listing the same way, and a leg that had to skip its export
 * is first in line next time.
 */
function legOrder(a: LegEstimate, b: LegEstimate): number {
  const at = (l: LegEstimate) => l.exportedAt ?? Number.NEGATIVE_INFINITY;
  return at(a) < at(b) ? -1 : at(a) > at(b) ? 1 : a.scope.localeCompare(b.scope);
}

export interface LegPlan {
  mode: Mode;
  /** What every leg (this one included) is expected to add with the modes they choose. */
  addBytes: number;
  /** What they add if every leg exports min (unseen legs still at max). */
  minAddBytes: number;
  /** Usage plus that, and the ceiling it has to stay under. */
  peakBytes: number;
  ceilingBytes: number;
  /** True when even min exports of every leg do not fit: prune first, down to `ceilingBytes - addBytes`. */
  pruneFirst: boolean;
  reason: string;
  /** Every seen leg, in legOrder, with its mode and what it adds; and the unseen legs' bytes (counted first). */
  legs: Array<{ scope: string; mode: Mode; add: number }>;
  unknownBytes: number;
  /** How many legs `unknownBytes` counts. */
  unknownLegs: number;
}

/** The room the legs share: usage now, the budget, and the share of it exports may fill (EXPORT_CEILING). */
export interface LegRoom {
  usageBytes: number;
  budgetBytes: number;
  ceiling?: number;
}

/** The legs that share it, as legEstimates gives them: this one (undefined when nothing sizes it), its seen siblings, the unseen. */
export interface LegSet {
  self?: LegEstimate;
  siblings: readonly LegEstimate[];
  unknown?: readonly LegEstimate[];
}

/**
 * Shares the room under the ceiling among the legs: all start at min; then, in legOrder, a leg goes max
 * while the total still fits. Every leg computes the same split from the same facts, so together they fit.
 * `unknown` legs (whose scope this leg cannot see) are counted first and at their max, whatever they choose.
 */
export function planLegs(
  { usageBytes, budgetBytes, ceiling = EXPORT_CEILING }: LegRoom,
  { self, siblings, unknown = [] }: LegSet
): LegPlan {
  const ceilingBytes = Math.floor(budgetBytes * ceiling);
  const at = `${formatSize(usageBytes)} used of ${formatSize(budgetBytes)}`;
  if (self === undefined) {
    return {
      mode: 'min',
      addBytes: 0,
      minAddBytes: 0,
      peakBytes: usageBytes,
      ceilingBytes,
      pruneFirst: usageBytes > ceilingBytes,
      legs: [],
      unknownBytes: 0,
      unknownLegs: 0,
      reason: `first export of this scope and no sibling scope to size it by (${at}): min, so that a matrix of first exports cannot overshoot the budget; the next run knows its size`
    };
  }
  const legs = [self, ...siblings].sort(legOrder);
  const chosen = new Map<string, Mode>(legs.map((l) => [l.scope, 'min']));
  const unknownBytes = unknown.reduce((s, l) => s + l.max, 0);
  let total = usageBytes + unknownBytes + legs.reduce((s, l) => s + l.min, 0);
  const minTotal = total;
  for (const leg of legs) {
    const extra = Math.max(0, leg.max - leg.min);
    if (total + extra > ceilingBytes) continue;
    chosen.set(leg.scope, 'max');
    total += extra;
  }
  const mode = chosen.get(self.scope)!;
  const addBytes = total - usageBytes;
  const maxSiblings = siblings.filter((s) => chosen.get(s.scope) === 'max').length;
  const others = [
    siblings.length ? `${siblings.length} sibling leg${siblings.length > 1 ? 's' : ''} (${maxSiblings} max)` : '',
    unknown.length
      ? `${unknown.length} first-export leg${unknown.length > 1 ? 's' : ''} at ${formatSize(unknownBytes)}`
      : ''
  ].filter(Boolean);
  const estimate =
    `this export adds about ${formatSize(mode === 'max' ? self.max : self.min)} (${self.basis})${others.length ? ` with ${others.join(' and ')}` : ''}: ` +
    `${formatSize(usageBytes)} + ${formatSize(addBytes)} = ${formatSize(total)}, ${percent(total, budgetBytes)}% of the ${formatSize(budgetBytes)} budget (ceiling ${Math.round(ceiling * 100)}%)`;
  const pruneFirst = minTotal > ceilingBytes;
  const reason =
    mode === 'max'
      ? `${estimate}: room for max`
      : pruneFirst
        ? `${estimate}: even min does not fit, so the cache is pruned first`
        : `${estimate}: max (${formatSize(self.max)}) would not fit, min does`;
  const shares = legs.map((l) => ({
    scope: l.scope,
    mode: chosen.get(l.scope)!,
    add: chosen.get(l.scope) === 'max' ? l.max : l.min
  }));
  return {
    mode,
    addBytes,
    minAddBytes: minTotal - usageBytes,
    peakBytes: total,
    ceilingBytes,
    pruneFirst,
    reason,
    legs: shares,
    unknownBytes,
    unknownLegs: unknown.length
  };
}

/**
 * After the prune before the build: does this leg's export still fit? Unseen legs count first, then the legs in
 * the plan's order (legOrder) with their modes; a leg whose share would pass the ceiling does not export and
 * leaves its room to the legs after it. Every leg decides the same way from the same figures, so the ones that
 * write fit together. The default branch is no exception: its export past the ceiling would make GitHub evict
 * least-recently-used entries blind to what live indexes need, while a skipped leg keeps its previous cache and
 * is first in line next run. A leg this plan knows nothing about exports.
 */
export function exportFits(p: LegPlan, scope: string, usageBytes: number): { fits: boolean; reason?: string } {
  const index = p.legs.findIndex((l) => l.scope === scope);
  if (index < 0) return { fits: true };
  let total = usageBytes + p.unknownBytes;
  let before = 0;
  for (const leg of p.legs.slice(0, index)) {
    if (total + leg.add > p.ceilingBytes) continue;
    total += leg.add;
    before++;
  }
  const own = p.legs[index].add;
  if (total + own <= p.ceilingBytes) return { fits: true };
  return {
    fits: false,
    reason:
      `after pruning, ${formatSize(usageBytes)} used; with this export (${formatSize(own)})${before > 0 || p.unknownBytes ? ` and the ${before + (p.unknownBytes ? 1 : 0) > 1 ? 'exports' : 'export'} that go first` : ''} ` +
      `usage would reach ${formatSize(total + own)}, over the ${formatSize(p.ceilingBytes)} ceiling, and GitHub would evict least-recently-used entries ` +
      `that live indexes need: this run reads the cache but does not write it (its previous cache still serves; its leg goes first next run)`
  };
}

/**
 * How many other legs of this job run in this workflow run (GITHUB_RUN_ID), from the run's jobs: a matrix leg
 * of job `build` is named `build (<its matrix values>)` unless the workflow gives the job a `name:`. Queued or
 * in progress, this leg included. Undefined when no job carries that name (a custom name: not known).
 */
export function concurrentLegsOf(
  jobs: ReadonlyArray<{ name: string; status: string }>,
  jobId: string
): number | undefined {
  const legs = jobs.filter(
    (j) =>
      j.name.startsWith(`${jobId} (`) &&
      j.name.endsWith(')') &&
      (j.status === 'in_progress' || j.status === 'queued' || j.status === 'waiting')
  );
  return legs.length > 0 ? legs.length - 1 : undefined;
}
