/**
 * Entry of the bundle, for both phases: the runner calls it as main, then again as post. Each phase is a
 * chunk of its own, loaded here on demand, so that post does not load (parse, evaluate) what only main needs;
 * post's usual path does not load @actions/core at all (see post.ts).
 */
import { State, stateFromEnv } from './state.js';

async function run(): Promise<void> {
  // What core.getState reads; read directly, so that this entry loads nothing before it knows the phase.
  const isPost = process.env[`STATE_${State.IsPost}`] === 'true';
  try {
    if (isPost) {
      const { post, realPostIo } = await import('./steps/post.js');
      await post({ env: process.env, state: stateFromEnv(process.env), io: realPostIo });
    } else {
      const [core, { main }] = await Promise.all([import('@actions/core'), import('./steps/main.js')]);
      core.saveState(State.IsPost, 'true');
      await main({ env: process.env, input: (name) => core.getInput(name), state: { get: (name) => core.getState(name), save: (name, value) => core.saveState(name, value) } });
    }
  } catch (error) {
    const core = await import('@actions/core');
    // One line for the author; the stack only in debug logs.
    const e = error instanceof Error ? error : new Error(String(error));
    core.debug(e.stack ?? e.message);
    core.setFailed(e.message);
  }
}

await run();
