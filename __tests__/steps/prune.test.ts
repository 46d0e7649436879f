/** fetchReading and prune as main/post call them, end to end against the emulator. */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { createIndexReader } from '../../src/io/github/indexes.js';
import { createCacheRest, type CacheRest } from '../../src/io/github/rest.js';
import { type LegIdentity, modeForBudget } from '../../src/budget/budget.js';
import type { Auto, Mode } from '../../src/inputs/inputs.js';
import { budgetFacts, shouldPrune } from '../../src/budget/run.js';
import { type BudgetReading, carryOutPrune, fetchReading, type PruneOptions } from '../../src/steps/prune.js';
import { READ_GRANT_WARNING, WRITE_GRANT_WARNING } from '../../src/budget/usage.js';
import { budgetMarkdown } from '../../src/budget/report.js';
import { DAY, HOUR, MINUTE, Permission, startEmulator, type Emulator } from '../support/emulator/index.js';
import { GB, MAIN, MB, PR12, PR7, REPOSITORY, START, seedBlob, seedIndex } from '../budget/fixtures.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({
    startTime: START,
    budgetBytes: 10 * 1024 ** 3,
    eviction: 'tick',
    restTokens: { writer: 'write', reader: 'read', nobody: 'none' }
  });
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

const rest = (token = 'writer') =>
  createCacheRest({ token, apiUrl: emu.apiUrl, repository: REPOSITORY, retryBaseMs: 1 });
const mainToken = () => emu.mintToken([{ Scope: MAIN, Permission: Permission.All }]);
const reader = () => createIndexReader({ token: mainToken(), resultsUrl: emu.resultsUrl, backoffMs: 1 });

/**
 * main: #1 (superseded 2 days ago) and #2 live (a, b); blobs a, b referenced, 'stale' unreferenced 3 days old;
 * PR 12 (closed): index + blob; PR 7: idle for 2 days, 2 GB.
 */
function seedScenario() {
  seedIndex(emu, MAIN, 'ci-build', 1, ['a', 'stale'], START - 3 * DAY); // id 1
  seedIndex(emu, MAIN, 'ci-build', 2, ['a', 'b'], START - 2 * DAY); // id 2
  seedBlob(emu, MAIN, 'a', 3 * GB, START - 3 * DAY, START - HOUR); // id 3
  seedBlob(emu, MAIN, 'b', 1 * GB, START - 2 * DAY); // id 4
  seedBlob(emu, MAIN, 'stale', 2 * GB, START - 3 * DAY); // id 5
  seedIndex(emu, PR12, 'ci-build', 1, ['a', 'pr12'], START - DAY); // id 6
  seedBlob(emu, PR12, 'pr12', 500 * MB, START - DAY); // id 7
  seedIndex(emu, PR7, 'ci-build', 1, ['a', 'pr7'], START - 2 * DAY); // id 8
  seedBlob(emu, PR7, 'pr7', 2 * GB, START - 2 * DAY); // id 9
}

function options(over: Partial<PruneOptions> = {}): PruneOptions {
  return {
    rest: rest(),
    reader: reader(),
    readableRefs: [MAIN],
    closedPrRefs: [PR12],
    budgetBytes: 10 * GB,
    jobStart: START - 10 * MINUTE,
    now: () => emu.clock.now(),
    dryRun: false,
    ...over
  };
}

/** The planner's mode rule fed with a reading, as the main step does through budgetFacts. */
const modeAfterBudget = (requested: Auto<Mode>, decided: Mode, reading: BudgetReading, leg?: LegIdentity) =>
  modeForBudget(requested, decided, budgetFacts({ reading, prunes: [], warned: false })!, leg);

