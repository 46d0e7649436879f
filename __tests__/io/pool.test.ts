/** The one worker pool: bounded concurrency over a shared queue, items put back are taken again. */
import { describe, expect, test } from '@jest/globals';
import { drain } from '../../src/io/pool.js';

/** A gate the test opens by hand: no timing is assumed. */
const gates = () => {
  const open: Array<() => void> = [];
  return {
    wait: () => new Promise<void>((r) => open.push(r)),
    pending: () => open.length,
    release: () => open.splice(0).forEach((r) => r())
  };
};

describe('drain', () => {
  test('never more than `concurrency` in flight, and every item done once', async () => {
    const g = gates();
    let inFlight = 0;
    let most = 0;
    const done: number[] = [];
    const run = drain([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await g.wait();
      inFlight--;
      done.push(n);
    });
    while (done.length < 7) {
      await new Promise((r) => setImmediate(r));
      expect(g.pending()).toBeLessThanOrEqual(3);
      g.release();
    }
    await run;
    expect(most).toBe(3);
    expect([...done].sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  test('an item put back is taken again', async () => {
    const queue = ['a', 'b'];
    const seen: string[] = [];
    await drain(queue, 2, async (item) => {
      seen.push(item);
      if (item === 'a' && seen.filter((s) => s === 'a').length === 1) queue.unshift('a');
    });
    expect(seen.sort()).toEqual(['a', 'a', 'b']);
  });

  test('an empty queue ends at once; a concurrency below 1 is one worker', async () => {
    await drain([], 4, async () => {
      throw new Error('no item to work on');
    });
    const order: number[] = [];
    await drain([1, 2, 3], 0, async (n) => {
      order.push(n);
    });
    expect(order).toEqual([1, 2, 3]);
  });
});
