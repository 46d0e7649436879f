/**
 * BuildKit's gha cache client, modelled on the emulator's own store (the same code that serves the HTTP
 * emulator: immutability, per-ref lookup with exact/prefix/newest matching and last-access updates, hourly
 * LRU eviction over the budget, 7-day expiry). One month of CI is replayed in-process against it, for three
 * strategies. The action's strategy calls the same pure core as the action (planPrune, indexesToRead,
 * parseIndexJson, budget); only the HTTP transport is left out here (bench/scale.ts covers it).
 */
import { Clock } from '../__tests__/support/emulator/clock.js';
import { CacheStore, type Entry } from '../__tests__/support/emulator/store.js';
import { zeroCounters, type Counters } from '../__tests__/support/emulator/types.js';
import { HIGH_WATER, TARGET_RATIO, nearBudget } from '../src/budget/budget.js';
import { BUILDKIT_CACHE_VERSION as V, blobKey, indexKey, parseIndexJson, parseIndexKey, sha256Digest } from '../src/budget/keys.js';
import { indexesToRead, planPrune, type CacheEntry } from '../src/budget/prune.js';
import { DAY, HOUR, MAIN, MATRIX, MINUTE, STEPS, prRef, prng, type CiEvent, type Workload } from './workload.js';

export type StrategyName = 'action' | 'per-job' | 'default';

export interface Strategy {
  name: StrategyName;
  label: string;
  scope(matrix: string): string;
  mode(onDefaultPush: boolean, nearBudget: boolean): 'min' | 'max';
  prune: boolean;
}

