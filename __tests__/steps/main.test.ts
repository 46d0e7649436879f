/**
 * The main step from source (not the bundle): its inputs, environment and state store are passed in, the
 * runner's file commands go to temporary files. The build path runs the stand-ins of envd and BuildKit
 * (`envd-version`/`buildkit-version: system`, found on PATH) and hands its state to post, also from source.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, jest, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createJob, inputEnvName, type Job } from '../../scripts/harness.mjs';
import { FAKES_BIN } from '../support/fakes/index.mjs';
import { running } from '../support/process.js';
import { State, type StateStore } from '../../src/state.js';
import { main } from '../../src/steps/main.js';
import { post, realPostIo } from '../../src/steps/post.js';

const BUILD_ENVD = `# syntax=v1

def build():
    base(dev=True)
    install.python_packages(name=["numpy"])
`;

/** A state store that keeps what main saves, for post. */
function memoryState() {
  const saved = new Map<State, string>();
  const store: StateStore = {
    get: (name) => saved.get(name) ?? '',
    save: (name, value) => void saved.set(name, value)
  };
  return { store, saved };
}

const KEPT_ENV = ['GITHUB_OUTPUT', 'GITHUB_STEP_SUMMARY', 'GITHUB_STATE', 'PATH'] as const;
let kept: Record<string, string | undefined>;
let files: string;
let out: string[];
let job: Job | undefined;
const pids: number[] = [];

// One directory for the file commands' files.
beforeAll(() => {
  files = fs.mkdtempSync(path.join(os.tmpdir(), 'main-step-'));
});
afterAll(() => fs.rmSync(files, { recursive: true, force: true }));
beforeEach(() => {
  kept = Object.fromEntries(KEPT_ENV.map((k) => [k, process.env[k]]));
  // The runner's file commands (src/io/runner.ts): outputs and the summary land here (state does not: it goes to the store passed in).
  process.env.GITHUB_OUTPUT = path.join(files, 'output');
  process.env.GITHUB_STEP_SUMMARY = path.join(files, 'summary');
  process.env.GITHUB_STATE = path.join(files, 'state');
  for (const f of ['output', 'summary', 'state']) fs.writeFileSync(path.join(files, f), '');
  out = [];
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
});
afterEach(() => {
  jest.restoreAllMocks();
  for (const k of KEPT_ENV)
    if (kept[k] === undefined) delete process.env[k];
    else process.env[k] = kept[k];
  process.exitCode = undefined; // setFailed sets it
  for (const pid of pids.splice(0)) if (running(pid)) process.kill(pid, 'SIGKILL');
  job?.cleanup();
  job = undefined;
});

const log = () => out.join('');
const read = (f: string) => fs.readFileSync(path.join(files, f), 'utf8');
/** Output names as written to GITHUB_OUTPUT (name<<delimiter … lines). */
const outputNames = () => [...read('output').matchAll(/^([a-z-]+)<</gm)].map((m) => m[1]);
const outputOf = (name: string) => new RegExp(`^${name}<<(\\S+)\\n([\\s\\S]*?)\\n\\1$`, 'm').exec(read('output'))?.[2];

function depsOf(j: Job) {
  const state = memoryState();
  // What runner.getInput reads, trimmed as it trims.
  const input = (name: string) => (j.env[inputEnvName(name)] ?? '').trim();
  return { deps: { env: j.env, input, state: state.store }, saved: state.saved };
}

function newJob(inputs: Record<string, string>, env: Record<string, string> = {}): Job {
  const workspace = fs.mkdtempSync(path.join(files, 'ws-'));
  fs.writeFileSync(path.join(workspace, 'build.envd'), BUILD_ENVD);
  job = createJob({
    workspace,
    inputs,
    env: { HOME: path.join(files, 'home'), ENVD_CACHE_ACTION_BUILDKITD_TIMEOUT: '10', ...env }
  });
  return job;
}

const tempEntries = (j: Job) => fs.readdirSync(j.dirs.temp);

