/**
 * Issue 20, carried out: the build runs with the import only; once it has run, the cache is listed again, the
 * leg's previous generation judged by what the build used (budget/write.ts generationAfterBuild), and the
 * write decided by what it adds (decideWrite). Then the superseded layers are deleted (before the export when
 * room is short, else after it), and a second `envd build` of the same context, every step cached, exports.
 * The decisions are the core's; this module lists, deletes and logs.
 */
import type { ProgressFigures } from '../envd/progress.js';
import type { Plan } from '../plan/plan.js';
import { withNotes } from '../plan/final.js';
import { echo, MAX_SENTENCE } from '../text/text.js';
import { formatSize } from '../budget/budget.js';
import { heldBackSince, type Deletion } from '../budget/prune.js';
import { onDefaultBranch, readableRefs, writeFacts, type RunContext } from '../budget/run.js';
import type { PruneOutcome } from '../budget/ledger.js';
import {
  decideWrite,
  generationAfterBuild,
  type Generation,
  type Superseded,
  type WriteDecision
} from '../budget/write.js';
import { readLiveIndexes } from '../io/github/indexes.js';
import { runDeletes } from '../io/github/deletes.js';
import { POLICIES } from '../http/policies.js';
import type { CacheRest } from '../io/github/rest.js';
import { pruneAt, readerFor, restFor } from './cache-usage.js';
import type { StepContext } from './context.js';
import type { Runner } from '../io/runner.js';

/**
 * Called between the two builds: the plan the second build runs with (no export: it does not run). `retried`:
 * the first build was retried without the import (a cached layer was gone), so its figures count steps the
 * failed attempt built as cached.
 */
export type WriteGate = (figures: ProgressFigures, startedAt: number, retried: boolean) => Promise<Plan>;

export interface WriteSteps {
  beforeExport: WriteGate;
  /** After the export: deletes what the decision left for then (nothing needs it once the new index is written). */
  afterExport: () => Promise<void>;
}

/** A build sequence of import-only build, decision, exporting build; `skippedLast` tells whether this scope's last write was skipped. */
export function writeSteps(ctx: StepContext, run: RunContext<Plan>, skippedLast: () => Promise<boolean>): WriteSteps {
  let later: Superseded[] = [];
  let rest: CacheRest | undefined;
  return {
    beforeExport: async (figures, startedAt, retried) => {
      // After a retry without the import every step was this job's own: the write repairs the cache.
      const built = retried ? figures.totalSteps : Math.max(0, figures.totalSteps - figures.cachedSteps);
      const seconds = figures.steps.filter((st) => st.status !== 'cached').reduce((sum, st) => sum + st.seconds, 0);
      return ctx.out.group('Decide the cache write', async () => {
        let decision: WriteDecision | undefined;
        if (built === 0)
          decision = decideWrite({
            builtSteps: 0,
            addBytes: 0,
            usageBytes: 0,
            budgetBytes: 1,
            superseded: [],
            defaultBranch: onDefaultBranch(run.rt),
            skippedLast: false
          });
        else if ((rest = await restFor(run.inputs, run.rt)))
          decision = await decideAfterListing(ctx, run, rest, {
            built,
            seconds,
            startedAt,
            skippedLast: await skippedLast()
          });
        return decision ? applyDecision(ctx.out, run, decision, (s) => (later = s)) : run.plan;
      });
    },
    afterExport: async () => {
      if (rest && later.length) await deleteSuperseded(ctx.out, run, rest, later.splice(0));
    }
  };
}

