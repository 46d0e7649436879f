/** `cache: local`: an OCI layout directory on the runner, which the action saves to and restores from the GitHub cache. */
import { nonEmpty, sha256Digest } from '../cache/values.js';
import type { Runtime } from '../runtime/runtime.js';
import type { Backend, BackendInputs } from './backend.js';
import { E, EI, I, layerCrossChecks, layerOptions } from './rules.js';

function localCacheDir(inputs: BackendInputs, rt: Runtime, scope: string): string {
  return inputs.cacheDir ?? `${rt.runnerTemp || '.'}/envd-cache/${scope}`;
}

export const local: Backend = {
  name: 'local',
  attributes: {
    dest: { in: E, check: nonEmpty },
    src: { in: I, check: nonEmpty },
    tag: { in: EI, check: nonEmpty },
    digest: { in: I, check: sha256Digest },
    reset: {
      in: E,
      refused:
        'needs BuildKit client v0.31 and envd v1.3.4 bundles v0.25.1, so it would be ignored; export to a fresh directory instead'
    },
    ...layerOptions
  },
  required: { export: ['dest'], import: ['src'] },
  crossChecks: layerCrossChecks,
  store: 'runner',
  savedInGithubCache: true,
  // Export into a fresh directory that replaces the restored one after the build: the stored cache
  // is always one export, never a pile of them.
  location: ({ inputs, rt, scope }, direction) => [
    [
      direction === 'export' ? 'dest' : 'src',
      `${localCacheDir(inputs, rt, scope)}${direction === 'export' ? '.new' : ''}`
    ]
  ],
  writeTarget: (_ctx, ref) => `the GitHub cache of ${ref}, where the cache directory is saved`,
  runnerDir: ({ inputs, rt, scope }) => localCacheDir(inputs, rt, scope),
  mountsHome: () => ({ store: 'github-cache' }),
  companions: ['cache-dir']
};
