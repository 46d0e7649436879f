/**
 * The attempts of `envd build` (issue 21): the first with the import; after a stalled import, a stalled pull of a
 * cached layer or an evicted layer once more without it; after an unreadable cached layer once more with it, then once without it. A cache
 * export that stalled after the output was written ends the build as a success that wrote no cache. What comes
 * next is the core's decision (`envd/watchdog.ts`); this runs the attempts and says why in one warning each.
 */
import type { Runner } from '../io/runner.js';
import type { ProgressFigures } from '../envd/progress.js';
import {
  type AttemptRecord,
  type CacheStall,
  nextAttempt,
  type NextAttempt,
  type Outcome,
  waitText
} from '../envd/watchdog.js';
import type { Plan } from '../plan/plan.js';
import type { BuildReport } from '../report/build-report.js';
import { echo, MAX_SENTENCE } from '../text/text.js';

/** One `envd build` as `runOnce` (steps/build.ts) reports it. */
export interface Attempt {
  figures: ProgressFigures;
  failure: BuildReport['failure'];
  outcome: Outcome;
}

/**
 * `fresh`: called before the attempt after a stalled import or layer pull. A real BuildKit v0.32.2 whose stalled
 * gha import was cancelled runs no further build (any solve on it prints nothing and waits, measured with
 * `npm run bench:faults`): the caller restarts a buildkitd it started itself.
 */
export async function runAttempts(
  out: Runner,
  plan: Plan,
  once: (withImport: boolean, withExport: boolean) => Promise<Attempt>,
  fresh?: () => Promise<void>
): Promise<{ attempt: Attempt; retried?: string; stalled?: boolean }> {
  const tried: AttemptRecord[] = [];
  let withImport = true;
  // After a stalled import or layer pull the service is taken as silent: the export is left out too, so a job
  // costs the build plus one cache-timeout, not a second one waiting on the export (bench:faults, issue 21).
  let stalled = false;
  let retried: string | undefined;
  for (;;) {
    const attempt = await once(withImport, !stalled);
    tried.push({ withImport, outcome: attempt.outcome });
    if (attempt.outcome.kind === 'stalled' && attempt.outcome.stall.kind === 'export')
      return { attempt: exportAbandoned(attempt, attempt.outcome.stall, plan), retried, stalled };
    const next = nextAttempt(tried, !!plan.import);
    if (!next) return { attempt, retried, stalled };
    const why = warnRetry(out, next, attempt.outcome, plan);
    if (!next.withImport) retried = why;
    if (attempt.outcome.kind === 'stalled') {
      stalled = true;
      await fresh?.();
    }
    withImport = next.withImport;
  }
}

/** What a retry after a stall does with the export: nothing is written to a service that did not answer. */
function afterStall(plan: Plan): string {
  return plan.export
    ? 'the export is left out too: the service did not answer, so writing to it would wait again, and the cache it holds stays as it is'
    : 'nothing is written this run';
}

/** The one warning before the next attempt; returns the reason in a few words (the summary's Retry row). */
function warnRetry(out: Runner, next: NextAttempt, outcome: Outcome, plan: Plan): string {
  const backend = plan.import?.type ?? 'the cache';
  if (outcome.kind === 'stalled' && outcome.stall.kind === 'layer') {
    const wait = waitText(outcome.stall.waitedMs);
    const layer = `${outcome.stall.layer ?? ''} for ${outcome.stall.vertex}`;
    out.warning(
      `A layer of the ${echo(backend)} cache showed no progress for ${wait} (${echo(layer, MAX_SENTENCE)}, cache-timeout). envd was stopped; the build runs again without --import-cache; ${afterStall(plan)}.`,
      { title: 'Cached layer pull stalled: building without the cache' }
    );
    return `a ${backend} cache layer showed no progress for ${wait}`;
  }
  if (outcome.kind === 'stalled') {
    const wait = waitText(outcome.stall.waitedMs);
    out.warning(
      `The cache import from ${echo(backend)} showed no progress for ${wait} (${echo(outcome.stall.vertex, MAX_SENTENCE)}, cache-timeout). envd was stopped; the build runs again without --import-cache; ${afterStall(plan)}.`,
      { title: `Cache import stalled: building without it` }
    );
    return `the ${backend} import showed no progress for ${wait}`;
  }
  const line = outcome.kind === 'failed' ? outcome.line : '';
  if (next.why === 'evicted-blob') {
    out.warning(
      `The build failed on a cached layer that is gone (${echo(line, MAX_SENTENCE)}). Retrying once without --import-cache; the export still refreshes the cache.`,
      { title: 'Evicted cache layer: retrying without the import' }
    );
  } else if (next.withImport) {
    out.warning(
      `A layer of the ${echo(backend)} cache could not be read (${echo(line, MAX_SENTENCE)}). Retrying once with the same import: this is usually a passing fault of the service or the network.`,
      { title: 'Unreadable cache layer: retrying' }
    );
  } else {
    out.warning(
      `A layer of the ${echo(backend)} cache could not be read again (${echo(line, MAX_SENTENCE)}). Retrying once without --import-cache; the export still refreshes the cache.`,
      { title: 'Unreadable cache layer: retrying without the import' }
    );
  }
  return line;
}

/**
 * The output was written and only the cache export hung: the build succeeded. The stalled exporter is marked
 * failed in the figures, so the step warns once that the cache was not written and pruning (which needs a
 * written export) is skipped.
 */
function exportAbandoned(attempt: Attempt, stall: CacheStall, plan: Plan): Attempt {
  const wait = waitText(stall.waitedMs);
  const error = `no progress for ${wait} after the build's output was written (cache-timeout); envd was stopped: the build succeeded, but the ${plan.export?.type ?? ''} cache was not written this run`;
  const exports = attempt.figures.exports.map((e) =>
    e.name === stall.vertex || (!e.done && !e.error) ? { ...e, error } : e
  );
  if (!exports.some((e) => e.error === error)) exports.push({ name: stall.vertex, error, done: false });
  return { ...attempt, figures: { ...attempt.figures, exports }, failure: undefined };
}
