/**
 * The budget's decisions around one run, pure: which refs to read, the facts the planner's mode rule gets,
 * whether and how far to prune before the build, whether this leg's export still fits after that, whether to
 * prune after it, and what a prune is asked to do (its refs, closed pull requests, job start, deletion cap).
 * `steps/cache-usage.ts` carries them out.
 */
import { backendOf, backendOfType } from '../backends/index.js';
import type { Decision } from '../action/decision.js';
import type { CacheSpec } from '../backends/spec.js';
import type { Auto, Inputs, Mode } from '../inputs/inputs.js';
import type { Runtime } from '../runtime/runtime.js';
import { POLICIES } from '../http/policies.js';
import { TARGET_RATIO, legIdentity, legPlanFor, type ModeFacts } from './budget.js';
import { exportFits, type LegPlan } from './estimate.js';
import type { BudgetLedger } from './ledger.js';
import type { Generation, WriteFacts } from './write.js';

/** Entries of this backend live in the repository's GitHub cache (gha, and local's saved directory). */
const usesGithubCache = (inputs: Inputs) => backendOf(inputs.cache).savedInGithubCache;
/** BuildKit itself writes this backend's entries to the GitHub cache (gha): the ones the budget sizes and prunes. */
const buildkitWritesGithubCache = (inputs: Inputs) => backendOf(inputs.cache).store === 'github-cache';

/** Refs the runtime token can read, its writable ref first (where BuildKit writes, and looks first). */
export function readableRefs(rt: Runtime): string[] {
  const refs = rt.cacheService.decoded?.refs ?? [];
  return [...refs.filter((r) => r.write && r.read), ...refs.filter((r) => r.read && !r.write)].map((r) => r.ref);
}

/** What the budget reading needs to read: the export estimate only for a build that writes to the GitHub cache. */
export function readingScope(
  inputs: Inputs,
  rt: Runtime
): { read: boolean; estimate: boolean; leg?: { id: string; job: string } } {
  const read = usesGithubCache(inputs) || inputs.command !== 'build';
  const estimate =
    read && inputs.command === 'build' && buildkitWritesGithubCache(inputs) && inputs.cacheWrite !== false;
  const leg = !inputs.cacheScope && inputs.matrix && rt.runId ? { id: rt.runId, job: rt.job } : undefined;
  return { read, estimate, ...(leg ? { leg } : {}) };
}

export function budgetFacts(state: BudgetLedger): ModeFacts | undefined {
  const r = state.reading;
  return (
    r && {
      usageBytes: r.usageBytes,
      budgetBytes: r.budget.bytes,
      ...(r.footprints ? { footprints: r.footprints } : {}),
      ...(r.concurrentLegs !== undefined ? { concurrentLegs: r.concurrentLegs } : {})
    }
  );
}

/**
 * What the budget reads of the run's plan: its scope, mode, export and the refs its token reads. plan/plan.ts's
 * `Plan` has these fields; naming them here keeps budget/ below plan/.
 */
export interface PlannedCache {
  scope: string;
  mode?: Mode;
  export?: CacheSpec;
  access?: { readable: string[] };
}

/** What a run needs to decide about its budget; the shell hands its whole plan (`RunContext<Plan>`). */
export interface RunContext<P extends PlannedCache = PlannedCache> {
  state: BudgetLedger;
  inputs: Inputs;
  rt: Runtime;
  plan: P;
}

/** The leg plan this build's mode came from (same facts, same scope), if the estimate was made. */
function legPlan({ state, inputs, plan }: RunContext): LegPlan | undefined {
  const facts = budgetFacts(state);
  if (!facts || plan.mode === undefined) return undefined;
  return legPlanFor(facts, legIdentity(plan.scope, inputs));
}

/**
 * Prune before the build when usage is above the prune target, or when this run's exports (estimated for the
 * mode) would take usage over the ceiling: down to what leaves them room.
 */
export function pruneBeforeTarget(ctx: RunContext): number | undefined {
  const { state, inputs, plan } = ctx;
  const r = state.reading;
  if (!r || !buildkitWritesGithubCache(inputs) || inputs.cachePrune === false || !plan.export) return undefined;
  const legs = legPlan(ctx);
  const adds = legs && (plan.mode === 'max' ? legs.addBytes : legs.minAddBytes);
  const room = legs && adds !== undefined ? Math.max(0, (legs.ceilingBytes - adds) / r.budget.bytes) : TARGET_RATIO;
  const target = Math.min(TARGET_RATIO, room);
  return r.usageBytes !== undefined && r.usageBytes > target * r.budget.bytes ? target : undefined;
}

