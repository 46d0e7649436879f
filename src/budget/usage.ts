/**
 * What the answers about the repository's GitHub cache mean, for the budget reading before a build and for a
 * prune (steps/prune.ts reads them and carries out): which usage figure wins, what a missing grant costs and when
 * it is warned about, which pull requests count as closed, and why deleting stopped. Pure.
 */
import type { Auto } from '../inputs/inputs.js';
import type { Decision } from '../action/decision.js';
import { formatSize } from '../text/text.js';
import { type Budget, nearBudget, percent, resolveBudget, usageBar } from './budget.js';
import { TARGET_RATIO } from './units.js';
import { type ScopeFootprint, scopeFootprints } from './estimate.js';
import type { Deletion, PrunePlan } from './prune.js';
import type { CacheEntry } from './generations.js';
import { describeDeletions } from './report.js';
import type { BudgetReading, Listing, PruneOutcome } from './ledger.js';

/** A REST answer that failed, as the shell reports it (io/github/rest.ts RestFailure). */
export interface Refusal {
  kind: string;
  message: string;
}

export const READ_GRANT_WARNING =
  'The github-token cannot read the repository\'s GitHub cache (it needs "permissions: actions: read", and "actions: write" to prune): the cache budget is not checked and nothing is pruned. The build is not affected.';
export const WRITE_GRANT_WARNING =
  'Pruning needs "permissions: actions: write" for the github-token; nothing was deleted, and GitHub will evict least-recently-used entries once the repository is over its limit. The build is not affected.';

/** The failure shows the token to lack a grant (rather than GitHub to have failed). */
function isMissingGrant(f: Refusal): boolean {
  return f.kind === 'forbidden' || f.kind === 'unauthorized';
}

/** Without a REST client (outside GitHub Actions, or no github-token): the budget alone, usage not read. */
export function readingWithoutUsage(cacheBudget: Auto<number>): BudgetReading {
  const budget = resolveBudget(cacheBudget);
  return {
    budget,
    near: false,
    aboveTarget: false,
    decisions: [
      {
        topic: 'budget',
        outcome: formatSize(budget.bytes),
        reason: `${budget.source}; usage not read: outside GitHub Actions, or without a github-token`
      }
    ],
    warnings: budget.warning ? [budget.warning] : []
  };
}

function budgetDecision(budget: Budget): Decision {
  return { topic: 'budget', outcome: formatSize(budget.bytes), reason: budget.source };
}

/**
 * Usage could not be read: the budget is not checked this run. A missing grant is warned about once per job
 * (`warned`); any other failure is a line in the log (`note`), not a warning.
 */
export function readingWithoutFigure(
  budget: Budget,
  failure: Refusal,
  warned?: boolean
): { reading: BudgetReading; note?: string } {
  const grant = isMissingGrant(failure);
  const warnings = budget.warning ? [budget.warning] : [];
  if (grant && !warned) warnings.push(READ_GRANT_WARNING);
  const reading: BudgetReading = {
    budget,
    near: false,
    aboveTarget: false,
    decisions: [
      budgetDecision(budget),
      {
        topic: 'usage',
        outcome: 'unknown',
        reason: grant ? 'the github-token lacks actions: read' : `the REST API answered: ${failure.message}`
      }
    ],
    warnings,
    ...(grant ? { missingGrant: 'read' as const } : {})
  };
  if (grant) return { reading };
  return { reading, note: `Cache usage could not be read (${failure.message}); the budget is not checked this run` };
}

/** The contents of the live indexes read for the estimate (io/github/indexes.ts LiveIndexes). */
export interface IndexesRead {
  entries: CacheEntry[];
  liveIndexes: ReadonlyMap<number, Set<string>>;
  finalLayers: ReadonlyMap<number, Set<string>>;
}

/** Each scope's footprint from the live indexes read (a min export holds an index's final layers). */
export function footprintsOf(read: IndexesRead, readableRefs: readonly string[], now: number): ScopeFootprint[] {
  const contents = new Map(
    [...read.liveIndexes].map(([id, digests]) => [id, { digests, final: read.finalLayers.get(id) ?? digests }])
  );
  return scopeFootprints(read.entries, contents, readableRefs, now);
}

/** What was read about usage: GitHub's figure, and what the listing and its indexes gave when they were read. */
export interface UsageFacts {
  budget: Budget;
  usage: { bytes: number; count: number };
  /** The entries listed now (after the index read), when the listing was read. */
  listed?: { listing: Listing; entries: readonly CacheEntry[]; footprints: ScopeFootprint[] };
  concurrentLegs?: number;
  targetRatio?: number;
}

/**
 * The reading when usage is known. The listing is current where GitHub's usage figure lags (about 5 minutes):
 * the larger of the two wins.
 */
export function readingWithFigure(f: UsageFacts): BudgetReading {
  let { bytes, count } = f.usage;
  if (f.listed) {
    const listedBytes = f.listed.entries.reduce((sum, e) => sum + e.size, 0);
    if (listedBytes > bytes) [bytes, count] = [listedBytes, f.listed.entries.length];
  }
  const budget = f.budget;
  const near = nearBudget(bytes, budget.bytes);
  const usage: Decision = {
    topic: 'usage',
    outcome: `${formatSize(bytes)} (${percent(bytes, budget.bytes)}%)`,
    reason: `${count} entries in the repository's GitHub cache${near ? ', near the budget' : ''} (${f.listed ? 'listed now' : 'GitHub refreshes this figure about every 5 minutes'})`
  };
  return {
    budget,
    usageBytes: bytes,
    usageCount: count,
    near,
    aboveTarget: bytes > (f.targetRatio ?? TARGET_RATIO) * budget.bytes,
    bar: usageBar(bytes, budget.bytes),
    decisions: [budgetDecision(budget), usage],
    warnings: budget.warning ? [budget.warning] : [],
    ...(f.listed ? { footprints: f.listed.footprints, listing: f.listed.listing } : {}),
    ...(f.concurrentLegs !== undefined ? { concurrentLegs: f.concurrentLegs } : {})
  };
}

