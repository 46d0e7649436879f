/** The export estimate and the mode it chooses, table-driven and pure: facts in, mode and reason out. */
import { describe, expect, test } from '@jest/globals';
import { modeForBudget, type ModeFacts } from '../../src/budget/budget.js';
import {
  EXPORT_CEILING,
  EXPORT_WINDOW_MS,
  concurrentLegsOf,
  exportFits,
  legEstimates,
  planLegs,
  scopeFootprints,
  type ScopeFootprint
} from '../../src/budget/estimate.js';
import { BUILDKIT_CACHE_VERSION, blobKey, indexKey, sha256Digest } from '../../src/budget/keys.js';
import { DAY_MS, MINUTE_MS } from '../../src/budget/units.js';
import { type CacheEntry } from '../../src/budget/generations.js';

const NOW = Date.UTC(2026, 10, 28, 9);
const MAIN = 'refs/heads/main';
const PR12 = 'refs/pull/12/merge';
const MB = 1000 ** 2;
const d = (layer: string) => sha256Digest(layer);

// Auto scopes of the three legs of one matrix, family `build` (src/cache/scope.ts: <family>-<matrix words>-<8 hex>).
const LEG = { a: 'build-py310-1a2b3c4d', b: 'build-py311-5e6f7a8b', c: 'build-py312-9c0d1e2f' };
const BUDGET = 37 * MB;

function blob(id: number, ref: string, layer: string, size: number, createdAt: number): CacheEntry {
  return {
    id,
    ref,
    key: blobKey(d(layer)),
    size,
    createdAt,
    lastAccessedAt: createdAt,
    version: BUILDKIT_CACHE_VERSION
  };
}
function index(id: number, ref: string, scope: string, n: number, createdAt: number): CacheEntry {
  return {
    id,
    ref,
    key: indexKey(scope, ref, n),
    size: 2_000,
    createdAt,
    lastAccessedAt: createdAt,
    version: BUILDKIT_CACHE_VERSION
  };
}
const read = (all: string[], final: string[] = all) => ({ digests: new Set(all.map(d)), final: new Set(final.map(d)) });

describe('scopeFootprints: what the previous index of each scope tells', () => {
  const exported = NOW - 2 * DAY_MS;
  const entries = [
    blob(1, MAIN, 'base', 10 * MB, NOW - 9 * DAY_MS),
    blob(2, MAIN, 'pkgs', 3 * MB, exported - 5 * MINUTE_MS),
    blob(3, MAIN, 'wheels', 2 * MB, exported - 6 * MINUTE_MS),
    blob(4, MAIN, 'old-pkgs', 3 * MB, exported - EXPORT_WINDOW_MS - MINUTE_MS),
    index(5, MAIN, LEG.a, 1, exported - 3 * DAY_MS),
    index(6, MAIN, LEG.a, 2, exported),
    index(7, PR12, LEG.a, 1, NOW - 3 * MINUTE_MS),
    blob(8, PR12, 'pr-code', 1 * MB, NOW - 4 * MINUTE_MS)
  ];

  test.each([
    {
      name: 'a max export on main: full, final (the results chain) and what that export added (its window, its ref)',
      readable: [MAIN],
      contents: { 6: read(['base', 'pkgs', 'wheels', 'gone'], ['base', 'pkgs']) },
      expected: [
        {
          scope: LEG.a,
          ref: MAIN,
          fullBytes: 15 * MB,
          finalBytes: 13 * MB,
          addedBytes: 5 * MB,
          addedFinalBytes: 3 * MB,
          max: true
        }
      ]
    },
    {
      name: 'a min export (nothing outside the chain) is not max; blobs written before its window are not its own',
      readable: [MAIN],
      contents: { 6: read(['base', 'old-pkgs']) },
      expected: [
        { scope: LEG.a, fullBytes: 13 * MB, finalBytes: 13 * MB, addedBytes: 0, addedFinalBytes: 0, max: false }
      ]
    },
    {
      name: "the token's own ref comes first: a pull request's previous export, not main's",
      readable: [PR12, MAIN],
      contents: { 6: read(['base', 'pkgs']), 7: read(['base', 'pkgs', 'pr-code']) },
      expected: [{ scope: LEG.a, ref: PR12, fullBytes: 14 * MB, addedBytes: 1 * MB, max: false }]
    },
    {
      name: 'an index that was not read tells nothing; superseded indexes are not looked at',
      readable: [MAIN],
      contents: { 5: read(['base']) },
      expected: []
    }
  ])('$name', ({ readable, contents, expected }) => {
    const got = scopeFootprints(
      entries,
      new Map(Object.entries(contents).map(([id, c]) => [Number(id), c])),
      readable,
      NOW
    );
    expect(got).toHaveLength(expected.length);
    expected.forEach((e, i) => expect(got[i]).toMatchObject(e));
  });
});

