/**
 * `npm run bench:budget`: CI replayed against the GitHub cache emulator's store for four strategies side by
 * side (BuildKit's defaults, per-job scopes, the action before issue 15, the action), then a prune planned over
 * 10,000 entries over HTTP. Not a timed test; CI does not run it.
 *
 * 1. The issue's replay: a day of a three-leg matrix (40 builds: main, two feature branches, two pull requests)
 *    at a budget of 2.5 × one leg's max export, with GitHub's LRU eviction the moment usage passes the budget
 *    and, again, hourly. Concurrent legs read the same usage. Peak usage is taken at every write.
 * 1b. Issue 20's replay: the same day with four dependency changes pushed to main (the others change code),
 *    immediate eviction: main's next push after a change must restore every step the change did not touch.
 * 2. A month of CI at 10 GB, hourly eviction.
 * 3. Planning over 10,000 entries runs the action's shell for real over HTTP (bench/scale.ts).
 *
 * What is simulated where: see bench/model.ts and bench/scale.ts.
 */
import type { EvictionMode } from '../__tests__/support/emulator/types.js';
import { TARGET_RATIO, formatSize } from '../src/budget/budget.js';
import { DELETE_LATENCY_MS, STRATEGIES, contentTimeline, simulate, type Metrics, type StrategyName } from './model.js';
import { scale } from './scale.js';
import { GB, MATRIX, MB, STEPS, makeDay, makeDependencyDay, makeWorkload, type Workload } from './workload.js';

const started = performance.now();
const ratio = (m: Metrics) => m.hits / Math.max(1, m.hits + m.misses);
const checks: Array<[string, boolean]> = [];

