/**
 * The replay's figures per strategy, from its builds (each counted from BuildKit's progress, `progress.ts`) and the
 * cache's account (`ledger.ts`). Pure.
 */
import type { LedgerFigures } from './ledger.js';
import type { RunKind } from './schedule.js';

export interface BuildRecord {
  run: number;
  kind: RunKind;
  leg: string;
  /** main: requirements unchanged since this leg's previous push to main (not set on main's first push). */
  unchangedSincePrevious?: boolean;
  /** The first build of its pull request (pr-run). */
  firstOfPr?: boolean;
  /** pr-run: the run's cache lookups named an index key main's workflow wrote before (its scope is main's). */
  lookedUpMain?: boolean;
  total: number;
  cached: number;
  /** Steps marked ERROR (a missing layer), then run. */
  errored: number;
  /** The action's own `cached-steps` output, when it set one. */
  reportedCached?: number;
  /** main or post failed, or no build ran. */
  failed: boolean;
}

export interface StrategyFigures {
  builds: number;
  failed: number;
  cached: number;
  total: number;
  /** Steps served from the cache over every build. */
  ratio: number;
  peakOverBudget: number;
  evictionsBreaking: number;
  deletionsBreaking: number;
  /** Builds that met a missing layer (a step marked ERROR, then run). */
  onMissingLayer: number;
  /** main's pushes whose requirements did not change since that leg's previous push: share of steps restored. */
  unchangedMain: { builds: number; ratio: number };
  /**
   * The pull request workflow's first build of each pull request: how many looked up an index key main's workflow
   * wrote (the scopes match), and how many restored steps (all they can read besides their own ref is main's).
   */
  prImportsMain: { builds: number; lookedUp: number; restoring: number };
  /** The action's `cached-steps` outputs summed, beside the progress's count over the same builds. */
  reported: { builds: number; reported: number; counted: number };
}

const share = (cached: number, total: number) => (total === 0 ? 0 : cached / total);
const sum = (xs: readonly BuildRecord[], f: (b: BuildRecord) => number) => xs.reduce((s, b) => s + f(b), 0);

export function figuresOf(builds: readonly BuildRecord[], ledger: LedgerFigures, budgetBytes: number): StrategyFigures {
  const counted = builds.filter((b) => !b.failed);
  const cached = sum(counted, (b) => b.cached);
  const total = sum(counted, (b) => b.total);
  const unchanged = counted.filter((b) => b.kind === 'main-push' && b.unchangedSincePrevious === true);
  const prFirst = counted.filter((b) => b.kind === 'pr-run' && b.firstOfPr);
  const reporting = counted.filter((b) => b.reportedCached !== undefined);
  return {
    builds: builds.length,
    failed: builds.length - counted.length,
    cached,
    total,
    ratio: share(cached, total),
    peakOverBudget: ledger.peakBytes / budgetBytes,
    evictionsBreaking: ledger.evictionsBreaking,
    deletionsBreaking: ledger.deletionsBreaking,
    onMissingLayer: counted.filter((b) => b.errored > 0).length,
    unchangedMain: {
      builds: unchanged.length,
      ratio: share(
        sum(unchanged, (b) => b.cached),
        sum(unchanged, (b) => b.total)
      )
    },
    prImportsMain: {
      builds: prFirst.length,
      lookedUp: prFirst.filter((b) => b.lookedUpMain).length,
      restoring: prFirst.filter((b) => b.cached > 0).length
    },
    reported: {
      builds: reporting.length,
      reported: sum(reporting, (b) => b.reportedCached ?? 0),
      counted: sum(reporting, (b) => b.cached)
    }
  };
}

/**
 * `yes` when every first pull-request build looked up an index key main's workflow wrote, `no` when none did, else
 * `partly (k/n)`; then how many of them restored steps (a yes that restored nothing met an evicted index or layers).
 */
export function yesNo({ builds, lookedUp, restoring }: StrategyFigures['prImportsMain']): string {
  if (builds === 0) return '–';
  const answer = lookedUp === builds ? 'yes' : lookedUp === 0 ? 'no' : `partly (${lookedUp}/${builds})`;
  return `${answer}, ${restoring}/${builds} restored steps`;
}

const pct = (x: number) => `${Math.round(x * 100)} %`;

/** The table, one row per strategy and bundle, and the rows it asks for beside it. */
export function table(rows: ReadonlyArray<{ label: string; f: StrategyFigures }>): string {
  const lines = [
    '| strategy | steps served from the cache | peak / budget | evictions that broke a live index | builds on a missing layer | main, requirements unchanged: steps restored | PR workflow imports main | deletions that broke a live index | builds (failed) |',
    '|---|---|---|---|---|---|---|---|---|'
  ];
  for (const { label, f } of rows)
    lines.push(
      `| ${label} | ${f.ratio.toFixed(2)} (${f.cached}/${f.total}) | ${pct(f.peakOverBudget)} | ${f.evictionsBreaking} | ${f.onMissingLayer} | ${pct(f.unchangedMain.ratio)} (${f.unchangedMain.builds} builds) | ${yesNo(f.prImportsMain)} | ${f.deletionsBreaking} | ${f.builds} (${f.failed}) |`
    );
  return lines.join('\n');
}
