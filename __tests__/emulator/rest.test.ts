import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { DAY, HOUR, MINUTE, startEmulator, type Emulator } from '../support/emulator/index.js';
import { http, rest, saveEntry, scopes, twirp } from './client.js';

const START = Date.UTC(2026, 9, 1, 12);
const REPO = '/repos/octo-org/octo-repo';
let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ startTime: START, restTokens: { reader: 'read', writer: 'write', nobody: 'none' } });
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

type Cache = {
  id: number;
  ref: string;
  key: string;
  size_in_bytes: number;
  created_at: string;
  last_accessed_at: string;
  version: string;
};
const caches = (json: Record<string, unknown>) => json.actions_caches as Cache[];

/** 5 blobs on main, 2 on feat and an index; distinct created/accessed times and sizes. */
function seedMany(): void {
  for (let i = 0; i < 5; i++) {
    emu.seed({
      ref: 'refs/heads/main',
      key: `buildkit-blob-1-sha256:${i}`,
      sizeBytes: 100 * (5 - i),
      createdAt: START + i * MINUTE,
      lastAccessedAt: START + (10 - i) * MINUTE
    });
  }
  emu.seed({ ref: 'refs/heads/feat', key: 'buildkit-blob-1-sha256:f0', sizeBytes: 50, createdAt: START + 20 * MINUTE });
  emu.seed({ ref: 'refs/heads/feat', key: 'buildkit-blob-1-sha256:f1', sizeBytes: 60, createdAt: START + 21 * MINUTE });
  emu.seed({
    ref: 'refs/heads/main',
    key: 'index-buildkit-1-f921bd05#1',
    sizeBytes: 7,
    createdAt: START + 30 * MINUTE
  });
}

