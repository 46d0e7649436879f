/**
 * findCached answers what @actions/tool-cache's `find` answers for an exact version, without loading it: the
 * tool cache here is filled by tool-cache itself (cacheDir), then both are asked the same questions.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import * as tc from '@actions/tool-cache';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findCached } from '../../src/io/tool-cache.js';

let root: string;
let saved: string | undefined;
beforeAll(async () => {
  saved = process.env.RUNNER_TOOL_CACHE;
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'tool-cache-'));
  process.env.RUNNER_TOOL_CACHE = path.join(root, 'tc');
  const src = path.join(root, 'src');
  fs.mkdirSync(path.join(src, 'bin'), { recursive: true });
  fs.writeFileSync(path.join(src, 'bin', 'buildkitd'), '#!/bin/sh\n');
  await tc.cacheDir(src, 'buildkit', '0.32.2', 'amd64');
  await tc.cacheDir(src, 'envd', '1.3.4', 'amd64');
  await tc.cacheDir(src, 'envd', '1.0.0-rc.1', 'arm64');
  // Half-written: the directory without its .complete marker (an interrupted earlier job).
  await tc.cacheDir(src, 'buildkit', '0.31.0', 'amd64');
  fs.rmSync(path.join(process.env.RUNNER_TOOL_CACHE, 'buildkit', '0.31.0', 'amd64.complete'));
});
afterAll(() => {
  if (saved === undefined) delete process.env.RUNNER_TOOL_CACHE;
  else process.env.RUNNER_TOOL_CACHE = saved;
  fs.rmSync(root, { recursive: true, force: true });
});

describe('findCached answers as tool-cache find does', () => {
  test.each([
    ['buildkit', 'v0.32.2', 'amd64'],
    ['envd', 'v1.3.4', 'amd64'],
    ['envd', 'v1.0.0-rc.1', 'arm64'],
    ['envd', 'v1.3.4', 'arm64'],
    ['envd', 'v1.3.5', 'amd64'],
    ['buildkit', 'v0.31.0', 'amd64'],
    ['buildctl', 'v0.32.2', 'amd64']
  ])('%s %s %s', (tool, version, arch) => {
    const theirs = tc.find(tool, version.replace(/^v/, ''), arch);
    expect(findCached(process.env.RUNNER_TOOL_CACHE, tool, version, arch) ?? '').toBe(theirs);
  });
  test('a version range, latest, or no tool cache: no answer here (the installer asks tool-cache)', () => {
    const root = process.env.RUNNER_TOOL_CACHE;
    expect(findCached(root, 'buildkit', '0.32', 'amd64')).toBeUndefined();
    expect(findCached(root, 'buildkit', 'latest', 'amd64')).toBeUndefined();
    expect(findCached(undefined, 'buildkit', 'v0.32.2', 'amd64')).toBeUndefined();
    expect(findCached('', 'buildkit', 'v0.32.2', 'amd64')).toBeUndefined();
  });
});
