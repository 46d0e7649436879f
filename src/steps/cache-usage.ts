/**
 * The 10 GB budget around a run: usage read before planning (it can lower cache-mode: auto to min), a prune
 * before the build when usage is above the target, and one after a successful export to the GitHub cache.
 * Also `command: prune`. The REST client (octokit, its own chunk) is loaded only when a call is made; the prune
 * step and the index reader are imported statically, as main imports them anyway.
 */
import * as core from '../io/runner.js';
import { backendOf } from '../backends/index.js';
import { TARGET_RATIO, legPlanFor, type ModeFacts } from '../budget/budget.js';
import { exportFits, type LegPlan } from '../budget/estimate.js';
import { createIndexReader } from '../io/github/indexes.js';
import { type BudgetReading, prune, type PruneOutcome, readBudget } from './prune.js';
import type { Inputs } from '../inputs/inputs.js';
import type { Decision, Plan } from '../plan/plan.js';
import type { BudgetFigures } from '../report/outputs.js';
import type { Runtime } from '../runtime/runtime.js';

export interface BudgetState {
  reading?: BudgetReading;
  prunes: PruneOutcome[];
  warned: boolean;
}

/** Entries of this backend live in the repository's GitHub cache (gha, and local's saved directory). */
const usesGithubCache = (inputs: Inputs) => backendOf(inputs.cache).savedInGithubCache;
/** BuildKit itself writes this backend's entries to the GitHub cache (gha): the ones the budget sizes and prunes. */
const buildkitWritesGithubCache = (inputs: Inputs) => backendOf(inputs.cache).store === 'github-cache';

async function restFor(inputs: Inputs, rt: Runtime) {
  // Outside a GitHub Actions run there is no repository cache to read, and no token worth sending.
  if (!rt.actions || !inputs.githubToken || !rt.repository.includes('/')) return undefined;
  const { createCacheRest } = await import('../io/github/rest.js');
  // Budget reading must not hold a build up for long when the API is unreachable: two quick retries.
  return createCacheRest({ token: inputs.githubToken, apiUrl: rt.apiUrl, repository: rt.repository, retries: 2, retryBaseMs: 300 });
}

function readerFor(rt: Runtime) {
  const cs = rt.cacheService;
  if (!cs.token || !cs.resultsUrl || !cs.v2 || rt.ghes) return undefined;
  return createIndexReader({ token: cs.token, resultsUrl: cs.resultsUrl });
}

/** Refs the runtime token can read, its writable ref first (where BuildKit writes, and looks first). */
function readableRefs(rt: Runtime): string[] {
  const refs = rt.cacheService.decoded?.refs ?? [];
  return [...refs.filter((r) => r.write && r.read), ...refs.filter((r) => r.read && !r.write)].map((r) => r.ref);
}

export async function readBudgetFor(inputs: Inputs, rt: Runtime): Promise<BudgetState> {
  const state: BudgetState = { prunes: [], warned: false };
  if (!usesGithubCache(inputs) && inputs.command === 'build') return state;
  const rest = await restFor(inputs, rt);
  // A build that exports to the GitHub cache sizes its export (and its sibling legs') from their previous
  // indexes before the mode is chosen and before anything is written: one listing and a read of the live
  // indexes on readable refs. The listing is reused by a prune before the build.
  const estimate = rest && inputs.command === 'build' && buildkitWritesGithubCache(inputs) && inputs.cacheWrite !== false;
  const reader = estimate ? readerFor(rt) : undefined;
  const leg = !inputs.cacheScope && inputs.matrix && rt.runId ? { id: rt.runId, job: rt.job } : undefined;
  state.reading = await readBudget({ rest, reader, readableRefs: reader ? readableRefs(rt) : undefined, run: leg, cacheBudget: inputs.cacheBudget, log: core });
  state.warned = state.reading.missingGrant !== undefined;
  return state;
}

export function budgetFacts(state: BudgetState): ModeFacts | undefined {
  const r = state.reading;
  return r && {
    usageBytes: r.usageBytes,
    budgetBytes: r.budget.bytes,
    ...(r.footprints ? { footprints: r.footprints } : {}),
    ...(r.concurrentLegs !== undefined ? { concurrentLegs: r.concurrentLegs } : {})
  };
}

/** The leg plan this build's mode came from (same facts, same scope), if the estimate was made. */
function legPlan(state: BudgetState, inputs: Inputs, rt: Runtime, plan: Plan): LegPlan | undefined {
  const facts = budgetFacts(state);
  if (!facts || plan.mode === undefined) return undefined;
  return legPlanFor(facts, { scope: plan.scope, job: !inputs.cacheScope && inputs.matrix ? rt.job : undefined });
}

/**
 * Prune before the build when usage is above the prune target, or when this run's exports (estimated for the
 * mode) would take usage over the ceiling: down to what leaves them room.
 */
export function pruneBeforeTarget(state: BudgetState, inputs: Inputs, rt: Runtime, plan: Plan): number | undefined {
  const r = state.reading;
  if (!r || !buildkitWritesGithubCache(inputs) || inputs.cachePrune === false || !plan.export) return undefined;
  const legs = legPlan(state, inputs, rt, plan);
  const adds = legs && (plan.mode === 'max' ? legs.addBytes : legs.minAddBytes);
  const room = legs && adds !== undefined ? Math.max(0, (legs.ceilingBytes - adds) / r.budget.bytes) : TARGET_RATIO;
  const target = Math.min(TARGET_RATIO, room);
  return r.usageBytes !== undefined && r.usageBytes > target * r.budget.bytes ? target : undefined;
}

/** Prunes once: before the build (`before`), after it, or for command: prune. Records the outcome. */
/**
 * After the prune before the build: when this leg's export still does not fit under the budget's ceiling (see
 * exportFits), the decision not to export, else undefined. The default branch always exports.
 */
export function exportRoom(state: BudgetState, inputs: Inputs, rt: Runtime, plan: Plan): Decision | undefined {
  const r = state.reading;
  if (!r || r.usageBytes === undefined || plan.export?.type !== 'gha' || inputs.cacheMode !== 'auto' || inputs.exportCache) return undefined;
  const legs = legPlan(state, inputs, rt, plan);
  if (!legs) return undefined;
  const last = state.prunes[state.prunes.length - 1];
  const usage = last?.usageAfterBytes ?? r.usageBytes;
  const onDefault = rt.defaultBranch !== undefined && rt.ref === `refs/heads/${rt.defaultBranch}`;
  const fit = exportFits(legs, plan.scope, usage, onDefault);
  return fit.fits ? undefined : { topic: 'export', outcome: 'skipped', reason: fit.reason ?? 'no room under the budget' };
}

export async function pruneNow(
  state: BudgetState,
  inputs: Inputs,
  rt: Runtime,
  plan: Plan,
  when: 'before' | 'after' | 'command',
  targetRatio?: number
): Promise<PruneOutcome | undefined> {
  if (!state.reading) return undefined;
  const rest = await restFor(inputs, rt);
  if (!rest) return undefined;
  const reader = readerFor(rt);
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
      targetRatio,
      ...(when === 'before' && state.reading!.listing ? { listing: state.reading!.listing } : {}),
      jobStart: when === 'before' ? Date.now() : Math.floor(performance.timeOrigin),
      dryRun: inputs.dryRun,
      // A build step spends about 2 s deleting (several at once, within GitHub's limits); command: prune, what it takes.
      deleteLimits: when === 'command' ? {} : { timeBudgetMs: 2_000 },
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