/** The plan the second build runs with, from the decision (a new plan, the decision on it); logs it. */
function applyDecision(
  out: Runner,
  run: RunContext<Plan>,
  decision: WriteDecision,
  keepForLater: (s: Superseded[]) => void
): Plan {
  const { plan } = run;
  if (decision.write) {
    keepForLater(decision.deleteAfter);
    if (decision.warning) out.warning(echo(decision.warning, MAX_SENTENCE));
    return withNotes(plan, {
      decisions: [{ topic: 'write', outcome: 'yes', reason: decision.reason }],
      warnings: decision.warning ? [decision.warning] : []
    });
  }
  if (decision.outcome === 'nothing-new') {
    out.info(`Nothing to write: ${decision.reason}`);
    const noted = withNotes(plan, { decisions: [{ topic: 'write', outcome: 'nothing new', reason: decision.reason }] });
    return { ...noted, export: undefined };
  }
  const reason = `${decision.reason}; what it costs: ${('cost' in decision && decision.cost) || 'unknown'}`;
  const warning = `This build's cache is not written: ${reason}`;
  out.warning(echo(warning, MAX_SENTENCE));
  const noted = withNotes(plan, { decisions: [{ topic: 'write', outcome: 'skipped', reason }], warnings: [warning] });
  return { ...noted, export: undefined };
}

/** Lists the cache again, reads the live indexes, and decides; a make-room decision prunes first and decides again. */
async function decideAfterListing(
  ctx: StepContext,
  run: RunContext<Plan>,
  rest: CacheRest,
  build: { built: number; seconds: number; startedAt: number; skippedLast: boolean }
): Promise<WriteDecision | undefined> {
  const { state, plan } = run;
  const reading = state.reading!;
  const listed = await rest.listAll();
  const { out } = ctx;
  const reader = readerFor(ctx, run.rt);
  if (!listed.ok || !reader) {
    out.info(
      `The cache could not be listed after the build (${listed.ok ? 'no index reader' : echo(listed.message)}); it is written as planned`
    );
    return undefined;
  }
  const refs = readableRefs(run.rt);
  const now = ctx.clock.now();
  const read = await readLiveIndexes(reader, listed.value.entries, { readableRefs: refs, now });
  const contents = new Map(
    [...read.liveIndexes].map(([id, digests]) => [id, { digests, final: read.finalLayers.get(id) ?? digests }])
  );
  const heldSince = heldBackSince({ entries: read.entries, readableRefs: refs, now });
  const generation: Generation = generationAfterBuild(
    read.entries,
    { contents, scope: plan.scope, readableRefs: refs },
    { buildStartedAt: build.startedAt, heldSince, now }
  );
  const usageBytes = read.entries.reduce((s, e) => s + e.size, 0);
  out.info(
    generation.ref
      ? `The build ran ${build.built} step${build.built === 1 ? '' : 's'}; of the previous generation on ${echo(generation.ref)} it did not use ${formatSize(generation.rebuiltBytes)}, of which ${formatSize(generation.superseded.reduce((s, x) => s + x.bytes, 0))} nothing else needs`
      : `The build ran ${build.built} step${build.built === 1 ? '' : 's'}; this scope has no previous generation on a readable ref`
  );
  const facts = writeFacts(run, {
    builtSteps: build.built,
    seconds: build.seconds,
    generation,
    usageBytes,
    skippedLast: build.skippedLast
  });
  let decision = decideWrite(facts);
  if (decision.outcome === 'make-room') {
    out.info(decision.reason);
    await deleteSuperseded(out, run, rest, decision.deleteBefore);
    // The prune plans on the listing just read, not the one from before the build.
    reading.listing = listed.value;
    const outcome = await pruneAt(ctx, run, 'before', decision.usageTargetBytes / reading.budget.bytes);
    const usage = outcome?.usageAfterBytes ?? usageBytes - decision.deleteBefore.reduce((s, x) => s + x.bytes, 0);
    decision = decideWrite({ ...facts, superseded: [], usageBytes: usage, roomMade: true });
  } else if (decision.write && decision.deleteBefore.length)
    await deleteSuperseded(out, run, rest, decision.deleteBefore);
  return decision;
}

