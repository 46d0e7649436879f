/** Where the action's private directories go (builder/dirs.ts), and the shell that makes them (io/dirs.ts). */
import { afterAll, describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SOCKET_BASE_MAX, socketBase } from '../../src/builder/dirs.js';
import { createWorkDir, writeFileIn } from '../../src/io/dirs.js';
import { OWNER_MARK, OWNER_MARK_TEXT } from '../../src/local/ownership.js';

const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'dirs-'));
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

describe('a base for unix sockets', () => {
  test('RUNNER_TEMP up to the limit, nothing past it or when unset', () => {
    const at = '/' + 'r'.repeat(SOCKET_BASE_MAX - 1);
    expect(socketBase(at)).toBe(at);
    expect(socketBase(at + 'r')).toBeUndefined();
    expect(socketBase('')).toBeUndefined();
    expect(socketBase(undefined)).toBeUndefined();
  });
});

describe('the work dir', () => {
  test('made under a RUNNER_TEMP not made yet, marked as the action’s own', () => {
    const base = path.join(temp, 'not-yet');
    const dir = createWorkDir({ RUNNER_TEMP: base });
    expect(path.dirname(dir)).toBe(base);
    expect(path.basename(dir)).toMatch(/^envd-cache-/);
    expect(fs.readFileSync(path.join(dir, OWNER_MARK), 'utf8')).toBe(OWNER_MARK_TEXT);
    expect(fs.readFileSync(writeFileIn(dir, 'key.pub', 'k'), 'utf8')).toBe('k');
  });

  test('under the system temp dir when RUNNER_TEMP is too long for a socket', () => {
    const dir = createWorkDir({ RUNNER_TEMP: path.join(temp, 'x'.repeat(70)) });
    fs.rmSync(dir, { recursive: true });
    expect(path.dirname(dir)).toBe(os.tmpdir());
  });
});
