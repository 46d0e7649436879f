/**
 * BuildKit's gha cache key layout, parsed. Pure.
 *
 * - layer blob: `buildkit-blob-1-sha256:<64 hex>` (shared by every scope and image; a signed cache adds
 *   `buildkit-blob-1-sha256:<index digest>-sig`)
 * - index: `index-<scope>-1-<first 8 hex of sha256(ref)>[-sig]#<n>`; every export writes a new `#n`.
 *   Scopes may contain `-`, so the suffix is matched from the end.
 */
import { createHash } from 'node:crypto';

/** BuildKit's cache version for every entry: sha256("|go-actionscache-1.0"). */
export const BUILDKIT_CACHE_VERSION = '693bb7016429d80366022f036f84856888c9f13e00145f5f6f4dce303a38d6f2';
const BLOB_PREFIX = 'buildkit-blob-1-';

export interface IndexKey {
  scope: string;
  /** First 8 hex of sha256 of the ref the index was written from. */
  refHash: string;
  /** The `#n` counter; 0 when the key has none. */
  n: number;
  signed: boolean;
  /** The key without `#n`: what BuildKit looks up (by prefix) to find the newest index. */
  base: string;
}

const INDEX_KEY = /^index-(.+)-1-([0-9a-f]{8})(-sig)?(?:#(\d+))?$/;
const BLOB_KEY = /^buildkit-blob-1-(sha256:[0-9a-f]{64})(-sig)?$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;
const DIGEST_ANYWHERE = /sha256:[0-9a-f]{64}/g;

/** `index-build-ab12cd34-1-f921bd05#7` → `{ scope: 'build-ab12cd34', refHash: 'f921bd05', n: 7, signed: false }`. */
export function parseIndexKey(key: string): IndexKey | undefined {
  const m = INDEX_KEY.exec(key);
  if (!m) return undefined;
  const [, scope, refHash, sig, n] = m;
  const signed = sig !== undefined;
  return {
    scope,
    refHash,
    n: n === undefined ? 0 : Number(n),
    signed,
    base: `index-${scope}-1-${refHash}${signed ? '-sig' : ''}`
  };
}

export function isIndexKey(key: string): boolean {
  return INDEX_KEY.test(key);
}

/** A layer blob (or a signature blob) as BuildKit names it. */
export function isBlobKey(key: string): boolean {
  return BLOB_KEY.test(key);
}

/** `buildkit-blob-1-sha256:<hex>[-sig]` → `sha256:<hex>`; undefined for other keys. */
export function blobDigest(key: string): string | undefined {
  return BLOB_KEY.exec(key)?.[1];
}

/** A signature blob (`…-sig`): its digest is the digest of the index it signs. */
export function isSignatureBlob(key: string): boolean {
  return BLOB_KEY.exec(key)?.[2] !== undefined;
}

export function blobKey(digest: string): string {
  return `${BLOB_PREFIX}${digest}`;
}

/** First 8 hex of sha256(ref), as BuildKit puts it in index keys (`refs/heads/main` → `f921bd05`). */
export function refHash(ref: string): string {
  return createHash('sha256').update(ref).digest('hex').slice(0, 8);
}

/** The index key BuildKit writes for a scope from a ref; `n` omitted gives the lookup prefix without `#`. */
export function indexKey(scope: string, ref: string, n?: number, signed = false): string {
  return `index-${scope}-1-${refHash(ref)}${signed ? '-sig' : ''}${n === undefined ? '' : `#${n}`}`;
}

export function sha256Digest(data: string | Uint8Array): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

export interface IndexContents {
  /** Layer blob digests the index references. */
  digests: Set<string>;
  /** True when the document had BuildKit's `layers` list; false when digests were scraped from an unknown shape. */
  recognized: boolean;
  /**
   * The blobs a `mode=min` export of the same build would hold: the layer chains of the records no other record
   * takes as input (the build's results). Equal to `digests` when the records do not tell (or for a min export).
   */
  final: Set<string>;
}

function scrape(text: string, into: Set<string>): void {
  for (const m of text.matchAll(DIGEST_ANYWHERE)) into.add(m[0]);
}

/**
 * The blob digests a BuildKit cache config (`{"layers":[{"blob":"sha256:…"}],"records":[…]}`) references.
 * Lenient: an unknown shape, or text that is not JSON, yields every `sha256:<64 hex>` it contains, so
 * reading more than is referenced can only protect more, never less.
 */
export function parseIndexJson(content: string | Uint8Array): IndexContents {
  const text = typeof content === 'string' ? content : Buffer.from(content).toString('utf8');
  const digests = new Set<string>();
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    scrape(text.toLowerCase(), digests);
    return { digests, recognized: false, final: digests };
  }
  const layers = typeof doc === 'object' && doc !== null ? (doc as { layers?: unknown }).layers : undefined;
  if (!Array.isArray(layers)) {
    scrape(text.toLowerCase(), digests);
    return { digests, recognized: false, final: digests };
  }
  let odd = false;
  for (const layer of layers) {
    const blob = typeof layer === 'object' && layer !== null ? (layer as { blob?: unknown }).blob : undefined;
    if (typeof blob === 'string' && DIGEST.test(blob.toLowerCase())) digests.add(blob.toLowerCase());
    else odd = true;
  }
  // A layer without a readable blob digest: keep everything that looks like one.
  if (odd) {
    scrape(text.toLowerCase(), digests);
    return { digests, recognized: false, final: digests };
  }
  return {
    digests,
    recognized: true,
    final: finalChain(doc as { layers: unknown[]; records?: unknown }, layers) ?? digests
  };
}

