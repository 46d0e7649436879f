/** Inputs + Runtime → Plan. Pure: every decision is recorded with its reason. */
import type { CacheType, Direction } from '../backends/attributes.js';
import { type CacheSpec, isBackend, secretsOf, validateCacheSpec } from '../backends/spec.js';
import { fleetDecision } from '../fleet/rank.js';
import type { Inputs, Mode } from '../inputs/inputs.js';
import { defaultBranchRef, type Runtime } from '../runtime/runtime.js';
import { legIdentity, modeForBudget, type ModeFacts } from '../budget/budget.js';
import { echo } from '../text/text.js';
import { type Access, decideAccess } from './access.js';
import { BACKEND_NAMES, backendOf, backendOfType } from '../backends/index.js';
import { computedExport, computedImport, type FlagContext, sharedLocations } from './flags.js';
import { chooseImport, type Existence } from '../backends/location.js';
import { decideMode } from './mode.js';
import { planMounts } from './mounts.js';
import type { Decision, Plan } from './plan.js';
import { autoScope, platformOf } from '../cache/scope.js';

const FLAG: Record<Direction, string> = { export: '--export-cache', import: '--import-cache' };

/** What the shell read about the GitHub cache budget before planning (usage unknown: undefined). */
export type BudgetFacts = ModeFacts;

export interface PlanOptions {
  /** The clock for the token's expiry (seconds); tests pass it in. */
  nowSeconds?: number;
  /** What the shell read about the GitHub cache budget, when it did. */
  budget?: BudgetFacts;
}

export function plan(
  inputs: Inputs,
  rt: Runtime,
  { nowSeconds = Math.floor(Date.now() / 1000), budget }: PlanOptions = {}
): Plan {
  const p = planSkeleton(inputs, rt);
  // A broken event file stops the run before anything is decided from it (or contacted for it).
  if (rt.problems.length) {
    p.problems.push(...rt.problems);
    return withSecrets(p, inputs);
  }
  if (inputs.command === 'prune') {
    p.decisions.push({ topic: 'command', outcome: 'prune', reason: 'no build: reclaim GitHub cache entries' });
    return withSecrets(p, inputs);
  }
  // A backend with no store (none) gives BuildKit no cache type.
  if (!isBackend(inputs.cache)) {
    p.decisions.push({
      topic: 'cache',
      outcome: inputs.cache,
      reason: `cache is ${inputs.cache}: envd builds without remote cache`
    });
    return withSecrets(p, inputs);
  }
  const backend = inputs.cache;
  const { mode, decision } = modeFor({ backend, inputs, rt, scope: p.scope, budget });
  p.mode = mode;
  p.decisions.push(decision);
  const ctx: FlagContext = { inputs, rt, scope: p.scope, mode };

  const access = decideAccess(backend, inputs.cacheWrite, rt, nowSeconds);
  p.decisions.push(...access.decisions);
  p.warnings.push(...access.warnings);
  p.problems.push(...access.problems);
  if (access.optedIn) p.warnings.push(optInWarning(backend, access, ctx));
  if (backendOf(backend).store === 'github-cache') p.access = { readable: access.readable, writable: access.writable };

  const chosen = chooseSpecs(p, backend, access, ctx);
  const [exportSpec, importSpec] = fillFromRunner(p, rt, [chosen.exportSpec, chosen.importSpec]);
  if (exportSpec) checkSpec(p, 'export', exportSpec, inputs);
  if (importSpec) checkSpec(p, 'import', importSpec, inputs);

  p.export = exportSpec;
  p.import = importSpec;
  const { mounts, decision: mountsDecision } = planMounts(inputs, p, ctx);
  p.mounts = mounts;
  if (mountsDecision) p.decisions.push(mountsDecision);
  return withSecrets(p, inputs);
}