export const STRATEGIES: readonly Strategy[] = [
  {
    name: 'default',
    label: "BuildKit's defaults: scope=buildkit, mode=min, no pruning",
    scope: () => 'buildkit',
    mode: () => 'min',
    prune: false
  },
  {
    name: 'per-job',
    label: 'per-job scopes, mode=max, no pruning (the docs)',
    scope: (m) => `ci-build-${m}`,
    mode: () => 'max',
    prune: false
  },
  {
    name: 'action',
    label: 'this action: per-job scopes, mode auto, budget + pruning',
    scope: (m) => `ci-build-${m}`,
    mode: (onDefaultPush, near) => (onDefaultPush && !near ? 'max' : 'min'),
    prune: true
  }
];

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
  /** Highest usage at any moment, between an export and the prune that follows it too. */
  maxInstantBytes: number;
  blobNotFound: number;
  pruned: number;
  prunedBytes: number;
  maxPrunedPerJob: number;
  restCalls: number;
  busiestHourRest: number;
  finalBytes: number;
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
  for (const ev of w.events) {
    if (ev.kind === 'pr-run') {
      const pr = prs.get(ev.pr)!;
      const patch = patches.get(pr.number) ?? new Map<number, number>();
      // The opening push carries the PR's change; later pushes mostly touch code, sometimes the change again.
      if (ev.update === 0 || rnd() < 0.3) for (const s of pr.steps) patch.set(s, next++);
      if (ev.update > 0 && rnd() < 0.7) patch.set(5, next++);
      patches.set(pr.number, patch);
      out.set(ev, main.map((v, i) => patch.get(i) ?? v));
    } else if (ev.kind === 'main-push') {
      const patch = ev.pr !== undefined ? patches.get(ev.pr) : undefined;
      if (patch) main = main.map((v, i) => patch.get(i) ?? v);
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

export function simulate(w: Workload, content: Map<CiEvent, Versions>, strategy: Strategy, budgetBytes: number): Metrics {
  const clock = new Clock(w.start);
  const counters: Counters = zeroCounters();
  // Registered before the store's own listener: sees usage at each hourly eviction check, before it evicts.
  let peakAtChecks = 0;
  clock.onChange((now, previous) => {
    if (Math.floor(now / HOUR) > Math.floor(previous / HOUR)) peakAtChecks = Math.max(peakAtChecks, store.totalBytes());
  });
  const store = new CacheStore(clock, { budgetBytes, retentionMs: 7 * DAY, eviction: 'hourly' }, counters);
  const m: Metrics = {
    strategy: strategy.name, jobs: 0, hits: 0, misses: 0, entriesWritten: 0, evicted: 0, expired: 0, peakBytes: 0, maxInstantBytes: 0, blobNotFound: 0,
    pruned: 0, prunedBytes: 0, maxPrunedPerJob: 0, restCalls: 0, busiestHourRest: 0, finalBytes: 0
  };
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

  const lookup = (refs: string[], key: string): Entry | undefined => store.lookup(refs, [key], V)?.entry;
  const upload = (ref: string, key: string, size: number, data: Buffer): void => {
    const r = store.reserve(ref, key, V);
    if (!r.ok) return;
    store.putBlob(r.entry, data);
    if (store.finalize(ref, key, V, size).ok) m.entriesWritten++;
  };

  /** The action's prune, through the same pure planner the action runs (index reads bump access, as twirp does). */
  const pruneJob = (token: Token, jobStart: number, closed: string[]) => {
    const entries: CacheEntry[] = store.committed().map((e) => ({ id: e.id, key: e.key, ref: e.ref, size: e.size, createdAt: e.createdAt, lastAccessedAt: e.lastAccessedAt, version: e.version }));
    const readable = readOrder(token);
    const liveIndexes = new Map<number, Set<string>>();
    for (const e of indexesToRead(entries, readable, closed, clock.now())) {
      const hit = store.lookup([e.ref], [e.key], V);
      if (!hit || hit.matchedKey !== e.key || !hit.entry.data) continue;
      const digests = parseIndexJson(hit.entry.data).digests;
      digests.add(sha256Digest(hit.entry.data));
      liveIndexes.set(e.id, digests);
    }
    const plan = planPrune({ entries, liveIndexes, readableRefs: readable, closedPrRefs: closed, budgetBytes, now: clock.now(), jobStart });
    for (const d of plan.deletions) store.remove(d.id);
    m.pruned += plan.deletions.length;
    m.prunedBytes += plan.deleteBytes;
    m.maxPrunedPerJob = Math.max(m.maxPrunedPerJob, plan.deletions.length);
    rest(Math.max(1, Math.ceil(entries.length / 100)) + plan.deletions.length);
  };

  interface Job {
    matrix: string;
    keys: string[];
    executed: boolean[];
    loaded: boolean[];
    failed: boolean;
    mode: 'min' | 'max';
  }

  const buildRun = (token: Token, versions: Versions, onDefaultPush: boolean) => {
    const runStart = clock.now();
    const refs = readOrder(token);
    const jobs: Job[] = [];
    // Phase 1: every matrix job reads the budget, imports and builds.
    for (const matrix of MATRIX) {
      m.jobs++;
      let near = false;
      if (strategy.prune) {
        // readBudget: usage before the build; above target, prune first to make room for this run's exports.
        rest(2);
        if (store.totalBytes() > TARGET_RATIO * budgetBytes) pruneJob(token, clock.now(), []);
        near = nearBudget(store.totalBytes(), budgetBytes, HIGH_WATER);
      }
      const scope = strategy.scope(matrix);
      const records = new Map<string, string>();
      for (const ref of refs) {
        const index = lookup(refs, indexKey(scope, ref));
        if (!index?.data) continue;
        const config = JSON.parse(index.data.toString('utf8')) as { layers: Array<{ blob: string }>; records: Array<{ digest: string; results: Array<{ layer: number }> }> };
        for (const r of config.records) if (!records.has(r.digest)) records.set(r.digest, config.layers[r.results[0].layer].blob);
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
      for (let i = 0; i < STEPS.length; i++) if (loaded[i] && !lookup(refs, blobKey(records.get(keys[i])!))) failed = true;
      if (failed) {
        // The build fails; it is retried once without --import-cache (the action does this itself; by hand otherwise).
        m.blobNotFound++;
        executed.fill(true);
        loaded.fill(false);
      }
      const cached = executed.filter((e) => !e).length;
      m.hits += cached;
      m.misses += STEPS.length - cached;
      jobs.push({ matrix, keys, executed, loaded, failed, mode: strategy.mode(onDefaultPush, near) });
    }
    // Phase 2: every job exports (layers first, then a new index #n+1 on its own ref).
    at(runStart + 15 * MINUTE);
    for (const job of jobs) {
      const layers: Array<{ blob: string; parent: number }> = [];
      const recs: Array<{ digest: string; results: Array<{ layer: number }> }> = [];
      STEPS.forEach((step, i) => {
        if (job.mode === 'min' && !step.final) return;
        const digest = layerDigest(job.keys[i]);
        const exists = lookup(refs, blobKey(digest)) !== undefined;
        const have = job.executed[i] || job.loaded[i];
        if (!exists) {
          if (!have) return; // a lazy layer that is gone: skipped (BuildKit ≥ 0.26)
          upload(token.write, blobKey(digest), layerSize(i, job.keys[i]), Buffer.alloc(0));
        }
        layers.push({ blob: digest, parent: layers.length - 1 });
        recs.push({ digest: job.keys[i], results: [{ layer: layers.length - 1 }] });
      });
      const scope = strategy.scope(job.matrix);
      const prev = store.lookup([token.write], [`${indexKey(scope, token.write)}#`], V);
      const n = (prev ? (parseIndexKey(prev.matchedKey)?.n ?? 0) : 0) + 1;
      const json = Buffer.from(JSON.stringify({ layers, records: recs }));
      upload(token.write, indexKey(scope, token.write, n), json.length, json);
      m.maxInstantBytes = Math.max(m.maxInstantBytes, store.totalBytes());
    }
    // Phase 3: the action prunes after each successful export.
    if (strategy.prune) {
      at(runStart + 17 * MINUTE);
      for (let i = 0; i < jobs.length; i++) pruneJob(token, runStart, []);
    }
  };

  for (const ev of w.events) {
    at(ev.t);
    if (ev.kind === 'main-push') buildRun({ write: MAIN, read: [] }, content.get(ev)!, true);
    else if (ev.kind === 'pr-run') buildRun({ write: prRef(ev.pr), read: [MAIN] }, content.get(ev)!, false);
    else if (ev.kind === 'pr-closed') {
      closedRefs.push(prRef(ev.pr));
      if (strategy.prune) pruneJob({ write: prRef(ev.pr), read: [MAIN] }, clock.now(), [prRef(ev.pr)]);
    } else if (ev.kind === 'sweep' && strategy.prune) {
      rest(1); // open pull requests
      pruneJob({ write: MAIN, read: [] }, clock.now(), [...closedRefs]);
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
