/**
 * prepareAfterBuild starts loading the hit-ratio history's v1 fallback client (@actions/cache) as the build starts,
 * and only when the history will be read through it: on the cache service v2 (the action's own client), with no
 * cache service, cache: none or a write-only cache mode it loads nothing.
 */
import { expect, test } from '@jest/globals';
import { prepareAfterBuild } from '../../src/steps/insight.js';
import { runtime } from '../support/runtime.js';

const plan = (backend: string) => ({ backend, export: undefined }) as unknown as Parameters<typeof prepareAfterBuild>[0];

const v1 = { ACTIONS_CACHE_SERVICE_V2: undefined, ACTIONS_CACHE_URL: 'https://artifactcache.ghes.example/' };

test('the history will be read through @actions/cache (cache service v1 only): it is loaded, and the load settles', async () => {
  const loading = prepareAfterBuild(plan('registry'), runtime({ env: v1 }));
  expect(loading).toBeInstanceOf(Promise);
  const loaded = (await loading) as { restoreCache?: unknown };
  expect(typeof loaded?.restoreCache).toBe('function');
});

test.each([
  ['cache service v2 (the own client: nothing to preload)', plan('registry'), runtime()],
  ['no cache service', plan('registry'), runtime({ env: { ACTIONS_RUNTIME_TOKEN: undefined } })],
  ['cache: none', plan('none'), runtime()],
  ['ACTIONS_CACHE_MODE write-only', plan('gha'), runtime({ env: { ACTIONS_CACHE_MODE: 'write-only' } })]
])('%s: nothing is loaded', (_, p, rt) => {
  expect(prepareAfterBuild(p, rt)).toBeUndefined();
});
