/**
 * What the budget knows during a run: the reading before planning and the outcome of each prune. Records the
 * shell fills (steps/cache-usage.ts, steps/prune.ts) and the core reads (budget/run.ts, the summary).
 */
import type { Budget } from './budget.js';
import type { ScopeFootprint } from './estimate.js';
import type { Deletion, PrunePlan } from './prune.js';
import type { CacheEntry } from './generations.js';
import type { Decision } from '../action/decision.js';

/** The repository's cache entries as the REST list gave them. */
export interface Listing {
  entries: CacheEntry[];
  pages: number;
  totalCount: number;
  /** False when the listing shrank while it was paged: entries may have been skipped. */
  complete: boolean;
}

export interface BudgetReading {
  budget: Budget;
  usageBytes?: number;
  usageCount?: number;
  /** Usage is at or above the high-water mark: `cache-mode: auto` exports min (budget/budget.ts modeForBudget). */
  near: boolean;
  /**
   * Usage is above the prune target: prune before the build too (same call, `jobStart` = now), so this run's
   * exports have room. Pruning only after exports leaves whatever was too young to prune then in place
   * until the next job's exports have already landed on top of it.
   */
  aboveTarget: boolean;
  /** The Markdown/Unicode bar for the summary, when usage is known. */
  bar?: string;
  decisions: Decision[];
  warnings: string[];
  /** Set when the token lacks `actions: read`; pass `warned: true` on to carryOutPrune() so it does not warn again. */
  missingGrant?: 'read';
  /** What each scope's previous export tells (for the mode estimate); undefined when not listed or read. */
  footprints?: ScopeFootprint[];
  /** The listing read for the estimate, for a prune right after (PruneOptions.listing). */
  listing?: Listing;
  /** Sibling legs of this job running in this run, from the run's jobs; undefined when not known. */
  concurrentLegs?: number;
}

export interface PruneOutcome {
  dryRun: boolean;
  plan?: PrunePlan;
  deleted: Deletion[];
  /** Planned, but already gone when deleted (evicted or deleted by another job meanwhile). */
  gone: Deletion[];
  /** Planned but not deleted: a failure, no permission, a rate limit or the maxDeletes cap. */
  notDeleted: Deletion[];
  prunedEntries: number;
  prunedBytes: number;
  /** Usage before and after, from the listing. */
  usageBytes?: number;
  usageAfterBytes?: number;
  restCalls: number;
  indexCalls: number;
  /** Time spent listing, reading indexes and planning. */
  planMs: number;
  decisions: Decision[];
  warnings: string[];
  missingGrant?: 'read' | 'write';
}

export interface BudgetLedger {
  reading?: BudgetReading;
  prunes: PruneOutcome[];
  warned: boolean;
}
