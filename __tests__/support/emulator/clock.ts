/** A controllable clock: time moves only when a test says so. */
export const SECOND = 1_000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export type ClockListener = (now: number, previous: number) => void;

export class Clock {
  private current: number;
  private readonly listeners = new Set<ClockListener>();

  constructor(start: number = Date.now()) {
    this.current = start;
  }

  /** Milliseconds since the Unix epoch, like Date.now(). */
  now(): number {
    return this.current;
  }

  date(): Date {
    return new Date(this.current);
  }

  /** Moves time forward and notifies listeners (hourly eviction, for example). */
  advance(ms: number): number {
    if (!Number.isFinite(ms) || ms < 0) throw new Error(`clock.advance needs a non-negative duration, got ${ms}`);
    return this.set(this.current + ms);
  }

  set(ms: number): number {
    const previous = this.current;
    this.current = ms;
    for (const listener of this.listeners) listener(this.current, previous);
    return this.current;
  }

  onChange(listener: ClockListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