/** The plan's scope, envd arguments and empty lists, before any cache decision. */
function planSkeleton(inputs: Inputs, rt: Runtime): Plan {
  const from = `${inputs.from.file}:${inputs.from.func}`;
  const platform = platformOf(inputs.platform, rt);
  const scope =
    inputs.cacheScope ?? autoScope({ matrix: inputs.matrix, platform: platform.scope, path: inputs.path, from });
  return {
    command: inputs.command,
    dryRun: inputs.dryRun,
    backend: inputs.cache,
    scope,
    mode: undefined,
    decisions: [
      {
        topic: 'scope',
        outcome: scope,
        reason: inputs.cacheScope
          ? `cache-scope is set (the build's platform: ${platform.why})`
          : `derived from what is built: path/from, platform (${platform.why}) and matrix entry, not from the workflow or job; the same on every branch, in every workflow`
      },
      ...(inputs.builder.kind === 'address' ? [fleetDecision(scope, inputs.builder.addresses)] : [])
    ],
    warnings: [],
    problems: [],
    secrets: [],
    envd: { path: inputs.path, from, output: inputs.output?.raw, platform: platform.envd }
  };
}

/** cache-mode: inline is always min; otherwise the input or the trigger's default, lowered near the budget. */
function modeFor({
  backend,
  inputs,
  rt,
  scope,
  budget
}: {
  backend: CacheType;
  inputs: Inputs;
  rt: Runtime;
  scope: string;
  budget?: BudgetFacts;
}): {
  mode: Mode;
  decision: Decision;
} {
  const fixed = backendOf(backend).fixedMode;
  if (fixed) return { mode: fixed.mode, decision: { topic: 'mode', outcome: fixed.mode, reason: fixed.reason } };
  const { mode, decision } = decideMode(inputs.cacheMode, rt);
  // The budget only concerns entries in the GitHub cache (gha, and local through @actions/cache).
  const lowered =
    budget && backendOf(backend).savedInGithubCache
      ? modeForBudget(inputs.cacheMode, mode, budget, legIdentity(scope, inputs))
      : { mode };
  // Kept as decided: why, then what the budget estimate said about it.
  return {
    mode: lowered.mode,
    decision:
      lowered.decision && lowered.mode === mode
        ? { ...decision, reason: `${decision.reason}; ${lowered.decision.reason}` }
        : (lowered.decision ?? decision)
  };
}

/** The export and import values the access allows: raw or computed, local's served import, shared candidates. */
function chooseSpecs(
  p: Plan,
  backend: CacheType,
  access: Access,
  ctx: FlagContext
): { exportSpec?: CacheSpec; importSpec?: CacheSpec } {
  const { inputs, scope } = ctx;
  // The raw values are copied: the plan adds ignore-error and credentials to its own values, never to the inputs.
  const exportSpec = access.export ? (copySpec(inputs.exportCache) ?? computedExport(backend, ctx)) : undefined;
  let importSpec = access.import ? (copySpec(inputs.importCache) ?? computedImport(backend, ctx)) : undefined;
  const dir = backendOf(backend).runnerDir?.(ctx);
  if (dir !== undefined && !inputs.exportCache && !inputs.importCache) {
    p.local = { dir, exportDir: `${dir}.new`, keyPrefix: `envd-local-${scope}-` };
    if (importSpec) {
      importSpec = undefined;
      p.decisions.push({
        topic: 'import',
        outcome: 'served registry',
        reason:
          'envd cannot import type=local (envd #1391): the restored directory is served read-only on 127.0.0.1 and imported as type=registry when the build starts'
      });
    }
  }
  const shared = sharedLocations(backend, ctx);
  if (shared && exportSpec && !inputs.exportCache)
    p.decisions.push({
      topic: 'cache entry',
      outcome: shared.write.name,
      reason: `written by ${shared.write.owner}${shared.write === shared.reads[shared.reads.length - 1] ? '' : "; the default branch's entry is never overwritten from here"}`
    });
  if (shared && importSpec && !inputs.importCache && shared.reads.length > 1)
    p.importCandidates = shared.reads.map((c) => ({
      owner: c.owner,
      name: c.name,
      spec: computedImport(backend, ctx, c)
    }));
  // Export entries carry ignore-error=true unless the author set it: a cache outage never fails a build.
  // (An exporter that reads no ignore-error, BuildKit's inline one, gets none.)
  if (exportSpec && backendOfType(exportSpec.type)?.attributes['ignore-error'] && !exportSpec.attrs.has('ignore-error'))
    exportSpec.attrs.set('ignore-error', 'true');
  return { exportSpec, importSpec };
}

