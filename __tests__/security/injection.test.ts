/**
 * No value the action echoes, and nothing the build prints, can issue a workflow command. The bundle runs as
 * the runner runs it (scripts/harness.mjs) with the stand-ins; its stdout and stderr are read the way the
 * runner reads them (support/runner.ts). Hostile values carry a `PWN` payload after a CR or LF: the runner
 * splits lines on a lone `\r` too, so `p\r::error::PWN` in a logged line would run `::error::PWN`.
 */
import { describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createJob, type Job, type PhaseResult, runPhase } from '../../scripts/harness.mjs';
import { showArgs } from '../../src/envd/args.js';
import { echo, shellArg } from '../../src/text/text.js';
import { safeLog } from '../../src/io/log.js';
import { recordingRunner } from '../support/recording-runner.js';
import { bundleWorld } from '../support/world.js';
import { runnerCommands } from './support/runner.js';

const world = bundleWorld('envd-inject');

const BUILD_ENVD = `# syntax=v1

def build():
    base(dev=True)
    install.python_packages(name=["numpy"])
`;

/** A checkout holding build.envd at its top and in `dirs` (directory names may be hostile). */
function workspace(dirs: string[] = [], buildEnvd = BUILD_ENVD): string {
  const ws = fs.mkdtempSync(path.join(world.root, 'ws-'));
  for (const d of ['', ...dirs]) {
    fs.mkdirSync(path.join(ws, d), { recursive: true });
    fs.writeFileSync(path.join(ws, d, 'build.envd'), buildEnvd);
  }
  return ws;
}

function job(ws: string, inputs: Record<string, string>, env: Record<string, string> = {}): Job {
  const ref = 'refs/heads/main';
  const j = createJob({
    workspace: ws,
    ref,
    inputs: { 'cache-scope': 'inject', ...inputs },
    env: {
      HOME: fs.mkdtempSync(path.join(world.root, 'home-')),
      ...world.runnerEnv(ref),
      ENVD_CACHE_ACTION_BUILDKITD_TIMEOUT: '10',
      FAKE_BUILDKITD_NO_LOCAL_CACHE: '1',
      ...env
    }
  });
  world.track(j);
  return j;
}

