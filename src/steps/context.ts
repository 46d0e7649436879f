/**
 * The context of one step (main or post): made once in `src/index.ts` and handed to `main(ctx)`/`post(ctx)`,
 * which pass it (or the parts they need) down. It holds what the step writes to the runner, what it reads from
 * its environment, its clock, and what it learns as it runs and keeps for the rest of the step; nothing of that
 * lives in a module, so a test runs one step after another in one process with a fresh context each, and
 * asserts on a recording `Runner` instead of patching stdout or process.env.
 *
 * Named `StepContext`, not `RunContext` (budget/run.ts: the facts of a run the budget decides on) nor `Job`
 * (a whole workflow job, of which main and post are two steps, each its own process).
 */
import type { BudgetLedger } from '../budget/ledger.js';
import { Deadlines } from '../io/deadlines.js';
import { Children } from '../io/exec.js';
import type { IndexReader } from '../io/github/indexes.js';
import type { RestResult } from '../io/github/rest.js';
import type { HistoryHandle } from '../io/history.js';
import { Runner } from '../io/runner.js';

export interface StepContext {
  /** The runner's protocol: log, annotations, groups, outputs, state, summary, the step's exit code. */
  readonly out: Runner;
  /** The step's environment (process.env for the real step). */
  readonly env: NodeJS.ProcessEnv;
  readonly clock: { now(): number };
  /** Which services went down and which phases were cut short in this step (io/deadlines.ts). */
  readonly deadlines: Deadlines;
  /** The children the step started, stopped when it is cancelled (io/exec.ts). */
  readonly children: Children;
  /** One cache-index reader per cache service and token: the prune after the build reuses what the reading read. */
  readonly readers: Map<string, IndexReader>;
  /** The hit-ratio histories whose read went out as the build started, by scope. */
  readonly histories: Map<string, HistoryHandle>;
  /** The open pull requests, asked for with the budget's reading, by the reading they belong to. */
  readonly openPrs: WeakMap<BudgetLedger, Promise<RestResult<number[]>>>;
}

/** A fresh context over `env`; `out` writes the runner's workflow and file commands unless a test hands its own. */
export function stepContext(env: NodeJS.ProcessEnv, out: Runner = new Runner(env)): StepContext {
  return {
    out,
    env,
    clock: { now: () => Date.now() },
    deadlines: new Deadlines(),
    children: new Children(),
    readers: new Map(),
    histories: new Map(),
    openPrs: new WeakMap()
  };
}

/** Runs a step's `work` so that the requests and children it starts, however deep, report to its context. */
export function inStep<T>(ctx: StepContext, work: () => Promise<T>): Promise<T> {
  return ctx.deadlines.run(() => ctx.children.run(work));
}