/**
 * The listing failed: pruning is skipped. A missing grant is warned about once per job; a GitHub API that went
 * silent (`down`) was warned about once, where it did; any other failure is a warning of its own.
 */
export function listingRefused(
  failure: Refusal,
  warned?: boolean
): Pick<PruneOutcome, 'missingGrant' | 'warnings' | 'decisions'> {
  const grant = isMissingGrant(failure);
  const warnings: string[] = [];
  if (grant && !warned) warnings.push(READ_GRANT_WARNING);
  else if (!grant && failure.kind !== 'down')
    warnings.push(`Pruning skipped: the cache listing failed (${failure.message}). The build is not affected.`);
  return {
    ...(grant ? { missingGrant: 'read' as const } : {}),
    warnings,
    decisions: [
      {
        topic: 'prune',
        outcome: 'skipped',
        reason: grant ? 'the github-token lacks actions: read' : `listing failed: ${failure.message}`
      }
    ]
  };
}

const PR_REF = /^refs\/pull\/(\d+)\/(merge|head)$/;

/**
 * The open pull requests' refs (when they could be asked for) and the closed ones: those given, plus, with
 * `discover` (a scheduled sweep), every listed `refs/pull/…` ref whose pull request is not open.
 */
export function pullRequestRefs(f: {
  given?: readonly string[];
  discover?: boolean;
  listed: readonly CacheEntry[];
  open?: readonly number[];
}): { closed: Set<string>; openPrRefs?: string[] } {
  const closed = new Set(f.given ?? []);
  if (!f.open) return { closed };
  const openSet = new Set(f.open);
  if (f.discover)
    for (const e of f.listed) {
      const m = PR_REF.exec(e.ref);
      if (m && !openSet.has(Number(m[1]))) closed.add(e.ref);
    }
  return { closed, openPrRefs: f.open.flatMap((n) => [`refs/pull/${n}/merge`, `refs/pull/${n}/head`]) };
}

/** A dry run: what would be deleted. */
export function dryRunDecision(plan: PrunePlan): Decision {
  return {
    topic: 'prune',
    outcome: 'dry run',
    reason: `would delete ${describeDeletions(plan.deletions)}; nothing was deleted`
  };
}

/** What the deletion runner reports (io/github/deletes.ts DeleteRun). */
export interface DeletesDone {
  deleted: Deletion[];
  gone: Deletion[];
  notDeleted: Deletion[];
  stop?: string;
  forbidden: boolean;
  rateLimited: number;
}

export interface DeletesSettled {
  /** Not deleted, in plan order (the least valuable first, as the next run would plan them). */
  notDeleted: Deletion[];
  /** Why deleting stopped, in words, when something was left. */
  stop?: string;
  missingGrant?: 'write';
  warnings: string[];
  decision: Decision;
}

/**
 * What a run of deletions means: at most `max` of the plan's were sent. A missing write grant is warned about
 * once per job; a stop at GitHub's rate limit or after repeated failures that left entries is warned about.
 */
export function settleDeletes(
  plan: PrunePlan,
  run: DeletesDone,
  limits: { max: number; warned?: boolean }
): DeletesSettled {
  const { max } = limits;
  const left = new Set([...run.notDeleted, ...plan.deletions.slice(max)]);
  const notDeleted = plan.deletions.filter((d) => left.has(d));
  const warnings: string[] = [];
  let stop = run.stop ?? (plan.deletions.length > max ? 'maxDeletes' : undefined);
  if (run.forbidden) {
    if (!limits.warned) warnings.push(WRITE_GRANT_WARNING);
  } else if (run.stop !== undefined && notDeleted.length > 0) {
    stop = `${run.stop}; ${run.rateLimited ? `${run.rateLimited} rate-limited answers; ` : ''}the rest waits for the next run or command: prune`;
    if (run.rateLimited)
      warnings.push(
        `Pruning stopped at GitHub's REST rate limit after ${run.deleted.length} deletions; the rest waits for the next run or command: prune.`
      );
    else if (/repeated failures/.test(run.stop))
      warnings.push(`Pruning stopped after ${run.stop}; the rest waits for the next run.`);
  }
  const decision: Decision = {
    topic: 'prune',
    outcome: `${run.deleted.length} deleted`,
    reason: `${describeDeletions(run.deleted)}${run.gone.length ? `; ${run.gone.length} already gone` : ''}${notDeleted.length ? `; ${notDeleted.length} not deleted (${stop ?? 'maxDeletes'})` : ''}${plan.notes.length ? `; ${plan.notes.join('; ')}` : ''}`
  };
  return {
    notDeleted,
    ...(stop !== undefined ? { stop } : {}),
    ...(run.forbidden ? { missingGrant: 'write' } : {}),
    warnings,
    decision
  };
}

/** The outcome's totals: entries and bytes pruned, and usage after (what was pruned and what was gone already). */
export function withTotals(out: PruneOutcome): PruneOutcome {
  const prunedBytes = out.deleted.reduce((s, d) => s + d.bytes, 0);
  const gone = out.gone.reduce((s, d) => s + d.bytes, 0);
  return {
    ...out,
    prunedEntries: out.deleted.length,
    prunedBytes,
    ...(out.usageBytes !== undefined ? { usageAfterBytes: out.usageBytes - prunedBytes - gone } : {})
  };
}
