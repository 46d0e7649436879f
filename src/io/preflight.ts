/**
 * Checks of the runner's disk that must pass before anything starts: the build context, the build file, and
 * a cache-dir the action may replace (cache: local deletes only directories it created).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { backendOf } from '../backends/index.js';
import type { Inputs, Problem } from '../inputs/inputs.js';
import { Input } from '../action/names.js';
import { cacheDirProblems } from './local/owned-dirs.js';
import { readTlsMaterial } from './tls-material.js';

export function preflight(inputs: Inputs, cwd: string, home: string | undefined = os.homedir()): Problem[] {
  const problems: Problem[] = [];
  // A backend kept in a runner directory replaces that directory: cache-dir must be one the action may own.
  if (backendOf(inputs.cache).runnerDir && inputs.cacheDir !== undefined)
    for (const message of cacheDirProblems(inputs.cacheDir, cwd, home))
      problems.push({ input: Input.CacheDir, message });
  // The builder-tls-* files, read and checked now: a bad certificate stops the run before anything starts.
  if (inputs.builder.kind === 'address' && inputs.builder.tls)
    problems.push(...readTlsMaterial(inputs.builder.tls, cwd).problems);
  const context = path.resolve(cwd, inputs.path);
  if (!fs.existsSync(context) || !fs.statSync(context).isDirectory()) {
    problems.push({
      input: Input.Path,
      message: `"${inputs.path}" is not a directory in the workspace; did the job run actions/checkout first?`
    });
    return problems;
  }
  // envd looks for the file under --path first, then in its working directory.
  const candidates = [path.resolve(context, inputs.from.file), path.resolve(cwd, inputs.from.file)];
  if (!candidates.some((c) => fs.existsSync(c) && fs.statSync(c).isFile())) {
    const found = fs.readdirSync(context).filter((f) => f.endsWith('.envd'));
    const hint = found.length ? `; ${inputs.path} has ${found.join(', ')}` : `; ${inputs.path} has no .envd file`;
    problems.push({ input: Input.From, message: `"${inputs.from.file}" was not found under "${inputs.path}"${hint}` });
  }
  return problems;
}
