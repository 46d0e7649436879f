/** envd's `--output` value (one CSV record, `type=` required), parsed enough to derive cache refs. */
import { quoted, redactText } from '../cache/redact.js';
import { echo } from '../text/text.js';
import { CsvError, parseCsvRecord } from '../cache/csv.js';
import { type ImageRef, type Parsed, parseImageRef } from '../cache/image-ref.js';
import { parseFields } from '../backends/spec.js';
import { parseGoBool } from '../cache/values.js';
import { nearestHint } from '../cache/suggest.js';

export interface OutputSpec {
  raw: string;
  type: string;
  attrs: Map<string, string>;
  /** The first image name, for image and registry outputs. */
  image?: ImageRef;
  imageName?: string;
  push: boolean;
}

const KNOWN = ['image', 'registry', 'local', 'tar', 'oci', 'docker'];

export function parseOutput(raw: string): Parsed<OutputSpec> {
  let fields: string[];
  try {
    fields = parseCsvRecord(raw.trim());
  } catch (e) {
    if (e instanceof CsvError)
      return { ok: false, problem: `cannot be read as CSV (${e.message}); envd takes one output` };
    throw e;
  }
  if (!fields.some((f) => /^type=/i.test(f.trim()))) return { ok: false, problem: missingType(fields) };
  const parsed = parseFields(fields);
  if (!parsed.ok) return parsed;
  const attrs = parsed.value;
  const type = attrs.get('type');
  if (!type) return { ok: false, problem: missingType(fields) };
  attrs.delete('type');
  if (!KNOWN.includes(type))
    return {
      ok: false,
      problem: `type=${quoted(type)} is not an output type${nearestHint(type, KNOWN)}; use one of ${KNOWN.join(', ')}`
    };
  if (attrs.has('output'))
    return {
      ok: false,
      problem: `output=${quoted(attrs.get('output')!)} is not an attribute of --output; you meant dest=`
    };
  if (type === 'local' && !attrs.has('dest')) return { ok: false, problem: 'type=local needs dest=<directory>' };
  if ((type === 'image' || type === 'registry') && attrs.has('dest'))
    return { ok: false, problem: `type=${type} takes name=, not dest=` };
  const pushText = type === 'registry' ? 'true' : (attrs.get('push') ?? 'false');
  const push = parseGoBool(pushText);
  if (push === undefined) return { ok: false, problem: `push=${echo(pushText)} is not a boolean; use true or false` };
  const out: OutputSpec = { raw: raw.trim(), type, attrs, push };
  const names = attrs.get('name');
  if (names !== undefined && (type === 'image' || type === 'registry')) {
    const first = names.split(',')[0].trim();
    const ref = parseImageRef(first);
    if (!ref.ok) return { ok: false, problem: `name ${ref.problem}` };
    out.image = ref.value;
    out.imageName = first;
  }
  if (push && !out.image) return { ok: false, problem: 'push=true needs name=<image>' };
  return { ok: true, value: out };
}

/**
 * What to write instead of an output without `type=`. A lone image name is the usual mistake: the fix is the
 * whole value to paste, built around that name (the error line has already quoted the value as given).
 */
function missingType(fields: readonly string[]): string {
  const lone = fields.length === 1 && !fields[0].includes('=') ? parseImageRef(fields[0].trim()) : undefined;
  if (lone?.ok)
    return `is an image name, not an output: write type=image,name=${echo(redactText(fields[0].trim()))},push=true to push it (without push=true it is only built)`;
  return 'has no type=: write the whole output, e.g. type=image,name=ghcr.io/my-org/env:latest,push=true';
}
