/**
 * The step table, where the cache broke and why, and the failing step's own log, over real-shaped envd output
 * (`__tests__/fixtures/progress/`, each fixture's header says what it is modelled on).
 */
import { describe, expect, test } from '@jest/globals';
import { Progress } from '../../src/envd/progress.js';
import type { Plan } from '../../src/plan/plan.js';
import { plan as makePlan } from '../../src/plan/planner.js';
import { outputs } from '../../src/report/outputs.js';
import { annotationText, codeBlock, failureLog, stepInsight, stepsJson } from '../../src/report/steps.js';
import { inputsOf } from '../support/inputs.js';
import { runtime } from '../support/runtime.js';
import { figuresOf } from './fixtures.js';

const gha = makePlan(inputsOf({ 'cache-scope': 'app' }), runtime());
const registry = makePlan(
  inputsOf({ cache: 'registry', 'cache-scope': 'app', output: 'type=image,name=ghcr.io/octo/env:1,push=true' }),
  runtime()
);

describe('progress: steps, seconds and logs', () => {
  test('partly cached: every step in order, with its status and the seconds BuildKit printed', () => {
    const f = figuresOf('partly-cached');
    expect(f.steps.map((s) => [s.name, s.status, s.seconds, s.source])).toEqual([
      ['docker-image://docker.io/library/ubuntu:22.04', 'built', 1.7, true],
      ['apt-get install curl git', 'cached', 1.8, false],
      ['[internal] setting pip cache mount permissions', 'cached', 0, false],
      ['[internal] pip install numpy', 'built', 5.3, false],
      ['[internal] install ssh keys', 'built', 0.1, false]
    ]);
    // the figures that were already there keep their meaning
    expect(f.totalSteps).toBe(5);
    expect(f.cachedSteps).toBe(2);
  });

  test('a step printed CACHED, then ERROR (its layer evicted), then run is built: the step table, cached-steps and the ratio agree', () => {
    // Issue 20 item 4: over 40 builds the outputs summed to 61 cached steps where the progress showed 38 that did
    // not run; the steps printed CACHED before their load failed were counted as cached.
    const f = figuresOf('evicted-cached-first');
    expect(f.steps.map((s) => [s.name, s.status, s.seconds])).toEqual([
      ['docker-image://docker.io/library/ubuntu:22.04', 'built', 0.2],
      ['apt-get install curl git', 'cached', 1.8],
      ['[internal] pip install numpy', 'built', 5.3],
      ['[internal] setting pip cache mount permissions', 'built', 0.1],
      ['[internal] install ssh keys', 'built', 0.1]
    ]);
    expect([f.cachedSteps, f.totalSteps, f.stepError]).toEqual([1, 5, undefined]);
    const out = outputs(gha, {
      build: { cachedSteps: f.cachedSteps, totalSteps: f.totalSteps, seconds: 9, steps: f.steps }
    });
    expect([out['cached-steps'], out['total-steps'], out['cache-hit-ratio']]).toEqual(['1', '5', '0.2']);
    expect(JSON.parse(out.steps).filter((s: { status: string }) => s.status === 'cached')).toHaveLength(1);
    // Where the cache broke: the first step that ran, and why in BuildKit's words, not "its inputs changed".
    const broke = stepInsight(f, { plan: gha }).broke;
    expect(broke).toMatchObject({ index: 2, kind: 'layer-gone' });
    expect(broke?.reason).toMatch(
      /^its cached result could not be loaded \(blob sha256:b{64}: not found\): a layer it needs is gone from the cache \(evicted or deleted\), so BuildKit ran the step again$/
    );
    // Another load error is quoted as it is, without guessing why.
    const p = new Progress();
    ['#5 [1/2] RUN make', '#5 CACHED', '#5 ERROR: failed to get blob: 503 Service Unavailable', '#5 DONE 0.4s'].forEach(
      (l) => p.push(l)
    );
    expect(stepInsight(p.figures(), { plan: gha }).broke?.reason).toBe(
      'its cached result could not be loaded (failed to get blob: 503 Service Unavailable), so BuildKit ran the step again'
    );
  });

  test('a #0 line belongs to the step whose block is open; one outside any block is dropped', () => {
    const p = new Progress();
    [
      '#6 [internal] pip install numpy',
      '#0 0.412 Collecting numpy',
      '#6 1.035   Downloading numpy',
      '#6 DONE 5.3s',
      '',
      '#0 0.101 orphan',
      '#7 x',
      '#7 ERROR: boom'
    ].forEach((l) => p.push(l));
    const f = p.figures();
    expect(f.failedLog).toEqual({ step: 'x', lines: [] });
    const q = new Progress();
    [
      '#6 [internal] pip install numpy',
      '#0 0.412 Collecting numpy',
      '#6 1.035   Downloading numpy',
      '#6 ERROR: exit code: 1'
    ].forEach((l) => q.push(l));
    expect(q.figures().failedLog).toEqual({
      step: '[internal] pip install numpy',
      lines: ['Collecting numpy', '  Downloading numpy']
    });
  });

  test("failing: the step's own lines, #0 ones included, once (envd's closing recap is not counted again)", () => {
    const f = figuresOf('failing');
    expect(f.stepError).toBe('process "python -m pip install nope" did not complete successfully: exit code: 1');
    expect(f.failedLog).toEqual({
      step: '[internal] pip install nope',
      lines: [
        'Looking in indexes: https://pypi.org/simple',
        'ERROR: Could not find a version that satisfies the requirement nope (from versions: none)',
        '``` a line of backticks cannot close the block',
        'ERROR: No matching distribution found for nope'
      ]
    });
    expect(f.steps.map((s) => [s.status, s.seconds, !!s.canceled])).toEqual([
      ['cached', 0, false],
      ['cached', 0, false],
      // ERROR lines carry no time: the failed step's seconds are its last log line's offset
      ['failed', 1.207, false],
      ['failed', 0, true]
    ]);
  });

  test('only the last 30 lines of a step are kept', () => {
    const p = new Progress();
    p.push('#3 [internal] pip install x');
    for (let i = 1; i <= 45; i++) p.push(`#3 ${(i / 10).toFixed(3)} line ${i}`);
    p.push('#3 ERROR: exit code: 1');
    const lines = p.figures().failedLog!.lines;
    expect(lines).toHaveLength(30);
    expect(lines[0]).toBe('line 16');
    expect(lines[29]).toBe('line 45');
  });
});

