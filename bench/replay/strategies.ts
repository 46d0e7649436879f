/**
 * The strategies bench:replay compares: the inputs each job of the day gets. Pure.
 *
 * - `action`: the action as its README documents it: defaults (cache: gha) in CI, the "Pull request pipeline:
 *   import only" workflow (`cache-write: false`, a token without `actions` permission) and the prune job when a pull
 *   request closes.
 * - `buildkit-defaults`: BuildKit's own defaults through the action's raw flags: one `buildkit` scope for every job,
 *   mode=max, every job writes; no budget logic (`cache-prune: false`), no prune job.
 * - `per-leg`: one scope per matrix leg, mode=max, raw flags, `cache-prune: false`: what a careful
 *   build-push-action user sets.
 */
import type { Run } from './schedule.js';

export const STRATEGIES = ['action', 'buildkit-defaults', 'per-leg'] as const;
export type Strategy = (typeof STRATEGIES)[number];

export const LABELS: Record<Strategy, string> = {
  action: 'this action, documented defaults',
  'buildkit-defaults': "BuildKit's defaults (one `buildkit` scope, max)",
  'per-leg': 'one scope per leg, max, no budget logic'
};

/** The token a job's `github-token` input holds: CI and cleanup may write (`actions: write`); the PR workflow reads nothing. */
export type TokenKind = 'write' | 'none';

export interface JobInputs {
  inputs: Record<string, string>;
  token: TokenKind;
}

/** The inputs of one leg's job in `run`, or undefined when the strategy runs no job there (pr-closed without prune). */
export function inputsFor(strategy: Strategy, run: Run, legPath: string): JobInputs | undefined {
  if (run.kind === 'pr-closed')
    return strategy === 'action' ? { inputs: { command: 'prune' }, token: 'write' } : undefined;
  const base = { path: legPath };
  const token: TokenKind = run.kind === 'pr-run' ? 'none' : 'write';
  if (strategy === 'action')
    return { inputs: run.kind === 'pr-run' ? { ...base, 'cache-write': 'false' } : base, token };
  const scope = strategy === 'per-leg' ? `,scope=${legPath}` : '';
  return {
    inputs: {
      ...base,
      'export-cache': `type=gha,mode=max${scope}`,
      'import-cache': `type=gha${scope}`,
      'cache-prune': 'false'
    },
    token
  };
}
