/** Step outputs from the plan and, after a build, its figures. Every secret is replaced by ***. */
import { redactCacheSpec } from '../backends/spec.js';
import { Output } from '../action/names.js';
import type { BudgetFigures } from '../budget/run.js';
import type { Plan } from '../plan/plan.js';
import type { ImageFacts } from './image.js';
import { planJson } from './plan-json.js';
import { type StepRow, stepsJson } from './steps.js';
import { type MountFigure, mountsJson } from '../mounts/mounts.js';

export interface BuildFigures {
  cachedSteps: number;
  totalSteps: number;
  seconds: number;
  /** Every step, for the `steps` output. */
  steps?: StepRow[];
  /** The address of the running buildkitd the build ran on (a fleet's choice); undefined for one the action started. */
  builder?: string;
  /** cache-mounts: what was restored and saved per mount. */
  mounts?: MountFigure[];
}

const str = (n: number | undefined) => (n === undefined ? '' : String(n));

/** The figures the outputs show besides the plan, as far as the run got. */
export interface OutputParts {
  build?: BuildFigures;
  budget?: BudgetFigures;
  image?: ImageFacts;
}

export function outputs(plan: Plan, { build, budget, image }: OutputParts = {}): Record<Output, string> {
  const ratio =
    build && build.totalSteps > 0 ? Math.round((build.cachedSteps / build.totalSteps) * 1000) / 1000 : undefined;
  return {
    [Output.CacheBackend]: plan.backend,
    [Output.CacheScope]: plan.scope,
    [Output.CacheMode]: plan.mode ?? '',
    [Output.ExportCache]: plan.export ? redactCacheSpec(plan.export) : '',
    [Output.ImportCache]: plan.import ? redactCacheSpec(plan.import) : '',
    [Output.CachedSteps]: str(build?.cachedSteps),
    [Output.TotalSteps]: str(build?.totalSteps),
    [Output.CacheHitRatio]: str(ratio),
    [Output.BuildSeconds]: build ? build.seconds.toFixed(1) : '',
    [Output.Steps]: build?.steps ? stepsJson(build.steps, plan.secrets) : '',
    [Output.CacheUsageBytes]: str(budget?.usageBytes),
    [Output.CacheBudgetBytes]: str(budget?.budgetBytes),
    [Output.PrunedEntries]: str(budget?.prunedEntries ?? 0),
    [Output.PrunedBytes]: str(budget?.prunedBytes ?? 0),
    [Output.Plan]: planJson(plan),
    [Output.Digest]: image?.digest ?? '',
    [Output.Image]: image?.image ?? '',
    [Output.ImageId]: image?.imageId ?? '',
    [Output.Builder]: build?.builder ?? '',
    [Output.CacheMounts]: mountsJson(build?.mounts)
  };
}