describe("scopeFootprints: a scope's own layers, what any change below them writes anew", () => {
  const T = NOW - 3 * 3_600_000;
  const entries = [
    blob(1, MAIN, 'base', 10 * MB, T - 9 * DAY_MS), // shared with leg b
    { ...blob(2, MAIN, 'runtime', 2 * MB, T - 9 * DAY_MS), lastAccessedAt: T + 3_600_000 }, // a later build used it: still its own
    blob(3, MAIN, 'pkgs', 3 * MB, T - 9 * DAY_MS),
    blob(4, MAIN, 'code', 1 * MB, T - 6 * MINUTE_MS), // written by the last export
    blob(5, MAIN, 'wheels', 4 * MB, T - 9 * DAY_MS), // max only
    index(6, MAIN, LEG.a, 4, T),
    blob(7, MAIN, 'b-pkgs', 3 * MB, T - DAY_MS),
    index(8, MAIN, LEG.b, 2, T - DAY_MS)
  ];
  const contents = new Map([
    [6, read(['base', 'runtime', 'wheels', 'pkgs', 'code'], ['base', 'runtime', 'pkgs', 'code'])],
    [8, read(['base', 'b-pkgs'])]
  ]);

  test('own: referenced and not shared with a sibling scope; exportedAt: when the index was written', () => {
    const [a, b] = scopeFootprints(entries, contents, [MAIN], NOW);
    expect(a).toMatchObject({
      scope: LEG.a,
      ownBytes: 10 * MB,
      ownFinalBytes: 6 * MB,
      addedBytes: 1 * MB,
      exportedAt: T
    });
    expect(b).toMatchObject({ scope: LEG.b, ownBytes: 3 * MB, exportedAt: T - DAY_MS });
  });

  test("a push that changed nothing added 0 B, yet the next export is sized by the leg's own layers (issue 15's 12:01 merge)", () => {
    const f = fp(LEG.a, { max: false, addedBytes: 0, addedFinalBytes: 0, ownBytes: 5 * MB, ownFinalBytes: 5 * MB });
    expect(legEstimates([f], LEG.a).self).toMatchObject({
      min: 5 * MB,
      basis: expect.stringMatching(
        /^its own layers, 5\.0 MB, as any change below them writes them anew \(last export min on refs\/heads\/main, which added 0 B\)$/
      )
    });
  });
});

/** A footprint with the sizes of the brief's replay: one leg's max export is 14.8 MB, 9 MB of it final. */
function fp(scope: string, over: Partial<ScopeFootprint> = {}): ScopeFootprint {
  return {
    scope,
    ref: MAIN,
    fullBytes: 14.8 * MB,
    finalBytes: 9 * MB,
    addedBytes: 14.8 * MB,
    addedFinalBytes: 9 * MB,
    ownBytes: 14.8 * MB,
    ownFinalBytes: 9 * MB,
    exportedAt: NOW - DAY_MS,
    max: true,
    own: true,
    ...over
  };
}
/** A leg with 2 MB of layers of its own (1 MB of it final); the rest is shared with its siblings. */
const warm = (scope: string) =>
  fp(scope, { addedBytes: 2 * MB, addedFinalBytes: 1 * MB, ownBytes: 2 * MB, ownFinalBytes: 1 * MB });

