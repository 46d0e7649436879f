/**
 * Reads BuildKit index entries (cache-config JSON) through the cache service v2 with the runtime token,
 * exactly as BuildKit's importer does: twirp GetCacheEntryDownloadURL for the exact index key and BuildKit's
 * cache version, then a GET of the signed URL. The token can read only its own refs, so only indexes on
 * readable refs can be read; a read refreshes the index's last access, as an import would. The lookup and the
 * download are those of the one cache-service client (cache-service.ts).
 */
import { POLICIES } from '../../http/policies.js';
import { BUILDKIT_CACHE_VERSION, parseIndexJson, sha256Digest } from '../../budget/keys.js';
import { indexesToRead } from '../../budget/prune.js';
import { type CacheEntry } from '../../budget/generations.js';
import type { Http } from '../http/client.js';
import { CacheService, cacheServiceHttp } from './cache-service.js';
import { drain } from '../pool.js';

export type IndexRead =
  | {
      status: 'read';
      digests: Set<string>;
      recognized: boolean;
      /** What a min export of it would hold. */ final: Set<string>;
    }
  /** The entry is gone (deleted or evicted since it was listed), or another entry answered. */
  | { status: 'missing' }
  | { status: 'failed'; message: string };

export interface IndexReaderOptions {
  /** ACTIONS_RUNTIME_TOKEN. */
  token: string;
  /** ACTIONS_RESULTS_URL. */
  resultsUrl: string;
  /** Reads in flight at once; default POLICIES.concurrency.indexReads. */
  concurrency?: number;
  /** Attempts per request on a retryable answer (src/http/retry.ts); default POLICIES.cacheService's. */
  attempts?: number;
  backoffMs?: number;
  /** The HTTP client (tests hand one in with their clock or transport); default a new one. */
  http?: Http;
}

export interface IndexReader {
  /** HTTP requests sent so far (twirp and downloads). */
  readonly calls: number;
  read(entries: readonly CacheEntry[]): Promise<Map<number, IndexRead>>;
}

export function createIndexReader(options: IndexReaderOptions): IndexReader {
  return new CacheServiceIndexReader(options);
}

/** One reader: its HTTP client, the policy of every request, and the calls counted from its creation. */
class CacheServiceIndexReader implements IndexReader {
  private readonly http: Http;
  private readonly service: CacheService;
  private readonly sent: number;

  constructor(private readonly options: IndexReaderOptions) {
    this.http = options.http ?? cacheServiceHttp();
    this.service = new CacheService({ ...options, http: this.http });
    this.sent = this.http.calls;
  }

  get calls(): number {
    return this.http.calls - this.sent;
  }

  async read(entries: readonly CacheEntry[]): Promise<Map<number, IndexRead>> {
    const results = new Map<number, IndexRead>();
    await drain(
      [...entries],
      this.options.concurrency ?? POLICIES.concurrency.indexReads,
      async (e) => void results.set(e.id, await this.readOnce(e))
    );
    return results;
  }

  /**
   * A key in the GitHub cache is immutable, so an index read once (the budget reading before the build) is not
   * read again by the same job (the prune after it): one round trip less. What was missing or failed is asked again.
   */
  private readonly known = new Map<string, IndexRead>();

  private async readOnce(entry: CacheEntry): Promise<IndexRead> {
    const id = `${entry.id}\n${entry.key}`;
    const known = this.known.get(id);
    if (known) return known;
    const read = await this.readOne(entry);
    if (read.status === 'read') this.known.set(id, read);
    return read;
  }

  private async readOne(entry: CacheEntry): Promise<IndexRead> {
    // The exact key in BuildKit's version: a prefix match on another key (`#7` gone, `#70` there) is not this index.
    const r = await this.service.read(entry.key, [], { version: BUILDKIT_CACHE_VERSION, exact: true });
    if (r.status === 'failed') return { status: 'failed', message: r.reason };
    if (r.status === 'miss') return { status: 'missing' };
    const { digests, recognized, final } = parseIndexJson(r.body);
    // A signed cache stores `buildkit-blob-1-<index digest>-sig`: the index protects its signature.
    digests.add(sha256Digest(r.body));
    return { status: 'read', digests, recognized, final };
  }
}

export interface LiveIndexes {
  /** The listing without the entries found to be gone. */
  entries: CacheEntry[];
  liveIndexes: Map<number, Set<string>>;
  /** Per index read: the blobs a min export of it holds (see parseIndexJson). */
  finalLayers: Map<number, Set<string>>;
  /** Index entries that vanished between the listing and the read. */
  vanished: CacheEntry[];
  failed: Array<{ entry: CacheEntry; message: string }>;
  /** Indexes whose JSON had an unknown shape (digests were scraped from the text). */
  unrecognized: CacheEntry[];
}

/**
 * Reads every live and pinned index on a readable ref. When one has vanished, the previous `#n` of its group
 * is what BuildKit now imports, so it is read too (a few rounds at most).
 */
export async function readLiveIndexes(
  reader: IndexReader,
  entries: readonly CacheEntry[],
  opts: {
    readableRefs: readonly string[];
    closedPrRefs?: readonly string[];
    now: number;
    pinMs?: number;
    rounds?: number;
  }
): Promise<LiveIndexes> {
  let current = [...entries];
  const liveIndexes = new Map<number, Set<string>>();
  const finalLayers = new Map<number, Set<string>>();
  const vanished: CacheEntry[] = [];
  const failed: LiveIndexes['failed'] = [];
  const unrecognized: CacheEntry[] = [];
  const tried = new Set<number>();
  for (let round = 0; round < (opts.rounds ?? 3); round++) {
    const wanted = indexesToRead(current, opts).filter((e) => !tried.has(e.id));
    if (wanted.length === 0) break;
    const results = await reader.read(wanted);
    const gone = new Set<number>();
    for (const entry of wanted) {
      tried.add(entry.id);
      const r = results.get(entry.id);
      if (r?.status === 'read') {
        liveIndexes.set(entry.id, r.digests);
        finalLayers.set(entry.id, r.final);
        if (!r.recognized) unrecognized.push(entry);
      } else if (r?.status === 'missing') {
        gone.add(entry.id);
        vanished.push(entry);
      } else failed.push({ entry, message: r?.message ?? 'not read' });
    }
    if (gone.size === 0) break;
    current = current.filter((e) => !gone.has(e.id));
  }
  return { entries: current, liveIndexes, finalLayers, vanished, failed, unrecognized };
}
