/**
 * The budget around a run (src/budget/run.ts) with the planner: the mode from the estimate, the prune target
 * before the build, and whether the export still fits afterwards. Pure inputs, no network.
 */
import { describe, expect, test } from '@jest/globals';
import {
  budgetFacts,
  exportRoom,
  pruneBeforeTarget,
  pruneRequest,
  type PruneWhen,
  readableRefs,
  readingScope,
  splitsWrite,
  writeFacts
} from '../../src/budget/run.js';
import type { BudgetLedger } from '../../src/budget/ledger.js';
import type { ScopeFootprint } from '../../src/budget/estimate.js';
import { plan as makePlan } from '../../src/plan/planner.js';
import { inputsOf } from '../support/inputs.js';
import { jwt, runtime } from '../support/runtime.js';
import { BUDGET, LEGS, MAIN, MB, mainIndexes, PR12, rtFor, scopes, state } from './legs.js';

describe('the budget around the build', () => {
  test.each([
    {
      // Three first exports of 9 MB each: prune down to (90% × 37 − 27) / 37 = 17% of the budget first.
      name: "a pull request's legs at 28 MB: their first exports (9 MB each) do not fit; prune first, then none writes",
      ref: PR12,
      usage: 28 * MB,
      afterPrune: 27 * MB,
      target: (0.9 * 37 - 27) / 37,
      skipped: [true, true, true]
    },
    {
      name: 'the prune made room for two legs: the first two (scope order) write, the third does not',
      ref: PR12,
      usage: 28 * MB,
      afterPrune: 14 * MB,
      target: (0.9 * 37 - 27) / 37,
      skipped: [false, false, true]
    },
    {
      name: 'room for all: no prune before the build (usage under 70%), every leg writes',
      ref: PR12,
      usage: 5 * MB,
      afterPrune: undefined,
      target: undefined,
      skipped: [false, false, false]
    },
    {
      // Main's legs are each expected to write 1 MB: min fits, so the prune goes to the usual 70%.
      name: "the default branch's legs write when they fit, after pruning first",
      ref: MAIN,
      usage: 28 * MB,
      afterPrune: 27 * MB,
      target: 0.7,
      skipped: [false, false, false]
    },
    {
      // 32 MB left after the prune: one more MB fits under the 33.3 MB ceiling, two do not; issue 15 skipped the
      // later legs, and main then stayed a generation behind for good (issue 20): the default branch never skips.
      name: 'the default branch never skips, past the ceiling too',
      ref: MAIN,
      usage: 33 * MB,
      afterPrune: 32 * MB,
      target: 0.7,
      skipped: [false, false, false]
    },
    {
      name: 'a pull request past the ceiling: the later legs skip before the build (the write is not split without a listing)',
      ref: PR12,
      usage: 33 * MB,
      afterPrune: 20 * MB,
      target: (0.9 * 37 - 27) / 37,
      skipped: [false, true, true]
    }
  ])('$name', ({ ref, usage, afterPrune, target, skipped }) => {
    const rt = rtFor(ref);
    const got = LEGS.map((matrix) => {
      const inputs = inputsOf({ matrix });
      const before = state(usage, mainIndexes(ref === MAIN));
      const p = makePlan(inputs, rt, { budget: budgetFacts(before) });
      const t = pruneBeforeTarget({ state: before, inputs, rt, plan: p });
      const after = state(usage, mainIndexes(ref === MAIN), afterPrune);
      return { target: t, room: exportRoom({ state: after, inputs, rt, plan: p }), mode: p.mode };
    });
    for (const g of got) {
      if (target === undefined) expect(g.target).toBeUndefined();
      else expect(g.target).toBeCloseTo(target, 3);
    }
    expect(got.map((g) => g.room !== undefined)).toEqual(skipped);
    for (const g of got.filter((x) => x.room))
      expect(g.room).toMatchObject({
        topic: 'write',
        outcome: 'skipped',
        reason: expect.stringMatching(/does not write it/)
      });
  });

  test("an explicit cache-mode or export-cache is the author's: never skipped", () => {
    const rt = rtFor(PR12);
    for (const over of [{ 'cache-mode': 'min' }, { 'export-cache': 'type=gha,scope=mine,mode=min' }] as Record<
      string,
      string
    >[]) {
      const inputs = inputsOf({ matrix: LEGS[2], ...over });
      const s = state(28 * MB, mainIndexes(false), 27 * MB);
      const p = makePlan(inputs, rt, { budget: budgetFacts(s) });
      expect(exportRoom({ state: s, inputs, rt, plan: p })).toBeUndefined();
    }
  });

  test('the mode reason states the estimate', () => {
    const inputs = inputsOf({ matrix: LEGS[0] });
    const s = state(
      20 * MB,
      scopes.map((scope) => ({ ...mainIndexes(true)[0], scope, max: true, fullBytes: 14 * MB, ownBytes: 2 * MB }))
    );
    const p = makePlan(inputs, runtime(), { budget: budgetFacts(s) });
    expect(p.mode).toBe('max');
    expect(p.decisions.find((d) => d.topic === 'mode')?.reason).toMatch(
      /^push to the default branch main: .*; this export adds about 2\.0 MB .* with 2 sibling legs \(2 max\)/
    );
  });
});

