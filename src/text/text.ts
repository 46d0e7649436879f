/**
 * Values the action echoes into logs, annotations and the job summary. A value can come from a hostile
 * pull request (a directory name, a branch, an input), so it is shown on one line with its control
 * characters made visible, and capped: no value can start a workflow command, break a table or flood a
 * log. Pure.
 */

/** The most characters of one value the action echoes. */
export const MAX_ECHO = 200;

const CONTROL = /[\u0000-\u001f\u007f\u0085\u2028\u2029]/g;

function visible(c: string): string {
  switch (c) {
    case '\r':
      return '\\r';
    case '\n':
      return '\\n';
    case '\t':
      return '\\t';
    default:
      return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  }
}

/** One line, control characters shown as escapes, at most `max` characters (then an ellipsis). */
export function echo(value: string, max = MAX_ECHO): string {
  const line = value.replace(CONTROL, visible);
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** A Markdown table cell: echoed, with pipes escaped. */
export function cell(value: string, max = MAX_ECHO): string {
  return echo(value, max).replace(/\|/g, '\\|');
}

/** Inline Markdown code: echoed, backticks made harmless, pipes escaped for use inside a table. */
export function code(value: string, max = MAX_ECHO): string {
  return '`' + cell(value, max).replace(/`/g, "'") + '`';
}

/** Whether a value holds a character that could end a log line or hide as one. */
function hasControl(value: string): boolean {
  return new RegExp(CONTROL.source).test(value);
}

/** The most characters of one argument in a logged command line. */
const MAX_ARG = 1000;

/**
 * One argument of a logged command line, for reading only (the action never runs a shell): bare when it is
 * plain, '…' when it has spaces or quotes, $'…' with escapes when it holds control characters, so the line
 * stays one line. Capped at `max` characters.
 */
export function shellArg(value: string, max = MAX_ARG): string {
  const capped = value.length > max ? `${value.slice(0, max - 1)}…` : value;
  if (/^[\w@%+=:,./-]+$/.test(capped)) return capped;
  if (!hasControl(capped)) return `'${capped.replace(/'/g, `'\\''`)}'`;
  return `$'${capped.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(CONTROL, visible)}'`;
}

/** The most characters of one sentence the action composes around values (a reason, a warning, a problem). */
export const MAX_SENTENCE = 1000;

/** Decimal units, as GitHub states its limits: 1.5 GB, 320 MB, 12 KB, 0 B. */
export function formatSize(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = Math.abs(bytes);
  let i = 0;
  while (value >= 1000 && i < units.length - 1) {
    value /= 1000;
    i++;
  }
  const sign = bytes < 0 ? '-' : '';
  return i === 0 ? `${sign}${value} B` : `${sign}${value.toFixed(1)} ${units[i]}`;
}
