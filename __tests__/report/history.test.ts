/** The hit-ratio history: keys, what is read back from the cache, recording, the sparkline and the section. */
import { describe, expect, test } from '@jest/globals';
import { cacheSpec } from '../../src/backends/spec.js';
import {
  entryRuns,
  historyAccess,
  HISTORY_RUNS,
  historyMarkdown,
  type HistoryRun,
  parseHistory,
  recordRun,
  serializeHistory,
  sparkline,
  writeSkipped
} from '../../src/report/history.js';
import { historyKey, historyKeyPrefix, parseHistoryKey, supersededHistoryEntries } from '../../src/cache/entries.js';
import { jwt, runtime } from '../support/runtime.js';

const run = (n: number, cached: number, total: number, attempt = 1): HistoryRun => ({
  run: String(1000 + n),
  attempt,
  cached,
  total,
  seconds: 12.3
});

describe('keys', () => {
  test('one immutable entry per run attempt, restored by the scope prefix', () => {
    expect(historyKey('ci-build-amd64', '123456', 2)).toBe('envd-history-ci-build-amd64#123456-2');
    expect(historyKeyPrefix('ci-build-amd64')).toBe('envd-history-ci-build-amd64#');
    expect(historyKey('ci-build-amd64', '1', 1).startsWith(historyKeyPrefix('ci-build-amd64'))).toBe(true);
  });

  test('no scope restores another: py does not match py-gpu (scopes are [A-Za-z0-9._-], never #)', () => {
    expect(historyKey('py-gpu', '1', 1).startsWith(historyKeyPrefix('py'))).toBe(false);
    expect(historyKey('py.1', '1', 1).startsWith(historyKeyPrefix('py'))).toBe(false);
  });
});

describe('recordRun', () => {
  test('appends, oldest first, and keeps the newest 20', () => {
    let runs: HistoryRun[] = [];
    for (let i = 0; i < 25; i++) runs = recordRun(runs, run(i, i % 5, 4 + (i % 5)));
    expect(runs).toHaveLength(HISTORY_RUNS);
    expect(runs[0].run).toBe('1005');
    expect(runs[19].run).toBe('1024');
  });

  test('a re-recorded run attempt replaces its record; another attempt is a new one', () => {
    const runs = recordRun(recordRun([run(1, 1, 4)], run(1, 4, 4)), run(1, 2, 4, 2));
    expect(runs.map((r) => [r.run, r.attempt, r.cached])).toEqual([
      ['1001', 1, 4],
      ['1001', 2, 2]
    ]);
  });

  test('seconds are kept to one decimal', () => {
    expect(recordRun([], { ...run(1, 1, 1), seconds: 12.3456 })[0].seconds).toBe(12.3);
  });
});

