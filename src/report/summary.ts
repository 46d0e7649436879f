/** The job summary as Markdown: what was decided and why, in a green run and a failing one. Pure. */
import type { BuildReport } from './build-report.js';
import type { Budget } from '../budget/budget.js';
import type { Deletion, PrunePlan } from '../budget/prune.js';
import { budgetMarkdown } from '../budget/report.js';
import { redactCacheSpec } from '../backends/spec.js';
import type { Plan } from '../plan/plan.js';
import { redactKnown } from '../cache/redact.js';
import { codeBlock, MAX_OPEN_ROWS, stepInsight, type StepInsight } from './steps.js';
import { type HistoryView, historyMarkdown } from './history.js';
import { type ImageFacts, imageMarkdown } from './image.js';
import { cell, code, echo, MAX_SENTENCE } from '../text/text.js';
import { mountsTable } from '../mounts/mounts.js';

/** What the summary reads of the budget (the step's BudgetLedger, steps/cache-usage.ts, has this shape). */
export interface SummaryBudget {
  reading?: { usageBytes?: number; budget: Pick<Budget, 'bytes' | 'source'> };
  prunes: { dryRun: boolean; plan?: PrunePlan; deleted: Deletion[] }[];
}

const TITLE = 'envd cache action';
/** The most lines of a failure the summary quotes. */
const MAX_FAILURE_LINES = 20;

/** A list item: one line, controls visible, capped (a value inside can come from a hostile pull request). */
const item = (s: string) => `- ${echo(s, MAX_SENTENCE)}`;
/** A long value shown as code in a table cell: a cache flag or a command line, capped generously. */
const long = (s: string) => code(s, MAX_SENTENCE);

function buildState(plan: Plan, build?: BuildReport): string {
  if (plan.problems.length) return 'failed before the build';
  if (plan.dryRun) return 'dry run';
  if (!build) return 'failed before the build';
  return build.failure ? 'build failed' : 'built';
}

function builderWords(build: BuildReport): string {
  if (build.builder === 'address') return 'a running buildkitd';
  if (build.reusedBuilder) return 'the buildkitd an earlier step of this job started, reused';
  return build.builder === 'auto' ? 'buildkitd started by the action' : 'a moby/buildkit container';
}

/** A running builder given by address: the one used and why; with a fleet, the ranking and who was passed over. */
function fleetRows({ fleet }: BuildReport): string[] {
  if (!fleet?.chosen) return [];
  const rows = [`| Builder | ${code(fleet.chosen)}: ${cell(fleet.reason, MAX_SENTENCE)} |`];
  if (fleet.ranked.length > 1)
    rows.push(`| Fleet | ranked for this scope: ${fleet.ranked.map((a) => code(a)).join(', ')} |`);
  if (fleet.passed.length)
    rows.push(`| Passed over | ${fleet.passed.map((p) => cell(p.why, MAX_SENTENCE)).join('<br>')} |`);
  return rows;
}

/** What the summary shows besides the plan, as far as the run got. */
export interface SummaryParts {
  build?: BuildReport;
  budget?: SummaryBudget;
  /** The error that stopped the run, when it stopped. */
  failure?: string;
  /** After a successful build: the pushed image's digest (or the loaded image's ID). */
  image?: ImageFacts;
  /** The scope's hit-ratio history. */
  history?: HistoryView;
}