describe('fetchReading', () => {
  test('auto: the storage limit and the usage, with a bar and decisions', async () => {
    seedBlob(emu, MAIN, 'x', 9 * GB, START);
    const reading = await fetchReading({ rest: rest('reader'), cacheBudget: 'auto' });
    expect(reading.budget.bytes).toBe(10 * GB);
    expect(reading.usageBytes).toBe(9 * GB);
    expect(reading.near).toBe(true);
    expect(reading.aboveTarget).toBe(true);
    expect(reading.bar).toMatch(/^█+░+ 90% of 10\.0 GB/);
    expect(reading.decisions.map((d) => d.topic)).toEqual(['budget', 'usage']);
    expect(reading.warnings).toEqual([]);
    expect(modeAfterBudget('auto', 'max', reading)).toMatchObject({ mode: 'min' });
  });

  test("with the index reader: each scope's previous export is sized and the matrix legs share the room", async () => {
    // Three legs of one matrix (family `build`) exported max on main 2 days ago (8 MB base shared, 4 MB each of their own).
    const scopes = ['build-py310-1a2b3c4d', 'build-py311-5e6f7a8b', 'build-py312-9c0d1e2f'];
    seedBlob(emu, MAIN, 'base', 8 * MB, START - 2 * DAY - 5 * MINUTE);
    scopes.forEach((scope, i) => {
      seedBlob(emu, MAIN, `own-${i}`, 4 * MB, START - 2 * DAY - 4 * MINUTE);
      seedIndex(emu, MAIN, scope, 1, ['base', `own-${i}`], START - 2 * DAY);
    });
    const budgetBytes = 30 * MB;
    const reading = await fetchReading({
      rest: rest('reader'),
      reader: reader(),
      readableRefs: [MAIN],
      cacheBudget: budgetBytes,
      now: () => emu.clock.now()
    });
    expect(reading.usageBytes).toBe(
      20 * MB + 3 * reading.listing!.entries.find((e) => e.key.startsWith('index-'))!.size
    );
    expect(reading.footprints?.map((f) => [f.scope, f.fullBytes, f.addedBytes, f.ownBytes])).toEqual(
      scopes.map((s) => [s, 12 * MB, 12 * MB, 4 * MB])
    );
    // 20 MB used; each leg may write its own 4 MB anew (the shared 8 MB base is not its own): min for all three
    // (32 MB) passes the 27 MB ceiling, so every leg exports min and the cache is pruned first.
    const modes = scopes.map((scope) => modeAfterBudget('auto', 'max', reading, { scope, family: 'build' }));
    expect(modes.map((m) => m.mode)).toEqual(['min', 'min', 'min']);
    expect(modes[0].decision?.reason).toMatch(
      /this export adds about 4\.0 MB .* with 2 sibling legs \(0 max\).*pruned first/
    );
    // Without a family (no matrix) the other scopes are not counted. The indexes record no inputs, so they read
    // as min exports: max adds intermediate layers assumed as large as the chain, 20 (and the indexes) + 4 + 12 = 36 MB.
    const alone = (mb: number) =>
      modeAfterBudget(
        'auto',
        'max',
        { ...reading, budget: { ...reading.budget, bytes: mb * MB } },
        { scope: scopes[0] }
      );
    expect(alone(41)).toMatchObject({ mode: 'max' });
    expect(alone(39)).toMatchObject({ mode: 'min' });
  });

  test("a matrix leg counts sibling legs its run's jobs show, even those without a cache yet", async () => {
    const scopes = ['build-py310-1a2b3c4d', 'build-py311-5e6f7a8b'];
    seedBlob(emu, MAIN, 'base', 8 * MB, START - 2 * DAY - 5 * MINUTE);
    scopes.forEach((scope, i) => {
      seedBlob(emu, MAIN, `own-${i}`, 4 * MB, START - 2 * DAY - 4 * MINUTE);
      seedIndex(emu, MAIN, scope, 1, ['base', `own-${i}`], START - 2 * DAY);
    });
    // The run has a third leg (py312), new in the matrix: no cache of its own yet.
    emu.setRunJobs(
      '4242',
      ['3.10', '3.11', '3.12'].map((v) => ({ name: `build (${v})`, status: 'in_progress' as const }))
    );
    const read = (run?: { id: string; job: string }) =>
      fetchReading({
        rest: rest('reader'),
        reader: reader(),
        readableRefs: [MAIN],
        run,
        cacheBudget: 60 * MB,
        now: () => emu.clock.now()
      });
    const withJobs = await read({ id: '4242', job: 'build' });
    expect(withJobs.concurrentLegs).toBe(2);
    const without = await read();
    expect(without.concurrentLegs).toBeUndefined();
    // Usage 16 MB; each known leg adds 12 MB at min and 24 MB at max (min-shaped indexes).
    // Knowing only its cached sibling, py310 goes max (16 + 24 + 12 = 52 ≤ 54 MB);
    // with the unseen leg counted at 24 MB, it stays min.
    expect(modeAfterBudget('auto', 'max', without, { scope: scopes[0], family: 'build' }).mode).toBe('max');
    const counted = modeAfterBudget('auto', 'max', withJobs, { scope: scopes[0], family: 'build' });
    expect(counted.mode).toBe('min');
    expect(counted.decision?.reason).toMatch(/1 first-export leg at 24\.0 MB/);
  });

  test('without actions: read: one warning, the budget falls back, nothing fails', async () => {
    const reading = await fetchReading({ rest: rest('nobody'), cacheBudget: 'auto' });
    expect(reading.warnings).toEqual([READ_GRANT_WARNING]);
    expect(reading.missingGrant).toBe('read');
    expect(reading.budget.bytes).toBe(10 * GB);
    expect(reading.usageBytes).toBeUndefined();
    // carryOutPrune() in the same job does not warn again
    const out = await carryOutPrune(options({ rest: rest('nobody'), warned: true }));
    expect(out.warnings).toEqual([]);
    expect(out.decisions[0]).toMatchObject({ topic: 'prune', outcome: 'skipped' });
  });

  test('an explicit budget wins; without a client the usage is unknown', async () => {
    expect((await fetchReading({ rest: rest('reader'), cacheBudget: 5 * GB })).budget).toEqual({
      bytes: 5 * GB,
      source: 'cache-budget'
    });
    expect(await fetchReading({ cacheBudget: 'auto' })).toMatchObject({
      budget: { bytes: 10 * GB },
      near: false,
      aboveTarget: false,
      warnings: []
    });
    seedBlob(emu, MAIN, 'x', 6 * GB, START);
    expect(await fetchReading({ rest: rest('reader'), cacheBudget: 'auto' })).toMatchObject({
      near: false,
      aboveTarget: false
    });
    expect(await fetchReading({ rest: rest('reader'), cacheBudget: 'auto', targetRatio: 0.5 })).toMatchObject({
      near: false,
      aboveTarget: true
    });
  });
});

