/** Cache entries, their blobs, lookups, LRU eviction and expiry. No HTTP here. */
import { Clock, HOUR } from './clock.js';
import type { Counters, EntryInfo, EvictionMode, SeedEntry, StoreEvent, StoreEventKind } from './types.js';

/** BuildKit's version for every entry: sha256("|go-actionscache-1.0"). */
export const BUILDKIT_CACHE_VERSION = '693bb7016429d80366022f036f84856888c9f13e00145f5f6f4dce303a38d6f2';

export interface StoreSettings {
  budgetBytes: number;
  retentionMs: number;
  eviction: EvictionMode;
}

export interface Entry {
  id: number;
  ref: string;
  key: string;
  version: string;
  committed: boolean;
  size: number;
  createdAt: number;
  lastAccessedAt: number;
  /** The committed blob; undefined before upload or after `deleteBlobData`. */
  data?: Buffer;
  staged: Map<string, Buffer>;
  committedBlocks: Map<string, Buffer>;
}

export type BlockRef = { list: 'Latest' | 'Committed' | 'Uncommitted'; id: string };

export type FinalizeResult = { ok: true; entry: Entry } | { ok: false; message: string };

export function entryInfo(e: Entry): EntryInfo {
  return {
    id: e.id,
    ref: e.ref,
    key: e.key,
    version: e.version,
    size: e.size,
    receivedBytes: e.data?.length ?? 0,
    createdAt: e.createdAt,
    lastAccessedAt: e.lastAccessedAt,
    committed: e.committed,
    hasData: e.data !== undefined
  };
}

/** Least recently accessed first; ties by creation, then id. */
function lruCompare(a: Entry, b: Entry): number {
  return a.lastAccessedAt - b.lastAccessedAt || a.createdAt - b.createdAt || a.id - b.id;
}

function newest(entries: Entry[]): Entry | undefined {
  return entries.reduce<Entry | undefined>(
    (best, e) =>
      !best || e.createdAt > best.createdAt || (e.createdAt === best.createdAt && e.id > best.id) ? e : best,
    undefined
  );
}

export class CacheStore {
  private readonly byId = new Map<number, Entry>();
  private readonly listeners = new Set<(event: StoreEvent) => void>();
  private nextId = 1;

  constructor(
    private readonly clock: Clock,
    private readonly settings: StoreSettings,
    private readonly counters: Counters
  ) {
    clock.onChange((now, previous) => {
      if (this.settings.eviction === 'hourly' && Math.floor(now / HOUR) > Math.floor(previous / HOUR))
        this.evictOverBudget();
    });
  }

