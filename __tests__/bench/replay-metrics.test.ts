import { describe, expect, test } from '@jest/globals';
import { figuresOf, table, yesNo, type BuildRecord } from '../../bench/replay/metrics.js';

const ledger = { peakBytes: 150, evicted: 4, deleted: 1, evictionsBreaking: 3, deletionsBreaking: 1, indexesBroken: 2 };
const b = (over: Partial<BuildRecord>): BuildRecord => ({
  run: 1,
  kind: 'main-push',
  leg: '3.10',
  total: 7,
  cached: 0,
  errored: 0,
  failed: false,
  ...over
});

describe("bench:replay's figures", () => {
  const builds = [
    b({ cached: 0 }),
    b({ run: 2, cached: 5, unchangedSincePrevious: true, reportedCached: 6 }),
    b({ run: 3, cached: 3, unchangedSincePrevious: false }),
    b({ run: 4, kind: 'pr-run', cached: 3, firstOfPr: true, lookedUpMain: true, errored: 2 }),
    b({ run: 5, kind: 'pr-run', cached: 7, firstOfPr: false, lookedUpMain: true }),
    b({ run: 6, kind: 'main-push', cached: 7, unchangedSincePrevious: true, failed: true })
  ];
  const f = figuresOf(builds, ledger, 100);

  test('the ratio counts steps of the builds that ran to the end; a failed build is counted apart', () => {
    expect(f).toMatchObject({
      builds: 6,
      failed: 1,
      cached: 18,
      total: 35,
      peakOverBudget: 1.5,
      evictionsBreaking: 3,
      deletionsBreaking: 1
    });
    expect(f.ratio).toBeCloseTo(18 / 35);
    expect(f.onMissingLayer).toBe(1);
  });

  test("main's pushes with unchanged requirements; the pull requests' first builds; the action's own count beside the progress's", () => {
    expect(f.unchangedMain).toEqual({ builds: 1, ratio: 5 / 7 });
    expect(f.prImportsMain).toEqual({ builds: 1, lookedUp: 1, restoring: 1 });
    expect(f.reported).toEqual({ builds: 1, reported: 6, counted: 5 });
  });

  test('the pull request row says yes, no or partly, and how many restored steps', () => {
    expect(yesNo({ builds: 3, lookedUp: 3, restoring: 0 })).toBe('yes, 0/3 restored steps');
    expect(yesNo({ builds: 3, lookedUp: 0, restoring: 0 })).toBe('no, 0/3 restored steps');
    expect(yesNo({ builds: 3, lookedUp: 1, restoring: 1 })).toBe('partly (1/3), 1/3 restored steps');
    expect(yesNo({ builds: 0, lookedUp: 0, restoring: 0 })).toBe('–');
  });

  test('the table: one row per label', () => {
    const t = table([{ label: 'x', f }]).split('\n');
    expect(t).toHaveLength(3);
    expect(t[2]).toBe('| x | 0.51 (18/35) | 150 % | 3 | 1 | 71 % (1 builds) | yes, 1/1 restored steps | 1 | 6 (1) |');
  });
});
