/**
 * The plan once planning ends (plan/final.ts): what is added to it later comes as a new plan, the one given is
 * left as it was (the arguments are deep-frozen: an edit throws).
 */
import { describe, expect, test } from '@jest/globals';
import type { ScopeFootprint } from '../../src/budget/estimate.js';
import { budgetFacts } from '../../src/budget/run.js';
import type { BudgetState, PruneOutcome } from '../../src/budget/state.js';
import { planWithRoom, withNotes } from '../../src/plan/final.js';
import { plan as makePlan } from '../../src/plan/planner.js';
import { deepFreeze } from '../support/freeze.js';
import { inputsOf } from '../support/inputs.js';
import { jwt, runtime } from '../support/runtime.js';

const MB = 1000 ** 2;
const MAIN = 'refs/heads/main';
const PR12 = 'refs/pull/12/merge';
const matrix = JSON.stringify({ python: '3.12' });
const rt = runtime({
  event: 'pull_request',
  ref: PR12,
  env: {
    ACTIONS_RUNTIME_TOKEN: jwt([
      { Scope: PR12, Permission: 3 },
      { Scope: MAIN, Permission: 1 }
    ])
  },
  payload: {
    pull_request: {
      number: 12,
      base: { ref: 'main', repo: { full_name: 'octo/envd-demo' } },
      head: { ref: 'feat', repo: { full_name: 'octo/envd-demo', fork: false } }
    }
  }
});
const inputs = inputsOf({ matrix });
const scope = makePlan(inputs, runtime()).scope;

/** A 37 MB budget; main's index of this leg (9 MB), read by the pull request; usage after the prune before the build. */
function state(usageAfterPrune: number): BudgetState {
  const footprint: ScopeFootprint = {
    scope,
    ref: MAIN,
    fullBytes: 9 * MB,
    finalBytes: 9 * MB,
    addedBytes: 1 * MB,
    addedFinalBytes: 1 * MB,
    ownBytes: 1 * MB,
    ownFinalBytes: 1 * MB,
    exportedAt: Date.UTC(2026, 10, 27),
    max: false,
    own: false
  };
  const budget = { bytes: 37 * MB, source: 'cache-budget' };
  return {
    reading: {
      budget,
      usageBytes: 28 * MB,
      near: false,
      aboveTarget: false,
      decisions: [],
      warnings: [],
      footprints: [footprint]
    },
    prunes: [{ usageAfterBytes: usageAfterPrune } as PruneOutcome],
    warned: false
  };
}

describe('the plan once planning ends', () => {
  test('notes go on a new plan, after its own', () => {
    const plan = deepFreeze(makePlan(inputs, rt));
    const d = { topic: 'usage', outcome: '1 MB', reason: 'read' };
    const noted = withNotes(plan, { decisions: [d], warnings: ['w'] });
    expect(noted.decisions).toEqual([...plan.decisions, d]);
    expect(noted.warnings).toEqual([...plan.warnings, 'w']);
    expect(withNotes(plan, {})).toEqual(plan);
  });

  test('no room after the prune: a new plan without the export, with the decision; room: the plan given', () => {
    const full = deepFreeze(state(36 * MB));
    const plan = deepFreeze(makePlan(inputs, rt, { budget: budgetFacts(full) }));
    expect(plan.export).toBeDefined();
    const none = planWithRoom({ state: full, inputs, rt, plan });
    expect(none.plan.export).toBeUndefined();
    expect(none.noRoom).toMatchObject({ topic: 'write', outcome: 'skipped' });
    expect(none.plan.decisions.at(-1)).toBe(none.noRoom);
    const roomy = deepFreeze(state(1 * MB));
    expect(planWithRoom({ state: roomy, inputs, rt, plan })).toEqual({ plan });
  });
});
