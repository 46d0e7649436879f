/**
 * The shell side of the ownership rule (ownership.ts): what is on disk, and the only deletions cache: local
 * does. Free of @actions/cache so that the preflight can use it without loading it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { echo } from '../../text/text.js';
import {
  CACHE_DIR_FIX,
  deletionProblem,
  type DirFacts,
  OWNER_MARK,
  OWNER_MARK_TEXT,
  type Place,
  resolveCacheDir,
  type Surroundings
} from '../../local/ownership.js';

/** What is at a path, without following a symbolic link there. */
export function inspectDir(p: string): DirFacts {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(p);
  } catch {
    return { kind: 'absent' };
  }
  if (st.isSymbolicLink()) return { kind: 'symlink' };
  if (st.isFile()) return { kind: 'file' };
  if (!st.isDirectory()) return { kind: 'other' };
  const names = fs.readdirSync(p);
  return {
    kind: 'directory',
    entries: names.filter((n) => n !== OWNER_MARK).length,
    marked: names.includes(OWNER_MARK)
  };
}

/** A path with the symbolic links of its existing part resolved. */
export function placeOf(p: string): Place {
  const abs = path.resolve(p);
  let existing = abs;
  const rest: string[] = [];
  for (;;) {
    try {
      return { path: abs, real: path.join(fs.realpathSync(existing), ...rest) };
    } catch {
      const parent = path.dirname(existing);
      if (parent === existing) return { path: abs };
      rest.unshift(path.basename(existing));
      existing = parent;
    }
  }
}

export function surroundingsOf(workspace: string, home: string | undefined): Surroundings {
  return { workspace: placeOf(workspace), home: home ? placeOf(home) : undefined };
}

/** Preflight of an explicit cache-dir: the directory and its export twin `<cache-dir>.new`. Messages, no effects. */
export function cacheDirProblems(raw: string, workspace: string, home: string | undefined): string[] {
  if (/[\\/]$/.test(raw) && raw.replace(/[\\/]+$/, '') !== '')
    return [`"${echo(raw)}" ends with a slash; write it without one (the export goes to "<cache-dir>.new" beside it)`];
  const resolved = resolveCacheDir(raw, workspace);
  if ('problem' in resolved) return [`"${echo(raw)}" ${resolved.problem}`];
  const around = surroundingsOf(workspace, home);
  const problems: string[] = [];
  for (const [label, dir] of [
    ['', resolved.dir],
    ['.new', `${resolved.dir}.new`]
  ] as const) {
    const problem = deletionProblem(placeOf(dir), around, inspectDir(dir));
    if (problem) problems.push(`"${echo(raw)}${label}" (${echo(dir)}) ${problem}; ${CACHE_DIR_FIX}`);
  }
  return problems;
}

/** Empties `dir` for a new cache if the action may (absent, empty or marked), then creates it with the marker. */
export function claimDir(dir: string, around: Surroundings): void {
  const facts = inspectDir(dir);
  const problem = deletionProblem(placeOf(dir), around, facts);
  if (problem) throw new Error(`cache: local: ${echo(dir)} ${problem}; it was left untouched. ${CACHE_DIR_FIX}`);
  if (facts.kind === 'directory' && facts.marked) fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, OWNER_MARK), OWNER_MARK_TEXT);
}

/** Deletes `dir` only when it is the action's own (marked); returns why it was kept otherwise. */
export function releaseDir(dir: string, around: Surroundings): string | undefined {
  const facts = inspectDir(dir);
  if (facts.kind === 'absent') return undefined;
  const problem =
    deletionProblem(placeOf(dir), around, facts) ??
    (facts.kind === 'directory' && !facts.marked ? `has no ${OWNER_MARK} marker` : undefined);
  if (problem) return `${echo(dir)} ${problem}; it was left untouched`;
  fs.rmSync(dir, { recursive: true, force: true });
  return undefined;
}
