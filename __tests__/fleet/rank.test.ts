/** Issue 22, layer 2: rendezvous hashing of the cache scope over the fleet. */
import { describe, expect, test } from '@jest/globals';
import { rank } from '../../src/fleet/rank.js';

const fleet = (n: number) => Array.from({ length: n }, (_, i) => ({ text: `tcp://buildkitd-${i}.buildkitd:1234` }));
const scopes = Array.from({ length: 3000 }, (_, i) => `ci-build-${i}-linux-amd64`);
const first = (scope: string, addresses: { text: string }[]) => rank(scope, addresses)[0].text;

describe('rendezvous ranking', () => {
  test('stable: the same scope ranks the same way every time and whatever order the addresses are written in', () => {
    const a = fleet(5);
    const reversed = [...a].reverse();
    for (const s of scopes.slice(0, 200)) {
      expect(rank(s, a)).toEqual(rank(s, a));
      expect(rank(s, reversed)).toEqual(rank(s, a));
    }
  });

  test('every builder is in the ranking once', () => {
    const a = fleet(4);
    const r = rank('scope', a);
    expect(new Set(r.map((x) => x.text))).toEqual(new Set(a.map((x) => x.text)));
  });

  test('scopes spread over the fleet: each of 5 builders gets 20% ± 4%', () => {
    const counts = new Map<string, number>();
    for (const s of scopes) counts.set(first(s, fleet(5)), (counts.get(first(s, fleet(5))) ?? 0) + 1);
    expect(counts.size).toBe(5);
    for (const c of counts.values()) expect(Math.abs(c / scopes.length - 0.2)).toBeLessThan(0.04);
  });

  test('adding a 6th builder moves about 1/6 of the scopes, and only to the new builder', () => {
    const before = fleet(5);
    const after = fleet(6);
    const moved = scopes.filter((s) => first(s, before) !== first(s, after));
    expect(Math.abs(moved.length / scopes.length - 1 / 6)).toBeLessThan(0.04);
    for (const s of moved) expect(first(s, after)).toBe(after[5].text);
  });

  test('removing a builder moves only its own scopes, each to its second choice', () => {
    const all = fleet(5);
    const gone = all[2];
    const rest = all.filter((a) => a !== gone);
    for (const s of scopes) {
      const was = rank(s, all);
      const now = first(s, rest);
      if (was[0] === gone) expect(now).toBe(was[1].text);
      else expect(now).toBe(was[0].text);
    }
    const moved = scopes.filter((s) => first(s, all) === gone.text).length;
    expect(Math.abs(moved / scopes.length - 0.2)).toBeLessThan(0.04);
  });

  test('a fleet of one is that builder', () => {
    expect(rank('x', fleet(1))).toEqual(fleet(1));
  });
});
