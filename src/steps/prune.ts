/**
 * Budget and pruning, as main and post call them: read the budget before the build (and prune then too when
 * usage is above target), prune after a successful export or for `command: prune`. Each returns data,
 * Decisions and warnings; nothing here fails a build. With `dryRun` nothing is deleted and the plan is
 * returned instead.
 */
import type { Auto } from '../inputs/inputs.js';
import type { Decision } from '../plan/plan.js';
import { echo } from '../text/text.js';
import { TARGET_RATIO, formatSize, nearBudget, percent, resolveBudget, usageBar } from '../budget/budget.js';
import { runDeletes, type DeleteLimits, type Timer } from '../io/github/deletes.js';
import { concurrentLegsOf, scopeFootprints, type ScopeFootprint } from '../budget/estimate.js';
import { readLiveIndexes, type IndexReader } from '../io/github/indexes.js';
import { type CacheEntry, planPrune, type PrunePlan } from '../budget/prune.js';
import { describeDeletions, planLines } from '../budget/report.js';
import type { BudgetReading, Listing, PruneOutcome } from '../budget/state.js';
import type { CacheRest, RestFailure, RestResult } from '../io/github/rest.js';

export type { BudgetReading, PruneOutcome };

export interface Logger {
  info(message: string): void;
  debug?(message: string): void;
}

const silent: Logger = { info: () => undefined };

/** Which grant a failure shows to be missing, if any. */
function missingGrant(f: RestFailure): boolean {
  return f.kind === 'forbidden' || f.kind === 'unauthorized';
}

export const READ_GRANT_WARNING =
  'The github-token cannot read the repository\'s GitHub cache (it needs "permissions: actions: read", and "actions: write" to prune): the cache budget is not checked and nothing is pruned. The build is not affected.';
export const WRITE_GRANT_WARNING =
  'Pruning needs "permissions: actions: write" for the github-token; nothing was deleted, and GitHub will evict least-recently-used entries once the repository is over its limit. The build is not affected.';

