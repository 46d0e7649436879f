/** The plan as JSON for the `plan` output and the log: flags redacted, secrets never included. */
import { redactCacheSpec } from '../cache/spec.js';
import type { Plan } from '../plan/plan.js';

export function planJson(plan: Plan): string {
  const { secrets: _secrets, export: exp, import: imp, ...rest } = plan;
  return JSON.stringify({
    ...rest,
    export: exp ? redactCacheSpec(exp) : null,
    import: imp ? redactCacheSpec(imp) : null
  });
}
