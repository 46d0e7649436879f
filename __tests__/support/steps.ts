/**
 * main and post from source, as `src/index.ts` runs them but without a global: each step gets a context of its
 * own (steps/context.ts) over the job's environment, with a recording runner (what it logs, outputs, state
 * files and summary, its exit code in `record`), and a state store in memory carries what main saved to post.
 */
import type { StateKey, StateStore } from '../../src/state.js';
import { stepContext, type StepContext } from '../../src/steps/context.js';
import { recordingRunner } from './recording-runner.js';

/** A state store that keeps what main saves, for post. */
export function memoryState() {
  const saved = new Map<StateKey, string>();
  const store: StateStore = {
    get: (name) => saved.get(name) ?? '',
    save: (name, value) => void saved.set(name, value)
  };
  return { store, saved };
}

/** A step's context over `env` with a recording runner; `record` is what the step wrote. */
export function recordingStep(env: NodeJS.ProcessEnv, options: Parameters<typeof recordingRunner>[1] = {}) {
  const { out, record } = recordingRunner(env, options);
  return { ctx: stepContext(env, out), record };
}

/** What main is handed besides its context, as index.ts hands it: the inputs read from the context's env. */
export const mainDeps = (ctx: StepContext, state: StateStore) => ({
  input: (name: string) => ctx.out.getInput(name),
  state
});
