/**
 * BuildKit's gha cache client, modelled on the emulator's own store (the same code that serves the HTTP
 * emulator: immutability, per-ref lookup with exact/prefix/newest matching and last-access updates, LRU
 * eviction over the budget either right after each write or hourly, 7-day expiry). CI is replayed in-process
 * against it for four strategies. The action's strategies call the same pure core as the action
 * (modeForBudget and the estimate, planPrune, indexesToRead, parseIndexJson); only the HTTP transport is left
 * out here (bench/scale.ts covers it). `action-before` is the action before issue 15 (bench/legacy-prune.ts).
 *
 * Concurrency: the legs of one run read the cache at the same moment (the same usage, the same listing), then
 * build, then export one after another, then each prunes.
 */
import { Clock } from '../__tests__/support/emulator/clock.js';
import { CacheStore, type Entry } from '../__tests__/support/emulator/store.js';
import { zeroCounters, type Counters } from '../__tests__/support/emulator/types.js';
import type { EvictionMode } from '../__tests__/support/emulator/types.js';
import {
  HIGH_WATER,
  TARGET_RATIO,
  legPlanFor,
  modeForBudget,
  nearBudget,
  type ModeFacts
} from '../src/budget/budget.js';
import { exportFits, scopeFootprints, type LegPlan } from '../src/budget/estimate.js';
import {
  BUILDKIT_CACHE_VERSION as V,
  blobKey,
  indexKey,
  parseIndexJson,
  parseIndexKey,
  sha256Digest
} from '../src/budget/keys.js';
import { indexesToRead, planPrune } from '../src/budget/prune.js';
import { type CacheEntry } from '../src/budget/generations.js';
import { decideWrite, generationAfterBuild, supersededEntries, type Superseded } from '../src/budget/write.js';
import { autoScope, scopeFamily } from '../src/cache/scope.js';
import { planPrune as legacyPlanPrune } from './legacy-prune.js';
import { DAY, HOUR, MAIN, MINUTE, STEPS, branchRef, prRef, prng, type CiEvent, type Workload } from './workload.js';

export type StrategyName = 'default' | 'per-job' | 'action-before' | 'action-20' | 'action';

export interface Strategy {
  name: StrategyName;
  label: string;
  scope(matrix: string): string;
  prune: boolean;
}

/** The action's auto scope for a leg building `.` with build.envd:build (src/cache/scope.ts). */
const actionScope = (m: string) =>
  autoScope({ matrix: JSON.stringify({ python: m }), path: '.', from: 'build.envd:build' });

export const STRATEGIES: readonly Strategy[] = [
  {
    name: 'default',
    label: "BuildKit's defaults: scope=buildkit, mode=min, no pruning",
    scope: () => 'buildkit',
    prune: false
  },
  {
    name: 'per-job',
    label: 'per-job scopes, mode=max, no pruning (the docs)',
    scope: (m) => `ci-build-${m}`,
    prune: false
  },
  {
    name: 'action-before',
    label:
      'the action before issue 15: auto mode by usage ≥ 80%, prune to 70% (idle refs by idle × bytes), deletes 1 s apart',
    scope: actionScope,
    prune: true
  },
  {
    name: 'action-20',
    label:
      'the action before issue 20: each leg sized before the build by its own layers (all but the shared base), oldest cache first, skip past the ceiling; prune by value, deletes 4 at a time for ≤ 2 s',
    scope: actionScope,
    prune: true
  },
  {
    name: 'action',
    label:
      'the action: mode chosen as before, the write decided after the build by what it adds (src/budget/write.ts): nothing new writes nothing, the superseded generation deleted first when room is short, main never skips, no scope skips twice in a row',
    scope: actionScope,
    prune: true
  }
];

/**
 * How the model's `action` sizes a write after the build: as the action does (the previous generation's chain
 * layers the build did not look up, budget/write.ts generationAfterBuild), or, with BENCH_WRITE_SIZING=exact,
 * by the layers the model knows the build created.
 */
const EXACT_WRITE_SIZING = process.env.BENCH_WRITE_SIZING === 'exact';

/** A DELETE's round trip in the model (what one costs a build step). */
export const DELETE_LATENCY_MS = 150;

