/** The prune planner, table-driven: every rule, token scopes, concurrency, vanished entries, scale. */
import { describe, expect, test } from '@jest/globals';
import { BUILDKIT_CACHE_VERSION, indexKey, sha256Digest } from '../../src/budget/keys.js';
import { ENVD_MOUNT_DIRS } from '../../src/mounts/mounts.js';
import { indexesToRead, planPrune, type PruneInput, type PruneReason } from '../../src/budget/prune.js';
import { type CacheEntry, classifyIndexes } from '../../src/budget/generations.js';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../src/budget/units.js';

/** envd's pip cache directory inside the build (the first of ENVD_MOUNT_DIRS). */
const PIP_DIR = ENVD_MOUNT_DIRS[0];

const NOW = Date.UTC(2026, 9, 15, 12);
const MAIN = 'refs/heads/main';
const FEAT = 'refs/heads/feat';
const PR12 = 'refs/pull/12/merge';
const PR7 = 'refs/pull/7/merge';
const MB = 1000 ** 2;
const GB = 1000 ** 3;

const digest = (name: string) => sha256Digest(name);
const ago = (ms: number) => NOW - ms;

interface Times {
  created?: number;
  accessed?: number;
}

function blob(id: number, ref: string, layer: string, size: number, t: Times = {}): CacheEntry {
  const createdAt = t.created ?? ago(3 * DAY_MS);
  return {
    id,
    ref,
    key: `buildkit-blob-1-${digest(layer)}`,
    size,
    createdAt,
    lastAccessedAt: t.accessed ?? createdAt,
    version: BUILDKIT_CACHE_VERSION
  };
}

function index(id: number, ref: string, scope: string, n: number, t: Times = {}): CacheEntry {
  const createdAt = t.created ?? ago(3 * DAY_MS);
  return {
    id,
    ref,
    key: indexKey(scope, ref, n),
    size: 4_000,
    createdAt,
    lastAccessedAt: t.accessed ?? createdAt,
    version: BUILDKIT_CACHE_VERSION
  };
}

const refs = (...layers: string[]) => new Set(layers.map(digest));

function plan(entries: CacheEntry[], over: Partial<PruneInput> & { contents?: Record<number, string[]> } = {}) {
  const { contents = {}, ...rest } = over;
  const liveIndexes = new Map(Object.entries(contents).map(([id, layers]) => [Number(id), refs(...layers)]));
  return planPrune({
    entries,
    liveIndexes,
    readableRefs: [MAIN],
    budgetBytes: 10 * GB,
    now: NOW,
    jobStart: ago(20 * MINUTE_MS),
    ...rest
  });
}

const ids = (p: ReturnType<typeof plan>) => p.deletions.map((d) => d.id);
const reasons = (p: ReturnType<typeof plan>) =>
  Object.fromEntries(p.deletions.map((d) => [d.id, d.reason])) as Record<number, PruneReason>;

// Main: index #3 (live, layers a b), #2 (superseded long ago, layers a old), blobs a b old.
const mainBase = (): CacheEntry[] => [
  index(1, MAIN, 'ci-build', 2, { created: ago(3 * DAY_MS) }),
  index(2, MAIN, 'ci-build', 3, { created: ago(2 * DAY_MS) }),
  blob(3, MAIN, 'a', 500 * MB),
  blob(4, MAIN, 'b', 300 * MB),
  blob(5, MAIN, 'old', 700 * MB, { accessed: ago(2 * DAY_MS) })
];

interface Case {
  name: string;
  entries: CacheEntry[];
  input?: Partial<PruneInput> & { contents?: Record<number, string[]> };
  deleted: number[];
  why?: Record<number, PruneReason>;
  underTarget?: boolean;
  notes?: RegExp;
}

