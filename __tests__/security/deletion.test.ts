/**
 * cache: local deletes only directories the action created and marked. Real runs of the bundle (main, then
 * post) with the stand-ins, as in __tests__/e2e/build.test.ts, against victim directories: the workspace,
 * `.`, `..` paths, the home directory, a sibling with files, an unmarked non-empty directory. Each survives
 * byte for byte, and the step fails with an error that names cache-dir and the fix.
 */
import { describe, expect, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createJob, type Job, type PhaseResult, runPhase } from '../../scripts/harness.mjs';
import { OWNER_MARK } from '../../src/local/ownership.js';
import { bundleWorld } from '../support/world.js';

const world = bundleWorld('envd-deletion');

const BUILD_ENVD = '# syntax=v1\n\ndef build():\n    base(dev=True)\n    install.python_packages(name=["numpy"])\n';

/** Every file and directory under `dir`: relative path, mode, and content hash. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of fs.readdirSync(d).sort()) {
      const p = path.join(d, name);
      const st = fs.lstatSync(p);
      const rel = path.relative(dir, p);
      if (st.isDirectory()) {
        out[rel] = `dir ${st.mode.toString(8)}`;
        walk(p);
      } else out[rel] = `${st.mode.toString(8)} ${createHash('sha256').update(fs.readFileSync(p)).digest('hex')}`;
    }
  };
  walk(dir);
  return out;
}

/** A case directory: the checkout `ws` (with a build file and a source file), a home, and a sibling with files. */
function setup() {
  const base = fs.mkdtempSync(path.join(world.root, 'case-'));
  const ws = path.join(base, 'ws');
  const home = path.join(base, 'home');
  const sibling = path.join(base, 'sibling');
  const runnerTemp = path.join(base, 'runner-temp');
  for (const d of [ws, home, sibling, path.join(ws, 'src')]) fs.mkdirSync(d, { recursive: true });
  fs.writeFileSync(path.join(ws, 'build.envd'), BUILD_ENVD);
  fs.writeFileSync(path.join(ws, 'src', 'main.py'), 'print("hello")\n');
  fs.writeFileSync(path.join(home, '.bashrc'), 'export A=1\n');
  fs.writeFileSync(path.join(sibling, 'data.bin'), Buffer.from([0, 1, 2, 3]));
  return { base, ws, home, sibling, runnerTemp };
}

function job(where: ReturnType<typeof setup>, inputs: Record<string, string>): Job {
  const ref = 'refs/heads/main';
  const j = createJob({
    workspace: where.ws,
    ref,
    inputs: { cache: 'local', 'cache-scope': 'victim', ...inputs },
    env: {
      HOME: where.home,
      RUNNER_TEMP: where.runnerTemp,
      ...world.runnerEnv(ref),
      ENVD_CACHE_ACTION_BUILDKITD_TIMEOUT: '10',
      FAKE_BUILDKITD_NO_LOCAL_CACHE: '1'
    }
  });
  world.track(j);
  return j;
}

async function mainAndPost(j: Job): Promise<{ main: PhaseResult; post: PhaseResult }> {
  const main = await runPhase(j, 'main', { timeoutMs: 90000 });
  const post = await runPhase(j, 'post', { timeoutMs: 30000 });
  return { main, post };
}

const errors = (r: PhaseResult) => r.stdout.split('\n').filter((l) => l.startsWith('::error'));

