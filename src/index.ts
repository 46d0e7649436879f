/**
 * Entry of the bundle, for both phases: the runner calls it as main, then again as post. Each phase is a
 * chunk of its own, loaded here on demand, so that post does not load (parse, evaluate) what only main needs.
 * The runner's protocol is our own small module (io/runner.ts), not @actions/core and its HTTP client.
 */
import * as runner from './io/runner.js';
import { State, stateFromEnv } from './state.js';

async function run(): Promise<void> {
  const isPost = runner.getState(State.IsPost) === 'true';
  try {
    if (isPost) {
      const { post, realPostIo } = await import('./steps/post.js');
      await post({ env: process.env, state: stateFromEnv(process.env), io: realPostIo });
    } else {
      // Before anything starts: a cancelled main stops what it ran and says so (io/cancel.ts).
      const [{ main }, { onCancel }, { cancelledLine, cancelledSummary }] = await Promise.all([
        import('./steps/main.js'),
        import('./io/cancel.js'),
        import('./report/cancel.js')
      ]);
      onCancel({ line: cancelledLine, summary: cancelledSummary });
      runner.saveState(State.IsPost, 'true');
      await main({
        env: process.env,
        input: (name) => runner.getInput(name),
        state: { get: (name) => runner.getState(name), save: (name, value) => runner.saveState(name, value) }
      });
    }
  } catch (error) {
    // One line for the author; the stack only in debug logs.
    const e = error instanceof Error ? error : new Error(String(error));
    runner.debug(e.stack ?? e.message);
    runner.setFailed(e.message);
  }
}

await run();
