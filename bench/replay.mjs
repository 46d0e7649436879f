// `npm run bench:replay`: issue 20's replay of a CI day through a REAL BuildKit — the action's bundle (main, then
// post, as the runner runs them) building a three-leg matrix through the real buildkitd/buildctl v0.32.2, the
// GitHub cache emulated (per-ref scoping, REST usage/list/delete, the run's jobs, LRU eviction the moment usage
// passes the budget), for three strategies side by side (bench/replay/strategies.ts), on one or more bundles.
//
//   BUILDKIT_BIN=<dir with buildkitd and buildctl v0.32.2> npm run bench:replay
//   … node bench/replay.mjs --bundle old=/path/to/old/dist/index.js --bundle dist/index.js   # bundles side by side
//   … node bench/replay.mjs --short          # a shorter day (4 pushes to main, one pull request: 18 builds)
//   … node bench/replay.mjs --seed 7 --strategies action,per-leg
//
// The day (bench/replay/schedule.ts): 9 pushes to main (four dependency changes, one of them a merged pull
// request's), two feature branches pushed once, their two pull requests (the README's PR workflow, `envd pr`, a
// workflow and job of its own) run once and close: 39 builds, the legs of a run concurrently. Each leg builds 7
// steps (3 base shared by the legs, 2 dependency, 2 app; bench/replay/world.mjs) writing a few MB of random bytes, so a build takes
// seconds. Budget = 2.5 × one leg's max export, measured first (a cold mode=max export of one leg).
// envd is the shell shim of bench:real (bench/real/envd-shim.sh): it hands the build to buildctl with the action's
// flags and keeps each build's progress, from which the replay counts steps itself (bench/replay/progress.ts).
// The emulator reports every commit, eviction and deletion as it happens (bench/replay/ledger.ts): peak usage,
// and evictions and deletions that broke a live index.
// Printed: the table (one row per bundle and strategy), then notes per row: the action's own `cached-steps` beside
// the progress's count, failed jobs, warnings. Everything it started is stopped at the end and on SIGINT/SIGTERM.
// Needs: root (the action starts buildkitd as root), BUILDKIT_BIN, a static busybox (BENCH_BUSYBOX or /usr/bin/busybox).
// BENCH_JOB_TIMEOUT_MS: one phase's limit (default 240000). BENCH_SHOW_LOGS=1: every job's log on stderr.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { register } from 'node:module';
import { fileURLToPath } from 'node:url';
import { createJob, ROOT } from '../scripts/harness.mjs';
import { cpuProbe, spawnPhase } from './phases.mjs';
import { BUILDKIT, ENVD, Processes, makeToolCache } from './real-shared.mjs';
import { buildsIn, checkout, legDir, makeProject, versionOf } from './replay/world.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const JOB_TIMEOUT_MS = Number(process.env.BENCH_JOB_TIMEOUT_MS || 240_000);
const WRITE_TOKEN = 'ghs_replayWriteToken000000000000000000';
const READ_NOTHING_TOKEN = 'ghs_replayNoActionsToken00000000000000';

register('./ts-loader.mjs', import.meta.url);
const { makeDay, buildsOf, LEGS, MAIN } = await import('./replay/schedule.js');
const { countJob } = await import('./replay/progress.js');
const { Ledger, lookedUpAny } = await import('./replay/ledger.js');
const { figuresOf, table } = await import('./replay/metrics.js');
const { STRATEGIES, LABELS, inputsFor } = await import('./replay/strategies.js');
const { parseIndexJson } = await import('../src/budget/keys.js');
const { startEmulator, Permission } = await import('../__tests__/support/emulator/index.js');

