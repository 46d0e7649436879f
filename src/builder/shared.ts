/**
 * One buildkitd per job. The call of the action that starts buildkitd writes a small record under
 * RUNNER_TEMP; a later call in the same job (each `uses:` has its own STATE, so state cannot tell it)
 * finds the record and uses that buildkitd, with its local cache, when it is the one this call would have
 * started: same BuildKit version, same buildkitd-flags, same buildkitd-config-inline, and still answering.
 * Otherwise the later call starts its own (own root, own socket) and logs why. Pure: no I/O here.
 */
import { createHash } from 'node:crypto';
import { echo } from '../text/text.js';
import { splitFlags } from './args.js';

/** What a call would start buildkitd with. */
export interface SharedWish {
  /** The BuildKit release tag (the tool-cache directory follows from it). */
  version: string;
  /** `buildkitd-flags` as typed. */
  flags: string;
  /** `buildkitd-config-inline` as typed (the action's own per-call additions are not part of it). */
  config: string;
}

/** The record file, `$RUNNER_TEMP/<recordFileName>`: JSON, written once the daemon answers. */
export interface SharedRecord {
  schema: 1;
  version: string;
  /** sha256 of the normalised flags and config: never the text itself. */
  flags: string;
  config: string;
  pid: number;
  sudo: boolean;
  buildctlAddr: string;
  envdAddress: string;
  /** The daemon's own directory under RUNNER_TEMP: socket, log, config and root. */
  dir: string;
  root: string;
  logFile: string;
}

export interface Liveness {
  /** The recorded pid runs (a zombie does not). */
  running: boolean;
  /** `buildctl debug workers` answers on the recorded address. */
  answers: boolean;
}

export type ReuseDecision = { reuse: true } | { reuse: false; why: string };

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Flags as buildkitd receives them (split like a shell would), so blanks and quoting do not count. */
function normalFlags(flags: string): string {
  try {
    return JSON.stringify(splitFlags(flags));
  } catch {
    return flags.trim(); // invalid flags never start a daemon; compare the text
  }
}

export function sharedFingerprint(w: SharedWish): { version: string; flags: string; config: string } {
  return { version: w.version, flags: sha256(normalFlags(w.flags)), config: sha256(w.config.trim()) };
}

/** One record per version and configuration, so a CPU and a GPU variant in one job each find their own. */
export function recordFileName(w: SharedWish): string {
  const fp = sharedFingerprint(w);
  return `envd-cache-buildkitd-${sha256(`${fp.version}\n${fp.flags}\n${fp.config}`).slice(0, 16)}.json`;
}

export const RECORD_PATTERN = /^envd-cache-buildkitd-[0-9a-f]{16}\.json$/;

function isRecord(r: unknown): r is SharedRecord {
  if (typeof r !== 'object' || r === null) return false;
  const o = r as Record<string, unknown>;
  const strings = ['version', 'flags', 'config', 'buildctlAddr', 'envdAddress', 'dir', 'root', 'logFile'];
  return (
    o.schema === 1 &&
    Number.isInteger(o.pid) &&
    (o.pid as number) > 0 &&
    typeof o.sudo === 'boolean' &&
    strings.every((k) => typeof o[k] === 'string')
  );
}

/** Whether this call may use the recorded buildkitd; if not, a reason for the log ("not reused: <why>"). */
export function decideReuse(record: unknown, wish: SharedWish, live: Liveness): ReuseDecision {
  if (!isRecord(record)) return { reuse: false, why: 'its record is not one this action version understands' };
  const fp = sharedFingerprint(wish);
  if (record.version !== fp.version)
    return { reuse: false, why: `it runs BuildKit ${echo(record.version)} and this call wants ${echo(wish.version)}` };
  if (record.flags !== fp.flags) return { reuse: false, why: 'it was started with other buildkitd-flags' };
  if (record.config !== fp.config) return { reuse: false, why: 'it was started with another buildkitd-config-inline' };
  if (!live.running) return { reuse: false, why: `its process ${record.pid} is no longer running` };
  if (!live.answers) return { reuse: false, why: `its socket ${echo(record.buildctlAddr)} does not answer` };
  return { reuse: true };
}
