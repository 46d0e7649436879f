/** The main step: read inputs, plan, report; then (outside dry-run) build. Orchestration only. */
import * as core from '@actions/core';
import * as fs from 'node:fs';
import { build, BuildFailure, type BuildReport } from './build/build.js';
import { resolveImportEntry } from './build/import-entry.js';
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
  const problems = parsed.inputs ? preflight(parsed.inputs, cwd) : parsed.problems;
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
  const planned = makePlan(inputs, rt);
  for (const s of planned.secrets) mask(s);
  const plan = await resolveImportEntry(planned, env);

  await core.group('Plan', async () => {
    for (const d of plan.decisions) core.info(`${d.topic} ${d.outcome}: ${d.reason}`);
  });
  for (const w of plan.warnings) core.warning(w);

  if (plan.problems.length || plan.dryRun) {
    for (const p of plan.problems) core.error(p, { title: 'envd cache action' });
    report(plan);
    await writeSummary(planSummary(plan));
    if (plan.problems.length)
      core.setFailed(`${plan.problems.length} problem${plan.problems.length > 1 ? 's' : ''} found before the build; nothing was started (see the errors above)`);
    else core.info('Dry run: the inputs were validated and the plan made; nothing was installed, started or built.');
    return;
  }

  let result: BuildReport | undefined;
  try {
    result = await build(plan, inputs, rt, env);
  } catch (error) {
    if (error instanceof BuildFailure) result = error.report;
    report(result?.plan ?? plan, result);
    await writeSummary(planSummary(result?.plan ?? plan, result));
    core.setFailed((error as Error).message);
    return;
  }
  report(result.plan, result);
  await writeSummary(planSummary(result.plan, result));
}

function report(plan: Plan, result?: BuildReport): void {
  const figures = result && { cachedSteps: result.figures.cachedSteps, totalSteps: result.figures.totalSteps, seconds: result.seconds };
  for (const [name, value] of Object.entries(outputs(plan, figures))) core.setOutput(name, value);
}

async function writeSummary(markdown: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  await core.summary.addRaw(markdown).write();
}
