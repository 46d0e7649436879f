/**
 * Reads BuildKit index entries (cache-config JSON) through the cache service v2 with the runtime token,
 * exactly as BuildKit's importer does: twirp GetCacheEntryDownloadURL for the exact index key and BuildKit's
 * cache version, then a GET of the signed URL. The token can read only its own refs, so only indexes on
 * readable refs can be read; a read refreshes the index's last access, as an import would.
 */
import { HttpClient } from '@actions/http-client';
import { BUILDKIT_CACHE_VERSION, parseIndexJson, sha256Digest } from '../../budget/keys.js';
import { DEFAULT_PIN_MS, indexesToRead, type CacheEntry } from '../../budget/prune.js';

const LOOKUP = 'twirp/github.actions.results.api.v1.CacheService/GetCacheEntryDownloadURL';

export type IndexRead =
  | { status: 'read'; digests: Set<string>; recognized: boolean; /** What a min export of it would hold. */ final: Set<string> }
  /** The entry is gone (deleted or evicted since it was listed), or another entry answered. */
  | { status: 'missing' }
  | { status: 'failed'; message: string };

export interface IndexReaderOptions {
  /** ACTIONS_RUNTIME_TOKEN. */
  token: string;
  /** ACTIONS_RESULTS_URL. */
  resultsUrl: string;
  /** Reads in flight at once; default 8. */
  concurrency?: number;
  /** Attempts per request on 5xx, 429 or a network error; default 3. */
  attempts?: number;
  backoffMs?: number;
}

export interface IndexReader {
  /** HTTP requests sent so far (twirp and downloads). */
  readonly calls: number;
  read(entries: readonly CacheEntry[]): Promise<Map<number, IndexRead>>;
}

class Transient extends Error {}

export function createIndexReader(options: IndexReaderOptions): IndexReader {
  const client = new HttpClient('envd-cache-action');
  const base = options.resultsUrl.endsWith('/') ? options.resultsUrl : `${options.resultsUrl}/`;
  const attempts = options.attempts ?? 3;
  const backoffMs = options.backoffMs ?? 500;
  let calls = 0;

  async function retrying<T>(work: () => Promise<T>): Promise<T> {
    for (let i = 1; ; i++) {
      try {
        return await work();
      } catch (error) {
        const transient = error instanceof Transient || !(error instanceof Error && error.name === 'Final');
        if (!transient || i >= attempts) throw error;
        await new Promise((r) => setTimeout(r, backoffMs * 2 ** (i - 1)));
      }
    }
  }

  const final = (message: string) => Object.assign(new Error(message), { name: 'Final' });
  const transientStatus = (s: number) => s === 408 || s === 429 || s >= 500;

  async function downloadUrl(key: string): Promise<string | undefined> {
    calls++;
    const res = await client.post(`${base}${LOOKUP}`, JSON.stringify({ key, restore_keys: [], version: BUILDKIT_CACHE_VERSION }), {
      'content-type': 'application/json',
      authorization: `Bearer ${options.token}`
    });
    const status = res.message.statusCode ?? 0;
    const text = await res.readBody();
    if (transientStatus(status)) throw new Transient(`GetCacheEntryDownloadURL answered ${status}`);
    if (status !== 200) throw final(`GetCacheEntryDownloadURL answered ${status}: ${text.slice(0, 200)}`);
    const body = JSON.parse(text) as { ok?: boolean; signed_download_url?: string; matched_key?: string };
    // A prefix match on another key (`#7` gone, `#70` there) is not this index.
    if (body.ok !== true || !body.signed_download_url || body.matched_key !== key) return undefined;
    return body.signed_download_url;
  }

  async function download(url: string): Promise<string | 'expired'> {
    calls++;
    const res = await client.get(url);
    const status = res.message.statusCode ?? 0;
    const text = await res.readBody();
    if (status === 401 || status === 403) return 'expired';
    if (status === 404) throw final('the signed URL answered 404');
    if (transientStatus(status)) throw new Transient(`download answered ${status}`);
    if (status < 200 || status >= 300) throw final(`download answered ${status}`);
    return text;
  }

  async function readOne(entry: CacheEntry): Promise<IndexRead> {
    try {
      for (let round = 0; round < 2; round++) {
        const url = await retrying(() => downloadUrl(entry.key));
        if (url === undefined) return { status: 'missing' };
        const text = await retrying(() => download(url));
        if (text === 'expired') continue; // an expired signed URL: ask for a fresh one, once
        const { digests, recognized, final } = parseIndexJson(text);
        // A signed cache stores `buildkit-blob-1-<index digest>-sig`: the index protects its signature.
        digests.add(sha256Digest(text));
        return { status: 'read', digests, recognized, final };
      }
      return { status: 'failed', message: 'the signed download URL was refused twice' };
    } catch (error) {
      return { status: 'failed', message: (error as Error).message };
    }
  }

  return {
    get calls() {
      return calls;
    },
    async read(entries) {
      const results = new Map<number, IndexRead>();
      const queue = [...entries];
      const worker = async () => {
        for (let e = queue.shift(); e !== undefined; e = queue.shift()) results.set(e.id, await readOne(e));
      };
      await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 8, queue.length)) }, worker));
      return results;
    }
  };
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
  opts: { readableRefs: readonly string[]; closedPrRefs?: readonly string[]; now: number; pinMs?: number; rounds?: number }
): Promise<LiveIndexes> {
  let current = [...entries];
  const liveIndexes = new Map<number, Set<string>>();
  const finalLayers = new Map<number, Set<string>>();
  const vanished: CacheEntry[] = [];
  const failed: LiveIndexes['failed'] = [];
  const unrecognized: CacheEntry[] = [];
  const tried = new Set<number>();
  for (let round = 0; round < (opts.rounds ?? 3); round++) {
    const wanted = indexesToRead(current, { ...opts, pinMs: opts.pinMs ?? DEFAULT_PIN_MS }).filter((e) => !tried.has(e.id));
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
