import { expect, test } from '@jest/globals';
import { cancelledLine, cancelledSummary } from '../../src/report/cancel.js';

test('the line and the summary say how long, during which step, and what was stopped', () => {
  const c = { signal: 'SIGINT', seconds: 42, during: 'envd build' };
  expect(cancelledLine(c)).toBe(
    'Cancelled (SIGINT) after 42 s, during envd build: envd and every tool this step ran were stopped; the post step stops buildkitd and removes what main made.'
  );
  expect(cancelledSummary(c)).toContain('Cancelled after 42 s, during `envd build` (SIGINT).');
  expect(cancelledLine({ signal: 'SIGTERM', seconds: 1 })).toContain('during the start (inputs, budget, plan)');
});

test('a step name is echoed, never a workflow command', () => {
  expect(cancelledLine({ signal: 'SIGINT', seconds: 1, during: '::error::x\nnext' })).not.toMatch(/\n|^::/);
});
