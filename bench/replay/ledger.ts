/**
 * The replay's account of the GitHub cache as it changes (the emulator's store events): peak usage, and which
 * removals broke a live index. Pure: events in, figures out (the caller reads each committed index's JSON).
 *
 * - A live index is the newest `#n` of an index key on a ref: what BuildKit's importer loads (it looks the key up
 *   by prefix and takes the newest, buildkit-cache.md §4); older generations are superseded.
 * - A live index is broken when a blob it names can no longer be found from its ref: BuildKit looks a blob up on
 *   every ref the job's token may read, so on the index's own ref and on the default branch (`readableRefs`).
 * - An eviction (or a deletion) breaks a live index when it removes a blob entry such that some live index, live
 *   right after the removal, names that blob and no entry of the same key is left on a ref the index can read.
 *   Each such removed entry counts once, however many indexes it broke.
 */
import { blobDigest, parseIndexKey } from '../../src/budget/keys.js';
import { readableRefs } from './schedule.js';

export interface LedgerEntry {
  id: number;
  ref: string;
  key: string;
  size: number;
  createdAt: number;
}

export type Removal = 'evicted' | 'deleted' | 'expired';

export interface LedgerFigures {
  peakBytes: number;
  evicted: number;
  deleted: number;
  /** Evicted blob entries that broke a live index. */
  evictionsBreaking: number;
  /** Blob entries deleted (REST) that broke a live index. */
  deletionsBreaking: number;
  /** Distinct live indexes (by entry id) ever broken by a removal. */
  indexesBroken: number;
}

export class Ledger {
  private readonly entries = new Map<number, LedgerEntry>();
  /** The blob digests each committed index entry names. */
  private readonly names = new Map<number, Set<string>>();
  private readonly brokenIndexes = new Set<number>();
  /** Every index key (without `#n`) ever committed, per ref. */
  private readonly written = new Map<string, Set<string>>();
  readonly figures: LedgerFigures = {
    peakBytes: 0,
    evicted: 0,
    deleted: 0,
    evictionsBreaking: 0,
    deletionsBreaking: 0,
    indexesBroken: 0
  };

  /** An entry was committed; `digests` = the blobs it names when it is an index. `usageBytes` before any eviction. */
  committed(entry: LedgerEntry, usageBytes: number, digests?: Iterable<string>): void {
    this.entries.set(entry.id, { ...entry });
    if (digests) this.names.set(entry.id, new Set(digests));
    const k = parseIndexKey(entry.key);
    if (k) this.written.set(entry.ref, (this.written.get(entry.ref) ?? new Set()).add(k.base));
    this.figures.peakBytes = Math.max(this.figures.peakBytes, usageBytes);
  }

  /** Entries left the store; returns how many of the removed blob entries broke a live index. */
  removed(kind: Removal, gone: readonly LedgerEntry[]): number {
    for (const e of gone) this.entries.delete(e.id);
    if (kind === 'evicted') this.figures.evicted += gone.length;
    if (kind === 'deleted') this.figures.deleted += gone.length;
    let breaking = 0;
    const live = this.liveIndexes();
    for (const e of gone) {
      const digest = blobDigest(e.key);
      if (!digest) continue;
      const broken = live.filter((i) => this.names.get(i.id)?.has(digest) && !this.findable(e.key, i.ref));
      for (const i of broken) this.brokenIndexes.add(i.id);
      if (broken.length) breaking++;
    }
    if (kind === 'evicted') this.figures.evictionsBreaking += breaking;
    if (kind === 'deleted') this.figures.deletionsBreaking += breaking;
    this.figures.indexesBroken = this.brokenIndexes.size;
    return breaking;
  }

  /** The newest `#n` per index key and ref, among the entries in the store. */
  liveIndexes(): LedgerEntry[] {
    const newest = new Map<string, { e: LedgerEntry; n: number }>();
    for (const e of this.entries.values()) {
      const k = parseIndexKey(e.key);
      if (!k) continue;
      const slot = `${e.ref}\n${k.base}`;
      const best = newest.get(slot);
      if (!best || k.n > best.n || (k.n === best.n && e.createdAt > best.e.createdAt)) newest.set(slot, { e, n: k.n });
    }
    return [...newest.values()].map((x) => x.e);
  }

  /** Whether an entry of `key` is left on a ref a job on `ref` reads. */
  private findable(key: string, ref: string): boolean {
    const refs = readableRefs(ref);
    for (const e of this.entries.values()) if (e.key === key && refs.includes(e.ref)) return true;
    return false;
  }

  /** The index keys (without `#n`) ever written on `ref`, evicted ones included: the scopes that ref's jobs used. */
  writtenIndexBases(ref: string): Set<string> {
    return new Set(this.written.get(ref));
  }

  usageBytes(): number {
    let sum = 0;
    for (const e of this.entries.values()) sum += e.size;
    return sum;
  }
}

/**
 * Whether index lookups (the keys BuildKit asked the cache service for: `index-<scope>-1-<ref hash>`, with `#` or
 * `#n` when it writes) named one of `bases` (index keys without `#n`): the job looked for an index of that scope.
 */
export function lookedUpAny(keys: Iterable<string>, bases: ReadonlySet<string>): boolean {
  for (const key of keys) {
    const k = parseIndexKey(key.replace(/#$/, ''));
    if (k && bases.has(k.base)) return true;
  }
  return false;
}
