/** `cache: registry`: a cache image in an OCI registry, one tag per ref unless cache-ref fixes the place. */
import { parseImageRef, repositoryOf } from '../cache/image-ref.js';
import { goBool, parseGoBool } from '../cache/values.js';
import { locations } from './location.js';
import { Input } from '../action/names.js';
import type { Backend, LocationContext, MountsHome } from './backend.js';
import { EI, imageRef, layerCrossChecks, layerOptions } from './rules.js';

export const registry: Backend = {
  name: 'registry',
  attributes: {
    ref: { in: EI, check: imageRef },
    'registry.insecure': { in: EI, check: goBool },
    ...layerOptions
  },
  required: { export: ['ref'], import: ['ref'] },
  crossChecks: layerCrossChecks,
  store: 'shared-store',
  savedInGithubCache: false,
  // cache-ref, when given, is used exactly as given, on every branch.
  sharedLocations: (ctx) => (ctx.inputs.cacheRef ? undefined : locations(`buildcache-${ctx.scope}`, ctx.rt)),
  location({ inputs }, _direction, entry) {
    const ref =
      inputs.cacheRef || entry === undefined
        ? inputs.cacheRef!
        : `${repositoryOf(inputs.output!.image!)}:${entry.name}`;
    return [['ref', ref]];
  },
  writeTarget: ({ inputs }) =>
    inputs.cacheRef ? `${inputs.cacheRef} (cache-ref, which every branch shares)` : undefined,
  probe: 'registry-manifest',
  // A missing cache image ends the import vertex with "… not found" (see report/steps.ts).
  importReportsMissing: true,
  companions: ['cache-ref'],
  mountsHome,
  inputProblems: ({ cacheRef, output }) =>
    cacheRef === undefined && !output?.image
      ? [
          {
            input: Input.CacheRef,
            message:
              'cache: registry needs a place for the cache: set cache-ref (e.g. ghcr.io/org/env:buildcache) or an output with name=<image>'
          }
        ]
      : []
};

/**
 * Package caches as OCI artifacts in the cache's repository: next to cache-ref's tag (fixed, as the layers are),
 * else next to the per-branch `buildcache-<scope>` tags of the output image's repository.
 */
function mountsHome({ inputs, rt, scope }: LocationContext): MountsHome {
  const insecure = parseGoBool(inputs.cacheOptions.get('registry.insecure') ?? '') === true;
  const given = inputs.cacheRef ? parseImageRef(inputs.cacheRef) : undefined;
  if (given?.ok) {
    const fixed = { name: given.value.tag ?? 'buildcache', owner: 'cache-ref, which every branch shares' };
    return {
      store: 'oci-artifact',
      repository: repositoryOf(given.value),
      insecure,
      tags: { write: fixed, reads: [fixed] }
    };
  }
  return {
    store: 'oci-artifact',
    repository: repositoryOf(inputs.output!.image!),
    insecure,
    tags: locations(`buildcache-${scope}`, rt)
  };
}
