/**
 * The main step from source (not the bundle): its context (the job's environment, a recording runner) and its
 * state store are passed in; nothing global is patched. The build path runs the stand-ins of envd and BuildKit
 * (`envd-version`/`buildkit-version: system`, found on the job's PATH) and hands its state to post, also from source.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createJob, type Job } from '../../scripts/harness.mjs';
import { FAKES_BIN } from '../support/fakes/index.mjs';
import { running } from '../support/process.js';
import { StateKey } from '../../src/state.js';
import { mainDeps, memoryState, recordingStep } from '../support/steps.js';
import { main } from '../../src/steps/main.js';
import { post, realPostIo } from '../../src/steps/post.js';

const BUILD_ENVD = `# syntax=v1

def build():
    base(dev=True)
    install.python_packages(name=["numpy"])
`;

let files: string;
let job: Job | undefined;
const pids: number[] = [];

// One directory for the jobs' workspaces and homes.
beforeAll(() => {
  files = fs.mkdtempSync(path.join(os.tmpdir(), 'main-step-'));
});
afterAll(() => fs.rmSync(files, { recursive: true, force: true }));
afterEach(() => {
  for (const pid of pids.splice(0)) if (running(pid)) process.kill(pid, 'SIGKILL');
  job?.cleanup();
  job = undefined;
});

/** Runs main over the job's environment; what it wrote (log, file commands, exit code) and what it saved for post. */
async function runMain(j: Job, options: Parameters<typeof recordingStep>[1] = {}) {
  const { ctx, record } = recordingStep(j.env, options);
  const state = memoryState();
  await main(ctx, mainDeps(ctx, state.store));
  const log = () => record.stdout;
  /** Output names as written to GITHUB_OUTPUT (name<<delimiter … lines). */
  const outputNames = () => [...record.files.OUTPUT.matchAll(/^([a-z-]+)<</gm)].map((m) => m[1]);
  const outputOf = (name: string) =>
    new RegExp(`^${name}<<(\\S+)\\n([\\s\\S]*?)\\n\\1$`, 'm').exec(record.files.OUTPUT)?.[2];
  return { record, saved: state.saved, log, outputNames, outputOf };
}

/** Runs post over the job's environment with what main saved; what it wrote. */
async function runPost(j: Job, saved: Map<StateKey, string>) {
  const { ctx, record } = recordingStep(j.env);
  await post(ctx, { state: { get: (name) => saved.get(name) ?? '' }, io: realPostIo });
  return record;
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
    const { record, saved, log, outputNames } = await runMain(j);
    expect(log()).toMatch(/^::error title=envd cache action%3A invalid input::Input "cache": "floppy" is not one of /m);
    expect(log()).toMatch(/^::error::2 invalid inputs; nothing was started/m);
    expect(record.exitCode).toBe(1);
    expect(record.files.STEP_SUMMARY).not.toBe('');
    expect(saved.size).toBe(0);
    expect(tempEntries(j)).toEqual([]);
    expect(outputNames()).toEqual([]);
  });

  test('dry run: outputs set and the summary written; nothing saved for post, nothing installed or started', async () => {
    const j = newJob({ cache: 'none', 'dry-run': 'true' });
    const { record, saved, log, outputOf } = await runMain(j);
    expect(record.exitCode).toBeUndefined();
    expect(log()).toContain(
      'Dry run: the inputs were validated and the plan made; nothing was installed, started or built.'
    );
    expect(outputOf('cache-backend')).toBe('none');
    expect(JSON.parse(outputOf('plan') ?? '{}')).toMatchObject({ backend: 'none', dryRun: true, problems: [] });
    expect(record.files.STEP_SUMMARY).not.toBe('');
    expect(saved.size).toBe(0);
    expect(tempEntries(j)).toEqual([]);
    expect(fs.readdirSync(j.dirs.toolCache)).toEqual([]);
  });
});

