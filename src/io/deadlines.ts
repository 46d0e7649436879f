/**
 * The deadlines of the action's own requests, carried out (the numbers: src/http/policies.ts).
 *
 * - `ms(n)`: a deadline of the table, scaled by ENVD_CACHE_ACTION_DEADLINE_SCALE (tests only; read once).
 * - Phases: `withinPhase(name, work)` runs `work` with a budget. Every request the HTTP client (io/http/client.ts) sends
 *   from inside it (through async context, however deep) ends by the phase's end at the latest, and is cancelled
 *   when the budget runs out; the work then goes on with the failures it gets back, as it does with any failure.
 * - Silence: a service that left a request unanswered past its deadline, or failed every attempt of a retried one
 *   with a network error or 5xx, is down for the rest of the job. Later requests to it fail at once, without a
 *   round trip, so that one silent service costs one deadline per job. `takeWarnings()` gives one warning per
 *   service that went down (and per phase cut short), each once: the steps print them.
 *
 * What a step learns (which services are down, which phases were cut short) is a `Deadlines` of its own, part of
 * the step's context (steps/context.ts): the steps call it directly; the HTTP client, deep below them, reaches the
 * one of the step it runs in through async context (`run`), as it reaches the phase. Outside any step (a unit
 * test of the client) nothing is remembered: every request is tried.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { DEADLINE_SCALE_ENV, deadlineScale, type PhaseName, POLICIES, scaled } from '../http/policies.js';

const scale = deadlineScale(process.env[DEADLINE_SCALE_ENV]);

/** A deadline or budget of the table, in ms, as this process applies it. */
export const ms = (n: number): number => scaled(n, scale);

/** Seconds for a message: `10 s`, `0.5 s`. */
export const seconds = (n: number): string => `${Number((n / 1000).toFixed(n < 1000 ? 2 : 1))} s`;

export interface Phase {
  name: PhaseName;
  /** Aborted when the budget runs out. */
  signal: AbortSignal;
  /** Date.now() past which no request of the phase runs. */
  until: number;
  /**
   * Ends the phase now, as its budget running out does: a request clipped to the phase's end ran out, which may
   * be a moment before the phase's own timer fires.
   */
  end(): void;
}

/** What a request finds in its async context: the step's bookkeeping, and the phase it runs in, if any. */
interface Scope {
  deadlines: Deadlines;
  phase?: Phase;
}

const scope = new AsyncLocalStorage<Scope>();

/** The phase the caller runs in, if any. */
export const currentPhase = (): Phase | undefined => scope.getStore()?.phase;

/** What each phase is called in a warning. */
const PHASE_WORDS: Record<PhaseName, string> = {
  budgetRead: 'Reading the cache budget',
  probes: 'Checking which cache entry to import',
  prune: 'Pruning',
  pruneCommand: 'Pruning',
  history: 'Saving the hit-ratio history'
};

/** What the action goes without when a phase is cut short. */
const PHASE_LOSS: Record<PhaseName, string> = {
  budgetRead: 'what it had not read yet is left out (usage, the listing or the export estimate)',
  probes: 'the import is kept as planned, unchecked',
  prune: 'what it had not deleted waits for the next run',
  pruneCommand: 'what it had not deleted waits for the next run',
  history: 'this run is not added to the history'
};

/** A service as warnings name it, and what the action goes without while it is down. */
export interface Service {
  /** `The GitHub API`, `The registry`: the origin is added to it. */
  name: string;
  /** `the cache usage is not checked and nothing is pruned`. */
  without: string;
}

interface Down {
  service: Service;
  origin: string;
  why: string;
  warned: boolean;
}

const originOf = (url: string): string | undefined => {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
};

/** Records that `service` at `url`'s origin is down for the step the caller runs in (the first reason is kept). */
export function markDown(url: string, service: Service, why: string): void {
  scope.getStore()?.deadlines.markDown(url, service, why);
}

/** Why the service at `url`'s origin is down for the step the caller runs in, in words, if it is. */
export function downFor(url: string): string | undefined {
  return scope.getStore()?.deadlines.downFor(url);
}

/** One step's deadlines: the services that went down, the phases cut short, and which of them were warned about. */
export class Deadlines {
  private readonly down = new Map<string, Down>();
  private readonly cutShort: string[] = [];

  /** Runs `work` (a whole step) so that every request it sends, however deep, reports to and asks this one. */
  run<T>(work: () => Promise<T>): Promise<T> {
    return scope.run({ deadlines: this }, work);
  }

  markDown(url: string, service: Service, why: string): void {
    const origin = originOf(url);
    if (origin && !this.down.has(origin)) this.down.set(origin, { service, origin, why, warned: false });
  }

  downFor(url: string): string | undefined {
    const origin = originOf(url);
    const d = origin ? this.down.get(origin) : undefined;
    return d && `${d.service.name} (${d.origin}) ${d.why} earlier in this job`;
  }

  /**
   * Runs `work` within the budget of phase `name` (POLICIES.phases, scaled): past it the phase's requests are
   * cancelled. Resolves with what `work` resolves with; a phase cut short adds one warning (takeWarnings)
   * unless a service it used went down meanwhile (that one's warning says it).
   */
  async withinPhase<T>(name: PhaseName, work: () => Promise<T>): Promise<T> {
    const budget = ms(POLICIES.phases[name]);
    const controller = new AbortController();
    const downBefore = this.down.size;
    const end = () =>
      controller.signal.aborted ||
      controller.abort(
        Object.assign(new Error(`${PHASE_WORDS[name]} ran out of its ${seconds(budget)} budget`), {
          code: 'EPHASEBUDGET'
        })
      );
    const timer = setTimeout(end, budget);
    try {
      const phase: Phase = { name, signal: controller.signal, until: Date.now() + budget, end };
      return await scope.run({ deadlines: this, phase }, work);
    } finally {
      clearTimeout(timer);
      if (controller.signal.aborted && this.down.size === downBefore)
        this.cutShort.push(
          `${PHASE_WORDS[name]} took longer than its ${seconds(budget)} budget and was cut short: ${PHASE_LOSS[name]}. The build is not affected.`
        );
    }
  }

  /** The warnings not given yet: one per service that went down, one per phase cut short. */
  takeWarnings(): string[] {
    const out: string[] = [];
    for (const d of this.down.values()) {
      if (d.warned) continue;
      d.warned = true;
      out.push(
        `${d.service.name} (${d.origin}) ${d.why}: ${d.service.without}; the action goes on without it for the rest of this job. The build is not affected.`
      );
    }
    out.push(...this.cutShort.splice(0));
    return out;
  }
}
