/** Entry of the bundle, for both phases: the runner calls it as main, then again as post. */
import * as core from '@actions/core';
import { main } from './main.js';
import { post } from './post.js';
import { State } from './state.js';

async function run(): Promise<void> {
  const isPost = core.getState(State.IsPost) === 'true';
  try {
    if (isPost) await post();
    else {
      core.saveState(State.IsPost, 'true');
      await main();
    }
  } catch (error) {
    // One line for the author; the stack only in debug logs.
    const e = error instanceof Error ? error : new Error(String(error));
    core.debug(e.stack ?? e.message);
    core.setFailed(e.message);
  }
}

await run();