export function planSummary(plan: Plan, { build, budget, failure, image, history }: SummaryParts = {}): string {
  const lines: string[] = [];
  lines.push(`## ${TITLE}: ${buildState(plan, build)}`, '');
  // A failure before envd ran (install, builder): say what happened first.
  if (failure && !build) {
    const [first, ...rest] = failure.split(/\r?\n/).slice(0, MAX_FAILURE_LINES);
    lines.push(`> **${echo(first, MAX_SENTENCE)}**`, ...rest.map((l) => `> ${echo(l, MAX_SENTENCE)}`), '');
  }
  lines.push('| | |', '|---|---|');
  if (build) {
    const { cachedSteps, totalSteps } = build.figures;
    const pct = totalSteps ? ` (${Math.round((cachedSteps / totalSteps) * 100)}%)` : '';
    lines.push(`| Steps cached | ${cachedSteps} of ${totalSteps}${pct} |`);
    lines.push(`| Build time | ${build.seconds.toFixed(1)} s |`);
    lines.push(
      `| Tools | envd ${build.envdVersion}, BuildKit ${build.buildkitVersion ?? 'unknown'} (${builderWords(build)}) |`
    );
    lines.push(...fleetRows(build));
    if (build.retriedWithoutImport)
      lines.push(`| Retry | once without --import-cache: ${cell(build.retriedWithoutImport, MAX_SENTENCE)} |`);
    if (build.failure)
      lines.push(
        `| Failure | ${cell(build.failure.line, MAX_SENTENCE)}${build.failure.known ? `<br>${cell(build.failure.known.advice, MAX_SENTENCE)}` : ''} |`
      );
  }
  lines.push(`| Backend | ${code(plan.backend)} |`);
  lines.push(`| Scope | ${code(plan.scope)} |`);
  if (plan.mode) lines.push(`| Mode | ${code(plan.mode)} |`);
  lines.push(`| Export | ${plan.export ? long(redactCacheSpec(plan.export)) : 'none'} |`);
  lines.push(`| Import | ${plan.import ? long(redactCacheSpec(plan.import)) : 'none'} |`);
  if (plan.access) {
    const read = plan.access.readable.length ? plan.access.readable.map((r) => code(r)).join(', ') : 'none';
    lines.push(
      `| GitHub cache refs | read ${read}; write ${plan.access.writable ? code(plan.access.writable) : 'none'} |`
    );
  }
  lines.push(`| envd | ${long(`envd build --path ${echo(plan.envd.path)} --from ${echo(plan.envd.from)}`)} |`, '');
  if (build)
    lines.push(
      ...stepsMarkdown(stepInsight(build.figures, { plan, retriedWithoutImport: build.retriedWithoutImport })),
      ...failureLogMarkdown(build)
    );
  // After a successful build: the pushed image's digest (or the loaded image's ID), and the scope's hit-ratio history.
  for (const section of [imageMarkdown(image), mountsTable(build?.mounts, (t) => cell(t)), historyMarkdown(history)])
    if (section) lines.push(section);
  lines.push('### Decisions', '', '| Topic | Outcome | Why |', '|---|---|---|');
  for (const d of plan.decisions)
    lines.push(`| ${cell(d.topic)} | ${code(d.outcome)} | ${cell(d.reason, MAX_SENTENCE)} |`);
  lines.push('');
  if (plan.problems.length) {
    lines.push('### Problems', '');
    for (const p of plan.problems) lines.push(item(p));
    lines.push('');
  }
  if (plan.warnings.length) {
    lines.push('### Warnings', '');
    for (const w of plan.warnings) lines.push(item(w));
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
  if (plan.dryRun && !plan.problems.length)
    lines.push(
      'Dry run: the inputs were validated and the plan made; nothing was installed, started, built or deleted.',
      ''
    );
  // The plan's secrets never reach the summary, whatever line a decision or a tool's error put them in.
  return redactKnown(lines.join('\n'), plan.secrets);
}

/** The step table (collapsed beyond MAX_OPEN_ROWS rows) and, below it, where the cache broke and why. */
function stepsMarkdown({ rows, broke }: StepInsight): string[] {
  if (!rows.length) return [];
  const table = ['| # | Step | Status | Seconds |', '|---:|---|---|---:|'];
  rows.forEach((r, i) => {
    const status = r.canceled ? 'failed (canceled)' : r.status;
    const mark = broke?.index === i ? ` **← cache broke here**` : '';
    table.push(`| ${i + 1} | ${code(r.name)} | ${status}${mark} | ${r.seconds.toFixed(1)} |`);
  });
  const count = (s: string) => rows.filter((r) => r.status === s).length;
  const out = ['### Steps', ''];
  if (rows.length > MAX_OPEN_ROWS)
    out.push(
      `<details><summary>${rows.length} steps: ${count('cached')} cached, ${count('built')} built, ${count('failed')} failed</summary>`,
      '',
      ...table,
      '',
      '</details>',
      ''
    );
  else out.push(...table, '');
  if (broke)
    out.push(
      `**The cache broke at step ${broke.index + 1}** (${code(rows[broke.index].name)}): ${echo(broke.reason, MAX_SENTENCE)}`,
      ''
    );
  else if (rows.some((r) => r.status === 'cached')) out.push('Every step came from the cache.', '');
  return out;
}

/** The failing step's own last lines, or envd's error output, as a code block no log line can close. */
function failureLogMarkdown(build: BuildReport): string[] {
  const log = build.failure?.log;
  if (!log) return [];
  const last = log.lines.length === 1 ? 'The last line' : `The last ${log.lines.length} lines`;
  const what =
    log.from === 'step'
      ? `${last} ${code(log.step ?? 'the step')} printed:`
      : `${last} envd wrote to its error output:`;
  return [
    log.from === 'step' ? "### The failing step's log" : "### envd's error output",
    '',
    what,
    '',
    ...codeBlock(log.lines),
    ''
  ];
}

export function inputProblemsSummary(messages: string[]): string {
  return stoppedSummary('invalid inputs', 'Fix these inputs in the workflow:', messages);
}

/** The event file (GITHUB_EVENT_PATH) could not be used: the runner, not the workflow, handed it over. */
export function eventProblemsSummary(messages: string[]): string {
  return stoppedSummary(
    'invalid event',
    'The event file the runner gave this step (GITHUB_EVENT_PATH) cannot be used:',
    messages
  );
}

function stoppedSummary(what: string, lead: string, messages: string[]): string {
  return [`## ${TITLE}: ${what}`, '', `Nothing was started. ${lead}`, '', ...messages.map(item), ''].join('\n');
}
