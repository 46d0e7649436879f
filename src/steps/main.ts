/** The main step: read inputs, plan, report; then (outside dry-run) build. Orchestration only. */
import { build, BuildFailure, type BuildReport } from './build.js';
import { startInsight, type Insight, lastWriteSkipped, readHistoryEarly, reportInsight } from './insight.js';
import { writeSteps } from './write.js';
import { type BudgetLedger, pruneAt, readBudgetLedger } from './cache-usage.js';
import {
  budgetFacts,
  budgetFigures,
  shouldPrune,
  pruneBeforeTarget,
  readingScope,
  splitsWrite
} from '../budget/run.js';
import { type CachedBuilderStart, startCachedBuilder } from './prepare.js';
import { resolveImportEntry } from './import-entry.js';
import { findSecrets, redactKnown } from '../cache/redact.js';
import { formatProblem, type Inputs, inputSecrets, parseInputs } from '../inputs/inputs.js';
import type { Plan } from '../plan/plan.js';
import { plan as makePlan } from '../plan/planner.js';
import { planWithRoom, withNotes } from '../plan/final.js';
import { outputs } from '../report/outputs.js';
import { eventProblemsSummary, inputProblemsSummary, planSummary } from '../report/summary.js';
import { echo, MAX_SENTENCE } from '../text/text.js';
import { readRuntime, type Runtime } from '../runtime/runtime.js';
import { readEventFile } from '../io/event.js';
import { preflight } from '../io/preflight.js';
import { inStep, type StepContext } from './context.js';
import type { StateStore } from '../state.js';
import type { Runner } from '../io/runner.js';
import { workspaceOf } from '../io/dirs.js';

