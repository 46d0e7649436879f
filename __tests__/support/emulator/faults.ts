/** Queued per-route faults and the sliding-window limiter. */
import type { Fault, FaultTarget, RouteName } from './types.js';

/** The group a route belongs to, so `failNext('rest', …)` hits any REST call. */
export function routeGroup(route: RouteName): 'twirp' | 'blob' | 'rest' | undefined {
  if (route.startsWith('blob.')) return 'blob';
  if (route.startsWith('rest.')) return 'rest';
  if (route === 'CreateCacheEntry' || route === 'FinalizeCacheEntryUpload' || route === 'GetCacheEntryDownloadURL')
    return 'twirp';
  return undefined;
}

export class FaultQueue {
  private readonly queues = new Map<FaultTarget, Fault[]>();

  add(target: FaultTarget, count: number, fault: Fault): void {
    const queue = this.queues.get(target) ?? [];
    for (let i = 0; i < count; i++) queue.push({ ...fault });
    this.queues.set(target, queue);
  }

  /** Takes the next fault for this route: its own queue first, then its group's. */
  take(route: RouteName): Fault | undefined {
    const group = routeGroup(route);
    for (const target of [route, group]) {
      const queue = target ? this.queues.get(target as FaultTarget) : undefined;
      if (queue && queue.length > 0) return queue.shift();
    }
    return undefined;
  }

  pending(target: FaultTarget): number {
    return this.queues.get(target)?.length ?? 0;
  }

  clear(): void {
    this.queues.clear();
  }
}

/** Counts events in a sliding window on the injected clock. */
export class SlidingWindow {
  private events: number[] = [];

  constructor(
    private readonly windowMs: number,
    public limit: number
  ) {}

  private prune(now: number): void {
    this.events = this.events.filter((t) => t > now - this.windowMs);
  }

  used(now: number): number {
    this.prune(now);
    return this.events.length;
  }

  /** Seconds until one more event fits, or 0 when it fits now. */
  retryAfterSeconds(now: number): number {
    this.prune(now);
    if (this.events.length < this.limit) return 0;
    const oldest = this.events[this.events.length - this.limit];
    return Math.max(1, Math.ceil((oldest + this.windowMs - now) / 1000));
  }

  /** Unix seconds when the oldest counted event leaves the window. */
  resetAt(now: number): number {
    this.prune(now);
    return Math.ceil(((this.events[0] ?? now) + this.windowMs) / 1000);
  }

  record(now: number): void {
    this.events.push(now);
  }

  clear(): void {
    this.events = [];
  }
}
