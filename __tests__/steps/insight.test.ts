/**
 * readHistoryEarly starts what the hit-ratio history needs as the build starts, and only when the history will
 * be read: on the cache service v2 the read itself (through the action's own client, nothing loaded); where only
 * v1 is offered, the load of its fallback client (@actions/cache); with no cache service, cache: none or a
 * write-only cache mode, nothing.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { readHistoryEarly } from '../../src/steps/insight.js';
import { stepContext } from '../../src/steps/context.js';
import { runtime } from '../support/runtime.js';
import { type Emulator, Permission, startEmulator } from '../support/emulator/index.js';

const plan = (backend: string) =>
  ({ backend, export: undefined, scope: 'py' }) as unknown as Parameters<typeof readHistoryEarly>[1];
const v1 = { ACTIONS_CACHE_SERVICE_V2: undefined, ACTIONS_CACHE_URL: 'https://artifactcache.ghes.example/' };

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(() => emu.close());

test('cache service v2: the history read goes out as the build starts (one lookup), no cache client is loaded', async () => {
  const token = emu.mintToken([{ Scope: 'refs/heads/main', Permission: Permission.All }]);
  const ctx = stepContext({});
  const loading = readHistoryEarly(
    ctx,
    plan('registry'),
    runtime({ env: { ACTIONS_RESULTS_URL: emu.resultsUrl, ACTIONS_RUNTIME_TOKEN: token } })
  );
  expect(loading).toBeInstanceOf(Promise);
  const read = (await loading) as { notes?: string[]; restoreCache?: unknown };
  expect(read.restoreCache).toBeUndefined();
  expect(read.notes).toEqual(['No earlier history for this scope: this run starts it']);
  expect(emu.counters.lookup).toBe(1);
  expect(emu.requests.map((r) => r.route)).toEqual(['GetCacheEntryDownloadURL']);
  // Kept in the step's context for the history's write after the build, not in the module.
  expect([...ctx.histories.keys()]).toEqual(['py']);
});

test('the history will be read through @actions/cache (cache service v1 only): it is loaded, and the load settles', async () => {
  const loading = readHistoryEarly(stepContext({}), plan('registry'), runtime({ env: v1 }));
  expect(loading).toBeInstanceOf(Promise);
  const loaded = (await loading) as { restoreCache?: unknown };
  expect(typeof loaded?.restoreCache).toBe('function');
});

test.each([
  ['no cache service', plan('registry'), runtime({ env: { ACTIONS_RUNTIME_TOKEN: undefined } })],
  ['cache: none', plan('none'), runtime()],
  ['ACTIONS_CACHE_MODE write-only', plan('gha'), runtime({ env: { ACTIONS_CACHE_MODE: 'write-only' } })]
])('%s: nothing is loaded', (_, p, rt) => {
  expect(readHistoryEarly(stepContext({}), p, rt)).toBeUndefined();
});
