/** The job summary as Markdown: what was decided and why, in a green run and a failing one. Pure. */
import { redactCacheSpec } from '../cache/spec.js';
import type { Plan } from '../plan/plan.js';

const TITLE = 'envd cache action';

const code = (s: string) => '`' + s.replace(/`/g, "'") + '`';
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

export function planSummary(plan: Plan): string {
  const lines: string[] = [];
  const state = plan.problems.length ? 'failed before the build' : plan.dryRun ? 'dry run' : plan.command;
  lines.push(`## ${TITLE}: ${state}`, '');
  lines.push('| | |', '|---|---|');
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
  if (plan.dryRun && !plan.problems.length) lines.push('Dry run: the inputs were validated and the plan made; nothing was installed, started or built.', '');
  return lines.join('\n');
}

export function inputProblemsSummary(messages: string[]): string {
  return [`## ${TITLE}: invalid inputs`, '', 'Nothing was started. Fix these inputs in the workflow:', '', ...messages.map((m) => `- ${m}`), ''].join('\n');
}
