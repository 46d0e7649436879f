/**
 * What BuildKit knows, per cache backend and direction (reference: buildkit-cache.md §2, §3).
 * Attribute rules are data; the rules that relate two attributes live in `crossChecks`.
 */
import { echo } from '../report/text.js';
import { quoted } from './redact.js';
import { parseImageRef } from './image-ref.js';
import {
  type Check,
  goBool,
  goBoolOrEmpty,
  goDuration,
  integer,
  nonEmpty,
  oneOf,
  parseGoBool,
  positiveInteger,
  sha256Digest
} from './values.js';

export const BACKENDS = ['gha', 'registry', 'inline', 'local', 's3'] as const;
export type Backend = (typeof BACKENDS)[number];
export type Direction = 'export' | 'import';

export interface AttributeRule {
  /** The directions in which BuildKit reads the attribute. */
  in: readonly Direction[];
  check?: Check;
  /** A credential: never logged, replaced by *** in outputs. */
  secret?: boolean;
  /** Known to BuildKit but refused here, with the reason and the fix. */
  refused?: string;
}

const E: readonly Direction[] = ['export'];
const I: readonly Direction[] = ['import'];
const EI: readonly Direction[] = ['export', 'import'];

const imageRef: Check = (v) => {
  const r = parseImageRef(v);
  return r.ok ? undefined : r.problem;
};

const mode: AttributeRule = { in: E, check: oneOf('min', 'max') };
const ignoreError: AttributeRule = { in: E, check: goBool };

/** Registry-style layer options shared by registry and local exports. */
const layerOptions: Record<string, AttributeRule> = {
  mode,
  'ignore-error': ignoreError,
  'oci-mediatypes': { in: E, check: goBool },
  'image-manifest': { in: E, check: goBool },
  compression: { in: E, check: oneOf('uncompressed', 'gzip', 'estargz', 'zstd') },
  'compression-level': { in: E, check: integer },
  'force-compression': { in: E, check: goBoolOrEmpty }
};

const GZIP_ONLY = 'is ignored by this backend: it always stores gzip layers; remove it';
const ignoredByGzipOnly: Record<string, AttributeRule> = Object.fromEntries(
  ['oci-mediatypes', 'image-manifest', 'compression', 'compression-level', 'force-compression'].map((k) => [
    k,
    { in: EI, refused: GZIP_ONLY }
  ])
);

export const ATTRIBUTES: Record<Backend, Record<string, AttributeRule>> = {
  registry: {
    ref: { in: EI, check: imageRef },
    'registry.insecure': { in: EI, check: goBool },
    ...layerOptions
  },
  inline: {
    // BuildKit's inline exporter reads no attributes; mode is accepted only as min (the only mode it has).
    mode: { in: E, check: (v) => (v === 'min' ? undefined : `${quoted(v)}: inline cache supports only mode=min; use cache: registry for mode=max`) }
  },
  local: {
    dest: { in: E, check: nonEmpty },
    src: { in: I, check: nonEmpty },
    tag: { in: EI, check: nonEmpty },
    digest: { in: I, check: sha256Digest },
    reset: {
      in: E,
      refused: 'needs BuildKit client v0.31 and envd v1.3.4 bundles v0.25.1, so it would be ignored; export to a fresh directory instead'
    },
    ...layerOptions
  },
  gha: {
    scope: { in: EI, check: (v) => (/^[^,\s]{1,200}$/.test(v) ? undefined : `${quoted(v)} must be 1-200 characters without commas or spaces`) },
    token: { in: EI, check: nonEmpty, secret: true },
    url: { in: EI, check: nonEmpty },
    url_v2: { in: EI, check: nonEmpty },
    version: { in: EI, check: oneOf('1', '2') },
    timeout: { in: EI, check: goDuration },
    repository: { in: E, check: (v) => (/^[\w.-]+\/[\w.-]+$/.test(v) ? undefined : `${quoted(v)} is not owner/repo`) },
    ghtoken: { in: E, check: nonEmpty, secret: true },
    mode,
    'ignore-error': ignoreError,
    ...ignoredByGzipOnly
  },
  s3: {
    bucket: { in: EI, check: nonEmpty },
    region: { in: EI, check: nonEmpty },
    prefix: { in: EI },
    blobs_prefix: { in: EI },
    manifests_prefix: { in: EI },
    name: { in: EI, check: nonEmpty },
    endpoint_url: { in: EI, check: (v) => (/^https?:\/\/[^\s]+$/.test(v) ? undefined : `${quoted(v)} is not an http(s) URL`) },
    use_path_style: { in: EI, check: goBool },
    access_key_id: { in: EI, check: nonEmpty, secret: true },
    secret_access_key: { in: EI, check: nonEmpty, secret: true },
    session_token: { in: EI, check: nonEmpty, secret: true },
    touch_refresh: { in: EI, check: goDuration },
    upload_parallelism: { in: EI, check: positiveInteger },
    retry_mode: { in: EI, check: oneOf('standard', 'adaptive') },
    retry_max_attempts: { in: EI, check: positiveInteger },
    disable_accept_encoding: { in: EI, check: goBool },
    mode,
    'ignore-error': ignoreError,
    ...ignoredByGzipOnly
  }
};

/** Attributes a value must carry, per backend and direction (env fallbacks are resolved by the planner). */
export const REQUIRED: Record<Backend, Record<Direction, readonly string[]>> = {
  registry: { export: ['ref'], import: ['ref'] },
  inline: { export: [], import: [] },
  local: { export: ['dest'], import: ['src'] },
  gha: { export: ['token'], import: ['token'] },
  s3: { export: ['bucket', 'region'], import: ['bucket', 'region'] }
};

const LEVEL_RANGE: Record<string, [number, number]> = { gzip: [0, 9], estargz: [0, 9], zstd: [0, 22] };

/** Rules that relate attributes to each other. Each returns problems in plain words. */
export function crossChecks(backend: Backend, direction: Direction, attrs: ReadonlyMap<string, string>, complete: boolean): string[] {
  const problems: string[] = [];
  if (backend === 'registry' || backend === 'local') {
    const compression = attrs.get('compression') ?? 'gzip';
    const oci = attrs.has('oci-mediatypes') ? parseGoBool(attrs.get('oci-mediatypes')!) : true;
    const level = attrs.get('compression-level');
    if (level !== undefined && integer(level) === undefined) {
      const range = LEVEL_RANGE[compression];
      if (!range) problems.push(`compression-level has no effect with compression=${compression}; remove it`);
      else if (Number(level) < range[0] || Number(level) > range[1])
        problems.push(`compression-level=${echo(level)} is out of range for ${compression}: use ${range[0]}-${range[1]}`);
    }
    if (oci === false && (compression === 'estargz' || compression === 'zstd'))
      problems.push(`compression=${compression} needs OCI media types: remove oci-mediatypes=false`);
    if (oci === false && attrs.has('image-manifest') && parseGoBool(attrs.get('image-manifest')!) === true)
      problems.push('image-manifest=true needs OCI media types: remove oci-mediatypes=false or set image-manifest=false');
  }
  if (complete && backend === 'gha' && !attrs.has('url') && !attrs.has('url_v2'))
    problems.push('needs url_v2 (cache service v2) or url (v1, GHES); the action fills them from the runner');
  if (backend === 'gha' && attrs.has('repository') !== attrs.has('ghtoken'))
    problems.push('repository and ghtoken go together: set both or neither');
  if (backend === 's3' && direction === 'import' && (attrs.get('name') ?? '').includes(';'))
    problems.push(`name=${quoted(attrs.get('name')!)}: an s3 import reads only the first name; give one name`);
  return problems;
}