describe('GET /actions/caches', () => {
  test('defaults: sort last_accessed_at desc, per_page 30, full shape', async () => {
    seedMany();
    const r = await rest(emu, 'GET', `${REPO}/actions/caches`, 'reader');
    expect(r.status).toBe(200);
    expect(r.json.total_count).toBe(8);
    expect(caches(r.json).map((c) => c.id)).toEqual([8, 7, 6, 1, 2, 3, 4, 5]);
    expect(caches(r.json)[3]).toEqual({
      id: 1,
      ref: 'refs/heads/main',
      key: 'buildkit-blob-1-sha256:0',
      version: '693bb7016429d80366022f036f84856888c9f13e00145f5f6f4dce303a38d6f2',
      last_accessed_at: '2026-10-01T12:10:00.000Z',
      created_at: '2026-10-01T12:00:00.000Z',
      size_in_bytes: 500
    });
  });

  test('key prefix and ref filters', async () => {
    seedMany();
    const blobsOnMain = await rest(
      emu,
      'GET',
      `${REPO}/actions/caches?key=buildkit-blob-1-&ref=refs/heads/main`,
      'reader'
    );
    expect(blobsOnMain.json.total_count).toBe(5);
    expect(
      caches(blobsOnMain.json).every((c) => c.ref === 'refs/heads/main' && c.key.startsWith('buildkit-blob-1-'))
    ).toBe(true);
    const index = await rest(
      emu,
      'GET',
      `${REPO}/actions/caches?key=${encodeURIComponent('index-buildkit-1-')}`,
      'reader'
    );
    expect(caches(index.json).map((c) => c.key)).toEqual(['index-buildkit-1-f921bd05#1']);
    const feat = await rest(
      emu,
      'GET',
      `${REPO}/actions/caches?ref=${encodeURIComponent('refs/heads/feat')}`,
      'reader'
    );
    expect(caches(feat.json).map((c) => c.id)).toEqual([7, 6]);
  });

  test('all three sorts in both directions', async () => {
    seedMany();
    const ids = async (query: string) =>
      caches((await rest(emu, 'GET', `${REPO}/actions/caches?ref=refs/heads/main&${query}`, 'reader')).json).map(
        (c) => c.id
      );
    expect(await ids('sort=created_at&direction=asc')).toEqual([1, 2, 3, 4, 5, 8]);
    expect(await ids('sort=created_at')).toEqual([8, 5, 4, 3, 2, 1]);
    expect(await ids('sort=size_in_bytes&direction=asc')).toEqual([8, 5, 4, 3, 2, 1]);
    expect(await ids('sort=size_in_bytes&direction=desc')).toEqual([1, 2, 3, 4, 5, 8]);
    expect(await ids('sort=last_accessed_at&direction=asc')).toEqual([5, 4, 3, 2, 1, 8]);
    expect((await rest(emu, 'GET', `${REPO}/actions/caches?sort=name`, 'reader')).status).toBe(422);
  });

  test('pages, per_page capped at 100, total_count and Link', async () => {
    for (let i = 0; i < 130; i++)
      emu.seed({ ref: 'refs/heads/main', key: `k-${i}`, sizeBytes: 1, createdAt: START + i });
    const page = async (query: string) =>
      rest(emu, 'GET', `${REPO}/actions/caches?sort=created_at&direction=asc&${query}`, 'reader');
    const first = await page('per_page=50');
    expect([first.json.total_count, caches(first.json).length, caches(first.json)[0].id]).toEqual([130, 50, 1]);
    expect(first.headers.link).toContain('page=2>; rel="next"');
    expect(first.headers.link).toContain('page=3>; rel="last"');
    const third = await page('per_page=50&page=3');
    expect(caches(third.json).map((c) => c.id)).toEqual(Array.from({ length: 30 }, (_, i) => 101 + i));
    expect(third.headers.link).not.toContain('rel="next"');
    expect(caches((await page('per_page=500')).json)).toHaveLength(100);
    expect(caches((await page('')).json)).toHaveLength(30);
    expect(caches((await page('page=9')).json)).toEqual([]);
  });

  test('only committed entries are listed', async () => {
    const token = emu.mintToken(scopes.main);
    await saveEntry(emu, token, 'done', 'x');
    await twirp(emu, 'CreateCacheEntry', token, { key: 'pending', version: 'v' });
    expect(caches((await rest(emu, 'GET', `${REPO}/actions/caches`, 'reader')).json).map((c) => c.key)).toEqual([
      'done'
    ]);
  });
});

describe('usage, storage-limit and retention-limit', () => {
  test('usage totals', async () => {
    seedMany();
    const r = await rest(emu, 'GET', `${REPO}/actions/cache/usage`, 'reader');
    expect(r.json).toEqual({
      full_name: 'octo-org/octo-repo',
      active_caches_size_in_bytes: 1500 + 50 + 60 + 7,
      active_caches_count: 8
    });
  });

  test('usage can lag', async () => {
    const lagging = await startEmulator({ startTime: START, restTokens: { reader: 'read' }, usageLagMs: 5 * MINUTE });
    try {
      lagging.seed({ ref: 'refs/heads/main', key: 'a', sizeBytes: 10 });
      expect((await rest(lagging, 'GET', `${REPO}/actions/cache/usage`, 'reader')).json.active_caches_count).toBe(1);
      lagging.seed({ ref: 'refs/heads/main', key: 'b', sizeBytes: 10 });
      expect((await rest(lagging, 'GET', `${REPO}/actions/cache/usage`, 'reader')).json.active_caches_count).toBe(1);
      lagging.clock.advance(5 * MINUTE);
      expect((await rest(lagging, 'GET', `${REPO}/actions/cache/usage`, 'reader')).json).toMatchObject({
        active_caches_count: 2,
        active_caches_size_in_bytes: 20
      });
    } finally {
      await lagging.close();
    }
  });

  test('storage-limit reflects the budget; retention-limit the expiry', async () => {
    expect((await rest(emu, 'GET', `${REPO}/actions/cache/storage-limit`, 'reader')).json).toEqual({
      max_cache_size_gb: 10
    });
    emu.setBudgetBytes(5 * 1024 ** 3);
    expect((await rest(emu, 'GET', `${REPO}/actions/cache/storage-limit`, 'reader')).json).toEqual({
      max_cache_size_gb: 5
    });
    expect((await rest(emu, 'GET', `${REPO}/actions/cache/retention-limit`, 'reader')).json).toEqual({
      max_cache_retention_days: 7
    });
  });
});

