/**
 * The retry and pacing numbers live in one table, src/http/policies.ts (issue 25): no other file under src/ writes a
 * number of attempts or retries, a backoff, a wait, a request deadline, a concurrency, a rate or a time budget of
 * deletes as a literal. The rule and the code read the table (POLICIES.…); 0 and 1 are logic, not policy (`> 0`,
 * `attempts > 1`, ONCE).
 */
import { describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { POLICIES } from '../../src/http/policies.js';

const SRC = path.resolve(import.meta.dirname, '..', '..', 'src');
const TABLE = path.join('http', 'policies.ts');

/** A name of the retry and pacing vocabulary, compared with, defaulted to or set to a number other than 0 or 1. */
const LITERAL_POLICY =
  /\b\w*(?:attempts|backoff\w*|retries|retry\w*ms|(?:max|default|retry)\w*wait\w*(?:ms|seconds)|concurrency|pointsper\w+|requestms|connectms|idle(?:timeout)?ms|timebudgetms|failuresinarow|errorsinarow)\s*(?::|=|\?\?|>=|<=|>|<)\s*\(?\s*(?!(?:0|1)(?![\d_.]))\d[\d_]*(?:\.\d+)?/gi;

function literals(text: string): string[] {
  return [...text.matchAll(LITERAL_POLICY)].map((m) => m[0]);
}

function sources(dir: string, rel = ''): string[] {
  return fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((d) => {
    const at = path.join(rel, d.name);
    if (d.isDirectory()) return sources(dir, at);
    return d.name.endsWith('.ts') ? [at] : [];
  });
}

describe('one table of retry and pacing numbers', () => {
  test.each([
    'const attempts = Math.max(1, limits.attempts ?? 2);',
    'const pageConcurrency = Math.max(1, options.pageConcurrency ?? 4);',
    'maxWaitMs: (options.maxRateLimitWaitSeconds ?? 60) * 1000,',
    'const RATE_LIMIT_DEFAULT_WAIT_MS = 60_000;',
    'const max = policy.maxWaitMs ?? 60_000;',
    'runDeletes(deletions, del, { timeBudgetMs: 2_000 })',
    '} else if (++errorsInARow >= 3) {',
    'await drain(queue, this.options.concurrency ?? 8, read);',
    'const retry = { attempts: 4, backoffMs: 1_000, onRetry };',
    'new Http({ requestMs: 5000 })',
    'download(url, dest, { idleTimeoutMs: 15_000 })'
  ])('the check finds a literal in %s', (line) => {
    expect(literals(line)).not.toEqual([]);
  });

  test.each([
    'p.attempts > 1 &&',
    'if (next.waitMs > 0) await clock.sleep(next.waitMs);',
    'export const ONCE: RetryPolicy = { attempts: 1, backoffMs: 0 };',
    'attempts: POLICIES.release.attempts,',
    "Exec.run(buildctl, ['du'], { env, timeoutMs: 60_000 })",
    'const attempts = Math.max(1, limits.attempts ?? POLICIES.deletes.attempts);',
    'const DEFAULT_IDLE_MS = 15 * MINUTE_MS; // a prune rule: how long an entry sat unused'
  ])('the check leaves %s alone', (line) => {
    expect(literals(line)).toEqual([]);
  });

  test('no file under src/ but the table writes one', () => {
    const found = sources(SRC)
      .filter((file) => file !== TABLE)
      .flatMap((file) => literals(fs.readFileSync(path.join(SRC, file), 'utf8')).map((m) => `src/${file}: ${m}`));
    expect(found).toEqual([]);
    // The table itself is what the check reads past: it holds them.
    expect(literals(fs.readFileSync(path.join(SRC, TABLE), 'utf8')).length).toBeGreaterThan(10);
  });

  test('the numbers a delete is paced by hold together', () => {
    const { deletes, rateLimit } = POLICIES;
    // GitHub's 900 points a minute at 5 a DELETE: 180 deletes a minute, far more than a build step's budget sends.
    expect(deletes.pointsPerMinute / deletes.pointsPerDelete).toBe(180);
    expect(deletes.stepBudgetMs).toBeLessThan(POLICIES.phases.prune);
    expect(rateLimit.defaultWaitMs).toBeLessThanOrEqual(rateLimit.maxWaitMs);
  });
});
