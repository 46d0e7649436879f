/** Keys of the state saved by the main step for the post step (read back as STATE_<key>). */
export enum StateKey {
  IsPost = 'isPost',
  /** JSON of the BuilderHandle the main step started. */
  Builder = 'builder',
  EnvdBinary = 'envdBinary',
  EnvdPath = 'envdPath',
  Context = 'context',
  WorkDir = 'workDir',
  BuildFailed = 'buildFailed',
  /** JSON of the local cache to swap in and save (cache: local, after a successful export). */
  LocalSave = 'localSave'
}

/**
 * Where main saves state for post and post reads it back. The real store is built in `src/index.ts`
 * (io/runner.ts saveState for main; the STATE_<key> environment for post, without loading @actions/core); tests pass a map.
 */
export interface StateStore {
  get(name: StateKey): string;
  save(name: StateKey, value: string): void;
}

/** The state the runner hands the post step: STATE_<key> in its environment (what core.getState reads). */
export function stateFromEnv(env: NodeJS.ProcessEnv): Pick<StateStore, 'get'> {
  return { get: (name) => env[`STATE_${name}`] || '' };
}
