/**
 * The auto scope: one name per build, identical on every branch (GitHub isolates refs itself and BuildKit's
 * gha importer reads the same name from every readable ref), distinct per workflow, job, matrix entry,
 * platform and path/from. Short, readable, sanitized and stable.
 */
import { createHash } from 'node:crypto';

export interface ScopeParts {
  workflow: string;
  job: string;
  /** Canonical matrix JSON or plain text. */
  matrix?: string;
  platform?: string;
  path: string;
  from: string;
}

export const MAX_SCOPE = 64;

export function sanitize(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-._]+|[-._]+$/g, '');
}

/** The matrix entry's values in key order: {"os":"ubuntu","py":"3.11"} → ["ubuntu", "3.11"]. */
function matrixWords(matrix: string | undefined): string[] {
  if (!matrix) return [];
  try {
    const value: unknown = JSON.parse(matrix);
    if (value !== null && typeof value === 'object' && !Array.isArray(value))
      return Object.values(value).map((v) => (typeof v === 'object' ? '' : String(v)));
    return [String(value)];
  } catch {
    return [matrix];
  }
}

function normalizePath(path: string): string {
  const p = path.replace(/\\/g, '/').replace(/\/+$/, '').replace(/^\.\//, '');
  return p === '' ? '.' : p;
}

export function autoScope(parts: ScopeParts): string {
  const identity = JSON.stringify([parts.workflow, parts.job, parts.matrix ?? '', parts.platform ?? '', normalizePath(parts.path), parts.from]);
  const hash = createHash('sha256').update(identity).digest('hex').slice(0, 8);
  const words = [parts.job, ...matrixWords(parts.matrix), parts.platform ?? ''].map(sanitize).filter((w) => w !== '');
  let readable = sanitize(words.join('-')) || 'envd';
  const room = MAX_SCOPE - hash.length - 1;
  if (readable.length > room) readable = readable.slice(0, room).replace(/[-._]+$/, '');
  return `${readable}-${hash}`;
}