/**
 * BuildKit's cache config (`cache/remotecache/v1/types/spec.go`, v0.32.2): `layers[i].parent` is the index of
 * the layer below (omitted when 0, -1 for none); a record's results are `records[i].layers[].layer` (the Go field
 * `Results`, spec.go:30) or, for a result made of several layers, `records[i].chains[].layers[]` (spec.go:31, 42);
 * `records[i].inputs[][].link` names the records it builds on. The records nothing links to are the build's
 * results; their layer chains are what `mode=min` exports. Undefined when the document does not say.
 */
function finalChain(doc: { records?: unknown }, layers: unknown[]): Set<string> | undefined {
  const records = Array.isArray(doc.records)
    ? (doc.records as Array<{ layers?: unknown; chains?: unknown; inputs?: unknown }>)
    : undefined;
  if (!records || records.length === 0) return undefined;
  const linked = new Set<number>();
  for (const r of records)
    if (Array.isArray(r?.inputs))
      for (const group of r.inputs)
        if (Array.isArray(group)) for (const i of group) if (typeof i?.link === 'number') linked.add(i.link);
  if (linked.size === 0) return undefined; // no inputs recorded: every record looks final, which tells nothing
  const out = new Set<string>();
  const seen = new Set<number>();
  const chainFrom = (top: unknown) => {
    for (let l = typeof top === 'number' ? top : -1; l >= 0 && l < layers.length && !seen.has(l);) {
      seen.add(l);
      const layer = layers[l] as { blob?: string; parent?: unknown };
      if (typeof layer.blob === 'string') out.add(layer.blob.toLowerCase());
      l = typeof layer.parent === 'number' ? layer.parent : 0;
    }
  };
  records.forEach((r, index) => {
    if (linked.has(index)) return;
    if (Array.isArray(r?.layers)) for (const res of r.layers as Array<{ layer?: unknown }>) chainFrom(res?.layer);
    if (Array.isArray(r?.chains))
      for (const c of r.chains as Array<{ layers?: unknown }>)
        if (Array.isArray(c?.layers)) for (const l of c.layers) chainFrom(l);
  });
  return out.size > 0 ? out : undefined;
}
