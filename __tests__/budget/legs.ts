/** A three-leg matrix on a 37 MB budget, as the budget-around-a-run tests use it (run.test.ts, plan/final.test.ts). */
import type { ScopeFootprint } from '../../src/budget/estimate.js';
import type { BudgetLedger, PruneOutcome } from '../../src/budget/ledger.js';
import { plan as makePlan } from '../../src/plan/planner.js';
import { inputsOf } from '../support/inputs.js';
import { jwt, runtime } from '../support/runtime.js';

export const MB = 1000 ** 2;
export const BUDGET = 37 * MB;
export const MAIN = 'refs/heads/main';
export const PR12 = 'refs/pull/12/merge';
export const LEGS = ['3.10', '3.11', '3.12'].map((python) => JSON.stringify({ python }));

export const rtFor = (ref: string) =>
  ref === MAIN
    ? runtime()
    : runtime({
        event: 'pull_request',
        ref,
        env: {
          ACTIONS_RUNTIME_TOKEN: jwt([
            { Scope: ref, Permission: 3 },
            { Scope: MAIN, Permission: 1 }
          ])
        },
        // A pull request from the repository itself (a payload without one is an unknown head, which never writes).
        payload: {
          pull_request: {
            number: 12,
            base: { ref: 'main', repo: { full_name: 'octo/envd-demo' } },
            head: { ref: 'feat', repo: { full_name: 'octo/envd-demo', fork: false } }
          }
        }
      });

/** The three legs' auto scopes, as the planner derives them. */
export const scopes = LEGS.map((matrix) => makePlan(inputsOf({ matrix }), runtime()).scope);

export function state(usageBytes: number, footprints: ScopeFootprint[], usageAfterPrune?: number): BudgetLedger {
  return {
    reading: {
      budget: { bytes: BUDGET, source: 'cache-budget' },
      usageBytes,
      near: false,
      aboveTarget: false,
      decisions: [],
      warnings: [],
      footprints
    },
    prunes: usageAfterPrune === undefined ? [] : [{ usageAfterBytes: usageAfterPrune } as PruneOutcome],
    warned: false
  };
}

/** Main's index for each leg, 9 MB each (a min export), read by the pull request from main. */
export const mainIndexes = (own: boolean) =>
  scopes.map((scope): ScopeFootprint => ({
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
    own
  }));
