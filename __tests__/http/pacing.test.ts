/** Pacing of the prune's deletions (http/pacing.ts): pure, on numbers. */
import { describe, expect, test } from '@jest/globals';
import { nextStart } from '../../src/http/pacing.js';

describe('nextStart: pacing within 900 points a minute, 5 points a DELETE', () => {
  test.each([
    { name: 'room: now', starts: [0, 10, 20], now: 30, paused: 0, at: 30 },
    { name: 'paused by a retry-after: then', starts: [], now: 30, paused: 1_030, at: 1_030 },
    {
      name: '180 in the last minute: when the oldest leaves the window',
      starts: Array.from({ length: 180 }, (_, i) => 1_000 + i),
      now: 2_000,
      paused: 0,
      at: 61_000
    },
    {
      name: '180 but the oldest already out of the window: now',
      starts: Array.from({ length: 180 }, (_, i) => i),
      now: 60_000,
      paused: 0,
      at: 60_000
    },
    {
      name: 'a tighter limit (100 points = 20 deletes)',
      starts: Array.from({ length: 20 }, (_, i) => i * 100),
      now: 2_500,
      paused: 0,
      at: 60_000,
      limits: { pointsPerMinute: 100 }
    }
  ])('$name', ({ starts, now, paused, at, limits }) => {
    expect(nextStart(starts, now, paused, limits)).toBe(at);
  });
});
