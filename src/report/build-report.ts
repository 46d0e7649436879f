/** What a build reports: the record the build step hands to the summary, the outputs and the insight. */
import type { BuilderHandle } from '../builder/handle.js';
import type { KnownError } from '../envd/errors.js';
import type { FleetChoice } from '../fleet/choice.js';
import type { ProgressFigures } from '../envd/progress.js';
import type { Plan } from '../plan/plan.js';
import type { FailureLog } from './steps.js';
import type { MountFigure } from '../mounts/mounts.js';

export interface BuildReport {
  /** The plan as built: for cache: local it carries the import of the served directory. */
  plan: Plan;
  envdVersion: string;
  buildkitVersion?: string;
  builder: BuilderHandle['kind'];
  /** A running buildkitd given as an address (one, or a fleet's choice): how it was chosen. */
  fleet?: FleetChoice;
  /** The buildkitd an earlier call of the action in this job started, used again. */
  reusedBuilder?: boolean;
  figures: ProgressFigures;
  seconds: number;
  /** Set when the first attempt failed on an evicted layer and the build ran again without the import. */
  retriedWithoutImport?: string;
  /** `log`: the failing step's last lines, else envd's last stderr lines (`report/steps.ts` failureLog). */
  failure?: { line: string; known?: KnownError; log?: FailureLog };
  /** cache-mounts: restored and saved per mount (empty or absent without them). */
  mounts?: MountFigure[];
}