// ------------------------------------------------------------------------------------------ arguments
function parseArgs(argv) {
  const o = { bundles: [], short: false, seed: 20261207, strategies: [...STRATEGIES], budgetFactor: 2.5 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--short') o.short = true;
    else if (a === '--seed') o.seed = Number(argv[++i]);
    else if (a === '--budget-factor') o.budgetFactor = Number(argv[++i]);
    else if (a === '--strategies') o.strategies = String(argv[++i]).split(',');
    else if (a === '--bundle') {
      const v = String(argv[++i]);
      const [name, p] = /^[\w.-]+=/.test(v) ? v.split(/=(.*)/s) : [undefined, v];
      const entry = path.resolve(p.endsWith('.js') ? p : path.join(p, 'index.js'));
      o.bundles.push({ name: name ?? (o.bundles.length ? `bundle${o.bundles.length + 1}` : 'this'), entry });
    } else
      throw new Error(
        `bench:replay: unknown argument ${a} (use --bundle [name=]PATH, --short, --seed N, --strategies a,b, --budget-factor X)`
      );
  }
  if (!o.bundles.length) o.bundles.push({ name: 'this', entry: path.join(ROOT, 'dist', 'index.js') });
  for (const s of o.strategies)
    if (!STRATEGIES.includes(s))
      throw new Error(`bench:replay: --strategies: unknown strategy ${s} (one of ${STRATEGIES.join(', ')})`);
  if (!Number.isSafeInteger(o.seed)) throw new Error('bench:replay: --seed needs an integer');
  if (!(o.budgetFactor > 0))
    throw new Error(
      "bench:replay: --budget-factor needs a positive number (the budget is that many times one leg's max export)"
    );
  return o;
}
const opts = parseArgs(process.argv.slice(2));

const missing = [];
const BIN = process.env.BUILDKIT_BIN ? path.resolve(process.env.BUILDKIT_BIN) : undefined;
if (!BIN)
  missing.push('BUILDKIT_BIN is not set: the directory holding a real buildkitd and buildctl (BuildKit v0.32.2)');
else
  for (const t of ['buildkitd', 'buildctl'])
    if (!fs.existsSync(path.join(BIN, t))) missing.push(`BUILDKIT_BIN has no ${t}: ${path.join(BIN, t)}`);
const BUSYBOX = process.env.BENCH_BUSYBOX || (fs.existsSync('/usr/bin/busybox') ? '/usr/bin/busybox' : undefined);
if (!BUSYBOX || !fs.existsSync(BUSYBOX))
  missing.push(
    "no busybox: set BENCH_BUSYBOX to a STATIC busybox binary (copied into each leg's FROM scratch build context)"
  );
if (process.getuid?.() !== 0) missing.push('not root: the action starts buildkitd as root');
for (const b of opts.bundles)
  if (!fs.existsSync(b.entry))
    missing.push(`--bundle ${b.name}: no bundle at ${b.entry} (npm run package builds dist/index.js)`);
if (missing.length) {
  console.error(`bench:replay cannot run:\n${missing.map((m) => `- ${m}`).join('\n')}`);
  process.exit(2);
}

// ------------------------------------------------------------------------------------------ the world
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-replay-'));
const procs = new Processes(root);
const project = makeProject(root, LEGS, BUSYBOX);
const toolCache = makeToolCache(root, BIN, path.join(HERE, 'real', 'envd-shim.sh'));
const probe = cpuProbe(root);
const emu = await startEmulator({
  repository: 'octo/envd-demo',
  eviction: 'finalize',
  restTokens: { [WRITE_TOKEN]: 'write', [READ_NOTHING_TOKEN]: 'none' },
  createsPerMinute: 1_000_000,
  restCallsPerHour: 1_000_000
});

/** The ledger of the replay under way; every store change goes to it. */
let ledger;
emu.onStoreEvent((e) => {
  if (!ledger) return;
  if (e.kind !== 'committed') return void ledger.removed(e.kind, e.entries);
  const entry = e.entries[0];
  const data = entry.key.startsWith('index-') ? emu.blobData(entry.id) : undefined;
  ledger.committed(entry, e.usageBytes, data ? parseIndexJson(data).digests : undefined);
});

/**
 * The emulator's clock is the real one (LRU order is by access time, and BuildKit checks the runtime token's times
 * against its own clock), so runs follow each other at once; the day's hours pass for the cache's entries instead
 * (emu.age before each run): the action judges which layers a build used by their last access since it started
 * (src/budget/write.ts generationAfterBuild, with two minutes' slack for clocks), which runs seconds apart defeat.
 */
function realClock() {
  const timer = setInterval(() => emu.clock.set(Math.max(Date.now(), emu.clock.now())), 5);
  timer.unref();
  return () => clearInterval(timer);
}

// ------------------------------------------------------------------------------------------ one job
const scopesOf = (ref) =>
  ref === MAIN
    ? [{ Scope: MAIN, Permission: Permission.All }]
    : [
        { Scope: ref, Permission: Permission.All },
        { Scope: MAIN, Permission: Permission.Read }
      ];

