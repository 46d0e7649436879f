/**
 * Every deadline, retry, wait and pace of the action's own requests, in one table (issue 21 item 1; issue 25: the
 * numbers in one place, `__tests__/http/policies.test.ts` finds any written elsewhere in src/). Pure: the rules
 * that read them are src/http/retry.ts; the shell (io/http/, io/deadlines.ts, io/github/) applies them.
 *
 * The promise they keep: a GitHub API, cache service, registry or S3 endpoint that accepts connections and never
 * answers costs a job at most ~30 s of the action's own time, and one that refuses or answers 5xx costs a few
 * seconds. How the numbers add up:
 *  - A request that gets no answer within its deadline marks its service silent for the rest of the job
 *    (io/deadlines.ts): every later request to it fails at once, so a silent service costs ONE request deadline,
 *    not one per attempt, page, phase or step. The phase that met it goes on without its figure and says so in one
 *    warning; later phases skip that service quietly.
 *  - The requests of a phase that go out together (the budget reading sends usage, the storage limit, the listing,
 *    the run's jobs and the open pull requests at once) time out together: 10 s for the GitHub API, not 5 × 10 s.
 *  - A phase budget bounds a service that answers, but slowly (a listing of many pages, each just under its
 *    deadline): past it the phase's requests are cancelled and the phase goes on with what it has.
 *  - Worst cases, silent: GitHub API 10 s (budget reading; the prune then skips), cache service 10 s (index reads;
 *    the history then skips), registry 5 s (the probe; the digest read then skips), S3 5 s (the probe).
 *    Never more than one request deadline each, and at most the sum of the phase budgets a build step runs
 *    (budget reading 20 s + probes 10 s + prune 20 s) when every service is slow at once.
 */

export interface RequestPolicy {
  /** No answer (status line and whole body) within this long ends the request as a timeout. */
  requestMs: number;
  /** Attempts in all on a retryable failure (5xx, a reset, a refusal); a timeout is not tried again (see above). */
  attempts: number;
  /** The wait after the first failure; it doubles after each further one. */
  backoffMs: number;
}

