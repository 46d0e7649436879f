/** `cache: gha`: BuildKit's GitHub Actions cache exporter and importer, one scope per ref. */
import { quoted } from '../cache/redact.js';
import { goDuration, nonEmpty, oneOf } from '../cache/values.js';
import type { Backend } from './backend.js';
import { E, EI, ignoreError, ignoredByGzipOnly, mode } from './rules.js';

export const gha: Backend = {
  name: 'gha',
  attributes: {
    scope: { in: EI, check: (v) => (/^[^,\s]{1,200}$/.test(v) ? undefined : `${quoted(v)} must be 1-200 characters without commas or spaces`) },
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
    if (attrs.has('repository') !== attrs.has('ghtoken')) problems.push('repository and ghtoken go together: set both or neither');
    return problems;
  },
  store: 'github-cache',
  savedInGithubCache: true,
  location: ({ inputs, scope }) => [
    ['scope', scope],
    // An explicit per-call deadline: BuildKit before v0.13 defaulted to 5m, later to 10m.
    ['timeout', inputs.cacheOptions.get('timeout') ?? '10m']
  ],
  writeTarget: ({ scope }, ref) => `the GitHub cache of ${ref}, scope ${scope}`,
  // github.com serves only the cache API v2, which BuildKit speaks from v0.20.0 (url_v2, version=2).
  minBuildkit: {
    version: '0.20.0',
    inputProblem: (given) => `${given} speaks only the GitHub cache API v1, which github.com shut down on 2025-04-15; gha needs BuildKit v0.20.0 or later (v0.27.0+ recommended)`,
    builderProblem: (address, version) =>
      `cache: gha needs BuildKit v0.20.0 or later (cache API v2), and the builder at ${address} runs ${version}; github.com shut the v1 API down on 2025-04-15`,
    unknownWarning: (address) => `The version of the buildkitd at ${address} is unknown; gha cache needs v0.20.0 or later`
  },
  companions: []
};
