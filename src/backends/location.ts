/**
 * Where a registry or s3 cache lives, per branch. GitHub isolates refs only for its own cache; a registry
 * tag or an S3 name is shared by every branch, so the action adds the branch itself: the default branch
 * owns `<base>`, every other ref writes `<base>-<suffix>`, where the suffix is readable and ends in a hash
 * of the full ref, so no branch name can sanitize into the default branch's entry or another branch's.
 * Pure.
 */
import { createHash } from 'node:crypto';
import type { Runtime } from '../runtime/runtime.js';
import { sanitize } from '../cache/scope.js';

export interface Candidate {
  /** The entry name: a registry tag or an S3 name. */
  name: string;
  /** Whose entry this is, for the log. */
  owner: string;
}

export interface Locations {
  /** Where this run exports, when it may. */
  write: Candidate;
  /** Import candidates, best first: the run's own entry, the pull request base's, the default branch's. */
  reads: Candidate[];
}

/** Registry tags are at most 128 characters of [A-Za-z0-9_.-]; the suffix keeps well inside that. */
const MAX_SUFFIX = 40;

const hash = (ref: string) => createHash('sha256').update(ref).digest('hex').slice(0, 7);

/** `feature/Login` on refs/heads → `feature-login-1a2b3c4`; a tag → `tag-v1.0-…`; PR 12 → `pr-12`. */
export function refSuffix(ref: string): string {
  const pr = /^refs\/pull\/(\d+)\//.exec(ref);
  if (pr) return `pr-${pr[1]}`;
  const tag = /^refs\/tags\/(.+)$/.exec(ref);
  const branch = /^refs\/heads\/(.+)$/.exec(ref);
  const words = tag ? `tag-${tag[1]}` : branch ? branch[1] : ref.replace(/^refs\//, '');
  const readable = sanitize(words, MAX_SUFFIX - 8);
  return readable ? `${readable}-${hash(ref)}` : hash(ref);
}

const withSuffix = (base: string, suffix: string | undefined) => (suffix ? `${base}-${suffix}` : base);

export function locations(base: string, rt: Runtime): Locations {
  const defaultRef = rt.defaultBranch ? `refs/heads/${rt.defaultBranch}` : undefined;
  const defaultEntry: Candidate = {
    name: base,
    owner: rt.defaultBranch ? `the default branch ${rt.defaultBranch}` : 'the default branch'
  };
  // A pull request's own entry is keyed by its number, whatever ref the event carries (pull_request_target runs on the base).
  const ownRef = rt.pullRequest ? `refs/pull/${rt.pullRequest.number}/merge` : rt.ref;
  const onDefault = !rt.pullRequest && defaultRef !== undefined && ownRef === defaultRef;
  if (onDefault || !ownRef) return { write: defaultEntry, reads: [defaultEntry] };
  const own: Candidate = {
    name: withSuffix(base, refSuffix(ownRef)),
    owner: rt.pullRequest ? `pull request #${rt.pullRequest.number}` : ownRef.replace(/^refs\/(heads|tags)\//, '')
  };
  const reads = [own];
  const baseRef = rt.pullRequest?.baseRef ? `refs/heads/${rt.pullRequest.baseRef}` : undefined;
  if (baseRef && baseRef !== defaultRef)
    reads.push({
      name: withSuffix(base, refSuffix(baseRef)),
      owner: `the pull request base ${rt.pullRequest!.baseRef}`
    });
  reads.push(defaultEntry);
  return { write: own, reads };
}

export type Existence = boolean | undefined;

/** Picks the first candidate known to exist; when nothing could be checked, the default branch's entry. */
export function chooseImport(
  reads: Candidate[],
  exists: Existence[],
  why?: string
): { choice: Candidate; reason: string } {
  const found = reads.findIndex((_, i) => exists[i] === true);
  if (found >= 0) {
    const skipped = reads.slice(0, found).map((c) => c.owner);
    return {
      choice: reads[found],
      reason: `${reads[found].owner} has a cache${skipped.length ? ` (${skipped.join(', ')}: none yet)` : ''}`
    };
  }
  const last = reads[reads.length - 1];
  if (exists.every((e) => e === false))
    return {
      choice: last,
      reason: `no cache exists yet for ${reads.map((c) => c.owner).join(', ')}; importing ${last.owner}'s, which the next push there creates`
    };
  return { choice: last, reason: `existence could not be checked${why ? ` (${why})` : ''}; importing ${last.owner}'s` };
}
