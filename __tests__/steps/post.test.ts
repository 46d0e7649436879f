/**
 * The post step from source, with the state main saved and fakes of its effects on the builder and envd:
 * it stops only what main started, leaves a reused or an addressed buildkitd running, fences buildkitd's log
 * after a failed build, and removes only the private directory main marked as its own.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BuilderHandle } from '../../src/io/buildkit/builder.js';
import { OWNER_MARK, OWNER_MARK_TEXT } from '../../src/local/ownership.js';
import { StateKey } from '../../src/state.js';
import { post, type PostIo } from '../../src/steps/post.js';
import { recordingStep } from '../support/steps.js';

/** Fakes of post's effects, each call recorded. */
function fakeIo(over: Partial<PostIo> = {}) {
  const calls: { what: string; args: unknown[] }[] = [];
  const io: PostIo = {
    builderLogTail: (h) => (calls.push({ what: 'logTail', args: [h] }), ''),
    stopBuilder: async (h, env) => void calls.push({ what: 'stop', args: [h, env.PATH] }),
    releaseShared: async (h) => (calls.push({ what: 'release', args: [h] }), undefined),
    removeContext: async (binary, env, context) => (
      calls.push({ what: 'removeContext', args: [binary, env.PATH, context] }),
      undefined
    ),
    ...over
  };
  return { io, calls };
}

const stateOf = (saved: Partial<Record<StateKey, string>>) => ({ get: (name: StateKey) => saved[name] ?? '' });

const own: BuilderHandle = {
  kind: 'auto',
  envdBuilder: 'unix',
  envdAddress: '/tmp/x/buildkitd.sock',
  buildctlAddr: 'unix:///tmp/x/buildkitd.sock',
  pid: 4242,
  logFile: '/tmp/x/buildkitd.log'
};

let root: string;
/** The step post runs as: a context over a plain environment, with a recording runner. */
let step: ReturnType<typeof recordingStep>;
const env = () => ({ PATH: '/usr/bin', GITHUB_WORKSPACE: path.join(root, 'ws'), HOME: path.join(root, 'home') });
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'post-step-'));
  step = recordingStep(env());
});
afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});
const lines = () => step.record.stdout.split(os.EOL).filter(Boolean);

