/**
 * The computed cache flags per backend: what the action gives envd when the author sets only `cache:`.
 * Pure; credentials and runtime decisions are applied by the planner.
 */
import { ATTRIBUTES, type Backend, type Direction } from '../cache/backends.js';
import { repositoryOf } from '../cache/image-ref.js';
import { type CacheSpec, cacheSpec } from '../cache/spec.js';
import type { Inputs, Mode } from '../inputs/inputs.js';
import type { Runtime } from '../runtime/runtime.js';

export interface FlagContext {
  inputs: Inputs;
  rt: Runtime;
  scope: string;
  mode: Mode;
}

/** cache-options attributes that BuildKit reads in this direction. */
function optionsFor(backend: Backend, direction: Direction, options: Map<string, string>): [string, string][] {
  const rules = ATTRIBUTES[backend];
  return [...options].filter(([k]) => rules[k]?.in.includes(direction));
}

export function registryCacheRef(inputs: Inputs, scope: string): string {
  if (inputs.cacheRef) return inputs.cacheRef;
  return `${repositoryOf(inputs.output!.image!)}:buildcache-${scope}`;
}

export function localCacheDir(inputs: Inputs, rt: Runtime, scope: string): string {
  return inputs.cacheDir ?? `${rt.runnerTemp || '.'}/envd-cache/${scope}`;
}

/** The attributes that locate the cache, shared by both directions. */
function location(backend: Backend, ctx: FlagContext, direction: Direction): [string, string][] {
  const { inputs, rt, scope } = ctx;
  switch (backend) {
    case 'gha':
      // An explicit per-call deadline: BuildKit before v0.13 defaulted to 5m, later to 10m.
      return [
        ['scope', scope],
        ['timeout', inputs.cacheOptions.get('timeout') ?? '10m']
      ];
    case 'registry':
      return [['ref', registryCacheRef(inputs, scope)]];
    case 'local':
      return [[direction === 'export' ? 'dest' : 'src', localCacheDir(inputs, rt, scope)]];
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
        ['name', scope],
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
    ...location(backend, ctx, 'export'),
    ['mode', ctx.mode],
    ...optionsFor(backend, 'export', ctx.inputs.cacheOptions)
  ]);
}

export function computedImport(backend: Backend, ctx: FlagContext): CacheSpec {
  if (backend === 'inline') {
    // There is no inline importer: the cache travels inside the pushed image and is read back as a registry cache.
    return cacheSpec('registry', [['ref', ctx.inputs.output!.imageName!]]);
  }
  return cacheSpec(backend, [...location(backend, ctx, 'import'), ...optionsFor(backend, 'import', ctx.inputs.cacheOptions)]);
}