/** Before the build: the budget (`cache-budget`, else the storage limit, else 10 GB) and current usage. */
// eslint-disable-next-line max-lines-per-function -- grew past 80 lines when prettier wrapped it; issue 25 moves this policy to budget/
export async function readBudget(opts: {
  rest?: CacheRest;
  /** With a reader, the listing and the live indexes on `readableRefs` give each scope's footprint. */
  reader?: IndexReader;
  /** Refs the runtime token can read, its own (writable) ref first. */
  readableRefs?: readonly string[];
  /** GITHUB_RUN_ID and GITHUB_JOB of a matrix leg: its run's jobs tell how many sibling legs run with it. */
  run?: { id: string; job: string };
  now?: () => number;
  cacheBudget: Auto<number>;
  targetRatio?: number;
  warned?: boolean;
  log?: Logger;
}): Promise<BudgetReading> {
  const log = opts.log ?? silent;
  const warnings: string[] = [];
  if (!opts.rest) {
    const budget = resolveBudget(opts.cacheBudget);
    return {
      budget,
      near: false,
      aboveTarget: false,
      decisions: [
        {
          topic: 'budget',
          outcome: formatSize(budget.bytes),
          reason: `${budget.source}; usage not read: outside GitHub Actions, or without a github-token`
        }
      ],
      warnings: budget.warning ? [budget.warning] : []
    };
  }
  // Every read that does not depend on another starts at once: each is a round trip to the REST API. The
  // listing and the run's jobs are only used once usage could be read (a missing grant fails them all alike).
  const rest = opts.rest;
  const estimate = !!(opts.reader && opts.readableRefs);
  const listedP = estimate ? rest.listAll() : undefined;
  const jobsP = estimate && opts.run?.id && rest.runJobs ? rest.runJobs(opts.run.id) : undefined;
  const [limitGb, usage] = await Promise.all([
    opts.cacheBudget === 'auto' ? rest.storageLimitGb() : undefined,
    rest.usage()
  ]);
  const budget = resolveBudget(opts.cacheBudget, limitGb);
  if (budget.warning) warnings.push(budget.warning);
  const decisions: Decision[] = [{ topic: 'budget', outcome: formatSize(budget.bytes), reason: budget.source }];
  if (!usage.ok) {
    const grant = missingGrant(usage);
    if (grant && !opts.warned) warnings.push(READ_GRANT_WARNING);
    if (!grant) log.info(`Cache usage could not be read (${usage.message}); the budget is not checked this run`);
    decisions.push({
      topic: 'usage',
      outcome: 'unknown',
      reason: grant ? 'the github-token lacks actions: read' : `the REST API answered: ${usage.message}`
    });
    return {
      budget,
      near: false,
      aboveTarget: false,
      decisions,
      warnings,
      ...(grant ? { missingGrant: 'read' as const } : {})
    };
  }
  let bytes = usage.value.bytes;
  let count = usage.value.count;
  let footprints: ScopeFootprint[] | undefined;
  let listing: Listing | undefined;
  if (listedP && opts.reader && opts.readableRefs) {
    // The listing is current where the usage figure lags (about 5 minutes): the larger of the two counts.
    const listed = await listedP;
    if (listed.ok) {
      listing = listed.value;
      const now = (opts.now ?? Date.now)();
      const read = await readLiveIndexes(opts.reader, listed.value.entries, { readableRefs: opts.readableRefs, now });
      footprints = scopeFootprints(
        read.entries,
        new Map(
          [...read.liveIndexes].map(([id, digests]) => [id, { digests, final: read.finalLayers.get(id) ?? digests }])
        ),
        opts.readableRefs,
        now
      );
      const listedBytes = read.entries.reduce((sum, e) => sum + e.size, 0);
      if (listedBytes > bytes) [bytes, count] = [listedBytes, read.entries.length];
    } else log.info(`The cache could not be listed (${listed.message}); this export's size is not estimated`);
  }
  let concurrentLegs: number | undefined;
  if (footprints && jobsP && opts.run) {
    const jobs = await jobsP;
    if (jobs.ok) concurrentLegs = concurrentLegsOf(jobs.value, opts.run.job);
    else
      log.info(`The run's jobs could not be listed (${jobs.message}); sibling legs are known from their caches only`);
  }
  const near = nearBudget(bytes, budget.bytes);
  const aboveTarget = bytes > (opts.targetRatio ?? TARGET_RATIO) * budget.bytes;
  const bar = usageBar(bytes, budget.bytes);
  decisions.push({
    topic: 'usage',
    outcome: `${formatSize(bytes)} (${percent(bytes, budget.bytes)}%)`,
    reason: `${count} entries in the repository's GitHub cache${near ? ', near the budget' : ''} (${listing ? 'listed now' : 'GitHub refreshes this figure about every 5 minutes'})`
  });
  log.info(`Cache usage: ${bar}`);
  return {
    budget,
    usageBytes: bytes,
    usageCount: count,
    near,
    aboveTarget,
    bar,
    decisions,
    warnings,
    ...(footprints ? { footprints } : {}),
    ...(listing ? { listing } : {}),
    ...(concurrentLegs !== undefined ? { concurrentLegs } : {})
  };
}

const PR_REF = /^refs\/pull\/(\d+)\/(merge|head)$/;

export interface PruneOptions {
  rest: CacheRest;
  /** Reads index contents with the runtime token; without it no blob is deleted for being unreferenced. */
  reader?: IndexReader;
  /** Refs the runtime token can read. */
  readableRefs: readonly string[];
  /** Refs of pull requests known to be closed, e.g. the event's on `pull_request: closed`. */
  closedPrRefs?: readonly string[];
  /**
   * Treat the `refs/pull/…` refs of pull requests that are not open as closed (a scheduled sweep). The open
   * pull requests are asked for anyway: their caches rank above other refs' (see planPrune).
   */
  discoverClosedPrs?: boolean;
  budgetBytes: number;
  targetRatio?: number;
  graceMs?: number;
  pinMs?: number;
  idleMs?: number;
  /** When this job started (ms since the epoch). */
  jobStart: number;
  now?: () => number;
  dryRun: boolean;
  /** At most this many deletions in this run; the rest wait for the next run. */
  maxDeletes?: number;
  /** A listing just read (readBudget's), used instead of listing again. */
  listing?: Listing;
  /** The open pull requests, asked for already (with the budget reading's listing), used instead of asking again. */
  openPrs?: Promise<RestResult<number[]>>;
  /** How deletes are paced (concurrency, GitHub's points a minute) and how long they may take (timeBudgetMs). */
  deleteLimits?: DeleteLimits;
  /** The clock deletes wait on; tests inject one. */
  timer?: Timer;
  /** A missing-grant warning was already given in this job. */
  warned?: boolean;
  log?: Logger;
}