/** Commands the runner would run from a phase's stdout and stderr that carry the injected payload. */
function injected(r: PhaseResult): string[] {
  return [...runnerCommands(r.stdout), ...runnerCommands(r.stderr)]
    .map((c) => c.line)
    .filter((line) => /^::error::PWN|^::set-output name=PWN|^##\[error\]PWN/.test(line));
}

async function mainAndPost(j: Job) {
  const main = await runPhase(j, 'main', { timeoutMs: 90000 });
  const post = await runPhase(j, 'post', { timeoutMs: 30000 });
  return { main, post };
}

describe('the runner model (support/runner.ts)', () => {
  test('splits on CRLF, LF and a lone CR, trims leading whitespace, and honours stop-commands', () => {
    const out = [
      '::group::a',
      'x\r::error::one',
      '  ::warning::two',
      '::stop-commands::T1',
      '::error::inert',
      'y\r::error::inert',
      '::T1::',
      'z\n::set-output name=PWN::1'
    ].join('\n');
    expect(runnerCommands(out).map((c) => c.line)).toEqual([
      '::group::a',
      '::error::one',
      '::warning::two',
      '::stop-commands::T1',
      '::T1::',
      '::set-output name=PWN::1'
    ]);
  });

  test('the pattern catches what the issue describes', () => {
    const r = {
      stdout: "envd build --path 'p\r::error::PWN'\nq\n::set-output name=PWN::1\n",
      stderr: ''
    } as PhaseResult;
    expect(injected(r)).toEqual(["::error::PWN'", '::set-output name=PWN::1']);
  });
});

describe('what the action echoes (pure)', () => {
  test.each([
    ['p\r::error::PWN', "$'p\\r::error::PWN'"],
    ['q\n::set-output name=PWN::1', "$'q\\n::set-output name=PWN::1'"],
    ["it's\r", "$'it\\'s\\r'"],
    ['a\\b\u2028', "$'a\\\\b\\u2028'"],
    ['plain/path', 'plain/path'],
    ['a b', "'a b'"]
  ])('shellArg(%j) is %s, on one line', (value, shown) => {
    expect(shellArg(value)).toBe(shown);
    expect(shellArg(value)).not.toMatch(/[\r\n]/);
  });

  test('showArgs keeps a command line on one line and caps each argument', () => {
    const line = showArgs('envd', [
      'build',
      '--path',
      'p\r::error::PWN',
      '--export-cache',
      `type=local,tag="${'x'.repeat(5000)}\n"`
    ]);
    expect(line.split(/\r\n|\n|\r/)).toHaveLength(1);
    expect(line.length).toBeLessThan(1200);
  });

  test('echo caps a value and makes every line break visible', () => {
    expect(echo('a\r\nb')).toBe('a\\r\\nb');
    expect(echo('x'.repeat(100000))).toHaveLength(200);
  });

  test('Runner.fenced resumes commands after the tool, also when it throws, and writes nothing else inside', async () => {
    const { out, record } = recordingRunner();
    await expect(
      out.fenced(async (fence) => {
        fence.line('::error::PWN');
        throw new Error('envd died');
      }, 'tok')
    ).rejects.toThrow('envd died');
    const written = record.stdout.split('\n').filter(Boolean);
    expect(written).toEqual(['::stop-commands::tok', '::error::PWN', '::tok::']);
    expect(runnerCommands(written.join('\n')).map((c) => c.line)).toEqual(['::stop-commands::tok', '::tok::']);
  });
});

test('safeLog writes one line per message, capped', () => {
  const { out, record } = recordingRunner();
  safeLog(out).info(`index-key\r::error::PWN ${'k'.repeat(5000)}`);
  const chunks = [record.stdout];
  expect(chunks.join('')).toMatch(/^index-key\\r::error::PWN k+…\n$/);
  expect(runnerCommands(chunks.join(''))).toEqual([]);
  expect(chunks.join('').length).toBeLessThanOrEqual(1001);
});

describe('dry runs with hostile values', () => {
  // In a dry run the values reach the Plan group, annotations and the summary; none may start a command.
  test.each<[string, Record<string, string>, string[]]>([
    ['path', { path: 'p\r::error::PWN' }, ['p\r::error::PWN']],
    ['path with LF', { path: 'q\n::set-output name=PWN::1' }, ['q\n::set-output name=PWN::1']],
    ['cache-options', { cache: 'local', 'cache-options': '"tag=a\r::error::PWN"' }, []],
    ['cache-dir', { cache: 'local', 'cache-dir': 'c\r::error::PWN' }, []],
    ['cache-scope (invalid)', { 'cache-scope': 's\r::error::PWN' }, []],
    ['cache-scope of 100 KB (invalid)', { 'cache-scope': `${'s'.repeat(100000)}\r::error::PWN` }, []]
  ])(
    '%s',
    async (_, inputs, dirs) => {
      const main = await runPhase(job(workspace(dirs), { 'dry-run': 'true', ...inputs }), 'main');
      expect(injected(main)).toEqual([]);
    },
    30000
  );
});

describe('real runs with hostile values', () => {
  test('a hostile path: the envd command line is logged with the CR visible', async () => {
    const { main, post } = await mainAndPost(
      job(workspace(['p\r::error::PWN']), { path: 'p\r::error::PWN', cache: 'none' })
    );
    // envd derives the image name from the directory and refuses it ("invalid reference format"); the
    // command line was logged before that.
    expect(main.stdout).toContain('::group::envd build');
    expect(main.stdout).toContain("--path $'p\\r::error::PWN'");
    expect(injected(main)).toEqual([]);
    expect(injected(post)).toEqual([]);
  }, 120000);

  test('hostile cache-options and cache-dir (cache: local): the command line, restore and serve lines', async () => {
    const { main, post } = await mainAndPost(
      job(workspace(), { cache: 'local', 'cache-dir': 'c\r::error::PWN', 'cache-options': '"tag=a\r::error::PWN"' })
    );
    expect(main.code).toBe(0);
    expect(main.stdout).toContain('c\\r::error::PWN');
    expect(injected(main)).toEqual([]);
    expect(injected(post)).toEqual([]);
  }, 120000);

  test("a build step that prints workflow commands: envd's output is fenced by stop-commands, resumed after it fails", async () => {
    // The fake envd prints a failing step's error as `#N ERROR: <text>` (FAKE_ENVD_FAIL_WITH), raw, as
    // BuildKit prints a step's output: a line break inside it starts a new log line.
    const { main, post } = await mainAndPost(
      job(workspace(), { cache: 'none' }, { FAKE_ENVD_FAIL_WITH: 'boom\n::error::PWN\r::set-output name=PWN::1' })
    );
    expect(main.code).toBe(1);
    expect(main.stdout).toContain('ERROR: boom\n::error::PWN\r::set-output name=PWN::1');
    expect(injected(main)).toEqual([]);
    expect(injected(post)).toEqual([]);
    const commands = runnerCommands(main.stdout).map((c) => c.line);
    const stop = commands.findIndex((c) => c.startsWith('::stop-commands::'));
    expect(stop).toBeGreaterThan(-1);
    // The block is closed by its own token right after: nothing else was issued inside it.
    expect(commands[stop + 1]).toBe(`::${commands[stop].slice('::stop-commands::'.length)}::`);
    // Commands resumed after envd failed: the action's own error annotation still runs.
    expect(commands.slice(stop + 2).some((c) => c.startsWith('::error title=envd build failed::'))).toBe(true);
    expect(main.summary).not.toMatch(/\n::|\r/);
  }, 120000);
});
