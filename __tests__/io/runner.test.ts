/**
 * src/io/runner.ts speaks the runner's protocol in place of @actions/core: for the same calls its `Runner` (the
 * real one: this process's stdout and the files the environment names) must write
 * the same bytes (stdout commands, file commands, the summary), above all for hostile values — a newline
 * that would start a second command, `%` that would decode into one, `::`, `:` and `,` inside properties, a
 * file-command delimiter inside a value, unicode. @actions/core stays installed (@actions/cache and
 * tool-cache use it), so each row runs both and compares. File commands carry a random delimiter
 * (`ghadelimiter_<uuid>`), replaced by one placeholder on both sides before the comparison.
 */
import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals';
import * as core from '@actions/core';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as runner from '../../src/io/runner.js';
import { parseFileCommands } from '../../scripts/harness.mjs';

type Module = runner.Runner;
const FILES = ['GITHUB_OUTPUT', 'GITHUB_STATE', 'GITHUB_ENV', 'GITHUB_PATH', 'GITHUB_STEP_SUMMARY'] as const;
const VARS = [
  ...FILES,
  'PATH',
  'RUNNER_DEBUG',
  'INPUT_CACHE-TO',
  'INPUT_MY_INPUT',
  'INPUT_PLAIN',
  'INPUT_EMPTY',
  'STATE_builder',
  'BENCH_VAR'
];

