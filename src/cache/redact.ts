/**
 * Finds secret-bearing values in text that may not parse (broken CSV, a field without `=`, `key:value`,
 * a URL with userinfo or a signed query) and replaces them by ***. Pure; used on every raw input before
 * the first line is written, on error messages, and on the attribute values the outputs and summary show.
 *
 * What counts as a secret:
 * - the value of a credential name (`token`, `ghtoken`, `secret_access_key`, `session_token`,
 *   `access_key_id`, `password`, …) after `=` or `:`, in any case;
 * - a query parameter that carries a credential (`X-Amz-Security-Token`, `X-Amz-Signature`,
 *   `X-Amz-Credential`, `sig`, `token`, …);
 * - the password of URL userinfo (`scheme://user:PASS@host` and a bare `user:PASS@host/…`), and a lone
 *   userinfo that looks like a token (`https://TOKEN@host`).
 *
 * `access_key_id` is treated as a secret: alone it grants nothing, but it names the account and is half
 * of the credential; AWS's own actions mask it too.
 */

import { echo } from '../text/text.js';

export const REDACTED = '***';

/** Names whose value is a credential, lowercase. Compared case-insensitively, `-` and `_` alike. */
const SECRET_NAMES = [
  // BuildKit cache attributes (gha, s3, azblob) and their environment variables
  'token',
  'ghtoken',
  'secret_access_key',
  'session_token',
  'access_key_id',
  'aws_secret_access_key',
  'aws_session_token',
  'aws_access_key_id',
  'actions_runtime_token',
  'github_token',
  'github-token',
  // general credential names (registries, buildkitd configuration, URLs)
  'password',
  'passwd',
  'secret',
  'client_secret',
  'api_key',
  'apikey',
  'access_token',
  'refresh_token',
  'id_token',
  'auth',
  'authorization',
  'account_key',
  'private_key',
  // signed URLs: S3 presigned, Azure SAS
  'x-amz-security-token',
  'x-amz-signature',
  'x-amz-credential',
  'sig',
  'signature'
];

const fold = (name: string) => name.toLowerCase().replace(/-/g, '_');
const NAMES = new Set(SECRET_NAMES.map(fold));

/** Last words that make any name a credential name: `aws_session_token`, `registry-password`, … */
const SECRET_SUFFIXES = [
  'token',
  'password',
  'passwd',
  'secret',
  'signature',
  'credential',
  'secret_access_key',
  'access_key_id'
];

/** True when a key (attribute, query parameter, TOML key) carries a credential. */
export function isSecretName(name: string): boolean {
  const n = fold(name.trim());
  return NAMES.has(n) || SECRET_SUFFIXES.some((s) => n.endsWith(`_${s}`) || n.endsWith(`.${s}`));
}

interface Span {
  start: number;
  end: number;
}

/** Where the value that starts at `i` ends: a quoted value to its closing quote, else at a separator. */
function valueEnd(text: string, i: number, inQuery: boolean, quotedField: boolean): Span | undefined {
  const q = text[i];
  if (q === '"' || q === "'") {
    // To the closing quote, or (unclosed) to the end of the line.
    let end = i + 1;
    while (end < text.length && text[end] !== q && text[end] !== '\n' && text[end] !== '\r') end++;
    return end > i + 1 ? { start: i + 1, end } : undefined;
  }
  // Inside a quoted CSV field ("key=a,b") the value runs to the closing quote.
  const stops = quotedField ? /["\r\n]/ : inQuery ? /[\s,"'&#;]/ : /[\s,"']/;
  let end = i;
  while (end < text.length && !stops.test(text[end])) end++;
  return end > i ? { start: i, end } : undefined;
}

