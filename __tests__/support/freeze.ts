/**
 * Deep freeze for the pure core's tests: objects and arrays are frozen (an assignment throws in ESM's strict
 * mode), and a Map's or Set's own mutators are replaced by ones that throw, since Object.freeze leaves a
 * Map's entries writable. Handing the core frozen arguments makes any edit of them fail the test.
 */
import { plan as planUnfrozen } from '../../src/plan/planner.js';

const refuse = (what: string) => () => {
  throw new TypeError(`the core edited a frozen ${what}`);
};

export function deepFreeze<T>(value: T, seen = new Set<unknown>()): T {
  if (value === null || typeof value !== 'object' || seen.has(value)) return value;
  seen.add(value);
  if (value instanceof Map) {
    for (const [k, v] of value) {
      deepFreeze(k, seen);
      deepFreeze(v, seen);
    }
    Object.assign(value, { set: refuse('Map'), delete: refuse('Map'), clear: refuse('Map') });
  } else if (value instanceof Set) {
    for (const v of value) deepFreeze(v, seen);
    Object.assign(value, { add: refuse('Set'), delete: refuse('Set'), clear: refuse('Set') });
  }
  for (const key of Reflect.ownKeys(value)) deepFreeze((value as Record<PropertyKey, unknown>)[key], seen);
  return Object.freeze(value);
}

/** The planner with every argument deep-frozen first: the planner's tests call this one. */
export const plan: typeof planUnfrozen = (inputs, rt, options) =>
  planUnfrozen(deepFreeze(inputs), deepFreeze(rt), deepFreeze(options));