describe('where the cache broke', () => {
  const skippedImport = makePlan(
    inputsOf({ 'cache-scope': 'app' }),
    runtime({ env: { ACTIONS_CACHE_MODE: 'write-only' } })
  );
  const withEntry = (p: Plan, reason: string): Plan => ({
    ...p,
    decisions: [...p.decisions, { topic: 'import entry', outcome: 'x', reason }]
  });
  test.each<[string, string, Plan, { retried?: string }, number | undefined, string, RegExp]>([
    [
      'partly cached, gha',
      'partly-cached',
      gha,
      {},
      3,
      'inputs-changed',
      /inputs changed since the cache was written: the steps before it came from the cache/
    ],
    ['fully cached', 'warm', gha, {}, undefined, '', /./],
    [
      'registry, no manifest yet',
      'registry-cold',
      registry,
      {},
      1,
      'no-cache',
      /no cache for this scope yet: .*ghcr\.io\/octo\/env:buildcache-build: not found/
    ],
    ['failing step after cached ones', 'failing', gha, {}, 2, 'inputs-changed', /inputs changed/],
    [
      'import skipped by the plan',
      'registry-cold',
      skippedImport,
      {},
      1,
      'not-imported',
      /did not import: ACTIONS_CACHE_MODE=write-only/
    ],
    [
      'retried without the import',
      'partly-cached',
      gha,
      { retried: 'blob sha256:ab: not found' },
      3,
      'not-imported',
      /ran again without --import-cache .*blob sha256:ab: not found/
    ],
    [
      'gha, nothing matched, no existence check',
      'registry-cold',
      gha,
      {},
      1,
      'no-match',
      /either no cache exists yet for scope app .*gha cache as empty/
    ],
    [
      's3 candidates all missing',
      'registry-cold',
      withEntry(gha, 'no cache exists yet for this branch, main'),
      {},
      1,
      'no-cache',
      /no cache for this scope yet: no cache exists yet for this branch, main/
    ]
  ])('%s', (_, fixture, p, { retried }, index, kind, reason) => {
    const figures = figuresOf(fixture);
    // registry-cold's import error belongs to a registry import; the other rows read it as a plain DONE import.
    const f = fixture === 'registry-cold' && p !== registry ? { ...figures, imports: [] } : figures;
    const { rows, broke } = stepInsight(f, { plan: p, retriedWithoutImport: retried });
    expect(rows).toHaveLength(figures.steps.length);
    expect(broke?.index).toBe(index);
    if (index === undefined) return;
    expect(broke?.kind).toBe(kind);
    expect(broke?.reason).toMatch(reason);
  });

  test('an import that failed for another reason says so, with its error', () => {
    const f = {
      ...figuresOf('registry-cold'),
      imports: [
        { name: 'importing cache manifest from gha:1', error: 'Get "https://x/": dial tcp: connection refused' }
      ]
    };
    expect(stepInsight(f, { plan: gha }).broke).toMatchObject({
      index: 1,
      kind: 'import-failed',
      reason: expect.stringContaining('connection refused')
    });
  });

  test('cache: none did not import', () => {
    const none = makePlan(inputsOf({ cache: 'none' }), runtime());
    expect(stepInsight(figuresOf('registry-cold'), { plan: none }).broke).toMatchObject({
      kind: 'not-imported',
      reason: 'this run did not import: cache is none'
    });
  });

  test('a cold cache: local (nothing restored) has no cache yet', () => {
    const local = makePlan(inputsOf({ cache: 'local', 'cache-scope': 'app' }), runtime());
    expect(local.import).toBeUndefined();
    expect(stepInsight({ ...figuresOf('registry-cold'), imports: [] }, { plan: local }).broke).toMatchObject({
      index: 1,
      kind: 'no-cache'
    });
  });
});

