/** `cache: gha`: BuildKit's GitHub Actions cache exporter and importer, one scope per ref. */
import { quoted } from '../cache/redact.js';
import { goDuration, nonEmpty, oneOf } from '../cache/values.js';
import type { Runtime } from '../runtime/runtime.js';
import type { Backend, RunnerFill } from './backend.js';
import { E, EI, ignoreError, ignoredByGzipOnly, mode } from './rules.js';

export const gha: Backend = {
  name: 'gha',
  attributes: {
    scope: {
      in: EI,
      check: (v) =>
        /^[^,\s]{1,200}$/.test(v) ? undefined : `${quoted(v)} must be 1-200 characters without commas or spaces`
    },
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
  required: { export: ['token'], import: ['token'] },
  crossChecks(_direction, attrs, complete) {
    const problems: string[] = [];
    if (complete && !attrs.has('url') && !attrs.has('url_v2'))
      problems.push('needs url_v2 (cache service v2) or url (v1, GHES); the action fills them from the runner');
    if (attrs.has('repository') !== attrs.has('ghtoken'))
      problems.push('repository and ghtoken go together: set both or neither');
    return problems;
  },
  store: 'github-cache',
  savedInGithubCache: true,
  location: ({ inputs, scope }) => [
    ['scope', scope],
    // An explicit per-call deadline: BuildKit before v0.13 defaulted to 5m, later to 10m.
    ['timeout', inputs.cacheOptions.get('timeout') ?? '10m']
  ],
  fromRunner: fillFromRunner,
  mountsHome: () => ({ store: 'github-cache' }),
  filledByAction: ['token', 'url_v2'],
  writeTarget: ({ scope }, ref) => `the GitHub cache of ${ref}, scope ${scope}`,
  // github.com serves only the cache API v2, which BuildKit speaks from v0.20.0 (url_v2, version=2).
  minBuildkit: {
    version: '0.20.0',
    inputProblem: (given) =>
      `${given} speaks only the GitHub cache API v1, which github.com shut down on 2025-04-15; gha needs BuildKit v0.20.0 or later (v0.27.0+ recommended)`,
    builderProblem: (address, version) =>
      `cache: gha needs BuildKit v0.20.0 or later (cache API v2), and the builder at ${address} runs ${version}; github.com shut the v1 API down on 2025-04-15`,
    unknownWarning: (address) =>
      `The version of the buildkitd at ${address} is unknown; gha cache needs v0.20.0 or later`
  },
  companions: []
};

/*
 * The credentials, which only JavaScript actions see and envd never reads: the runtime token and the cache
 * service endpoint (v2 on github.com when the runner says so, v1 on GHES or without the flag).
 */

interface GhaCredentials {
  attrs: [string, string][];
  /** Why the endpoint was chosen, or what is missing. */
  reason: string;
  missing: string[];
  warning?: string;
}

function ghaCredentials(rt: Runtime): GhaCredentials {
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
      warning =
        'ACTIONS_CACHE_SERVICE_V2 is not set on github.com, so the legacy cache API v1 is used; github.com shut it down on 2025-04-15 and gha cache will likely fail. Check the runner version (v2.321.0+ sets the flag)';
  }
  if (cs.token) attrs.unshift(['token', cs.token]);
  else missing.unshift('ACTIONS_RUNTIME_TOKEN');
  return { attrs, reason, missing, warning };
}

function missingCredentialsMessage(rt: Runtime, missing: string[]): string {
  const where = rt.actions
    ? 'The runner gives them only to JavaScript actions; if this action runs inside a composite action or a container job, check that the variables are passed through'
    : 'This does not look like a GitHub Actions run (GITHUB_ACTIONS is not true): the runner gives these only to JavaScript actions it runs. Locally, use dry-run: true or another cache backend';
  return `cache: gha needs the runner's cache credentials, and ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not set. ${where}`;
}

/** Adds the runner's token and endpoint to every value that lacks them (after scope), and says where they came from. */
function fillFromRunner(rt: Runtime, values: readonly ReadonlyMap<string, string>[]): RunnerFill {
  const creds = ghaCredentials(rt);
  let missing = creds.missing;
  const filled = values.map((given) => {
    const hasEndpoint = given.has('url') || given.has('url_v2');
    const fill = creds.attrs.filter(([k]) => !given.has(k) && !(hasEndpoint && k !== 'token'));
    const attrs = [...given];
    attrs.splice(attrs.findIndex(([k]) => k === 'scope') + 1, 0, ...fill);
    const out = new Map(attrs);
    missing = missing.filter((v) => (v === 'ACTIONS_RUNTIME_TOKEN' ? !out.has('token') : !hasEndpoint));
    return out;
  });
  return {
    values: filled,
    decision: { outcome: missing.length ? `missing ${missing.join(', ')}` : 'from the runner', reason: creds.reason },
    warning: creds.warning,
    missing: missing.length ? missingCredentialsMessage(rt, missing) : undefined
  };
}
