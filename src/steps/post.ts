/**
 * The post step: always runs, also after a failed main step. Stops what main started, shows buildkitd's log
 * when the build failed, removes the envd context and the private directory. Never fails the job itself.
 *
 * It loads only what its path needs: the runner's protocol (io/runner.ts, small), the builder and envd; the
 * local cache save (with @actions/cache) only when there is one.
 */
import { type BuilderHandle, builderLogTail, releaseShared, stopBuilder } from '../io/buildkit/builder.js';
import { homeOf, workspaceOf } from '../io/dirs.js';
import { Envd } from '../io/envd.js';
import type { LocalSave } from '../io/local/local-cache.js';
import { releaseDir, surroundingsOf } from '../io/local/owned-dirs.js';
import { StateKey, type StateStore } from '../state.js';
import { inStep, type StepContext } from './context.js';
import type { Runner } from '../io/runner.js';

/** The effects post has on the builder and envd; `realPostIo` is the real one, tests pass fakes. */
export interface PostIo {
  builderLogTail: (h: BuilderHandle) => string;
  /** `env`: the step's (sudo and docker are looked up on its PATH). */
  stopBuilder: (h: BuilderHandle, env: NodeJS.ProcessEnv) => Promise<void>;
  /** A problem to warn about, or undefined. */
  releaseShared: (h: BuilderHandle, env: NodeJS.ProcessEnv) => Promise<string | undefined>;
  /** A problem to warn about, or undefined. */
  removeContext: (envdBinary: string, env: NodeJS.ProcessEnv, context: string) => Promise<string | undefined>;
}

export const realPostIo: PostIo = {
  builderLogTail: (h) => builderLogTail(h),
  stopBuilder: (h, env) => stopBuilder(h, env),
  releaseShared: (h, env) => releaseShared(h, env),
  removeContext: (binary, env, context) => new Envd(binary, env).removeContext(context)
};

/** What post reads and acts on besides its context; built in `src/index.ts`. */
export interface PostDeps {
  /** The state main saved (STATE_<key> in the runner's environment). */
  state: Pick<StateStore, 'get'>;
  io: PostIo;
}

export function post(ctx: StepContext, deps: PostDeps): Promise<void> {
  return inStep(ctx, () => postStep(ctx, deps));
}

async function postStep({ env: stepEnv, out }: StepContext, { state, io }: PostDeps): Promise<void> {
  const getState = (name: StateKey) => state.get(name);
  const jsonState = <T>(name: StateKey, consequence: string) => savedJson<T>(out, getState(name), name, consequence);
  const builder = jsonState<BuilderHandle>(StateKey.Builder, 'buildkitd is not stopped by this step');
  const failed = getState(StateKey.BuildFailed) === 'true';

  if (builder && failed) {
    const log = io.builderLogTail(builder);
    if (log) {
      // buildkitd's log quotes what the build did: fenced, so no line of it can issue a workflow command.
      await out.group('buildkitd log (the build failed)', () =>
        out.fenced(async (fence) => log.split('\n').forEach((l) => fence.line(l)))
      );
    }
  }
  const context = getState(StateKey.Context);
  const envdBinary = getState(StateKey.EnvdBinary);
  // The envd context is a file of envd's (ContextRemove edits its contexts file, pkg/home/context.go:120-132 at
  // v1.3.4; it never calls the builder), so it and the daemon are undone at once, reported in the same order as always.
  const stopping =
    builder && !builder.reused && builder.kind !== 'address' ? io.stopBuilder(builder, stepEnv) : undefined;
  if (context && envdBinary) {
    const env = { ...stepEnv, PATH: getState(StateKey.EnvdPath) || stepEnv.PATH, ENVD_ANALYTICS: 'false' };
    const problem = await io.removeContext(envdBinary, env, context);
    if (problem) out.warning(problem);
    else out.info(`Removed envd context ${context}`);
  }
  if (builder?.reused) {
    // Post steps run in reverse order: the call that started it runs its post step after this one.
    out.info(`Left buildkitd (pid ${builder.pid}) running for the call that started it; its post step stops it`);
  } else if (builder && stopping) {
    await stopping;
    out.info(builder.container ? `Removed container ${builder.container}` : `Stopped buildkitd (pid ${builder.pid})`);
    const problem = await io.releaseShared(builder, stepEnv);
    if (problem) out.warning(problem);
  }
  const localSave = jsonState<LocalSave>(StateKey.LocalSave, 'the local cache is not saved');
  if (localSave) {
    const { saveLocal } = await import('../io/local/local-cache.js');
    await out.group('Save the local cache', () => saveLocal(out, localSave));
  }
  const dir = getState(StateKey.WorkDir);
  if (dir) {
    // Only the private directory main created and marked: never a path state could point elsewhere.
    const kept = releaseDir(dir, surroundingsOf(workspaceOf(stepEnv), homeOf(stepEnv)));
    if (kept) out.warning(`The action's private directory was not removed: ${kept}`);
  }
}

/**
 * A record main saved as JSON. The runner hands it back as it was written, so text that does not parse is a
 * defect: post says what it cannot do and carries on with the rest of its clean-up instead of stopping there.
 */
function savedJson<T>(out: Runner, text: string, name: StateKey, consequence: string): T | undefined {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    out.warning(`The state main saved as ${name} is not JSON (${text.length} characters): ${consequence}`);
    return undefined;
  }
}