export interface Metrics {
  strategy: StrategyName;
  jobs: number;
  hits: number;
  misses: number;
  entriesWritten: number;
  evicted: number;
  expired: number;
  /** Highest usage GitHub's hourly eviction check saw (what makes it evict). */
  peakBytes: number;
  /** Highest usage at any moment: right after each write, before any eviction, and between export and prune. */
  maxInstantBytes: number;
  /** The write that set `maxInstantBytes`: when, by which run (event and ref), which entry, in which phase. */
  peakAt?: { t: number; run: string; key: string; bytes: number; phase: string; usageAtRunStart: number };
  /** Writes that took usage over the budget (each one an eviction with immediate eviction). */
  overBudgetWrites: number;
  modes: { min: number; max: number };
  /** Legs that did not export: no room even after pruning. */
  skippedExports: number;
  /** Legs that ran no step and so wrote nothing (the action after issue 20). */
  nothingNew: number;
  /** Longest time one build step spent deleting. */
  maxDeleteMs: number;
  /** Deletions left for a later run (time budget). */
  deferredDeletes: number;
  blobNotFound: number;
  pruned: number;
  prunedBytes: number;
  maxPrunedPerJob: number;
  restCalls: number;
  busiestHourRest: number;
  finalBytes: number;
  /**
   * Main's pushes, per leg, against that leg's previous push to main: the steps whose cache key did not change
   * (`unchanged`) and how many of them the build restored; and the pushes whose requirements (wheels,
   * packages) did not change: their steps and how many were restored.
   */
  main: { unchanged: number; unchangedRestored: number; steadySteps: number; steadyRestored: number };
}

/** Content of one build: a version per step (shared across strategies, precomputed per event). */
export type Versions = number[];

/** The content timeline: main's versions over time and each PR run's versions (main at that time + the PR's edits). */
export function contentTimeline(w: Workload, seed = 7): Map<CiEvent, Versions> {
  const rnd = prng(seed);
  let next = 1;
  let main: Versions = STEPS.map(() => next++);
  const patches = new Map<number, Map<number, number>>();
  const out = new Map<CiEvent, Versions>();
  const prs = new Map(w.prs.map((p) => [p.number, p]));
  const patchedAt = new Map<number, number>();
  for (const ev of w.events) {
    if (ev.kind === 'pr-run' || ev.kind === 'branch-push') {
      const pr = prs.get(ev.pr)!;
      const patch = patches.get(pr.number) ?? new Map<number, number>();
      // The opening push carries the PR's change; later pushes mostly touch code, sometimes the change again.
      // A branch push and its pull request's run of the same update build the same content.
      if (patchedAt.get(pr.number) !== ev.update) {
        if (ev.update === 0 || rnd() < 0.3) for (const s of pr.steps) patch.set(s, next++);
        if (ev.update > 0 && rnd() < 0.7) patch.set(5, next++);
        patchedAt.set(pr.number, ev.update);
      }
      patches.set(pr.number, patch);
      out.set(
        ev,
        main.map((v, i) => patch.get(i) ?? v)
      );
    } else if (ev.kind === 'main-push') {
      const patch = ev.pr !== undefined ? patches.get(ev.pr) : undefined;
      if (patch) main = main.map((v, i) => patch.get(i) ?? v);
      if (ev.steps) main = main.map((v, i) => (ev.steps!.includes(i) ? next++ : v));
      out.set(ev, main);
    }
  }
  return out;
}

/** Each step's cache key covers its own version and every ancestor's (BuildKit's content-addressed chain). */
function cacheKeys(matrix: string, versions: Versions): string[] {
  const ancestors = STEPS.map(() => new Set<number>());
  STEPS.forEach((step, i) => {
    ancestors[i].add(i);
    for (const p of step.parents) for (const a of ancestors[p]) ancestors[i].add(a);
  });
  return STEPS.map((s, i) => {
    const covered = [...ancestors[i]].sort((a, b) => a - b).map((a) => `${a}:${versions[a]}`);
    return sha256Digest(`${s.shared ? '*' : matrix}|${covered.join(',')}`);
  });
}

const layerDigest = (key: string) => sha256Digest(`layer|${key}`);

function layerSize(step: number, key: string): number {
  const frac = parseInt(key.slice(7, 15), 16) / 0xffffffff;
  return Math.round(STEPS[step].meanBytes * (0.8 + 0.4 * frac));
}

