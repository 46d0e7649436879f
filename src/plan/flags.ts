/**
 * The computed cache flags per backend: what the action gives envd when the author sets only `cache:`.
 * Pure; credentials and runtime decisions are applied by the planner.
 */
import { ATTRIBUTES, type Backend, type Direction } from '../cache/backends.js';
import { repositoryOf } from '../cache/image-ref.js';
import { type CacheSpec, cacheSpec } from '../cache/spec.js';
import type { Inputs, Mode } from '../inputs/inputs.js';
import type { Runtime } from '../runtime/runtime.js';
import { type Candidate, locations, type Locations } from './location.js';

export interface FlagContext {
  inputs: Inputs;
  rt: Runtime;
  scope: string;
  mode: Mode;
}

/**
 * Registry tags and S3 names per branch (location.ts), unless the author gave the place (cache-ref):
 * then it is used exactly as given, on every branch.
 */
export function sharedLocations(backend: Backend, ctx: FlagContext): Locations | undefined {
  if (backend === 'registry' && !ctx.inputs.cacheRef) return locations(`buildcache-${ctx.scope}`, ctx.rt);
  if (backend === 's3') return locations(ctx.scope, ctx.rt);
  return undefined;
}

/** cache-options attributes that BuildKit reads in this direction. */
function optionsFor(backend: Backend, direction: Direction, options: Map<string, string>): [string, string][] {
  const rules = ATTRIBUTES[backend];
  return [...options].filter(([k]) => rules[k]?.in.includes(direction));
}

/** The registry cache ref for an entry name (a tag), or cache-ref as given. */
function registryCacheRef(inputs: Inputs, entry: string | undefined): string {
  if (inputs.cacheRef || entry === undefined) return inputs.cacheRef!;
  return `${repositoryOf(inputs.output!.image!)}:${entry}`;
}

export function localCacheDir(inputs: Inputs, rt: Runtime, scope: string): string {
  return inputs.cacheDir ?? `${rt.runnerTemp || '.'}/envd-cache/${scope}`;
}

/** The attributes that locate the cache; `entry` is the registry tag or S3 name chosen for this direction. */
function location(backend: Backend, ctx: FlagContext, direction: Direction, entry?: Candidate): [string, string][] {
  const { inputs, rt, scope } = ctx;
  switch (backend) {
    case 'gha':
      // An explicit per-call deadline: BuildKit before v0.13 defaulted to 5m, later to 10m.
      return [
        ['scope', scope],
        ['timeout', inputs.cacheOptions.get('timeout') ?? '10m']
      ];
    case 'registry':
      return [['ref', registryCacheRef(inputs, entry?.name)]];
    case 'local':
      // Export into a fresh directory that replaces the restored one after the build: the stored cache
      // is always one export, never a pile of them.
      return [[direction === 'export' ? 'dest' : 'src', `${localCacheDir(inputs, rt, scope)}${direction === 'export' ? '.new' : ''}`]];
    case 's3': {
      const o = inputs.cacheOptions;
      const a = rt.aws;
      const fromEnv: [string, string | undefined][] = [
        ['bucket', a.bucket],
        ['region', a.region],
        ['endpoint_url', a.endpointUrl],
        ['access_key_id', a.accessKeyId],
        ['secret_access_key', a.secretAccessKey],
        ['session_token', a.sessionToken]
      ];
      return [
        ['name', entry?.name ?? scope],
        ...fromEnv.filter((e): e is [string, string] => e[1] !== undefined && !o.has(e[0]))
      ];
    }
    case 'inline':
      return [];
  }
}

export function computedExport(backend: Backend, ctx: FlagContext): CacheSpec {
  if (backend === 'inline') return cacheSpec('inline', optionsFor('inline', 'export', ctx.inputs.cacheOptions));
  return cacheSpec(backend, [
    ...location(backend, ctx, 'export', sharedLocations(backend, ctx)?.write),
    ['mode', ctx.mode],
    ...optionsFor(backend, 'export', ctx.inputs.cacheOptions)
  ]);
}

/** The repository name the action's read-only registry serves a restored local cache under. */
const LOCAL_CACHE_REPO = 'envd-local-cache';

/** How BuildKit imports a restored local cache: from the action's registry on 127.0.0.1, over plain HTTP. */
export function localRegistryImport(host: string, tag = 'latest'): CacheSpec {
  return cacheSpec('registry', [
    ['ref', `${host}/${LOCAL_CACHE_REPO}:${tag}`],
    ['registry.insecure', 'true']
  ]);
}

/** The import from one candidate entry; without one, the last (the default branch's) of the shared locations. */
export function computedImport(backend: Backend, ctx: FlagContext, entry?: Candidate): CacheSpec {
  if (backend === 'inline') {
    // There is no inline importer: the cache travels inside the pushed image and is read back as a registry cache.
    return cacheSpec('registry', [['ref', ctx.inputs.output!.imageName!]]);
  }
  const reads = sharedLocations(backend, ctx)?.reads;
  const chosen = entry ?? reads?.[reads.length - 1];
  return cacheSpec(backend, [...location(backend, ctx, 'import', chosen), ...optionsFor(backend, 'import', ctx.inputs.cacheOptions)]);
}
