/**
 * The budget's units (bytes, time) and ratios, below every other budget module (budget.ts, estimate.ts and prune.ts all read
 * them; keeping them here keeps those three out of an import cycle). `budget.ts` re-exports them. Pure.
 */

export const GB = 1000 ** 3;
export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
/** GitHub's default per-repository cache storage. */
export const DEFAULT_BUDGET_BYTES = 10 * GB;
/** Above this share of the budget, `cache-mode: auto` exports `min`. */
export const HIGH_WATER = 0.8;
/**
 * Pruning brings usage down to this share of the budget. The gap to the budget is room for one workflow
 * run's exports (every matrix job uploads before any of them prunes), so GitHub's LRU never has to act.
 */
export const TARGET_RATIO = 0.7;

export function percent(usageBytes: number, budgetBytes: number): number {
  return budgetBytes > 0 ? Math.round((usageBytes / budgetBytes) * 100) : 0;
}