describe('DELETE', () => {
  test('by complete key (not a prefix), optionally limited to a ref; returns the deleted entries', async () => {
    emu.seed({ ref: 'refs/heads/main', key: 'deps', sizeBytes: 1 });
    emu.seed({ ref: 'refs/heads/feat', key: 'deps', sizeBytes: 2 });
    emu.seed({ ref: 'refs/heads/main', key: 'deps-2', sizeBytes: 3 });
    emu.seed({ ref: 'refs/heads/other', key: 'deps', sizeBytes: 4 });
    const scoped = await rest(emu, 'DELETE', `${REPO}/actions/caches?key=deps&ref=refs/heads/feat`, 'writer');
    expect(scoped.status).toBe(200);
    expect(scoped.json.total_count).toBe(1);
    expect(caches(scoped.json)[0]).toMatchObject({ id: 2, ref: 'refs/heads/feat', key: 'deps', size_in_bytes: 2 });
    const all = await rest(emu, 'DELETE', `${REPO}/actions/caches?key=deps`, 'writer');
    expect(caches(all.json).map((c) => c.id)).toEqual([1, 4]);
    expect(emu.entries().map((e) => e.key)).toEqual(['deps-2']);
    expect((await rest(emu, 'DELETE', `${REPO}/actions/caches?key=deps`, 'writer')).status).toBe(404);
    expect((await rest(emu, 'DELETE', `${REPO}/actions/caches`, 'writer')).status).toBe(422);
  });

  test('by id → 204, then 404', async () => {
    emu.seed({ ref: 'refs/heads/main', key: 'a', sizeBytes: 1 });
    emu.seed({ ref: 'refs/heads/main', key: 'b', sizeBytes: 1 });
    const r = await rest(emu, 'DELETE', `${REPO}/actions/caches/1`, 'writer');
    expect([r.status, r.body.length]).toEqual([204, 0]);
    expect((await rest(emu, 'DELETE', `${REPO}/actions/caches/1`, 'writer')).status).toBe(404);
    expect((await rest(emu, 'DELETE', `${REPO}/actions/caches/abc`, 'writer')).status).toBe(404);
    expect(emu.entries().map((e) => e.key)).toEqual(['b']);
  });
});