describe('a runner without a job summary', () => {
  test('main sets its outputs and fails on nothing: the summary is left out', async () => {
    const j = newJob({ cache: 'none', 'dry-run': 'true' });
    const { record, outputOf } = await runMain(j, { noSummary: true });
    expect(record.exitCode).toBeUndefined();
    expect(record.stdout).not.toMatch(/^::error/m);
    expect(outputOf('cache-backend')).toBe('none');
    expect(record.files.STEP_SUMMARY).toBe('');
  });
});

describe('main builds with the stand-ins, then post undoes what it started', () => {
  const SYSTEM = { cache: 'none', 'envd-version': 'system', 'buildkit-version': 'system', builder: 'auto' };
  // envd-version/buildkit-version: system look the tools up on the step's PATH, the job's.
  const pathEnv = () => ({ PATH: `${FAKES_BIN}${path.delimiter}${process.env.PATH}` });

  test('a build saves the builder, the envd context and the work dir for post; post stops and removes them', async () => {
    const j = newJob(SYSTEM, pathEnv());
    const { record, saved, outputOf } = await runMain(j);
    expect(record.exitCode).toBeUndefined();
    const builder = JSON.parse(saved.get(StateKey.Builder) ?? '{}') as { kind: string; pid?: number; reused?: boolean };
    if (builder.pid) pids.push(builder.pid);
    expect(builder).toMatchObject({ kind: 'auto' });
    expect(builder.reused).toBeFalsy();
    expect(running(builder.pid)).toBe(true);
    expect(saved.get(StateKey.Context)).toMatch(/^envd-cache-action-4242-[0-9a-f]{6}$/);
    const workDir = saved.get(StateKey.WorkDir) ?? '';
    expect(path.dirname(workDir)).toBe(j.dirs.temp);
    expect(fs.existsSync(workDir)).toBe(true);
    expect(saved.get(StateKey.EnvdBinary)).toBe(path.join(FAKES_BIN, 'envd'));
    expect(saved.has(StateKey.BuildFailed)).toBe(false);
    expect(Number(outputOf('total-steps'))).toBeGreaterThan(0);

    const posted = await runPost(j, saved);
    expect(running(builder.pid)).toBe(false);
    expect(posted.stdout).toContain(`Removed envd context ${saved.get(StateKey.Context)}`);
    expect(posted.stdout).toContain(`Stopped buildkitd (pid ${builder.pid})`);
    expect(fs.existsSync(workDir)).toBe(false);
  });

  test("a failing build: BuildFailed saved, an error annotation, the step failed; post shows buildkitd's log fenced", async () => {
    const j = newJob(SYSTEM, {
      ...pathEnv(),
      FAKE_ENVD_FAIL_WITH: 'process "/bin/sh -c pip install numpy" did not complete successfully: exit code: 1'
    });
    const { record, saved, log } = await runMain(j);
    const builder = JSON.parse(saved.get(StateKey.Builder) ?? '{}') as { pid?: number };
    if (builder.pid) pids.push(builder.pid);
    expect(saved.get(StateKey.BuildFailed)).toBe('true');
    expect(log()).toMatch(/^::error title=envd build failed[^:]*::.*pip install numpy.*$/m);
    expect(log()).toMatch(/^::error::envd build failed: .*pip install numpy/m);
    expect(record.exitCode).toBe(1);
    expect(record.files.STEP_SUMMARY).toContain('pip install numpy');

    const posted = await runPost(j, saved);
    const lines = posted.stdout.split(os.EOL);
    expect(lines[0]).toBe('::group::buildkitd log (the build failed)');
    expect(lines[1]).toMatch(/^::stop-commands::envd-cache-[0-9a-f]{32}$/);
    const token = lines[1].slice('::stop-commands::'.length);
    expect(lines.indexOf(`::${token}::`)).toBeGreaterThan(2);
    expect(running(builder.pid)).toBe(false);
  });
});