/** A push to the default branch: the cache every branch and pull request falls back to. */
export function onDefaultBranch(rt: Runtime): boolean {
  return !!rt.defaultBranch && !rt.pullRequest && rt.ref === `refs/heads/${rt.defaultBranch}`;
}

/**
 * Issue 20: the build runs with the import only, and whether (and after which deletions) it writes is decided
 * once it has run, by what it adds (budget/write.ts); then a second `envd build` of the same context, fully
 * cached, exports. For an export to the GitHub cache the action sizes (the listing was read), unless the
 * author chose the export (`export-cache`, `cache-write: true`).
 */
export function splitsWrite({ state, inputs, plan }: RunContext): boolean {
  return (
    !!state.reading?.listing &&
    !!plan.export &&
    buildkitWritesGithubCache(inputs) &&
    inputs.cacheWrite === 'auto' &&
    !inputs.exportCache
  );
}

/**
 * After the prune before the build: when this leg's export still does not fit under the budget's ceiling (see
 * exportFits), the decision not to export, else undefined. Never on the default branch (issue 20: a stale
 * generation there would hold the room the new one needs, forever), and not when the write is decided after
 * the build (splitsWrite), where what it adds is known.
 */
export function exportRoom(ctx: RunContext): Decision | undefined {
  const { state, inputs, rt, plan } = ctx;
  const r = state.reading;
  if (
    !r ||
    r.usageBytes === undefined ||
    !plan.export ||
    !buildkitWritesGithubCache(inputs) ||
    inputs.cacheMode !== 'auto' ||
    inputs.exportCache
  )
    return undefined;
  if (onDefaultBranch(rt) || splitsWrite(ctx)) return undefined;
  const legs = legPlan(ctx);
  if (!legs) return undefined;
  const last = state.prunes[state.prunes.length - 1];
  const fit = exportFits(legs, plan.scope, last?.usageAfterBytes ?? r.usageBytes);
  return fit.fits
    ? undefined
    : { topic: 'write', outcome: 'skipped', reason: fit.reason ?? 'no room under the budget' };
}

/** What the build told, for the write decision: its steps, and the listing read after it (budget/write.ts generationAfterBuild). */
export interface AfterImport {
  builtSteps: number;
  seconds: number;
  generation: Generation;
  usageBytes: number;
  /** The previous write of this scope on this ref was skipped (its history says so). */
  skippedLast: boolean;
}

/**
 * The facts decideWrite takes. What the write adds: the previous generation's layers of the steps the build
 * rebuilt (the new ones replace them, layer for layer); without a previous generation, the leg's estimate.
 * Sibling legs write at the same moment, each deciding alone: the legs before this one in the plan's order
 * (legOrder) are counted as adding as much as this one (the same change, rebuilt in each leg).
 */
export function writeFacts(ctx: RunContext, after: AfterImport): WriteFacts {
  const legs = legPlan(ctx);
  const index = legs ? legs.legs.findIndex((l) => l.scope === ctx.plan.scope) : -1;
  const known = after.generation.ref !== undefined;
  const addBytes = known ? after.generation.rebuiltBytes : index >= 0 ? legs!.legs[index].add : 0;
  // Legs the run's jobs count but no footprint names (a matrix whose legs build a path each shares no scope
  // family): once this leg had a generation, they had theirs and rebuild the same change; before, first exports.
  const unseen = known ? (legs?.unknownLegs ?? 0) * addBytes : (legs?.unknownBytes ?? 0);
  return {
    builtSteps: after.builtSteps,
    addBytes,
    aheadBytes: Math.max(0, index) * addBytes + unseen,
    usageBytes: after.usageBytes,
    budgetBytes: ctx.state.reading!.budget.bytes,
    superseded: after.generation.superseded,
    defaultBranch: onDefaultBranch(ctx.rt),
    skippedLast: after.skippedLast,
    builtSeconds: after.seconds
  };
}

/** The budget's figures the outputs show (report/outputs.ts). */
export interface BudgetFigures {
  usageBytes?: number;
  budgetBytes?: number;
  prunedEntries: number;
  prunedBytes: number;
}

export function budgetFigures(state: BudgetLedger): BudgetFigures | undefined {
  if (!state.reading) return undefined;
  const last = state.prunes[state.prunes.length - 1];
  return {
    usageBytes: last?.usageAfterBytes ?? state.reading.usageBytes,
    budgetBytes: state.reading.budget.bytes,
    prunedEntries: state.prunes.reduce((n, p) => n + p.prunedEntries, 0),
    prunedBytes: state.prunes.reduce((n, p) => n + p.prunedBytes, 0)
  };
}