describe('what a prune is asked to do', () => {
  const clock = { now: 5_000_000, jobStartedAt: 4_000_000 };
  const ctx = (rt = runtime(), inputs = inputsOf({})) => ({
    state: state(20 * MB, []),
    inputs,
    rt,
    plan: makePlan(inputs, rt)
  });
  const closingPr = runtime({
    event: 'pull_request',
    ref: PR12,
    env: {
      ACTIONS_RUNTIME_TOKEN: jwt([
        { Scope: PR12, Permission: 3 },
        { Scope: MAIN, Permission: 1 }
      ])
    },
    payload: {
      action: 'closed',
      pull_request: {
        number: 12,
        base: { ref: 'main', repo: { full_name: 'octo/envd-demo' } },
        head: { ref: 'feat', repo: { full_name: 'octo/envd-demo', fork: false } }
      }
    }
  });
  const cases: [string, PruneWhen, ReturnType<typeof ctx>, Partial<ReturnType<typeof pruneRequest>>][] = [
    [
      "before the build: now is the job start, the reading's listing is reused, 2 s of deleting",
      'before',
      ctx(),
      {
        title: 'Prune the GitHub cache (before the build)',
        jobStart: 5_000_000,
        reuseListing: true,
        timeBudgetMs: 2_000,
        closedPrRefs: [],
        discoverClosedPrs: false
      }
    ],
    [
      "after the build: entries since the process started are this job's own",
      'after',
      ctx(),
      {
        title: 'Prune the GitHub cache (after the build)',
        jobStart: 4_000_000,
        reuseListing: false,
        timeBudgetMs: 2_000
      }
    ],
    [
      'command: prune on a push: closed pull requests are asked of the API, no time cap',
      'command',
      ctx(),
      { title: 'Prune the GitHub cache', discoverClosedPrs: true, closedPrRefs: [], timeBudgetMs: undefined }
    ],
    [
      'command: prune on the closing pull_request: its own merge ref is closed',
      'command',
      ctx(closingPr),
      { closedPrRefs: [PR12], discoverClosedPrs: false }
    ],
    [
      'a build on a pull request never treats its own ref as closed',
      'after',
      ctx(closingPr),
      { closedPrRefs: [], discoverClosedPrs: false }
    ],
    ['a dry run deletes nothing', 'after', ctx(runtime(), inputsOf({ 'dry-run': 'true' })), { dryRun: true }]
  ];
  test.each(cases)('%s', (_, when, c, expected) => {
    const req = pruneRequest(c, when, clock);
    for (const [k, v] of Object.entries(expected)) expect([k, req[k as keyof typeof req]]).toEqual([k, v]);
  });

  test.each([
    [
      "usage stays under the target with every leg's export: the listing read before the build serves",
      10 * MB,
      false,
      true
    ],
    ['the exports would take usage past the target: listed again', 24 * MB, false, false],
    ['a prune ran before the build: listed again (its deletions are not asked twice)', 10 * MB, true, false]
  ])('after the build, %s', (_, usage, prunedBefore, reuse) => {
    // min: every leg adds its own final layers, 1 MB each, 3 MB in all (the target is 70% of 37 MB, 25.9 MB).
    const inputs = inputsOf({ matrix: LEGS[0], 'cache-mode': 'min' });
    const rt = runtime();
    const s = state(usage, mainIndexes(true), prunedBefore ? usage : undefined);
    s.reading!.listing = { entries: [], pages: 1, totalCount: 0, complete: true };
    const c = { state: s, inputs, rt, plan: makePlan(inputs, rt, { budget: budgetFacts(s) }) };
    expect(pruneRequest(c, 'after', clock).reuseListing).toBe(reuse);
  });

  test('without the estimate, the prune after the build lists again', () => {
    const s = state(1 * MB, []);
    s.reading!.listing = { entries: [], pages: 1, totalCount: 0, complete: true };
    const inputs = inputsOf({ cache: 'gha', 'cache-mode': 'min' });
    expect(
      pruneRequest({ state: s, inputs, rt: runtime(), plan: makePlan(inputs, runtime()) }, 'after', clock).reuseListing
    ).toBe(false);
  });

  test("the refs it may read are the plan's, the writable one first", () => {
    const c = ctx(closingPr);
    expect(pruneRequest(c, 'after', clock).readableRefs).toEqual(c.plan.access?.readable);
    expect(readableRefs(closingPr)).toEqual([PR12, MAIN]);
  });

  test('a target ratio is passed on only when given', () => {
    expect(pruneRequest(ctx(), 'before', { ...clock, targetRatio: 0.5 }).targetRatio).toBe(0.5);
    expect('targetRatio' in pruneRequest(ctx(), 'before', clock)).toBe(false);
  });
});

