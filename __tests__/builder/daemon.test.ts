/** What the action makes of a buildkitd it started (builder/daemon.ts): its log's lines, the stop's polling. */
import { describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import { stopPollMs, withoutGoStacks } from '../../src/builder/daemon.js';

describe("buildkitd's log", () => {
  test('withoutGoStacks drops function/file:line pairs and nothing else', () => {
    const log = fs
      .readFileSync(new URL('../fixtures/buildkit-v0.32.2/buildkitd-invalid-entitlement.txt', import.meta.url), 'utf8')
      .split('\n')
      .filter(Boolean);
    const kept = withoutGoStacks(log);
    expect(kept.at(-1)).toBe('buildkitd: invalid entitlement : bogus');
    expect(log.length - kept.length).toBe(12);
    expect(withoutGoStacks(['a', '\tnot a frame', 'b'])).toEqual(['a', '\tnot a frame', 'b']);
  });
});

describe('stopping buildkitd', () => {
  test('the wait for the process to go starts with short polls and backs off (a daemon that exits at once costs no 100 ms)', () => {
    expect(stopPollMs(0)).toBeLessThanOrEqual(10);
    expect(stopPollMs(200)).toBeLessThanOrEqual(10);
    expect(stopPollMs(3000)).toBe(100);
  });
});