describe('main, before anything starts', () => {
  test('invalid inputs: errors named, summary written, the step failed, nothing saved or created', async () => {
    const j = newJob({ cache: 'floppy', 'cache-prune': 'sometimes' });
    const { deps, saved } = depsOf(j);
    await main(deps);
    expect(log()).toMatch(/^::error title=envd cache action%3A invalid input::Input "cache": "floppy" is not one of /m);
    expect(log()).toMatch(/^::error::2 invalid inputs; nothing was started/m);
    expect(process.exitCode).toBe(1);
    expect(read('summary')).not.toBe('');
    expect(saved.size).toBe(0);
    expect(tempEntries(j)).toEqual([]);
    expect(outputNames()).toEqual([]);
  });

  test('dry run: outputs set and the summary written; nothing saved for post, nothing installed or started', async () => {
    const j = newJob({ cache: 'none', 'dry-run': 'true' });
    const { deps, saved } = depsOf(j);
    await main(deps);
    expect(process.exitCode).toBeUndefined();
    expect(log()).toContain(
      'Dry run: the inputs were validated and the plan made; nothing was installed, started or built.'
    );
    expect(outputOf('cache-backend')).toBe('none');
    expect(JSON.parse(outputOf('plan') ?? '{}')).toMatchObject({ backend: 'none', dryRun: true, problems: [] });
    expect(read('summary')).not.toBe('');
    expect(saved.size).toBe(0);
    expect(tempEntries(j)).toEqual([]);
    expect(fs.readdirSync(j.dirs.toolCache)).toEqual([]);
  });
});

describe('main builds with the stand-ins, then post undoes what it started', () => {
  const SYSTEM = { cache: 'none', 'envd-version': 'system', 'buildkit-version': 'system', builder: 'auto' };
  beforeEach(() => {
    // envd-version/buildkit-version: system look the tools up on the process's PATH (io.which).
    process.env.PATH = `${FAKES_BIN}${path.delimiter}${process.env.PATH}`;
  });
  const pathEnv = () => ({ PATH: `${FAKES_BIN}${path.delimiter}${kept.PATH}` });

  test('a build saves the builder, the envd context and the work dir for post; post stops and removes them', async () => {
    const j = newJob(SYSTEM, pathEnv());
    const { deps, saved } = depsOf(j);
    await main(deps);
    expect(process.exitCode).toBeUndefined();
    const builder = JSON.parse(saved.get(State.Builder) ?? '{}') as { kind: string; pid?: number; reused?: boolean };
    if (builder.pid) pids.push(builder.pid);
    expect(builder).toMatchObject({ kind: 'auto' });
    expect(builder.reused).toBeFalsy();
    expect(running(builder.pid)).toBe(true);
    expect(saved.get(State.Context)).toMatch(/^envd-cache-action-4242-[0-9a-f]{6}$/);
    const workDir = saved.get(State.WorkDir) ?? '';
    expect(path.dirname(workDir)).toBe(j.dirs.temp);
    expect(fs.existsSync(workDir)).toBe(true);
    expect(saved.get(State.EnvdBinary)).toBe(path.join(FAKES_BIN, 'envd'));
    expect(saved.has(State.BuildFailed)).toBe(false);
    expect(Number(outputOf('total-steps'))).toBeGreaterThan(0);

    await post({ env: j.env, state: { get: (name) => saved.get(name) ?? '' }, io: realPostIo });
    expect(running(builder.pid)).toBe(false);
    expect(log()).toContain(`Removed envd context ${saved.get(State.Context)}`);
    expect(log()).toContain(`Stopped buildkitd (pid ${builder.pid})`);
    expect(fs.existsSync(workDir)).toBe(false);
  });

  test("a failing build: BuildFailed saved, an error annotation, the step failed; post shows buildkitd's log fenced", async () => {
    const j = newJob(SYSTEM, {
      ...pathEnv(),
      FAKE_ENVD_FAIL_WITH: 'process "/bin/sh -c pip install numpy" did not complete successfully: exit code: 1'
    });
    const { deps, saved } = depsOf(j);
    await main(deps);
    const builder = JSON.parse(saved.get(State.Builder) ?? '{}') as { pid?: number };
    if (builder.pid) pids.push(builder.pid);
    expect(saved.get(State.BuildFailed)).toBe('true');
    expect(log()).toMatch(/^::error title=envd build failed[^:]*::.*pip install numpy.*$/m);
    expect(log()).toMatch(/^::error::envd build failed: .*pip install numpy/m);
    expect(process.exitCode).toBe(1);
    expect(read('summary')).toContain('pip install numpy');

    out.length = 0;
    await post({ env: j.env, state: { get: (name) => saved.get(name) ?? '' }, io: realPostIo });
    const lines = log().split(os.EOL);
    expect(lines[0]).toBe('::group::buildkitd log (the build failed)');
    expect(lines[1]).toMatch(/^::stop-commands::envd-cache-[0-9a-f]{32}$/);
    const token = lines[1].slice('::stop-commands::'.length);
    expect(lines.indexOf(`::${token}::`)).toBeGreaterThan(2);
    expect(running(builder.pid)).toBe(false);
  });
});