interface Case {
  name: string;
  facts: Omit<ModeFacts, 'budgetBytes'>;
  scope?: string;
  family?: string;
  requested?: 'auto' | 'max';
  mode: 'min' | 'max';
  reason?: RegExp;
}

const CASES: Case[] = [
  { name: 'usage unknown: the mode stays as decided', facts: {}, mode: 'max' },
  {
    name: 'an explicit cache-mode is respected, whatever the estimate',
    facts: { usageBytes: 36 * MB, footprints: [fp(LEG.b)] },
    requested: 'max',
    mode: 'max'
  },
  {
    name: 'no listing: the high-water mark (80%) decides, as before',
    facts: { usageBytes: 30 * MB },
    mode: 'min',
    reason: /81% of the 37\.0 MB budget/
  },
  {
    name: 'first export of a fresh repository, no sibling to size it by: min (a matrix of them cannot overshoot)',
    facts: { usageBytes: 0, footprints: [] },
    mode: 'min',
    reason: /first export of this scope and no sibling/
  },
  {
    name: 'first export of a single build (no matrix): one export, the high-water mark decides',
    facts: { usageBytes: 10 * MB, footprints: [fp('lint-aaaaaaaa')] },
    family: undefined,
    mode: 'max'
  },
  {
    // A leg without any cache gets the room first (legOrder): b max, a and c min (two max legs would not fit).
    name: 'first export with a sibling known: as large as it; it goes max first, its siblings min',
    facts: { usageBytes: 0, footprints: [fp(LEG.a), fp(LEG.c)] },
    mode: 'max',
    reason: /assumed as large as build-py310-1a2b3c4d's \(14\.8 MB\).*2 sibling legs \(0 max\).*room for max/
  },
  {
    name: 'legs with small layers of their own: each may write those anew; all three max fit',
    facts: { usageBytes: 20 * MB, footprints: [warm(LEG.a), warm(LEG.b), warm(LEG.c)] },
    mode: 'max',
    reason:
      /adds about 2\.0 MB \(its own layers, 2\.0 MB, as any change below them writes them anew \(last export max on refs\/heads\/main, which added 2\.0 MB\)\) with 2 sibling legs \(2 max\): 20\.0 MB \+ 6\.0 MB = 26\.0 MB, 70% of the 37\.0 MB budget \(ceiling 90%\): room for max/
  },
  {
    name: 'near the budget, even min of every leg does not fit: min, and prune first',
    facts: { usageBytes: 30 * MB, footprints: [fp(LEG.a), fp(LEG.b), fp(LEG.c)] },
    mode: 'min',
    reason: /even min does not fit, so the cache is pruned first/
  },
  {
    name: 'a leg whose last export was min adds, going max, intermediate layers as large as its max sibling',
    facts: {
      usageBytes: 20 * MB,
      footprints: [warm(LEG.a), fp(LEG.b, { max: false, fullBytes: 9 * MB, ownBytes: 1 * MB, ownFinalBytes: 1 * MB })]
    },
    // b max = 1 MB + (14.8 - 9) MB = 6.8 MB; a max 2 MB: 20 + 2 + 6.8 = 28.8 MB ≤ 33.3 MB.
    mode: 'max',
    reason: /adds about 6\.8 MB/
  },
  {
    name: 'legs without a previous export that this leg cannot see are counted at their max (concurrentLegs)',
    facts: { usageBytes: 10 * MB, footprints: [warm(LEG.b)], concurrentLegs: 2 },
    // 10 + 2 × 14.8 (unseen legs, max) + 1 (own min) = 40.6 MB > 33.3 MB.
    mode: 'min',
    reason: /2 first-export legs at 29\.6 MB.*pruned first/
  },
  {
    name: 'without a matrix (no family given) other scopes are not siblings',
    facts: { usageBytes: 20 * MB, footprints: [warm(LEG.b), fp(LEG.a), fp(LEG.c)] },
    family: undefined,
    mode: 'max'
  },
  {
    name: "another build's scopes are not siblings",
    facts: { usageBytes: 20 * MB, footprints: [warm(LEG.b), fp('lint-py310-aaaaaaaa'), fp('build-docs')] },
    mode: 'max'
  }
];

