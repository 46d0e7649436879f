/**
 * After a successful build: read the image's digest or ID, and add this run to the scope's hit-ratio history.
 * Neither ever fails the build: what cannot be done is a warning (a push whose digest is unknown, a history
 * that could not be read or saved) or a debug line (no Docker to ask).
 */
import * as path from 'node:path';
import { envdTag } from '../envd/args.js';
import type { Inputs } from '../inputs/inputs.js';
import type { Plan } from '../plan/plan.js';
import { historyAccess, type HistoryView, writeSkipped } from '../report/history.js';
import { type ImageFacts, imageTarget } from '../report/image.js';
import { echo, MAX_SENTENCE } from '../text/text.js';
import type { Runtime } from '../runtime/runtime.js';
import { beginHistory, type HistoryUpdate, lastRun, usesOwnClient } from '../io/history.js';
import { type ImageReading, readImage } from '../io/image.js';
import type { Runner } from '../io/runner.js';
import type { StepContext } from './context.js';
import type { BuildReport } from './build.js';
import { workspaceOf } from '../io/dirs.js';

/** What the summary and the outputs show beyond the build's own figures. */
export interface Insight {
  image?: ImageFacts;
  history?: HistoryView;
}

/**
 * Starts what `startInsight` will need (kept in the context's `histories`, by scope), to be called as the
 * build starts, and only when the history will be read.
 * On the cache service v2 the history's read (one lookup, one download through the action's own client; it does
 * not depend on the build) goes out now, so after the build only the write is left; nothing is loaded for it.
 * Where only v1 is offered (GHES), its fallback client (@actions/cache with the Azure SDK, the largest chunk of
 * the bundle, a few hundred ms to evaluate) is loaded now instead, while main waits on buildkitd and envd; its
 * read waits for the build (it writes under the temp directory, which a failed build would leave behind).
 * Never rejects: a failure here is left to `reportInsight` to report.
 */
export function readHistoryEarly(
  { histories }: Pick<StepContext, 'histories'>,
  plan: Pick<Plan, 'backend' | 'export' | 'scope'>,
  rt: Runtime
): Promise<unknown> | undefined {
  const access = historyAccess(plan, rt, false);
  if (!access.read) return undefined;
  if (!usesOwnClient(rt.cacheService)) return import('@actions/cache').catch(() => undefined);
  const handle = beginHistory({ scope: plan.scope, access, service: rt.cacheService });
  histories.set(plan.scope, handle);
  return handle.read;
}

/**
 * Whether the last run this scope's history holds skipped its cache write (issue 20: no scope skips twice in a
 * row). False when no history was begun for the scope or it holds no run.
 */
export async function lastWriteSkipped({ histories }: Pick<StepContext, 'histories'>, scope: string): Promise<boolean> {
  const handle = histories.get(scope);
  return handle ? (await lastRun(handle))?.skipped === true : false;
}

/** What `startInsight` started: the image read and the history's update, under way; nothing logged yet. */
export interface InsightUnderWay {
  reading: Promise<ImageReading>;
  /** Why no history is kept (nothing is read or written), or the update under way (or to start, for v1). */
  history: { noRead: string } | { update: () => Promise<HistoryUpdate> };
}

/**
 * After a successful build, what does not depend on the prune after it starts at once, so that both run
 * together: the image's digest or ID (a registry read, or `docker image inspect`) and, on the cache service
 * v2, the history's write (its own client, which logs nothing). The v1 fallback (@actions/cache) writes lines of
 * its own, so its update starts only in `reportInsight`, inside the history's group. Never rejects.
 */
export function startInsight(ctx: StepContext, result: BuildReport, inputs: Inputs, rt: Runtime): InsightUnderWay {
  const { env, histories } = ctx;
  const plan = result.plan;
  const workspace = workspaceOf(env);
  // The tag the action gave envd (envd/args.ts): the name of the image a default output loads into Docker.
  const tag = envdTag(plan.envd.output, path.basename(path.resolve(workspace, plan.envd.path)));
  const reading = readImage(imageTarget(inputs.output, tag, plan.envd.platform), {
    env,
    mask: (secret) => ctx.out.setSecret(secret)
  });
  reading.catch(() => undefined); // its error is thrown where reportInsight awaits it, not unhandled meanwhile
  const exportFailed = result.figures.exports.some((e) => e.error);
  const attempt = Number(env.GITHUB_RUN_ATTEMPT);
  const run = {
    run: rt.runId,
    attempt: Number.isInteger(attempt) && attempt >= 1 && attempt <= 1000 ? attempt : 1,
    cached: result.figures.cachedSteps,
    total: result.figures.totalSteps,
    seconds: result.seconds,
    ...(writeSkipped(plan) ? { skipped: true as const } : {})
  };
  const access = historyAccess(plan, rt, exportFailed);
  // No cache to read (cache: none, no cache service, a mode without reads): one line in the log, no section.
  if (!access.read) return { reading, history: { noRead: access.noRead ?? '' } };
  const start = () => {
    const handle = histories.get(plan.scope) ?? beginHistory({ scope: plan.scope, access, service: rt.cacheService });
    histories.delete(plan.scope);
    return ctx.deadlines.withinPhase('history', () => handle.finish(run, access));
  };
  if (!usesOwnClient(rt.cacheService)) return { reading, history: { update: start } };
  const update = start();
  update.catch(() => undefined); // never rejects (beginHistory); awaited in reportInsight
  return { reading, history: { update: () => update } };
}

/** Logs what `startInsight` found, in the order and groups of a step that did it all here. */
export async function reportInsight(out: Runner, after: InsightUnderWay): Promise<Insight> {
  const reading = await after.reading;
  if (reading.warning) out.warning(echo(reading.warning, MAX_SENTENCE), { title: 'Image digest not read' });
  if (reading.debug) out.debug(echo(reading.debug, MAX_SENTENCE));
  if (reading.facts.digest) out.info(`Pushed ${echo(reading.facts.name ?? '')}: ${reading.facts.image}`);
  if (reading.facts.imageId)
    out.info(`Loaded into Docker as ${echo(reading.facts.name ?? '')}: ${reading.facts.imageId}`);
  const history = after.history;
  if ('noRead' in history) {
    out.info(`Hit-ratio history: none is kept (${echo(history.noRead, MAX_SENTENCE)})`);
    return { image: reading.facts };
  }
  const update = await out.group('Hit-ratio history', async () => {
    const u = await history.update();
    for (const n of u.view.notes) out.info(echo(n, MAX_SENTENCE));
    return u;
  });
  for (const w of update.warnings) out.warning(echo(w, MAX_SENTENCE));
  return { image: reading.facts, history: update.view };
}
