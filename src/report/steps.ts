/**
 * Build insight from the progress figures and the plan: the step table, where the cache broke and what the
 * action can know about why, and the failing step's own log. Pure: figures + plan in, rows and texts out.
 *
 * What each BuildKit importer prints when there is no cache yet (v0.32.2):
 * - registry (and inline, and cache: local, which the action serves as a registry): the import vertex ends
 *   `ERROR: … <ref>: not found` — the resolver's 404 (vendor/github.com/containerd/containerd/v2/core/remotes/
 *   docker/resolver.go:337,458; errdefs' ErrNotFound reads "not found", vendor/github.com/containerd/errdefs/
 *   errors.go:120), returned by registry.go:121-123 and wrapped `failed to configure registry cache importer`
 *   (solver/llbsolver/bridge.go:123-125).
 * - gha: a missing index is an empty cache, no error (cache/remotecache/gha/gha.go:488-494); s3 likewise
 *   (cache/remotecache/s3/s3.go:389-397, 503-505). There the import vertex ends `DONE`, and only the plan's
 *   existence check (registry/S3 candidates) can tell "no cache yet" from "nothing matched".
 * - Any import failure is soft: the importer counts as empty and the build runs on (bridge.go:114-131).
 */
import type { ProgressFigures, StepFigure, StepStatus } from '../envd/progress.js';
import { backendOf, backendOfType } from '../backends/index.js';
import type { Plan } from '../plan/plan.js';
import { redactKnown, redactText } from '../cache/redact.js';
import { echo, MAX_ECHO } from '../text/text.js';

export interface StepRow {
  name: string;
  status: StepStatus;
  seconds: number;
  /** Stopped because another step failed. */
  canceled?: boolean;
}

export type BreakKind = 'no-cache' | 'import-failed' | 'inputs-changed' | 'not-imported' | 'no-match' | 'layer-gone';

export interface CacheBreak {
  /** Index into the rows. */
  index: number;
  kind: BreakKind;
  /** Why, in plain words (may quote an error or a decision). */
  reason: string;
}

export interface StepInsight {
  rows: StepRow[];
  broke?: CacheBreak;
}

export interface InsightContext {
  plan: Plan;
  /** Set when the figures come from the retry without --import-cache. */
  retriedWithoutImport?: string;
}

/** Rows beyond this many are collapsed in the summary. */
export const MAX_OPEN_ROWS = 15;
/** The most log lines the summary quotes, and the annotation. */
const SUMMARY_LOG_LINES = 30;
const ANNOTATION_LOG_LINES = 10;
/** The most characters of one quoted log line. */
const MAX_LOG_LINE = 500;

const isSource = (s: StepFigure) => s.source;
/** A blob of the chain missing when the cache record is loaded (worker/base/worker.go:641-653, v0.32.2). */
const GONE = /^blob sha256:[0-9a-f]{64}: not found$/;
const GONE_WHY = ': a layer it needs is gone from the cache (evicted or deleted)';

export function stepInsight(figures: Pick<ProgressFigures, 'steps' | 'imports'>, ctx: InsightContext): StepInsight {
  // Figures recorded before steps were kept (a report from an older state) have none: no table then.
  const steps: StepFigure[] = (figures.steps as StepFigure[] | undefined) ?? [];
  const rows: StepRow[] = steps.map((s) => ({
    name: s.name,
    status: s.status,
    seconds: s.seconds,
    ...(s.canceled ? { canceled: true } : {})
  }));
  // The first step that was not served from a cache, leaving out base images pulled from their registry
  // (they are fetched, never cached as steps) and steps canceled because another one failed.
  const index = steps.findIndex((s) => !isSource(s) && s.status !== 'cached' && !s.canceled);
  if (index < 0) return { rows };
  const hitBefore = steps.slice(0, index).some((s) => !isSource(s) && s.status === 'cached');
  const { loadError } = steps[index];
  // BuildKit found the step in the cache but could not load it (progress.ts): that, not its inputs, broke it.
  if (loadError && !ctx.retriedWithoutImport)
    return {
      rows,
      broke: {
        index,
        kind: 'layer-gone',
        reason: `its cached result could not be loaded (${loadError})${GONE.test(loadError) ? GONE_WHY : ''}, so BuildKit ran the step again`
      }
    };
  return { rows, broke: { index, ...why(figures, ctx, hitBefore) } };
}