export const POLICIES = {
  /**
   * TCP connect (and TLS) to any endpoint. A runner reaches GitHub, a registry or S3 in well under a second; a SYN
   * left unanswered for 5 s is a dead route, not a slow one.
   */
  connectMs: 5_000,
  /**
   * GitHub's REST API (usage, storage limit, listing pages, the run's jobs, pull requests, deletes). It answers in
   * well under a second (a page of 100 caches included); 10 s is far past any healthy answer. Three attempts at
   * 300 ms, 600 ms: a 503 or a reset costs about a second before the figure is given up.
   */
  rest: { requestMs: 10_000, attempts: 3, backoffMs: 300 } satisfies RequestPolicy,
  /**
   * The cache service (twirp lookups) and its blob store (an index download: JSON of a few KB to a few MB, the
   * history entry). As REST: 10 s is far past a healthy answer; three attempts at 500 ms, 1 s.
   */
  cacheService: { requestMs: 10_000, attempts: 3, backoffMs: 500 } satisfies RequestPolicy,
  /**
   * An existence probe or digest read: a HEAD on a registry manifest or an S3 object, and a registry's token
   * request. A HEAD is answered from metadata; 5 s each, one attempt (a probe that fails is "unknown", and the
   * import is kept as planned: the build decides).
   */
  probe: { requestMs: 5_000, attempts: 1, backoffMs: 0 } satisfies RequestPolicy,
  /** A request whose client names none of the kinds here. */
  otherRequestMs: 10_000,
  /** The release API read for a tool (a JSON of a few KB). */
  release: { requestMs: 10_000, attempts: 4, backoffMs: 1_000 } satisfies RequestPolicy,
  /**
   * A tool's download (tens of MB): no whole-request deadline (a slow link takes what it takes), but no byte for
   * 15 s ends it; four attempts from the start at 1 s, 2 s, 4 s for a cut connection or a 5xx.
   */
  download: { idleMs: 15_000, attempts: 4, backoffMs: 1_000 },
  /**
   * cache-mounts beside the layers (registry artifacts, s3 objects). The small requests (a manifest, a blob check,
   * an upload's start) as the cache service: 10 s, three attempts at 500 ms, 1 s. An archive (up to cache-mounts-max,
   * 2 GB by default) moves like a download: no whole-request deadline, but no byte for 15 s ends it. A timeout is not
   * tried again: a store that went silent is given up for the job, with one warning.
   */
  mountStore: { requestMs: 10_000, attempts: 3, backoffMs: 500, idleMs: 15_000 },
  /** Phase budgets: past one, the phase's requests are cancelled and it goes on without what it had not read. */
  phases: {
    /** Usage, storage limit, listing, the run's jobs, open pull requests and the live indexes, before the plan. */
    budgetRead: 20_000,
    /** The import candidates' existence probes (registry HEAD with its token request, S3 HEAD), before the build. */
    probes: 10_000,
    /** A prune inside a build step (before or after the build): listing, pull requests, index reads and deletes. */
    prune: 20_000,
    /** `command: prune`: the step exists to prune, and its deletes are paced by GitHub's limits; 10 minutes. */
    pruneCommand: 600_000,
    /**
     * Saving the hit-ratio history after the build (reserve, one Put Blob of a few KB, finalize: three requests that
     * each take well under a second). Its read goes out as the build starts and costs the job nothing.
     */
    history: 10_000
  },
  /*
   * Not scaled by DEADLINE_SCALE_ENV from here on: the waits a server asks for, the pace of requests, the time a
   * build step gives its deletes, and the builder probe's deadline.
   */
  /**
   * Rate limits (GitHub's REST docs, "Rate limits for the REST API"): a secondary limit that does not say how long
   * to wait means "at least one minute". A retried request waits at most a minute in all on what servers ask
   * (`retry-after`, a primary limit's reset); a longer wait ends its tries, and the caller goes on without it.
   */
  rateLimit: { defaultWaitMs: 60_000, maxWaitMs: 60_000 },
  /** Requests to one service in flight at once. */
  concurrency: {
    /** The cache listing's pages after the first (GitHub asks integrators for few concurrent requests). */
    listingPages: 4,
    /** Index reads from the cache service (a lookup and a download each). */
    indexReads: 8
  },
  /**
   * Deletes, paced within GitHub's documented secondary limits for REST (2026): at most 100 concurrent requests and
   * 900 points a minute per endpoint group, a DELETE costing 5 (180 deletes a minute). Each is sent once
   * (io/github/deletes.ts retries it itself): `attempts` per entry, rate-limited or failed; `failuresInARow` that
   * are not rate limits stop the rest. A build step gives its deletes `stepBudgetMs` (superseded layers, a prune
   * before or after the build); `command: prune` has the phase budget alone.
   */
  deletes: {
    concurrency: 4,
    pointsPerMinute: 900,
    pointsPerDelete: 5,
    attempts: 2,
    failuresInARow: 3,
    stepBudgetMs: 2_000
  },
  /** A builder given by address (`builder`): connect and answer ListWorkers within this, or the next is asked. */
  builderProbeMs: 10_000
} as const;

export type PhaseName = keyof typeof POLICIES.phases;

/**
 * The environment variable only tests set: every request deadline and phase budget of the table (the `…Ms` before
 * `rateLimit`, as io/deadlines.ts's `ms()` reads them) multiplied by it (0.05: 10 s → 500 ms).
 */
export const DEADLINE_SCALE_ENV = 'ENVD_CACHE_ACTION_DEADLINE_SCALE';

/** The scale `DEADLINE_SCALE_ENV` asks for: a positive number, at most 1; anything else (unset included) is 1. */
export function deadlineScale(text: string | undefined): number {
  const n = Number(text);
  return text !== undefined && text.trim() !== '' && Number.isFinite(n) && n > 0 && n <= 1 ? n : 1;
}

/** `ms` scaled, never below 1 ms. */
export const scaled = (ms: number, scale: number): number => Math.max(1, Math.round(ms * scale));
