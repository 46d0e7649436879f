/** "Did you mean" suggestions for misspelt attribute and input values. */

function distance(a: string, b: string): number {
  // Optimal string alignment distance: edits plus adjacent transpositions.
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

const fold = (s: string): string =>
  s
    .trim()
    .toLowerCase()
    .replace(/[-_.\s]/g, '');

/** The closest candidate, when it is close enough to be what the author meant. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const folded = fold(word);
  const exact = candidates.find((c) => fold(c) === folded);
  if (exact) return exact;
  let best: string | undefined;
  let bestScore = Infinity;
  for (const c of candidates) {
    const score = distance(folded, fold(c));
    if (score < bestScore) {
      best = c;
      bestScore = score;
    }
  }
  const limit = Math.max(1, Math.floor(Math.max(folded.length, 3) / 3));
  return best !== undefined && bestScore <= limit ? best : undefined;
}

/** ` (did you mean "x"?)` or nothing. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const s = closest(word, candidates);
  return s !== undefined && s !== word ? ` (did you mean "${s}"?)` : '';
}

/**
 * Words an author writes for a value under another name (folded as `fold` folds): `github` for gha, `full` for
 * max, `yes` for true. The first target that is among the candidates wins.
 */
const SYNONYMS: Record<string, readonly string[]> = {
  github: ['gha'],
  githubactions: ['gha'],
  actions: ['gha'],
  actionscache: ['gha'],
  githubcache: ['gha'],
  gh: ['gha'],
  docker: ['registry', 'docker-container'],
  oci: ['registry'],
  image: ['registry'],
  ghcr: ['registry'],
  ghcrio: ['registry'],
  ecr: ['registry'],
  aws: ['s3'],
  minio: ['s3'],
  r2: ['s3'],
  dir: ['local'],
  directory: ['local'],
  disk: ['local'],
  file: ['local'],
  full: ['max'],
  all: ['max'],
  maximum: ['max'],
  everything: ['max'],
  minimal: ['min'],
  minimum: ['min'],
  final: ['min'],
  yes: ['true'],
  y: ['true'],
  on: ['true'],
  enable: ['true'],
  enabled: ['true'],
  no: ['false', 'none'],
  n: ['false', 'none'],
  off: ['false', 'none'],
  disable: ['false', 'none'],
  disabled: ['false', 'none'],
  nocache: ['none'],
  default: ['auto'],
  automatic: ['auto'],
  clean: ['prune'],
  cleanup: ['prune'],
  delete: ['prune'],
  gc: ['prune']
};

/**
 * The valid value the author most likely meant, always one of the candidates: a synonym first, then the closest
 * spelling (ties go to the earlier candidate).
 */
function nearest(word: string, candidates: readonly string[]): string | undefined {
  const folded = fold(word);
  const synonym = SYNONYMS[folded]?.find((s) => candidates.includes(s));
  if (synonym !== undefined) return synonym;
  const exact = candidates.find((c) => fold(c) === folded);
  if (exact !== undefined) return exact;
  let best: string | undefined;
  let bestScore = Infinity;
  for (const c of candidates) {
    const score = distance(folded, fold(c));
    if (score < bestScore) [best, bestScore] = [c, score];
  }
  return best;
}

/** ` (did you mean "x"?)` with the nearest candidate, for a value that must be one of them. */
export function nearestHint(word: string, candidates: readonly string[]): string {
  const s = nearest(word, candidates);
  return s !== undefined && s !== word ? ` (did you mean "${s}"?)` : '';
}
