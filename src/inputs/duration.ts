/** `cache-timeout`: a duration as workflow authors write it (`90s`, `5m`, `1h`, `1m30s`, a bare number of seconds). */

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** The shortest wait accepted (0 aside): a healthy import of a cache manifest took up to ~30 s behind 1.5 s of latency per request. */
const MIN_TIMEOUT_MS = 10_000;
/** The longest: a job's own limit on a hosted runner (6 h). */
const MAX_TIMEOUT_MS = 6 * 3_600_000;

export type DurationReading = { ms: number } | { problem: 'not a duration' | 'too short' | 'too long' };

export function readDuration(text: string): DurationReading {
  const t = text.trim().toLowerCase();
  let ms: number;
  if (/^\d+$/.test(t)) ms = Number(t) * 1000;
  else if (/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(t))
    ms = [...t.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)].reduce((sum, m) => sum + Number(m[1]) * UNIT_MS[m[2]], 0);
  else return { problem: 'not a duration' };
  ms = Math.round(ms);
  if (ms === 0) return { ms };
  if (ms < MIN_TIMEOUT_MS) return { problem: 'too short' };
  if (ms > MAX_TIMEOUT_MS) return { problem: 'too long' };
  return { ms };
}
