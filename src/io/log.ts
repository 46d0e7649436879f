/**
 * Output of a tool, streamed into the step's log without letting it issue workflow commands. The runner
 * stops reading `::command::` lines after `::stop-commands::<token>` and starts again at `::<token>::`; the
 * token is random, so the tool cannot end the block itself. The action writes nothing else inside the block
 * (an annotation there would be inert too), and always resumes, also when the tool throws.
 */
import * as core from './runner.js';
import { randomBytes } from 'node:crypto';
import { echo, MAX_SENTENCE } from '../text/text.js';

/** A token the runner accepts: not a command name, not guessable by the tool whose output it fences. */
export function stopToken(): string {
  return `envd-cache-${randomBytes(16).toString('hex')}`;
}

export interface Fence {
  /** Writes one line of the tool's output (inside the block). */
  line(text: string): void;
}

export class Log {
  /** Where the block's lines go; a seam for tests. */
  static write: (text: string) => void = (text) => core.info(text);

  /** The tokens of the blocks open now: a cancelled step resumes them before its last line (`resumeAll`). */
  private static readonly open: string[] = [];

  static async fenced<T>(run: (fence: Fence) => Promise<T>, token = stopToken()): Promise<T> {
    Log.write(`::stop-commands::${token}`);
    Log.open.push(token);
    try {
      return await run({ line: (text) => Log.write(text) });
    } finally {
      Log.resume(token);
    }
  }

  /** Ends every open block, so that the lines after it are workflow commands again; no tool line follows. */
  static resumeAll(): void {
    for (const token of [...Log.open].reverse()) Log.resume(token);
    Log.write = () => undefined;
  }

  private static resume(token: string): void {
    const i = Log.open.indexOf(token);
    if (i < 0) return;
    Log.open.splice(i, 1);
    Log.write(`::${token}::`);
  }
}

/**
 * A logger for lines that carry values from outside (cache keys from the GitHub cache, which any pull
 * request run can write; refs; error texts): each line is echoed, so it cannot start a workflow command.
 */
export const safeLog = {
  info: (message: string) => core.info(echo(message, MAX_SENTENCE)),
  debug: (message: string) => core.debug(echo(message, MAX_SENTENCE))
};
