/**
 * Reads the event file the runner names in GITHUB_EVENT_PATH. Thin: it returns the text, or in plain words
 * what kept the file from being read; `readRuntime` parses it and turns either into the run's problem.
 * Unset (a local run) means no payload at all.
 */
import * as fs from 'node:fs';
import type { EventFile } from '../runtime/runtime.js';

export function readEventFile(eventPath: string | undefined): EventFile | undefined {
  if (!eventPath) return undefined;
  let stat: fs.Stats;
  try {
    stat = fs.statSync(eventPath);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { problem: code === 'ENOENT' ? 'no such file' : `the file cannot be read (${code ?? 'unknown error'})` };
  }
  if (stat.isDirectory()) return { problem: 'it is a directory, not a file' };
  if (!stat.isFile()) return { problem: 'it is not a regular file' };
  try {
    return fs.readFileSync(eventPath, 'utf8');
  } catch (e) {
    return { problem: `the file cannot be read (${(e as NodeJS.ErrnoException).code ?? 'unknown error'})` };
  }
}
