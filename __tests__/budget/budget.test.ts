import { describe, expect, test } from '@jest/globals';
import {
  DEFAULT_BUDGET_BYTES,
  GB,
  HIGH_WATER,
  formatSize,
  modeForBudget,
  nearBudget,
  resolveBudget,
  usageBar
} from '../../src/budget/budget.js';

describe('resolveBudget', () => {
  test.each([
    ['auto with a readable limit', 'auto' as const, 25, 25 * GB, /storage limit \(25 GB\)/],
    ['auto, limit unreadable: 10 GB', 'auto' as const, undefined, DEFAULT_BUDGET_BYTES, /default of 10 GB/],
    ['auto, nonsense limit', 'auto' as const, 0, DEFAULT_BUDGET_BYTES, /default/],
    ['explicit wins over the limit', 8e9, 25, 8e9, /^cache-budget$/],
    ['explicit without a limit', 500 * 2 ** 20, undefined, 500 * 2 ** 20, /^cache-budget$/]
  ])('%s', (_name, input, limit, bytes, source) => {
    const b = resolveBudget(input, limit);
    expect(b.bytes).toBe(bytes);
    expect(b.source).toMatch(source);
    expect(b.warning).toBeUndefined();
  });

  test('an explicit budget above the storage limit warns', () => {
    expect(resolveBudget(20 * GB, 10).warning).toMatch(/above the repository's cache storage limit of 10\.0 GB/);
  });
});

describe('high water and mode', () => {
  test('nearBudget at the high-water mark', () => {
    expect(HIGH_WATER).toBe(0.8);
    expect(nearBudget(7.99 * GB, 10 * GB)).toBe(false);
    expect(nearBudget(8 * GB, 10 * GB)).toBe(true);
    expect(nearBudget(1, 0)).toBe(false);
  });

  test('cache-mode auto falls to min near the budget; an explicit mode is respected', () => {
    const facts = (usageBytes: number | undefined) => ({ usageBytes, budgetBytes: 10 * GB });
    expect(modeForBudget('auto', 'max', facts(9 * GB))).toEqual({
      mode: 'min',
      decision: expect.objectContaining({ topic: 'mode', outcome: 'min' })
    });
    expect(modeForBudget('auto', 'max', facts(5 * GB))).toEqual({ mode: 'max' });
    expect(modeForBudget('auto', 'max', facts(undefined))).toEqual({ mode: 'max' });
    expect(modeForBudget('max', 'max', facts(9.9 * GB))).toEqual({ mode: 'max' });
  });
});

describe('display', () => {
  test('formatSize in decimal units', () => {
    expect(formatSize(0)).toBe('0 B');
    expect(formatSize(999)).toBe('999 B');
    expect(formatSize(12_345)).toBe('12.3 KB');
    expect(formatSize(5.2 * GB)).toBe('5.2 GB');
  });

  test('usageBar', () => {
    expect(usageBar(5.2 * GB, 10 * GB, 10)).toBe('█████░░░░░ 52% of 10.0 GB (5.2 GB used)');
    expect(usageBar(0, 10 * GB, 4)).toBe('░░░░ 0% of 10.0 GB (0 B used)');
    expect(usageBar(12 * GB, 10 * GB, 4)).toBe('████ 120% of 10.0 GB (12.0 GB used)');
  });
});
