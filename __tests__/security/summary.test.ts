/**
 * The job summary survives hostile and huge values: a `|` or a line break in `path`, a cache attribute or a
 * build error cannot break its tables or start a heading, and a 100 KB value is not echoed whole. The
 * bundle runs as the runner runs it (scripts/harness.mjs), with the stand-ins for the real run.
 */
import { describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createJob, type Job, runPhase } from '../../scripts/harness.mjs';
import type { BuildReport } from '../../src/steps/build.js';
import type { Plan } from '../../src/plan/plan.js';
import { inputProblemsSummary, planSummary } from '../../src/report/summary.js';
import { bundleWorld } from '../support/world.js';

const world = bundleWorld('envd-summary');

const BUILD_ENVD = '# syntax=v1\n\ndef build():\n    base(dev=True)\n';

function job(dirs: string[], inputs: Record<string, string>, env: Record<string, string> = {}): Job {
  const ws = fs.mkdtempSync(path.join(world.root, 'ws-'));
  for (const d of ['', ...dirs]) {
    fs.mkdirSync(path.join(ws, d), { recursive: true });
    fs.writeFileSync(path.join(ws, d, 'build.envd'), BUILD_ENVD);
  }
  const ref = 'refs/heads/main';
  const j = createJob({
    workspace: ws,
    ref,
    inputs: { 'cache-scope': 'summary', ...inputs },
    env: {
      HOME: fs.mkdtempSync(path.join(world.root, 'home-')),
      ...world.runnerEnv(ref),
      ENVD_CACHE_ACTION_BUILDKITD_TIMEOUT: '10',
      ...env
    }
  });
  world.track(j);
  return j;
}

/** Unescaped pipes in a Markdown table row. */
const pipes = (row: string) => row.replace(/\\\\/g, '').replace(/\\\|/g, '').split('|').length - 1;

/** Every table keeps the shape of its header row, and no hostile text starts a line of its own. */
function expectIntact(summary: string): void {
  const lines = summary.split('\n');
  let header: number | undefined;
  for (const line of lines) {
    if (!line.startsWith('|')) {
      header = undefined;
      continue;
    }
    header ??= pipes(line);
    expect({ line, pipes: pipes(line) }).toEqual({ line, pipes: header });
  }
  expect(summary).not.toMatch(/\r/);
  expect(lines.filter((l) => /PWN/.test(l) && !/^[|>-]/.test(l))).toEqual([]);
}

describe('the summary over the bundle', () => {
  test('a path with a pipe and a line break (dry run)', async () => {
    const hostile = 'a|b\n## PWN';
    const main = await runPhase(job([hostile], { path: hostile, 'dry-run': 'true' }), 'main');
    expect(main.code).toBe(0);
    expectIntact(main.summary);
    expect(main.summary).toContain('`envd build --path a\\|b\\n## PWN --from build.envd:build`');
  });

  test('a cache attribute with a pipe and a line break (dry run)', async () => {
    const main = await runPhase(
      job([], { cache: 'local', 'cache-options': '"tag=x|y\r## PWN"', 'dry-run': 'true' }),
      'main'
    );
    expectIntact(main.summary);
    expect(main.summary).toMatch(/\| Export \| `type=local,.*x\\\|y\\r## PWN/);
  });

  test('a 100 KB cache-scope is not echoed whole into the summary', async () => {
    const main = await runPhase(
      job([], { 'cache-scope': `${'s'.repeat(100000)}|\n## PWN`, 'dry-run': 'true' }),
      'main'
    );
    expect(main.code).toBe(1);
    expect(main.summary).toContain('## envd cache action: invalid inputs');
    expect(main.summary.length).toBeLessThan(5000);
    expectIntact(main.summary);
  });

  test('a long build error with a pipe and line breaks (real run): one table cell, capped', async () => {
    const j = job([], { cache: 'none' }, { FAKE_ENVD_FAIL_WITH: `x|y\n## PWN\r| PWN |${'z'.repeat(20000)}` });
    const main = await runPhase(j, 'main', { timeoutMs: 90000 });
    await runPhase(j, 'post', { timeoutMs: 30000 });
    expect(main.code).toBe(1);
    expect(main.summary).toContain('## envd cache action: build failed');
    expect(main.summary).toMatch(/\| Failure \| .*x\\\|y\\n## PWN\\r\\\| PWN \\\|z+…/);
    expect(main.summary.length).toBeLessThan(6000);
    expectIntact(main.summary);
  }, 120000);
});

describe('planSummary and inputProblemsSummary (pure)', () => {
  const plan: Plan = {
    command: 'build',
    dryRun: false,
    backend: 'gha',
    scope: 's',
    decisions: [{ topic: 'scope|x', outcome: 'a`b|c', reason: 'because\n## PWN' }],
    warnings: ['w1\n## PWN', 'w2 ' + 'w'.repeat(5000)],
    problems: ['p1\r\n- PWN'],
    secrets: [],
    envd: { path: '.', from: 'build.envd:build' }
  };

  test('decisions, problems and warnings are escaped and capped', () => {
    const md = planSummary(plan);
    expectIntact(md);
    expect(md).toContain("| scope\\|x | `a'b\\|c` | because\\n## PWN |");
    expect(md).toContain('- p1\\r\\n- PWN');
    expect(md).toContain('- w1\\n## PWN');
    expect(md.split('\n').find((l) => l.startsWith('- w2'))!.length).toBeLessThanOrEqual(1002);
  });

  test('a failure before the build is quoted line by line, escaped and capped', () => {
    const failure = ['first | line\r## PWN', ...Array.from({ length: 50 }, (_, i) => `line ${i}`)].join('\n');
    const md = planSummary({ ...plan, problems: [] }, { failure });
    expect(md).toContain('> **first | line\\r## PWN**');
    expect(md.split('\n').filter((l) => l.startsWith('> '))).toHaveLength(20);
  });

  test('a failed build: the failure and the advice are table cells', () => {
    const build = {
      plan,
      envdVersion: 'v1.3.4',
      builder: 'auto',
      figures: { cachedSteps: 0, totalSteps: 1 },
      seconds: 1,
      failure: { line: 'x|y\n## PWN', known: { advice: 'do | this\nnow' } }
    } as unknown as BuildReport;
    const md = planSummary({ ...plan, problems: [] }, { build });
    expectIntact(md);
    expect(md).toContain('| Failure | x\\|y\\n## PWN<br>do \\| this\\nnow |');
  });

  test('invalid inputs are listed one line each', () => {
    const md = inputProblemsSummary(['Input "path": "a\n## PWN" is not a directory', 'x'.repeat(100000)]);
    expect(md).toContain('- Input "path": "a\\n## PWN" is not a directory');
    expect(md.length).toBeLessThan(1500);
  });
});
