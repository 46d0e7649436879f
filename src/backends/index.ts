/**
 * The one registry of cache backends. Adding a backend: one file next to this one, one line here
 * (and its name in action.yml's `cache` input).
 */
import type { Backend } from './backend.js';
import { gha } from './gha.js';
import { inline } from './inline.js';
import { local } from './local.js';
import { none } from './none.js';
import { registry } from './registry.js';
import { s3 } from './s3.js';

export const BACKENDS = { gha, registry, inline, local, s3, none } as const satisfies Record<string, Backend>;

/** Names of the backends BuildKit can export to or import from (every one but `none`). */
export type CacheType = Exclude<keyof typeof BACKENDS, 'none'>;
export type BackendName = keyof typeof BACKENDS;

/** Every backend's name, in registry order (the order the `cache` input lists them). */
export const BACKEND_NAMES = Object.keys(BACKENDS) as BackendName[];
export const CACHE_TYPES = BACKEND_NAMES.filter((n): n is CacheType => n !== 'none');

export function backendOf(name: BackendName): Backend {
  return BACKENDS[name];
}

/** The backend a cache value's `type=` names; undefined for a type no backend has. */
export function backendOfType(type: string): Backend | undefined {
  return Object.hasOwn(BACKENDS, type) ? BACKENDS[type as BackendName] : undefined;
}

export type { Backend, Companion, LocationContext, ProbeKind } from './backend.js';
