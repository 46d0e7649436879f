/** cache-mode: an explicit mode is respected; auto is max on pushes to the default branch and min elsewhere. */
import type { Auto, Mode } from '../inputs/inputs.js';
import type { Runtime } from '../runtime/runtime.js';
import type { Decision } from './plan.js';

export function decideMode(requested: Auto<Mode>, rt: Runtime): { mode: Mode; decision: Decision } {
  if (requested !== 'auto')
    return { mode: requested, decision: { topic: 'mode', outcome: requested, reason: 'cache-mode is set' } };
  const onDefault = rt.defaultBranch !== undefined && rt.ref === `refs/heads/${rt.defaultBranch}`;
  if (rt.event === 'push' && onDefault)
    return {
      mode: 'max',
      decision: {
        topic: 'mode',
        outcome: 'max',
        reason: `push to the default branch ${rt.defaultBranch}: every intermediate step is worth keeping`
      }
    };
  const where = rt.event ? `${rt.event} on ${rt.ref || 'an unknown ref'}` : 'not a push to the default branch';
  return {
    mode: 'min',
    decision: {
      topic: 'mode',
      outcome: 'min',
      reason: `${where}: only the final layers are exported, to spare the cache budget`
    }
  };
}