/** Records where one value came from and validates it; what the backend fills or asks for itself is said once, in its words. */
function checkSpec(p: Plan, direction: Direction, spec: CacheSpec, inputs: Inputs): void {
  const backend = inputs.cache;
  const readBack = backendOf(backend).readBack;
  p.decisions.push({
    topic: direction,
    outcome: spec.type,
    reason: (direction === 'export' ? inputs.exportCache : inputs.importCache)
      ? `${direction}-cache is set and replaces the computed value`
      : readBack && direction === 'import'
        ? readBack.reason
        : `cache: ${backend}`
  });
  const own = backendOfType(spec.type);
  const filled = (own?.filledByAction ?? []).map((key) => new RegExp(`\\bneeds ${key}\\b`));
  for (const problem of validateCacheSpec(spec, direction, { complete: true }))
    if (!filled.some((re) => re.test(problem))) p.problems.push(`${FLAG[direction]}: ${problem}`);
  if (own?.missingMessage)
    for (const key of own.required[direction]) {
      const message = own.missingMessage(key);
      if (!spec.attrs.has(key) && !p.problems.includes(message)) p.problems.push(message);
    }
}

/** cache-write: true on an untrusted trigger: allowed for the base repository's own code, and logged with whose cache it writes. */
function optInWarning(backend: CacheType, access: Access, ctx: FlagContext): string {
  const { inputs, rt } = ctx;
  const refName = (ref: string) =>
    ref === defaultBranchRef(rt) ? `the default branch ${rt.defaultBranch}'s (${ref})` : ref;
  const shared = () => {
    const w = sharedLocations(backend, ctx)!.write;
    return `${w.name}, ${w.owner}'s ${backend} entry`;
  };
  // Only a backend in the GitHub cache gets a writable ref from the token; the others write the run's own ref.
  const target = inputs.exportCache
    ? 'the entry export-cache names, exactly as given'
    : (backendOf(backend).writeTarget?.(ctx, refName(access.writable ?? rt.ref)) ?? shared());
  // The target holds names from the event and the inputs: one line, controls visible.
  return `cache-write is true, so this ${echo(rt.event, 60)} run exports although ${access.optedIn}: it writes ${echo(target, 300)}. Only opt in where the build never runs code or text from outside the repository`;
}

/** Adds what a backend takes from the runner (gha: the runtime token and endpoint) to its values, and says where it came from. */
function fillFromRunner(p: Plan, rt: Runtime, specs: (CacheSpec | undefined)[]): (CacheSpec | undefined)[] {
  let out = specs;
  for (const name of BACKEND_NAMES) {
    const fromRunner = backendOf(name).fromRunner;
    const mine = out.filter((s): s is CacheSpec => s?.type === name);
    if (!fromRunner || !mine.length) continue;
    const fill = fromRunner(
      rt,
      mine.map((s) => s.attrs)
    );
    let next = 0;
    out = out.map((s) => (s?.type === name ? { type: s.type, attrs: fill.values[next++] } : s));
    p.decisions.push({ topic: 'credentials', ...fill.decision });
    if (fill.warning) p.warnings.push(fill.warning);
    if (fill.missing === undefined) continue;
    if (p.dryRun)
      p.warnings.push(
        `${fill.missing}. This is a dry run, so the plan goes on without them; a real run would stop here`
      );
    else p.problems.push(fill.missing);
  }
  return out;
}

/** Picks the import among the candidates from what exists (true/false/unknown per candidate). Pure. */
export function chooseImportEntry(p: Plan, exists: Existence[], why?: string): Plan {
  if (!p.importCandidates || !p.import) return p;
  const { choice, reason } = chooseImport(p.importCandidates, exists, why);
  const chosen = p.importCandidates.find((c) => c.name === choice.name)!;
  const decisions = p.decisions.filter((d) => !(d.topic === 'import entry'));
  decisions.push({ topic: 'import entry', outcome: chosen.name, reason });
  return { ...p, import: chosen.spec, decisions };
}

const copySpec = (spec: CacheSpec | undefined): CacheSpec | undefined =>
  spec && { type: spec.type, attrs: new Map(spec.attrs) };

function withSecrets(p: Plan, inputs: Inputs): Plan {
  const secrets = new Set<string>();
  if (inputs.githubToken) secrets.add(inputs.githubToken);
  for (const spec of [p.export, p.import]) if (spec) for (const s of secretsOf(spec)) secrets.add(s);
  p.secrets = [...secrets];
  return p;
}
