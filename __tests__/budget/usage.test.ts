/** The meaning of the budget's REST answers (budget/usage.ts): pure, no emulator. */
import { describe, expect, test } from '@jest/globals';
import { GB } from '../../src/budget/units.js';
import type { Deletion, PrunePlan } from '../../src/budget/prune.js';
import type { CacheEntry } from '../../src/budget/generations.js';
import type { PruneOutcome } from '../../src/budget/ledger.js';
import {
  READ_GRANT_WARNING,
  WRITE_GRANT_WARNING,
  listingRefused,
  pullRequestRefs,
  readingWithFigure,
  readingWithoutFigure,
  settleDeletes,
  withTotals
} from '../../src/budget/usage.js';

const budget = { bytes: 10 * GB, source: 'cache-budget' };
const entry = (id: number, ref: string, size = GB): CacheEntry => ({
  id,
  key: `k${id}`,
  ref,
  size,
  createdAt: 0,
  lastAccessedAt: 0
});
const deletion = (id: number, bytes = GB): Deletion => ({
  id,
  key: `k${id}`,
  ref: 'refs/heads/main',
  bytes,
  reason: 'idle-ref',
  detail: ''
});
const planOf = (deletions: Deletion[]) => ({ deletions, notes: [] }) as unknown as PrunePlan;

describe('the usage figure', () => {
  test('the listing wins when it counts more than GitHub’s lagging figure, and only then', () => {
    const listing = { entries: [], pages: 1, totalCount: 3, complete: true };
    const entries = [entry(1, 'refs/heads/main', 4 * GB), entry(2, 'refs/heads/main', 4 * GB)];
    const more = readingWithFigure({
      budget,
      usage: { bytes: 1 * GB, count: 1 },
      listed: { listing, entries, footprints: [] }
    });
    expect([more.usageBytes, more.usageCount, more.aboveTarget, more.near]).toEqual([8 * GB, 2, true, true]);
    expect(more.decisions[1].reason).toContain('listed now');
    const less = readingWithFigure({
      budget,
      usage: { bytes: 9 * GB, count: 9 },
      listed: { listing, entries, footprints: [] }
    });
    expect([less.usageBytes, less.usageCount]).toEqual([9 * GB, 9]);
    const unlisted = readingWithFigure({ budget, usage: { bytes: 1 * GB, count: 1 } });
    expect(unlisted.decisions[1].reason).toContain('GitHub refreshes this figure');
    expect(unlisted.listing).toBeUndefined();
  });

  test('a missing read grant is warned about once a job; another failure is a log line', () => {
    const refused = readingWithoutFigure(budget, { kind: 'forbidden', message: 'no' });
    expect(refused.reading.warnings).toEqual([READ_GRANT_WARNING]);
    expect(refused.reading.missingGrant).toBe('read');
    expect(refused.note).toBeUndefined();
    expect(readingWithoutFigure(budget, { kind: 'unauthorized', message: 'no' }, true).reading.warnings).toEqual([]);
    const failed = readingWithoutFigure(budget, { kind: 'error', message: 'HTTP 500' });
    expect(failed.reading.warnings).toEqual([]);
    expect(failed.reading.missingGrant).toBeUndefined();
    expect(failed.note).toContain('HTTP 500');
  });
});

describe('a prune', () => {
  test('a listing refused: a grant warning once, nothing for a GitHub that went silent, a warning otherwise', () => {
    expect(listingRefused({ kind: 'forbidden', message: 'x' }).warnings).toEqual([READ_GRANT_WARNING]);
    expect(listingRefused({ kind: 'forbidden', message: 'x' }, true)).toMatchObject({
      missingGrant: 'read',
      warnings: []
    });
    expect(listingRefused({ kind: 'down', message: 'x' }).warnings).toEqual([]);
    expect(listingRefused({ kind: 'error', message: 'HTTP 502' }).warnings[0]).toContain('HTTP 502');
  });

  test('closed pull requests: those given, and with discover those listed but not open', () => {
    const listed = [entry(1, 'refs/pull/7/merge'), entry(2, 'refs/pull/8/head'), entry(3, 'refs/heads/main')];
    const found = pullRequestRefs({ given: ['refs/pull/1/merge'], discover: true, listed, open: [8] });
    expect([...found.closed]).toEqual(['refs/pull/1/merge', 'refs/pull/7/merge']);
    expect(found.openPrRefs).toEqual(['refs/pull/8/merge', 'refs/pull/8/head']);
    expect([...pullRequestRefs({ listed, open: [8] }).closed]).toEqual([]);
    expect(pullRequestRefs({ discover: true, listed })).toEqual({ closed: new Set() });
  });

  test('what is left keeps plan order, and the stop says why', () => {
    const [a, b, c] = [deletion(1), deletion(2), deletion(3)];
    const run = {
      deleted: [a],
      gone: [],
      notDeleted: [b],
      stop: 'time budget of 2.0 s',
      forbidden: false,
      rateLimited: 0
    };
    const capped = settleDeletes(planOf([a, b, c]), run, { max: 2 });
    expect(capped.notDeleted).toEqual([b, c]);
    expect(capped.stop).toBe('time budget of 2.0 s; the rest waits for the next run or command: prune');
    expect(capped.warnings).toEqual([]);
    const limited = settleDeletes(planOf([a, b]), { ...run, rateLimited: 2 }, { max: Infinity });
    expect(limited.warnings[0]).toContain("GitHub's REST rate limit after 1 deletions");
    const forbidden = { deleted: [], gone: [], notDeleted: [a], stop: 'x', forbidden: true, rateLimited: 0 };
    expect(settleDeletes(planOf([a]), forbidden, { max: Infinity })).toMatchObject({
      missingGrant: 'write',
      warnings: [WRITE_GRANT_WARNING]
    });
    expect(settleDeletes(planOf([a]), forbidden, { max: Infinity, warned: true }).warnings).toEqual([]);
    const maxed = settleDeletes(planOf([a, b]), { ...run, notDeleted: [], stop: undefined }, { max: 1 });
    expect(maxed.stop).toBe('maxDeletes');
    expect(maxed.decision.reason).toContain('1 not deleted (maxDeletes)');
  });

  test('usage after counts what was pruned and what was gone already', () => {
    const out = { deleted: [deletion(1, 2)], gone: [deletion(2, 3)], usageBytes: 10 } as unknown as PruneOutcome;
    expect(withTotals(out)).toMatchObject({ prunedEntries: 1, prunedBytes: 2, usageAfterBytes: 5 });
    expect(withTotals({ ...out, usageBytes: undefined })).not.toHaveProperty('usageAfterBytes');
  });
});
