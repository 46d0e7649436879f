/** Attribute rules more than one backend shares (reference: buildkit-cache.md §2, §3). */
import { parseImageRef } from '../cache/image-ref.js';
import { type Check, goBool, goBoolOrEmpty, integer, oneOf, parseGoBool } from '../cache/values.js';
import { echo } from '../text/text.js';
import type { AttributeRule, Direction } from './backend.js';

export const E: readonly Direction[] = ['export'];
export const I: readonly Direction[] = ['import'];
export const EI: readonly Direction[] = ['export', 'import'];

export const imageRef: Check = (v) => {
  const r = parseImageRef(v);
  return r.ok ? undefined : r.problem;
};

export const mode: AttributeRule = { in: E, check: oneOf('min', 'max') };
export const ignoreError: AttributeRule = { in: E, check: goBool };

/** Registry-style layer options shared by registry and local exports. */
export const layerOptions: Record<string, AttributeRule> = {
  mode,
  'ignore-error': ignoreError,
  'oci-mediatypes': { in: E, check: goBool },
  'image-manifest': { in: E, check: goBool },
  compression: { in: E, check: oneOf('uncompressed', 'gzip', 'estargz', 'zstd') },
  'compression-level': { in: E, check: integer },
  'force-compression': { in: E, check: goBoolOrEmpty }
};

const GZIP_ONLY = 'is ignored by this backend: it always stores gzip layers; remove it';
export const ignoredByGzipOnly: Record<string, AttributeRule> = Object.fromEntries(
  ['oci-mediatypes', 'image-manifest', 'compression', 'compression-level', 'force-compression'].map((k) => [
    k,
    { in: EI, refused: GZIP_ONLY }
  ])
);

const LEVEL_RANGE: Record<string, [number, number]> = { gzip: [0, 9], estargz: [0, 9], zstd: [0, 22] };

/** How the layer options relate to each other (registry and local). */
export function layerCrossChecks(_direction: Direction, attrs: ReadonlyMap<string, string>): string[] {
  const problems: string[] = [];
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
  return problems;
}