export async function prune(opts: PruneOptions): Promise<PruneOutcome> {
  const log = opts.log ?? silent;
  const now = opts.now ?? Date.now;
  const started = now();
  const restStart = opts.rest.calls;
  const indexStart = opts.reader?.calls ?? 0;
  const out: PruneOutcome = {
    dryRun: opts.dryRun,
    deleted: [],
    gone: [],
    notDeleted: [],
    prunedEntries: 0,
    prunedBytes: 0,
    restCalls: 0,
    indexCalls: 0,
    planMs: 0,
    decisions: [],
    warnings: []
  };
  const finish = () => {
    out.restCalls = opts.rest.calls - restStart;
    out.indexCalls = (opts.reader?.calls ?? 0) - indexStart;
    out.prunedEntries = out.deleted.length;
    out.prunedBytes = out.deleted.reduce((s, d) => s + d.bytes, 0);
    if (out.usageBytes !== undefined)
      out.usageAfterBytes = out.usageBytes - out.prunedBytes - out.gone.reduce((s, d) => s + d.bytes, 0);
    return out;
  };

  // The open pull requests do not depend on the listing: both round trips at once.
  const openPrs = opts.openPrs ?? opts.rest.openPullRequests();
  const listing: RestResult<Listing> = opts.listing ? { ok: true, value: opts.listing } : await opts.rest.listAll();
  if (!listing.ok) {
    const grant = missingGrant(listing);
    if (grant) out.missingGrant = 'read';
    if (grant && !opts.warned) out.warnings.push(READ_GRANT_WARNING);
    // A GitHub API that went silent was warned about once, where it did.
    else if (!grant && listing.kind !== 'down')
      out.warnings.push(`Pruning skipped: the cache listing failed (${listing.message}). The build is not affected.`);
    out.decisions.push({
      topic: 'prune',
      outcome: 'skipped',
      reason: grant ? 'the github-token lacks actions: read' : `listing failed: ${listing.message}`
    });
    return finish();
  }
  if (opts.listing) log.info(`The listing read before the build serves: ${listing.value.entries.length} cache entries`);
  else
    log.info(
      `Listed ${listing.value.entries.length} cache entries in ${listing.value.pages} page${listing.value.pages === 1 ? '' : 's'}`
    );

  const { closed, openPrRefs } = pullRequestRefs(opts, { listed: listing.value.entries, open: await openPrs }, log);
  const { entries, liveIndexes } = await readIndexes(opts, listing.value.entries, [...closed], log);

  const plan = planPrune({
    entries,
    liveIndexes,
    readableRefs: opts.readableRefs,
    closedPrRefs: [...closed],
    openPrRefs,
    budgetBytes: opts.budgetBytes,
    targetRatio: opts.targetRatio,
    now: now(),
    jobStart: opts.jobStart,
    graceMs: opts.graceMs,
    pinMs: opts.pinMs,
    idleMs: opts.idleMs,
    listingComplete: listing.value.complete
  });
  out.plan = plan;
  out.usageBytes = plan.usageBytes;
  out.planMs = now() - started;

  if (opts.dryRun) {
    for (const line of planLines(plan)) log.info(line);
    out.decisions.push({
      topic: 'prune',
      outcome: 'dry run',
      reason: `would delete ${describeDeletions(plan.deletions)}; nothing was deleted`
    });
    return finish();
  }

  await deleteAll(opts, plan, out, log);
  return finish();
}

/** Open pull requests' refs, and the closed ones: those given, plus (discoverClosedPrs) listed ones no longer open. */
function pullRequestRefs(
  opts: PruneOptions,
  { listed, open }: { listed: readonly CacheEntry[]; open: RestResult<number[]> },
  log: Logger
): { closed: Set<string>; openPrRefs?: string[] } {
  const closed = new Set(opts.closedPrRefs ?? []);
  if (!open.ok) {
    log.info(`Open pull requests could not be listed (${open.message}); pull requests' caches are judged by age only`);
    return { closed };
  }
  const openSet = new Set(open.value);
  if (opts.discoverClosedPrs)
    for (const e of listed) {
      const m = PR_REF.exec(e.ref);
      if (m && !openSet.has(Number(m[1]))) closed.add(e.ref);
    }
  return { closed, openPrRefs: open.value.flatMap((n) => [`refs/pull/${n}/merge`, `refs/pull/${n}/head`]) };
}

