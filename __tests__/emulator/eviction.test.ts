import { afterEach, describe, expect, test } from '@jest/globals';
import { DAY, HOUR, MINUTE, startEmulator, type Emulator, type EmulatorOptions } from '../support/emulator/index.js';
import { lookup, rest, saveEntry, scopes } from './client.js';

const START = Date.UTC(2026, 9, 1, 12, 10);
let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

async function start(options: EmulatorOptions): Promise<{ emu: Emulator; token: string }> {
  emu = await startEmulator({ startTime: START, ...options });
  return { emu, token: emu.mintToken(scopes.main) };
}
const keys = (e: Emulator) => e.entries().map((x) => x.key);

describe('LRU eviction', () => {
  test('after each finalize, least recently accessed first; lookups update last_accessed_at', async () => {
    const { emu, token } = await start({ budgetBytes: 1000 });
    await saveEntry(emu, token, 'a', Buffer.alloc(400));
    emu.clock.advance(MINUTE);
    await saveEntry(emu, token, 'b', Buffer.alloc(400));
    emu.clock.advance(MINUTE);
    expect(emu.nextEvictions(2).map((e) => e.key)).toEqual(['a', 'b']);

    await lookup(emu, token, 'a');
    expect(emu.entries().find((e) => e.key === 'a')?.lastAccessedAt).toBe(START + 2 * MINUTE);
    expect(emu.entries().find((e) => e.key === 'a')?.createdAt).toBe(START);
    expect(emu.nextEvictions(2).map((e) => e.key)).toEqual(['b', 'a']);

    emu.clock.advance(MINUTE);
    await saveEntry(emu, token, 'c', Buffer.alloc(400));
    expect(keys(emu)).toEqual(['a', 'c']);
    expect(emu.counters.evicted).toBe(1);
  });

  test('never refuses a write for size; evicts until under budget', async () => {
    const { emu, token } = await start({ budgetBytes: 1000 });
    await saveEntry(emu, token, 'small-1', Buffer.alloc(300));
    emu.clock.advance(1000);
    await saveEntry(emu, token, 'small-2', Buffer.alloc(300));
    emu.clock.advance(1000);
    await saveEntry(emu, token, 'medium', Buffer.alloc(600));
    expect(keys(emu)).toEqual(['small-2', 'medium']);
    // Even an entry larger than the whole budget is accepted (and then, being over budget alone, evicted last).
    emu.clock.advance(1000);
    const { entryId } = await saveEntry(emu, token, 'huge', Buffer.alloc(1500));
    expect(entryId).toBe('4');
    expect(emu.counters.evicted).toBe(4);
    expect(keys(emu)).toEqual([]);
  });

  test('tick mode: nothing happens until tick(), which evicts in nextEvictions order', async () => {
    const { emu, token } = await start({ budgetBytes: 1000, eviction: 'tick' });
    for (const key of ['a', 'b', 'c', 'd']) {
      await saveEntry(emu, token, key, Buffer.alloc(300));
      emu.clock.advance(MINUTE);
    }
    await lookup(emu, token, 'a');
    expect(keys(emu)).toEqual(['a', 'b', 'c', 'd']);
    expect(emu.nextEvictions(2).map((e) => e.key)).toEqual(['b', 'c']);
    const { evicted, expired } = emu.tick();
    expect(expired).toEqual([]);
    expect(evicted.map((e) => e.key)).toEqual(['b']);
    expect(keys(emu)).toEqual(['a', 'c', 'd']);
  });

  test('hourly mode runs when the injected clock crosses an hour', async () => {
    const { emu, token } = await start({ budgetBytes: 500, eviction: 'hourly' });
    await saveEntry(emu, token, 'a', Buffer.alloc(300));
    await saveEntry(emu, token, 'b', Buffer.alloc(300));
    emu.clock.advance(30 * MINUTE); // 12:40
    expect(keys(emu)).toEqual(['a', 'b']);
    emu.clock.advance(25 * MINUTE); // 13:05
    expect(keys(emu)).toEqual(['b']);
  });

  test('seeded entries take part in eviction with their own timestamps', async () => {
    const { emu } = await start({ budgetBytes: 1000, eviction: 'tick' });
    const seeded = [
      emu.seed({
        ref: 'refs/heads/main',
        key: 'old',
        sizeBytes: 600,
        createdAt: START - 3 * DAY,
        lastAccessedAt: START - DAY
      }),
      emu.seed({
        ref: 'refs/heads/feat',
        key: 'recent',
        sizeBytes: 600,
        createdAt: START - 2 * DAY,
        lastAccessedAt: START - HOUR
      })
    ];
    expect(seeded.map((s) => s.id)).toEqual([1, 2]);
    expect(emu.nextEvictions(5).map((e) => e.key)).toEqual(['old', 'recent']);
    expect(emu.tick().evicted.map((e) => e.key)).toEqual(['old']);
  });
});

