/**
 * A synthetic month of CI for one repository (deterministic, seeded): a default branch and 20 feature
 * branches whose pull requests are opened, updated and closed (most merged), a 4-entry build matrix, and
 * envd images made of layers of realistic sizes.
 */
export const MB = 1000 ** 2;
export const GB = 1000 ** 3;
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export const MAIN = 'refs/heads/main';
export const prRef = (n: number) => `refs/pull/${n}/merge`;

/** One build step (a layer); `final` layers are in the image, the others only in mode=max exports. */
export interface Step {
  name: string;
  meanBytes: number;
  final: boolean;
  /** Same content for every matrix entry (the base image). */
  shared: boolean;
  /** Steps whose results it builds on (its cache key covers theirs). */
  parents: number[];
}

/**
 * An envd (Python) environment as a two-stage build: a wheel-building stage beside the image's own chain, so
 * that mode=max (which also exports the builder stage) pays off when system tools change but requirements do not.
 */
export const STEPS: readonly Step[] = [
  { name: 'base', meanBytes: 400 * MB, final: true, shared: true, parents: [] },
  { name: 'runtime', meanBytes: 120 * MB, final: true, shared: false, parents: [0] },
  { name: 'tools', meanBytes: 80 * MB, final: true, shared: false, parents: [1] },
  { name: 'wheels', meanBytes: 300 * MB, final: false, shared: false, parents: [1] },
  { name: 'packages', meanBytes: 400 * MB, final: true, shared: false, parents: [2, 3] },
  { name: 'code', meanBytes: 8 * MB, final: true, shared: false, parents: [4] },
  { name: 'config', meanBytes: 500_000, final: true, shared: false, parents: [5] }
];
export const MATRIX = ['py310', 'py311', 'py312', 'py313'] as const;

/** What a pull request changes: the steps whose content it edits. */
const CHANGES: ReadonlyArray<{ weight: number; steps: number[] }> = [
  { weight: 55, steps: [5] }, // code
  { weight: 22, steps: [3, 4] }, // requirements: wheels and site-packages
  { weight: 13, steps: [2] }, // system tools
  { weight: 7, steps: [1] }, // runtime
  { weight: 3, steps: [0] } // base image
];

export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface PullRequest {
  number: number;
  branch: string;
  opened: number;
  /** Times of the runs: the opening push and every update. */
  runs: number[];
  closed: number;
  merged: boolean;
  /** Steps it edits. */
  steps: number[];
}

export type CiEvent =
  /** A push to the default branch: a merged pull request's content, or `steps` edited on main itself. */
  | { t: number; kind: 'main-push'; pr?: number; steps?: number[] }
  | { t: number; kind: 'pr-run'; pr: number; update: number }
  /** A push to the pull request's branch (a `push` run on `refs/heads/<branch>`), same content as its PR run. */
  | { t: number; kind: 'branch-push'; pr: number; update: number }
  | { t: number; kind: 'pr-closed'; pr: number }
  | { t: number; kind: 'sweep' };

export interface Workload {
  start: number;
  days: number;
  prs: PullRequest[];
  events: CiEvent[];
  /** The build matrix: one leg (and scope) per entry. */
  matrix: readonly string[];
}

export const branchRef = (branch: string) => `refs/heads/${branch}`;

/**
 * The replay: one simulated day, a three-leg matrix, 40 builds: 10 pushes to main, two feature
 * branches pushed 7 times each and their two pull requests run 8 times each; the first is merged at midday,
 * the second stays open.
 */
export function makeDay(start: number): Workload {
  const hours = (h: number) => start + h * HOUR;
  const prs: PullRequest[] = [
    {
      number: 1,
      branch: 'feature-a',
      opened: hours(0.5),
      runs: [0.5, 1.5, 3, 4.5, 6, 7.5, 9, 11].map(hours),
      closed: hours(12),
      merged: true,
      steps: [3, 4]
    },
    {
      number: 2,
      branch: 'feature-b',
      opened: hours(2),
      runs: [2, 5, 8, 10, 13, 16, 19, 22].map(hours),
      closed: hours(48),
      merged: false,
      steps: [5]
    }
  ];
  const events: CiEvent[] = [];
  for (const h of [0, 2.5, 5.5, 8.5, 10.5, 14, 16.5, 18, 20.5, 23]) events.push({ t: hours(h), kind: 'main-push' });
  events.push({ t: hours(12), kind: 'pr-closed', pr: 1 }, { t: hours(12) + MINUTE, kind: 'main-push', pr: 1 });
  events.splice(
    events.findIndex((e) => e.t === hours(14)),
    1
  ); // the merge push replaces the 14:00 one
  for (const pr of prs) {
    pr.runs.forEach((t, update) => {
      events.push({ t, kind: 'pr-run', pr: pr.number, update });
      if (update < 7) events.push({ t: t - 10 * MINUTE, kind: 'branch-push', pr: pr.number, update });
    });
  }
  events.sort((a, b) => a.t - b.t);
  return { start, days: 1, prs, events, matrix: ['py310', 'py311', 'py312'] };
}

/**
 * Issue 20's replay: the same day, and main's own pushes change things too: four of them the requirements
 * (wheels and site-packages), the others the code. After each dependency change every leg of main's matrix
 * has a new generation to write, while the old one still holds the room.
 */
export function makeDependencyDay(start: number): Workload {
  const w = makeDay(start);
  const dependencyAt = new Set([2.5, 8.5, 16.5, 20.5].map((h) => start + h * HOUR));
  for (const ev of w.events)
    if (ev.kind === 'main-push' && ev.pr === undefined && ev.t > start)
      ev.steps = dependencyAt.has(ev.t) ? [3, 4] : [5];
  return w;
}

export function makeWorkload(start: number, seed = 20261001, days = 30, branches = 20): Workload {
  const rnd = prng(seed);
  const pick = () => {
    let r = rnd() * 100;
    for (const c of CHANGES) if ((r -= c.weight) < 0) return c.steps;
    return CHANGES[0].steps;
  };
  const prs: PullRequest[] = [];
  let number = 1;
  const end = start + days * DAY;
  for (let b = 0; b < branches; b++) {
    let opened = start + (0.2 + rnd() * 12) * DAY;
    while (opened < end - DAY) {
      const life = (0.5 + rnd() * 4) * DAY;
      const closed = Math.min(end - HOUR, opened + life);
      const updates = 1 + Math.floor(rnd() * 6);
      const runs = [opened, ...Array.from({ length: updates }, () => opened + rnd() * (closed - opened))].sort(
        (x, y) => x - y
      );
      prs.push({
        number: number++,
        branch: `feature-${b + 1}`,
        opened,
        runs,
        closed,
        merged: rnd() < 0.85,
        steps: pick()
      });
      opened = closed + (0.2 + rnd() * 3) * DAY;
    }
  }
  const events: CiEvent[] = [{ t: start + HOUR, kind: 'main-push' }];
  for (const pr of prs) {
    pr.runs.forEach((t, update) => events.push({ t, kind: 'pr-run', pr: pr.number, update }));
    events.push({ t: pr.closed, kind: 'pr-closed', pr: pr.number });
    if (pr.merged) events.push({ t: pr.closed + MINUTE, kind: 'main-push', pr: pr.number });
  }
  for (let d = 1; d < days; d++) events.push({ t: start + d * DAY + 3 * HOUR, kind: 'sweep' });
  events.sort((a, b) => a.t - b.t);
  return { start, days, prs, events, matrix: MATRIX };
}
