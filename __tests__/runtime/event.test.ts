/** The shell's read of GITHUB_EVENT_PATH: the text, or in words what kept it from being read; never a throw. */
import { afterAll, describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readRuntime } from '../../src/runtime/runtime.js';
import { readEventFile } from '../../src/io/event.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'envd-event-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('readEventFile', () => {
  test('unset (a local run): nothing to read', () => {
    expect(readEventFile(undefined)).toBeUndefined();
    expect(readEventFile('')).toBeUndefined();
  });

  test('a file: its text', () => {
    const file = path.join(dir, 'event.json');
    fs.writeFileSync(file, '{"repository":{"default_branch":"trunk"}}');
    expect(readEventFile(file)).toBe('{"repository":{"default_branch":"trunk"}}');
  });

  test.each([
    ['a directory', () => dir, 'it is a directory, not a file'],
    ['a missing file', () => path.join(dir, 'nope.json'), 'no such file']
  ])('%s is a problem in words, not EISDIR/ENOENT thrown', (_n, where, problem) => {
    expect(readEventFile(where())).toEqual({ problem });
  });

  test('through readRuntime: one line naming GITHUB_EVENT_PATH', () => {
    const rt = readRuntime({ GITHUB_EVENT_PATH: dir }, readEventFile(dir));
    expect(rt.problems).toEqual([
      `GITHUB_EVENT_PATH (${dir}): it is a directory, not a file; the runner writes the triggering event there as a JSON object; do not override GITHUB_EVENT_PATH`
    ]);
  });
});
