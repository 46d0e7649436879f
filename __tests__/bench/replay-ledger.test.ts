import { describe, expect, test } from '@jest/globals';
import { Ledger, lookedUpAny, type LedgerEntry } from '../../bench/replay/ledger.js';
import { MAIN } from '../../bench/replay/schedule.js';
import { indexKey } from '../../src/budget/keys.js';

const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;
const FEAT = 'refs/heads/feature-a';
const PR = 'refs/pull/1/merge';
let ids = 0;
const entry = (ref: string, key: string, size = 10): LedgerEntry => ({ id: ++ids, ref, key, size, createdAt: ids });
const blob = (ref: string, digest: string, size = 100) => entry(ref, `buildkit-blob-1-${digest}`, size);

describe("bench:replay's account of the cache", () => {
  test('peak usage is the largest usage a commit reported (before the eviction it caused)', () => {
    const l = new Ledger();
    l.committed(blob(MAIN, D1), 100);
    l.committed(blob(MAIN, D2), 230);
    l.removed('evicted', []);
    expect(l.figures.peakBytes).toBe(230);
  });

  test('evicting a blob a live index names breaks it; the same blob left on a ref the index reads does not; a superseded generation is not live', () => {
    const l = new Ledger();
    const b1 = blob(MAIN, D1);
    const b2 = blob(MAIN, D2);
    l.committed(b1, 0);
    l.committed(b2, 0);
    const old = entry(MAIN, indexKey('leg', MAIN, 1));
    l.committed(old, 0, [D1, D2]);
    l.committed(entry(MAIN, indexKey('leg', MAIN, 2)), 0, [D2]);
    // D1 is named only by the superseded #1.
    expect(l.removed('evicted', [b1])).toBe(0);
    const copy = blob(FEAT, D2);
    l.committed(copy, 0);
    // A copy of D2 on a feature branch is not readable from main: main's live #2 is broken.
    expect(l.removed('evicted', [b2])).toBe(1);
    expect(l.figures).toMatchObject({ evicted: 2, evictionsBreaking: 1, indexesBroken: 1 });
    expect(l.liveIndexes().map((e) => e.key)).toEqual([indexKey('leg', MAIN, 2)]);
  });

  test("a pull request's index reads main's blobs: evicting them breaks it; a blob left on main keeps a branch's index whole", () => {
    const l = new Ledger();
    const onMain = blob(MAIN, D1);
    const onPr = blob(PR, D1);
    l.committed(onMain, 0);
    l.committed(onPr, 0);
    l.committed(entry(PR, indexKey('leg', PR, 1)), 0, [D1]);
    expect(l.removed('evicted', [onPr])).toBe(0);
    expect(l.removed('deleted', [onMain])).toBe(1);
    expect(l.figures).toMatchObject({ evicted: 1, deleted: 1, evictionsBreaking: 0, deletionsBreaking: 1 });
  });

  test('removing an index or a blob no live index names breaks nothing; usage follows the store', () => {
    const l = new Ledger();
    const i = entry(MAIN, indexKey('leg', MAIN, 1), 5);
    const b = blob(MAIN, D1, 50);
    l.committed(b, 50);
    l.committed(i, 55, [D1]);
    expect(l.usageBytes()).toBe(55);
    expect(l.removed('evicted', [i])).toBe(0);
    expect(l.removed('evicted', [b])).toBe(0);
    expect(l.usageBytes()).toBe(0);
    expect(l.figures.evictionsBreaking).toBe(0);
  });

  test("a job's lookups name an index main wrote (evicted since or not) when they ask for its key, with or without `#`", () => {
    const l = new Ledger();
    const gone = entry(MAIN, indexKey('leg-a', MAIN, 3));
    l.committed(gone, 0, []);
    l.committed(entry(FEAT, indexKey('leg-b', FEAT, 1)), 0, []);
    l.removed('evicted', [gone]);
    const bases = l.writtenIndexBases(MAIN);
    expect([...bases]).toEqual([indexKey('leg-a', MAIN)]);
    expect(lookedUpAny([indexKey('leg-a', MAIN)], bases)).toBe(true);
    expect(lookedUpAny([`${indexKey('leg-a', MAIN)}#`], bases)).toBe(true);
    expect(lookedUpAny([indexKey('leg-a', PR), indexKey('leg-b', MAIN), 'envd-history-x#'], bases)).toBe(false);
  });
});
