/**
 * The GitHub cache entries the action keeps besides BuildKit's (cache-mount archives, the hit-ratio history): which
 * ones a newer entry of the same slot supersedes, for pruning to delete, and the history's keys (its record is
 * report/history.ts). Pure.
 */

/**
 * Entries of the action's own that only the newest of their slot matters for (a restore takes the newest match):
 * every entry `slotOf` places (undefined: not such an entry) except the newest per slot, by creation, then id.
 */
export function allButNewest<E extends { id: number; key: string; createdAt: number }>(
  entries: readonly E[],
  slotOf: (e: E) => string | undefined
): E[] {
  const newest = new Map<string, E>();
  for (const e of entries) {
    const slot = slotOf(e);
    if (slot === undefined) continue;
    const best = newest.get(slot);
    if (!best || e.createdAt > best.createdAt || (e.createdAt === best.createdAt && e.id > best.id))
      newest.set(slot, e);
  }
  const keep = new Set(newest.values());
  return entries.filter((e) => slotOf(e) !== undefined && !keep.has(e));
}

/** Every history entry's key starts with this; the budget's pruning treats all but a scope's newest as superseded. */
const HISTORY_KEY_PREFIX = 'envd-history-';

/** The restore prefix of a scope's entries. */
export const historyKeyPrefix = (scope: string) => `${HISTORY_KEY_PREFIX}${scope}#`;
/** One entry per run attempt: a key is never written twice. */
export const historyKey = (scope: string, run: string, attempt: number) =>
  `${historyKeyPrefix(scope)}${run}-${attempt}`;

const HISTORY_KEY = /^envd-history-(.+)#(\d{1,20})-(\d{1,4})$/;

/** `envd-history-<scope>#<run>-<attempt>` → its parts; undefined for any other key. */
export function parseHistoryKey(key: string): { scope: string; run: string; attempt: number } | undefined {
  const m = HISTORY_KEY.exec(key);
  return m ? { scope: m[1], run: m[2], attempt: Number(m[3]) } : undefined;
}

/**
 * For the budget's pruning: the history entries a later one supersedes. Per ref and scope only the newest
 * (by creation, then id) is ever restored, so every older one is dead weight. Pure; other keys are ignored.
 */
export function supersededHistoryEntries<E extends { id: number; key: string; ref: string; createdAt: number }>(
  entries: E[]
): E[] {
  return allButNewest(entries, (e) => {
    const k = parseHistoryKey(e.key);
    return k && `${e.ref}\n${k.scope}`;
  });
}