describe('the steps output', () => {
  test('JSON with name, status and seconds; names without secrets, one line, capped', () => {
    const rows = [
      { name: 'run(["echo s3cr3tValue"])', status: 'built' as const, seconds: 1.2 },
      { name: `x\n::error::y${'z'.repeat(400)}`, status: 'cached' as const, seconds: 0 }
    ];
    const parsed = JSON.parse(stepsJson(rows, ['s3cr3tValue'])) as { name: string; status: string; seconds: number }[];
    expect(parsed[0]).toEqual({ name: 'run(["echo ***"])', status: 'built', seconds: 1.2 });
    expect(Object.keys(parsed[1])).toEqual(['name', 'status', 'seconds']);
    expect(parsed[1].name).not.toContain('\n');
    expect(parsed[1].name.length).toBeLessThanOrEqual(200);
  });
});

describe('the failing log', () => {
  test("the step's own lines when it printed any, else envd's last non-empty stderr lines", () => {
    expect(failureLog(figuresOf('failing'), 'level=fatal')).toMatchObject({
      from: 'step',
      step: '[internal] pip install nope'
    });
    const stderr = [
      ...Array.from({ length: 40 }, (_, i) => `line ${i + 1}`),
      '',
      '   ',
      'time="2026-11-28T10:00:00Z" level=warning msg="--export-cache x is deprecated"',
      'time="2026-11-28T10:00:01Z" level=fatal msg=exit app=envd error="flag provided but not defined" version=v1.3.4'
    ].join('\n');
    const log = failureLog({ failedLog: { step: 'x', lines: [] } }, stderr)!;
    expect(log.from).toBe('stderr');
    expect(log.lines).toHaveLength(30);
    // the fatal line is the failure line itself, shown above the log; logrus' time prefix is dropped
    expect(log.lines[29]).toBe('level=warning msg="--export-cache x is deprecated"');
    expect(log.lines[28]).toBe('line 40');
    expect(failureLog({}, '\n\n')).toBeUndefined();
    expect(failureLog({}, 'time="t" level=fatal msg=exit app=envd error=x\n')).toBeUndefined();
    // with the default docker output envd logs the same error once more before the fatal line (pkg/builder/build.go:270-272)
    expect(
      failureLog(
        {},
        'time="t" level=error msg="Buildkit error: failed to solve: x"\ntime="t" level=fatal msg=exit app=envd error="x"\n'
      )
    ).toBeUndefined();
  });

  test('a line of backticks cannot close the code block', () => {
    const block = codeBlock(['a', '```', 'b ````` c']);
    expect(block[0]).toBe('``````text');
    expect(block[block.length - 1]).toBe('``````');
    expect(codeBlock(['plain'])[0]).toBe('```text');
  });

  test('log lines are one line each, controls visible, credentials replaced', () => {
    const block = codeBlock(['a\rb', 'Looking in indexes: https://bob:hunter2pass@pypi.example.com/simple']);
    expect(block[1]).toBe('a\\rb');
    expect(block[2]).not.toContain('hunter2pass');
  });

  test('the annotation: the error, the advice, and at most 10 of the last lines', () => {
    const lines = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`);
    const text = annotationText({
      line: 'process "x" did not complete successfully: exit code: 1',
      advice: 'advice',
      log: { from: 'step', step: '[internal] pip install nope', lines }
    });
    const out = text.split('\n');
    expect(out.slice(0, 3)).toEqual([
      'process "x" did not complete successfully: exit code: 1',
      'advice',
      'Last lines of [internal] pip install nope:'
    ]);
    expect(out.slice(3)).toEqual(lines.slice(20).map((l) => `  ${l}`));
    const failing = failureLog(figuresOf('failing'), '')!;
    expect(annotationText({ line: 'e', log: failing })).toContain('  ERROR: No matching distribution found for nope');
  });
});
