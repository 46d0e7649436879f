/** The attempts of `envd build` (src/steps/attempts.ts): which come, and the one warning before each. */
import { beforeEach, describe, expect, test } from '@jest/globals';
import type { ProgressFigures } from '../../src/envd/progress.js';
import { failedOutcome, type Outcome } from '../../src/envd/watchdog.js';
import { plan } from '../../src/plan/planner.js';
import { type Attempt, runAttempts } from '../../src/steps/attempts.js';
import { inputsOf } from '../support/inputs.js';
import { runtime } from '../support/runtime.js';
import { type Recording, recordingRunner } from '../support/recording-runner.js';
import type { Runner } from '../../src/io/runner.js';

const figures = (exports: ProgressFigures['exports'] = []): ProgressFigures => ({
  totalSteps: 3,
  cachedSteps: 0,
  imports: [],
  exports,
  steps: []
});
const CUT = 'failed to solve: short read: expected 327 bytes but got 163: unexpected EOF';
const failed = (line: string, pushing = false): Attempt => {
  const outcome = failedOutcome(line, { allText: line, pushing });
  return {
    figures: figures(),
    failure: { line, known: outcome.kind === 'failed' ? outcome.known : undefined },
    outcome
  };
};
const ok: Attempt = { figures: figures(), failure: undefined, outcome: { kind: 'ok' } };
const stalled = (kind: 'import' | 'export', vertex: string): Outcome => ({
  kind: 'stalled',
  stall: { kind, vertex, waitedMs: 300_000 }
});

let runner: Runner;
let record: Recording;
beforeEach(() => {
  ({ out: runner, record } = recordingRunner());
});

/** Runs the attempts with `results` in order; returns which imports each attempt had. */
async function attempts(results: Attempt[], inputs: Record<string, string> = {}) {
  const p = plan(inputsOf({ 'cache-scope': 's', ...inputs }), runtime());
  const withImports: boolean[] = [];
  const r = await runAttempts(runner, p, async (withImport) => {
    withImports.push(withImport);
    return results[withImports.length - 1];
  });
  return { ...r, withImports };
}

describe('runAttempts', () => {
  test('a stalled pull of a cached layer: the builder made fresh, then once more without the import, with a warning naming the backend, the layer and the wait', async () => {
    const p = plan(inputsOf({ 'cache-scope': 's' }), runtime());
    const calls: string[] = [];
    const layer: Attempt = {
      figures: figures(),
      failure: undefined,
      outcome: {
        kind: 'stalled',
        stall: {
          kind: 'layer',
          vertex: '[2/3] RUN make',
          layer: `sha256:${'a'.repeat(64)} 0B / 1.50MB`,
          waitedMs: 300_000
        }
      }
    };
    const results = [layer, ok];
    const r = await runAttempts(
      runner,
      p,
      async (withImport) => {
        calls.push(`build ${withImport ? 'with' : 'without'} import`);
        return results[calls.filter((c) => c.startsWith('build')).length - 1];
      },
      async () => void calls.push('fresh builder')
    );
    expect(calls).toEqual(['build with import', 'fresh builder', 'build without import']);
    expect(record.stdout).toContain(
      `::warning title=Cached layer pull stalled%3A building without the cache::A layer of the gha cache showed no progress for 5 min (sha256:${'a'.repeat(64)} 0B / 1.50MB for [2/3] RUN make, cache-timeout)`
    );
    expect(r.retried).toBe('a gha cache layer showed no progress for 5 min');
  });

  test('after a stall the export is left out too (a silent service would hold the job a second cache-timeout), and the result says it stalled', async () => {
    const p = plan(inputsOf({ 'cache-scope': 's' }), runtime());
    const calls: [boolean, boolean][] = [];
    const results = [
      { figures: figures(), failure: undefined, outcome: stalled('import', 'importing cache manifest from gha:1') },
      ok
    ];
    const r = await runAttempts(runner, p, async (withImport, withExport) => {
      calls.push([withImport, withExport]);
      return results[calls.length - 1];
    });
    expect(calls).toEqual([
      [true, true],
      [false, false]
    ]);
    expect(r.stalled).toBe(true);
    expect(record.stdout).toContain(
      'the build runs again without --import-cache; the export is left out too: the service did not answer'
    );
  });

  test('an unreadable layer keeps the export on every attempt (a passing fault, not a silent service)', async () => {
    const p = plan(inputsOf({ 'cache-scope': 's' }), runtime());
    const exports: boolean[] = [];
    const results = [failed(CUT), failed(CUT), ok];
    const r = await runAttempts(runner, p, async (_, withExport) => {
      exports.push(withExport);
      return results[exports.length - 1];
    });
    expect(exports).toEqual([true, true, true]);
    expect(r.stalled).toBe(false);
  });

  test('an unreadable layer is retried on the same builder (no stall: nothing left hanging in it)', async () => {
    const p = plan(inputsOf({ 'cache-scope': 's' }), runtime());
    let fresh = 0;
    const results = [failed(CUT), ok];
    let n = 0;
    await runAttempts(
      runner,
      p,
      async () => results[n++],
      async () => void fresh++
    );
    expect(fresh).toBe(0);
  });

  test('a stalled import: once more without it, with a warning naming the backend and the wait', async () => {
    const r = await attempts([
      { figures: figures(), failure: undefined, outcome: stalled('import', 'importing cache manifest from gha:1') },
      ok
    ]);
    expect(r.withImports).toEqual([true, false]);
    expect(record.stdout).toContain(
      '::warning title=Cache import stalled%3A building without it::The cache import from gha showed no progress for 5 min (importing cache manifest from gha:1, cache-timeout)'
    );
    expect(r.retried).toBe('the gha import showed no progress for 5 min');
  });

  test('an unreadable layer twice: with, with, then without the import', async () => {
    const r = await attempts([failed(CUT), failed(CUT), ok]);
    expect(r.withImports).toEqual([true, true, false]);
    expect(record.stdout.match(/::warning/g)).toHaveLength(2);
    expect(r.attempt).toBe(ok);
    expect(r.retried).toBe(CUT);
  });

  test('an unreadable layer three times: the last failure is the result', async () => {
    const last = failed(CUT);
    const r = await attempts([failed(CUT), failed(CUT), last]);
    expect(r.withImports).toEqual([true, true, false]);
    expect(r.attempt).toBe(last);
  });

  test('a failed push is not retried', async () => {
    const push = failed('failed to solve: failed to push ghcr.io/o/r:1: unexpected EOF');
    const r = await attempts([push]);
    expect(r.withImports).toEqual([true]);
    expect(record.stdout).not.toContain('::warning');
  });

  test('an export stalled after the output: a success whose stalled exporter is marked failed, no further attempt', async () => {
    const attempt: Attempt = {
      figures: figures([{ name: 'exporting to GitHub Actions Cache', done: false }]),
      failure: undefined,
      outcome: stalled('export', 'exporting to GitHub Actions Cache')
    };
    const r = await attempts([attempt]);
    expect(r.withImports).toEqual([true]);
    expect(r.attempt.failure).toBeUndefined();
    expect(r.attempt.figures.exports[0].error).toBe(
      "no progress for 5 min after the build's output was written (cache-timeout); envd was stopped: the build succeeded, but the gha cache was not written this run"
    );
  });

  test('without an import (cache: none): nothing is retried', async () => {
    const r = await attempts([failed(CUT)], { cache: 'none' });
    expect(r.withImports).toEqual([true]);
  });
});
