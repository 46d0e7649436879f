/**
 * Carrying out a prune's deletions: several at once within GitHub's documented REST limits, honouring
 * `retry-after` and secondary-rate-limit answers, and within a time budget (a build step spends ~2 s on it;
 * the rest waits for the next run or `command: prune`). The clock is injected: tests never wait.
 *
 * The pace (GitHub's documented secondary limits, attempts, the time a build step gives) is POLICIES.deletes
 * (src/http/policies.ts); when the next one may start is http/pacing.ts's rule. The older advice to space writes a second apart is the throttling plugin's default; it
 * is what made a build step spend 14 s deleting 13 entries.
 */
import { POLICIES } from '../../http/policies.js';
import { type Clock, realClock } from '../http/client.js';
import { drain } from '../pool.js';
import type { RestFailureKind } from './rest.js';
import { type DeleteLimits, nextStart } from '../../http/pacing.js';

export type DeleteAnswer =
  | { ok: true; value: 'deleted' | 'gone' }
  | { ok: false; kind: RestFailureKind; message: string; retryAfterMs?: number };

/** The clock the waits go through (the HTTP client's; tests hand in a fake one). */
export type Timer = Clock;

export interface DeleteRun<T> {
  deleted: T[];
  gone: T[];
  /** Planned, but not deleted: time budget, rate limit, missing grant or repeated failures. */
  notDeleted: T[];
  /** Why deleting stopped early, in words. */
  stop?: string;
  /** The token lacks `actions: write`. */
  forbidden: boolean;
  rateLimited: number;
  elapsedMs: number;
}

export async function runDeletes<T>(
  items: readonly T[],
  del: (item: T) => Promise<DeleteAnswer>,
  limits: DeleteLimits = {},
  timer: Timer = realClock
): Promise<DeleteRun<T>> {
  const started = timer.now();
  const deadline = started + (limits.timeBudgetMs ?? Number.POSITIVE_INFINITY);
  const attempts = Math.max(1, limits.attempts ?? POLICIES.deletes.attempts);
  const out: DeleteRun<T> = { deleted: [], gone: [], notDeleted: [], forbidden: false, rateLimited: 0, elapsedMs: 0 };
  const queue = items.map((item) => ({ item, tries: 0 }));
  const starts: number[] = [];
  let pausedUntil = 0;
  let errorsInARow = 0;
  const halt = (why: string) => {
    out.stop ??= why;
  };

  type Job = (typeof queue)[number];
  // One job: `return` moves on to the next; a job to try again goes back to the front of the queue.
  const handle = async (job: Job): Promise<void> => {
    if (out.stop !== undefined) {
      out.notDeleted.push(job.item);
      return;
    }
    const at = nextStart(starts, timer.now(), pausedUntil, limits);
    if (at > deadline) {
      out.notDeleted.push(job.item);
      halt(
        at === pausedUntil
          ? `GitHub asked to wait ${Math.ceil((pausedUntil - timer.now()) / 1000)} s (rate limit), beyond the time budget`
          : `time budget of ${((limits.timeBudgetMs ?? 0) / 1000).toFixed(1)} s`
      );
      return;
    }
    // The slot is taken now, before waiting for it, so that concurrent workers do not all take the same one.
    starts.push(at);
    starts.sort((a, b) => a - b);
    if (at > timer.now()) await timer.sleep(at - timer.now());
    if (out.stop !== undefined) {
      out.notDeleted.push(job.item);
      return;
    }
    job.tries++;
    const answer = await del(job.item);
    if (answer.ok) {
      errorsInARow = 0;
      (answer.value === 'gone' ? out.gone : out.deleted).push(job.item);
      return;
    }
    if (answer.kind === 'forbidden' || answer.kind === 'unauthorized') {
      out.forbidden = true;
      out.notDeleted.push(job.item);
      halt('the github-token lacks actions: write');
      return;
    }
    if (answer.kind === 'down') {
      // The API went silent: the rest is not sent (its warning was given where it went silent).
      out.notDeleted.push(job.item);
      halt(answer.message);
      return;
    }
    if (answer.kind === 'rate-limited') {
      out.rateLimited++;
      // Everyone waits: GitHub's answer is about the token, not about this entry.
      pausedUntil = Math.max(
        pausedUntil,
        timer.now() + (answer.retryAfterMs ?? limits.defaultRetryMs ?? POLICIES.rateLimit.defaultWaitMs)
      );
    } else if (++errorsInARow >= POLICIES.deletes.failuresInARow) {
      out.notDeleted.push(job.item);
      halt(`repeated failures (${answer.message})`);
      return;
    }
    if (job.tries < attempts) queue.unshift(job);
    else out.notDeleted.push(job.item);
  };
  // The first delete goes alone: a token without actions: write is refused once, not once per worker.
  const rest = queue.splice(1);
  await drain(queue, 1, handle);
  queue.push(...rest);
  await drain(queue, limits.concurrency ?? POLICIES.deletes.concurrency, handle);
  out.elapsedMs = timer.now() - started;
  return out;
}
