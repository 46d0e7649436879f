/** The job summary's step table, cache-break mark and failing log (issue 14 items 1 and 2). Pure: planSummary. */
import { describe, expect, test } from '@jest/globals';
import type { BuildReport } from '../../src/steps/build.js';
import type { ProgressFigures } from '../../src/envd/progress.js';
import { plan as makePlan } from '../../src/plan/planner.js';
import { failureLog } from '../../src/report/steps.js';
import { planSummary } from '../../src/report/summary.js';
import { inputsOf } from '../support/inputs.js';
import { runtime } from '../support/runtime.js';
import { figuresOf } from './fixtures.js';

const gha = makePlan(inputsOf({ 'cache-scope': 'app' }), runtime());

function report(figures: ProgressFigures, extra: Partial<BuildReport> = {}): BuildReport {
  return {
    plan: gha,
    envdVersion: 'v1.3.4',
    buildkitVersion: 'v0.32.2',
    builder: 'auto',
    figures,
    seconds: 12.3,
    ...extra
  };
}

describe('the step table', () => {
  test('a partly cached build: every step, its status and seconds, and where the cache broke and why', () => {
    const md = planSummary(gha, { build: report(figuresOf('partly-cached')) });
    expect(md).toContain('### Steps');
    expect(md).toContain('| 1 | `docker-image://docker.io/library/ubuntu:22.04` | built | 1.7 |');
    expect(md).toContain('| 2 | `apt-get install curl git` | cached | 1.8 |');
    expect(md).toContain('| 4 | `[internal] pip install numpy` | built **← cache broke here** | 5.3 |');
    expect(md).toMatch(
      /\*\*The cache broke at step 4\*\* \(`\[internal\] pip install numpy`\): the step's inputs changed/
    );
    expect(md).not.toContain('<details>');
    // the table sits before the decisions
    expect(md.indexOf('### Steps')).toBeLessThan(md.indexOf('### Decisions'));
  });

  test('a fully cached build has no mark', () => {
    const md = planSummary(gha, { build: report(figuresOf('warm')) });
    expect(md).not.toContain('cache broke');
    expect(md).toContain('Every step came from the cache.');
  });

  test('beyond 15 rows the table is collapsed; the mark stays visible', () => {
    const f = figuresOf('partly-cached');
    const many = {
      ...f,
      steps: [
        ...f.steps,
        ...Array.from({ length: 14 }, (_, i) => ({
          name: `run step ${i}`,
          status: 'built' as const,
          seconds: 0.1,
          source: false
        }))
      ]
    };
    const md = planSummary(gha, { build: report(many) });
    expect(md).toMatch(/<details><summary>19 steps: 2 cached, 17 built, 0 failed<\/summary>\n\n\| # \| Step/);
    const after = md.slice(md.indexOf('</details>'));
    expect(after).toContain('**The cache broke at step 4**');
  });

  test('a hostile step name cannot break the table, and secrets in it are replaced', () => {
    const f = figuresOf('partly-cached');
    const token = gha.secrets.find((s) => s.split('.').length === 3)!;
    const hostile = {
      ...f,
      steps: [{ name: `a | b\n## c \`x\` ${token}`, status: 'built' as const, seconds: 1, source: false }]
    };
    const md = planSummary(gha, { build: report(hostile) });
    const row = md.split('\n').find((l) => l.startsWith('| 1 |'))!;
    expect(row).toBe("| 1 | `a \\| b\\n## c 'x' ***` | built **← cache broke here** | 1.0 |");
    expect(md).not.toContain(token);
  });
});

describe("the failing step's log", () => {
  const failing = figuresOf('failing');
  const failure = { line: failing.stepError!, log: failureLog(failing, '') };

  test('the last lines the step printed, in a code block that a line of backticks in the log cannot close', () => {
    const md = planSummary(gha, { build: report(failing, { failure }) });
    expect(md).toContain("### The failing step's log");
    expect(md).toContain('The last 4 lines `[internal] pip install nope` printed:');
    const start = md.indexOf('````text\n');
    expect(start).toBeGreaterThan(0);
    const body = md.slice(start + '````text\n'.length, md.indexOf('\n````\n', start));
    expect(body.split('\n')).toEqual([
      'Looking in indexes: https://pypi.org/simple',
      'ERROR: Could not find a version that satisfies the requirement nope (from versions: none)',
      '``` a line of backticks cannot close the block',
      'ERROR: No matching distribution found for nope'
    ]);
    expect(md).toContain('| 3 | `[internal] pip install nope` | failed **← cache broke here** | 1.2 |');
    expect(md).toContain('| 4 | `[internal] install ssh keys` | failed (canceled) | 0.0 |');
  });

  test("other failures quote envd's error output", () => {
    const stderr =
      'time="2026-11-28T10:00:00Z" level=warning msg="buildkitd is not ready yet"\n' +
      'time="2026-11-28T10:00:05Z" level=fatal msg=exit app=envd error="failed to connect to buildkitd unix:///x: timeout 5s: cannot connect to buildkitd" version=v1.3.4\n';
    const f = { ...figuresOf('warm'), steps: [], totalSteps: 0, cachedSteps: 0 };
    const md = planSummary(gha, {
      build: report(f, { failure: { line: 'failed to connect', log: failureLog(f, stderr) } })
    });
    expect(md).toContain("### envd's error output");
    expect(md).toContain('The last line envd wrote to its error output:');
    expect(md).toContain('level=warning msg="buildkitd is not ready yet"');
    expect(md).not.toContain('### Steps');
  });

  test("the plan's secrets in a log line are replaced, as everywhere in the summary", () => {
    const token = gha.secrets.find((s) => s.split('.').length === 3)!;
    const md = planSummary(gha, {
      build: report(failing, { failure: { line: 'x', log: { from: 'step', step: 's', lines: [`echo ${token}`] } } })
    });
    expect(md).not.toContain(token);
    expect(md).toContain('echo ***');
  });
});

test('the readable GitHub cache refs are shown whole (a map index is no length cap)', () => {
  const md = planSummary(gha, { build: report(figuresOf('warm')) });
  expect(md).toContain('| GitHub cache refs | read `refs/heads/main`; write `refs/heads/main` |');
});
