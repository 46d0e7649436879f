/** What a cancelled main step writes: one line and the job summary (issue 21 item 4). Pure. */
import { code, echo } from '../text/text.js';

export interface Cancellation {
  signal: string;
  /** Seconds since main started. */
  seconds: number;
  /** The log group that was open, undefined before the first one. */
  during?: string;
}

const duringText = (c: Cancellation) => (c.during ? echo(c.during) : 'the start (inputs, budget, plan)');

export function cancelledLine(c: Cancellation): string {
  return `Cancelled (${c.signal}) after ${c.seconds} s, during ${duringText(c)}: envd and every tool this step ran were stopped; the post step stops buildkitd and removes what main made.`;
}

export function cancelledSummary(c: Cancellation): string {
  return [
    '### envd build: cancelled',
    '',
    `Cancelled after ${c.seconds} s, during ${code(duringText(c))} (${c.signal}). envd was stopped as Ctrl-C would stop it, which ends its build in buildkitd; nothing was built or exported after that. The post step stops buildkitd.`,
    ''
  ].join('\n');
}
