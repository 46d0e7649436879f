/**
 * What identifies the content of a `cache: local` export, for its key: its index.json and the cache manifests
 * that names, with the annotations BuildKit adds to say where a lazily imported layer came from left out.
 *
 * A layer BuildKit imported from the action's served registry and never pulled stays lazy, and each cache export
 * then names its source, `containerd.io/distribution.source.<host>: <repository>`, in that layer's descriptor
 * (cache/remote.go:181-216 at v0.32.2). The first export after a cold one therefore differs from the cache it
 * was built from in those annotations alone, and a key on index.json's bytes saved the whole directory again.
 * Keyed on this identity, an export whose layers, config and records are the same is the same cache.
 * Pure: the shell reads the blobs.
 */

const SOURCE_ANNOTATION = 'containerd.io/distribution.source.';
const DIGEST = /^sha256:[0-9a-f]{64}$/;
/** The media types of the manifests index.json names (BuildKit writes an OCI image index for a cache). */
const MANIFEST_TYPES = new Set([
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json'
]);

type Json = unknown;
const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A descriptor without its distribution-source annotations (and without `annotations` when none are left). */
function withoutSources(desc: Json): Json {
  if (!isObject(desc) || !isObject(desc.annotations)) return desc;
  const kept = Object.entries(desc.annotations).filter(([k]) => !k.startsWith(SOURCE_ANNOTATION));
  const { annotations: _dropped, ...rest } = desc;
  return kept.length ? { ...rest, annotations: Object.fromEntries(kept) } : rest;
}

/** A manifest or image index with every descriptor it holds (config, layers, manifests) stripped of sources. */
function normalizeManifest(m: Json): Json {
  if (!isObject(m)) return m;
  return {
    ...m,
    ...(m.config !== undefined ? { config: withoutSources(m.config) } : {}),
    ...(Array.isArray(m.layers) ? { layers: m.layers.map(withoutSources) } : {}),
    ...(Array.isArray(m.manifests) ? { manifests: m.manifests.map(withoutSources) } : {})
  };
}

/** JSON with object keys sorted, so that the same content gives the same text. */
function canonical(v: Json): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isObject(v))
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

/**
 * The text to hash for the key of an export: index.json with each manifest it names replaced by that manifest's
 * content, sources left out. `blob(digest)` reads a blob of the layout (only well-formed sha256 digests are asked
 * for). Anything unexpected — not JSON, a manifest missing or unreadable — gives index.json's own bytes, the key
 * every earlier release used.
 */
export function exportIdentity(indexJson: string, blob: (digest: string) => string | undefined): string {
  let index: Json;
  try {
    index = JSON.parse(indexJson);
  } catch {
    return indexJson;
  }
  if (!isObject(index) || !Array.isArray(index.manifests)) return indexJson;
  const manifests: Json[] = [];
  for (const desc of index.manifests) {
    // A descriptor of anything but a manifest (a layer, in a layout of another tool's) is kept as it is.
    if (!isObject(desc) || typeof desc.mediaType !== 'string' || !MANIFEST_TYPES.has(desc.mediaType)) {
      manifests.push(withoutSources(desc));
      continue;
    }
    const digest = desc.digest;
    const text = typeof digest === 'string' && DIGEST.test(digest) ? blob(digest) : undefined;
    if (text === undefined) return indexJson;
    let content: Json;
    try {
      content = JSON.parse(text);
    } catch {
      return indexJson;
    }
    const { digest: _d, size: _s, ...rest } = withoutSources(desc) as Record<string, Json>;
    manifests.push({ ...rest, content: normalizeManifest(content) });
  }
  return canonical({ ...index, manifests });
}
