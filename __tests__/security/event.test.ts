/**
 * A broken event file (GITHUB_EVENT_PATH) through the bundle as the runner runs it: one error line that
 * names GITHUB_EVENT_PATH and what is wrong, the step fails, nothing is installed or started — not
 * "Unexpected end of JSON input", "Cannot read properties of null" or EISDIR, and no stack trace.
 */
import { afterAll, afterEach, beforeAll, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createJob, type Job, runPhase } from '../../scripts/harness.mjs';
import { prPayload } from '../fixtures/events.js';
import { type Emulator, startEmulator } from '../support/emulator/index.js';
import { jwt, RESULTS_URL } from '../support/runtime.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({
    repository: 'octo/envd-demo',
    restTokens: { ghs_harnessToken000000000000000000000: 'read' }
  });
});
afterAll(() => emu.close());
const jobs: Job[] = [];
afterEach(() => {
  while (jobs.length) jobs.pop()!.cleanup();
});

const FIX = '; the runner writes the triggering event there as a JSON object; do not override GITHUB_EVENT_PATH';

// [case, what to put at GITHUB_EVENT_PATH (text, or a directory), expected words after the path]
const CASES: [string, string | { directory: true }, string][] = [
  ['an empty file', '', `the file is empty${FIX}`],
  ['invalid JSON', '{"repository": {', 'the file is not valid JSON ('],
  ['null', 'null', `the file holds null, not a JSON object${FIX}`],
  ['a directory', { directory: true }, `it is a directory, not a file${FIX}`],
  [
    'a non-numeric pull request number',
    JSON.stringify(prPayload('same repository', 'twelve')),
    'pull_request.number is "twelve", not a pull request number; the event file does not look like a GitHub webhook payload'
  ]
];

test.each(CASES)('%s: one attributed error, the step fails, nothing starts', async (_n, content, words) => {
  const j = createJob({
    inputs: { path: 'examples', 'dry-run': 'false' },
    event: 'pull_request',
    ref: 'refs/pull/12/merge',
    env: {
      GITHUB_API_URL: emu.apiUrl,
      ACTIONS_RUNTIME_TOKEN: jwt([{ Scope: 'refs/pull/12/merge', Permission: 3 }]),
      ACTIONS_RESULTS_URL: RESULTS_URL,
      ACTIONS_CACHE_SERVICE_V2: 'True'
    }
  });
  jobs.push(j);
  const eventPath = j.env.GITHUB_EVENT_PATH;
  fs.rmSync(eventPath);
  if (typeof content === 'string') fs.writeFileSync(eventPath, content);
  else fs.mkdirSync(eventPath);

  const main = await runPhase(j, 'main');
  expect(main.code).toBe(1);
  expect(main.stderr).toBe('');
  const errors = main.stdout.split('\n').filter((l) => l.startsWith('::error'));
  expect(errors).toHaveLength(2);
  expect(errors[0]).toContain(`::GITHUB_EVENT_PATH (${eventPath}): ${words}`);
  expect(errors[0]).toMatch(/^::error title=envd cache action%3A invalid event::/);
  expect(errors[1]).toBe('::error::the event file cannot be used; nothing was started (see the error above)');
  expect(main.stdout + main.stderr).not.toMatch(
    /Unexpected end of JSON input|Cannot read properties|EISDIR|\n\s+at |node:internal/
  );
  expect(main.stdout).not.toContain('Install envd and BuildKit');
  expect(Object.keys(main.state)).toEqual(['isPost']);
  expect(main.summary).toContain('## envd cache action: invalid event');
  expect(main.summary).toContain(words);
  expect((await runPhase(j, 'post')).code).toBe(0);
});

test('the harness writes the event where GITHUB_EVENT_PATH points (the cases above replace that file)', () => {
  const j = createJob({});
  jobs.push(j);
  expect(path.basename(j.env.GITHUB_EVENT_PATH)).toBe('event.json');
  expect(JSON.parse(fs.readFileSync(j.env.GITHUB_EVENT_PATH, 'utf8'))).toMatchObject({
    repository: { full_name: 'octo/envd-demo' }
  });
});
