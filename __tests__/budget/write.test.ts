/** Issue 20: the write decided once the build has run (src/budget/write.ts), table-driven and pure. */
import { describe, expect, test } from '@jest/globals';
import { BUILDKIT_CACHE_VERSION, blobKey, indexKey, sha256Digest } from '../../src/budget/keys.js';
import { heldBackSince } from '../../src/budget/prune.js';
import { MINUTE_MS } from '../../src/budget/units.js';
import { type CacheEntry } from '../../src/budget/generations.js';
import {
  CLOCK_SLACK_MS,
  decideWrite,
  generationAfterBuild,
  supersededEntries,
  type Superseded,
  type WriteFacts
} from '../../src/budget/write.js';

const MB = 1000 ** 2;
const BUDGET = 100 * MB; // ceiling 90 MB
const MAIN = 'refs/heads/main';
const PR = 'refs/pull/3/merge';
const old = (id: number, bytes: number): Superseded => ({
  id,
  key: blobKey(sha256Digest(`old-${id}`)),
  ref: MAIN,
  bytes
});

const facts = (over: Partial<WriteFacts>): WriteFacts => ({
  builtSteps: 2,
  addBytes: 10 * MB,
  usageBytes: 50 * MB,
  budgetBytes: BUDGET,
  superseded: [],
  defaultBranch: false,
  skippedLast: false,
  ...over
});

describe('decideWrite', () => {
  test('a build that ran no step writes nothing, whatever the room', () => {
    expect(decideWrite(facts({ builtSteps: 0, usageBytes: 99 * MB, defaultBranch: true }))).toMatchObject({
      write: false,
      outcome: 'nothing-new'
    });
  });

  test('it fits: written; the superseded layers go after the export (a reader may still use the old index until then)', () => {
    const d = decideWrite(facts({ superseded: [old(1, 8 * MB)] }));
    expect(d).toMatchObject({ write: true, deleteBefore: [], deleteAfter: [old(1, 8 * MB)], peakBytes: 60 * MB });
    expect(d.reason).toBe(
      'this write adds 10.0 MB (the layers of the 2 steps this build ran): usage reaches 60.0 MB, 60% of the 100.0 MB budget'
    );
  });

  test('room is short: the superseded generation is deleted first, so old and new never sit side by side', () => {
    const d = decideWrite(facts({ usageBytes: 85 * MB, superseded: [old(1, 8 * MB), old(2, 2 * MB)] }));
    expect(d).toMatchObject({
      write: true,
      deleteBefore: [old(1, 8 * MB), old(2, 2 * MB)],
      deleteAfter: [],
      peakBytes: 85 * MB
    });
    expect(d.reason).toMatch(
      /the previous generation's 10\.0 MB it replaces are deleted first: usage reaches 85\.0 MB/
    );
  });

  test('the legs that go first count', () => {
    expect(decideWrite(facts({ usageBytes: 60 * MB, aheadBytes: 25 * MB }))).toMatchObject({
      write: false,
      outcome: 'skipped'
    });
  });

  test('still short on a feature branch: skipped, and it says what that costs', () => {
    const d = decideWrite(facts({ usageBytes: 88 * MB, builtSeconds: 93.4 }));
    expect(d).toMatchObject({ write: false, outcome: 'skipped' });
    expect(d.reason).toMatch(/usage would reach 98\.0 MB, 98% of the 100\.0 MB budget, over the 90\.0 MB ceiling$/);
    expect(d.write === false && d.outcome === 'skipped' && d.cost).toBe(
      'the next build of this scope on this ref runs these 2 steps again (about 93 s); it writes then if pruning can make the room, as no scope skips twice in a row'
    );
  });

  test.each([
    ['the default branch', { defaultBranch: true }, 'the default branch never skips its write'],
    [
      'a scope that skipped last time',
      { skippedLast: true },
      'this scope skipped its write last time and never skips twice in a row'
    ]
  ])('%s: never skipped; the cache is pruned first, down to what leaves room', (_, over, why) => {
    const d = decideWrite(facts({ usageBytes: 88 * MB, superseded: [old(1, 1 * MB)], ...over }));
    expect(d).toMatchObject({
      write: false,
      outcome: 'make-room',
      deleteBefore: [old(1, 1 * MB)],
      usageTargetBytes: 80 * MB
    });
    expect(d.reason).toContain(why);
  });

  test("after the prune: the default branch writes past the ceiling and, past the budget, warns of GitHub's eviction", () => {
    const under = decideWrite(facts({ usageBytes: 85 * MB, defaultBranch: true, roomMade: true }));
    expect(under).toMatchObject({
      write: true,
      peakBytes: 95 * MB,
      warning: expect.stringMatching(/over the 90% ceiling: the default branch never skips its write$/)
    });
    const over = decideWrite(facts({ usageBytes: 95 * MB, defaultBranch: true, roomMade: true }));
    expect(over).toMatchObject({
      write: true,
      warning: expect.stringMatching(
        /GitHub will evict least-recently-used entries; raise cache-budget or set cache-mode: min$/
      )
    });
  });

  test('after the prune: a scope that skipped last time writes under 95% of the budget, not past it (that would evict what live indexes need)', () => {
    expect(decideWrite(facts({ usageBytes: 85 * MB, skippedLast: true, roomMade: true }))).toMatchObject({
      write: true
    });
    const past = decideWrite(facts({ usageBytes: 86 * MB, skippedLast: true, roomMade: true }));
    expect(past).toMatchObject({
      write: false,
      outcome: 'skipped',
      reason: expect.stringMatching(
        /even after pruning, over the 95\.0 MB limit \(95% of the budget\) for a scope that skipped last time$/
      )
    });
  });
});