/** Secrets the environment may hold; registered before the first log line. */
const SECRET_ENV = ['ACTIONS_RUNTIME_TOKEN', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_ACCESS_KEY_ID'];
/** Environment values that may carry credentials inside (URL userinfo, a signed query). */
const URL_ENV = ['AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_S3'];

/** What main reads and keeps outside its context; the real one is built in `src/index.ts`, tests pass fakes. */
export interface MainDeps {
  /** An action input as the runner gives it (Runner.getInput). */
  input: (name: string) => string;
  /** Where the build records what it started, for the post step. */
  state: StateStore;
}

export function main(ctx: StepContext, deps: MainDeps): Promise<void> {
  return inStep(ctx, () => mainStep(ctx, deps));
}

async function mainStep(ctx: StepContext, deps: MainDeps): Promise<void> {
  const { env, out } = ctx;
  const secrets = new Secrets(out);
  const inputs = await readInputs(ctx, deps.input, secrets);
  if (!inputs) return;

  // A broken event file stops the step here, before anything starts or reads it again.
  const rt = readRuntime(env, readEventFile(env.GITHUB_EVENT_PATH));
  for (const m of rt.problems) out.error(m, { title: 'envd cache action: invalid event' });
  if (rt.problems.length) {
    await writeSummary(out, eventProblemsSummary(rt.problems));
    return out.setFailed('the event file cannot be used; nothing was started (see the error above)');
  }
  // The build's tools and buildkitd, started while the budget is read (nothing is logged until the build).
  const prepared = startWhileReading(ctx, inputs, rt, deps.state);
  try {
    const budget = await readBudgetLedger(ctx, inputs, rt);
    const planned = makePlan(inputs, rt, { budget: budgetFacts(budget) });
    for (const s of planned.secrets) secrets.mask(s);
    const resolved = await resolveImportEntry(ctx, planned);
    // The budget's own lines, and a service that went silent (or a phase cut short) so far: one warning each
    // (io/deadlines.ts). From here on the plan is final; the build gets a new one only when it has no room.
    const plan = withNotes(resolved, {
      decisions: budget.reading?.decisions,
      warnings: [...(budget.reading?.warnings ?? []), ...ctx.deadlines.takeWarnings()]
    });

    await out.group('Plan', async () => {
      for (const d of plan.decisions)
        out.info(redactKnown(`${echo(d.topic)} ${echo(d.outcome)}: ${echo(d.reason, MAX_SENTENCE)}`, secrets.masked));
    });
    for (const w of plan.warnings) out.warning(echo(w, MAX_SENTENCE));
    const finish: Finish = async (p, result, failure, insight) => {
      for (const w of [...ctx.deadlines.takeWarnings(), ...budget.prunes.flatMap((o) => o.warnings)])
        out.warning(echo(w, MAX_SENTENCE));
      for (const [name, value] of Object.entries(
        outputs(p, { build: result && figuresOf(result), budget: budgetFigures(budget), image: insight?.image })
      ))
        out.setOutput(name, value);
      await writeSummary(out, planSummary(p, { build: result, budget, failure, ...insight }));
    };

    if (plan.problems.length) {
      for (const p of plan.problems) out.error(echo(p, MAX_SENTENCE), { title: 'envd cache action' });
      await finish(plan);
      out.setFailed(
        `${plan.problems.length} problem${plan.problems.length > 1 ? 's' : ''} found before the build; ${prepared ? 'nothing was built (the buildkitd started meanwhile is stopped by the post step)' : 'nothing was started'} (see the errors above)`
      );
      return;
    }
    if (inputs.command === 'prune') {
      await pruneAt(ctx, { state: budget, inputs, rt, plan }, 'command');
      await finish(plan);
      return;
    }
    if (plan.dryRun) {
      // A dry run shows what pruning after this build would delete, and deletes nothing.
      if (
        budget.reading &&
        shouldPrune(inputs.cachePrune, { command: 'build', backend: inputs.cache, exported: !!plan.export }).prune
      )
        await pruneAt(ctx, { state: budget, inputs, rt, plan }, 'after');
      await finish(plan);
      out.info('Dry run: the inputs were validated and the plan made; nothing was installed, started or built.');
      return;
    }

    await buildAndPrune(ctx, plan, { inputs, rt, budget, state: deps.state, prepared }, finish);
  } finally {
    // However main ends (a problem the budget revealed, a failed prune, an error), what it started early is
    // recorded for post before it returns: the start may still be under way (through sudo it first asks `sudo -n`).
    await prepared?.start.catch(() => undefined);
  }
}

/**
 * Issue 13: a build that reads the budget over REST first starts its builder meanwhile — the work dir, the
 * tools when all are in the tool cache, and builder: auto's buildkitd (`startCachedBuilder`, which logs nothing, so
 * no group interleaves with the budget's output). Only when the build will most likely run: a build, not a dry
 * run, no problem in the plan made without the budget, and not cache: local (it starts its buildkitd early on
 * its own, with the served cache in its config; here it only loads the cache client its restore needs). If main stops before the build all the same (a problem found
 * once the budget is read, a failed prune), what was started is in state: post stops buildkitd and removes the
 * work dir, as after any build.
 */
function startWhileReading(
  ctx: StepContext,
  inputs: Inputs,
  rt: Runtime,
  state: StateStore
): CachedBuilderStart | undefined {
  if (inputs.command !== 'build' || !readingScope(inputs, rt).read) return undefined;
  const early = makePlan(inputs, rt);
  if (early.dryRun || early.problems.length) return undefined;
  if (early.local) {
    // cache: local's restore loads @actions/cache (~80 ms of compiling): done now, while REST answers.
    void import('../io/local/local-cache.js').then(
      (m) => m.preloadCacheClient(),
      () => undefined
    );
    return undefined;
  }
  try {
    return startCachedBuilder(inputs, ctx.env, state);
  } catch {
    // Not in the way of the budget: the build makes the same attempt itself and reports what fails.
    return undefined;
  }
}

/** Every secret registered with the runner (Runner.setSecret) once, and the set of them for redaction. */
class Secrets {
  readonly masked = new Set<string>();
  constructor(private readonly out: Runner) {}
  mask(value: string | undefined): void {
    if (value && !this.masked.has(value)) {
      this.masked.add(value);
      this.out.setSecret(value);
    }
  }
}

type Finish = (p: Plan, result?: BuildReport, failure?: string, insight?: Insight) => Promise<void>;

/** Registers the secrets of the environment and the inputs, then parses and preflights the inputs (undefined: failed). */
async function readInputs(
  { env, out }: StepContext,
  input: MainDeps['input'],
  secrets: Secrets
): Promise<Inputs | undefined> {
  for (const name of SECRET_ENV) secrets.mask(env[name]);
  for (const name of URL_ENV) for (const s of findSecrets(env[name] ?? '')) secrets.mask(s);
  // Every input, also an invalid one: the GitHub token whole, and the credentials, URL userinfo and
  // signed query parameters inside any other input, registered before the first line is written.
  const raw = (name: string) => input(name);
  for (const s of inputSecrets(raw)) secrets.mask(s);

  const parsed = parseInputs(raw);
  const cwd = workspaceOf(env);
  // command: prune builds nothing, so it needs no checkout of the build context.
  const problems = !parsed.inputs
    ? parsed.problems
    : parsed.inputs.command === 'prune'
      ? []
      : preflight(parsed.inputs, cwd);
  if (!parsed.inputs || problems.length) {
    // Preflight problems quote paths and inputs too: no secret found above is written back.
    const messages = problems.map((p) => redactKnown(formatProblem(p), secrets.masked));
    for (const m of messages) out.error(m, { title: 'envd cache action: invalid input' });
    await writeSummary(out, inputProblemsSummary(messages));
    out.setFailed(
      `${messages.length} invalid input${messages.length > 1 ? 's' : ''}; nothing was started (see the errors above)`
    );
    return undefined;
  }
  return parsed.inputs;
}

/** Makes room, builds, and prunes after a successful export; reports through `finish` whatever happens. */
async function buildAndPrune(
  ctx: StepContext,
  planned: Plan,
  parts: {
    inputs: Inputs;
    rt: Runtime;
    budget: BudgetLedger;
    state: StateStore;
    prepared?: CachedBuilderStart;
  },
  finish: Finish
): Promise<void> {
  const { inputs, rt, budget, state, prepared } = parts;
  const { out } = ctx;
  // Make room first when usage is above the prune target or this run's exports would not fit under the budget.
  const before = { state: budget, inputs, rt, plan: planned };
  const roomTarget = pruneBeforeTarget(before);
  if (roomTarget !== undefined) await pruneAt(ctx, before, 'before', roomTarget);
  // Still no room for this leg's export (never on the default branch, and only when the write is not decided
  // after the build): it reads the cache, writes none.
  const { plan, noRoom } = planWithRoom(before);
  if (noRoom) out.info(`export skipped: ${noRoom.reason}`);
  const run = { ...before, plan };
  // Issue 20: the build imports only; what it adds decides the write, then the same build exports.
  const write = splitsWrite(run) ? writeSteps(ctx, run, () => lastWriteSkipped(ctx, plan.scope)) : undefined;
  let result: BuildReport | undefined;
  // Loaded while the build waits on its tools, not after it.
  void readHistoryEarly(ctx, plan, rt);
  try {
    result = await build(ctx, {
      plan,
      inputs,
      rt,
      state,
      prepared,
      ...(write ? { writeGate: write.beforeExport } : {})
    });
  } catch (error) {
    if (error instanceof BuildFailure) result = error.report;
    await finish(result?.plan ?? plan, result, (error as Error).message);
    out.setFailed((error as Error).message);
    return;
  }
  const exported = !!result.plan.export && !result.figures.exports.some((e) => e.error);
  const decision = shouldPrune(inputs.cachePrune, { command: 'build', backend: inputs.cache, exported });
  const report: BuildReport = { ...result, plan: withNotes(result.plan, { decisions: [decision.decision] }) };
  // The image read and the history's write do not depend on the prune: under way while it runs, logged after it.
  const after = startInsight(ctx, report, inputs, rt);
  if (exported) await write?.afterExport();
  if (decision.prune) await pruneAt(ctx, { ...run, plan: report.plan }, 'after');
  await finish(report.plan, report, undefined, await reportInsight(out, after));
}

const figuresOf = (r: BuildReport) => ({
  cachedSteps: r.figures.cachedSteps,
  totalSteps: r.figures.totalSteps,
  seconds: r.seconds,
  steps: r.figures.steps,
  builder: r.fleet?.chosen,
  mounts: r.mounts
});

async function writeSummary(out: Runner, markdown: string): Promise<void> {
  if (!out.hasSummary()) return;
  await out.appendSummary(markdown);
}
