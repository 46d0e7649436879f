import { afterAll, describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { preflight } from '../../src/io/preflight.js';
import { inputsOf } from '../support/inputs.js';

const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'preflight-'));
fs.writeFileSync(path.join(workspace, 'build.envd'), 'def build():\n  pass\n');
afterAll(() => fs.rmSync(workspace, { recursive: true, force: true }));

describe('preflight: the runner disk before anything starts', () => {
  test('cache: local with a cache-dir the action may not replace (the workspace itself) stops the run', () => {
    const problems = preflight(inputsOf({ cache: 'local', 'cache-dir': '.' }), workspace, path.join(workspace, 'home'));
    expect(problems.map((p) => p.input)).toContain('cache-dir');
  });

  test('cache: local with a fresh cache-dir passes', () => {
    expect(
      preflight(inputsOf({ cache: 'local', 'cache-dir': 'cache/envd' }), workspace, path.join(workspace, 'home'))
    ).toEqual([]);
  });

  test('a backend without a runner directory has no cache-dir to check', () => {
    // Inputs refuse cache-dir with another backend; preflight asks the backend, not the name, all the same.
    const inputs = { ...inputsOf({ cache: 'gha' }), cacheDir: '.' };
    expect(preflight(inputs, workspace, path.join(workspace, 'home'))).toEqual([]);
  });
});