describe('7-day expiry', () => {
  test('entries not accessed for 7 days disappear; a lookup keeps an entry alive', async () => {
    const { emu, token } = await start({});
    expect(emu.tick()).toEqual({ expired: [], evicted: [] });
    await saveEntry(emu, token, 'stale', 'x');
    await saveEntry(emu, token, 'used', 'y');
    emu.clock.advance(6 * DAY);
    const later = emu.mintToken(scopes.main); // runtime tokens live about 6 h
    expect((await lookup(emu, later, 'used')).json.ok).toBe(true);
    emu.clock.advance(DAY);
    expect(keys(emu)).toEqual(['used']);
    expect((await lookup(emu, emu.mintToken(scopes.main), 'stale')).json.ok).toBe(false);
    expect(emu.counters.expired).toBe(1);
    emu.clock.advance(6 * DAY - 1); // last access was on day 6; now day 13 minus 1 ms
    expect(keys(emu)).toEqual(['used']);
    emu.clock.advance(1);
    expect(keys(emu)).toEqual([]);
  });
});

describe('age (time passes for the store, not for the clock)', () => {
  test('every entry moves into the past by the same amount: the clock and the LRU order stay; retention sees the age', async () => {
    const { emu, token } = await start({ budgetBytes: 10_000 });
    await saveEntry(emu, token, 'a', Buffer.alloc(10));
    emu.clock.advance(MINUTE);
    await saveEntry(emu, token, 'b', Buffer.alloc(10));
    emu.age(3 * HOUR);
    expect(emu.clock.now()).toBe(START + MINUTE);
    expect(emu.entries().map((e) => [e.key, e.createdAt, e.lastAccessedAt])).toEqual([
      ['a', START - 3 * HOUR, START - 3 * HOUR],
      ['b', START + MINUTE - 3 * HOUR, START + MINUTE - 3 * HOUR]
    ]);
    expect(emu.nextEvictions(2).map((e) => e.key)).toEqual(['a', 'b']);
    await lookup(emu, token, 'a');
    expect(emu.entries().find((e) => e.key === 'a')?.lastAccessedAt).toBe(START + MINUTE);
    // A week less two hours later: b (last used three hours before a) is past the 7-day retention, a is not.
    emu.age(7 * DAY - 2 * HOUR);
    expect(emu.tick().expired.map((e) => e.key)).toEqual(['b']);
  });
});

describe('store events (onStoreEvent)', () => {
  test('a commit reports the usage before the eviction it causes, then the eviction; REST deletions and expiry are reported', async () => {
    emu = await startEmulator({ startTime: START, budgetBytes: 1000, restTokens: { writer: 'write' } });
    const token = emu.mintToken(scopes.main);
    const events: Array<{ kind: string; keys: string[]; usageBytes: number }> = [];
    const stop = emu.onStoreEvent((e) =>
      events.push({ kind: e.kind, keys: e.entries.map((x) => x.key), usageBytes: e.usageBytes })
    );
    await saveEntry(emu, token, 'a', Buffer.alloc(600));
    emu.clock.advance(MINUTE);
    await saveEntry(emu, token, 'b', Buffer.alloc(600));
    expect(events).toEqual([
      { kind: 'committed', keys: ['a'], usageBytes: 600 },
      { kind: 'committed', keys: ['b'], usageBytes: 1200 },
      { kind: 'evicted', keys: ['a'], usageBytes: 600 }
    ]);
    events.length = 0;
    const id = emu.entries()[0].id;
    expect((await rest(emu, 'DELETE', `/repos/octo-org/octo-repo/actions/caches/${id}`, 'writer')).status).toBe(204);
    expect(events).toEqual([{ kind: 'deleted', keys: ['b'], usageBytes: 0 }]);
    events.length = 0;
    await saveEntry(emu, token, 'c', Buffer.alloc(10));
    emu.clock.advance(8 * DAY);
    expect(emu.entries()).toEqual([]);
    expect(events.map((e) => e.kind)).toEqual(['committed', 'expired']);
    stop();
    await saveEntry(emu, emu.mintToken(scopes.main), 'd', Buffer.alloc(10));
    expect(events).toHaveLength(2);
  });
});