function why(
  figures: Pick<ProgressFigures, 'imports'>,
  { plan, retriedWithoutImport }: InsightContext,
  hitBefore: boolean
): Omit<CacheBreak, 'index'> {
  if (retriedWithoutImport)
    return {
      kind: 'not-imported',
      reason: `this run did not import: the build ran again without --import-cache after a cached layer was gone (${retriedWithoutImport})`
    };
  if (!plan.import) {
    if (backendOf(plan.backend).store === 'nowhere')
      return { kind: 'not-imported', reason: `this run did not import: cache is ${plan.backend}` };
    if (plan.local)
      return { kind: 'no-cache', reason: `no cache for this scope yet: no local cache was restored for ${plan.scope}` };
    const skipped = plan.decisions.find((d) => d.topic === 'import' && d.outcome === 'skipped');
    return { kind: 'not-imported', reason: `this run did not import${skipped ? `: ${skipped.reason}` : ' a cache'}` };
  }
  const failed = (figures.imports as ProgressFigures['imports'] | undefined)?.find((i) => i.error);
  if (failed) {
    if (/\bnot found$/i.test(failed.error ?? ''))
      return {
        kind: 'no-cache',
        reason: `no cache for this scope yet: the import found no cache manifest (${failed.error})`
      };
    return { kind: 'import-failed', reason: `the import failed, so the build ran without that cache: ${failed.error}` };
  }
  if (hitBefore)
    return {
      kind: 'inputs-changed',
      reason:
        "the step's inputs changed since the cache was written: the steps before it came from the cache, this one did not"
    };
  const entry = plan.decisions.find((d) => d.topic === 'import entry');
  if (entry && /^no cache exists yet/.test(entry.reason))
    return { kind: 'no-cache', reason: `no cache for this scope yet: ${entry.reason}` };
  // An importer that fails on a missing entry found one when it ended clean; not so for a value read back through
  // it (inline: the output image exists whether or not it carries a cache) or the local cache the action serves.
  if (backendOfType(plan.import.type)?.importReportsMissing && !backendOf(plan.backend).readBack && !plan.local)
    return {
      kind: 'inputs-changed',
      reason:
        "the step's inputs changed since the cache was written: the import found the cache manifest, but no step matched it from this one on"
    };
  return {
    kind: 'no-match',
    reason: `no step matched the imported cache from this one on: either no cache exists yet for scope ${plan.scope} (BuildKit reads a missing ${plan.import.type} cache as empty, without an error), or it was written from other inputs`
  };
}

/** The `steps` output: `[{"name","status","seconds"}]`, names without secrets, one line, capped. */
export function stepsJson(rows: StepRow[], secrets: Iterable<string>): string {
  const list = [...secrets];
  return JSON.stringify(
    rows.map((r) => ({ name: echo(redactKnown(r.name, list), MAX_ECHO), status: r.status, seconds: r.seconds }))
  );
}

export interface FailureLog {
  /** `step`: the failing step's own log lines; `stderr`: envd's error output. */
  from: 'step' | 'stderr';
  /** The failing step's name, for `step`. */
  step?: string;
  lines: string[];
}

/**
 * What to quote of a failure: the failing step's last lines when it printed any, else the last non-empty
 * lines of envd's stderr (envd refusing a flag, buildkitd not answering). Of stderr, envd's closing
 * `level=fatal msg=exit … error="…"` line is left out (its error is the failure line itself, shown above
 * the log; envd v1.3.4 pkg/app/app.go:160-166), and so is `level=error msg="Buildkit error: …"`, the same
 * error logged once more with `%+v` before it is returned (pkg/builder/build.go:270-272). logrus' `time="…" `
 * prefix is dropped.
 */
export function failureLog(figures: Pick<ProgressFigures, 'failedLog'>, stderr: string): FailureLog | undefined {
  const own = figures.failedLog;
  if (own && own.lines.some((l) => l.trim() !== ''))
    return { from: 'step', step: own.step, lines: own.lines.slice(-SUMMARY_LOG_LINES) };
  const lines = stderr
    .split(/\r?\n/)
    .map((l) => l.trimEnd().replace(/^time="[^"]*" /, ''))
    .filter((l) => l.trim() !== '' && !/^level=fatal msg=exit\b|^level=error msg="Buildkit error: /.test(l));
  return lines.length ? { from: 'stderr', lines: lines.slice(-SUMMARY_LOG_LINES) } : undefined;
}

/** One log line as quoted: credential-shaped values replaced by ***, one line, controls visible, capped. */
const logLine = (l: string) => echo(redactText(l), MAX_LOG_LINE);

/**
 * A fenced code block that no line of the log can close: the fence is one backtick longer than the longest
 * run of backticks in the text (CommonMark: a closing fence is at least as long as the opening one).
 */
export function codeBlock(lines: string[]): string[] {
  const quoted = lines.map(logLine);
  const longest = Math.max(0, ...quoted.map((l) => Math.max(0, ...(l.match(/`+/g) ?? []).map((r) => r.length))));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return [`${fence}text`, ...quoted, fence];
}

/** The error annotation: the error line, the advice, and the last lines of the log (at most ANNOTATION_LOG_LINES). */
export function annotationText({ line, advice, log }: { line: string; advice?: string; log?: FailureLog }): string {
  const parts = [line];
  if (advice) parts.push(advice);
  if (log) {
    const tail = log.lines.filter((l) => l.trim() !== '').slice(-ANNOTATION_LOG_LINES);
    parts.push(
      log.from === 'step' ? `Last lines of ${echo(log.step ?? 'the step')}:` : "Last lines of envd's error output:",
      ...tail.map((l) => `  ${logLine(l)}`)
    );
  }
  return parts.join('\n');
}
