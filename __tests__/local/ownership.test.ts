/**
 * cache: local deletes only directories it created and marked: the pure rule (ownership.ts) and its thin
 * shell (owned-dirs.ts) on real temporary directories.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  cacheDirProblems,
  claimDir,
  inspectDir,
  placeOf,
  releaseDir,
  surroundingsOf
} from '../../src/io/local/owned-dirs.js';
import {
  deletionProblem,
  type DirFacts,
  OWNER_MARK,
  protectedPlace,
  resolveCacheDir
} from '../../src/local/ownership.js';

const WS = '/home/runner/_work/repo/repo';
const HOME = '/home/runner';
const around = { workspace: { path: WS }, home: { path: HOME } };
const absent: DirFacts = { kind: 'absent' };

describe('resolveCacheDir', () => {
  test.each([
    ['cache', `${WS}/cache`],
    ['./a/b', `${WS}/a/b`],
    ['.', WS],
    ['/tmp/envd', '/tmp/envd']
  ])('%j resolves against the workspace to %j', (raw, dir) => {
    expect(resolveCacheDir(raw, WS)).toEqual({ dir });
  });

  test.each(['..', '../sibling', 'a/../../b', '/tmp/x/..', 'a\\..\\b'])('%j is refused for its ".."', (raw) => {
    expect(resolveCacheDir(raw, WS)).toEqual({ problem: expect.stringContaining('contains ".."') });
  });

  test('a name that merely contains dots is fine', () => {
    expect(resolveCacheDir('a..b/...', WS)).toEqual({ dir: `${WS}/a..b/...` });
  });
});

describe('protectedPlace', () => {
  test.each([
    ['/', 'is the root directory'],
    [WS, 'is the workspace'],
    [HOME, 'is the home directory'],
    ['/home', 'holds the workspace'],
    ['/home/runner/_work', 'holds the workspace'],
    ['/home/runner/_work/repo', 'holds the workspace']
  ])('%j %s', (p, why) => {
    expect(protectedPlace({ path: p }, around)).toContain(why);
  });

  test.each([
    `${WS}/.envd-cache`,
    `${HOME}/envd-cache`,
    '/tmp/envd-cache/scope',
    '/home/runner/_work/_temp/envd-cache/x'
  ])('%j may be used', (p) => {
    expect(protectedPlace({ path: p }, around)).toBeUndefined();
  });

  test('a path whose real form (symbolic links resolved) is the workspace is refused', () => {
    expect(protectedPlace({ path: '/tmp/link', real: WS }, around)).toContain('is the workspace');
    expect(protectedPlace({ path: '/tmp/x' }, { workspace: { path: '/w', real: '/tmp/x/w' } })).toContain(
      'holds the workspace'
    );
  });
});

describe('deletionProblem', () => {
  const t = { path: '/tmp/cache' };
  test.each<[DirFacts, string | undefined]>([
    [absent, undefined],
    [{ kind: 'directory', entries: 0, marked: false }, undefined],
    [{ kind: 'directory', entries: 12, marked: true }, undefined],
    [{ kind: 'directory', entries: 1, marked: false }, `has no ${OWNER_MARK} marker`],
    [{ kind: 'file' }, 'is not a directory'],
    [{ kind: 'other' }, 'is not a directory'],
    [{ kind: 'symlink' }, 'is a symbolic link']
  ])('%j → %j', (facts, why) => {
    const problem = deletionProblem(t, around, facts);
    if (why === undefined) expect(problem).toBeUndefined();
    else expect(problem).toContain(why);
  });

  test('the workspace is refused even when it is empty or carries the marker', () => {
    expect(deletionProblem({ path: WS }, around, { kind: 'directory', entries: 0, marked: true })).toContain(
      'is the workspace'
    );
  });
});

describe('on disk', () => {
  let root: string;
  let ws: string;
  let home: string;
  let surroundings: ReturnType<typeof surroundingsOf>;
  beforeEach(() => {
    root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'owned-dirs-')));
    ws = path.join(root, 'ws');
    home = path.join(root, 'home');
    fs.mkdirSync(ws);
    fs.mkdirSync(home);
    fs.writeFileSync(path.join(ws, 'build.envd'), 'def build():\n    base()\n');
    surroundings = surroundingsOf(ws, home);
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  test('claimDir creates a marked directory, and empties it on the next claim', () => {
    const dir = path.join(root, 'temp', 'envd-cache', 'scope');
    claimDir(dir, surroundings);
    expect(inspectDir(dir)).toEqual({ kind: 'directory', entries: 0, marked: true });
    fs.writeFileSync(path.join(dir, 'index.json'), '{}');
    claimDir(dir, surroundings);
    expect(fs.readdirSync(dir)).toEqual([OWNER_MARK]);
  });

  test('claimDir refuses an unmarked directory with files and leaves it byte for byte', () => {
    const dir = path.join(root, 'data');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'precious'), 'keep me');
    expect(() => claimDir(dir, surroundings)).toThrow(/holds files the action did not put there.*left untouched/);
    expect(fs.readdirSync(dir)).toEqual(['precious']);
    expect(fs.readFileSync(path.join(dir, 'precious'), 'utf8')).toBe('keep me');
  });

  test('releaseDir deletes only a marked directory', () => {
    const mine = path.join(root, 'mine');
    claimDir(mine, surroundings);
    expect(releaseDir(mine, surroundings)).toBeUndefined();
    expect(fs.existsSync(mine)).toBe(false);
    const theirs = path.join(root, 'theirs');
    fs.mkdirSync(theirs);
    expect(releaseDir(theirs, surroundings)).toContain('left untouched');
    expect(fs.existsSync(theirs)).toBe(true);
    expect(releaseDir(path.join(root, 'nothing'), surroundings)).toBeUndefined();
  });

  test('a symbolic link to the workspace is seen through', () => {
    const link = path.join(root, 'link');
    fs.symlinkSync(ws, link);
    expect(placeOf(link).real).toBe(ws);
    expect(placeOf(path.join(link, 'sub')).real).toBe(path.join(ws, 'sub'));
    expect(cacheDirProblems(link, ws, home).join('\n')).toMatch(/is the workspace|symbolic link/);
  });

  test.each([
    ['.', /"\." \(.*\) is the workspace \(relative paths, "\." included, resolve against it\)/],
    ['', /is the workspace/],
    ['..', /"\.\." contains "\.\."/],
    ['/', /is the root directory/]
  ])('cacheDirProblems(%j) names the problem and the fix', (raw, message) => {
    const problems = cacheDirProblems(raw, ws, home);
    expect(problems.join('\n')).toMatch(message);
    expect(problems.join('\n')).toMatch(/leave cache-dir empty|without "\.\."/);
  });

  test('cacheDirProblems checks the export twin <cache-dir>.new as well', () => {
    fs.mkdirSync(path.join(root, 'c.new'));
    fs.writeFileSync(path.join(root, 'c.new', 'x'), 'x');
    const problems = cacheDirProblems(path.join(root, 'c'), ws, home);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('c.new');
  });

  test('a trailing slash is refused (the export would land inside the directory)', () => {
    expect(cacheDirProblems('cache/', ws, home)).toEqual([expect.stringContaining('ends with a slash')]);
  });

  test('a new directory, an empty one and a marked one are fine', () => {
    expect(cacheDirProblems('.envd-cache', ws, home)).toEqual([]);
    fs.mkdirSync(path.join(root, 'empty'));
    expect(cacheDirProblems(path.join(root, 'empty'), ws, home)).toEqual([]);
    claimDir(path.join(root, 'marked'), surroundings);
    fs.writeFileSync(path.join(root, 'marked', 'index.json'), '{}');
    expect(cacheDirProblems(path.join(root, 'marked'), ws, home)).toEqual([]);
  });
});
