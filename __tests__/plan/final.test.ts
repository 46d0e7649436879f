/**
 * The plan once planning ends (plan/final.ts): what is added to it later comes as a new plan, the one given is
 * left as it was (the arguments are deep-frozen: an edit throws).
 */
import { describe, expect, test } from '@jest/globals';
import { budgetFacts } from '../../src/budget/run.js';
import { planWithRoom, withNotes } from '../../src/plan/final.js';
import { plan as makePlan } from '../../src/plan/planner.js';
import { deepFreeze } from '../support/freeze.js';
import { inputsOf } from '../support/inputs.js';
import { LEGS, MB, mainIndexes, PR12, rtFor, state } from '../budget/legs.js';

const rt = rtFor(PR12);
const inputs = inputsOf({ matrix: LEGS[2] });

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
    // A pull request's leg at 28 MB of 37: main's index of it is 9 MB, a first export of that size.
    const full = deepFreeze(state(28 * MB, mainIndexes(false), 27 * MB));
    const plan = deepFreeze(makePlan(inputs, rt, { budget: budgetFacts(full) }));
    expect(plan.export).toBeDefined();
    const none = planWithRoom({ state: full, inputs, rt, plan });
    expect(none.plan.export).toBeUndefined();
    expect(none.noRoom).toMatchObject({ topic: 'write', outcome: 'skipped' });
    expect(none.plan.decisions.at(-1)).toBe(none.noRoom);
    const roomy = deepFreeze(state(28 * MB, mainIndexes(false), 1 * MB));
    expect(planWithRoom({ state: roomy, inputs, rt, plan })).toEqual({ plan });
  });
});
