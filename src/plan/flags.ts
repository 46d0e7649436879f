/**
 * The computed cache flags per backend: what the action gives envd when the author sets only `cache:`.
 * Pure; each backend's own rules are in `src/backends/`; credentials and runtime decisions are applied by the planner.
 */
import { backendOf, type LocationContext } from '../backends/index.js';
import { ATTRIBUTES, type CacheType, type Direction } from '../backends/attributes.js';
import { type CacheSpec, cacheSpec } from '../backends/spec.js';
import type { Inputs } from '../inputs/inputs.js';
import type { Candidate, Locations } from '../backends/location.js';

/** A backend's location context with the whole `Inputs`, which the planner reads beyond what a backend needs. */
export type FlagContext = LocationContext & { inputs: Inputs };

/**
 * Registry tags and S3 names per branch (backends/location.ts), unless the author gave the place (cache-ref):
 * then it is used exactly as given, on every branch.
 */
export function sharedLocations(backend: CacheType, ctx: FlagContext): Locations | undefined {
  return backendOf(backend).sharedLocations?.(ctx);
}

/** cache-options attributes that BuildKit reads in this direction. */
function optionsFor(backend: CacheType, direction: Direction, options: Map<string, string>): [string, string][] {
  const rules = ATTRIBUTES[backend];
  return [...options].filter(([k]) => rules[k]?.in.includes(direction));
}

export function computedExport(backend: CacheType, ctx: FlagContext): CacheSpec {
  const b = backendOf(backend);
  const options = optionsFor(backend, 'export', ctx.inputs.cacheOptions);
  if (b.exportAttrs) return cacheSpec(backend, b.exportAttrs(options));
  return cacheSpec(backend, [
    ...b.location(ctx, 'export', sharedLocations(backend, ctx)?.write),
    ['mode', ctx.mode],
    ...options
  ]);
}

/** The import from one candidate entry; without one, the last (the default branch's) of the shared locations. */
export function computedImport(backend: CacheType, ctx: FlagContext, entry?: Candidate): CacheSpec {
  const b = backendOf(backend);
  if (b.readBack) {
    const as = b.readBack.as(ctx);
    return cacheSpec(as.type, as.attrs);
  }
  const reads = sharedLocations(backend, ctx)?.reads;
  const chosen = entry ?? reads?.[reads.length - 1];
  return cacheSpec(backend, [
    ...b.location(ctx, 'import', chosen),
    ...optionsFor(backend, 'import', ctx.inputs.cacheOptions)
  ]);
}
