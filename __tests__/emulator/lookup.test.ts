import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { BUILDKIT_CACHE_VERSION, startEmulator, type Emulator } from '../support/emulator/index.js';
import { lookup, saveEntry, scopes, VERSION } from './client.js';

let emu: Emulator;
let token: string;
beforeAll(async () => {
  emu = await startEmulator({ startTime: Date.UTC(2026, 9, 1, 12) });
});
afterAll(() => emu.close());
beforeEach(() => {
  emu.reset();
  token = emu.mintToken(scopes.main);
});

const matched = async (key: string, restoreKeys: string[] = [], version = VERSION) => {
  const r = await lookup(emu, token, key, restoreKeys, version);
  return r.json.ok === true ? (r.json.matched_key as string) : undefined;
};

describe('lookup algorithm', () => {
  test('prefix match picks the newest by creation time: #10 beats #9 (BuildKit index keys)', async () => {
    const index = 'index-buildkit-1-f921bd05#';
    for (const n of [1, 2, 9, 10]) {
      await saveEntry(emu, token, `${index}${n}`, `index ${n}`, BUILDKIT_CACHE_VERSION);
      emu.clock.advance(1000);
    }
    expect(await matched(index, [index], BUILDKIT_CACHE_VERSION)).toBe(`${index}10`);
  });

  test('newest by creation, not by string order or id', async () => {
    emu.seed({ ref: 'refs/heads/main', key: 'k-b', version: VERSION, data: 'b', createdAt: emu.clock.now() + 5_000 });
    emu.seed({ ref: 'refs/heads/main', key: 'k-a', version: VERSION, data: 'a', createdAt: emu.clock.now() + 9_000 });
    emu.seed({ ref: 'refs/heads/main', key: 'k-c', version: VERSION, data: 'c', createdAt: emu.clock.now() + 1_000 });
    expect(await matched('k-')).toBe('k-a');
  });

  test('exact match beats a newer prefix match', async () => {
    await saveEntry(emu, token, 'deps', 'exact');
    emu.clock.advance(1000);
    await saveEntry(emu, token, 'deps-newer', 'prefix');
    expect(await matched('deps')).toBe('deps');
  });

  test('restore keys are tried in order, each exact then prefix, after the primary key', async () => {
    await saveEntry(emu, token, 'npm-linux-aaa', '1');
    emu.clock.advance(1000);
    await saveEntry(emu, token, 'npm-linux-bbb', '2');
    emu.clock.advance(1000);
    await saveEntry(emu, token, 'npm-', '3');
    expect(await matched('npm-linux-ccc', ['npm-linux-', 'npm-'])).toBe('npm-linux-bbb');
    expect(await matched('npm-linux-ccc', ['npm-'])).toBe('npm-');
    expect(await matched('npm-linux-aaa', ['npm-'])).toBe('npm-linux-aaa');
    expect(await matched('yarn-', ['pnpm-'])).toBeUndefined();
    expect(emu.counters).toMatchObject({ lookup: 4, hit: 3, miss: 1 });
  });

  test('only entries with the same version count', async () => {
    await saveEntry(emu, token, 'deps', 'data', 'version-a');
    expect(await matched('deps', [], 'version-b')).toBeUndefined();
    expect(await matched('deps', [], 'version-a')).toBe('deps');
  });
});
