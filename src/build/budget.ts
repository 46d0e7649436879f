/**
 * The 10 GB budget around a run: usage read before planning (it can lower cache-mode: auto to min), a prune
 * before the build when usage is above the target, and one after a successful export to the GitHub cache.
 * Also `command: prune`. The REST client and index reader are loaded only when used.
 */
import * as core from '@actions/core';
import type { BudgetReading, PruneOutcome } from '../budget/run.js';
import type { Inputs } from '../inputs/inputs.js';
import type { Plan } from '../plan/plan.js';
import type { BudgetFigures } from '../report/outputs.js';
import type { Runtime } from '../runtime/runtime.js';

export interface BudgetState {
  reading?: BudgetReading;
  prunes: PruneOutcome[];
  warned: boolean;
}

/** Backends whose entries live in the repository's GitHub cache. */
const usesGithubCache = (inputs: Inputs) => inputs.cache === 'gha' || inputs.cache === 'local';

async function restFor(inputs: Inputs, rt: Runtime) {
  // Outside a GitHub Actions run there is no repository cache to read, and no token worth sending.
  if (!rt.actions || !inputs.githubToken || !rt.repository.includes('/')) return undefined;
  const { createCacheRest } = await import('../budget/rest.js');
  // Budget reading must not hold a build up for long when the API is unreachable: two quick retries.
  return createCacheRest({ token: inputs.githubToken, apiUrl: rt.apiUrl, repository: rt.repository, retries: 2, retryBaseMs: 300 });
}

async function readerFor(rt: Runtime) {
  const cs = rt.cacheService;
  if (!cs.token || !cs.resultsUrl || !cs.v2 || rt.ghes) return undefined;
  const { createIndexReader } = await import('../budget/indexes.js');
  return createIndexReader({ token: cs.token, resultsUrl: cs.resultsUrl });
}

export async function readBudgetFor(inputs: Inputs, rt: Runtime): Promise<BudgetState> {
  const state: BudgetState = { prunes: [], warned: false };
  if (!usesGithubCache(inputs) && inputs.command === 'build') return state;
  const { readBudget } = await import('../budget/run.js');
  state.reading = await readBudget({ rest: await restFor(inputs, rt), cacheBudget: inputs.cacheBudget, log: core });
  state.warned = state.reading.missingGrant !== undefined;
  return state;
}

export function budgetFacts(state: BudgetState) {
  return state.reading && { usageBytes: state.reading.usageBytes, budgetBytes: state.reading.budget.bytes };
}

/** Prunes once: before the build (`before`), after it, or for command: prune. Records the outcome. */
export async function pruneNow(state: BudgetState, inputs: Inputs, rt: Runtime, plan: Plan, when: 'before' | 'after' | 'command'): Promise<PruneOutcome | undefined> {
  if (!state.reading) return undefined;
  const rest = await restFor(inputs, rt);
  if (!rest) return undefined;
  const { prune } = await import('../budget/run.js');
  const reader = await readerFor(rt);
  const pr = rt.pullRequest;
  const closingPr = rt.event === 'pull_request' && pr && when === 'command' ? [`refs/pull/${pr.number}/merge`] : [];
  const outcome = await core.group(when === 'command' ? 'Prune the GitHub cache' : `Prune the GitHub cache (${when} the build)`, () =>
    prune({
      rest,
      reader,
      readableRefs: plan.access?.readable ?? (rt.cacheService.decoded?.refs.filter((r) => r.read).map((r) => r.ref) ?? []),
      closedPrRefs: closingPr,
      discoverClosedPrs: when === 'command' && rt.event !== 'pull_request',
      budgetBytes: state.reading!.budget.bytes,
      jobStart: when === 'before' ? Date.now() : Math.floor(performance.timeOrigin),
      dryRun: inputs.dryRun,
      // Deletes are spaced a second apart; a build step does not wait on more than this many.
      maxDeletes: when === 'command' ? undefined : 100,
      warned: state.warned,
      log: core
    })
  );
  state.warned ||= outcome.missingGrant !== undefined;
  state.prunes.push(outcome);
  return outcome;
}

export function budgetFigures(state: BudgetState): BudgetFigures | undefined {
  if (!state.reading) return undefined;
  const last = state.prunes[state.prunes.length - 1];
  return {
    usageBytes: last?.usageAfterBytes ?? state.reading.usageBytes,
    budgetBytes: state.reading.budget.bytes,
    prunedEntries: state.prunes.reduce((n, p) => n + p.prunedEntries, 0),
    prunedBytes: state.prunes.reduce((n, p) => n + p.prunedBytes, 0)
  };
}