  /** Calls `listener` synchronously on every commit, eviction, expiry and REST deletion; returns its removal. */
  onEvent(listener: (event: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(kind: StoreEventKind, entries: Entry[]): void {
    if (entries.length === 0 || this.listeners.size === 0) return;
    let usageBytes = 0;
    for (const e of this.byId.values()) if (e.committed) usageBytes += e.size;
    const event: StoreEvent = { kind, entries: entries.map(entryInfo), usageBytes };
    for (const listener of this.listeners) listener(event);
  }

  clear(): void {
    this.byId.clear();
    this.nextId = 1;
  }

  /** All live entries (reserved and committed), in id order, after applying expiry. */
  all(): Entry[] {
    this.expire();
    return [...this.byId.values()];
  }

  committed(): Entry[] {
    return this.all().filter((e) => e.committed);
  }

  get(id: number): Entry | undefined {
    this.expire();
    return this.byId.get(id);
  }

  find(ref: string, key: string, version: string): Entry | undefined {
    return this.all().find((e) => e.ref === ref && e.key === key && e.version === version);
  }

  remove(id: number): Entry | undefined {
    const entry = this.byId.get(id);
    this.byId.delete(id);
    return entry;
  }

  /** Removes committed entries as the REST API's deletion does, and reports them (`deleted`). */
  deleteEntries(entries: Entry[]): void {
    for (const e of entries) this.byId.delete(e.id);
    this.emit('deleted', entries);
  }

  /** Reserves key+version on ref; refuses while an entry (reserved or committed) exists. */
  reserve(ref: string, key: string, version: string): { ok: true; entry: Entry } | { ok: false; existing: Entry } {
    const existing = this.find(ref, key, version);
    if (existing) return { ok: false, existing };
    const now = this.clock.now();
    const entry: Entry = {
      id: this.nextId++,
      ref,
      key,
      version,
      committed: false,
      size: 0,
      createdAt: now,
      lastAccessedAt: now,
      staged: new Map(),
      committedBlocks: new Map()
    };
    this.byId.set(entry.id, entry);
    return { ok: true, entry };
  }

  finalize(ref: string, key: string, version: string, sizeBytes: number): FinalizeResult {
    const entry = this.find(ref, key, version);
    if (!entry) return { ok: false, message: `no reservation found for key ${key} on ${ref}` };
    if (entry.committed) return { ok: false, message: `cache entry ${key} is already finalized` };
    if (!entry.data) return { ok: false, message: `no data was uploaded for key ${key}` };
    const now = this.clock.now();
    entry.committed = true;
    entry.size = sizeBytes;
    entry.createdAt = now;
    entry.lastAccessedAt = now;
    entry.staged.clear();
    this.emit('committed', [entry]);
    if (this.settings.eviction === 'finalize') this.evictOverBudget();
    return { ok: true, entry };
  }

  /**
   * Refs in order; on each ref every candidate is tried as an exact key, then as a prefix
   * (newest by creation wins). The first hit wins and its last access time is updated.
   */
  lookup(refs: string[], candidates: string[], version: string): { entry: Entry; matchedKey: string } | undefined {
    const visible = this.committed().filter((e) => e.version === version);
    for (const ref of refs) {
      const onRef = visible.filter((e) => e.ref === ref);
      for (const candidate of candidates) {
        const hit = onRef.find((e) => e.key === candidate) ?? newest(onRef.filter((e) => e.key.startsWith(candidate)));
        if (hit) {
          hit.lastAccessedAt = this.clock.now();
          return { entry: hit, matchedKey: hit.key };
        }
      }
    }
    return undefined;
  }

  putBlob(entry: Entry, data: Buffer): void {
    entry.data = data;
    entry.staged.clear();
    entry.committedBlocks.clear();
  }

  stageBlock(entry: Entry, blockId: string, data: Buffer): void {
    entry.staged.set(blockId, data);
  }

  /** Assembles the blob in list order. Returns an error text when a block is unknown. */
  commitBlockList(entry: Entry, blocks: BlockRef[]): string | undefined {
    const chosen: Array<[string, Buffer]> = [];
    for (const { list, id } of blocks) {
      const uncommitted = list === 'Committed' ? undefined : entry.staged.get(id);
      const data = uncommitted ?? (list === 'Uncommitted' ? undefined : entry.committedBlocks.get(id));
      if (!data) return `block ${id} (${list}) not found`;
      chosen.push([id, data]);
    }
    entry.data = Buffer.concat(chosen.map(([, data]) => data));
    entry.committedBlocks = new Map(chosen);
    entry.staged.clear();
    return undefined;
  }

  totalBytes(): number {
    return this.committed().reduce((sum, e) => sum + e.size, 0);
  }

  /** Committed entries in eviction order (least recently accessed first). */
  lruOrder(): Entry[] {
    return this.committed().sort(lruCompare);
  }

  /** Removes least recently used entries until the total is within the budget. */
  evictOverBudget(): Entry[] {
    const evicted: Entry[] = [];
    let total = this.totalBytes();
    for (const entry of this.lruOrder()) {
      if (total <= this.settings.budgetBytes) break;
      this.byId.delete(entry.id);
      total -= entry.size;
      evicted.push(entry);
    }
    this.counters.evicted += evicted.length;
    this.emit('evicted', evicted);
    return evicted;
  }

  /**
   * Moves every entry `ms` into the past (creation and last access): time passes for the store without moving
   * the clock, which BuildKit's and the runner's clocks must keep agreeing with. The LRU order stays.
   */
  age(ms: number): void {
    for (const e of this.byId.values()) {
      e.createdAt -= ms;
      e.lastAccessedAt -= ms;
    }
  }

  /** Deletes entries (reserved ones included) not accessed within the retention period. */
  expire(): Entry[] {
    const cutoff = this.clock.now() - this.settings.retentionMs;
    const expired = [...this.byId.values()].filter((e) => e.lastAccessedAt <= cutoff);
    for (const e of expired) this.byId.delete(e.id);
    this.counters.expired += expired.length;
    this.emit('expired', expired);
    return expired;
  }

  seed(seed: SeedEntry): Entry {
    const version = seed.version ?? BUILDKIT_CACHE_VERSION;
    if (this.find(seed.ref, seed.key, version)) throw new Error(`seed: ${seed.key} already exists on ${seed.ref}`);
    const data = seed.data === undefined ? undefined : Buffer.from(seed.data);
    const createdAt = seed.createdAt ?? this.clock.now();
    const entry: Entry = {
      id: this.nextId++,
      ref: seed.ref,
      key: seed.key,
      version,
      committed: true,
      size: seed.sizeBytes ?? data?.length ?? 0,
      createdAt,
      lastAccessedAt: seed.lastAccessedAt ?? createdAt,
      data,
      staged: new Map(),
      committedBlocks: new Map()
    };
    this.byId.set(entry.id, entry);
    return entry;
  }
}
