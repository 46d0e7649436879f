/** The main step: read inputs, plan, report; then (outside dry-run) build. Orchestration only. */
import * as core from '@actions/core';
import * as fs from 'node:fs';
import { build, BuildFailure, type BuildReport } from './build/build.js';
import { budgetFacts, budgetFigures, exportRoom, pruneBeforeTarget, pruneNow, readBudgetFor } from './build/budget.js';
import { resolveImportEntry } from './build/import-entry.js';
import { decidePrune } from './budget/run.js';
import { formatProblem, parseInputs } from './inputs/inputs.js';
import { Input } from './inputs/names.js';
import type { Plan } from './plan/plan.js';
import { plan as makePlan } from './plan/planner.js';
import { outputs } from './report/outputs.js';
import { inputProblemsSummary, planSummary } from './report/summary.js';
import { readRuntime } from './runtime/runtime.js';
import { preflight } from './shell/preflight.js';

/** Secrets the environment may hold; registered before the first log line. */
const SECRET_ENV = ['ACTIONS_RUNTIME_TOKEN', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_ACCESS_KEY_ID'];

export async function main(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const masked = new Set<string>();
  const mask = (value: string | undefined) => {
    if (value && !masked.has(value)) {
      masked.add(value);
      core.setSecret(value);
    }
  };
  for (const name of SECRET_ENV) mask(env[name]);
  mask(core.getInput(Input.GithubToken));

  const parsed = parseInputs((name) => core.getInput(name));
  const cwd = env.GITHUB_WORKSPACE || process.cwd();
  // command: prune builds nothing, so it needs no checkout of the build context.
  const problems = !parsed.inputs ? parsed.problems : parsed.inputs.command === 'prune' ? [] : preflight(parsed.inputs, cwd);
  if (!parsed.inputs || problems.length) {
    const messages = problems.map(formatProblem);
    for (const m of messages) core.error(m, { title: 'envd cache action: invalid input' });
    await writeSummary(inputProblemsSummary(messages));
    core.setFailed(`${messages.length} invalid input${messages.length > 1 ? 's' : ''}; nothing was started (see the errors above)`);
    return;
  }
  const inputs = parsed.inputs;

  const eventPath = env.GITHUB_EVENT_PATH;
  const payload = eventPath && fs.existsSync(eventPath) ? fs.readFileSync(eventPath, 'utf8') : undefined;
  const rt = readRuntime(env, payload);
  const budget = await readBudgetFor(inputs, rt);
  const planned = makePlan(inputs, rt, undefined, budgetFacts(budget));
  for (const s of planned.secrets) mask(s);
  const plan = await resolveImportEntry(planned, env);
  if (budget.reading) {
    plan.decisions.push(...budget.reading.decisions);
    plan.warnings.push(...budget.reading.warnings);
  }

  await core.group('Plan', async () => {
    for (const d of plan.decisions) core.info(`${d.topic} ${d.outcome}: ${d.reason}`);
  });
  for (const w of plan.warnings) core.warning(w);
  const finish = async (p: Plan, result?: BuildReport, failure?: string) => {
    for (const w of budget.prunes.flatMap((o) => o.warnings)) core.warning(w);
    for (const [name, value] of Object.entries(outputs(p, result && figuresOf(result), budgetFigures(budget)))) core.setOutput(name, value);
    await writeSummary(planSummary(p, result, budget, failure));
  };

  if (plan.problems.length) {
    for (const p of plan.problems) core.error(p, { title: 'envd cache action' });
    await finish(plan);
    core.setFailed(`${plan.problems.length} problem${plan.problems.length > 1 ? 's' : ''} found before the build; nothing was started (see the errors above)`);
    return;
  }
  if (inputs.command === 'prune') {
    await pruneNow(budget, inputs, rt, plan, 'command');
    await finish(plan);
    return;
  }
  if (plan.dryRun) {
    // A dry run shows what pruning after this build would delete, and deletes nothing.
    if (budget.reading && decidePrune(inputs.cachePrune, { command: 'build', backend: inputs.cache, exported: !!plan.export }).prune)
      await pruneNow(budget, inputs, rt, plan, 'after');
    await finish(plan);
    core.info('Dry run: the inputs were validated and the plan made; nothing was installed, started or built.');
    return;
  }

  // Make room first when usage is above the prune target or this run's exports would not fit under the budget.
  const roomTarget = pruneBeforeTarget(budget, inputs, rt, plan);
  if (roomTarget !== undefined) await pruneNow(budget, inputs, rt, plan, 'before', roomTarget);
  // Still no room for this leg's export (other than the default branch's): it reads the cache, writes none.
  const noRoom = exportRoom(budget, inputs, rt, plan);
  if (noRoom) {
    plan.export = undefined;
    plan.decisions.push(noRoom);
    core.info(`export skipped: ${noRoom.reason}`);
  }
  let result: BuildReport | undefined;
  try {
    result = await build(plan, inputs, rt, env);
  } catch (error) {
    if (error instanceof BuildFailure) result = error.report;
    await finish(result?.plan ?? plan, result, (error as Error).message);
    core.setFailed((error as Error).message);
    return;
  }
  const exported = !!result.plan.export && !result.figures.exports.some((e) => e.error);
  const decision = decidePrune(inputs.cachePrune, { command: 'build', backend: inputs.cache, exported });
  result.plan.decisions.push(decision.decision);
  if (decision.prune) await pruneNow(budget, inputs, rt, result.plan, 'after');
  await finish(result.plan, result);
}

const figuresOf = (r: BuildReport) => ({ cachedSteps: r.figures.cachedSteps, totalSteps: r.figures.totalSteps, seconds: r.seconds });

async function writeSummary(markdown: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  await core.summary.addRaw(markdown).write();
}
