/**
 * The post step: always runs, also after a failed main step. Stops what main started, shows buildkitd's log
 * when the build failed, removes the envd context and the private directory. Never fails the job itself.
 */
import * as core from '@actions/core';
import * as os from 'node:os';
import { type BuilderHandle, builderLogTail, releaseShared, stopBuilder } from './builder/builder.js';
import { Envd } from './envd/envd.js';
import type { LocalSave } from './local/local-cache.js';
import { releaseDir, surroundingsOf } from './local/owned-dirs.js';
import { Log } from './shell/log.js';
import { State } from './state.js';

export async function post(): Promise<void> {
  const builderState = core.getState(State.Builder);
  const builder = builderState ? (JSON.parse(builderState) as BuilderHandle) : undefined;
  const failed = core.getState(State.BuildFailed) === 'true';

  if (builder && failed) {
    const log = builderLogTail(builder);
    // buildkitd's log quotes what the build did: fenced, so no line of it can issue a workflow command.
    if (log) await core.group('buildkitd log (the build failed)', () => Log.fenced(async (fence) => log.split('\n').forEach((l) => fence.line(l))));
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
  if (dir) {
    // Only the private directory main created and marked: never a path state could point elsewhere.
    const kept = releaseDir(dir, surroundingsOf(process.env.GITHUB_WORKSPACE || process.cwd(), process.env.HOME || os.homedir()));
    if (kept) core.warning(`The action's private directory was not removed: ${kept}`);
  }
}