describe('the previous generation after an import-only build', () => {
  const T0 = Date.UTC(2026, 11, 7, 10);
  const d = (name: string) => sha256Digest(name);
  const blob = (id: number, ref: string, name: string, size: number, lastAccessedAt: number): CacheEntry => ({
    id,
    ref,
    key: blobKey(d(name)),
    size,
    createdAt: T0 - 86_400_000,
    lastAccessedAt,
    version: BUILDKIT_CACHE_VERSION
  });
  const index = (id: number, ref: string, scope: string, createdAt: number): CacheEntry => ({
    id,
    ref,
    key: indexKey(scope, ref, 1),
    size: 2_000,
    createdAt,
    lastAccessedAt: createdAt,
    version: BUILDKIT_CACHE_VERSION
  });
  const read = (all: string[], final: string[] = all) => ({
    digests: new Set(all.map(d)),
    final: new Set(final.map(d))
  });
  const before = T0 - 3 * 3_600_000;
  const during = T0 + 5 * MINUTE_MS;
  const entries = [
    blob(1, MAIN, 'base', 40 * MB, during), // a cached result's chain: looked up by the build
    blob(2, MAIN, 'pkgs', 30 * MB, before), // rebuilt: not looked up
    blob(3, MAIN, 'code', 1 * MB, before), // rebuilt, and the sibling leg's index names it too
    blob(4, MAIN, 'wheels', 20 * MB, before), // an intermediate layer (max): not judged
    blob(5, MAIN, 'seen-just-before', 5 * MB, T0 - CLOCK_SLACK_MS / 2), // within the clocks' slack: counted as used
    index(10, MAIN, 'build-py310-1a2b3c4d', before),
    index(11, MAIN, 'build-py311-5e6f7a8b', before)
  ];
  const contents = new Map([
    [10, read(['base', 'pkgs', 'code', 'wheels', 'seen-just-before'], ['base', 'pkgs', 'code', 'seen-just-before'])],
    [11, read(['base', 'code'])]
  ]);

  test('on the own ref: the rebuilt chain layers are what the write replaces; those no other index names are superseded', () => {
    const g = generationAfterBuild(
      entries,
      { contents, scope: 'build-py310-1a2b3c4d', readableRefs: [MAIN] },
      { buildStartedAt: T0, now: during }
    );
    expect(g.ref).toBe(MAIN);
    expect(g.rebuiltBytes).toBe(31 * MB);
    expect(g.superseded.map((s) => s.id)).toEqual([2]);
  });

  test('blobs an active ref this token cannot read may name (used since heldSince) are not deleted early', () => {
    const g = generationAfterBuild(
      entries,
      { contents, scope: 'build-py310-1a2b3c4d', readableRefs: [MAIN] },
      { buildStartedAt: T0, heldSince: before - 1, now: during }
    );
    expect(g.superseded).toEqual([]);
  });

  test("a pull request imports main's generation: it sizes the write, but main's blobs are not the pull request's to delete", () => {
    const g = generationAfterBuild(
      entries,
      { contents, scope: 'build-py310-1a2b3c4d', readableRefs: [PR, MAIN] },
      { buildStartedAt: T0, now: during }
    );
    expect(g).toEqual({ ref: MAIN, rebuiltBytes: 31 * MB, superseded: [] });
  });

  test('no previous generation: nothing to size by', () => {
    expect(
      generationAfterBuild(
        entries,
        { contents, scope: 'build-py312-9c0d1e2f', readableRefs: [MAIN] },
        { buildStartedAt: T0, now: during }
      )
    ).toEqual({ rebuiltBytes: 0, superseded: [] });
  });

  test("supersededEntries: the old index's blobs on the ref that the new one will not name and no other index needs, largest first", () => {
    const got = supersededEntries(
      entries,
      MAIN,
      { previous: new Set(['pkgs', 'code', 'wheels', 'base'].map(d)), kept: new Set([d('base')]) },
      new Set([d('code')])
    );
    expect(got.map((s) => s.id)).toEqual([2, 4]);
  });

  test("heldBackSince: an active pull request's newest export holds back what was used since it (less the export's slack)", () => {
    const pr = [...entries, index(20, PR, 'build-py310-1a2b3c4d', T0 - 3_600_000)];
    expect(heldBackSince({ entries: pr, readableRefs: [MAIN], now: during })).toBe(T0 - 3_600_000 - 30 * MINUTE_MS);
    expect(heldBackSince({ entries, readableRefs: [MAIN], now: during })).toBe(Number.POSITIVE_INFINITY);
  });
});
