/**
 * What BuildKit knows, per cache backend and direction (reference: buildkit-cache.md §2, §3), read from the
 * backend registry (`src/backends/`): attribute rules are data there; the rules that relate two attributes
 * are each backend's `crossChecks`.
 */
import { BACKENDS, CACHE_TYPES, type CacheType } from './index.js';
import type { AttributeRule, Direction } from './backend.js';

export { CACHE_TYPES };
export type { CacheType, Direction };

export const ATTRIBUTES: Record<CacheType, Readonly<Record<string, AttributeRule>>> = Object.fromEntries(
  CACHE_TYPES.map((b) => [b, BACKENDS[b].attributes])
) as Record<CacheType, Readonly<Record<string, AttributeRule>>>;

/** Attributes a value must carry, per backend and direction (env fallbacks are resolved by the planner). */
export const REQUIRED: Record<CacheType, Readonly<Record<Direction, readonly string[]>>> = Object.fromEntries(
  CACHE_TYPES.map((b) => [b, BACKENDS[b].required])
) as Record<CacheType, Readonly<Record<Direction, readonly string[]>>>;

/** Rules that relate attributes to each other. Each returns problems in plain words. */
export function crossChecks(
  backend: CacheType,
  direction: Direction,
  attrs: ReadonlyMap<string, string>,
  complete: boolean
): string[] {
  return BACKENDS[backend].crossChecks?.(direction, attrs, complete) ?? [];
}