describe('parseHistory: what comes back from the cache is checked', () => {
  test('round trip', () => {
    const runs = [run(1, 0, 4), run(2, 4, 4)];
    expect(parseHistory(serializeHistory('py', runs), 'py')).toEqual({ runs });
  });

  test('20 runs with the largest figures stay under 2 KB', () => {
    const runs = Array.from({ length: 30 }, (_, i) => ({
      run: String(99999999999 - i),
      attempt: 999,
      cached: 99999,
      total: 99999,
      seconds: 9999999.9
    }));
    expect(Buffer.byteLength(serializeHistory('a'.repeat(100), runs))).toBeLessThan(2048);
  });

  test.each([
    ['not JSON', '{', 'the stored history is not JSON; starting afresh'],
    [
      'another format',
      JSON.stringify({ format: 2, scope: 'py', runs: [] }),
      'the stored history is not in a format this version reads; starting afresh'
    ],
    ['null', 'null', 'the stored history is not in a format this version reads; starting afresh'],
    [
      'runs not a list',
      JSON.stringify({ format: 1, scope: 'py', runs: {} }),
      'the stored history is not in a format this version reads; starting afresh'
    ],
    [
      'another scope',
      JSON.stringify({ format: 1, scope: 'other\n::error::x', runs: [] }),
      'the stored history belongs to another scope (other\\n::error::x); starting afresh'
    ],
    [
      'too large',
      JSON.stringify({ format: 1, scope: 'py', runs: [], pad: 'x'.repeat(9000) }),
      expect.stringMatching(/^the stored history is \d+ bytes, more than 8192; starting afresh$/)
    ]
  ])('%s: nothing kept, and why', (_name, text, problem) => {
    expect(parseHistory(text, 'py')).toEqual({ runs: [], problem });
  });

  test('malformed runs are dropped one by one; the good ones stay', () => {
    const good = run(1, 2, 4);
    const bad = [
      { ...good, run: '12a' },
      { ...good, run: '<img src=x>' },
      { ...good, attempt: 0 },
      { ...good, cached: 5 },
      { ...good, total: -1 },
      { ...good, cached: 1.5 },
      { ...good, seconds: 'soon' },
      { ...good, seconds: Number.MAX_VALUE },
      null,
      'run'
    ];
    const text = JSON.stringify({ format: 1, scope: 'py', runs: [good, ...bad] });
    expect(parseHistory(text, 'py')).toEqual({
      runs: [good],
      problem: '10 malformed runs in the stored history were dropped'
    });
  });

  test('unknown fields of a run are not carried on', () => {
    const text = JSON.stringify({ format: 1, scope: 'py', runs: [{ ...run(1, 1, 2), note: '| injected |' }] });
    expect(parseHistory(text, 'py').runs[0]).toEqual(run(1, 1, 2));
  });

  test('more than 20 stored runs: the newest 20', () => {
    const runs = Array.from({ length: 25 }, (_, i) => run(i, 1, 2));
    const parsed = parseHistory(JSON.stringify({ format: 1, scope: 'py', runs }), 'py').runs;
    expect(parsed).toHaveLength(20);
    expect(parsed[0].run).toBe('1005');
  });
});

describe('sparkline', () => {
  test.each([
    [[run(1, 0, 4), run(2, 1, 4), run(3, 2, 4), run(4, 3, 4), run(5, 4, 4)], '▁▃▅▆█'],
    [
      [run(1, 0, 7), run(2, 1, 7), run(3, 2, 7), run(4, 3, 7), run(5, 4, 7), run(6, 5, 7), run(7, 6, 7), run(8, 7, 7)],
      '▁▂▃▄▅▆▇█'
    ],
    [[run(1, 0, 0), run(2, 9, 10), run(3, 10, 10)], '·▇█'],
    [[], '']
  ])('%#', (runs, line) => {
    expect(sparkline(runs)).toBe(line);
  });

  test('a cache that has started to miss shows as a drop', () => {
    const runs = [...Array.from({ length: 6 }, (_, i) => run(i, 12, 12)), run(6, 3, 12), run(7, 2, 12)];
    expect(sparkline(runs)).toBe('██████▃▂');
  });
});

describe('historyMarkdown', () => {
  test('the sparkline, the newest figures, notes, and a table newest first with this run marked', () => {
    const runs = [run(1, 0, 4), run(2, 4, 4), run(3, 3, 4, 2)];
    expect(historyMarkdown({ scope: 'py', runs, current: runs[2], notes: ['saved as envd-history-py#1003-2'] })).toBe(
      [
        '### Hit-ratio history (scope `py`)',
        '',
        '`▁█▆` the last 3 runs, oldest first; the newest 75% (3 of 4 steps cached)',
        '',
        '- saved as envd-history-py#1003-2',
        '',
        '<details><summary>Figures</summary>',
        '',
        '| Run | Cached | Ratio | Seconds |',
        '|---|---|---|---|',
        '| 1003 attempt 2 (this run) | 3 of 4 | 75% | 12.3 |',
        '| 1002 | 4 of 4 | 100% | 12.3 |',
        '| 1001 | 0 of 4 | 0% | 12.3 |',
        '',
        '</details>',
        ''
      ].join('\n')
    );
  });

  test('one run, no steps', () => {
    expect(historyMarkdown({ scope: 'py', runs: [run(1, 0, 0)], notes: [] })).toContain(
      '`·` the last 1 run, oldest first; the newest – (0 of 0 steps cached)'
    );
  });

  test('notes are one line each, a scope is inline code', () => {
    const md = historyMarkdown({ scope: 'a`b|c', runs: [run(1, 1, 1)], notes: ['could not read:\n::error::boom'] });
    expect(md).toContain("(scope `a'b\\|c`)");
    expect(md).toContain('- could not read:\\n::error::boom');
    expect(md.split('\n').some((l) => l.startsWith('::'))).toBe(false);
  });

  test('nothing to show: no section', () => {
    expect(historyMarkdown(undefined)).toBe('');
    expect(historyMarkdown({ scope: 'py', runs: [], notes: ['x'] })).toBe('');
  });
});

