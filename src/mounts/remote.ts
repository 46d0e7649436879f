/**
 * cache-mounts beside the layers (issue 23): with `cache: registry` each mount's archive is an OCI artifact in the
 * cache's repository, with `cache: s3` an object under the cache's prefix. The names per branch (the layers'
 * locations, backends/location.ts), the artifact's manifest and how a fetched one is read. Pure.
 */
import { createHash } from 'node:crypto';
import type { MountsHome } from '../backends/backend.js';
import { sanitize } from '../cache/scope.js';
import { MOUNT_KEY_PREFIX, slotOf } from './mounts.js';

/** The artifact type of a mount archive's manifest (OCI image-spec v1.1 `artifactType`). */
export const MOUNT_ARTIFACT_TYPE = 'application/vnd.envd-cache-action.mount.v1+tar';
/** The media type of its one layer: the archive, a plain tar of the mount's content. */
export const MOUNT_LAYER_TYPE = 'application/vnd.envd-cache-action.mount.layer.v1.tar';
export const OCI_MANIFEST_TYPE = 'application/vnd.oci.image.manifest.v1+json';
/** OCI image-spec v1.1's empty descriptor (`{}`), the config of an artifact that has none. */
export const EMPTY_CONFIG = {
  mediaType: 'application/vnd.oci.empty.v1+json',
  digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
  size: 2,
  data: 'e30='
} as const;

/** Annotation names on a mount's manifest (for the person looking at the registry, and checked on restore). */
export const ANNOTATION = {
  scope: 'dev.envd-cache-action.mount.scope',
  id: 'dev.envd-cache-action.mount.id',
  created: 'org.opencontainers.image.created'
} as const;

const MAX_TAG = 128;
const short = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 10);

/**
 * The tag of one mount next to a cache tag: `<base>-mount-<readable>-<hash>`, the readable part the mount's directory
 * and flavour (`pip-demo-cpu`), the hash of base, scope and id (so two mounts, scopes or long bases never share a
 * tag). The base is cut when the whole would pass 128 characters (OCI tag grammar: `[A-Za-z0-9_][A-Za-z0-9._-]*`).
 */
export function mountTag(base: string, scope: string, id: string): string {
  const parts = id.split('/').filter(Boolean);
  const readable = sanitize(parts.slice(-2).join('-').replace(/^\./, ''), 24) || 'mount';
  const tail = `-mount-${readable}-${short(`${base}\n${scope}\n${id}`)}`;
  return `${base.slice(0, MAX_TAG - tail.length)}${tail}`;
}

/** The object key of one mount under an s3 cache: `<prefix>envd-mounts/<name>/<slot>.tar` (name: the layers' per-branch name). */
export const mountObjectKey = (prefix: string, name: string, id: string) =>
  `${prefix}envd-mounts/${name}/${slotOf(id)}.tar`;

/** Scope and mount id from the key prefix the step restores by (`envd-mount-<scope>#<id>#`, mounts.ts). */
export function mountOfPrefix(prefix: string): { scope: string; id: string } | undefined {
  const m = /^([^#]+)#(\/[^#]+)#/.exec(
    prefix.startsWith(MOUNT_KEY_PREFIX) ? prefix.slice(MOUNT_KEY_PREFIX.length) : ''
  );
  return m ? { scope: m[1], id: m[2] } : undefined;
}

export interface MountBlob {
  /** `sha256:<64 hex>`. */
  digest: string;
  size: number;
}

/** The manifest pushed for one mount: the empty config, the archive as its one layer, who it is in annotations. */
export function mountManifest(blob: MountBlob, o: { scope: string; id: string; created: string }): string {
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST_TYPE,
    artifactType: MOUNT_ARTIFACT_TYPE,
    config: EMPTY_CONFIG,
    layers: [{ mediaType: MOUNT_LAYER_TYPE, digest: blob.digest, size: blob.size }],
    annotations: { [ANNOTATION.scope]: o.scope, [ANNOTATION.id]: o.id, [ANNOTATION.created]: o.created }
  });
}

const SHA256 = /^sha256:[a-f0-9]{64}$/;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The archive a fetched manifest names, or why it is not one of ours for this mount: another artifact type (a tag
 * someone else pushed), not one sha256 layer of our type, or another mount's (annotations). Never throws.
 */
export function readMountManifest(
  text: string,
  want: { id: string }
): { ok: true; value: MountBlob } | { ok: false; reason: string } {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'the manifest is not JSON' };
  }
  if (!isObject(v) || v.artifactType !== MOUNT_ARTIFACT_TYPE)
    return {
      ok: false,
      reason: `the tag does not name a package-cache artifact (artifactType ${MOUNT_ARTIFACT_TYPE})`
    };
  const layers = Array.isArray(v.layers) ? v.layers : [];
  const layer: unknown = layers[0];
  if (layers.length !== 1 || !isObject(layer) || layer.mediaType !== MOUNT_LAYER_TYPE)
    return { ok: false, reason: `the manifest does not have one ${MOUNT_LAYER_TYPE} layer` };
  const { digest, size } = layer;
  if (typeof digest !== 'string' || !SHA256.test(digest) || typeof size !== 'number' || !(size >= 0))
    return { ok: false, reason: 'the layer has no sha256 digest and size' };
  const id = isObject(v.annotations) ? v.annotations[ANNOTATION.id] : undefined;
  if (id !== want.id) return { ok: false, reason: `the artifact holds another mount (${String(id)})` };
  return { ok: true, value: { digest, size } };
}

/** Where a run's package caches are kept, in the plan's words (the write place, and which places are read). */
export function homeWords(home: MountsHome, scope: string): string {
  if (home.store === 'github-cache') return `in the GitHub cache under scope ${scope}`;
  const at = home.store === 'oci-artifact' ? home.tags : home.names;
  const where =
    home.store === 'oci-artifact'
      ? `as OCI artifacts in ${home.repository} tagged ${at.write.name}-mount-…`
      : `as s3 objects under ${home.prefix}envd-mounts/${at.write.name}/`;
  const reads = at.reads.length > 1 ? ` (read from ${at.reads.map((c) => c.owner).join(', then ')})` : '';
  return `${where}, beside the layers${reads}`;
}
