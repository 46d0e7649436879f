/**
 * A logger for lines that carry values from outside (cache keys from the GitHub cache, which any pull
 * request run can write; refs; error texts): each line is echoed, so it cannot start a workflow command.
 * (A tool's whole output is fenced instead: `Runner.fenced`, io/runner.ts.)
 */
import type { Runner } from './runner.js';
import { echo, MAX_SENTENCE } from '../text/text.js';

export const safeLog = (out: Pick<Runner, 'info' | 'debug'>) => ({
  info: (message: string) => out.info(echo(message, MAX_SENTENCE)),
  debug: (message: string) => out.debug(echo(message, MAX_SENTENCE))
});
