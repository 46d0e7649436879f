/** Checks which import candidates exist (registry HEAD, S3 HEAD) and lets the planner choose. */
import { parseGoBool } from '../cache/values.js';
import type { Plan } from '../plan/plan.js';
import { chooseImportEntry } from '../plan/planner.js';
import { registryManifestExists, type Probe } from '../shell/registry.js';
import { s3ManifestExists } from '../shell/s3.js';

export async function resolveImportEntry(plan: Plan, env: NodeJS.ProcessEnv): Promise<Plan> {
  if (!plan.importCandidates) return plan;
  if (plan.dryRun) return chooseImportEntry(plan, plan.importCandidates.map(() => undefined), 'dry run: nothing is contacted');
  const probes: Probe[] = await Promise.all(
    plan.importCandidates.map(({ spec }) =>
      spec.type === 'registry'
        ? registryManifestExists(spec.attrs.get('ref')!, parseGoBool(spec.attrs.get('registry.insecure') ?? 'false') === true, env)
        : s3ManifestExists(spec, env)
    )
  );
  const why = probes.find((p) => p.exists === undefined)?.why;
  return chooseImportEntry(
    plan,
    probes.map((p) => p.exists),
    why
  );
}