function eventOf(run) {
  const repository = { full_name: 'octo/envd-demo', default_branch: 'main' };
  if (run.event === 'push') return { env: {}, payload: { repository, ref: run.ref } };
  // A pull request from a branch of the same repository (not a fork).
  const pull_request = {
    number: run.pr,
    state: run.kind === 'pr-closed' ? 'closed' : 'open',
    merged: run.merged ?? false,
    head: { ref: run.branch, repo: { full_name: repository.full_name } },
    base: { ref: 'main', repo: { full_name: repository.full_name } }
  };
  return {
    env: { GITHUB_HEAD_REF: run.branch, GITHUB_BASE_REF: 'main' },
    payload: { action: run.kind === 'pr-closed' ? 'closed' : 'synchronize', number: run.pr, pull_request, repository }
  };
}

async function phase(j, entry, name) {
  let child;
  const timer = setTimeout(() => child && process.kill(-child.pid, 'SIGKILL'), JOB_TIMEOUT_MS);
  try {
    return await spawnPhase(j, entry, name, { probe, detached: true, onChild: (c) => (child = procs.track(c)) });
  } finally {
    clearTimeout(timer);
  }
}

/** One leg's job of a run: main then post of `bundle`; resolves its record (null when the strategy runs none). */
async function job({ bundle, strategy, run, leg, runId }) {
  const spec = inputsFor(strategy, run, legDir(leg));
  if (!spec) return null;
  const dir = fs.mkdtempSync(path.join(root, `job-${run.n}-${leg}-`));
  const progressDir = path.join(dir, 'progress');
  fs.mkdirSync(progressDir);
  fs.mkdirSync(path.join(dir, 'rt'));
  fs.mkdirSync(path.join(dir, 'home'));
  const ev = eventOf(run);
  const env = {
    ...ev.env,
    HOME: path.join(dir, 'home'),
    RUNNER_TOOL_CACHE: toolCache,
    RUNNER_TEMP: path.join(dir, 'rt'),
    GITHUB_API_URL: emu.apiUrl,
    ACTIONS_RESULTS_URL: emu.resultsUrl,
    ACTIONS_CACHE_SERVICE_V2: 'True',
    ACTIONS_RUNTIME_TOKEN: emu.mintToken(scopesOf(run.ref)),
    ENVD_SHIM_PROGRESS_DIR: progressDir,
    GITHUB_RUN_ID: String(runId),
    GITHUB_WORKFLOW: run.workflow,
    GITHUB_JOB: run.job,
    GITHUB_SHA: `${String(run.n).padStart(8, '0')}${'0'.repeat(32)}`
  };
  const j = createJob({
    workspace: project,
    event: run.event,
    ref: run.ref,
    payload: ev.payload,
    env,
    inputs: { 'envd-version': ENVD, 'buildkit-version': BUILDKIT, ...spec.inputs },
    githubToken: spec.token === 'write' ? WRITE_TOKEN : READ_NOTHING_TOKEN,
    matrix: run.kind === 'pr-closed' ? undefined : { python: leg }
  });
  try {
    const main = await phase(j, bundle.entry, 'main');
    const post = await phase(j, bundle.entry, 'post');
    return { main, post, builds: buildsIn(progressDir) };
  } finally {
    j.cleanup();
    for (const s of procs.strays().filter((p) => p.cmd.includes(dir))) process.kill(s.pid, 'SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// ------------------------------------------------------------------------------------------ a replay
const logOf = (r) => `${r.lines.map((l) => l.text).join('\n')}\n${r.err}`;

/** What a job's figures are, from its builds' progress and its outputs. */
function recordOf(run, leg, res, history, lookedUpMain) {
  const counted = countJob(res.builds.map((b) => b.progress));
  const failed = res.main.code !== 0 || res.post.code !== 0 || res.builds.length === 0 || res.builds.at(-1).code !== 0;
  const reported = res.main.outputs['cached-steps'];
  const record = {
    run: run.n,
    kind: run.kind,
    leg,
    total: counted.steps.length,
    cached: counted.cached.size,
    errored: counted.errored.size,
    reportedCached: reported === undefined || reported === '' ? undefined : Number(reported),
    failed
  };
  if (run.kind === 'main-push') {
    const previous = history.mainReqs.get(leg);
    if (previous !== undefined) record.unchangedSincePrevious = previous === run.content.requirements;
    history.mainReqs.set(leg, run.content.requirements);
  }
  if (run.kind === 'pr-run') {
    record.firstOfPr = !history.prsSeen.has(`${run.pr} ${leg}`);
    record.lookedUpMain = lookedUpMain;
    history.prsSeen.add(`${run.pr} ${leg}`);
  }
  return record;
}

async function replay({ bundle, strategy, day, budgetBytes }) {
  emu.reset();
  emu.setBudgetBytes(budgetBytes);
  ledger = new Ledger();
  const records = [];
  const notes = { warnings: new Map(), problems: [] };
  const history = { mainReqs: new Map(), prsSeen: new Set() };
  const open = new Set();
  let runId = 7000;
  let hour = day[0]?.hour ?? 0;
  for (const run of day) {
    emu.age(Math.max(0, run.hour - hour) * 3_600_000);
    hour = run.hour;
    if (run.kind === 'pr-run') open.add(run.pr);
    if (run.kind === 'pr-closed') open.delete(run.pr);
    emu.setOpenPullRequests([...open]);
    if (run.content) checkout(project, LEGS, run.content);
    const id = ++runId;
    const legs = run.kind === 'pr-closed' ? [LEGS[0]] : LEGS;
    emu.setRunJobs(
      String(id),
      legs.map((leg) => ({ name: run.kind === 'pr-closed' ? run.job : `${run.job} (${leg})`, status: 'in_progress' }))
    );
    const t0 = performance.now();
    const seen = emu.requests.length;
    const mainBases = ledger.writtenIndexBases(MAIN);
    const results = await Promise.all(legs.map((leg) => job({ bundle, strategy, run, leg, runId: id })));
    const lookups = emu.requests
      .slice(seen)
      .filter((q) => q.route === 'GetCacheEntryDownloadURL')
      .map((q) => String(q.body?.key ?? ''));
    const lookedUpMain = lookedUpAny(lookups, mainBases);
    results.forEach((res, i) => {
      if (!res) return;
      const leg = legs[i];
      for (const w of [...res.main.lines, ...res.post.lines]
        .map((l) => l.text)
        .filter((t) => /^::(warning|error)/.test(t))) {
        const k = w.replace(/\d+(\.\d+)?/g, 'N').slice(0, 200);
        notes.warnings.set(k, (notes.warnings.get(k) ?? 0) + 1);
      }
      if (process.env.BENCH_SHOW_LOGS)
        process.stderr.write(
          `--- ${bundle.name} ${strategy} run ${run.n} ${leg} main ---\n${logOf(res.main)}\n--- post ---\n${logOf(res.post)}\n`
        );
      if (run.kind === 'pr-closed') {
        if (res.main.code !== 0)
          notes.problems.push(
            `run ${run.n} (${run.kind}): the prune job exited ${res.main.code}\n${logOf(res.main).split('\n').slice(-15).join('\n')}`
          );
        return;
      }
      const r = recordOf(run, leg, res, history, lookedUpMain);
      records.push(r);
      if (r.failed)
        notes.problems.push(
          `run ${run.n} ${leg} (${run.kind}): main ${res.main.code}, post ${res.post.code}, builds ${res.builds.map((b) => b.code).join(',') || 'none'}\n${logOf(res.main).split('\n').slice(-25).join('\n')}`
        );
    });
    if (process.env.BENCH_SHOW_REQUESTS)
      for (const q of emu.requests.slice(seen))
        if (q.route !== 'blob.put')
          process.stderr.write(`  ${q.route} ${q.status} ${q.body ? JSON.stringify(q.body) : q.query}\n`);
    const done = records.filter((r) => r.run === run.n);
    process.stderr.write(
      `${bundle.name} ${strategy} run ${run.n} ${String(run.hour).padStart(5)}h ${run.kind.padEnd(11)} ${((performance.now() - t0) / 1000).toFixed(1)} s  ` +
        `${done.map((r) => `${r.leg}: ${r.cached}/${r.total}${r.errored ? ` (${r.errored} ERROR)` : ''}${r.failed ? ' FAILED' : ''}`).join('  ') || 'prune'}  ` +
        `usage ${(ledger.usageBytes() / 1e6).toFixed(1)} MB\n`
    );
  }
  return { figures: figuresOf(records, ledger.figures, budgetBytes), notes };
}

/** One leg's max export: a cold `type=gha,mode=max` build of the first leg on main, its committed bytes. */
async function calibrate(bundle, day) {
  emu.reset();
  ledger = new Ledger();
  const run = day.find((r) => r.kind === 'main-push');
  checkout(project, LEGS, run.content);
  const res = await job({ bundle, strategy: 'per-leg', run, leg: LEGS[0], runId: 6999 });
  if (res.main.code !== 0) throw new Error(`calibration failed: main exited ${res.main.code}\n${logOf(res.main)}`);
  return ledger.usageBytes();
}

// ------------------------------------------------------------------------------------------ the bench
let failed = false;
let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'])
  process.once(sig, async () => {
    if (stopping) return;
    stopping = true;
    console.error(`bench:replay: ${sig}: stopping what it started`);
    await procs.stopAll();
    await emu.close();
    fs.rmSync(root, { recursive: true, force: true });
    process.exit(130);
  });

const stopClock = realClock();
try {
  const day = makeDay({ seed: opts.seed, short: opts.short });
  const t0 = performance.now();
  const legMax = await calibrate(opts.bundles.at(-1), day);
  const budgetBytes = Math.round(opts.budgetFactor * legMax);
  process.stderr.write(
    `one leg's max export ${(legMax / 1e6).toFixed(2)} MB; budget ${opts.budgetFactor} × that = ${(budgetBytes / 1e6).toFixed(2)} MB\n`
  );
  const rows = [];
  const notes = [];
  for (const strategy of opts.strategies)
    for (const bundle of opts.bundles) {
      const r = await replay({ bundle, strategy, day, budgetBytes });
      const label = `${LABELS[strategy]}${opts.bundles.length > 1 ? ` — ${bundle.name}` : ''}`;
      rows.push({ label, f: r.figures });
      notes.push({ label, ...r });
      if (r.figures.failed) failed = true;
    }
  const version = await versionOf(BIN);
  console.log(`\n# bench:replay — a CI day through a real BuildKit (${version || BUILDKIT})\n`);
  console.log(
    `${day.length} runs, ${buildsOf(day)} builds (a ${LEGS.length}-leg matrix${opts.short ? ', the short day' : ''}), seed ${opts.seed}; one leg's max export ${(legMax / 1e6).toFixed(2)} MB, budget ${(budgetBytes / 1e6).toFixed(2)} MB (${opts.budgetFactor}×); LRU eviction the moment usage passes it.`
  );
  console.log(
    `Bundles: ${opts.bundles.map((b) => `${b.name} = ${path.relative(process.cwd(), b.entry) || b.entry}`).join(', ')}. envd is a shim (bench/real/envd-shim.sh). ${((performance.now() - t0) / 60000).toFixed(1)} min.\n`
  );
  console.log(table(rows));
  console.log(
    "\nSteps are counted from BuildKit's progress (a step marked ERROR, then run, is built). \"main, requirements unchanged\": main's pushes whose requirements.txt did not change since that leg's previous push (the app changes every push, so 5 of 7 steps is the most). \"PR workflow imports main\": the `envd pr` workflow's first run of each pull request looked up an index key main's workflow wrote (its scope is main's), and how many of its builds restored steps (it can read only its own ref and main)."
  );
  for (const n of notes) {
    const f = n.figures;
    console.log(`\n## ${n.label}\n`);
    console.log(
      `- the action's \`cached-steps\` over ${f.reported.builds} builds: ${f.reported.reported}; BuildKit's progress: ${f.reported.counted}`
    );
    for (const [w, count] of n.notes.warnings) console.log(`- ${count}× ${w}`);
    for (const p of n.notes.problems) console.log(`\nPROBLEM: ${p}`);
  }
} catch (e) {
  failed = true;
  console.error(e);
} finally {
  stopClock();
  await procs.stopAll();
  await emu.close();
  try {
    fs.rmSync(root, { recursive: true, force: true });
  } catch (e) {
    console.error(`bench:replay: could not remove ${root}: ${e.message}`);
  }
}
process.exitCode = failed ? 1 : 0;
