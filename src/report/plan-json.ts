/** The plan as JSON for the `plan` output and the log: flags redacted, secrets never included. */
import { redactKnown, redactText } from '../cache/redact.js';
import { redactCacheSpec } from '../backends/spec.js';
import type { Plan } from '../plan/plan.js';

export function planJson(plan: Plan): string {
  const { secrets, export: exp, import: imp, ...rest } = plan;
  // Every other string (decisions, warnings, the envd output, candidates) may quote an input value.
  const clean = (s: string) => redactKnown(redactText(s), secrets);
  const body = JSON.parse(JSON.stringify(rest), (_key, value: unknown) =>
    typeof value === 'string' ? clean(value) : value
  ) as object;
  return JSON.stringify({
    ...body,
    export: exp ? redactCacheSpec(exp) : null,
    import: imp ? redactCacheSpec(imp) : null
  });
}
