/**
 * The cache-flag model: one `--export-cache` or `--import-cache` value, parsed from and serialized to
 * BuildKit's CSV grammar, and validated per backend and direction.
 */
import { ATTRIBUTES, CACHE_TYPES, type CacheType, crossChecks, type Direction, REQUIRED } from './attributes.js';
import { backendOfType } from './index.js';
import { CsvError, formatCsvRecord, parseCsvRecord } from '../cache/csv.js';
import type { Parsed } from '../cache/image-ref.js';
import { echo } from '../text/text.js';
import { findSecrets, isSecretName, quoted, REDACTED, redactText } from '../cache/redact.js';
import { didYouMean, nearestHint } from '../cache/suggest.js';

export interface CacheSpec {
  type: string;
  /** Attributes in the order they were given; keys are lowercase, as envd makes them. */
  attrs: Map<string, string>;
}

export function cacheSpec(type: string, attrs: Iterable<[string, string]> = []): CacheSpec {
  return { type, attrs: new Map(attrs) };
}

/** Parses `key=value` fields (already split from CSV) into an ordered map, refusing envd's silent traps. */
export function parseFields(fields: readonly string[]): Parsed<Map<string, string>> {
  const attrs = new Map<string, string>();
  for (const field of fields) {
    const eq = field.indexOf('=');
    if (eq < 0) {
      const hint =
        field.trim() === ''
          ? 'remove the empty field (a stray comma?)'
          : `write ${echo(redactText(field.trim()))}=true or ${echo(redactText(field.trim()))}=<value>`;
      return { ok: false, problem: `${quoted(field)} has no "=": ${hint}` };
    }
    const key = field.slice(0, eq).toLowerCase();
    if (attrs.has(key)) return { ok: false, problem: `${quoted(key)} is given twice: keep one` };
    attrs.set(key, field.slice(eq + 1));
  }
  return { ok: true, value: attrs };
}

/** Parses one flag value such as `type=registry,ref=ghcr.io/org/env:cache,mode=max`. */
export function parseCacheSpec(text: string): Parsed<CacheSpec> {
  if (text.trim() === '') return { ok: false, problem: 'is empty' };
  let fields: string[];
  try {
    fields = parseCsvRecord(text);
  } catch (e) {
    if (e instanceof CsvError)
      return {
        ok: false,
        problem: `cannot be read as CSV (${e.message}); quote a whole field that holds a comma or quote, e.g. "name=a,b"`
      };
    throw e;
  }
  if (!text.includes('type=')) {
    return {
      ok: false,
      problem: `has no type=; envd would silently read it as a registry ref: write type=registry,ref=${echo(redactText(text.trim()))} or another type`
    };
  }
  const parsed = parseFields(fields);
  if (!parsed.ok) return parsed;
  const attrs = parsed.value;
  const type = attrs.get('type');
  if (type === undefined) return { ok: false, problem: 'requires type=<type>, e.g. type=gha' };
  attrs.delete('type');
  return { ok: true, value: { type, attrs } };
}

export function isBackend(type: string): type is CacheType {
  return (CACHE_TYPES as readonly string[]).includes(type);
}

export interface ValidateOptions {
  /** Check that required attributes are present (off while a value is still being assembled). */
  complete?: boolean;
}

/** Every problem with a value for one direction, in plain words; empty when valid. */
export function validateCacheSpec(spec: CacheSpec, direction: Direction, options: ValidateOptions = {}): string[] {
  const flag = direction === 'export' ? '--export-cache' : '--import-cache';
  if (!isBackend(spec.type)) {
    const caseHint = isBackend(spec.type.toLowerCase())
      ? ` (type is case-sensitive: write "${spec.type.toLowerCase()}")`
      : nearestHint(spec.type, CACHE_TYPES);
    return [
      `type=${echo(spec.type)} is not a cache type this action supports${caseHint}; use one of ${CACHE_TYPES.join(', ')}`
    ];
  }
  const noImporter = backendOfType(spec.type)?.readBack?.noImporter;
  if (noImporter && direction === 'import') return [noImporter];
  const rules = ATTRIBUTES[spec.type];
  const problems: string[] = [];
  for (const [key, value] of spec.attrs) {
    const rule = rules[key];
    if (!rule) {
      problems.push(`unknown attribute ${quoted(key)} for type=${spec.type}${didYouMean(key, Object.keys(rules))}`);
      continue;
    }
    if (rule.refused) {
      problems.push(`${key} ${rule.refused}`);
      continue;
    }
    if (!rule.in.includes(direction)) {
      problems.push(
        `${key} applies only to ${rule.in.includes('export') ? '--export-cache' : '--import-cache'}, not to ${flag}`
      );
      continue;
    }
    const problem = rule.check?.(value);
    if (problem) problems.push(`${key}: ${problem}`);
  }
  if (options.complete) {
    for (const key of REQUIRED[spec.type][direction]) {
      if (!spec.attrs.has(key)) problems.push(`type=${spec.type} needs ${key}= in ${flag}`);
    }
  }
  if (problems.length === 0) problems.push(...crossChecks(spec.type, direction, spec.attrs, options.complete === true));
  return problems;
}

/** Credential attribute names of every backend, so that even a value of an unknown type is redacted. */
const SECRET_KEYS = new Set(
  Object.values(ATTRIBUTES).flatMap((rules) =>
    Object.entries(rules)
      .filter(([, r]) => r.secret)
      .map(([k]) => k)
  )
);

/** A credential attribute: a backend's secret, or any name that carries one (password, sig, …). */
const isSecretKey = (key: string) => SECRET_KEYS.has(key) || isSecretName(key);

function render(spec: CacheSpec, { redact }: { redact: boolean }): string {
  const fields = [`type=${spec.type}`];
  for (const [k, v] of spec.attrs) fields.push(`${k}=${!redact ? v : isSecretKey(k) ? REDACTED : redactText(v)}`);
  return formatCsvRecord(fields);
}

/** The exact value given to envd. */
export function serializeCacheSpec(spec: CacheSpec): string {
  return render(spec, { redact: false });
}

/**
 * The value with every credential replaced by ***, for logs, outputs and the summary: credential
 * attributes whole, and URL userinfo and credential query parameters inside any other value.
 */
export function redactCacheSpec(spec: CacheSpec): string {
  return render(spec, { redact: true });
}

/** The credential values a spec carries, to register as secrets before anything is logged. */
export function secretsOf(spec: CacheSpec): string[] {
  const out = new Set<string>();
  for (const [k, v] of spec.attrs) {
    if (v === '') continue;
    if (isSecretKey(k)) out.add(v);
    else for (const s of findSecrets(v)) out.add(s);
  }
  return [...out];
}
