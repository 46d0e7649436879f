/**
 * The repository's cache budget: which figure applies, when usage is "near" it, and how it is shown. Pure.
 *
 * Units: GitHub states the limit as "GB" (`max_cache_size_gb`). The action reads that as 10^9 bytes, the
 * same unit `cache-budget: 10GB` means. Should GitHub count GiB, the action keeps a 7% margin under the real
 * eviction line instead of overshooting it.
 */
import type { Auto, Inputs, Mode } from '../inputs/inputs.js';
import type { Decision } from '../action/decision.js';
import { scopeFamily } from '../cache/scope.js';
import { legEstimates, planLegs, type LegPlan, type ScopeFootprint } from './estimate.js';
import { formatSize } from '../text/text.js';
import { DEFAULT_BUDGET_BYTES, GB, HIGH_WATER, percent } from './units.js';

export { formatSize } from '../text/text.js';
export { DEFAULT_BUDGET_BYTES, GB, HIGH_WATER, percent, TARGET_RATIO } from './units.js';

export interface Budget {
  bytes: number;
  /** Where the figure came from, in words. */
  source: string;
  /** Set when an explicit budget is above what GitHub keeps. */
  warning?: string;
}

/** `cache-budget`: an explicit size wins; `auto` is the repository's storage limit when readable, else 10 GB. */
export function resolveBudget(input: Auto<number>, storageLimitGb?: number): Budget {
  const limit =
    storageLimitGb !== undefined && Number.isFinite(storageLimitGb) && storageLimitGb > 0
      ? Math.round(storageLimitGb * GB)
      : undefined;
  if (input !== 'auto') {
    const bytes = Math.max(1, Math.floor(input));
    const warning =
      limit !== undefined && bytes > limit
        ? `cache-budget ${formatSize(bytes)} is above the repository's cache storage limit of ${formatSize(limit)}; GitHub evicts least-recently-used entries above its limit whatever the budget says`
        : undefined;
    return { bytes, source: 'cache-budget', ...(warning ? { warning } : {}) };
  }
  if (limit !== undefined)
    return { bytes: limit, source: `the repository's cache storage limit (${storageLimitGb} GB)` };
  return {
    bytes: DEFAULT_BUDGET_BYTES,
    source: "GitHub's default of 10 GB (the repository's own storage limit was not read)"
  };
}

export function nearBudget(usageBytes: number, budgetBytes: number, highWater = HIGH_WATER): boolean {
  return budgetBytes > 0 && usageBytes >= highWater * budgetBytes;
}

/** What was read about the GitHub cache before planning. */
export interface ModeFacts {
  /** Undefined when usage could not be read. */
  usageBytes?: number;
  budgetBytes: number;
  /** What each scope's previous export tells (src/budget/estimate.ts); undefined when the listing was not read. */
  footprints?: readonly ScopeFootprint[];
  /** Sibling matrix legs of this job running in this run (GITHUB_RUN_ID), when known. */
  concurrentLegs?: number;
}

/**
 * This build's scope; `family` only for an auto scope of a matrix leg, whose sibling legs export with it: the first
 * word their scopes share (src/cache/scope.ts scopeFamily).
 */
export interface LegIdentity {
  scope: string;
  family?: string;
}

/** The leg a build is: a named scope, or an auto scope without a matrix, has no sibling legs. */
export function legIdentity(
  scope: string,
  inputs: Pick<Inputs, 'cacheScope' | 'matrix' | 'path' | 'from'>
): LegIdentity {
  return {
    scope,
    family:
      !inputs.cacheScope && inputs.matrix
        ? scopeFamily(inputs.path, `${inputs.from.file}:${inputs.from.func}`)
        : undefined
  };
}

/**
 * `cache-mode: auto` after the budget is read; an explicit mode is respected. `decided` is what the planner
 * chose before usage was known. With the previous exports known, this export and its concurrent sibling legs
 * are estimated and the mode chosen so that usage plus all of them stays under the budget (planLegs);
 * without, `min` from the high-water mark on.
 */
export function modeForBudget(
  requested: Auto<Mode>,
  decided: Mode,
  facts: ModeFacts,
  leg?: LegIdentity
): { mode: Mode; decision?: Decision } {
  const { usageBytes, budgetBytes } = facts;
  if (requested !== 'auto' || decided === 'min' || usageBytes === undefined) return { mode: decided };
  const planned = legPlanFor(facts, leg);
  if (planned)
    return { mode: planned.mode, decision: { topic: 'mode', outcome: planned.mode, reason: planned.reason } };
  if (!nearBudget(usageBytes, budgetBytes)) return { mode: decided };
  return {
    mode: 'min',
    decision: {
      topic: 'mode',
      outcome: 'min',
      reason: `cache usage ${formatSize(usageBytes)} is ${percent(usageBytes, budgetBytes)}% of the ${formatSize(budgetBytes)} budget (≥ ${Math.round(HIGH_WATER * 100)}%): only the final layers are exported`
    }
  };
}

/** The split of the room among this leg and its siblings (planLegs), when usage and the footprints are known. */
export function legPlanFor(facts: ModeFacts, leg?: LegIdentity): LegPlan | undefined {
  if (facts.usageBytes === undefined || !facts.footprints || !leg) return undefined;
  const prefix = leg.family ? `${leg.family}-` : undefined;
  const legs = legEstimates(
    facts.footprints,
    leg.scope,
    prefix,
    prefix === undefined ? undefined : facts.concurrentLegs
  );
  // A single build's first export (no matrix) cannot be sized, but it is one export: the high-water mark decides.
  // A matrix leg's first export with nothing to size it by is min (planLegs): its legs export at once.
  if (legs.self === undefined && prefix === undefined) return undefined;
  return planLegs({ usageBytes: facts.usageBytes, budgetBytes: facts.budgetBytes }, legs);
}

/** `█████░░░░░ 52% of 10.0 GB (5.2 GB used)`; the bar is full from 100% on. */
export function usageBar(usageBytes: number, budgetBytes: number, width = 20): string {
  const ratio = budgetBytes > 0 ? Math.max(0, usageBytes / budgetBytes) : 0;
  const filled = Math.min(width, Math.round(Math.min(1, ratio) * width));
  return `${'█'.repeat(filled)}${'░'.repeat(width - filled)} ${percent(usageBytes, budgetBytes)}% of ${formatSize(budgetBytes)} (${formatSize(usageBytes)} used)`;
}