describe('refused before anything starts', () => {
  // [case, cache-dir for the case, the message]. "/" is refused too, but only the unit test
  // (__tests__/local/ownership.test.ts) checks it: a regression must not be able to wipe the test machine.
  const CASES: [string, (w: ReturnType<typeof setup>) => string, RegExp][] = [
    ['the workspace, absolute', (w) => w.ws, /is the workspace/],
    ['"."', () => '.', /"\." \(.+\) is the workspace \(relative paths, "\." included, resolve against it\)/],
    ['".."', () => '..', /"\.\." contains "\.\."/],
    ['"../sibling"', () => '../sibling', /contains "\.\."/],
    ['"src/../.."', () => 'src/../..', /contains "\.\."/],
    ['an ancestor of the workspace', (w) => w.base, /holds the workspace/],
    ['the home directory', (w) => w.home, /is the home directory/],
    [
      'a sibling with files',
      (w) => w.sibling,
      /holds files the action did not put there \(it has no \.envd-cache-action marker\)/
    ],
    ['the source directory in the checkout', () => 'src', /holds files the action did not put there/]
  ];

  test.each(CASES)(
    '%s',
    async (_, dirOf, message) => {
      const w = setup();
      const before = snapshot(w.base);
      const { main, post } = await mainAndPost(job(w, { 'cache-dir': dirOf(w) }));
      expect(main.code).toBe(1);
      const errs = errors(main);
      expect(errs.some((e) => e.includes('Input "cache-dir"') && message.test(e))).toBe(true);
      expect(errs.join('\n')).toMatch(/leave cache-dir empty|without "\.\."/);
      // Nothing started: no tool was installed, no builder recorded for post.
      expect(main.state.builder).toBeUndefined();
      expect(main.stdout).not.toContain('::group::Install envd and BuildKit');
      expect(post.code).toBe(0);
      expect(snapshot(w.base)).toEqual(before);
    },
    60000
  );

  test('an unmarked, non-empty <cache-dir>.new is refused as well', async () => {
    const w = setup();
    fs.mkdirSync(path.join(w.base, 'cache.new'));
    fs.writeFileSync(path.join(w.base, 'cache.new', 'keep'), 'keep');
    const before = snapshot(w.base);
    const { main } = await mainAndPost(job(w, { 'cache-dir': path.join(w.base, 'cache') }));
    expect(main.code).toBe(1);
    expect(errors(main).join('\n')).toMatch(/cache\.new.*holds files the action did not put there/);
    expect(snapshot(w.base)).toEqual(before);
  }, 60000);
});

describe('the default directory under RUNNER_TEMP', () => {
  test('holding files the action did not create: left untouched, the step fails saying why', async () => {
    const w = setup();
    const dir = path.join(w.runnerTemp, 'envd-cache', 'victim');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'precious.txt'), 'not a cache');
    const before = snapshot(w.runnerTemp);
    const { main, post } = await mainAndPost(job(w, {}));
    expect(main.code).toBe(1);
    expect(errors(main).join('\n')).toMatch(
      /envd-cache\/victim holds files the action did not put there.*left untouched/
    );
    expect(post.code).toBe(0);
    const after = snapshot(w.runnerTemp);
    for (const [p, v] of Object.entries(before)) if (p.startsWith('envd-cache')) expect(after[p]).toBe(v);
    expect(Object.keys(after).filter((p) => p.startsWith('envd-cache'))).toEqual(
      Object.keys(before).filter((p) => p.startsWith('envd-cache'))
    );
  }, 120000);

  test('a RUNNER_TEMP that does not exist yet is created, not an ENOENT', async () => {
    const w = setup();
    const { main, post } = await mainAndPost(job(w, {}));
    expect(main.code).toBe(0);
    expect(main.stdout + main.stderr).not.toContain('ENOENT');
    expect(post.code).toBe(0);
    expect(fs.existsSync(path.join(w.runnerTemp, 'envd-cache', 'victim', OWNER_MARK))).toBe(true);
  }, 120000);
});

describe('a directory of its own', () => {
  test('a relative cache-dir lives in the workspace, keeps its marker through the swap in post, and is replaced next run', async () => {
    const w = setup();
    const first = await mainAndPost(job(w, { 'cache-dir': '.envd-cache' }));
    expect(first.main.code).toBe(0);
    expect(first.post.code).toBe(0);
    const dir = path.join(w.ws, '.envd-cache');
    // envd (like BuildKit's client, client/solve.go:561 at v0.32.2) exports into the existing, marked directory;
    // post swaps it in: the marker travels with it, the export twin is gone.
    expect(fs.existsSync(path.join(dir, OWNER_MARK))).toBe(true);
    expect(fs.existsSync(path.join(dir, 'index.json'))).toBe(true);
    expect(fs.existsSync(`${dir}.new`)).toBe(false);
    expect(fs.readFileSync(path.join(w.ws, 'src', 'main.py'), 'utf8')).toBe('print("hello")\n');

    const second = await mainAndPost(job(w, { 'cache-dir': '.envd-cache' }));
    expect(second.main.code).toBe(0);
    expect(second.post.code).toBe(0);
    expect(fs.existsSync(path.join(dir, OWNER_MARK))).toBe(true);
    expect(fs.readFileSync(path.join(w.ws, 'src', 'main.py'), 'utf8')).toBe('print("hello")\n');
    // The private work directory (marked too) is removed by post.
    expect(fs.readdirSync(w.runnerTemp).filter((n) => n.startsWith('envd-cache-'))).toEqual([]);
  }, 180000);
});