describe('shouldPrune', () => {
  test.each([
    ['auto', 'build', 'gha', true, true],
    ['auto', 'build', 'gha', false, false],
    ['auto', 'build', 'registry', true, false],
    [false, 'build', 'gha', true, false],
    [true, 'build', 'registry', true, true],
    [false, 'prune', 'gha', false, true]
  ] as const)(
    'cache-prune %s, command %s, backend %s, exported %s → %s',
    (cachePrune, command, backend, exported, expected) => {
      expect(shouldPrune(cachePrune, { command, backend, exported }).prune).toBe(expected);
    }
  );
});

describe('prune', () => {
  test('dry run: the plan, each entry with why and bytes; nothing deleted', async () => {
    seedScenario();
    const lines: string[] = [];
    const out = await carryOutPrune(options({ dryRun: true, log: { info: (m) => lines.push(m) } }));
    expect(out.plan?.deletions.map((d) => [d.id, d.reason])).toEqual([
      [6, 'closed-pr'],
      [7, 'closed-pr'],
      [1, 'superseded-index'],
      [5, 'unreferenced-blob']
    ]);
    expect(out.deleted).toEqual([]);
    expect(out.prunedEntries).toBe(0);
    expect(emu.entries()).toHaveLength(9);
    expect(
      lines.some((l) =>
        /^buildkit-blob-1-sha256:\w+ on refs\/heads\/main: unreferenced blob, .*\(2\.0 GB, 2000000000 B\)$/.test(l)
      )
    ).toBe(true);
    expect(out.decisions[0]).toMatchObject({ topic: 'prune', outcome: 'dry run' });
    const md = budgetMarkdown({
      usageBytes: out.usageBytes,
      budgetBytes: 10 * GB,
      budgetSource: 'cache-budget',
      plan: out.plan,
      dryRun: true
    });
    expect(md).toMatch(/Prune plan \(dry run: nothing was deleted\): 4 entries, 2\.5 GB/);
    expect(md).toMatch(
      /\| `index-ci-build-1-[0-9a-f]{8}#1` \| `refs\/pull\/12\/merge` \| closed pull request: pull request closed/
    );
  });

  test('after an export: deletes, counts entries and bytes, and leaves everything live intact', async () => {
    seedScenario();
    const out = await carryOutPrune(options());
    expect(out.deleted.map((d) => d.id)).toEqual([6, 7, 1, 5]);
    expect(out.prunedEntries).toBe(4);
    const indexBytes = out.deleted[0].bytes + out.deleted[2].bytes;
    expect(out.prunedBytes).toBe(2 * GB + 500 * MB + indexBytes);
    expect(emu.entries().map((e) => e.id)).toEqual([2, 3, 4, 8, 9]);
    expect(out.usageAfterBytes).toBe(emu.entries().reduce((s, e) => s + e.size, 0));
    expect(out.restCalls).toBe(1 + 1 + 4); // the listing, the open pull requests, 4 deletes
    expect(out.indexCalls).toBe(2);
    expect(out.warnings).toEqual([]);
  });

  test('over target: unreferenced blobs, then the least recently used unreadable PR, its index first', async () => {
    seedScenario();
    seedBlob(emu, MAIN, 'more', 2.5 * GB, START - 2 * DAY); // id 10, referenced by nothing
    seedIndex(emu, MAIN, 'ci-lint', 1, ['big-live'], START - DAY); // id 11, live
    seedBlob(emu, MAIN, 'big-live', 2 * GB, START - DAY); // id 12
    // 13 GB in use, target 7 GB; PR 12 is not known to be closed here, so it is just another unreadable ref.
    const out = await carryOutPrune(options({ closedPrRefs: [] }));
    expect(out.deleted.map((d) => [d.id, d.reason])).toEqual([
      [1, 'superseded-index'],
      [5, 'unreferenced-blob'],
      [10, 'unreferenced-blob'],
      [8, 'idle-ref'],
      [9, 'idle-ref']
    ]);
    expect(out.plan?.underTarget).toBe(true);
    expect(emu.entries().map((e) => e.id)).toEqual([2, 3, 4, 6, 7, 11, 12]);
  });

  test('with actions: read only: one warning, nothing deleted, the run carries on', async () => {
    seedScenario();
    const out = await carryOutPrune(options({ rest: rest('reader') }));
    expect(out.warnings).toEqual([WRITE_GRANT_WARNING]);
    expect(out.missingGrant).toBe('write');
    expect(out.deleted).toEqual([]);
    expect(out.notDeleted).toHaveLength(4);
    expect(out.restCalls).toBe(3); // the listing, the open pull requests and the one refused delete (it goes alone)
    expect(emu.entries()).toHaveLength(9);
  });

  test('entries that vanish between the listing and the delete are counted as gone, not as failures', async () => {
    seedScenario();
    const real = rest();
    const racing: CacheRest = {
      get calls() {
        return real.calls;
      },
      usage: () => real.usage(),
      storageLimitGb: () => real.storageLimitGb(),
      openPullRequests: () => real.openPullRequests(),
      deleteById: (id) => real.deleteById(id),
      listAll: async (f) => {
        const listing = await real.listAll(f);
        emu.deleteEntry(7); // evicted by GitHub meanwhile
        emu.deleteEntry(5); // deleted by a concurrent job
        return listing;
      }
    };
    const out = await carryOutPrune(options({ rest: racing }));
    expect(out.gone.map((d) => d.id).sort()).toEqual([5, 7]);
    expect(out.deleted.map((d) => d.id)).toEqual([6, 1]);
    expect(out.prunedEntries).toBe(2);
    expect(out.warnings).toEqual([]);
  });

  test('maxDeletes: the rest waits for the next run', async () => {
    seedScenario();
    const out = await carryOutPrune(options({ maxDeletes: 2 }));
    expect(out.deleted.map((d) => d.id)).toEqual([6, 7]);
    expect(out.notDeleted.map((d) => d.id)).toEqual([1, 5]);
    expect(out.decisions[0].reason).toMatch(/2 not deleted \(maxDeletes\)/);
  });

  test('a sweep treats pull requests that are not open as closed', async () => {
    seedScenario();
    const real = rest();
    const withPulls: CacheRest = Object.assign(Object.create(null) as CacheRest, {
      get calls() {
        return real.calls;
      },
      listAll: real.listAll,
      deleteById: real.deleteById,
      usage: real.usage,
      storageLimitGb: real.storageLimitGb,
      openPullRequests: async () => ({ ok: true as const, value: [7] })
    });
    const out = await carryOutPrune(
      options({ rest: withPulls, closedPrRefs: [], discoverClosedPrs: true, dryRun: true })
    );
    expect(out.plan?.deletions.filter((d) => d.reason === 'closed-pr').map((d) => d.ref)).toEqual([PR12, PR12]);
  });

  test('without an index reader no blob is deleted for being unreferenced', async () => {
    seedScenario();
    const out = await carryOutPrune(options({ reader: undefined, dryRun: true }));
    expect(out.plan?.deletions.map((d) => d.reason)).not.toContain('unreferenced-blob');
    expect(out.plan?.notes.join(' ')).toMatch(/could not be read/);
  });

  test('a listing failure is one warning and no change', async () => {
    emu.failNext('rest.list', 4, { status: 500 });
    const out = await carryOutPrune(options());
    expect(out.warnings).toHaveLength(1);
    expect(out.warnings[0]).toMatch(/listing failed/);
  });
});