const CASES: Case[] = [
  {
    name: 'under target: only the superseded index goes; the live one and every blob stay',
    entries: mainBase(),
    input: { contents: { 2: ['a', 'b'] } },
    deleted: [1],
    why: { 1: 'superseded-index' },
    underTarget: true
  },
  {
    name: 'over target: unreferenced blobs go, least recently used first, until under target',
    entries: [
      ...mainBase(),
      blob(6, MAIN, 'older', 600 * MB, { accessed: ago(3 * DAY_MS) }),
      blob(7, MAIN, 'big-live', 6 * GB)
    ],
    input: { contents: { 2: ['a', 'b', 'big-live'] }, budgetBytes: 10 * GB, targetRatio: 0.7 },
    // usage 8.1 GB; target 7 GB: the superseded index, then 'older' (LRU) and 'old'.
    deleted: [1, 6, 5],
    why: { 1: 'superseded-index', 6: 'unreferenced-blob', 5: 'unreferenced-blob' },
    underTarget: true
  },
  {
    name: 'a referenced blob is never deleted, even far above the budget',
    entries: [index(1, MAIN, 'ci-build', 1), blob(2, MAIN, 'huge', 30 * GB)],
    input: { contents: { 1: ['huge'] } },
    deleted: [],
    underTarget: false,
    notes: /above the target/
  },
  {
    name: 'pinned: an index superseded 30 min ago stays with its blobs while usage is under target',
    entries: [
      index(1, MAIN, 'ci-build', 1, { created: ago(5 * HOUR_MS) }),
      index(2, MAIN, 'ci-build', 2, { created: ago(30 * MINUTE_MS) }),
      blob(3, MAIN, 'gen1', 3 * GB, { created: ago(5 * HOUR_MS) }),
      blob(4, MAIN, 'gen2', 1 * GB, { created: ago(30 * MINUTE_MS) })
    ],
    input: { contents: { 1: ['gen1'], 2: ['gen2'] } },
    deleted: [],
    underTarget: true
  },
  {
    name: 'pinned generations go last, once every other rule left usage above target',
    entries: [
      index(1, MAIN, 'ci-build', 1, { created: ago(5 * HOUR_MS) }),
      index(2, MAIN, 'ci-build', 2, { created: ago(30 * MINUTE_MS) }),
      blob(3, MAIN, 'gen1', 9 * GB, { created: ago(5 * HOUR_MS) }),
      blob(4, MAIN, 'gen2', 1 * GB, { created: ago(30 * MINUTE_MS) }),
      blob(5, MAIN, 'shared', 1 * GB, { created: ago(5 * HOUR_MS) }),
      index(6, PR7, 'ci-build', 1, { accessed: ago(DAY_MS) }),
      blob(7, PR7, 'pr7', 100 * MB, { accessed: ago(DAY_MS) })
    ],
    input: { contents: { 1: ['gen1', 'shared'], 2: ['gen2', 'shared'] } },
    deleted: [6, 7, 1, 3],
    why: { 6: 'idle-ref', 7: 'idle-ref', 1: 'superseded-index', 3: 'unreferenced-blob' },
    underTarget: true
  },
  {
    name: 'a pinned generation blob used within the idle window stays even then',
    entries: [
      index(1, MAIN, 'ci-build', 1, { created: ago(5 * HOUR_MS) }),
      index(2, MAIN, 'ci-build', 2, { created: ago(30 * MINUTE_MS) }),
      blob(3, MAIN, 'gen1', 9 * GB, { created: ago(5 * HOUR_MS), accessed: ago(5 * MINUTE_MS) }),
      blob(4, MAIN, 'gen2', 1 * GB, { created: ago(30 * MINUTE_MS) })
    ],
    input: { contents: { 1: ['gen1'], 2: ['gen2'] }, jobStart: ago(2 * MINUTE_MS) },
    deleted: [],
    underTarget: false
  },
  {
    name: 'unpinned once superseded longer ago than the pin window: index and its blob go',
    entries: [
      index(1, MAIN, 'ci-build', 1, { created: ago(9 * HOUR_MS) }),
      index(2, MAIN, 'ci-build', 2, { created: ago(2 * HOUR_MS) }),
      blob(3, MAIN, 'gen1', 9 * GB, { created: ago(9 * HOUR_MS) }),
      blob(4, MAIN, 'gen2', 1 * GB, { created: ago(2 * HOUR_MS) })
    ],
    input: { contents: { 2: ['gen2'] } },
    deleted: [1, 3],
    why: { 1: 'superseded-index', 3: 'unreferenced-blob' }
  },
  {
    name: 'concurrent job: a blob uploaded 10 min ago whose index is not written yet survives the grace period',
    entries: [...mainBase(), blob(6, MAIN, 'in-flight', 8 * GB, { created: ago(10 * MINUTE_MS) })],
    input: { contents: { 2: ['a', 'b'] } },
    deleted: [1, 5],
    underTarget: false
  },
  {
    name: 'concurrent job: the cutoff is the job start when it is earlier than now - grace',
    entries: [...mainBase(), blob(6, MAIN, 'in-flight', 8 * GB, { created: ago(2 * HOUR_MS) })],
    input: { contents: { 2: ['a', 'b'] }, jobStart: ago(3 * HOUR_MS) },
    deleted: [1, 5],
    underTarget: false
  },
  {
    name: 'the same blob is fair game once it is older than both the grace period and the job start',
    entries: [...mainBase(), blob(6, MAIN, 'in-flight', 8 * GB, { created: ago(2 * HOUR_MS) })],
    input: { contents: { 2: ['a', 'b'] }, jobStart: ago(30 * MINUTE_MS) },
    deleted: [1, 5, 6]
  },
  {
    name: 'closed pull request: all of its BuildKit entries go, even under target; main blobs it used stay',
    entries: [
      ...mainBase(),
      index(6, PR12, 'ci-build', 1, { created: ago(HOUR_MS * 2) }),
      blob(7, PR12, 'pr-layer', 200 * MB, { created: ago(HOUR_MS * 2) })
    ],
    input: { contents: { 2: ['a', 'b'] }, closedPrRefs: [PR12], readableRefs: [PR12, MAIN] },
    deleted: [6, 7, 1],
    why: { 6: 'closed-pr', 7: 'closed-pr', 1: 'superseded-index' }
  },
  {
    name: 'PR token: its own live index protects main blobs it references',
    entries: [
      ...mainBase(),
      index(6, PR12, 'ci-build', 1, { created: ago(HOUR_MS * 8) }),
      blob(7, PR12, 'pr-layer', 200 * MB, { created: ago(HOUR_MS * 8) }),
      blob(8, MAIN, 'pr-base', 9 * GB, { created: ago(HOUR_MS * 8) })
    ],
    input: { contents: { 2: ['a', 'b'], 6: ['pr-base', 'pr-layer'] }, readableRefs: [PR12, MAIN] },
    deleted: [1, 5],
    underTarget: false
  },
  {
    name: 'main token: another PR is unreadable; when idle it is reclaimed whole, its indexes before its blobs',
    entries: [
      ...mainBase(),
      blob(8, PR7, 'pr7-layer-b', 2 * GB, { created: ago(2 * DAY_MS), accessed: ago(DAY_MS) }),
      index(6, PR7, 'ci-build', 1, { created: ago(2 * DAY_MS), accessed: ago(DAY_MS) }),
      blob(7, PR7, 'pr7-layer-a', 6 * GB, { created: ago(2 * DAY_MS), accessed: ago(DAY_MS) })
    ],
    input: { contents: { 2: ['a', 'b'] } },
    // Blobs without their ref's index give no hits: the whole ref goes, though 7 alone reached the target.
    deleted: [1, 5, 6, 7, 8],
    why: { 6: 'idle-ref', 7: 'idle-ref', 8: 'idle-ref' }
  },
  {
    name: 'idle refs: the most bytes unused the longest go first, and only while above target',
    entries: [
      ...mainBase(),
      index(6, PR7, 'ci-build', 1, { accessed: ago(DAY_MS) }),
      blob(7, PR7, 'pr7', 500 * MB, { accessed: ago(DAY_MS) }),
      index(8, PR12, 'ci-build', 1, { accessed: ago(12 * HOUR_MS) }),
      blob(9, PR12, 'pr12', 6 * GB, { accessed: ago(12 * HOUR_MS) }),
      index(10, FEAT, 'ci-build', 1, { accessed: ago(2 * DAY_MS) }),
      blob(11, FEAT, 'feat', 10 * MB, { accessed: ago(2 * DAY_MS) })
    ],
    input: { contents: { 2: ['a', 'b'] } },
    // usage 8.0 GB, target 7 GB: after index 1 and blob 5 (0.7 GB), PR 12 (6 GB × 12 h) outweighs PR 7 and feat.
    deleted: [1, 5, 8, 9],
    why: { 8: 'idle-ref', 9: 'idle-ref' }
  },
  {
    name: 'value ranking: an open pull request keeps its live index and blobs while an inactive branch goes whole',
    entries: [
      ...mainBase(),
      index(6, PR12, 'ci-build', 2, { created: ago(2 * DAY_MS) }),
      blob(7, PR12, 'pr12-live', 5 * GB, { created: ago(2 * DAY_MS) }),
      blob(8, PR12, 'pr12-old', 1 * GB, { created: ago(5 * DAY_MS) }),
      index(9, FEAT, 'ci-build', 1, { created: ago(5 * DAY_MS), accessed: ago(DAY_MS) }),
      blob(10, FEAT, 'feat', 1 * GB, { created: ago(5 * DAY_MS), accessed: ago(DAY_MS) })
    ],
    input: { contents: { 2: ['a', 'b'] }, openPrRefs: [PR12] },
    // 8.5 GB, target 7 GB. Idle × bytes alone took 'old', then PR 12 (6 GB × 2 d) whole. By value: feat (not
    // pushed for 5 days) whole, then PR 12's blob untouched since before its newest export; 'old' (touched since
    // PR 12's export: it may reference it) is held back; PR 12's live index and blob stay.
    deleted: [1, 9, 10, 8],
    why: { 9: 'idle-ref', 10: 'idle-ref', 8: 'unreferenced-blob' },
    underTarget: true
  },
  {
    name: 'value ranking: a pull request that is not open goes before a recently pushed branch',
    entries: [
      ...mainBase(),
      index(6, PR12, 'ci-build', 1, { created: ago(HOUR_MS) }),
      blob(7, PR12, 'pr12', 3 * GB, { created: ago(HOUR_MS) }),
      index(8, FEAT, 'ci-build', 1, { created: ago(DAY_MS) }),
      blob(9, FEAT, 'feat', 5 * GB, { created: ago(DAY_MS) })
    ],
    input: { contents: { 2: ['a', 'b'] }, openPrRefs: [] },
    deleted: [1, 5, 6, 7],
    why: { 6: 'idle-ref', 7: 'idle-ref' }
  },
  {
    name: "value ranking: main's unreferenced blobs an open pull request's newest export touched wait until inactive refs are gone",
    entries: [
      ...mainBase().map((e) => (e.id === 5 ? { ...e, lastAccessedAt: ago(4 * DAY_MS) } : e)),
      blob(6, MAIN, 'pr-base', 3 * GB, { created: ago(3 * DAY_MS), accessed: ago(2 * DAY_MS - 5 * MINUTE_MS) }),
      index(7, PR12, 'ci-build', 1, { created: ago(2 * DAY_MS) }),
      blob(8, PR12, 'pr12', 600 * MB, { created: ago(2 * DAY_MS) }),
      index(9, FEAT, 'ci-build', 1, { created: ago(5 * DAY_MS) }),
      blob(10, FEAT, 'feat', 3 * GB, { created: ago(5 * DAY_MS) })
    ],
    input: { contents: { 2: ['a', 'b'] }, openPrRefs: [PR12] },
    // 8.1 GB: 'old' (0.7 GB) goes; 'pr-base' (touched by PR 12's export) is held back, where LRU alone took it;
    // feat (inactive) whole is enough.
    deleted: [1, 5, 9, 10],
    underTarget: true
  },
  {
    name: 'value ranking: when nothing less valuable is left, an active ref goes too (before GitHub evicts blindly)',
    entries: [
      ...mainBase(),
      index(6, PR12, 'ci-build', 1, { created: ago(DAY_MS) }),
      blob(7, PR12, 'pr12', 9 * GB, { created: ago(DAY_MS) })
    ],
    input: { contents: { 2: ['a', 'b'] }, openPrRefs: [PR12] },
    deleted: [1, 5, 6, 7],
    why: { 6: 'idle-ref', 7: 'idle-ref' }
  },
  {
    name: 'an unreadable ref used within the idle window (15 min) is left alone',
    entries: [
      ...mainBase(),
      index(6, FEAT, 'ci-build', 1, { accessed: ago(10 * MINUTE_MS) }),
      blob(7, FEAT, 'feat', 9 * GB, { accessed: ago(10 * MINUTE_MS) })
    ],
    input: { contents: { 2: ['a', 'b'] } },
    deleted: [1, 5],
    underTarget: false
  },
  {
    name: 'a live index that could not be read: unreferenced blobs are kept, the other rules still apply',
    entries: [...mainBase(), index(6, MAIN, 'ci-lint', 1), blob(7, MAIN, 'x', 9 * GB)],
    input: { contents: { 2: ['a', 'b'] } },
    deleted: [1],
    notes: /could not be read \(index-ci-lint-1-f921bd05#1\)/
  },
  {
    name: 'a listing that changed while paged: unreferenced blobs are kept',
    entries: [...mainBase(), blob(7, MAIN, 'x', 9 * GB)],
    input: { contents: { 2: ['a', 'b'] }, listingComplete: false },
    deleted: [1],
    notes: /listing changed/
  },
  {
    name: 'the newest index vanished before the read: the previous #n is live and protects its blobs',
    // Entry 2 (#3) is gone from the entries; #2 is now what BuildKit imports.
    entries: mainBase()
      .filter((e) => e.id !== 2)
      .concat(blob(6, MAIN, 'x', 9 * GB)),
    input: { contents: { 1: ['a', 'old'] } },
    // usage 10.5 GB: 'x' (LRU tie with 'b', larger first) is enough; 'a' and 'old' are referenced by #2.
    deleted: [6],
    why: { 6: 'unreferenced-blob' }
  },
  {
    name: "entries that are not BuildKit's count toward usage but are never deleted",
    entries: [
      ...mainBase(),
      {
        id: 6,
        ref: MAIN,
        key: 'node-cache-Linux-abc',
        size: 9 * GB,
        createdAt: ago(9 * DAY_MS),
        lastAccessedAt: ago(9 * DAY_MS),
        version: 'f00'
      },
      {
        id: 7,
        ref: PR12,
        key: 'buildkit-blob-1-sha256:' + 'a'.repeat(64),
        size: MB,
        createdAt: ago(9 * DAY_MS),
        lastAccessedAt: ago(9 * DAY_MS),
        version: 'other'
      }
    ],
    input: { contents: { 2: ['a', 'b'] }, closedPrRefs: [PR12] },
    deleted: [1, 5],
    underTarget: false
  },
  {
    name: 'signed cache: the signature blob of a live index is protected by the index digest',
    entries: [
      { ...index(1, MAIN, 'ci-build', 1), key: `${indexKey('ci-build', MAIN, undefined, true)}#1` },
      { ...blob(2, MAIN, 'unused', 9 * GB) },
      { ...blob(3, MAIN, 'index-content', 1_000), key: `buildkit-blob-1-${digest('index-content')}-sig` }
    ],
    input: { contents: { 1: ['a', 'index-content'] } },
    deleted: [2]
  },
  {
    name: 'scopes with dashes: each (ref, scope) keeps its own newest index',
    entries: [
      index(1, MAIN, 'ci-build', 1, { created: ago(3 * DAY_MS) }),
      index(2, MAIN, 'ci-build-1-deadbeef', 1, { created: ago(2 * DAY_MS) }),
      index(3, MAIN, 'ci-build', 2, { created: ago(DAY_MS) })
    ],
    input: { contents: { 2: [], 3: [] } },
    deleted: [1]
  }
];

describe('planPrune', () => {
  test.each(CASES)('$name', (c) => {
    const p = plan(c.entries, c.input);
    expect([...ids(p)].sort((a, b) => a - b)).toEqual([...c.deleted].sort((a, b) => a - b));
    if (c.why) expect(reasons(p)).toMatchObject(c.why);
    if (c.underTarget !== undefined) expect(p.underTarget).toBe(c.underTarget);
    if (c.notes) expect(p.notes.join('\n')).toMatch(c.notes);
    // The invariant, whatever the case: nothing a live index on a readable ref references is deleted, nor the index.
    const readable = new Set(
      (c.input?.readableRefs ?? [MAIN]).filter((r) => !(c.input?.closedPrRefs ?? []).includes(r))
    );
    const live = classifyIndexes(c.entries, NOW).live.filter((e) => readable.has(e.ref));
    expect(p.deletions.filter((d) => live.some((e) => e.id === d.id))).toEqual([]);
    const contents: Record<number, string[]> = c.input?.contents ?? {};
    const protectedDigests = new Set(live.flatMap((e) => contents[e.id] ?? []).map(digest));
    for (const d of p.deletions) {
      if (!readable.has(d.ref)) continue;
      const dg = /sha256:[0-9a-f]{64}/.exec(d.key)?.[0];
      expect(dg !== undefined && protectedDigests.has(dg)).toBe(false);
    }
  });

  test('the order is least valuable first: closed PR, superseded indexes, unreferenced blobs (LRU), idle refs', () => {
    const p = plan(
      [
        ...mainBase(),
        blob(6, MAIN, 'older', 600 * MB, { accessed: ago(4 * DAY_MS) }),
        index(7, PR12, 'ci-build', 1),
        blob(8, PR12, 'pr12', 100 * MB),
        index(9, PR7, 'ci-build', 1, { accessed: ago(DAY_MS) }),
        blob(10, PR7, 'pr7', 8 * GB, { accessed: ago(DAY_MS) })
      ],
      { contents: { 2: ['a', 'b'] }, closedPrRefs: [PR12] }
    );
    expect(p.deletions.map((d) => [d.id, d.reason])).toEqual([
      [7, 'closed-pr'],
      [8, 'closed-pr'],
      [1, 'superseded-index'],
      [6, 'unreferenced-blob'],
      [5, 'unreferenced-blob'],
      [9, 'idle-ref'],
      [10, 'idle-ref']
    ]);
    expect(p.byReason['unreferenced-blob']).toEqual({ entries: 2, bytes: 1300 * MB });
    expect(p.keptBytes).toBe(p.usageBytes - p.deleteBytes);
    expect(p.protectedBytes).toBe(800 * MB);
    expect(p.deletions[3].detail).toMatch(/last used 4\.0 d ago/);
  });

  test("hit-ratio histories: all but the newest per ref and scope go, whatever the usage; other entries that are not BuildKit's stay", () => {
    const history = (id: number, ref: string, scope: string, run: number, created: number): CacheEntry => ({
      id,
      ref,
      key: `envd-history-${scope}#${run}-1`,
      size: 600,
      createdAt: ago(created),
      lastAccessedAt: ago(created),
      version: 'actions-cache-version'
    });
    const entries = [
      ...mainBase(),
      history(20, MAIN, 'ci-build', 100, 3 * DAY_MS),
      history(21, MAIN, 'ci-build', 101, 2 * DAY_MS),
      history(22, MAIN, 'ci-build', 102, DAY_MS), // newest on main for ci-build: kept
      history(23, MAIN, 'ci-build-gpu', 100, 3 * DAY_MS), // another scope's only one: kept
      history(24, PR12, 'ci-build', 7, 2 * DAY_MS), // the pull request's own newest: kept
      {
        id: 25,
        ref: MAIN,
        key: 'envd-local-ci-build-0123456789abcdef',
        size: 900,
        createdAt: ago(3 * DAY_MS),
        lastAccessedAt: ago(3 * DAY_MS),
        version: 'other'
      }
    ];
    const p = plan(entries, { contents: { 2: ['a', 'b'] } });
    expect(
      ids(p)
        .filter((id) => id >= 20)
        .sort()
    ).toEqual([20, 21]);
    expect(reasons(p)[20]).toBe('superseded-history');
  });

  test("package caches (cache-mounts): all but the newest per ref, scope and mount go, whatever the usage; a closed pull request's go with it", () => {
    const mount = (id: number, ref: string, scope: string, dir: string, created: number): CacheEntry => ({
      id,
      ref,
      key: `envd-mount-${scope}#${dir}/demo-cpu#${String(id).padStart(16, '0')}`,
      size: 700 * MB,
      createdAt: ago(created),
      lastAccessedAt: ago(created),
      version: 'actions-cache-version'
    });
    const entries = [
      ...mainBase(),
      mount(30, MAIN, 'ci-build', `${PIP_DIR}`, 3 * DAY_MS),
      mount(31, MAIN, 'ci-build', `${PIP_DIR}`, DAY_MS), // newest pip cache on main: kept
      mount(32, MAIN, 'ci-build', '/opt/conda/pkgs', 3 * DAY_MS), // another mount's only one: kept
      mount(33, MAIN, 'ci-build-gpu', `${PIP_DIR}`, 3 * DAY_MS), // another scope's only one: kept
      mount(34, PR12, 'ci-build', `${PIP_DIR}`, 2 * DAY_MS), // on a closed pull request: goes
      mount(35, PR7, 'ci-build', `${PIP_DIR}`, 2 * DAY_MS) // an open pull request's own newest: kept
    ];
    const p = plan(entries, { contents: { 2: ['a', 'b'] }, closedPrRefs: [PR12] });
    expect(
      ids(p)
        .filter((id) => id >= 30)
        .sort()
    ).toEqual([30, 34]);
    expect(reasons(p)[30]).toBe('superseded-mount');
    expect(reasons(p)[34]).toBe('closed-pr');
  });

  test('indexesToRead: live and pinned indexes on readable refs, not on closed or unreadable ones', () => {
    const entries = [
      index(1, MAIN, 'ci-build', 1, { created: ago(7 * HOUR_MS) }),
      index(2, MAIN, 'ci-build', 2, { created: ago(30 * MINUTE_MS) }),
      index(3, MAIN, 'ci-build', 0, { created: ago(9 * HOUR_MS) }),
      index(4, PR12, 'ci-build', 1),
      index(5, PR7, 'ci-build', 1)
    ];
    expect(
      indexesToRead(entries, { readableRefs: [PR12, MAIN], now: NOW })
        .map((e) => e.id)
        .sort()
    ).toEqual([1, 2, 4]);
    expect(
      indexesToRead(entries, { readableRefs: [PR12, MAIN], closedPrRefs: [PR12], now: NOW })
        .map((e) => e.id)
        .sort()
    ).toEqual([1, 2]);
    const classes = classifyIndexes(entries, NOW);
    expect(classes.live.map((e) => e.id).sort()).toEqual([2, 4, 5]);
    expect(classes.pinned.map((p) => p.entry.id)).toEqual([1]);
    expect(classes.pinned[0].successor.id).toBe(2);
    expect(classes.superseded.map((s) => s.entry.id)).toEqual([3]);
  });

  test('the newest index is the newest by creation (what the cache service returns), not the highest #n', () => {
    const entries = [
      index(1, MAIN, 'ci-build', 9, { created: ago(3 * DAY_MS) }),
      index(2, MAIN, 'ci-build', 8, { created: ago(2 * DAY_MS) })
    ];
    expect(classifyIndexes(entries, NOW).live.map((e) => e.id)).toEqual([2]);
  });

  test('10,000 entries over 40 refs plan in well under 2 s', () => {
    const entries: CacheEntry[] = [];
    const contents: Record<number, string[]> = {};
    let id = 1;
    for (let r = 0; r < 40; r++) {
      const ref = r === 0 ? MAIN : `refs/pull/${r}/merge`;
      for (let s = 0; s < 4; s++) {
        for (let n = 1; n <= 10; n++) {
          const e = index(id++, ref, `ci-build-m${s}`, n, { created: ago(((11 - n) * DAY_MS) / 4 + HOUR_MS) });
          entries.push(e);
          if (n === 10) contents[e.id] = Array.from({ length: 8 }, (_, l) => `${ref}-${s}-${l}`);
        }
      }
    }
    while (entries.length < 10_000) {
      const r = id % 40;
      const ref = r === 0 ? MAIN : `refs/pull/${r}/merge`;
      entries.push(
        blob(id, ref, `${ref}-${id % 4}-${id % 50}-${id}`, 5 * MB, {
          accessed: ago((id % 200) * HOUR_MS + 7 * HOUR_MS)
        })
      );
      id++;
    }
    const readable = [MAIN, 'refs/pull/1/merge'];
    const live = Object.fromEntries(
      Object.entries(contents).filter(([k]) => readable.includes(entries[Number(k) - 1].ref))
    );
    const started = performance.now();
    const p = plan(entries, {
      contents: live,
      readableRefs: readable,
      budgetBytes: 40 * GB,
      closedPrRefs: ['refs/pull/2/merge']
    });
    const ms = performance.now() - started;
    expect(ms).toBeLessThan(2000);
    expect(p.deletions.length).toBeGreaterThan(1000);
    expect(p.underTarget).toBe(true);
  });
});
