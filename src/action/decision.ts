/**
 * One decision the action reports (the plan's, the budget's, a fleet choice's), with its reason: the record every
 * layer above writes and the summary shows. `plan/plan.ts` re-exports it beside `Plan`.
 */
export interface Decision {
  /** What was decided: scope, mode, export, import, credentials, … */
  topic: string;
  /** The outcome in a few words. */
  outcome: string;
  /** Why, in plain words. */
  reason: string;
}
