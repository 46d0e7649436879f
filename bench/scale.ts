/**
 * Planning a prune over 10,000 entries, over HTTP: the emulator serves the REST API and the cache service,
 * and the action's own shell (octokit over the one HTTP client and retry policy, twirp index reader, src/steps/prune.ts) lists,
 * reads the live indexes and plans. Timed, and REST calls counted (client side and by the emulator).
 */
import { createIndexReader } from '../src/io/github/indexes.js';
import { blobKey, indexKey, sha256Digest } from '../src/budget/keys.js';
import { createCacheRest, type CacheRest } from '../src/io/github/rest.js';
import { carryOutPrune, fetchReading } from '../src/steps/prune.js';
import { Permission, startEmulator } from '../__tests__/support/emulator/index.js';
import { DAY, HOUR, MAIN, MB, MINUTE, prRef, prng } from './workload.js';

export interface ScaleResult {
  entries: number;
  planMs: number;
  restCalls: number;
  restCallsSeenByEmulator: number;
  pages: number;
  indexCalls: number;
  planned: number;
  plannedBytes: number;
  usageBytes: number;
  keptBytes: number;
  executed: { deleted: number; gone: number; restCalls: number };
}

const REPOSITORY = 'octo-org/octo-repo';
const TOKEN = 'bench-token';

export async function scale(total = 10_000): Promise<ScaleResult> {
  const start = Date.UTC(2026, 10, 1, 12);
  const emu = await startEmulator({
    startTime: start,
    budgetBytes: 10 * 1024 ** 3,
    eviction: 'tick',
    restTokens: { [TOKEN]: 'write' }
  });
  try {
    // A repository after weeks of CI without pruning: main and 59 pull requests, 4 scopes each, every export a
    // new index #n over 7 layers of which 1-2 changed; indexes hold BuildKit's cache-config JSON.
    const rnd = prng(42);
    const refs = [MAIN, ...Array.from({ length: 59 }, (_, i) => prRef(100 + i))];
    const layers = new Map<string, string[]>();
    const counters = new Map<string, number>();
    let seeded = 0;
    let gen = 0;
    while (seeded < total) {
      const ref = refs[gen % 7 === 0 ? 0 : 1 + Math.floor(rnd() * (refs.length - 1))];
      const scope = `ci-build-py31${Math.floor(rnd() * 4)}`;
      const at = start - 6 * DAY + Math.min(1, gen / (total / 2.5)) * (6 * DAY - 2 * HOUR);
      const current =
        layers.get(`${ref} ${scope}`) ??
        layers.get(`${MAIN} ${scope}`) ??
        Array.from({ length: 7 }, (_, l) => `${scope}-base-${l}`);
      const next = [...current];
      const changed = 1 + Math.floor(rnd() * 2);
      for (let c = 0; c < changed && seeded < total - 1; c++) {
        const l = 3 + Math.floor(rnd() * 4);
        next[l] = `${scope}-${gen}-${l}-${c}`;
        emu.seed({
          ref,
          key: blobKey(sha256Digest(next[l])),
          sizeBytes: Math.round((0.2 + rnd() * 3) * MB),
          createdAt: at
        });
        seeded++;
      }
      layers.set(`${ref} ${scope}`, next);
      const n = (counters.get(`${ref} ${scope}`) ?? 0) + 1;
      counters.set(`${ref} ${scope}`, n);
      const config = JSON.stringify({
        layers: next.map((l, i) => ({ blob: sha256Digest(l), parent: i - 1 })),
        records: []
      });
      emu.seed({ ref, key: indexKey(scope, ref, n), data: config, createdAt: at + MINUTE });
      seeded++;
      gen++;
    }
    const now = () => emu.clock.now();
    const rest = createCacheRest({ token: TOKEN, apiUrl: emu.apiUrl, repository: REPOSITORY });
    const reader = createIndexReader({
      token: emu.mintToken([{ Scope: MAIN, Permission: Permission.All }]),
      resultsUrl: emu.resultsUrl
    });
    const restBefore = emu.counters.rest;

    const t0 = performance.now();
    const reading = await fetchReading({ rest, cacheBudget: 'auto' });
    const planned = await carryOutPrune({
      rest,
      reader,
      readableRefs: [MAIN],
      discoverClosedPrs: true,
      budgetBytes: reading.budget.bytes,
      jobStart: now() - 20 * MINUTE,
      now,
      dryRun: true
    });
    const planMs = performance.now() - t0;
    const plan = planned.plan;
    if (!plan) throw new Error(`scale: no plan (${planned.warnings.join('; ')})`);
    const pages = emu.requests.filter((r) => r.route === 'rest.list').length;
    const result: ScaleResult = {
      entries: emu.entries().length,
      planMs,
      restCalls: rest.calls,
      restCallsSeenByEmulator: emu.counters.rest - restBefore,
      pages,
      indexCalls: reader.calls,
      planned: plan.deletions.length,
      plannedBytes: plan.deleteBytes,
      usageBytes: plan.usageBytes,
      keptBytes: plan.keptBytes,
      executed: { deleted: 0, gone: 0, restCalls: 0 }
    };

    // Then carry out the first 100 deletions for real, while 5 of them vanish between the listing and the
    // delete (evicted, or deleted by another job); one at a time here, paced only by the emulator.
    emu.clock.advance(HOUR);
    const fast = createCacheRest({ token: TOKEN, apiUrl: emu.apiUrl, repository: REPOSITORY });
    const racing: CacheRest = {
      get calls() {
        return fast.calls;
      },
      usage: () => fast.usage(),
      storageLimitGb: () => fast.storageLimitGb(),
      openPullRequests: () => fast.openPullRequests(),
      deleteById: (id) => fast.deleteById(id),
      listAll: async (filter) => {
        const listing = await fast.listAll(filter);
        if (listing.ok)
          for (const e of listing.value.entries.filter((x) => x.key.startsWith('index-') && x.ref !== MAIN).slice(0, 5))
            emu.deleteEntry(e.id);
        return listing;
      }
    };
    const done = await carryOutPrune({
      rest: racing,
      reader,
      readableRefs: [MAIN],
      budgetBytes: reading.budget.bytes,
      jobStart: now() - 20 * MINUTE,
      now,
      dryRun: false,
      maxDeletes: 100
    });
    result.executed = { deleted: done.deleted.length, gone: done.gone.length, restCalls: fast.calls };
    return result;
  } finally {
    await emu.close();
  }
}
