/** The job summary as Markdown: what was decided and why, in a green run and a failing one. Pure. */
import type { BuildReport } from '../build/build.js';
import type { BudgetState } from '../build/budget.js';
import { budgetMarkdown } from '../budget/report.js';
import { redactCacheSpec } from '../cache/spec.js';
import type { Plan } from '../plan/plan.js';

const TITLE = 'envd cache action';

const code = (s: string) => '`' + s.replace(/`/g, "'") + '`';
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

function buildState(plan: Plan, build?: BuildReport): string {
  if (plan.problems.length) return 'failed before the build';
  if (plan.dryRun) return 'dry run';
  if (!build) return 'failed before the build';
  return build.failure ? 'build failed' : 'built';
}

export function planSummary(plan: Plan, build?: BuildReport, budget?: BudgetState, failure?: string): string {
  const lines: string[] = [];
  lines.push(`## ${TITLE}: ${buildState(plan, build)}`, '');
  // A failure before envd ran (install, builder): say what happened first.
  if (failure && !build) lines.push(`> **${failure.split('\n')[0]}**`, ...failure.split('\n').slice(1).map((l) => `> ${l}`), '');
  lines.push('| | |', '|---|---|');
  if (build) {
    const { cachedSteps, totalSteps } = build.figures;
    const pct = totalSteps ? ` (${Math.round((cachedSteps / totalSteps) * 100)}%)` : '';
    lines.push(`| Steps cached | ${cachedSteps} of ${totalSteps}${pct} |`);
    lines.push(`| Build time | ${build.seconds.toFixed(1)} s |`);
    lines.push(`| Tools | envd ${build.envdVersion}, BuildKit ${build.buildkitVersion ?? 'unknown'} (${build.builder === 'address' ? 'a running buildkitd' : build.builder === 'auto' ? 'buildkitd started by the action' : 'a moby/buildkit container'}) |`);
    if (build.retriedWithoutImport) lines.push(`| Retry | once without --import-cache: ${cell(build.retriedWithoutImport)} |`);
    if (build.failure) lines.push(`| Failure | ${cell(build.failure.line)}${build.failure.known ? `<br>${cell(build.failure.known.advice)}` : ''} |`);
  }
  lines.push(`| Backend | ${code(plan.backend)} |`);
  lines.push(`| Scope | ${code(plan.scope)} |`);
  if (plan.mode) lines.push(`| Mode | ${code(plan.mode)} |`);
  lines.push(`| Export | ${plan.export ? code(redactCacheSpec(plan.export)) : 'none'} |`);
  lines.push(`| Import | ${plan.import ? code(redactCacheSpec(plan.import)) : 'none'} |`);
  if (plan.access) {
    const read = plan.access.readable.length ? plan.access.readable.map(code).join(', ') : 'none';
    lines.push(`| GitHub cache refs | read ${read}; write ${plan.access.writable ? code(plan.access.writable) : 'none'} |`);
  }
  lines.push(`| envd | ${code(`envd build --path ${plan.envd.path} --from ${plan.envd.from}`)} |`, '');
  lines.push('### Decisions', '', '| Topic | Outcome | Why |', '|---|---|---|');
  for (const d of plan.decisions) lines.push(`| ${cell(d.topic)} | ${code(d.outcome)} | ${cell(d.reason)} |`);
  lines.push('');
  if (plan.problems.length) {
    lines.push('### Problems', '');
    for (const p of plan.problems) lines.push(`- ${p}`);
    lines.push('');
  }
  if (plan.warnings.length) {
    lines.push('### Warnings', '');
    for (const w of plan.warnings) lines.push(`- ${w}`);
    lines.push('');
  }
  if (budget?.reading) {
    const last = budget.prunes[budget.prunes.length - 1];
    lines.push(
      budgetMarkdown({
        usageBytes: budget.reading.usageBytes,
        budgetBytes: budget.reading.budget.bytes,
        budgetSource: budget.reading.budget.source,
        plan: last?.plan,
        deleted: last && !last.dryRun ? budget.prunes.flatMap((p) => p.deleted) : undefined,
        dryRun: last?.dryRun
      })
    );
  }
  if (plan.dryRun && !plan.problems.length) lines.push('Dry run: the inputs were validated and the plan made; nothing was installed, started, built or deleted.', '');
  return lines.join('\n');
}

export function inputProblemsSummary(messages: string[]): string {
  return [`## ${TITLE}: invalid inputs`, '', 'Nothing was started. Fix these inputs in the workflow:', '', ...messages.map((m) => `- ${m}`), ''].join('\n');
}
