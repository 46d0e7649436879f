/**
 * Entry of the bundle, for both phases: the runner calls it as main, then again as post. Each phase is a
 * chunk of its own, loaded here on demand, so that post does not load (parse, evaluate) what only main needs.
 * The runner's protocol is our own small module (io/runner.ts), not @actions/core and its HTTP client.
 * The step's context (steps/context.ts) is made here, once, and handed to the step.
 */
import { StateKey, stateFromEnv } from './state.js';
import { stepContext } from './steps/context.js';

async function run(): Promise<void> {
  const ctx = stepContext(process.env);
  const { out } = ctx;
  const isPost = out.getState(StateKey.IsPost) === 'true';
  try {
    if (isPost) {
      const { post, realPostIo } = await import('./steps/post.js');
      await post(ctx, { state: stateFromEnv(ctx.env), io: realPostIo });
    } else {
      // Before anything starts: a cancelled main stops what it ran and says so (io/cancel.ts).
      const [{ main }, { onCancel }, { cancelledLine, cancelledSummary }] = await Promise.all([
        import('./steps/main.js'),
        import('./io/cancel.js'),
        import('./report/cancel.js')
      ]);
      onCancel(ctx, { line: cancelledLine, summary: cancelledSummary });
      out.saveState(StateKey.IsPost, 'true');
      await main(ctx, {
        input: (name) => out.getInput(name),
        state: { get: (name) => out.getState(name), save: (name, value) => out.saveState(name, value) }
      });
    }
  } catch (error) {
    // One line for the author; the stack only in debug logs.
    const e = error instanceof Error ? error : new Error(String(error));
    out.debug(e.stack ?? e.message);
    out.setFailed(e.message);
  }
}

await run();
