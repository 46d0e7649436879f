/**
 * The budget around a run (src/steps/cache-usage.ts) with the planner: the mode from the estimate, the prune target
 * before the build, and whether the export still fits afterwards. Pure inputs, no network.
 */
import { describe, expect, test } from '@jest/globals';
import type { ScopeFootprint } from '../../src/budget/estimate.js';
import type { PruneOutcome } from '../../src/steps/prune.js';
import { budgetFacts, exportRoom, pruneBeforeTarget, type BudgetState } from '../../src/steps/cache-usage.js';
import { plan as makePlan } from '../../src/plan/planner.js';
import { inputsOf } from '../support/inputs.js';
import { jwt, runtime } from '../support/runtime.js';

const MB = 1000 ** 2;
const BUDGET = 37 * MB;
const MAIN = 'refs/heads/main';
const PR12 = 'refs/pull/12/merge';
const LEGS = ['3.10', '3.11', '3.12'].map((python) => JSON.stringify({ python }));

const rtFor = (ref: string) =>
  ref === MAIN
    ? runtime()
    : runtime({
        event: 'pull_request',
        ref,
        env: { ACTIONS_RUNTIME_TOKEN: jwt([{ Scope: ref, Permission: 3 }, { Scope: MAIN, Permission: 1 }]) },
        // A pull request from the repository itself (a payload without one is an unknown head, which never writes).
        payload: { pull_request: { number: 12, base: { ref: 'main', repo: { full_name: 'octo/envd-demo' } }, head: { ref: 'feat', repo: { full_name: 'octo/envd-demo', fork: false } } } }
      });

/** The three legs' auto scopes, as the planner derives them. */
const scopes = LEGS.map((matrix) => makePlan(inputsOf({ matrix }), runtime()).scope);

function state(usageBytes: number, footprints: ScopeFootprint[], usageAfterPrune?: number): BudgetState {
  return {
    reading: { budget: { bytes: BUDGET, source: 'cache-budget' }, usageBytes, near: false, aboveTarget: false, decisions: [], warnings: [], footprints },
    prunes: usageAfterPrune === undefined ? [] : [{ usageAfterBytes: usageAfterPrune } as PruneOutcome],
    warned: false
  };
}

/** Main's index for each leg, 9 MB each (a min export), read by the pull request from main. */
const mainIndexes = (own: boolean) =>
  scopes.map((scope): ScopeFootprint => ({
    scope, ref: MAIN, fullBytes: 9 * MB, finalBytes: 9 * MB, addedBytes: 1 * MB, addedFinalBytes: 1 * MB, ownBytes: 1 * MB, ownFinalBytes: 1 * MB,
    exportedAt: Date.UTC(2026, 10, 27), max: false, own
  }));

describe('the budget around the build', () => {
  test.each([
    {
      // Three first exports of 9 MB each: prune down to (90% × 37 − 27) / 37 = 17% of the budget first.
      name: "a pull request's legs at 28 MB: their first exports (9 MB each) do not fit; prune first, then none writes",
      ref: PR12, usage: 28 * MB, afterPrune: 27 * MB, target: (0.9 * 37 - 27) / 37, skipped: [true, true, true]
    },
    {
      name: 'the prune made room for two legs: the first two (scope order) write, the third does not',
      ref: PR12, usage: 28 * MB, afterPrune: 14 * MB, target: (0.9 * 37 - 27) / 37, skipped: [false, false, true]
    },
    {
      name: 'room for all: no prune before the build (usage under 70%), every leg writes',
      ref: PR12, usage: 5 * MB, afterPrune: undefined, target: undefined, skipped: [false, false, false]
    },
    {
      // Main's legs are each expected to write 1 MB: min fits, so the prune goes to the usual 70%.
      name: "the default branch's legs write when they fit, after pruning first",
      ref: MAIN, usage: 28 * MB, afterPrune: 27 * MB, target: 0.7, skipped: [false, false, false]
    },
    {
      // 32 MB left after the prune: one more MB fits under the 33.3 MB ceiling, two do not (issue 15).
      name: "the default branch's legs are no exception: past the ceiling, the later ones skip",
      ref: MAIN, usage: 33 * MB, afterPrune: 32 * MB, target: 0.7, skipped: [false, true, true]
    }
  ])('$name', ({ ref, usage, afterPrune, target, skipped }) => {
    const rt = rtFor(ref);
    const got = LEGS.map((matrix) => {
      const inputs = inputsOf({ matrix });
      const before = state(usage, mainIndexes(ref === MAIN));
      const p = makePlan(inputs, rt, { budget: budgetFacts(before) });
      const t = pruneBeforeTarget(before, inputs, rt, p);
      const after = state(usage, mainIndexes(ref === MAIN), afterPrune);
      return { target: t, room: exportRoom(after, inputs, rt, p), mode: p.mode };
    });
    for (const g of got) {
      if (target === undefined) expect(g.target).toBeUndefined();
      else expect(g.target).toBeCloseTo(target, 3);
    }
    expect(got.map((g) => g.room !== undefined)).toEqual(skipped);
    for (const g of got.filter((x) => x.room)) expect(g.room).toMatchObject({ topic: 'export', outcome: 'skipped', reason: expect.stringMatching(/does not write it/) });
  });

  test('an explicit cache-mode or export-cache is the author\'s: never skipped', () => {
    const rt = rtFor(PR12);
    for (const over of [{ 'cache-mode': 'min' }, { 'export-cache': 'type=gha,scope=mine,mode=min' }] as Record<string, string>[]) {
      const inputs = inputsOf({ matrix: LEGS[2], ...over });
      const s = state(28 * MB, mainIndexes(false), 27 * MB);
      const p = makePlan(inputs, rt, { budget: budgetFacts(s) });
      expect(exportRoom(s, inputs, rt, p)).toBeUndefined();
    }
  });

  test('the mode reason states the estimate', () => {
    const inputs = inputsOf({ matrix: LEGS[0] });
    const s = state(20 * MB, scopes.map((scope) => ({ ...mainIndexes(true)[0], scope, max: true, fullBytes: 14 * MB, ownBytes: 2 * MB })));
    const p = makePlan(inputs, runtime(), { budget: budgetFacts(s) });
    expect(p.mode).toBe('max');
    expect(p.decisions.find((d) => d.topic === 'mode')?.reason).toMatch(/^push to the default branch main: .*; this export adds about 2\.0 MB .* with 2 sibling legs \(2 max\)/);
  });
});