describe('a skipped write in the history (issue 20: never twice in a row)', () => {
  test('kept through a round trip; anything but true is a malformed run', () => {
    const runs = [run(1, 2, 4), { ...run(2, 2, 4), skipped: true as const }];
    expect(parseHistory(serializeHistory('py', runs), 'py')).toEqual({ runs });
    const text = JSON.stringify({ format: 1, scope: 'py', runs: [{ ...run(3, 1, 4), skipped: 'yes' }] });
    expect(parseHistory(text, 'py')).toEqual({
      runs: [],
      problem: '1 malformed run in the stored history was dropped'
    });
  });

  test("writeSkipped: the budget's write decision only, not cache-write: false", () => {
    expect(writeSkipped({ decisions: [{ topic: 'write', outcome: 'skipped', reason: 'no room' }] })).toBe(true);
    expect(writeSkipped({ decisions: [{ topic: 'export', outcome: 'skipped', reason: 'cache-write is false' }] })).toBe(
      false
    );
    expect(writeSkipped({ decisions: [{ topic: 'write', outcome: 'nothing new', reason: 'no step ran' }] })).toBe(
      false
    );
  });
});

describe('historyAccess: the trust rules of the cache itself', () => {
  const exp = { backend: 'gha' as const, export: cacheSpec('gha', [['scope', 'py']]) };
  const none = { backend: 'registry' as const, export: undefined };
  const rt = (env: Record<string, string | undefined> = {}, event?: string) =>
    runtime({ event, env: { GITHUB_RUN_ID: '123456', ...env } });

  test.each([
    ['a run that exported its cache reads and writes', exp, rt(), false, { read: true, write: true }],
    [
      'no export planned (a fork, an untrusted trigger, cache-write: false, no room)',
      none,
      rt(),
      false,
      { read: true, write: false, noWrite: 'this run does not write the cache' }
    ],
    [
      'the export failed (ignore-error let the build pass)',
      exp,
      rt(),
      true,
      { read: true, write: false, noWrite: 'the cache export failed' }
    ],
    [
      'ACTIONS_CACHE_MODE=read',
      exp,
      rt({ ACTIONS_CACHE_MODE: 'read' }),
      false,
      { read: true, write: false, noWrite: 'ACTIONS_CACHE_MODE is read' }
    ],
    [
      'a read-only runtime token (registry export opted in on pull_request_target)',
      exp,
      rt({ ACTIONS_RUNTIME_TOKEN: jwt([{ Scope: 'refs/heads/main', Permission: 1 }]) }),
      false,
      { read: true, write: false, noWrite: 'the runtime token has no writable ref' }
    ],
    ['no run id', exp, runtime(), false, { read: true, write: false, noWrite: 'GITHUB_RUN_ID is not set' }],
    [
      'ACTIONS_CACHE_MODE=none',
      exp,
      rt({ ACTIONS_CACHE_MODE: 'none' }),
      false,
      { read: false, write: false, noRead: 'ACTIONS_CACHE_MODE is none', noWrite: 'ACTIONS_CACHE_MODE is none' }
    ],
    [
      'ACTIONS_CACHE_MODE=write-only',
      exp,
      rt({ ACTIONS_CACHE_MODE: 'write-only' }),
      false,
      {
        read: false,
        write: false,
        noRead: 'ACTIONS_CACHE_MODE is write-only',
        noWrite: 'ACTIONS_CACHE_MODE is write-only'
      }
    ],
    [
      'outside GitHub Actions (no runtime token)',
      exp,
      rt({ ACTIONS_RUNTIME_TOKEN: undefined }),
      false,
      {
        read: false,
        write: false,
        noRead: 'the GitHub cache service is not available to this run',
        noWrite: 'the GitHub cache service is not available to this run'
      }
    ],
    [
      "a write skipped for room (issue 20) is recorded: the scope's next run must not skip again",
      { ...none, backend: 'gha' as const, decisions: [{ topic: 'write', outcome: 'skipped', reason: 'no room' }] },
      rt(),
      false,
      { read: true, write: true }
    ],
    [
      'cache: none',
      { backend: 'none' as const, export: undefined },
      rt(),
      false,
      { read: false, write: false, noRead: 'cache: none keeps no cache', noWrite: 'cache: none keeps no cache' }
    ],
    [
      'no cache service URL',
      exp,
      rt({ ACTIONS_RESULTS_URL: undefined }),
      false,
      {
        read: false,
        write: false,
        noRead: 'the GitHub cache service is not available to this run',
        noWrite: 'the GitHub cache service is not available to this run'
      }
    ]
  ])('%s', (_name, plan, runtimeOf, exportFailed, want) => {
    expect(historyAccess(plan, runtimeOf, exportFailed)).toEqual(want);
  });
});

