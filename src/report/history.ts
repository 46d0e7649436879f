/**
 * The hit-ratio history of one scope: the last runs' cached/total steps, kept in one small GitHub cache entry
 * per write (entries are immutable: `envd-history-<scope>#<run id>-<attempt>`, the newest restored by the prefix
 * `envd-history-<scope>#`; `#` cannot occur in a scope, so no scope's prefix matches another's), and drawn in the job summary as a sparkline with the figures. Pure: parse (what
 * comes back from the cache is checked, never trusted), record, serialize, render.
 */
import { backendOf } from '../backends/index.js';
import type { Plan } from '../plan/plan.js';
import type { Runtime } from '../runtime/runtime.js';
import { code, echo, MAX_SENTENCE } from '../text/text.js';

/** How many runs the history keeps. */
export const HISTORY_RUNS = 20;
/** The file inside the entry (the @actions/cache fallback on cache service v1, which stores a tar of it). */
export const HISTORY_FILE = 'history.json';
/**
 * The cache version of every history entry written through the cache service v2 (io/github/cache-service.ts):
 * sha256 of the fixed string `envd-cache-action|hit-ratio-history|json-1`, hex, as the service expects an
 * opaque hash. The entry holds the JSON document itself (no tar, no compression). It cannot collide with
 * BuildKit's version (sha256 of `|go-actionscache-1.0`) nor with @actions/cache's (sha256 of the paths, the
 * compression method and the cross-OS flag joined by `|`): a lookup in this version finds only our own entries.
 */
export const HISTORY_CACHE_VERSION = '5d9b6adabf622251e9e8b1dc617634f2be6a4c513d9802c202859c0f2f714313';

export interface HistoryRun {
  /** GITHUB_RUN_ID. */
  run: string;
  /** GITHUB_RUN_ATTEMPT. */
  attempt: number;
  cached: number;
  total: number;
  /** The build's seconds, one decimal. */
  seconds: number;
  /** Its cache write was skipped for room (issue 20: the next run of the scope does not skip). */
  skipped?: true;
}

/** The run's cache write was skipped for room (the decision steps/write.ts records). */
export const writeSkipped = (plan: Pick<Plan, 'decisions'>) =>
  plan.decisions.some((d) => d.topic === 'write' && d.outcome === 'skipped');

/** What the summary shows: the runs oldest first (this one last), and what happened to the entry. */
export interface HistoryView {
  scope: string;
  runs: HistoryRun[];
  /** This run's record (marked in the table). */
  current?: HistoryRun;
  /** Said under the sparkline: saved as …, not saved because …, no earlier history because …. */
  notes: string[];
}

const RUN_ID = /^\d{1,20}$/;
const FORMAT = 1;
/** A stored history larger than this is not read (a few runs' figures take well under 2 KB). */
const MAX_HISTORY_BYTES = 8192;

const count = (v: unknown, max = 100_000): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;

function validRun(v: unknown): HistoryRun | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const r = v as Record<string, unknown>;
  if (typeof r.run !== 'string' || !RUN_ID.test(r.run)) return undefined;
  if (!count(r.attempt, 1000) || r.attempt < 1 || !count(r.cached) || !count(r.total) || r.cached > r.total)
    return undefined;
  if (typeof r.seconds !== 'number' || !Number.isFinite(r.seconds) || r.seconds < 0 || r.seconds > 1e7)
    return undefined;
  if (r.skipped !== undefined && r.skipped !== true) return undefined;
  return {
    run: r.run,
    attempt: r.attempt,
    cached: r.cached,
    total: r.total,
    seconds: Math.round(r.seconds * 10) / 10,
    ...(r.skipped ? { skipped: true as const } : {})
  };
}

/**
 * The runs of a stored history, oldest first. The entry may have been written by another version, a broken run
 * or a hostile branch of the same scope: anything that is not exactly the expected shape is dropped, with the reason.
 */
export function parseHistory(text: string, scope: string): { runs: HistoryRun[]; problem?: string } {
  if (text.length > MAX_HISTORY_BYTES)
    return {
      runs: [],
      problem: `the stored history is ${text.length} bytes, more than ${MAX_HISTORY_BYTES}; starting afresh`
    };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { runs: [], problem: 'the stored history is not JSON; starting afresh' };
  }
  const d = data as { format?: unknown; scope?: unknown; runs?: unknown } | null;
  if (!d || typeof d !== 'object' || d.format !== FORMAT || !Array.isArray(d.runs))
    return { runs: [], problem: 'the stored history is not in a format this version reads; starting afresh' };
  if (d.scope !== scope)
    return {
      runs: [],
      problem: `the stored history belongs to another scope (${echo(String(d.scope), 80)}); starting afresh`
    };
  const runs = d.runs.map(validRun);
  const kept = runs.filter((r): r is HistoryRun => r !== undefined).slice(-HISTORY_RUNS);
  const dropped = runs.length - runs.filter((r) => r).length;
  return dropped
    ? {
        runs: kept,
        problem: `${dropped} malformed run${dropped > 1 ? 's' : ''} in the stored history ${dropped > 1 ? 'were' : 'was'} dropped`
      }
    : { runs: kept };
}

/** A stored entry's runs, with the notes and warnings to show about it. */
export interface EntryRead {
  runs: HistoryRun[];
  notes: string[];
  warnings: string[];
}

/**
 * What a stored entry gives: one larger than MAX_HISTORY_BYTES (counted in bytes, as stored) is not parsed at all;
 * any other is parsed, and what was wrong with it is a warning.
 */