describe('modeForBudget with the estimate', () => {
  test.each(CASES)('$name', (c) => {
    const family = 'family' in c ? c.family : 'build';
    const got = modeForBudget(
      c.requested ?? 'auto',
      'max',
      { budgetBytes: BUDGET, ...c.facts },
      { scope: c.scope ?? LEG.b, family }
    );
    expect(got.mode).toBe(c.mode);
    if (c.reason) expect(got.decision?.reason).toMatch(c.reason);
  });

  test.each([
    {
      name: 'cold push, siblings known (sizes of the brief: 37 MB budget, 14.8 MB max legs)',
      usage: 0,
      footprints: [fp(LEG.a), fp(LEG.b), fp(LEG.c)],
      modes: ['max', 'min', 'min']
    },
    {
      name: 'some room: two legs max',
      usage: 5 * MB,
      footprints: [warm(LEG.a), fp(LEG.b), fp(LEG.c)],
      modes: ['max', 'max', 'min']
    },
    {
      name: 'warm: every leg max',
      usage: 25 * MB,
      footprints: [warm(LEG.a), warm(LEG.b), warm(LEG.c)],
      modes: ['max', 'max', 'max']
    }
  ])(
    'concurrent legs read the same figure, share the room the same way and together stay under the budget: $name',
    ({ usage, footprints, modes }) => {
      const facts: ModeFacts = { usageBytes: usage, budgetBytes: BUDGET, footprints };
      const got = [LEG.a, LEG.b, LEG.c].map(
        (scope) => modeForBudget('auto', 'max', facts, { scope, family: 'build' }).mode
      );
      expect(got).toEqual(modes);
      const added = footprints.reduce((s, f, i) => s + (got[i] === 'max' ? f.ownBytes : f.ownFinalBytes), 0);
      expect(usage + added).toBeLessThanOrEqual(EXPORT_CEILING * BUDGET);
    }
  );
});

