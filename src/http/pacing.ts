/**
 * How the prune's deletions are paced within GitHub's documented secondary limits for REST (docs "Rate limits for
 * the REST API", 2026): at most 100 concurrent requests, and at most 900 points a minute per endpoint group, a
 * DELETE costing 5 points (so 180 deletes a minute). Pure: io/github/deletes.ts waits and sends.
 */
import { POLICIES } from './policies.js';

export interface DeleteLimits {
  /** Deletes in flight at once; default POLICIES.deletes's. */
  concurrency?: number;
  /** Points a minute GitHub allows (secondary limit); default POLICIES.deletes's. */
  pointsPerMinute?: number;
  /** Points one DELETE costs; default POLICIES.deletes's. */
  pointsPerDelete?: number;
  /** No delete starts, and no wait ends, later than this after the first; default none. */
  timeBudgetMs?: number;
  /** A rate-limit answer without `retry-after` pauses this long; default POLICIES.rateLimit's (GitHub's advice). */
  defaultRetryMs?: number;
  /** Attempts per entry (rate-limited or failed); default POLICIES.deletes's. */
  attempts?: number;
}

/**
 * When the next delete may start: after `pausedUntil`, and once the starts in the last minute leave room for
 * its points. Pure. `starts` are the start times so far, oldest first.
 */
export function nextStart(
  starts: readonly number[],
  now: number,
  pausedUntil: number,
  limits: DeleteLimits = {}
): number {
  const per = limits.pointsPerDelete ?? POLICIES.deletes.pointsPerDelete;
  const allowed = Math.max(1, Math.floor((limits.pointsPerMinute ?? POLICIES.deletes.pointsPerMinute) / per));
  let at = Math.max(now, pausedUntil);
  const recent = starts.filter((t) => t > at - 60_000);
  if (recent.length >= allowed) at = Math.max(at, recent[recent.length - allowed] + 60_000);
  return at;
}