function table(results: Map<StrategyName, Metrics>, unit: number, unitName: string): void {
  const u = (b: number) => (b / unit).toFixed(unit === GB ? 2 : 1);
  const rows: string[][] = [
    [
      'strategy',
      'jobs',
      'hits',
      'misses',
      'hit ratio',
      'max/min',
      'skipped',
      'nothing new',
      'written',
      'LRU evictions',
      'writes over budget',
      'pruned',
      'deferred',
      `peak ${unitName} (any moment)`,
      `peak ${unitName} (hourly checks)`,
      'blob-not-found',
      'max s deleting in a step',
      'REST calls (busiest hour)'
    ]
  ];
  for (const [name, m] of results) {
    rows.push(
      [
        name,
        m.jobs,
        m.hits,
        m.misses,
        ratio(m).toFixed(3),
        `${m.modes.max}/${m.modes.min}`,
        m.skippedExports,
        m.nothingNew,
        m.entriesWritten,
        m.evicted,
        m.overBudgetWrites,
        m.pruned,
        m.deferredDeletes,
        u(m.maxInstantBytes),
        u(m.peakBytes),
        m.blobNotFound,
        (m.maxDeleteMs / 1000).toFixed(1),
        `${m.restCalls} (${m.busiestHourRest})`
      ].map(String)
    );
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  for (const [i, r] of rows.entries()) {
    console.log(r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '));
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
}

/** Where and why the action's usage peaked: the run, the moment and the write. */
function peakLine(m: Metrics, budget: number): string {
  const p = m.peakAt;
  if (!p) return `${m.strategy}: wrote nothing`;
  const when = new Date(p.t).toISOString().replace('T', ' ').slice(0, 16);
  return (
    `${m.strategy} peak ${formatSize(m.maxInstantBytes)} (${Math.round((m.maxInstantBytes / budget) * 100)}% of ${formatSize(budget)}) at ${when} UTC: ` +
    `run ${p.run} (usage ${formatSize(p.usageAtRunStart)} when it started), ${p.phase}, writing ${p.key.slice(0, 40)}${p.key.length > 40 ? '…' : ''} (${formatSize(p.bytes)})`
  );
}

function run(w: Workload, budget: number, eviction: EvictionMode, trace?: string[]): Map<StrategyName, Metrics> {
  const content = contentTimeline(w);
  const out = new Map<StrategyName, Metrics>();
  for (const s of STRATEGIES)
    out.set(s.name, simulate(w, content, s, budget, { eviction, ...(s.name === 'action' && trace ? { trace } : {}) }));
  return out;
}

console.log('envd-cache-action budget benchmark');
for (const s of STRATEGIES) console.log(`  ${s.name.padEnd(13)} ${s.label}`);
console.log('');

// 1. The issue's replay: a day, a three-leg matrix, 40 builds, at 2.5 × one leg's max export.
const day = makeDay(Date.UTC(2026, 10, 2));
const legMax = STEPS.reduce((s, step) => s + step.meanBytes, 0);
const dayBudget = Math.round(2.5 * legMax);
const count = (w: Workload, kind: string) => w.events.filter((e) => e.kind === kind).length;
console.log(
  `day: ${count(day, 'main-push')} pushes to main, ${count(day, 'branch-push')} pushes to 2 feature branches, ${count(day, 'pr-run')} runs of 2 pull requests ` +
    `(one merged at 12:00), matrix of ${day.matrix.length}; one leg's max export ${formatSize(legMax)}, budget 2.5 × that = ${formatSize(dayBudget)}`
);
const dayResults = new Map<EvictionMode, Map<StrategyName, Metrics>>();
const trace: string[] = [];
for (const eviction of ['finalize', 'hourly'] as const) {
  console.log('');
  console.log(
    eviction === 'finalize'
      ? "GitHub's LRU eviction the moment usage passes the budget:"
      : "GitHub's LRU eviction hourly:"
  );
  const results = run(day, dayBudget, eviction, eviction === 'finalize' ? trace : undefined);
  dayResults.set(eviction, results);
  table(results, MB, 'MB');
  const a = results.get('action')!;
  const perJob = results.get('per-job')!;
  const dflt = results.get('default')!;
  const before = results.get('action-before')!;
  console.log(
    `hit ratio: action ${ratio(a).toFixed(3)} = ${(ratio(a) / ratio(perJob)).toFixed(2)}× per-job, ${(ratio(a) / ratio(dflt)).toFixed(2)}× default ` +
      `(before: ${ratio(before).toFixed(3)} = ${(ratio(before) / ratio(perJob)).toFixed(2)}× per-job, ${(ratio(before) / ratio(dflt)).toFixed(2)}× default); ` +
      `peak any moment: action ${formatSize(a.maxInstantBytes)}, before ${formatSize(before.maxInstantBytes)}, budget ${formatSize(dayBudget)}`
  );
  console.log(peakLine(a, dayBudget));
  const tag = eviction === 'finalize' ? 'immediate eviction' : 'hourly eviction';
  checks.push(
    [`day/${tag}: action peak ≤ budget at every moment`, a.maxInstantBytes <= dayBudget],
    [`day/${tag}: action hit ratio ≥ 1.2× per-job`, ratio(a) >= 1.2 * ratio(perJob)],
    [`day/${tag}: action hit ratio ≥ 1.5× default`, ratio(a) >= 1.5 * ratio(dflt)],
    [`day/${tag}: action blob-not-found = 0`, a.blobNotFound === 0],
    [`day/${tag}: ≤ 2 s deleting per build step`, a.maxDeleteMs <= 2_000]
  );
}
console.log('');
console.log(
  `the action's runs, immediate eviction (time, run, legs' modes, usage at the run's peak moment, after its prunes):`
);
for (const line of trace) console.log(`  ${line}`);
console.log('');

// 1b. Issue 20: dependency changes on main, immediate eviction.
const depDay = makeDependencyDay(Date.UTC(2026, 10, 2));
const depChanges = depDay.events.filter((e) => e.kind === 'main-push' && e.steps?.includes(3)).length;
console.log(
  `issue 20's day: the same day, ${depChanges} of main's pushes change the requirements (wheels, packages), the others the code; ` +
    `budget ${formatSize(dayBudget)}, GitHub's LRU eviction the moment usage passes it:`
);
const depTrace: string[] = [];
const dep = run(depDay, dayBudget, 'finalize', depTrace);
table(dep, MB, 'MB');
const mainLine = (m: Metrics) =>
  `${m.strategy}: main restored ${m.main.unchangedRestored} of the ${m.main.unchanged} steps unchanged since the leg's previous push to main; ` +
  `pushes with unchanged requirements restored ${m.main.steadyRestored}/${m.main.steadySteps} steps (${(m.main.steadyRestored / Math.max(1, m.main.steadySteps)).toFixed(2)})`;
for (const m of dep.values()) console.log(mainLine(m));
{
  const a = dep.get('action')!;
  const perJob = dep.get('per-job')!;
  const dflt = dep.get('default')!;
  const b20 = dep.get('action-20')!;
  console.log(
    `hit ratio: action ${ratio(a).toFixed(3)} = ${(ratio(a) / ratio(perJob)).toFixed(2)}× per-job, ${(ratio(a) / ratio(dflt)).toFixed(2)}× default ` +
      `(before issue 20: ${ratio(b20).toFixed(3)} = ${(ratio(b20) / ratio(perJob)).toFixed(2)}× per-job, ${(ratio(b20) / ratio(dflt)).toFixed(2)}× default)`
  );
  console.log(peakLine(a, dayBudget));
  console.log(`the action's runs (time, run, legs' modes, usage at the run's peak moment, after its prunes):`);
  for (const line of depTrace) console.log(`  ${line}`);
  checks.push(
    [
      "issue 20: main's next push after a change restores every step the change did not touch",
      a.main.unchangedRestored === a.main.unchanged
    ],
    [
      "issue 20: main's pushes with unchanged requirements restore ≥ 70% of their steps",
      a.main.steadyRestored >= 0.7 * a.main.steadySteps
    ],
    // The issue's 3× per-job is the real replay's bar, where per-job scopes fare worse (0.11-0.15) than here.
    [
      'issue 20: action hit ratio ≥ 1.5× default and ≥ 1.2× per-job',
      ratio(a) >= 1.5 * ratio(dflt) && ratio(a) >= 1.2 * ratio(perJob)
    ],
    ['issue 20: action peak ≤ budget at every moment', a.maxInstantBytes <= dayBudget],
    ['issue 20: action evictions = 0 and blob-not-found = 0', a.evicted === 0 && a.blobNotFound === 0]
  );
}
console.log('');

// 2. A month at 10 GB.
const BUDGET = 10 * GB;
const workload = makeWorkload(Date.UTC(2026, 9, 1));
const branches = new Set(workload.prs.map((p) => p.branch)).size;
console.log(
  `month: ${workload.days} days, default branch + ${branches} feature branches, ${workload.prs.length} pull requests ` +
    `(${workload.prs.filter((p) => p.merged).length} merged), ${count(workload, 'pr-run')} PR runs, ${count(workload, 'main-push')} pushes to main, ` +
    `matrix of ${MATRIX.length}; layers ${STEPS.map((s) => `${s.name} ${formatSize(s.meanBytes)}`).join(', ')}`
);
console.log(
  `budget: ${formatSize(BUDGET)}, GitHub's LRU eviction hourly, 7-day retention; the action prunes to ${Math.round(TARGET_RATIO * 100)}%; a DELETE takes ${DELETE_LATENCY_MS} ms`
);
const results = run(workload, BUDGET, 'hourly');
table(results, GB, 'GB');
const action = results.get('action')!;
console.log(peakLine(action, BUDGET));
console.log('');
console.log(
  `action: ${action.pruned} entries pruned (${formatSize(action.prunedBytes)}), at most ${action.maxPrunedPerJob} in one job; ` +
    `${action.restCalls} REST calls in the month, at most ${action.busiestHourRest} in one hour (GITHUB_TOKEN: 1,000/h); ` +
    `${action.expired} entries expired after 7 days unused`
);

// 3. Planning over 10,000 entries, over HTTP.
const sc = await scale(10_000);
console.log(
  `prune planning over ${sc.entries} entries via HTTP: ${Math.round(sc.planMs)} ms, ${sc.restCalls} REST calls ` +
    `(${sc.pages} list pages + usage + storage limit + open pull requests; the emulator counted ${sc.restCallsSeenByEmulator}), ` +
    `${sc.indexCalls} cache-service calls for live indexes; plan: ${sc.planned} deletions, ${formatSize(sc.plannedBytes)}, ` +
    `usage ${formatSize(sc.usageBytes)} → ${formatSize(sc.keptBytes)}`
);
console.log(
  `then 100 deletions carried out: ${sc.executed.deleted} deleted, ${sc.executed.gone} already gone (vanished between list and delete), ` +
    `${sc.executed.restCalls} REST calls`
);

const perJob = results.get('per-job')!;
const dflt = results.get('default')!;
checks.push(
  ['month: action hit ratio beats both', ratio(action) > ratio(perJob) && ratio(action) > ratio(dflt)],
  ['month: action peak ≤ budget at the hourly eviction checks', action.peakBytes <= BUDGET],
  ['month: action peak ≤ budget at every moment', action.maxInstantBytes <= BUDGET],
  ['month: action blob-not-found = 0', action.blobNotFound === 0],
  ['planning ≤ 2 s', sc.planMs <= 2000],
  ['planning ≤ 110 REST calls', sc.restCalls <= 110]
);
console.log('');
for (const [name, ok] of checks) console.log(`${ok ? 'ok    ' : 'FAILED'} ${name}`);
console.log(`(${((performance.now() - started) / 1000).toFixed(1)} s)`);
if (checks.some(([, ok]) => !ok)) process.exitCode = 1;
