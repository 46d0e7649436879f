/**
 * Which cache directories the action may delete. cache: local replaces `cache-dir` and `<cache-dir>.new`
 * wholesale, so it deletes only directories it created and marked as its own (a marker file inside), never
 * the checkout, the home directory, the root or anything above them. Pure: the shell gathers what is on disk.
 */
import * as path from 'node:path';

/** The file the action writes into every cache directory it creates. Not part of the content key. */
export const OWNER_MARK = '.envd-cache-action';
export const OWNER_MARK_TEXT =
  'This directory was created by envd-cache-action, which replaces it on every run. Do not keep other files here.\n';

/** What is on disk at a path (symbolic links are not followed). */
export interface DirFacts {
  kind: 'absent' | 'directory' | 'file' | 'symlink' | 'other';
  /** For a directory: how many entries it holds besides the marker. */
  entries?: number;
  /** For a directory: whether it holds the action's marker. */
  marked?: boolean;
}

/** A path as written, and with the symbolic links of its existing part resolved (when known). */
export interface Place {
  path: string;
  real?: string;
}

export interface Surroundings {
  workspace: Place;
  home?: Place;
}

/** The directory `cache-dir` names: relative to the workspace, or a problem (`..` is never accepted). */
export function resolveCacheDir(raw: string, workspace: string): { dir: string } | { problem: string } {
  if (raw.split(/[\\/]/).includes('..'))
    return {
      problem:
        'contains "..": give a directory inside the workspace or an absolute path without "..", or leave cache-dir empty for $RUNNER_TEMP/envd-cache/<scope>'
    };
  return { dir: path.resolve(workspace, raw) };
}

const inside = (child: string, parent: string) => {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
};

/** Why the action must never delete `target`: it is, or holds, the root, the workspace or the home directory. */
export function protectedPlace(target: Place, around: Surroundings): string | undefined {
  const forms = [target.path, target.real].filter((p): p is string => !!p);
  const named: [string, Place | undefined][] = [
    ['the workspace', around.workspace],
    ['the home directory', around.home]
  ];
  for (const form of forms) {
    if (path.resolve(form) === path.parse(path.resolve(form)).root) return 'is the root directory';
    for (const [what, place] of named)
      for (const p of [place?.path, place?.real])
        if (p && path.resolve(form) === path.resolve(p))
          return `is ${what}${what === 'the workspace' ? ' (relative paths, "." included, resolve against it)' : ''}`;
  }
  for (const form of forms)
    for (const [what, place] of named)
      for (const p of [place?.path, place?.real]) if (p && inside(p, form)) return `holds ${what}`;
  return undefined;
}

/** Whether the action may replace the directory at `target` (absent, empty, or marked as its own), or why not. */
export function deletionProblem(target: Place, around: Surroundings, facts: DirFacts): string | undefined {
  const place = protectedPlace(target, around);
  if (place) return place;
  switch (facts.kind) {
    case 'absent':
      return undefined;
    case 'symlink':
      return 'is a symbolic link; the action keeps its cache only in a directory it creates';
    case 'file':
    case 'other':
      return 'exists and is not a directory';
    case 'directory':
      if (facts.marked || !facts.entries) return undefined;
      return `holds files the action did not put there (it has no ${OWNER_MARK} marker); the action deletes only directories it created`;
  }
}

/** The fix a problem with cache-dir calls for. */
export const CACHE_DIR_FIX =
  'use a new or empty directory of its own (for example .envd-cache in the workspace or a path under $RUNNER_TEMP), or leave cache-dir empty for $RUNNER_TEMP/envd-cache/<scope>';