/** Deletes superseded layers (a few, paced as the prune paces them) and records them with the run's prunes. */
async function deleteSuperseded(
  out: Runner,
  run: RunContext<Plan>,
  rest: CacheRest,
  entries: readonly Superseded[]
): Promise<void> {
  if (!entries.length) return;
  const deletions: Deletion[] = entries.map((s) => ({
    ...s,
    reason: 'superseded-layer',
    detail: 'a layer of a step this build rebuilt; its new index will not name it'
  }));
  const calls = rest.calls;
  const done = await runDeletes(deletions, (d) => rest.deleteById(d.id), {
    timeBudgetMs: POLICIES.deletes.stepBudgetMs
  });
  const bytes = (xs: readonly Deletion[]) => xs.reduce((s, d) => s + d.bytes, 0);
  const last = run.state.prunes[run.state.prunes.length - 1];
  const usageBytes = last?.usageAfterBytes ?? run.state.reading?.usageBytes;
  const outcome: PruneOutcome = {
    dryRun: false,
    deleted: done.deleted,
    gone: done.gone,
    notDeleted: done.notDeleted,
    prunedEntries: done.deleted.length,
    prunedBytes: bytes(done.deleted),
    ...(usageBytes !== undefined
      ? { usageBytes, usageAfterBytes: usageBytes - bytes(done.deleted) - bytes(done.gone) }
      : {}),
    restCalls: rest.calls - calls,
    indexCalls: 0,
    planMs: 0,
    warnings: [],
    decisions: [
      {
        topic: 'prune',
        outcome: `${done.deleted.length} deleted`,
        reason: `${formatSize(bytes(done.deleted))} of the previous generation's layers this build replaced${done.notDeleted.length ? `; ${done.notDeleted.length} left for the prune (${done.stop ?? 'not deleted'})` : ''}`
      }
    ]
  };
  run.state.prunes.push(outcome);
  out.info(
    `Deleted ${done.deleted.length} superseded layer${done.deleted.length === 1 ? '' : 's'} (${formatSize(bytes(done.deleted))})${done.gone.length ? `, ${done.gone.length} already gone` : ''}`
  );
}

/** What the attempts of one `envd build` gave (steps/attempts.ts runAttempts). */
export interface PhaseResult {
  attempt: { figures: ProgressFigures; failure?: unknown };
  retried?: string;
  /** A cache import or layer pull stalled: the service did not answer, and nothing was exported to it. */
  stalled?: boolean;
}

/**
 * The build in two phases when a gate is given and the plan exports: with the import only, then (if the gate
 * says so) again with the export. The steps are the first build's (the second finds every one cached); the
 * exports the second's. Without a gate: one build, as planned.
 */
export async function inPhases<R extends PhaseResult>(
  ctx: Pick<StepContext, 'out' | 'clock'>,
  plan: Plan,
  gate: WriteGate | undefined,
  run: (p: Plan) => Promise<R>
): Promise<R & { plan: Plan }> {
  const written = (r: R, p: Plan) => ({ ...r, plan: r.stalled ? { ...p, export: undefined } : p });
  if (!gate || !plan.export) return written(await run(plan), plan);
  const startedAt = ctx.clock.now();
  const first = await run({ ...plan, export: undefined });
  if (first.attempt.failure) return { ...first, plan };
  // The cache did not answer the import: the second build would import (and export) through it again.
  if (first.stalled) return written(first, plan);
  const next = await gate(first.attempt.figures, startedAt, first.retried !== undefined);
  if (!next.export) return { ...first, plan: next };
  ctx.out.info('Writing the cache: the same build again, every step cached, with the export');
  const second = await run(next);
  const figures = {
    ...first.attempt.figures,
    exports: second.attempt.figures.exports,
    ...(second.attempt.failure
      ? { stepError: second.attempt.figures.stepError, failedLog: second.attempt.figures.failedLog }
      : {})
  };
  return { ...second, attempt: { ...second.attempt, figures }, retried: first.retried ?? second.retried, plan: next };
}
