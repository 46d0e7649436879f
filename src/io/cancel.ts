/**
 * The main step's answer to cancellation. The runner sends a cancelled step (a cancelled run, `timeout-minutes`)
 * SIGINT, then SIGTERM 7.5 s later and SIGKILL 2.5 s after that, to the step's own process only
 * (actions/runner src/Runner.Sdk/ProcessInvoker.cs, `_sigintTimeout`, `_sigtermTimeout`). Without a handler Node
 * ends at once and envd, a child in its own right, goes on building. Here: every child the step ran is stopped as
 * Ctrl-C would (Children.stopAll), the open fenced block is ended, one line and the job summary are written, and the
 * process exits, well inside the 7.5 s.
 */
import type { Runner } from './runner.js';
import type { Children } from './exec.js';
import type { Cancellation } from '../report/cancel.js';

/** The latest the process exits after the signal, whatever is still running (post stops buildkitd). */
const HARD_EXIT_MS = 7000;

export interface CancelReport {
  line: (c: Cancellation) => string;
  summary: (c: Cancellation) => string;
}

/** What the handler acts on: the step's runner protocol and the children it started (its context's). */
export interface Cancellable {
  out: Runner;
  children: Children;
}

export function onCancel({ out, children }: Cancellable, report: CancelReport, startedAt = Date.now()): void {
  let cancelling = false;
  const handle = (signal: NodeJS.Signals) => {
    if (cancelling) return;
    cancelling = true;
    setTimeout(() => process.exit(1), HARD_EXIT_MS).unref();
    const c: Cancellation = {
      signal,
      seconds: Math.round((Date.now() - startedAt) / 1000),
      during: out.currentGroup()
    };
    const stopped = children.stopAll();
    out.resumeFences();
    out.setFailed(report.line(c));
    void stopped
      .then(() => (out.hasSummary() ? out.appendSummary(report.summary(c)) : undefined))
      .catch(() => undefined)
      .finally(() => process.exit(1));
  };
  process.on('SIGINT', () => handle('SIGINT'));
  process.on('SIGTERM', () => handle('SIGTERM'));
}
