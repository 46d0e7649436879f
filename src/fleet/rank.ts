/**
 * Sticky routing: the builders of a fleet ranked per cache scope by rendezvous (highest-random-weight)
 * hashing. Each builder's weight for a scope is a hash of the pair; the scope goes to the heaviest. The order
 * depends only on the scope and the set of addresses (not on the order written), and adding or removing a
 * builder moves only the scopes whose heaviest builder it is: about 1/N of them.
 */
import { createHash } from 'node:crypto';
import type { Decision } from '../action/decision.js';

/** The weight of `address` for `scope`: the first 8 bytes of SHA-256 over both, as an unsigned integer. */
function weight(scope: string, address: string): bigint {
  return createHash('sha256').update(scope).update('\0').update(address).digest().readBigUInt64BE(0);
}

/** The addresses, heaviest first for this scope (ties, which SHA-256 makes vanishingly rare, by address). */
export function rank<T extends { text: string }>(scope: string, addresses: readonly T[]): T[] {
  const weighted = addresses.map((a) => ({ a, w: weight(scope, a.text) }));
  weighted.sort((x, y) => (x.w === y.w ? (x.a.text < y.a.text ? -1 : 1) : x.w > y.w ? -1 : 1));
  return weighted.map((x) => x.a);
}

/** The plan's word on the builder: the ranking for this scope, made before anything is asked. */
export function fleetDecision(scope: string, addresses: readonly { text: string }[]): Decision {
  if (addresses.length === 1)
    return {
      topic: 'builder',
      outcome: addresses[0].text,
      reason: 'a running buildkitd given by address; used when it answers ListWorkers'
    };
  const ranked = rank(scope, addresses).map((a) => a.text);
  return {
    topic: 'builder',
    outcome: `fleet of ${ranked.length}`,
    reason: `ranked for this scope by rendezvous hashing: ${ranked.join(', ')}; the build runs on the first that answers ListWorkers`
  };
}
