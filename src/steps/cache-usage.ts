/**
 * The 10 GB budget around a run, carried out: usage read before planning (it can lower cache-mode: auto to min),
 * and each prune the core asks for (`budget/run.ts`: before the build, after a successful export, or
 * `command: prune`). The REST client (its own chunk) is loaded only when a call is made.
 */
import type { Inputs } from '../inputs/inputs.js';
import type { Runtime } from '../runtime/runtime.js';
import {
  shouldPrune,
  type PruneWhen,
  pruneRequest,
  readableRefs,
  readingScope,
  type RunContext
} from '../budget/run.js';
import type { BudgetLedger, PruneOutcome } from '../budget/ledger.js';
import { createIndexReader, type IndexReader } from '../io/github/indexes.js';
import { carryOutPrune, fetchReading } from './prune.js';
import type { StepContext } from './context.js';

export type { BudgetLedger };

export async function restFor(inputs: Inputs, rt: Runtime) {
  // Outside a GitHub Actions run there is no repository cache to read, and no token worth sending.
  if (!rt.actions || !inputs.githubToken || !rt.repository.includes('/')) return undefined;
  const { createCacheRest } = await import('../io/github/rest.js');
  // Its deadlines and retries: POLICIES.rest (src/http/policies.ts); each phase's budget: withinPhase.
  return createCacheRest({ token: inputs.githubToken, apiUrl: rt.apiUrl, repository: rt.repository });
}

/**
 * One index reader for the step (its context's), so the prune after the build does not read again what the
 * reading read.
 */
export function readerFor({ readers }: Pick<StepContext, 'readers'>, rt: Runtime): IndexReader | undefined {
  const cs = rt.cacheService;
  if (!cs.token || !cs.resultsUrl || !cs.v2 || rt.ghes) return undefined;
  const id = `${cs.resultsUrl}\n${cs.token}`;
  const reader = readers.get(id) ?? createIndexReader({ token: cs.token, resultsUrl: cs.resultsUrl });
  readers.set(id, reader);
  return reader;
}

/**
 * Reads the budget before planning. The open pull requests are asked for with the reading's listing (kept in
 * the context's `openPrs`): a build that lists the cache (one that exports to the GitHub cache) prunes after its
 * export, and its prune then starts without a round trip. A pull request closed while the build ran is found by
 * the next run.
 */
export async function readBudgetLedger(ctx: StepContext, inputs: Inputs, rt: Runtime): Promise<BudgetLedger> {
  const state: BudgetLedger = { prunes: [], warned: false };
  const scope = readingScope(inputs, rt);
  if (!scope.read) return state;
  const rest = await restFor(inputs, rt);
  // A build that exports to the GitHub cache sizes its export (and its sibling legs') from their previous
  // indexes before the mode is chosen and before anything is written: one listing and a read of the live
  // indexes on readable refs. The listing is reused by a prune before the build.
  const reader = rest && scope.estimate ? readerFor(ctx, rt) : undefined;
  // Every request of the reading, the open pull requests' included, within the reading's budget.
  state.reading = await ctx.deadlines.withinPhase('budgetRead', () => {
    if (
      rest &&
      reader &&
      inputs.command === 'build' &&
      shouldPrune(inputs.cachePrune, { command: 'build', backend: inputs.cache, exported: true }).prune
    )
      ctx.openPrs.set(state, rest.openPullRequests());
    return fetchReading({
      rest,
      reader,
      readableRefs: reader ? readableRefs(rt) : undefined,
      run: scope.leg,
      cacheBudget: inputs.cacheBudget,
      log: ctx.out
    });
  });
  state.warned = state.reading.missingGrant !== undefined;
  return state;
}

/** Carries out the prune the core asks for at `when` (see `pruneRequest`); records the outcome in the state. */
export async function pruneAt(
  ctx: StepContext,
  run: RunContext,
  when: PruneWhen,
  targetRatio?: number
): Promise<PruneOutcome | undefined> {
  const { state, inputs, rt } = run;
  const reading = state.reading;
  if (!reading) return undefined;
  const rest = await restFor(inputs, rt);
  if (!rest) return undefined;
  const req = pruneRequest(run, when, {
    now: ctx.clock.now(),
    jobStartedAt: Math.floor(performance.timeOrigin),
    targetRatio
  });
  const outcome = await ctx.out.group(req.title, () =>
    ctx.deadlines.withinPhase(when === 'command' ? 'pruneCommand' : 'prune', () =>
      carryOutPrune({
        rest,
        reader: readerFor(ctx, rt),
        readableRefs: req.readableRefs,
        closedPrRefs: req.closedPrRefs,
        discoverClosedPrs: req.discoverClosedPrs,
        budgetBytes: reading.budget.bytes,
        targetRatio: req.targetRatio,
        ...(req.reuseListing && reading.listing ? { listing: reading.listing } : {}),
        ...(when !== 'command' && ctx.openPrs.has(state) ? { openPrs: ctx.openPrs.get(state) } : {}),
        jobStart: req.jobStart,
        dryRun: req.dryRun,
        deleteLimits: req.timeBudgetMs !== undefined ? { timeBudgetMs: req.timeBudgetMs } : {},
        warned: state.warned,
        log: ctx.out
      })
    )
  );
  state.warned ||= outcome.missingGrant !== undefined;
  state.prunes.push(outcome);
  return outcome;
}
