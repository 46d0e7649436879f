/**
 * `npm run bench:budget`: a synthetic month of CI against the GitHub cache emulator with a 10 GB LRU budget,
 * for three strategies side by side, then a prune planned over 10,000 entries over HTTP.
 *
 * What is simulated where (see bench/model.ts and bench/scale.ts):
 * - The month runs in-process against the emulator's own store (the code behind its HTTP routes): BuildKit's
 *   gha key layout, per-ref visibility, prefix lookups, last-access updates, 7-day expiry and GitHub's hourly
 *   LRU eviction over the budget. The action's strategy calls the action's pure core (budget, keys, the
 *   prune planner) exactly as run.ts does; HTTP is left out there for speed.
 * - The 10,000-entry planning runs the action's shell for real over HTTP: octokit (retry + throttling)
 *   against the emulator's REST API and the twirp index reader against its cache service.
 */
import { TARGET_RATIO, formatSize } from '../src/budget/budget.js';
import { STRATEGIES, contentTimeline, simulate, type Metrics } from './model.js';
import { scale } from './scale.js';
import { GB, MATRIX, STEPS, makeWorkload } from './workload.js';

const BUDGET = 10 * GB;
const started = performance.now();

const workload = makeWorkload(Date.UTC(2026, 9, 1));
const content = contentTimeline(workload);
const count = (kind: string) => workload.events.filter((e) => e.kind === kind).length;
const branches = new Set(workload.prs.map((p) => p.branch)).size;
console.log('envd-cache-action budget benchmark');
console.log(
  `month: ${workload.days} days, default branch + ${branches} feature branches, ${workload.prs.length} pull requests ` +
    `(${workload.prs.filter((p) => p.merged).length} merged), ${count('pr-run')} PR runs, ${count('main-push')} pushes to main, ` +
    `matrix of ${MATRIX.length}; layers ${STEPS.map((s) => `${s.name} ${formatSize(s.meanBytes)}`).join(', ')}`
);
console.log(`budget: ${formatSize(BUDGET)}, GitHub's LRU eviction hourly, 7-day retention; the action prunes to ${Math.round(TARGET_RATIO * 100)}%`);
for (const s of STRATEGIES) console.log(`  ${s.name.padEnd(8)} ${s.label}`);
console.log('');

const results = new Map<string, Metrics>();
for (const s of STRATEGIES) results.set(s.name, simulate(workload, content, s, BUDGET));

const ratio = (m: Metrics) => m.hits / Math.max(1, m.hits + m.misses);
const gb = (b: number) => (b / GB).toFixed(2);
const rows: string[][] = [
  ['strategy', 'jobs', 'hits', 'misses', 'hit ratio', 'entries written', 'LRU evictions', 'pruned', 'peak GB (at eviction checks)', 'max GB (any moment)', 'blob-not-found']
];
for (const s of STRATEGIES) {
  const m = results.get(s.name)!;
  rows.push([s.name, m.jobs, m.hits, m.misses, ratio(m).toFixed(3), m.entriesWritten, m.evicted, m.pruned, gb(m.peakBytes), gb(m.maxInstantBytes), m.blobNotFound].map(String));
}
const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
for (const [i, r] of rows.entries()) {
  console.log(r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '));
  if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
}
const action = results.get('action')!;
console.log('');
console.log(
  `action: ${action.pruned} entries pruned (${formatSize(action.prunedBytes)}), at most ${action.maxPrunedPerJob} in one job; ` +
    `${action.restCalls} REST calls in the month, at most ${action.busiestHourRest} in one hour (GITHUB_TOKEN: 1,000/h); ` +
    `${action.expired} entries expired after 7 days unused`
);

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
const checks: Array<[string, boolean]> = [
  ['action hit ratio beats both', ratio(action) > ratio(perJob) && ratio(action) > ratio(dflt)],
  ['action peak ≤ budget', action.peakBytes <= BUDGET],
  ['action blob-not-found = 0', action.blobNotFound === 0],
  ['planning ≤ 2 s', sc.planMs <= 2000],
  ['planning ≤ 110 REST calls', sc.restCalls <= 110]
];
console.log(`checks: ${checks.map(([name, ok]) => `${ok ? 'ok' : 'FAILED'} ${name}`).join('; ')} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
if (checks.some(([, ok]) => !ok)) process.exitCode = 1;
console.log(
  `hit-ratio action=${ratio(action).toFixed(3)} per-job=${ratio(perJob).toFixed(3)} default=${ratio(dflt).toFixed(3)} ` +
    `peak-bytes=${action.peakBytes} budget=${BUDGET} blob-not-found=${action.blobNotFound}`
);