/** `cache-prune`: auto prunes after a successful gha export (and always for `command: prune`). */
export function shouldPrune(
  cachePrune: Auto<boolean>,
  ctx: { command: 'build' | 'prune'; backend: string; exported: boolean }
): { prune: boolean; decision: Decision } {
  if (ctx.command === 'prune')
    return { prune: true, decision: { topic: 'prune', outcome: 'yes', reason: 'command is prune' } };
  if (cachePrune === false)
    return { prune: false, decision: { topic: 'prune', outcome: 'no', reason: 'cache-prune is false' } };
  if (!ctx.exported)
    return {
      prune: false,
      decision: { topic: 'prune', outcome: 'no', reason: 'no cache export succeeded in this run' }
    };
  const backend = backendOfType(ctx.backend);
  if (cachePrune === 'auto' && backend?.store !== 'github-cache')
    return {
      prune: false,
      decision: {
        topic: 'prune',
        outcome: 'no',
        reason: backend?.savedInGithubCache
          ? `the ${ctx.backend} backend keeps one GitHub cache entry per scope, replaced by each export; pruning handles BuildKit's gha entries`
          : `the ${ctx.backend} backend does not use the GitHub cache`
      }
    };
  return {
    prune: true,
    decision: {
      topic: 'prune',
      outcome: 'yes',
      reason: cachePrune === true ? 'cache-prune is true' : 'after a successful export to the GitHub cache'
    }
  };
}

/**
 * After the build, the listing the reading made (minutes old) serves the prune when usage stays under the target
 * even with everything this run writes: then only the rules that do not depend on usage or last access apply
 * (closed pull requests, superseded indexes, older histories), and what was written since is this job's or a
 * concurrent one's, never pruned. A round trip to the REST API less. Not after a prune before the build (its
 * deletions would be asked again), nor without the estimate.
 */
function staysUnderTarget(ctx: RunContext): boolean {
  const r = ctx.state.reading;
  const legs = legPlan(ctx);
  if (!r?.listing || r.usageBytes === undefined || !legs || ctx.state.prunes.length) return false;
  const adds = ctx.plan.mode === 'max' ? legs.addBytes : legs.minAddBytes;
  return r.usageBytes + adds <= TARGET_RATIO * r.budget.bytes;
}

/** When a prune runs: before the build (to make room), after a successful export, or as `command: prune`. */
export type PruneWhen = 'before' | 'after' | 'command';

/** What one prune is asked to do; the shell adds the clients and the logger. */
export interface PruneRequest {
  /** The log group it runs in. */
  title: string;
  readableRefs: string[];
  /** Refs of a pull request being closed: `command: prune` on the closing pull_request event. */
  closedPrRefs: string[];
  /** Ask the REST API which pull requests are closed (`command: prune` outside a pull_request event). */
  discoverClosedPrs: boolean;
  /** Reuse the listing the budget reading made: a prune right before the build, or after it while usage stays under the target. */
  reuseListing: boolean;
  /** Entries written since then are this job's own or a concurrent leg's: never pruned. */
  jobStart: number;
  dryRun: boolean;
  /** A build step spends about 2 s deleting (several at once, within GitHub's limits); command: prune, what it takes. */
  timeBudgetMs?: number;
  targetRatio?: number;
}

/**
 * The prune for `when`: `now` is the moment the prune is asked for, `jobStartedAt` when this process started
 * (entries written since are this job's own).
 */
export function pruneRequest(
  ctx: RunContext,
  when: PruneWhen,
  clock: { now: number; jobStartedAt: number; targetRatio?: number }
): PruneRequest {
  const { inputs, rt, plan } = ctx;
  const pr = rt.pullRequest;
  return {
    title: when === 'command' ? 'Prune the GitHub cache' : `Prune the GitHub cache (${when} the build)`,
    readableRefs: [
      ...(plan.access?.readable ?? rt.cacheService.decoded?.refs.filter((r) => r.read).map((r) => r.ref) ?? [])
    ],
    closedPrRefs: rt.event === 'pull_request' && pr && when === 'command' ? [`refs/pull/${pr.number}/merge`] : [],
    discoverClosedPrs: when === 'command' && rt.event !== 'pull_request',
    reuseListing: when === 'before' || (when === 'after' && staysUnderTarget(ctx)),
    jobStart: when === 'before' ? clock.now : clock.jobStartedAt,
    dryRun: inputs.dryRun,
    ...(when === 'command' ? {} : { timeBudgetMs: POLICIES.deletes.stepBudgetMs }),
    ...(clock.targetRatio !== undefined ? { targetRatio: clock.targetRatio } : {})
  };
}
