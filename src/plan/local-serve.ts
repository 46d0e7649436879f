/**
 * cache: local, served: envd cannot import `type=local` (envd #1391), so the shell serves the restored directory
 * read-only on 127.0.0.1 and BuildKit imports it as a registry cache over plain HTTP. Pure.
 */
import { withPlainHttpRegistry } from '../builder/config.js';
import { type CacheSpec, cacheSpec } from '../backends/spec.js';
import type { Plan } from './plan.js';

/** The repository name the action's read-only registry serves a restored local cache under. */
const LOCAL_CACHE_REPO = 'envd-local-cache';

/** How BuildKit imports a restored local cache: from the action's registry on 127.0.0.1, over plain HTTP. */
function localRegistryImport(host: string): CacheSpec {
  return cacheSpec('registry', [
    ['ref', `${host}/${LOCAL_CACHE_REPO}:latest`],
    ['registry.insecure', 'true']
  ]);
}

/**
 * For a local cache served at `host`: the buildkitd config that reaches it over HTTP (set before buildkitd
 * starts), and the plan that imports it (used once the restore brought a layout to serve). Neither argument is edited.
 */
export function servedLocalCache(o: { plan: Plan; configInline: string; host: string }): {
  plan: Plan;
  configInline: string;
} {
  return {
    plan: { ...o.plan, import: localRegistryImport(o.host) },
    configInline: withPlainHttpRegistry(o.configInline, o.host)
  };
}