describe('post', () => {
  test('without state (main stopped before the build): nothing is stopped or removed, nothing is written', async () => {
    const { io, calls } = fakeIo();
    await post(step.ctx, { state: stateOf({}), io });
    expect(calls).toEqual([]);
    expect(lines()).toEqual([]);
  });

  test('stops the buildkitd main started, removes its envd context, with the PATH main saved', async () => {
    const { io, calls } = fakeIo();
    const state = {
      [StateKey.Builder]: JSON.stringify(own),
      [StateKey.Context]: 'envd-cache-action-7-abc123',
      [StateKey.EnvdBinary]: '/tools/envd/envd',
      [StateKey.EnvdPath]: '/tools/envd:/usr/bin'
    };
    await post(step.ctx, { state: stateOf(state), io });
    expect(calls.map((c) => c.what)).toEqual(['stop', 'removeContext', 'release']);
    expect(calls[0].args[0]).toEqual(own);
    // The step's environment, not the process's: sudo and docker are looked up on its PATH.
    expect(calls[0].args[1]).toBe('/usr/bin');
    expect(calls[1].args).toEqual(['/tools/envd/envd', '/tools/envd:/usr/bin', 'envd-cache-action-7-abc123']);
    expect(lines()).toEqual(['Removed envd context envd-cache-action-7-abc123', 'Stopped buildkitd (pid 4242)']);
  });

  test("a buildkitd an earlier call started is left running for that call; only this call's context goes", async () => {
    const { io, calls } = fakeIo();
    const state = {
      [StateKey.Builder]: JSON.stringify({ ...own, reused: true }),
      [StateKey.Context]: 'ctx-1',
      [StateKey.EnvdBinary]: '/tools/envd/envd'
    };
    await post(step.ctx, { state: stateOf(state), io });
    expect(calls.map((c) => c.what)).toEqual(['removeContext']);
    expect(lines()).toEqual([
      'Removed envd context ctx-1',
      'Left buildkitd (pid 4242) running for the call that started it; its post step stops it'
    ]);
  });

  test("a buildkitd given by address is not the action's to stop", async () => {
    const { io, calls } = fakeIo();
    const addressed: BuilderHandle = {
      kind: 'address',
      envdBuilder: 'tcp',
      envdAddress: '10.0.0.1:1234',
      buildctlAddr: 'tcp://10.0.0.1:1234'
    };
    await post(step.ctx, {
      state: stateOf({
        [StateKey.Builder]: JSON.stringify(addressed),
        [StateKey.Context]: 'ctx-2',
        [StateKey.EnvdBinary]: '/e/envd'
      }),
      io
    });
    expect(calls.map((c) => c.what)).toEqual(['removeContext']);
  });

  test('a builder record that is not JSON is a warning; the rest of the clean-up still runs', async () => {
    const { io, calls } = fakeIo();
    await post(step.ctx, {
      state: stateOf({
        [StateKey.Builder]: '{"kind":"auto",',
        [StateKey.Context]: 'ctx-3',
        [StateKey.EnvdBinary]: '/e/envd'
      }),
      io
    });
    expect(calls.map((c) => c.what)).toEqual(['removeContext']);
    expect(lines()).toEqual([
      '::warning::The state main saved as builder is not JSON (15 characters): buildkitd is not stopped by this step',
      'Removed envd context ctx-3'
    ]);
  });

  test('problems removing the context or the reuse record are warnings (escaped), not failures', async () => {
    const { io } = fakeIo({
      removeContext: async () => 'envd context rm failed\n::error::x',
      releaseShared: async () => 'record kept'
    });
    await post(step.ctx, {
      state: stateOf({
        [StateKey.Builder]: JSON.stringify(own),
        [StateKey.Context]: 'c',
        [StateKey.EnvdBinary]: '/e/envd'
      }),
      io
    });
    expect(lines()).toEqual([
      '::warning::envd context rm failed%0A::error::x',
      'Stopped buildkitd (pid 4242)',
      '::warning::record kept'
    ]);
  });

  test("after a failed build, buildkitd's log is shown fenced: no line of it can issue a command", async () => {
    const { io } = fakeIo({
      builderLogTail: () => 'level=info msg=started\n::error::from the build\nlevel=error msg=failed'
    });
    await post(step.ctx, {
      state: stateOf({ [StateKey.Builder]: JSON.stringify(own), [StateKey.BuildFailed]: 'true' }),
      io
    });
    const l = lines();
    const open = l.findIndex((x) => x.startsWith('::stop-commands::'));
    expect(open).toBeGreaterThan(-1);
    const token = l[open].slice('::stop-commands::'.length);
    expect(token.length).toBeGreaterThan(16);
    const close = l.indexOf(`::${token}::`);
    const inside = l.indexOf('::error::from the build');
    expect(inside).toBeGreaterThan(open);
    expect(inside).toBeLessThan(close);
    expect(l[0]).toBe('::group::buildkitd log (the build failed)');
    expect(l).toContain('::endgroup::');
  });

  test('after a successful build the log is not read', async () => {
    const { io, calls } = fakeIo();
    await post(step.ctx, { state: stateOf({ [StateKey.Builder]: JSON.stringify(own) }), io });
    expect(calls.map((c) => c.what)).not.toContain('logTail');
    expect(step.record.stdout).not.toContain('::stop-commands::');
  });

  test('removes the private directory main marked, and leaves an unmarked one with a warning', async () => {
    const { io } = fakeIo();
    const marked = path.join(root, 'tmp', 'envd-cache-a');
    fs.mkdirSync(marked, { recursive: true });
    fs.writeFileSync(path.join(marked, OWNER_MARK), OWNER_MARK_TEXT);
    await post(step.ctx, { state: stateOf({ [StateKey.WorkDir]: marked }), io });
    expect(fs.existsSync(marked)).toBe(false);

    const unmarked = path.join(root, 'tmp', 'someone-elses');
    fs.mkdirSync(unmarked, { recursive: true });
    fs.writeFileSync(path.join(unmarked, 'keep'), 'x');
    await post(step.ctx, { state: stateOf({ [StateKey.WorkDir]: unmarked }), io });
    expect(fs.existsSync(path.join(unmarked, 'keep'))).toBe(true);
    expect(lines().at(-1)).toMatch(/^::warning::The action's private directory was not removed: .*someone-elses/);
  });
});