describe('what the budget reading reads', () => {
  test.each([
    ['gha build: usage and the export estimate', { cache: 'gha' }, { read: true, estimate: true }],
    [
      'gha build that never writes: usage only',
      { cache: 'gha', 'cache-write': 'false' },
      { read: true, estimate: false }
    ],
    [
      'local build: usage (its directory is in the GitHub cache), no estimate',
      { cache: 'local' },
      { read: true, estimate: false }
    ],
    [
      'registry build: nothing',
      { cache: 'registry', 'cache-ref': 'ghcr.io/octo/cache' },
      { read: false, estimate: false }
    ],
    [
      'command: prune reads whatever the backend',
      { cache: 'registry', 'cache-ref': 'ghcr.io/octo/cache', command: 'prune' },
      { read: true, estimate: false }
    ]
  ])('%s', (_, raw, expected) => {
    expect(readingScope(inputsOf(raw as Record<string, string>), runtime())).toMatchObject(expected);
  });

  test('a matrix leg without its own scope names its run, so sibling legs are counted', () => {
    const rt = runtime({ env: { GITHUB_RUN_ID: '77' } });
    expect(readingScope(inputsOf({ matrix: LEGS[0] }), rt).leg).toEqual({ id: '77', job: 'build' });
    expect(readingScope(inputsOf({ matrix: LEGS[0], 'cache-scope': 'mine' }), rt).leg).toBeUndefined();
  });
});

