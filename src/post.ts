/** The post step: always runs, also after a failed main step. The main step starts nothing yet, so nothing is stopped. */
import * as core from '@actions/core';

export async function post(): Promise<void> {
  core.debug('post: nothing was started by the main step');
}