interface Token {
  write: string;
  read: string[];
}

const readOrder = (t: Token) => [t.write, ...t.read.filter((r) => r !== t.write)];

export interface SimOptions {
  eviction: EvictionMode;
  /** One line per run (time, ref, modes, usage at its peak): what `peak at every moment` looks like. */
  trace?: string[];
}

export function simulate(
  w: Workload,
  content: Map<CiEvent, Versions>,
  strategy: Strategy,
  budgetBytes: number,
  sim: SimOptions = { eviction: 'hourly' }
): Metrics {
  const clock = new Clock(w.start);
  const counters: Counters = zeroCounters();
  // Registered before the store's own listener: sees usage at each hourly eviction check, before it evicts.
  let peakAtChecks = 0;
  clock.onChange((now, previous) => {
    if (Math.floor(now / HOUR) > Math.floor(previous / HOUR)) peakAtChecks = Math.max(peakAtChecks, store.totalBytes());
  });
  const store = new CacheStore(clock, { budgetBytes, retentionMs: 7 * DAY, eviction: sim.eviction }, counters);
  const m: Metrics = {
    strategy: strategy.name,
    jobs: 0,
    hits: 0,
    misses: 0,
    entriesWritten: 0,
    evicted: 0,
    expired: 0,
    peakBytes: 0,
    maxInstantBytes: 0,
    overBudgetWrites: 0,
    modes: { min: 0, max: 0 },
    skippedExports: 0,
    nothingNew: 0,
    maxDeleteMs: 0,
    deferredDeletes: 0,
    blobNotFound: 0,
    pruned: 0,
    prunedBytes: 0,
    maxPrunedPerJob: 0,
    restCalls: 0,
    busiestHourRest: 0,
    finalBytes: 0,
    main: { unchanged: 0, unchangedRestored: 0, steadySteps: 0, steadyRestored: 0 }
  };
  /** Each leg's cache keys at its previous push to main. */
  const lastMainKeys = new Map<string, string[]>();
  const REQUIREMENTS = [3, 4];
  const restByHour = new Map<number, number>();
  const rest = (n: number) => {
    m.restCalls += n;
    const h = Math.floor(clock.now() / (60 * MINUTE));
    restByHour.set(h, (restByHour.get(h) ?? 0) + n);
  };
  const closedRefs: string[] = [];
  const at = (t: number) => {
    if (t > clock.now()) clock.set(t);
  };
  const openPrRefs = () =>
    w.prs.filter((p) => p.opened <= clock.now() && clock.now() < p.closed).map((p) => prRef(p.number));
  const after = strategy.name === 'action' || strategy.name === 'action-20';
  /** Issue 20: the write is decided once the build has run (bench model of src/budget/write.ts). */
  const afterBuild = strategy.name === 'action';
  /** Scopes (per ref) whose last build skipped its write. */
  const lastSkip = new Map<string, boolean>();

  const lookup = (refs: string[], key: string): Entry | undefined => store.lookup(refs, [key], V)?.entry;
  let runPeak = 0;
  /** The run being replayed and its phase, for `peakAt`. */
  let current = { run: '', phase: '', usageAtRunStart: 0 };
  const upload = (ref: string, key: string, size: number, data: Buffer): void => {
    const r = store.reserve(ref, key, V);
    if (!r.ok) return;
    store.putBlob(r.entry, data);
    // Usage the moment this write lands, before GitHub's eviction can act on it.
    const landing = store.totalBytes() + size;
    if (landing > m.maxInstantBytes) m.peakAt = { t: clock.now(), key, bytes: size, ...current };
    m.maxInstantBytes = Math.max(m.maxInstantBytes, landing);
    runPeak = Math.max(runPeak, landing);
    if (landing > budgetBytes) m.overBudgetWrites++;
    if (store.finalize(ref, key, V, size).ok) m.entriesWritten++;
  };

  const listing = (): CacheEntry[] =>
    store.committed().map((e) => ({
      id: e.id,
      key: e.key,
      ref: e.ref,
      size: e.size,
      createdAt: e.createdAt,
      lastAccessedAt: e.lastAccessedAt,
      version: e.version
    }));

  /** Reads the live (and pinned) indexes on readable refs, as the action's twirp reader does (a read bumps access). */
  const readIndexes = (entries: CacheEntry[], readable: string[], closed: string[]) => {
    const contents = new Map<number, { digests: Set<string>; final: Set<string> }>();
    for (const e of indexesToRead(entries, { readableRefs: readable, closedPrRefs: closed, now: clock.now() })) {
      const hit = store.lookup([e.ref], [e.key], V);
      if (!hit || hit.matchedKey !== e.key || !hit.entry.data) continue;
      const parsed = parseIndexJson(hit.entry.data);
      const digests = new Set(parsed.digests);
      digests.add(sha256Digest(hit.entry.data));
      contents.set(e.id, { digests, final: parsed.final });
    }
    return contents;
  };

  /** The action's prune, through the same pure planner the action runs; deletes paced as the action paces them. */
  const pruneJob = (
    token: Token,
    jobStart: number,
    closed: string[],
    opts: { targetRatio?: number; command?: boolean; entries?: CacheEntry[] } = {}
  ) => {
    const entries = opts.entries ?? listing();
    const readable = readOrder(token);
    const contents = readIndexes(entries, readable, closed);
    const liveIndexes = new Map([...contents].map(([id, c]) => [id, c.digests]));
    const input = {
      entries,
      liveIndexes,
      readableRefs: readable,
      closedPrRefs: closed,
      budgetBytes,
      now: clock.now(),
      jobStart,
      targetRatio: opts.targetRatio
    };
    const plan = after ? planPrune({ ...input, openPrRefs: openPrRefs() }) : legacyPlanPrune(input);
    // Before: up to 100 deletes a second apart. After: 4 at a time within GitHub's limits, ~2 s in a build step.
    let deletions = plan.deletions;
    let ms = deletions.length * 1000;
    if (after) {
      const fit = opts.command ? deletions.length : deletesWithin(2_000);
      m.deferredDeletes += Math.max(0, deletions.length - fit);
      deletions = deletions.slice(0, fit);
      ms = deleteMs(deletions.length);
    } else deletions = deletions.slice(0, opts.command ? undefined : 100);
    for (const d of deletions) store.remove(d.id);
    if (!opts.command) m.maxDeleteMs = Math.max(m.maxDeleteMs, ms);
    m.pruned += deletions.length;
    m.prunedBytes += deletions.reduce((s, d) => s + d.bytes, 0);
    m.maxPrunedPerJob = Math.max(m.maxPrunedPerJob, deletions.length);
    rest(Math.max(1, Math.ceil(entries.length / 100)) + (after ? 1 : 0) + deletions.length);
  };

  /** Superseded blobs the decision left for after the export (nothing needs them once the new index is written). */
  const deleteAfter: Superseded[] = [];
  const removeSuperseded = (d: Superseded) => {
    if (!store.committed().some((e) => e.id === d.id)) return;
    store.remove(d.id);
    m.pruned++;
    m.prunedBytes += d.bytes;
    rest(1);
  };

  /**
   * Issue 20: once the leg's build has run, what its write adds and which blobs of its previous generation the
   * new index will not name are known; decideWrite says whether it writes and what to delete first. The legs of a
   * run decide one after another, each seeing the writes and deletions of the legs before it.
   */
  const writeAfterBuild = (job: Job, token: Token, runStart: number): boolean => {
    const scope = strategy.scope(job.matrix);
    const entries = listing();
    const readable = readOrder(token);
    const present = new Set(entries.filter((e) => readable.includes(e.ref)).map((e) => e.key));
    let addBytes = 1_500; // the new index
    const kept = new Set<string>();
    STEPS.forEach((step, i) => {
      if (job.mode === 'min' && !step.final) return;
      const digest = layerDigest(job.keys[i]);
      const exists = present.has(blobKey(digest));
      const have = job.executed[i] || job.loaded[i];
      if (exists || have) kept.add(digest);
      if (!exists && have) addBytes += layerSize(i, job.keys[i]);
    });
    const contents = readIndexes(entries, readable, []);
    const own = entries
      .filter((e) => e.ref === token.write && parseIndexKey(e.key)?.scope === scope && contents.has(e.id))
      .sort((a, b) => b.createdAt - a.createdAt)[0];
    const othersLive = new Set([...contents].filter(([id]) => id !== own?.id).flatMap(([, c]) => [...c.digests]));
    const previous = own ? contents.get(own.id)!.digests : new Set<string>();
    const key = `${scope}\n${token.write}`;
    // As the action sizes it (steps/write.ts): the previous generation's chain layers the build did not look up.
    const generation = generationAfterBuild(
      entries,
      { contents, scope, readableRefs: readable },
      { buildStartedAt: runStart, now: clock.now() }
    );
    const asAction = EXACT_WRITE_SIZING ? undefined : generation.ref !== undefined ? generation : undefined;
    const facts = {
      builtSteps: job.executed.filter(Boolean).length,
      addBytes: asAction ? asAction.rebuiltBytes : addBytes,
      usageBytes: store.totalBytes(),
      budgetBytes,
      superseded: asAction
        ? asAction.superseded
        : supersededEntries(entries, token.write, { previous, kept }, othersLive),
      defaultBranch: token.write === MAIN,
      skippedLast: lastSkip.get(key) ?? false
    };
    let decision = decideWrite(facts);
    if (decision.outcome === 'make-room') {
      for (const d of decision.deleteBefore) removeSuperseded(d);
      pruneJob(token, runStart, [], { targetRatio: decision.usageTargetBytes / budgetBytes });
      decision = decideWrite({ ...facts, superseded: [], usageBytes: store.totalBytes(), roomMade: true });
    }
    rest(Math.max(1, Math.ceil(entries.length / 100)));
    if (!decision.write) {
      if (decision.outcome === 'skipped') m.skippedExports++;
      else m.nothingNew++;
      lastSkip.set(key, decision.outcome === 'skipped');
      return false;
    }
    lastSkip.set(key, false);
    for (const d of decision.deleteBefore) removeSuperseded(d);
    deleteAfter.push(...decision.deleteAfter);
    return true;
  };

  interface Job {
    matrix: string;
    keys: string[];
    executed: boolean[];
    loaded: boolean[];
    failed: boolean;
    mode: 'min' | 'max';
  }

  const buildRun = (token: Token, versions: Versions, onDefaultPush: boolean, label: string) => {
    const runStart = clock.now();
    runPeak = store.totalBytes();
    current = { run: label, phase: '', usageAtRunStart: store.totalBytes() };
    const refs = readOrder(token);
    const jobs: Job[] = [];
    const decided =
      strategy.name === 'default' ? 'min' : strategy.name === 'per-job' ? 'max' : onDefaultPush ? 'max' : 'min';
    // Phase 1: every leg reads the cache at the same moment: the same usage, the same listing.
    const modes = new Map<string, 'min' | 'max'>(w.matrix.map((mx) => [mx, decided]));
    const legPlans = new Map<string, LegPlan>();
    const skipped = new Set<string>();
    if (strategy.prune) {
      const entries = listing();
      const usage = entries.reduce((sum, e) => sum + e.size, 0);
      rest(w.matrix.length * (2 + (after ? Math.max(1, Math.ceil(entries.length / 100)) : 0)));
      let target: number | undefined;
      if (after) {
        const contents = readIndexes(entries, refs, []);
        const facts: ModeFacts = {
          usageBytes: usage,
          budgetBytes,
          footprints: scopeFootprints(entries, contents, refs, clock.now()),
          concurrentLegs: w.matrix.length - 1
        };
        for (const mx of w.matrix) {
          const leg = { scope: strategy.scope(mx), family: scopeFamily('.', 'build.envd:build') };
          const mode = modeForBudget('auto', decided, facts, leg).mode;
          modes.set(mx, mode);
          // The prune before the build leaves room for what the legs add (src/budget/run.ts pruneBeforeTarget).
          const legs = legPlanFor(facts, leg);
          if (legs) legPlans.set(mx, legs);
          const adds = legs && (mode === 'max' ? legs.addBytes : legs.minAddBytes);
          const room =
            legs && adds !== undefined ? Math.max(0, (legs.ceilingBytes - adds) / budgetBytes) : TARGET_RATIO;
          const t = Math.min(TARGET_RATIO, room);
          if (usage > t * budgetBytes) target = Math.min(target ?? 1, t);
        }
      } else {
        const near = nearBudget(usage, budgetBytes, HIGH_WATER);
        for (const mx of w.matrix) modes.set(mx, onDefaultPush && !near ? 'max' : 'min');
        if (usage > TARGET_RATIO * budgetBytes) target = TARGET_RATIO;
      }
      // Concurrent legs plan the same deletions from the same listing: carried out once.
      if (target !== undefined) pruneJob(token, clock.now(), [], { targetRatio: target, entries });
      // What still does not fit after that prune is not exported (src/budget/run.ts exportRoom, before issue 20).
      if (after && !afterBuild)
        for (const mx of w.matrix) {
          const legs = legPlans.get(mx);
          if (legs && !exportFits(legs, strategy.scope(mx), store.totalBytes()).fits) skipped.add(mx);
        }
    }
    for (const matrix of w.matrix) {
      m.jobs++;
      const scope = strategy.scope(matrix);
      const records = new Map<string, string>();
      for (const ref of refs) {
        const index = lookup(refs, indexKey(scope, ref));
        if (!index?.data) continue;
        const config = JSON.parse(index.data.toString('utf8')) as {
          layers: Array<{ blob: string }>;
          records: Array<{ digest: string; layers: Array<{ layer: number }> }>;
        };
        for (const r of config.records)
          if (!records.has(r.digest)) records.set(r.digest, config.layers[r.layers[0].layer].blob);
      }
      const keys = cacheKeys(matrix, versions);
      const hit = keys.map((k) => records.has(k));
      const needed = STEPS.map((s) => s.final);
      const executed = STEPS.map(() => false);
      const loaded = STEPS.map(() => false);
      for (let i = STEPS.length - 1; i >= 0; i--) {
        if (!needed[i]) continue;
        if (hit[i]) loaded[i] = true;
        else {
          executed[i] = true;
          for (const p of STEPS[i].parents) needed[p] = true;
        }
      }
      // A cache hit loads its layer blob (BuildKit's CheckDescriptor): missing means "blob not found".
      let failed = false;
      for (let i = 0; i < STEPS.length; i++)
        if (loaded[i] && !lookup(refs, blobKey(records.get(keys[i])!))) failed = true;
      if (failed) {
        // The build fails; it is retried once without --import-cache (the action does this itself; by hand otherwise).
        m.blobNotFound++;
        executed.fill(true);
        loaded.fill(false);
      }
      const cached = executed.filter((e) => !e).length;
      if (skipped.has(matrix) && !afterBuild) m.skippedExports++;
      m.hits += cached;
      m.misses += STEPS.length - cached;
      if (onDefaultPush) {
        const previous = lastMainKeys.get(matrix);
        if (previous) {
          keys.forEach((k, i) => {
            if (k !== previous[i]) return;
            m.main.unchanged++;
            if (!executed[i]) m.main.unchangedRestored++;
          });
          if (REQUIREMENTS.every((i) => keys[i] === previous[i])) {
            m.main.steadySteps += STEPS.length;
            m.main.steadyRestored += cached;
          }
        }
        lastMainKeys.set(matrix, keys);
      }
      const mode = modes.get(matrix)!;
      m.modes[mode]++;
      jobs.push({ matrix, keys, executed, loaded, failed, mode });
    }
    // Phase 2: every leg exports (layers first, then a new index #n+1 on its own ref).
    at(runStart + 15 * MINUTE);
    for (const [i, job] of jobs.entries()) {
      if (afterBuild && !writeAfterBuild(job, token, runStart)) skipped.add(job.matrix);
      if (skipped.has(job.matrix)) continue;
      current.phase = `leg ${i + 1}/${jobs.length} (${job.matrix}, ${job.mode}) exporting, ${store.totalBytes() === 0 ? 'empty cache' : `${(store.totalBytes() / 1e6).toFixed(0)} MB before its first write`}`;
      const layers: Array<{ blob: string; parent: number }> = [];
      const recs: Array<{
        digest: string;
        layers: Array<{ layer: number }>;
        inputs: Array<Array<{ selector: string; link: number }>>;
      }> = [];
      const layerOf = new Map<number, number>();
      const recordOf = new Map<number, number>();
      STEPS.forEach((step, i) => {
        if (job.mode === 'min' && !step.final) return;
        const digest = layerDigest(job.keys[i]);
        const exists = lookup(refs, blobKey(digest)) !== undefined;
        const have = job.executed[i] || job.loaded[i];
        if (!exists) {
          if (!have) return; // a lazy layer that is gone: skipped (BuildKit ≥ 0.26)
          upload(token.write, blobKey(digest), layerSize(i, job.keys[i]), Buffer.alloc(0));
        }
        // BuildKit's cache config (cache/remotecache/v1/types/spec.go): a layer's parent, a record's inputs.
        layers.push({ blob: digest, parent: step.parents.length ? (layerOf.get(step.parents[0]) ?? -1) : -1 });
        layerOf.set(i, layers.length - 1);
        recs.push({
          digest: job.keys[i],
          layers: [{ layer: layers.length - 1 }],
          inputs: step.parents.filter((p) => recordOf.has(p)).map((p) => [{ selector: '', link: recordOf.get(p)! }])
        });
        recordOf.set(i, recs.length - 1);
      });
      const scope = strategy.scope(job.matrix);
      const prev = store.lookup([token.write], [`${indexKey(scope, token.write)}#`], V);
      const n = (prev ? (parseIndexKey(prev.matchedKey)?.n ?? 0) : 0) + 1;
      const json = Buffer.from(JSON.stringify({ layers, records: recs }));
      upload(token.write, indexKey(scope, token.write, n), json.length, json);
      for (const d of deleteAfter.splice(0)) removeSuperseded(d);
    }
    // Phase 3: the action prunes after each successful export.
    if (strategy.prune) {
      at(runStart + 17 * MINUTE);
      for (const job of jobs) if (!skipped.has(job.matrix)) pruneJob(token, runStart, []);
    }
    sim.trace?.push(
      `${new Date(runStart).toISOString().slice(11, 16)} ${label.padEnd(34)} ${jobs
        .map((j) => (skipped.has(j.matrix) ? 'skip' : j.mode))
        .join(',')
        .padEnd(14)} ` +
        `peak ${(runPeak / 1e6).toFixed(0).padStart(5)} MB (${Math.round((runPeak / budgetBytes) * 100)}%), after prune ${(store.totalBytes() / 1e6).toFixed(0)} MB`
    );
  };

  const prOf = new Map(w.prs.map((p) => [p.number, p]));
  for (const ev of w.events) {
    at(ev.t);
    if (ev.kind === 'main-push') buildRun({ write: MAIN, read: [] }, content.get(ev)!, true, `push ${MAIN}`);
    else if (ev.kind === 'pr-run')
      buildRun({ write: prRef(ev.pr), read: [MAIN] }, content.get(ev)!, false, `pull_request ${prRef(ev.pr)}`);
    else if (ev.kind === 'branch-push') {
      const ref = branchRef(prOf.get(ev.pr)!.branch);
      buildRun({ write: ref, read: [MAIN] }, content.get(ev)!, false, `push ${ref}`);
    } else if (ev.kind === 'pr-closed') {
      closedRefs.push(prRef(ev.pr));
      if (strategy.prune)
        pruneJob({ write: prRef(ev.pr), read: [MAIN] }, clock.now(), [prRef(ev.pr)], { command: true });
    } else if (ev.kind === 'sweep' && strategy.prune) {
      rest(1); // open pull requests
      pruneJob({ write: MAIN, read: [] }, clock.now(), [...closedRefs], { command: true });
    }
  }
  at(w.start + w.days * DAY);
  m.peakBytes = peakAtChecks;
  m.evicted = counters.evicted;
  m.expired = counters.expired;
  m.finalBytes = store.totalBytes();
  m.busiestHourRest = Math.max(0, ...restByHour.values());
  return m;
}

/** How many deletes the action gets through in a build step's time budget (4 at a time, the first alone). */
export function deletesWithin(budgetMs: number, latencyMs = DELETE_LATENCY_MS, concurrency = 4): number {
  return budgetMs < latencyMs ? 0 : 1 + concurrency * Math.floor((budgetMs - latencyMs) / latencyMs);
}

/** How long `n` deletes take the action: the first alone, then 4 at a time. */
export function deleteMs(n: number, latencyMs = DELETE_LATENCY_MS, concurrency = 4): number {
  return n === 0 ? 0 : latencyMs * (1 + Math.ceil((n - 1) / concurrency));
}
