import { describe, expect, test } from '@jest/globals';
import { LEGS, MAIN, buildsOf, makeDay, readableRefs } from '../../bench/replay/schedule.js';
import { STRATEGIES, inputsFor } from '../../bench/replay/strategies.js';

describe('bench:replay: the day', () => {
  const day = makeDay({ seed: 1 });
  const main = day.filter((r) => r.kind === 'main-push');

  test("issue 20's day: ~40 builds, a 3-leg matrix, 9 pushes to main with four dependency changes, two branches, two pull requests that close", () => {
    expect(LEGS).toHaveLength(3);
    expect(buildsOf(day)).toBe(39);
    expect(main).toHaveLength(9);
    expect(main.filter((r) => r.depsChanged).map((r) => r.hour)).toEqual([3, 6.02, 8, 13]);
    expect(main[0].depsChanged).toBe(false);
    expect(day.filter((r) => r.kind === 'branch-push').map((r) => r.ref)).toEqual([
      'refs/heads/feature-a',
      'refs/heads/feature-b'
    ]);
    expect(day.filter((r) => r.kind === 'pr-closed').map((r) => [r.pr, r.merged])).toEqual([
      [1, true],
      [2, false]
    ]);
    expect(day.map((r) => r.n)).toEqual(day.map((_, i) => i + 1));
    expect([...day].sort((a, b) => a.hour - b.hour)).toEqual(day);
  });

  test('every push changes the app; a requirements text changes only where the day says so', () => {
    const apps = day.filter((r) => r.kind !== 'pr-run' && r.content).map((r) => r.content?.app);
    expect(new Set(apps).size).toBe(apps.length);
    for (let i = 1; i < main.length; i++)
      expect(main[i].content?.requirements !== main[i - 1].content?.requirements).toBe(main[i].depsChanged);
  });

  test("the pull request workflow is a workflow and job of its own and builds its branch's last push; a merge brings the branch's requirements to main", () => {
    const [pr1, pr2] = day.filter((r) => r.kind === 'pr-run');
    expect(pr1).toMatchObject({ workflow: 'envd pr', event: 'pull_request', ref: 'refs/pull/1/merge', pr: 1 });
    expect(pr1.job).not.toBe(main[0].job);
    expect(pr1.workflow).not.toBe(main[0].workflow);
    const branchA = day.find((r) => r.branch === 'feature-a' && r.kind === 'branch-push');
    expect(pr1.content).toEqual(branchA?.content);
    expect(pr2.content?.requirements).toBe(
      day.find((r) => r.branch === 'feature-b' && r.kind === 'branch-push')?.content?.requirements
    );
    const merge = main.find((r) => r.hour === 6.02);
    const reqs = branchA?.content?.requirements ?? '';
    const added = reqs.slice(reqs.indexOf('# feature-a'));
    expect(added).toMatch(/^# feature-a\nnumpy==/);
    expect(merge?.content?.requirements).toContain(added);
    expect(merge?.content?.requirements.startsWith(main.find((r) => r.hour === 5)?.content?.requirements ?? '?')).toBe(
      true
    );
  });

  test('deterministic per seed; another seed, other texts, same shape', () => {
    expect(makeDay({ seed: 1 })).toEqual(day);
    const other = makeDay({ seed: 2 });
    expect(other.map((r) => [r.kind, r.hour, r.depsChanged])).toEqual(day.map((r) => [r.kind, r.hour, r.depsChanged]));
    expect(other.map((r) => r.content?.app)).not.toEqual(day.map((r) => r.content?.app));
  });

  test('the short day: four pushes to main (one dependency change), one pull request that closes', () => {
    const short = makeDay({ seed: 1, short: true });
    expect(short.filter((r) => r.kind === 'main-push')).toHaveLength(5);
    expect(short.filter((r) => r.kind === 'main-push' && r.depsChanged)).toHaveLength(2);
    expect(short.some((r) => r.branch === 'feature-b')).toBe(false);
    expect(short.filter((r) => r.kind === 'pr-closed')).toHaveLength(1);
    expect(buildsOf(short)).toBe(21);
  });

  test('a job reads its own ref and the default branch', () => {
    expect(readableRefs(MAIN)).toEqual([MAIN]);
    expect(readableRefs('refs/pull/1/merge')).toEqual(['refs/pull/1/merge', MAIN]);
  });
});

describe('bench:replay: the strategies', () => {
  const day = makeDay({ seed: 1 });
  const of = (kind: string) => day.find((r) => r.kind === kind)!;

  test('the action: its defaults in CI, the README pull request pipeline (cache-write false, no actions permission), the prune job on close', () => {
    expect(inputsFor('action', of('main-push'), 'py3.10')).toEqual({ inputs: { path: 'py3.10' }, token: 'write' });
    expect(inputsFor('action', of('pr-run'), 'py3.10')).toEqual({
      inputs: { path: 'py3.10', 'cache-write': 'false' },
      token: 'none'
    });
    expect(inputsFor('action', of('pr-closed'), 'py3.10')).toEqual({ inputs: { command: 'prune' }, token: 'write' });
  });

  test("BuildKit's defaults: one scope, max, raw flags, no pruning; one scope per leg: the leg's scope", () => {
    expect(inputsFor('buildkit-defaults', of('main-push'), 'py3.10')?.inputs).toEqual({
      path: 'py3.10',
      'export-cache': 'type=gha,mode=max',
      'import-cache': 'type=gha',
      'cache-prune': 'false'
    });
    expect(inputsFor('per-leg', of('pr-run'), 'py3.11')?.inputs).toEqual({
      path: 'py3.11',
      'export-cache': 'type=gha,mode=max,scope=py3.11',
      'import-cache': 'type=gha,scope=py3.11',
      'cache-prune': 'false'
    });
    for (const s of STRATEGIES.filter((x) => x !== 'action'))
      expect(inputsFor(s, of('pr-closed'), 'py3.10')).toBeUndefined();
  });
});