/** The live indexes' contents, through the index reader when there is one (else none: every blob is kept). */
async function readIndexes(
  opts: PruneOptions,
  listed: CacheEntry[],
  closedPrRefs: string[],
  log: Logger
): Promise<{ entries: CacheEntry[]; liveIndexes: Map<number, Set<string>> }> {
  if (!opts.reader) return { entries: listed, liveIndexes: new Map() };
  const now = opts.now ?? Date.now;
  const read = await readLiveIndexes(opts.reader, listed, {
    readableRefs: opts.readableRefs,
    closedPrRefs,
    now: now(),
    pinMs: opts.pinMs
  });
  if (read.vanished.length)
    log.info(
      `${read.vanished.length} index entr${read.vanished.length === 1 ? 'y' : 'ies'} vanished between the listing and the read`
    );
  for (const f of read.failed)
    log.info(`Index ${echo(f.entry.key)} on ${echo(f.entry.ref)} could not be read: ${echo(f.message)}`);
  for (const u of read.unrecognized)
    log.info(`Index ${echo(u.key)} has an unexpected shape; every digest in it is kept`);
  return { entries: read.entries, liveIndexes: read.liveIndexes };
}

/** Runs the plan's deletions (up to maxDeletes) and records what was deleted, gone and left, and why it stopped. */
async function deleteAll(opts: PruneOptions, plan: PrunePlan, out: PruneOutcome, log: Logger): Promise<void> {
  const now = opts.now ?? Date.now;
  const max = opts.maxDeletes ?? Number.POSITIVE_INFINITY;
  const now0 = (opts.timer ?? { now }).now();
  const run = await runDeletes(
    plan.deletions.slice(0, max),
    async (d) => {
      const r = await opts.rest.deleteById(d.id);
      if (r.ok) log.debug?.(`deleted ${echo(d.key)} on ${echo(d.ref)} (${d.reason}, ${formatSize(d.bytes)})`);
      return r;
    },
    opts.deleteLimits,
    opts.timer
  );
  out.deleted.push(...run.deleted);
  out.gone.push(...run.gone);
  // Back in plan order: the least valuable first, as the next run would plan them.
  const left = new Set([...run.notDeleted, ...plan.deletions.slice(max)]);
  out.notDeleted.push(...plan.deletions.filter((d) => left.has(d)));
  let stop = run.stop ?? (plan.deletions.length > max ? 'maxDeletes' : undefined);
  if (run.forbidden) {
    out.missingGrant = 'write';
    if (!opts.warned) out.warnings.push(WRITE_GRANT_WARNING);
  } else if (run.stop !== undefined && out.notDeleted.length > 0) {
    stop = `${run.stop}; ${run.rateLimited ? `${run.rateLimited} rate-limited answers; ` : ''}the rest waits for the next run or command: prune`;
    if (run.rateLimited)
      out.warnings.push(
        `Pruning stopped at GitHub's REST rate limit after ${out.deleted.length} deletions; the rest waits for the next run or command: prune.`
      );
    else if (/repeated failures/.test(run.stop))
      out.warnings.push(`Pruning stopped after ${run.stop}; the rest waits for the next run.`);
  }
  log.info(
    `Deleted ${out.deleted.length} entries in ${(((opts.timer ?? { now }).now() - now0) / 1000).toFixed(1)} s${out.notDeleted.length ? `; ${out.notDeleted.length} left (${stop})` : ''}`
  );
  const deferred = out.notDeleted.length;
  out.decisions.push({
    topic: 'prune',
    outcome: `${out.deleted.length} deleted`,
    reason: `${describeDeletions(out.deleted)}${out.gone.length ? `; ${out.gone.length} already gone` : ''}${deferred ? `; ${deferred} not deleted (${stop ?? 'maxDeletes'})` : ''}${plan.notes.length ? `; ${plan.notes.join('; ')}` : ''}`
  });
}