describe('issue 20: the write decided after the build', () => {
  const withListing = (s: BudgetLedger): BudgetLedger => ({
    ...s,
    reading: { ...s.reading!, listing: { entries: [], pages: 1, totalCount: 0, complete: true } }
  });

  test.each([
    ['a gha export with the listing read: split', {}, true, true],
    ['no listing (no index reader, or the listing failed): one build, as planned', {}, false, false],
    [
      "export-cache given: the author's export, one build",
      { 'export-cache': 'type=gha,scope=mine,mode=min' },
      true,
      false
    ],
    ['cache-write: true: the author asked for the write, one build', { 'cache-write': 'true' }, true, false],
    ['another backend: one build', { cache: 'registry', 'cache-ref': 'ghcr.io/octo/c:cache' }, true, false]
  ])('%s', (_, raw, listed, expected) => {
    const inputs = inputsOf({ matrix: LEGS[0], ...(raw as Record<string, string>) });
    const s = state(10 * MB, mainIndexes(true));
    const p = makePlan(inputs, runtime(), { budget: budgetFacts(s) });
    expect(splitsWrite({ state: listed ? withListing(s) : s, inputs, rt: runtime(), plan: p })).toBe(expected);
  });

  test('a split write is not skipped before the build: it is decided once what it adds is known', () => {
    const rt = rtFor(PR12);
    const inputs = inputsOf({ matrix: LEGS[2] });
    const s = withListing(state(33 * MB, mainIndexes(false), 32 * MB));
    const p = makePlan(inputs, rt, { budget: budgetFacts(s) });
    expect(exportRoom({ state: s, inputs, rt, plan: p })).toBeUndefined();
  });

  test("writeFacts: what the write adds is the rebuilt layers of the previous generation; else the leg's estimate; main is the default branch", () => {
    const inputs = inputsOf({ matrix: LEGS[0] });
    const s = state(20 * MB, mainIndexes(true));
    const p = makePlan(inputs, runtime(), { budget: budgetFacts(s) });
    const superseded = [{ id: 7, key: 'buildkit-blob-1-sha256:' + 'a'.repeat(64), ref: MAIN, bytes: 3 * MB }];
    const known = writeFacts(
      { state: s, inputs, rt: runtime(), plan: p },
      {
        builtSteps: 2,
        seconds: 40,
        generation: { ref: MAIN, rebuiltBytes: 4 * MB, superseded },
        usageBytes: 21 * MB,
        skippedLast: false
      }
    );
    expect(known).toMatchObject({
      builtSteps: 2,
      addBytes: 4 * MB,
      usageBytes: 21 * MB,
      budgetBytes: BUDGET,
      superseded,
      defaultBranch: true,
      builtSeconds: 40
    });
    const first = writeFacts(
      { state: s, inputs, rt: rtFor(PR12), plan: p },
      {
        builtSteps: 5,
        seconds: 1,
        generation: { rebuiltBytes: 0, superseded: [] },
        usageBytes: 21 * MB,
        skippedLast: true
      }
    );
    // The estimate before the build: its own 1 MB and, going max from a min index, intermediate layers as large as its chain (9 MB).
    expect(first).toMatchObject({ addBytes: 10 * MB, defaultBranch: false, skippedLast: true });
  });

  test("writeFacts: sibling legs decide alone at the same moment; those before a leg in the plan's order count as adding as much as it", () => {
    const aheads = LEGS.map((matrix) => {
      const inputs = inputsOf({ matrix });
      const s = state(20 * MB, mainIndexes(true));
      const p = makePlan(inputs, runtime(), { budget: budgetFacts(s) });
      return writeFacts(
        { state: s, inputs, rt: runtime(), plan: p },
        {
          builtSteps: 2,
          seconds: 1,
          generation: { ref: MAIN, rebuiltBytes: 3 * MB, superseded: [] },
          usageBytes: 20 * MB,
          skippedLast: false
        }
      ).aheadBytes;
    });
    expect([...aheads].sort((a, b) => a! - b!)).toEqual([0, 3 * MB, 6 * MB]);
  });

  test('writeFacts: legs that build a path each (no shared scope family) are the same change once the leg had a generation; before any, first exports', () => {
    // bench:replay's matrix (`path: py${{ matrix.python }}`): the run's jobs say two other legs run, but their
    // scopes start with another word, so no footprint is theirs. Counted as first exports of a max index each
    // (2 × 18 MB), main's every write looked 140–190 % of the budget and warned that GitHub would evict.
    const paths = ['py3.10', 'py3.11', 'py3.12'];
    const legScopes = paths.map((path, i) => makePlan(inputsOf({ matrix: LEGS[i], path }), runtime()).scope);
    const footprints = legScopes.map((scope): ScopeFootprint => ({ ...mainIndexes(true)[0], scope }));
    const facts = (i: number, generation: { ref?: string; rebuiltBytes: number }) => {
      const inputs = inputsOf({ matrix: LEGS[i], path: paths[i] });
      const s = state(20 * MB, footprints);
      s.reading!.concurrentLegs = 2;
      const p = makePlan(inputs, runtime(), { budget: budgetFacts(s) });
      return writeFacts(
        { state: s, inputs, rt: runtime(), plan: p },
        {
          builtSteps: 2,
          seconds: 1,
          generation: { ...generation, superseded: [] },
          usageBytes: 20 * MB,
          skippedLast: false
        }
      );
    };
    for (const i of [0, 1, 2])
      expect(facts(i, { ref: MAIN, rebuiltBytes: 3 * MB })).toMatchObject({ addBytes: 3 * MB, aheadBytes: 6 * MB });
    // No previous generation on a readable ref: the others may be first exports too, as large as the largest index.
    expect(facts(0, { rebuiltBytes: 0 }).aheadBytes).toBe(2 * 18 * MB);
  });
});
