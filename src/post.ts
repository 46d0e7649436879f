/**
 * The post step: always runs, also after a failed main step. Stops what main started, shows buildkitd's log
 * when the build failed, removes the envd context and the private directory. Never fails the job itself.
 */
import * as core from '@actions/core';
import * as fs from 'node:fs';
import { type BuilderHandle, builderLogTail, releaseShared, stopBuilder } from './builder/builder.js';
import { Envd } from './envd/envd.js';
import type { LocalSave } from './local/local-cache.js';
import { State } from './state.js';

export async function post(): Promise<void> {
  const builderState = core.getState(State.Builder);
  const builder = builderState ? (JSON.parse(builderState) as BuilderHandle) : undefined;
  const failed = core.getState(State.BuildFailed) === 'true';

  if (builder && failed) {
    const log = builderLogTail(builder);
    if (log) await core.group('buildkitd log (the build failed)', async () => core.info(log));
  }
  const context = core.getState(State.Context);
  const envdBinary = core.getState(State.EnvdBinary);
  if (context && envdBinary) {
    const env = { ...process.env, PATH: core.getState(State.EnvdPath) || process.env.PATH, ENVD_ANALYTICS: 'false' };
    const problem = await new Envd(envdBinary, env).removeContext(context);
    if (problem) core.warning(problem);
    else core.info(`Removed envd context ${context}`);
  }
  if (builder?.reused) {
    // Post steps run in reverse order: the call that started it runs its post step after this one.
    core.info(`Left buildkitd (pid ${builder.pid}) running for the call that started it; its post step stops it`);
  } else if (builder && builder.kind !== 'address') {
    await stopBuilder(builder);
    core.info(builder.container ? `Removed container ${builder.container}` : `Stopped buildkitd (pid ${builder.pid})`);
    const problem = await releaseShared(builder);
    if (problem) core.warning(problem);
  }
  const localSave = core.getState(State.LocalSave);
  if (localSave) {
    const { saveLocal } = await import('./local/local-cache.js');
    await core.group('Save the local cache', () => saveLocal(JSON.parse(localSave) as LocalSave));
  }
  const dir = core.getState(State.WorkDir);
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}
