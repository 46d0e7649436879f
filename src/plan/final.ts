/**
 * The plan once planning ends, and what is recorded on it later. Each function returns a new plan and leaves the
 * one given as it was: a step never edits a plan (the build, its report and the summary may hold the one before).
 * Pure.
 */
import { exportRoom, type RunContext } from '../budget/run.js';
import type { Decision, Plan } from './plan.js';

/** The plan with these decisions and warnings after its own. */
export function withNotes(plan: Plan, more: { decisions?: readonly Decision[]; warnings?: readonly string[] }): Plan {
  return {
    ...plan,
    decisions: [...plan.decisions, ...(more.decisions ?? [])],
    warnings: [...plan.warnings, ...(more.warnings ?? [])]
  };
}

/**
 * The plan the build runs with, once the prune before it is done: without its export when this leg's export
 * still has no room under the budget (budget/run.ts exportRoom), with that decision (`noRoom`); else the plan
 * given. The build then reads the cache and writes none.
 */
export function planWithRoom(ctx: RunContext<Plan>): { plan: Plan; noRoom?: Decision } {
  const noRoom = exportRoom(ctx);
  if (!noRoom) return { plan: ctx.plan };
  return { plan: { ...withNotes(ctx.plan, { decisions: [noRoom] }), export: undefined }, noRoom };
}
