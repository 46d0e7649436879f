/**
 * A rule over the GitHub cache entries the action keeps besides BuildKit's (cache-mount archives, the hit-ratio
 * history): which ones a newer entry of the same slot supersedes, for pruning to delete. Pure.
 */

/**
 * Entries of the action's own that only the newest of their slot matters for (a restore takes the newest match):
 * every entry `slotOf` places (undefined: not such an entry) except the newest per slot, by creation, then id.
 */
export function allButNewest<E extends { id: number; key: string; createdAt: number }>(entries: readonly E[], slotOf: (e: E) => string | undefined): E[] {
  const newest = new Map<string, E>();
  for (const e of entries) {
    const slot = slotOf(e);
    if (slot === undefined) continue;
    const best = newest.get(slot);
    if (!best || e.createdAt > best.createdAt || (e.createdAt === best.createdAt && e.id > best.id)) newest.set(slot, e);
  }
  const keep = new Set(newest.values());
  return entries.filter((e) => slotOf(e) !== undefined && !keep.has(e));
}