export function entryRuns(entry: { key: string; text: string }, scope: string): EntryRead {
  if (Buffer.byteLength(entry.text) > MAX_HISTORY_BYTES)
    return {
      runs: [],
      notes: [`The entry ${echo(entry.key)} is larger than ${MAX_HISTORY_BYTES} bytes; starting afresh`],
      warnings: []
    };
  const parsed = parseHistory(entry.text, scope);
  return {
    runs: parsed.runs,
    notes: [`Read from ${echo(entry.key)}`],
    warnings: parsed.problem ? [`Hit-ratio history: ${parsed.problem}`] : []
  };
}

/** Adds this run (replacing an earlier record of the same run and attempt) and keeps the newest HISTORY_RUNS. */
export function recordRun(runs: HistoryRun[], run: HistoryRun): HistoryRun[] {
  const rest = runs.filter((r) => !(r.run === run.run && r.attempt === run.attempt));
  return [...rest, { ...run, seconds: Math.round(run.seconds * 10) / 10 }].slice(-HISTORY_RUNS);
}

export function serializeHistory(scope: string, runs: HistoryRun[]): string {
  return JSON.stringify({ format: FORMAT, scope, runs: runs.slice(-HISTORY_RUNS) });
}

const BLOCKS = '▁▂▃▄▅▆▇█';

/** The cached share of a run, 0..1; undefined when it had no steps. */
const ratioOf = (r: HistoryRun) => (r.total > 0 ? r.cached / r.total : undefined);

/** One character per run, oldest first: ▁ nothing cached … █ everything cached; · a run without steps. */
export function sparkline(runs: HistoryRun[]): string {
  return runs
    .map((r) => {
      const ratio = ratioOf(r);
      return ratio === undefined ? '·' : BLOCKS[Math.round(ratio * (BLOCKS.length - 1))];
    })
    .join('');
}

const pct = (r: HistoryRun) => {
  const ratio = ratioOf(r);
  return ratio === undefined ? '–' : `${Math.round(ratio * 100)}%`;
};

/** The summary section. Empty when there is no run to show. */
export function historyMarkdown(view: HistoryView | undefined): string {
  if (!view || !view.runs.length) return '';
  const runs = view.runs.slice(-HISTORY_RUNS);
  const lines = [`### Hit-ratio history (scope ${code(view.scope)})`, ''];
  const last = runs[runs.length - 1];
  lines.push(
    `\`${sparkline(runs)}\` the last ${runs.length} run${runs.length > 1 ? 's' : ''}, oldest first; the newest ${pct(last)} (${last.cached} of ${last.total} steps cached)`,
    ''
  );
  for (const n of view.notes) lines.push(`- ${echo(n, MAX_SENTENCE)}`);
  if (view.notes.length) lines.push('');
  lines.push('<details><summary>Figures</summary>', '', '| Run | Cached | Ratio | Seconds |', '|---|---|---|---|');
  for (const r of [...runs].reverse()) {
    const mark = view.current && r.run === view.current.run && r.attempt === view.current.attempt ? ' (this run)' : '';
    lines.push(
      `| ${r.run}${r.attempt > 1 ? ` attempt ${r.attempt}` : ''}${mark} | ${r.cached} of ${r.total} | ${pct(r)} | ${r.seconds.toFixed(1)} |`
    );
  }
  lines.push('', '</details>', '');
  return lines.join('\n');
}

/** Whether this run reads and writes the history, and why not. */
export interface HistoryAccess {
  read: boolean;
  write: boolean;
  /** Why it is not read (then nothing is written either). */
  noRead?: string;
  /** Why it is not written. */
  noWrite?: string;
}

/**
 * The history follows the cache's own rules: it is read where the GitHub cache may be read, and written only by
 * a run that wrote its cache (an export planned and not failed: the same trust rules, untrusted triggers and
 * forks never write) and whose runtime token has a writable ref, once per run attempt.
 */
export function historyAccess(
  plan: Pick<Plan, 'backend' | 'export'> & Partial<Pick<Plan, 'decisions'>>,
  rt: Pick<Runtime, 'runId' | 'cacheService'>,
  exportFailed: boolean
): HistoryAccess {
  const svc = rt.cacheService;
  const noRead =
    backendOf(plan.backend).store === 'nowhere'
      ? `cache: ${plan.backend} keeps no cache`
      : !svc.token || !(svc.v2 ? svc.resultsUrl : svc.cacheUrl)
        ? 'the GitHub cache service is not available to this run'
        : svc.mode === 'none' || svc.mode === 'write-only'
          ? `ACTIONS_CACHE_MODE is ${svc.mode}`
          : undefined;
  if (noRead) return { read: false, write: false, noRead, noWrite: noRead };
  // A write skipped for room is still recorded: the scope's next run must not skip again.
  const noWrite =
    !plan.export && !(plan.decisions && writeSkipped({ decisions: plan.decisions }))
      ? 'this run does not write the cache'
      : exportFailed
        ? 'the cache export failed'
        : svc.mode === 'read'
          ? 'ACTIONS_CACHE_MODE is read'
          : !svc.decoded?.refs.some((r) => r.write)
            ? 'the runtime token has no writable ref'
            : !RUN_ID.test(rt.runId)
              ? 'GITHUB_RUN_ID is not set'
              : undefined;
  return noWrite ? { read: true, write: false, noWrite } : { read: true, write: true };
}
