/**
 * Budget and pruning, as main and post call them: read the budget before the build (and prune then too when
 * usage is above target), prune after a successful export or for `command: prune`. Each returns data,
 * Decisions and warnings; nothing here fails a build. With `dryRun` nothing is deleted and the plan is
 * returned instead.
 */
import type { Auto } from '../inputs/inputs.js';
import { echo } from '../text/text.js';
import { formatSize, resolveBudget } from '../budget/budget.js';
import { runDeletes, type Timer } from '../io/github/deletes.js';
import type { DeleteLimits } from '../http/pacing.js';
import { concurrentLegsOf } from '../budget/estimate.js';
import { readLiveIndexes, type IndexReader } from '../io/github/indexes.js';
import { planPrune, type PrunePlan } from '../budget/prune.js';
import { type CacheEntry } from '../budget/generations.js';
import { planLines } from '../budget/report.js';
import type { BudgetReading, Listing, PruneOutcome } from '../budget/ledger.js';
import {
  dryRunDecision,
  footprintsOf,
  listingRefused,
  pullRequestRefs,
  readingWithFigure,
  readingWithoutFigure,
  readingWithoutUsage,
  settleDeletes,
  type UsageFacts,
  withTotals
} from '../budget/usage.js';
import type { CacheRest, RestResult } from '../io/github/rest.js';

export type { BudgetReading, PruneOutcome };

export interface Logger {
  info(message: string): void;
  debug?(message: string): void;
}

const silent: Logger = { info: () => undefined };

export interface ReadBudgetOptions {
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
}

/** Before the build: the budget (`cache-budget`, else the storage limit, else 10 GB) and current usage. */
export async function fetchReading(opts: ReadBudgetOptions): Promise<BudgetReading> {
  const log = opts.log ?? silent;
  if (!opts.rest) return readingWithoutUsage(opts.cacheBudget);
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
  if (!usage.ok) {
    const { reading, note } = readingWithoutFigure(budget, usage, opts.warned);
    if (note) log.info(note);
    return reading;
  }
  const { reader, readableRefs } = opts;
  const listed =
    listedP && reader && readableRefs
      ? await readListed({ reader, readableRefs, now: opts.now }, listedP, log)
      : undefined;
  let concurrentLegs: number | undefined;
  if (listed && jobsP && opts.run) {
    const jobs = await jobsP;
    if (jobs.ok) concurrentLegs = concurrentLegsOf(jobs.value, opts.run.job);
    else
      log.info(`The run's jobs could not be listed (${jobs.message}); sibling legs are known from their caches only`);
  }
  const reading = readingWithFigure({
    budget,
    usage: usage.value,
    listed,
    concurrentLegs,
    targetRatio: opts.targetRatio
  });
  log.info(`Cache usage: ${reading.bar}`);
  return reading;
}

/** The listing and its live indexes on the readable refs, for the estimate; undefined when it could not be listed. */
async function readListed(
  at: { reader: IndexReader; readableRefs: readonly string[]; now?: () => number },
  listedP: Promise<RestResult<Listing>>,
  log: Logger
): Promise<UsageFacts['listed']> {
  const listed = await listedP;
  if (!listed.ok) {
    log.info(`The cache could not be listed (${listed.message}); this export's size is not estimated`);
    return undefined;
  }
  const now = (at.now ?? Date.now)();
  const read = await readLiveIndexes(at.reader, listed.value.entries, { readableRefs: at.readableRefs, now });
  return { listing: listed.value, entries: read.entries, footprints: footprintsOf(read, at.readableRefs, now) };
}

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
  /** A listing just read (fetchReading's), used instead of listing again. */
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

export async function carryOutPrune(opts: PruneOptions): Promise<PruneOutcome> {
  const log = opts.log ?? silent;
  const now = opts.now ?? Date.now;
  const started = now();
  const restStart = opts.rest.calls;
  const indexStart = opts.reader?.calls ?? 0;
  const blank: PruneOutcome = {
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
  const finish = (out: PruneOutcome) =>
    withTotals({ ...out, restCalls: opts.rest.calls - restStart, indexCalls: (opts.reader?.calls ?? 0) - indexStart });

  // The open pull requests do not depend on the listing: both round trips at once.
  const openPrs = opts.openPrs ?? opts.rest.openPullRequests();
  const listing: RestResult<Listing> = opts.listing ? { ok: true, value: opts.listing } : await opts.rest.listAll();
  if (!listing.ok) return finish({ ...blank, ...listingRefused(listing, opts.warned) });
  if (opts.listing) log.info(`The listing read before the build serves: ${listing.value.entries.length} cache entries`);
  else
    log.info(
      `Listed ${listing.value.entries.length} cache entries in ${listing.value.pages} page${listing.value.pages === 1 ? '' : 's'}`
    );

  const { closed, openPrRefs } = await pullRequests(opts, listing.value.entries, openPrs, log);
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
  const planned: PruneOutcome = { ...blank, plan, usageBytes: plan.usageBytes, planMs: now() - started };
  if (opts.dryRun) {
    for (const line of planLines(plan)) log.info(line);
    return finish({ ...planned, decisions: [dryRunDecision(plan)] });
  }
  return finish({ ...planned, ...(await deleteAll(opts, plan, log)) });
}

/** The open pull requests (asked for already, or now) and the closed ones (pullRequestRefs). */
async function pullRequests(
  opts: PruneOptions,
  listed: readonly CacheEntry[],
  openPrs: Promise<RestResult<number[]>>,
  log: Logger
): Promise<{ closed: Set<string>; openPrRefs?: string[] }> {
  const open = await openPrs;
  if (!open.ok)
    log.info(`Open pull requests could not be listed (${open.message}); pull requests' caches are judged by age only`);
  return pullRequestRefs({
    given: opts.closedPrRefs,
    discover: opts.discoverClosedPrs,
    listed,
    ...(open.ok ? { open: open.value } : {})
  });
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

/** Runs the plan's deletions (up to maxDeletes); what was deleted, gone and left, and why it stopped (settleDeletes). */
async function deleteAll(
  opts: PruneOptions,
  plan: PrunePlan,
  log: Logger
): Promise<Pick<PruneOutcome, 'deleted' | 'gone' | 'notDeleted' | 'missingGrant' | 'warnings' | 'decisions'>> {
  const clock = opts.timer ?? { now: opts.now ?? Date.now };
  const max = opts.maxDeletes ?? Number.POSITIVE_INFINITY;
  const now0 = clock.now();
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
  const settled = settleDeletes(plan, run, { max, warned: opts.warned });
  const left = settled.notDeleted.length;
  log.info(
    `Deleted ${run.deleted.length} entries in ${((clock.now() - now0) / 1000).toFixed(1)} s${left ? `; ${left} left (${settled.stop})` : ''}`
  );
  return {
    deleted: run.deleted,
    gone: run.gone,
    notDeleted: settled.notDeleted,
    ...(settled.missingGrant ? { missingGrant: settled.missingGrant } : {}),
    warnings: settled.warnings,
    decisions: [settled.decision]
  };
}