describe('REST auth, grants and accounting', () => {
  test('401 without or with an unknown token; 403 without the needed grant; "token" scheme accepted', async () => {
    emu.seed({ ref: 'refs/heads/main', key: 'a', sizeBytes: 1 });
    expect((await rest(emu, 'GET', `${REPO}/actions/caches`)).status).toBe(401);
    expect((await rest(emu, 'GET', `${REPO}/actions/caches`, 'stranger')).json.message).toBe('Bad credentials');
    const none = await rest(emu, 'GET', `${REPO}/actions/caches`, 'nobody');
    expect(none.status).toBe(403);
    expect(none.json.message).toBe('Resource not accessible by integration');
    expect((await rest(emu, 'GET', `${REPO}/actions/cache/usage`, 'nobody')).status).toBe(403);
    expect((await rest(emu, 'DELETE', `${REPO}/actions/caches/1`, 'reader')).status).toBe(403);
    expect((await rest(emu, 'DELETE', `${REPO}/actions/caches?key=a`, 'reader')).status).toBe(403);
    emu.grantRest('late', 'write');
    const classic = await http(`${emu.apiUrl}${REPO}/actions/caches`, { headers: { authorization: 'token late' } });
    expect(classic.status).toBe(200);
    expect(emu.entries()).toHaveLength(1);
    expect(emu.counters.rest).toBe(7);
  });

  test('other repositories and paths are 404', async () => {
    expect((await rest(emu, 'GET', '/repos/someone/else/actions/caches', 'reader')).status).toBe(404);
    expect((await rest(emu, 'GET', `${REPO}/actions/artifacts`, 'reader')).status).toBe(404);
  });

  test('rate-limit headers and the hourly REST budget', async () => {
    const limited = await startEmulator({ startTime: START, restTokens: { t: 'read' }, restCallsPerHour: 3 });
    try {
      const get = () => rest(limited, 'GET', `${REPO}/actions/cache/usage`, 't');
      expect((await get()).headers['x-ratelimit-remaining']).toBe('2');
      await get();
      const third = await get();
      expect([third.status, third.headers['x-ratelimit-remaining'], third.headers['x-ratelimit-used']]).toEqual([
        200,
        '0',
        '3'
      ]);
      const fourth = await get();
      expect(fourth.status).toBe(403);
      expect(fourth.json.message).toMatch(/rate limit exceeded/);
      limited.clock.advance(HOUR);
      expect((await get()).status).toBe(200);
      expect(limited.counters.rest).toBe(5);
    } finally {
      await limited.close();
    }
  });

  test('expired entries are not listed', async () => {
    emu.seed({ ref: 'refs/heads/main', key: 'old', sizeBytes: 1 });
    emu.clock.advance(7 * DAY);
    expect((await rest(emu, 'GET', `${REPO}/actions/caches`, 'reader')).json.total_count).toBe(0);
  });
});

describe('GET /pulls', () => {
  test('lists the open pull requests (newest first, paged), needs a read grant', async () => {
    emu.setOpenPullRequests([7, 12, 3]);
    const r = await rest(emu, 'GET', `${REPO}/pulls?state=open&per_page=2`, 'reader');
    expect(r.status).toBe(200);
    expect(JSON.parse(r.text)).toEqual([
      { number: 12, state: 'open' },
      { number: 7, state: 'open' }
    ]);
    expect(JSON.parse((await rest(emu, 'GET', `${REPO}/pulls?state=open&per_page=2&page=2`, 'reader')).text)).toEqual([
      { number: 3, state: 'open' }
    ]);
    expect(JSON.parse((await rest(emu, 'GET', `${REPO}/pulls?state=closed`, 'reader')).text)).toEqual([]);
    expect((await rest(emu, 'GET', `${REPO}/pulls`, 'nobody')).status).toBe(403);
    emu.reset();
    expect(JSON.parse((await rest(emu, 'GET', `${REPO}/pulls`, 'reader')).text)).toEqual([]);
  });
});

describe('GET /actions/runs/{run_id}/jobs', () => {
  test('lists the jobs set for a run (paged), 404 for an unknown run', async () => {
    emu.setRunJobs('42', [
      { name: 'build (3.10)', status: 'in_progress' },
      { name: 'build (3.11)', status: 'queued' },
      { name: 'lint', status: 'completed' }
    ]);
    const r = await rest(emu, 'GET', `${REPO}/actions/runs/42/jobs?per_page=2`, 'reader');
    expect(r.status).toBe(200);
    expect(r.json).toEqual({
      total_count: 3,
      jobs: [
        { id: 1, run_id: 42, name: 'build (3.10)', status: 'in_progress' },
        { id: 2, run_id: 42, name: 'build (3.11)', status: 'queued' }
      ]
    });
    expect(
      (await rest(emu, 'GET', `${REPO}/actions/runs/42/attempts/2/jobs?page=2&per_page=2`, 'reader')).json.jobs
    ).toEqual([{ id: 3, run_id: 42, name: 'lint', status: 'completed' }]);
    expect((await rest(emu, 'GET', `${REPO}/actions/runs/7/jobs`, 'reader')).status).toBe(404);
    expect((await rest(emu, 'GET', `${REPO}/actions/runs/42/jobs`, 'nobody')).status).toBe(403);
  });
});
