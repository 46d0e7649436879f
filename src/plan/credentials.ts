/**
 * The gha backend's credentials, which only JavaScript actions see and envd never reads: the runtime token
 * and the cache service endpoint (v2 on github.com when the runner says so, v1 on GHES or without the flag).
 */
import type { Runtime } from '../runtime/runtime.js';

export interface GhaCredentials {
  attrs: [string, string][];
  /** Why the endpoint was chosen, or what is missing. */
  reason: string;
  missing: string[];
  warning?: string;
}

export function ghaCredentials(rt: Runtime): GhaCredentials {
  const cs = rt.cacheService;
  const attrs: [string, string][] = [];
  const missing: string[] = [];
  let reason: string;
  let warning: string | undefined;
  if (cs.v2 && !rt.ghes) {
    if (cs.resultsUrl) attrs.push(['url_v2', cs.resultsUrl], ['version', '2']);
    else missing.push('ACTIONS_RESULTS_URL');
    reason = 'cache service v2 (ACTIONS_CACHE_SERVICE_V2 is set on github.com)';
  } else {
    const url = cs.cacheUrl ?? cs.resultsUrl;
    if (url) attrs.push(['url', url], ['version', '1']);
    else missing.push('ACTIONS_CACHE_URL');
    reason = !url
      ? 'no cache service endpoint in the environment'
      : rt.ghes
        ? 'cache service v1 (GitHub Enterprise Server)'
        : 'cache service v1 (ACTIONS_CACHE_SERVICE_V2 is not set)';
    if (url && !rt.ghes && rt.actions)
      warning = 'ACTIONS_CACHE_SERVICE_V2 is not set on github.com, so the legacy cache API v1 is used; github.com shut it down on 2025-04-15 and gha cache will likely fail. Check the runner version (v2.321.0+ sets the flag)';
  }
  if (cs.token) attrs.unshift(['token', cs.token]);
  else missing.unshift('ACTIONS_RUNTIME_TOKEN');
  return { attrs, reason, missing, warning };
}

export function missingCredentialsMessage(rt: Runtime, missing: string[]): string {
  const where = rt.actions
    ? 'The runner gives them only to JavaScript actions; if this action runs inside a composite action or a container job, check that the variables are passed through'
    : 'This does not look like a GitHub Actions run (GITHUB_ACTIONS is not true): the runner gives these only to JavaScript actions it runs. Locally, use dry-run: true or another cache backend';
  return `cache: gha needs the runner's cache credentials, and ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not set. ${where}`;
}