describe('a first export on another ref, and exports that do not fit', () => {
  test("a pull request's first export is sized by main's whole index, not by main's last change", () => {
    const mainFp = fp(LEG.a, { addedBytes: 0.1 * MB, addedFinalBytes: 0.1 * MB, own: false });
    expect(legEstimates([mainFp], LEG.a).self).toMatchObject({
      min: 9 * MB,
      max: 14.8 * MB,
      basis: expect.stringMatching(/first export on this ref/)
    });
    expect(
      legEstimates([{ ...mainFp, own: true, ownBytes: 0.1 * MB, ownFinalBytes: 0.1 * MB }], LEG.a).self
    ).toMatchObject({ min: 0.1 * MB, max: 0.1 * MB });
  });

  test.each([
    { name: 'room for all three after the prune', usage: 5 * MB, fits: [true, true, true] },
    {
      name: 'room for two legs: the two whose caches are oldest write, the newest does not',
      usage: 10 * MB,
      fits: [false, true, true]
    },
    { name: 'no room at all: no leg writes, each says why', usage: 28 * MB, fits: [false, false, false] }
  ])('exportFits: $name', ({ usage, fits }) => {
    // a exported last; b and c a day ago (scope order between them).
    const legs = [LEG.a, LEG.b, LEG.c].map((scope) => ({
      scope,
      min: 9 * MB,
      max: 14.8 * MB,
      basis: 'test',
      exportedAt: scope === LEG.a ? NOW : NOW - DAY_MS
    }));
    const plan = planLegs({ usageBytes: usage, budgetBytes: BUDGET }, { self: legs[0], siblings: legs.slice(1) });
    expect([LEG.a, LEG.b, LEG.c].map((scope) => exportFits(plan, scope, usage).fits)).toEqual(fits);
    if (!fits[0])
      expect(exportFits(plan, LEG.a, usage).reason).toMatch(
        /over the 33\.3 MB ceiling, and GitHub would evict least-recently-used entries.*goes first next run/
      );
    // Whatever fits, fits together: usage + the shares of the legs that write stay under the ceiling.
    const written = plan.legs.filter((l) => exportFits(plan, l.scope, usage).fits).reduce((s, l) => s + l.add, 0);
    expect(usage + written).toBeLessThanOrEqual(EXPORT_CEILING * BUDGET);
  });

  test('a leg that does not fit leaves its room to the smaller legs after it; every leg computes the same split', () => {
    // c (oldest) is large and does not fit; a and b are small and do.
    const legs = [
      { scope: LEG.a, min: 2 * MB, max: 2 * MB, basis: 'test', exportedAt: NOW - 1 },
      { scope: LEG.b, min: 2 * MB, max: 2 * MB, basis: 'test', exportedAt: NOW },
      { scope: LEG.c, min: 12 * MB, max: 12 * MB, basis: 'test', exportedAt: NOW - DAY_MS }
    ];
    const plans = legs.map((self) =>
      planLegs({ usageBytes: 25 * MB, budgetBytes: BUDGET }, { self, siblings: legs.filter((l) => l !== self) })
    );
    expect(plans.map((p) => p.legs.map((l) => l.scope))).toEqual(legs.map(() => [LEG.c, LEG.a, LEG.b]));
    expect(plans.map((p, i) => exportFits(p, legs[i].scope, 25 * MB).fits)).toEqual([true, true, false]);
  });

  test("the default branch's legs are no exception: past the ceiling they skip (their previous cache still serves)", () => {
    // Issue 15's replay at 12:01: main's three legs after a merge, 2.3 GB used of 3.3 GB, each about to write 0.45 GB.
    const GBu = 1000 * MB;
    const legs = [LEG.a, LEG.b, LEG.c].map((scope) => ({
      scope,
      min: 0.45 * GBu,
      max: 0.45 * GBu,
      basis: 'test',
      exportedAt: NOW - DAY_MS
    }));
    const plan = planLegs(
      { usageBytes: 2.3 * GBu, budgetBytes: 3.27 * GBu },
      { self: legs[0], siblings: legs.slice(1) }
    );
    expect([LEG.a, LEG.b, LEG.c].map((scope) => exportFits(plan, scope, 2.3 * GBu).fits)).toEqual([true, false, false]);
  });
});

describe('concurrentLegsOf: sibling legs of this job in this run (GITHUB_RUN_ID), from its jobs', () => {
  test.each([
    {
      name: 'three legs running or queued: two siblings',
      jobs: [
        ['build (3.10)', 'in_progress'],
        ['build (3.11)', 'queued'],
        ['build (3.12)', 'in_progress'],
        ['lint', 'in_progress']
      ],
      legs: 2
    },
    {
      name: 'finished legs do not export any more',
      jobs: [
        ['build (3.10)', 'in_progress'],
        ['build (3.11)', 'completed']
      ],
      legs: 0
    },
    {
      name: 'another job whose id starts the same is not a leg',
      jobs: [
        ['build (3.10)', 'in_progress'],
        ['build-docs (3.10)', 'in_progress'],
        ['buildx', 'queued']
      ],
      legs: 0
    },
    { name: 'a job with a custom name: not known', jobs: [['Build on 3.10', 'in_progress']], legs: undefined }
  ])('$name', ({ jobs, legs }) => {
    expect(
      concurrentLegsOf(
        jobs.map(([name, status]) => ({ name, status })),
        'build'
      )
    ).toBe(legs);
  });
});

test('a scope or ref read from the cache is echoed on one line, its control characters visible', () => {
  const hostile = `build-x\u001b[31m::warning::pwned-deadbeef`;
  const { self } = legEstimates([fp(hostile, { ref: 'refs/heads/a\u0007b', own: false })], LEG.b, 'build-');
  expect(self?.basis).toContain('\\u001b[31m::warning::pwned');
  expect(self?.basis).not.toMatch(/[\u0000-\u001f]/);
});