describe('for the budget: which history entries are superseded', () => {
  const entry = (id: number, key: string, ref = 'refs/heads/main', createdAt = id * 1000) => ({
    id,
    key,
    ref,
    createdAt,
    size: 300
  });

  test('parseHistoryKey', () => {
    expect(parseHistoryKey('envd-history-ci-build-ab12#123456-2')).toEqual({
      scope: 'ci-build-ab12',
      run: '123456',
      attempt: 2
    });
    expect(parseHistoryKey(historyKey('py', '7', 1))).toEqual({ scope: 'py', run: '7', attempt: 1 });
    for (const other of [
      'index-py-1-f921bd05#7',
      'buildkit-blob-1-sha256:' + 'a'.repeat(64),
      'envd-local-py-abc',
      'envd-history-py-12-1',
      'envd-history-py#x-1'
    ])
      expect(parseHistoryKey(other)).toBeUndefined();
  });

  test('per ref and scope, all but the newest; other keys and other refs untouched', () => {
    const entries = [
      entry(1, 'envd-history-py#100-1'),
      entry(2, 'envd-history-py#101-1'),
      entry(3, 'envd-history-py#101-2'),
      entry(4, 'envd-history-py-gpu#101-1'),
      entry(5, 'envd-history-py#102-1', 'refs/heads/feat'),
      entry(6, 'index-py-1-f921bd05#7'),
      entry(7, 'envd-history-py#90-1', 'refs/heads/main', 500)
    ];
    expect(supersededHistoryEntries(entries).map((e) => e.id)).toEqual([1, 2, 7]);
  });
});

describe('entryRuns: what a stored entry gives, and what to say about it', () => {
  test('an entry larger than the limit in bytes is not parsed, even when its characters are fewer', () => {
    const runs = [run(1, 1, 2)];
    const text = serializeHistory('py', runs);
    expect(entryRuns({ key: 'k#1', text }, 'py')).toEqual({ runs, notes: ['Read from k#1'], warnings: [] });
    const wide = 'é'.repeat(4097); // 4097 characters, 8194 bytes
    expect(entryRuns({ key: 'k#2', text: wide }, 'py')).toEqual({
      runs: [],
      notes: ['The entry k#2 is larger than 8192 bytes; starting afresh'],
      warnings: []
    });
    expect(entryRuns({ key: 'k#3', text: '{' }, 'py').warnings).toEqual([
      'Hit-ratio history: the stored history is not JSON; starting afresh'
    ]);
  });
});