/** Spans of `name=value` / `name: value` / `name = "value"` / `?name=value` credentials. */
function namedSpans(text: string): Span[] {
  const spans: Span[] = [];
  const re = /[A-Za-z0-9_.-]+/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (!isSecretName(m[0])) continue;
    let i = m.index + m[0].length;
    // A quoted key, as in JSON ("token": "…").
    const before0 = text[m.index - 1];
    if ((before0 === '"' || before0 === "'") && text[i] === before0) i++;
    while (text[i] === ' ' || text[i] === '\t') i++;
    // `=` or `:`, but not `://` (a scheme is not a key).
    if (text[i] !== '=' && !(text[i] === ':' && text[i + 1] !== '/')) continue;
    i++;
    while (text[i] === ' ' || text[i] === '\t') i++;
    const before = text[m.index - 1];
    const inQuery = before === '?' || before === '&' || before === ';';
    const quotedField = before === '"' && (m.index < 2 || text[m.index - 2] === ',' || /\s/.test(text[m.index - 2]));
    const span = valueEnd(text, i, inQuery, quotedField);
    if (span) spans.push(span);
  }
  return spans;
}

/** Spans of URL userinfo passwords, and of a lone token-like userinfo after a scheme. */
function userinfoSpans(text: string): Span[] {
  const spans: Span[] = [];
  // scheme://userinfo@
  // (The lookbehind keeps this linear on a long run of letters.)
  const withScheme = /(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]*:\/\/([^\s/?#@,"']+)@/g;
  for (let m = withScheme.exec(text); m; m = withScheme.exec(text)) {
    const info = m[1];
    const start = m.index + m[0].length - 1 - info.length;
    const colon = info.indexOf(':');
    if (colon >= 0) {
      if (colon + 1 < info.length) spans.push({ start: start + colon + 1, end: start + info.length });
    } else if (info.length >= 20) spans.push({ start, end: start + info.length });
  }
  // A bare user:pass@host at the start of a value (after start, =, comma, space or a quote), as in
  // cache-ref or output name=. Not an image's tag@digest: the user part is not preceded by "/".
  const bare = /(^|[=,\s"'])([^\s/@:,="']+):([^\s/@,"']+)@(?!sha\d+:)[A-Za-z0-9[]/g;
  for (let m = bare.exec(text); m; m = bare.exec(text)) {
    const start = m.index + m[1].length + m[2].length + 1;
    spans.push({ start, end: start + m[3].length });
  }
  return spans;
}

function spansOf(text: string): Span[] {
  const all = [...namedSpans(text), ...userinfoSpans(text)].sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: Span[] = [];
  for (const s of all) {
    const last = merged[merged.length - 1];
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else merged.push({ ...s });
  }
  return merged;
}

/** Every secret value found in the text, as it appears there (and URL-decoded, when that differs). */
export function findSecrets(text: string): string[] {
  const found = new Set<string>();
  for (const s of spansOf(text)) {
    const value = text.slice(s.start, s.end);
    if (value === REDACTED) continue;
    found.add(value);
    try {
      const decoded = decodeURIComponent(value);
      if (decoded !== value && decoded !== '') found.add(decoded);
    } catch {
      // not URL-encoded
    }
  }
  return [...found];
}

/** The text with every secret found in it replaced by ***. */
export function redactText(text: string): string {
  let out = '';
  let at = 0;
  for (const s of spansOf(text)) {
    out += text.slice(at, s.start) + REDACTED;
    at = s.end;
  }
  return out + text.slice(at);
}

/**
 * The text with every known secret value (longest first) replaced by ***. For text the action wrote
 * itself (an error message), where `redactText` would take words after "token:" for values.
 */
export function redactKnown(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const s of [...new Set(secrets)].filter((v) => v !== '' && v !== REDACTED).sort((a, b) => b.length - a.length))
    out = out.split(s).join(REDACTED);
  return out;
}

/**
 * A value quoted in an error: its secrets replaced by ***, then one line, control characters visible,
 * capped (`echo`), so a 100 KB input or a forged workflow command is never written whole.
 */
export function quoted(value: string): string {
  return `"${echo(redactText(value))}"`;
}
