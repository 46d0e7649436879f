/** Checks which import candidates exist (each backend's probe: registry HEAD, S3 HEAD) and lets the planner choose. */
import { backendOfType, type ProbeKind } from '../backends/index.js';
import type { CacheSpec } from '../backends/spec.js';
import { parseGoBool } from '../cache/values.js';
import type { Plan } from '../plan/plan.js';
import { chooseImportEntry } from '../plan/planner.js';
import { echo } from '../text/text.js';
import { type Probe, type RegistryCaller, registryManifestExists } from '../io/registry.js';
import { s3ManifestExists } from '../io/s3.js';
import type { StepContext } from './context.js';

/** The shell's side of each probe a backend can describe. */
const PROBES: Record<ProbeKind, (spec: CacheSpec, caller: RegistryCaller) => Promise<Probe>> = {
  'registry-manifest': (spec, caller) =>
    registryManifestExists(
      spec.attrs.get('ref')!,
      parseGoBool(spec.attrs.get('registry.insecure') ?? 'false') === true,
      caller
    ),
  's3-manifest': (spec, { env }) => s3ManifestExists(spec, env)
};

function probe(spec: CacheSpec, caller: RegistryCaller): Promise<Probe> {
  const kind = backendOfType(spec.type)?.probe;
  if (!kind) return Promise.resolve({ why: `the ${echo(spec.type)} backend has no existence probe` });
  return PROBES[kind](spec, caller);
}

export async function resolveImportEntry(
  { env, deadlines, out }: Pick<StepContext, 'env' | 'deadlines' | 'out'>,
  plan: Plan
): Promise<Plan> {
  if (!plan.importCandidates) return plan;
  if (plan.dryRun)
    return chooseImportEntry(
      plan,
      plan.importCandidates.map(() => undefined),
      'dry run: nothing is contacted'
    );
  const candidates = plan.importCandidates;
  const caller = { env, mask: (secret: string) => out.setSecret(secret) };
  const probes: Probe[] = await deadlines.withinPhase('probes', () =>
    Promise.all(candidates.map(({ spec }) => probe(spec, caller)))
  );
  const why = probes.find((p) => p.exists === undefined)?.why;
  return chooseImportEntry(
    plan,
    probes.map((p) => p.exists),
    why
  );
}
