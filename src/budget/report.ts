/** The budget and prune plan in words: log lines and the job summary's Markdown. Pure. */
import { cell, code, echo } from '../text/text.js';
import { formatSize, usageBar } from './budget.js';
import { PRUNE_REASONS, type Deletion, type PrunePlan, type PruneReason } from './prune.js';

const REASON_WORDS: Record<PruneReason, string> = {
  'closed-pr': 'closed pull request',
  'superseded-index': 'superseded index',
  'superseded-history': 'superseded hit-ratio history',
  'superseded-layer': "layer of a step this build rebuilt (the previous generation's)",
  'superseded-mount': 'superseded package cache',
  'unreferenced-blob': 'unreferenced blob',
  'idle-ref': 'idle ref this token cannot read'
};

/** `12 entries, 3.1 GB: 2 closed pull request (1.0 GB), 10 superseded index (40.0 KB)`. */
export function describeDeletions(deletions: readonly Deletion[]): string {
  const total = deletions.reduce((s, d) => s + d.bytes, 0);
  const parts = PRUNE_REASONS.map((r) => {
    const of = deletions.filter((d) => d.reason === r);
    return of.length ? `${of.length} ${REASON_WORDS[r]} (${formatSize(of.reduce((s, d) => s + d.bytes, 0))})` : '';
  }).filter(Boolean);
  return `${deletions.length} entr${deletions.length === 1 ? 'y' : 'ies'}, ${formatSize(total)}${parts.length ? `: ${parts.join(', ')}` : ''}`;
}

/** One log line per planned deletion: key, ref, why, bytes. */
export function planLines(plan: PrunePlan): string[] {
  const lines = plan.deletions.map(
    (d) =>
      `${echo(d.key)} on ${echo(d.ref)}: ${REASON_WORDS[d.reason]}, ${echo(d.detail, 400)} (${formatSize(d.bytes)}, ${d.bytes} B)`
  );
  lines.push(
    `usage ${formatSize(plan.usageBytes)} → ${formatSize(plan.keptBytes)}; target ${formatSize(plan.targetBytes)} of a ${formatSize(plan.budgetBytes)} budget`
  );
  return [...lines, ...plan.notes];
}

/** The job summary's budget section: the usage bar, and the prune plan or what was pruned. */
export function budgetMarkdown(args: {
  usageBytes?: number;
  budgetBytes: number;
  budgetSource: string;
  plan?: PrunePlan;
  /** What was actually deleted; undefined for a dry run. */
  deleted?: readonly Deletion[];
  dryRun?: boolean;
  maxRows?: number;
}): string {
  const lines: string[] = ['### Cache budget', ''];
  if (args.usageBytes !== undefined) lines.push(`\`${usageBar(args.usageBytes, args.budgetBytes)}\``, '');
  else lines.push(`Usage unknown; budget ${formatSize(args.budgetBytes)}.`, '');
  lines.push(`Budget: ${formatSize(args.budgetBytes)} from ${args.budgetSource}.`, '');
  const plan = args.plan;
  if (plan) {
    const rows = args.dryRun ? plan.deletions : (args.deleted ?? []);
    const title = args.dryRun ? 'Prune plan (dry run: nothing was deleted)' : 'Pruned';
    lines.push(`#### ${title}: ${describeDeletions(rows)}`, '');
    if (!args.dryRun)
      lines.push(
        `\`${usageBar(plan.usageBytes - rows.reduce((s, d) => s + d.bytes, 0), plan.budgetBytes)}\` after pruning`,
        ''
      );
    const max = args.maxRows ?? 50;
    if (rows.length) {
      lines.push('| Entry | Ref | Why | Size |', '|---|---|---|---:|');
      for (const d of rows.slice(0, max))
        lines.push(
          `| ${code(d.key)} | ${code(d.ref)} | ${cell(`${REASON_WORDS[d.reason]}: ${d.detail}`, 400)} | ${formatSize(d.bytes)} |`
        );
      if (rows.length > max)
        lines.push(
          `| … ${rows.length - max} more | | | ${formatSize(rows.slice(max).reduce((s, d) => s + d.bytes, 0))} |`
        );
      lines.push('');
    }
    for (const n of plan.notes) lines.push(`- ${echo(n, 400)}`);
    if (plan.notes.length) lines.push('');
  }
  return lines.join('\n');
}
