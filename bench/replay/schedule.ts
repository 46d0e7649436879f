/**
 * The CI day `npm run bench:replay` replays (issue 20): which workflow runs when, on which ref, with which content.
 * Pure and deterministic: the same seed gives the same day.
 *
 * - `CI` (on push): a three-leg matrix (one job per leg), on `main` and on two feature branches.
 * - `envd pr` (on pull_request): the README's "Pull request pipeline", a workflow and job of its own, same matrix.
 * - `envd cache cleanup` (on pull_request: closed): the README's prune job; only strategies that use it run it.
 *
 * Each leg builds 7 steps (bench/replay/world.mjs): 3 base steps shared by the legs, 2 dependency steps of its own
 * (wheels built from requirements.txt, the packages copied in), 2 app steps (COPY app.txt, RUN build). Every push changes the app (a commit); a dependency change edits requirements.txt, so
 * that step and every later one rebuild. main gets four dependency changes, one of them a merged pull request's.
 */

import { prng } from '../workload.js';

export const MAIN = 'refs/heads/main';
export const LEGS = ['3.10', '3.11', '3.12'] as const;
export type Leg = (typeof LEGS)[number];

export type RunKind = 'main-push' | 'branch-push' | 'pr-run' | 'pr-closed';

export interface Run {
  /** 1-based, in the day's order. */
  n: number;
  /** Hours after the day's start. */
  hour: number;
  kind: RunKind;
  workflow: 'CI' | 'envd pr' | 'envd cache cleanup';
  /** The job id (`GITHUB_JOB`). */
  job: string;
  event: 'push' | 'pull_request';
  ref: string;
  /** The pull request (pr-run, pr-closed). */
  pr?: number;
  /** Its branch (branch-push, pr-run, pr-closed). */
  branch?: string;
  /** requirements.txt and app.txt as this run's commit has them (none for pr-closed: nothing is built). */
  content?: { requirements: string; app: string };
  /** main only: requirements.txt differs from main's previous push. */
  depsChanged?: boolean;
  /** pr-closed: whether the pull request was merged (its merge is main's next push). */
  merged?: boolean;
}

type Step =
  | { hour: number; on: 'main'; deps?: 'change' | 'merge'; merges?: string }
  | { hour: number; on: 'branch'; branch: string; pr: number; deps?: 'change' }
  | { hour: number; on: 'pr'; branch: string; pr: number }
  | { hour: number; on: 'closed'; branch: string; pr: number; merged: boolean };

/** The day as written: main's pushes, the feature branches and their pull requests. */
const DAY: readonly Step[] = [
  { hour: 0, on: 'main' },
  { hour: 1, on: 'main' },
  { hour: 2, on: 'branch', branch: 'feature-a', pr: 1, deps: 'change' },
  { hour: 2.2, on: 'pr', branch: 'feature-a', pr: 1 },
  { hour: 3, on: 'main', deps: 'change' },
  { hour: 4, on: 'branch', branch: 'feature-b', pr: 2 },
  { hour: 4.2, on: 'pr', branch: 'feature-b', pr: 2 },
  { hour: 5, on: 'main' },
  { hour: 6, on: 'closed', branch: 'feature-a', pr: 1, merged: true },
  { hour: 6.02, on: 'main', deps: 'merge', merges: 'feature-a' },
  { hour: 8, on: 'main', deps: 'change' },
  { hour: 10, on: 'main' },
  { hour: 12, on: 'closed', branch: 'feature-b', pr: 2, merged: false },
  { hour: 13, on: 'main', deps: 'change' },
  { hour: 15, on: 'main' }
];

/** The short day (`--short`): the first five hours without feature-b: 4 pushes to main, one pull request that closes. */
const SHORT_UNTIL_HOUR = 6.02;

export interface DayOptions {
  seed: number;
  short?: boolean;
}

/** Builds the day's runs from the seed: requirement and app texts are seeded, the shape is fixed. */
export function makeDay({ seed, short = false }: DayOptions): Run[] {
  const rnd = prng(seed);
  const word = () =>
    Math.floor(rnd() * 0xffffffff)
      .toString(16)
      .padStart(8, '0');
  const requirements = (tag: string) =>
    `# ${tag}\nnumpy==1.${Math.floor(rnd() * 30)}.0\nrequests==2.${Math.floor(rnd() * 30)}.0 # ${word()}\n`;
  let mainReqs = requirements('initial');
  const branchReqs = new Map<string, string>();
  const steps = short
    ? DAY.filter((s) => s.hour <= SHORT_UNTIL_HOUR && !('branch' in s && s.branch === 'feature-b'))
    : DAY;
  const runs: Run[] = [];
  const add = (r: Omit<Run, 'n'>) => runs.push({ n: runs.length + 1, ...r });
  for (const s of steps) {
    if (s.on === 'main') {
      const before = mainReqs;
      if (s.deps === 'change') mainReqs = requirements(`change at ${s.hour}h`);
      if (s.deps === 'merge') mainReqs = `${mainReqs}${branchReqs.get(s.merges ?? '') ?? ''}# merged ${s.merges}\n`;
      add({
        hour: s.hour,
        kind: 'main-push',
        workflow: 'CI',
        job: 'build',
        event: 'push',
        ref: MAIN,
        content: { requirements: mainReqs, app: `app ${word()}\n` },
        depsChanged: mainReqs !== before
      });
    } else if (s.on === 'branch') {
      const reqs = s.deps === 'change' ? `${mainReqs}${requirements(`${s.branch}`)}` : mainReqs;
      branchReqs.set(s.branch, reqs.slice(mainReqs.length));
      add({
        hour: s.hour,
        kind: 'branch-push',
        workflow: 'CI',
        job: 'build',
        event: 'push',
        ref: `refs/heads/${s.branch}`,
        branch: s.branch,
        content: { requirements: reqs, app: `app ${word()}\n` }
      });
    } else if (s.on === 'pr') {
      // The pull request's merge commit: the branch's last push merged into main (same content here: main did not move).
      const last = [...runs].reverse().find((r) => r.branch === s.branch && r.kind === 'branch-push');
      add({
        hour: s.hour,
        kind: 'pr-run',
        workflow: 'envd pr',
        job: 'pr-build',
        event: 'pull_request',
        ref: `refs/pull/${s.pr}/merge`,
        pr: s.pr,
        branch: s.branch,
        content: last?.content
      });
    } else {
      add({
        hour: s.hour,
        kind: 'pr-closed',
        workflow: 'envd cache cleanup',
        job: 'prune',
        event: 'pull_request',
        ref: `refs/pull/${s.pr}/merge`,
        pr: s.pr,
        branch: s.branch,
        merged: s.merged
      });
    }
  }
  return runs;
}

/** How many builds (jobs that build) a day holds: every run but pr-closed builds each leg. */
export function buildsOf(runs: readonly Run[]): number {
  return runs.filter((r) => r.kind !== 'pr-closed').length * LEGS.length;
}

/** The refs a job on `ref` may read (the runtime token's scopes): its own and the default branch. */
export function readableRefs(ref: string): string[] {
  return ref === MAIN ? [MAIN] : [ref, MAIN];
}
