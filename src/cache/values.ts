/** Value checkers shared by the cache attributes and the action's inputs. Each returns a problem or undefined. */
import { quoted } from './redact.js';
import { nearestHint } from './suggest.js';

export type Check = (value: string) => string | undefined;

const GO_BOOLS = ['1', 't', 'T', 'TRUE', 'true', 'True', '0', 'f', 'F', 'FALSE', 'false', 'False'];

/** Go's strconv.ParseBool, which BuildKit uses for its boolean attributes. */
export function parseGoBool(value: string): boolean | undefined {
  if (!GO_BOOLS.includes(value)) return undefined;
  return ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value);
}

export const goBool: Check = (v) =>
  parseGoBool(v) === undefined ? `${quoted(v)} is not a boolean; use true or false` : undefined;

/** force-compression: an empty value means true. */
export const goBoolOrEmpty: Check = (v) => (v === '' ? undefined : goBool(v));

export const oneOf =
  (...allowed: string[]): Check =>
  (v) =>
    allowed.includes(v)
      ? undefined
      : `${quoted(v)} is not one of ${allowed.join(', ')}${quoted(v).includes('***') ? '' : nearestHint(v, allowed)}`;

export const integer: Check = (v) => (/^[+-]?\d+$/.test(v) ? undefined : `${quoted(v)} is not an integer`);

export const positiveInteger: Check = (v) =>
  /^\+?\d+$/.test(v) && Number(v) >= 1 ? undefined : `${quoted(v)} is not a positive integer`;

const DURATION = /^[+-]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/;

/** Go's time.ParseDuration grammar: 90s, 10m, 1h30m, 0. */
export const goDuration: Check = (v) =>
  v === '0' || DURATION.test(v) ? undefined : `${quoted(v)} is not a duration such as 10m or 90s`;

export const sha256Digest: Check = (v) =>
  /^sha256:[a-f0-9]{64}$/.test(v)
    ? undefined
    : `${quoted(v)} is not a digest: write sha256: followed by 64 lowercase hex digits`;

export const nonEmpty: Check = (v) => (v.trim() === '' ? 'is empty' : undefined);
