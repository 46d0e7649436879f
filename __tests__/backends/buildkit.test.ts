import { describe, expect, test } from '@jest/globals';
import { buildkitFloorMisses } from '../../src/backends/buildkit.js';

describe('buildkitFloorMisses: the one BuildKit version gate, asked of the backends in use', () => {
  // [types in use, version, expected statuses]
  const CASES: [(string | undefined)[], string | undefined, string[]][] = [
    [['gha', undefined, undefined], 'v0.19.0', ['too-old']],
    [['gha'], 'v0.19.9-rc1', ['too-old']],
    [['gha'], 'v0.20.0', []],
    [['gha'], 'v0.20.0-rc1', []],
    [['gha'], 'latest', []],
    [['gha'], undefined, ['unknown']],
    [['registry', 'gha', undefined], 'v0.12.0', ['too-old']],
    [['registry', 'registry'], 'v0.12.0', []],
    [['none', undefined, undefined], undefined, []],
    [['local', 'registry'], undefined, []],
    [['GHA'], 'v0.1.0', []]
  ];
  test.each(CASES)('%j at %s', (types, version, statuses) => {
    const misses = buildkitFloorMisses(types, version);
    expect(misses.map((m) => m.status)).toEqual(statuses);
    for (const m of misses) expect(m.backend.name).toBe('gha');
  });

  test('the wording is the backend’s own, for the input and for the builder found', () => {
    const [miss] = buildkitFloorMisses(['gha'], 'v0.19.0');
    expect(miss.floor.inputProblem('v0.19.0')).toMatch(/^v0\.19\.0 speaks only the GitHub cache API v1/);
    expect(miss.floor.builderProblem('unix:///x.sock', 'v0.19.0')).toBe(
      'cache: gha needs BuildKit v0.20.0 or later (cache API v2), and the builder at unix:///x.sock runs v0.19.0; github.com shut the v1 API down on 2025-04-15'
    );
  });
});
