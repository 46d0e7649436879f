/**
 * The PEM text of the builder-tls-* inputs: given inline, or read from the file a path names (relative to the
 * workspace). Checked as the inputs are; a message names the input and, for a file, its path, never the content.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Problem } from '../inputs/inputs.js';
import { Input } from '../action/names.js';
import { type PemKind, pemProblem, type PemSource, type TlsInputs, type TlsMaterial } from '../fleet/tls.js';
import { echo } from '../text/text.js';

const FIELDS: [keyof Omit<TlsMaterial, 'serverName'>, Input, PemKind][] = [
  ['ca', Input.BuilderTlsCa, 'certificate'],
  ['cert', Input.BuilderTlsCert, 'certificate'],
  ['key', Input.BuilderTlsKey, 'private key']
];

/** A PEM file is a few KB; anything this large is not one (and is not read whole into a message). */
const MAX_PEM_BYTES = 1 << 20;

function readPem(source: PemSource, cwd: string, kind: PemKind): { pem?: string; problem?: string } {
  if (source.from === 'text') return { pem: source.pem };
  const file = path.resolve(cwd, source.path);
  let text: string;
  try {
    const st = fs.statSync(file);
    if (!st.isFile())
      return {
        problem: `names ${echo(source.path)}, which is not a file; give the path of a PEM ${kind} file, or the PEM text itself`
      };
    if (st.size > MAX_PEM_BYTES)
      return { problem: `names ${echo(source.path)}, which is ${st.size} bytes: not a PEM ${kind} file` };
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return {
      problem: `is neither PEM text (-----BEGIN …) nor a readable file: ${echo(source.path)} ${code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? 'error'})`}; write the ${kind} to a file in an earlier step, or pass the PEM text from a secret`
    };
  }
  const problem = pemProblem(text, kind);
  return problem ? { problem: `names ${echo(source.path)}, which ${problem}` } : { pem: text };
}

/** The PEM text of each TLS input, or the problems that stop the run before anything starts. */
export function readTlsMaterial(tls: TlsInputs, cwd: string): { material?: TlsMaterial; problems: Problem[] } {
  const material: TlsMaterial = { serverName: tls.serverName };
  const problems: Problem[] = [];
  for (const [field, input, kind] of FIELDS) {
    const source = tls[field];
    if (!source) continue;
    const r = readPem(source, cwd, kind);
    if (r.problem) problems.push({ input, message: r.problem });
    else material[field] = r.pem;
  }
  return problems.length ? { problems } : { material, problems };
}
