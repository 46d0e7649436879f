/**
 * prepareAfterBuild starts loading the hit-ratio history's cache client as the build starts, and only when the
 * history will be read: no cache service, cache: none or a write-only cache mode load nothing.
 */
import { expect, test } from '@jest/globals';
import { prepareAfterBuild } from '../../src/steps/insight.js';
import { runtime } from '../support/runtime.js';

const plan = (backend: string) => ({ backend, export: undefined }) as unknown as Parameters<typeof prepareAfterBuild>[0];

test('the history will be read: the cache client is loaded, and the load settles', async () => {
  const loading = prepareAfterBuild(plan('registry'), runtime());
  expect(loading).toBeInstanceOf(Promise);
  const loaded = (await loading) as { restoreCache?: unknown };
  expect(typeof loaded?.restoreCache).toBe('function');
});

test.each([
  ['no cache service', plan('registry'), runtime({ env: { ACTIONS_RUNTIME_TOKEN: undefined } })],
  ['cache: none', plan('none'), runtime()],
  ['ACTIONS_CACHE_MODE write-only', plan('gha'), runtime({ env: { ACTIONS_CACHE_MODE: 'write-only' } })]
])('%s: nothing is loaded', (_, p, rt) => {
  expect(prepareAfterBuild(p, rt)).toBeUndefined();
});
