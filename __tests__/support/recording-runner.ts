/**
 * A `Runner` (src/io/runner.ts) that writes nothing outside the test: what the step logs, the file commands it
 * writes and its exit code are kept in `record`, in the form the runner would read them (the log as one text,
 * each file as its text), so that a test asserts on the same bytes the bundle writes.
 */
import { Runner, type RunnerFile, type RunnerSink } from '../../src/io/runner.js';

export interface Recording {
  /** Everything the step wrote to its log (stdout). */
  stdout: string;
  /** Each file command's file as written (`OUTPUT` for GITHUB_OUTPUT, …, `STEP_SUMMARY`). */
  files: Record<RunnerFile, string>;
  /** 1 once the step failed (setFailed), as process.exitCode would be. */
  exitCode?: number;
}

/**
 * A recording runner over `env` (its inputs and state). `noSummary`: the runner offers no job summary, as when
 * GITHUB_STEP_SUMMARY is unset.
 */
export function recordingRunner(env: NodeJS.ProcessEnv = {}, options: { noSummary?: boolean } = {}) {
  const record: Recording = { stdout: '', files: { OUTPUT: '', STATE: '', ENV: '', PATH: '', STEP_SUMMARY: '' } };
  const sink: RunnerSink = {
    write: (text) => void (record.stdout += text),
    append: (file, text) => void (record.files[file] += text),
    appendSummary: async (markdown) => {
      if (options.noSummary) throw new Error('GITHUB_STEP_SUMMARY is not set: this runner offers no job summary');
      record.files.STEP_SUMMARY += markdown;
    },
    hasSummary: () => !options.noSummary,
    fail: () => void (record.exitCode = 1)
  };
  return { out: new Runner(env, sink), record };
}