let dir: string;
const saved: Record<string, string | undefined> = {};
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runner-test-'));
  for (const v of VARS) saved[v] = process.env[v];
});
afterEach(() => {
  for (const v of VARS) {
    if (saved[v] === undefined) delete process.env[v];
    else process.env[v] = saved[v];
  }
  process.exitCode = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Fresh, empty file-command files; returns a reader of all of them, delimiters made comparable. */
function freshFiles(tag: string): () => Record<string, string> {
  for (const f of FILES) {
    process.env[f] = path.join(dir, `${tag}-${f.toLowerCase()}`);
    fs.writeFileSync(process.env[f] as string, '');
  }
  const paths = Object.fromEntries(FILES.map((f) => [f, process.env[f] as string]));
  return () => Object.fromEntries(FILES.map((f) => [f, fs.readFileSync(paths[f], 'utf8')]));
}

/** The block delimiters (the word after `<<` at the start of a line, and the line that ends the block) made one placeholder. */
function sameDelimiters(files: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [f, text] of Object.entries(files)) {
    const delims = [...text.matchAll(/^[^\n]*?<<(ghadelimiter_[0-9a-f-]{36})$/gm)].map((m) => m[1]);
    out[f] = delims.reduce((t, d) => t.split(d).join('ghadelimiter_X'), text);
  }
  return out;
}

interface Effects {
  stdout: string;
  files: Record<string, string>;
  exitCode: typeof process.exitCode;
  returned?: unknown;
  thrown?: string;
  env: Record<string, string | undefined>;
}

/** Runs `call` against one module with fresh files and the same environment; records everything it did. */
async function effects(
  m: Module,
  tag: string,
  call: (m: Module) => unknown,
  env: Record<string, string> = {}
): Promise<Effects> {
  const read = freshFiles(tag);
  // core's summary is one object that keeps the first GITHUB_STEP_SUMMARY it saw; each row has a fresh file.
  (core.summary as unknown as { _filePath?: string })._filePath = undefined;
  for (const [k, v] of Object.entries(env)) process.env[k] = v;
  process.exitCode = undefined;
  const out: string[] = [];
  const spy = jest
    .spyOn(process.stdout, 'write')
    .mockImplementation((chunk: string | Uint8Array) => (out.push(String(chunk)), true));
  const result: Effects = { stdout: '', files: {}, exitCode: undefined, env: {} };
  try {
    result.returned = await call(m);
  } catch (e) {
    result.thrown = (e as Error).message;
  } finally {
    spy.mockRestore();
  }
  result.stdout = out.join('');
  result.files = read();
  result.exitCode = process.exitCode;
  result.env = { PATH: process.env.PATH, BENCH_VAR: process.env.BENCH_VAR };
  process.exitCode = undefined;
  for (const k of Object.keys(env)) delete process.env[k];
  return result;
}

const asModule = core as unknown as Module;
async function same(call: (m: Module) => unknown, env: Record<string, string> = {}) {
  const savedPath = process.env.PATH;
  const theirs = await effects(asModule, 'core', call, env);
  process.env.PATH = savedPath;
  delete process.env.BENCH_VAR;
  const ours = await effects(new runner.Runner(process.env), 'ours', call, env);
  process.env.PATH = savedPath;
  delete process.env.BENCH_VAR;
  expect({ ...ours, files: sameDelimiters(ours.files) }).toEqual({ ...theirs, files: sameDelimiters(theirs.files) });
  return ours;
}

/** Values a pull request can put into a message, a property, an output or a state. */
const HOSTILE = [
  'plain',
  '',
  'line one\nline two',
  'carriage\rreturn\r\nand CRLF',
  'a\n::error::injected',
  '::add-mask::secret',
  '100% %0A already escaped %25',
  'colon: and, comma',
  'ghadelimiter_00000000-0000-0000-0000-000000000000',
  'name<<EOF\nvalue\nEOF',
  'unicode: é ✓ 🚀 \u2028 \u0085 \u0000',
  '  padded  '
];

describe('workflow commands on stdout: the bytes @actions/core writes', () => {
  test.each(HOSTILE)('info %j: the text as is (callers echo what came from outside)', async (v) => {
    expect((await same((m) => m.info(v))).stdout).toBe(v + os.EOL);
  });

  test.each(HOSTILE)('debug, setSecret, startGroup/endGroup %j', async (v) => {
    const { stdout } = await same((m) => {
      m.debug(v);
      m.setSecret(v);
      m.startGroup(v);
      m.endGroup();
    });
    // Whatever the value, each command is exactly one line: nothing after a newline can be read as a command.
    expect(stdout.split(os.EOL)).toHaveLength(5);
  });

  test.each(HOSTILE)('error, warning, notice with and without annotation properties %j', async (v) => {
    const { stdout } = await same((m) => {
      m.error(v);
      m.warning(v, { title: v });
      m.notice(v, { title: v, file: `src/${v}.ts`, startLine: 3, endLine: 4, startColumn: 1, endColumn: 9 });
      m.warning(v, {});
      m.error(v, { title: '' });
    });
    const lines = stdout.split(os.EOL).filter(Boolean);
    expect(lines).toHaveLength(5);
    for (const l of lines) expect(l).toMatch(/^::(error|warning|notice)( [^:]*)?::/);
  });

  test('an Error is written as its toString', async () => {
    await same((m) => m.warning(new TypeError('bad\nthing'), { title: 'T' }));
  });

  test.each(HOSTILE)('setFailed %j: the error line, and exit code 1', async (v) => {
    const e = await same((m) => m.setFailed(v));
    expect(e.exitCode).toBe(1);
  });

  test('group runs the function inside the group, returns its value, and closes the group when it throws', async () => {
    const ok = await same((m) => m.group('G: 1,2', async () => (m.info('inside'), 42)));
    expect(ok.returned).toBe(42);
    const bad = await same((m) =>
      m.group('G', async () => {
        throw new Error('boom');
      })
    );
    expect(bad.thrown).toBe('boom');
    expect(bad.stdout).toBe(`::group::G${os.EOL}::endgroup::${os.EOL}`);
  });

  test('isDebug follows RUNNER_DEBUG=1 only', async () => {
    expect((await same((m) => m.isDebug(), { RUNNER_DEBUG: '1' })).returned).toBe(true);
    expect((await same((m) => m.isDebug(), { RUNNER_DEBUG: 'true' })).returned).toBe(false);
  });
});

describe('file commands: the bytes @actions/core writes, and what the runner reads back', () => {
  test.each(HOSTILE)('setOutput, saveState, exportVariable %j', async (v) => {
    const e = await same((m) => {
      m.setOutput('out-name', v);
      m.saveState('builder', v);
      m.exportVariable('BENCH_VAR', v);
    });
    // The runner's reading of the files gives each value back whole, hostile lines and all.
    expect(parseFileCommands(e.files.GITHUB_OUTPUT)).toEqual({ 'out-name': v });
    expect(parseFileCommands(e.files.GITHUB_STATE)).toEqual({ builder: v });
    expect(e.env.BENCH_VAR).toBe(v);
  });

  test.each([42, true, { a: 1, b: ['x'] }, null, undefined])(
    'a non-string value %j is written as core writes it',
    async (v) => {
      await same((m) => {
        m.setOutput('o', v);
        m.saveState('s', v);
      });
    }
  );

  test('addPath appends one line and puts the directory in front of PATH', async () => {
    const e = await same((m) => m.addPath('/opt/tools/bin'));
    expect(e.files.GITHUB_PATH).toBe(`/opt/tools/bin${os.EOL}`);
    expect(e.env.PATH?.startsWith(`/opt/tools/bin${path.delimiter}`)).toBe(true);
  });

  test('a delimiter inside a name or value is refused, not written (it would end the block early)', () => {
    const delimiter = 'ghadelimiter_11111111-2222-3333-4444-555555555555';
    expect(() => runner.keyValueBlock('n', `x\n${delimiter}\nevil<<E\ny\nE`, delimiter)).toThrow(
      `value should not contain the delimiter "${delimiter}"`
    );
    expect(() => runner.keyValueBlock(`n${delimiter}`, 'v', delimiter)).toThrow(
      `name should not contain the delimiter "${delimiter}"`
    );
    expect(runner.keyValueBlock('n', 'v', delimiter)).toBe(`n<<${delimiter}${os.EOL}v${os.EOL}${delimiter}`);
  });

  test('each block has a fresh random delimiter', () => {
    const read = freshFiles('fresh');
    const out = new runner.Runner(process.env);
    out.setOutput('a', '1');
    out.setOutput('b', '2');
    const delims = [
      ...fs.readFileSync(process.env.GITHUB_OUTPUT as string, 'utf8').matchAll(/<<(ghadelimiter_[0-9a-f-]{36})/g)
    ].map((m) => m[1]);
    expect(delims).toHaveLength(2);
    expect(delims[0]).not.toBe(delims[1]);
    expect(parseFileCommands(read().GITHUB_OUTPUT)).toEqual({ a: '1', b: '2' });
  });

  test('a path with a line break is refused (GITHUB_PATH is one path per line)', () => {
    freshFiles('path');
    expect(() => new runner.Runner(process.env).addPath('/ok\n/evil')).toThrow('line break');
    expect(fs.readFileSync(process.env.GITHUB_PATH as string, 'utf8')).toBe('');
  });

  test('chosen: no stdout fallback; without its file variable a file command throws, naming the variable', async () => {
    const out: string[] = [];
    const spy = jest
      .spyOn(process.stdout, 'write')
      .mockImplementation((chunk: string | Uint8Array) => (out.push(String(chunk)), true));
    const ours = new runner.Runner(process.env);
    try {
      for (const [variable, call] of [
        ['GITHUB_OUTPUT', () => ours.setOutput('o', 'v')],
        ['GITHUB_STATE', () => ours.saveState('s', 'v')],
        ['GITHUB_ENV', () => ours.exportVariable('BENCH_VAR', 'v')],
        ['GITHUB_PATH', () => ours.addPath('/x')]
      ] as const) {
        delete process.env[variable];
        expect(call).toThrow(`${variable} is not set`);
      }
    } finally {
      spy.mockRestore();
    }
    expect(out).toEqual([]);
  });
});

describe('inputs and state', () => {
  const env = {
    'INPUT_CACHE-TO': '  type=gha,mode=max \n',
    INPUT_MY_INPUT: 'spaced name',
    INPUT_PLAIN: 'x',
    STATE_builder: '{"pid":1}'
  };
  test.each([
    ['cache-to', undefined],
    ['cache-to', { trimWhitespace: false }],
    ['my input', undefined],
    ['My Input', undefined],
    ['plain', { required: true }],
    ['empty', undefined],
    ['empty', { required: true }],
    ['cache_to', undefined]
  ] as const)('getInput(%j, %j)', async (name, options) => {
    await same((m) => m.getInput(name, options as runner.InputOptions | undefined), env);
  });
  test('getState reads STATE_<name>, case kept', async () => {
    expect(
      (await same((m) => [m.getState('builder'), m.getState('Builder'), m.getState('none')], env)).returned
    ).toEqual(['{"pid":1}', '', '']);
  });
});

describe('job summary', () => {
  test.each(HOSTILE)('summary.addRaw(%j).write() appends what core appends', async (v) => {
    const e = await same(async (m) => {
      await m.summary.addRaw(v).write();
      await m.summary.addRaw('| a |\n').addRaw('second', true).write();
    });
    expect(e.files.GITHUB_STEP_SUMMARY.startsWith(v)).toBe(true);
  });
  test('appendSummary appends, and without GITHUB_STEP_SUMMARY it throws', async () => {
    const read = freshFiles('sum');
    const out = new runner.Runner(process.env);
    await out.appendSummary('# one\n');
    await out.appendSummary('two\n');
    expect(read().GITHUB_STEP_SUMMARY).toBe('# one\ntwo\n');
    expect(out.hasSummary()).toBe(true);
    delete process.env.GITHUB_STEP_SUMMARY;
    expect(out.hasSummary()).toBe(false);
    await expect(out.appendSummary('x')).rejects.toThrow('GITHUB_STEP_SUMMARY is not set');
  });
});

test('the runner module loads no @actions/* and no HTTP client (its whole reason to exist)', () => {
  const source = fs.readFileSync(
    path.join(path.dirname(new URL(import.meta.url).pathname), '..', '..', 'src', 'io', 'runner.ts'),
    'utf8'
  );
  const imports = [...source.matchAll(/^import .* from '([^']+)';$/gm)].map((m) => m[1]);
  expect(imports.length).toBeGreaterThan(0);
  expect(imports.filter((s) => !['node:crypto', 'node:fs', 'node:os', 'node:path'].includes(s))).toEqual([]);
});
