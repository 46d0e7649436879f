// Runs the bundled action the way the GitHub Actions runner does: INPUT_* from action.yml defaults plus
// overrides (hyphens kept), a clean environment, fresh GITHUB_OUTPUT/STATE/ENV/PATH/STEP_SUMMARY files,
// then `node dist/index.js` for main and again, with STATE_* set, for post.
// Used by the end-to-end tests and by `npm start`. Plain ESM so that both can load it without a compiler.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** action.yml, parsed. */
export function actionYml(root = ROOT) {
  return parse(fs.readFileSync(path.join(root, 'action.yml'), 'utf8'));
}

/** The runner's name mangling: upper case, spaces to underscores, hyphens kept. */
export const inputEnvName = (name) => 'INPUT_' + name.replace(/ /g, '_').toUpperCase();

/** Evaluates the few expressions action.yml defaults use, as the runner would for this job. */
function evaluateDefault(value, ctx) {
  return String(value ?? '').replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, expr) => {
    if (expr === 'github.token') return ctx.githubToken ?? '';
    if (expr === 'toJSON(matrix)') return ctx.matrix === undefined ? 'null' : JSON.stringify(ctx.matrix, null, 2);
    throw new Error(`harness: no value for the expression \${{ ${expr} }} in an action.yml default`);
  });
}

/** The environment variable that adds names to the environment the action gives buildkitd (src/builder/env.ts). */
export const BUILDKITD_ENV = 'ENVD_CACHE_ACTION_BUILDKITD_ENV';

/**
 * The stand-ins' FAKE_* knobs reach buildkitd the way a workflow's own variable would: named in BUILDKITD_ENV
 * (the action gives buildkitd an allow-list of the environment, never all of it). Edits `env`.
 */
export function allowFakeKnobs(env) {
  const names = new Set((env[BUILDKITD_ENV] ?? '').split(/[\s,]+/).filter(Boolean));
  for (const k of Object.keys(env)) if (k.startsWith('FAKE_') && env[k] !== undefined) names.add(k);
  if (names.size) env[BUILDKITD_ENV] = [...names].join(',');
  return env;
}

/** Hands `dir` and everything under it to `user` ({ uid, gid }): the job's directories when it runs as another user. */
export function chownTree(dir, user) {
  fs.chownSync(dir, user.uid, user.gid);
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) chownTree(path.join(dir, e.name), user);
    else fs.lchownSync(path.join(dir, e.name), user.uid, user.gid);
  }
}

/**
 * A runner-like job: a workspace, a temp dir, a tool cache, an event payload and the file commands.
 * options: { inputs, env, event, ref, payload, githubToken, matrix, workspace, user }
 * `user` ({ uid, gid }): main and post run as that user (the caller is root), as the runner runs them as `runner`;
 * the job's directories are that user's.
 */
export function createJob(options = {}) {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'envd-cache-job-'));
  const dirs = {
    base,
    temp: path.join(base, 'temp'),
    toolCache: path.join(base, 'tool-cache'),
    files: path.join(base, 'files')
  };
  for (const d of [dirs.temp, dirs.toolCache, dirs.files]) fs.mkdirSync(d, { recursive: true });
  const workspace = options.workspace ?? ROOT;
  const eventPath = path.join(base, 'event.json');
  const defaultBranch = options.defaultBranch ?? 'main';
  const payload = options.payload ?? { repository: { full_name: 'octo/envd-demo', default_branch: defaultBranch } };
  fs.writeFileSync(eventPath, JSON.stringify(payload));
  if (options.user) chownTree(base, options.user);

  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME ?? base,
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_WORKSPACE: workspace,
    GITHUB_REPOSITORY: 'octo/envd-demo',
    GITHUB_EVENT_NAME: options.event ?? 'push',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REF: options.ref ?? `refs/heads/${defaultBranch}`,
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_WORKFLOW: 'CI',
    GITHUB_JOB: 'build',
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_SERVER_URL: 'https://github.com',
    // Tests run offline: an API call nobody pointed at an emulator fails at once, on this machine.
    GITHUB_API_URL: 'http://127.0.0.1:9/api',
    RUNNER_TEMP: dirs.temp,
    RUNNER_TOOL_CACHE: dirs.toolCache,
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    // The fake buildkitd locks this instead of the machine's /var/lib/buildkit when it is given no --root.
    FAKE_BUILDKITD_DEFAULT_ROOT: path.join(base, 'var-lib-buildkit'),
    ...options.env
  };
  const ctx = { githubToken: options.githubToken ?? 'ghs_harnessToken000000000000000000000', matrix: options.matrix };
  for (const [name, spec] of Object.entries(actionYml().inputs ?? {}))
    env[inputEnvName(name)] = evaluateDefault(spec.default, ctx);
  for (const [name, value] of Object.entries(options.inputs ?? {})) env[inputEnvName(name)] = String(value);
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  allowFakeKnobs(env);
  return {
    dirs,
    env,
    workspace,
    state: {},
    user: options.user,
    cleanup: () => fs.rmSync(base, { recursive: true, force: true })
  };
}

/**
 * Another `uses:` of the action in the same job: the job's runner (RUNNER_TEMP, tool cache, HOME, workspace,
 * event) with its own inputs on top and its own STATE, as the runner keeps state per step.
 * options: { inputs, env }
 */
export function jobStep(job, options = {}) {
  const env = { ...job.env, ...options.env };
  for (const [name, value] of Object.entries(options.inputs ?? {})) env[inputEnvName(name)] = String(value);
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  allowFakeKnobs(env);
  return { dirs: job.dirs, env, workspace: job.workspace, state: {}, user: job.user, cleanup: () => {} };
}

/** Parses a file-command file: heredoc blocks (`name<<DELIM` … `DELIM`) and `name=value` lines. */
export function parseFileCommands(text) {
  const out = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line === '') continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delim] = heredoc;
      const value = [];
      for (i++; i < lines.length && lines[i] !== delim; i++) value.push(lines[i]);
      out[name] = value.join('\n');
    } else {
      const eq = line.indexOf('=');
      if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1);
    }
  }
  return out;
}

/** Runs one phase of the bundle; returns { code, stdout, stderr, outputs, state, exported, summary, files }. */
export async function runPhase(
  job,
  phase = 'main',
  { entry = path.join(ROOT, 'dist', 'index.js'), timeoutMs = 60000, signal } = {}
) {
  const stamp = `${phase}-${Date.now()}-${Math.random().toString(16).slice(2)}`;
  const files = {};
  for (const name of ['GITHUB_OUTPUT', 'GITHUB_STATE', 'GITHUB_ENV', 'GITHUB_PATH', 'GITHUB_STEP_SUMMARY']) {
    files[name] = path.join(job.dirs.files, `${stamp}-${name.toLowerCase()}`);
    fs.writeFileSync(files[name], '');
    if (job.user) fs.chownSync(files[name], job.user.uid, job.user.gid);
  }
  const env = { ...job.env, ...files };
  if (phase === 'post') for (const [k, v] of Object.entries(job.state)) env[`STATE_${k}`] = v;
  const as = job.user ? { uid: job.user.uid, gid: job.user.gid } : {};
  const child = spawn(process.execPath, [entry], { cwd: job.workspace, env, stdio: ['ignore', 'pipe', 'pipe'], ...as });
  let stdout = '';
  let stderr = '';
  // `signal`: sends `signal.name` to the phase once its output matches `signal.when` (as the runner cancels a step).
  let signalledAt;
  child.stdout.on('data', (d) => {
    stdout += d;
    if (signal && signalledAt === undefined && signal.when.test(stdout)) {
      signalledAt = Date.now();
      child.kill(signal.name);
    }
  });
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${phase} did not finish within ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('close', (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  const endedAt = Date.now();
  const read = (name) => fs.readFileSync(files[name], 'utf8');
  const state = parseFileCommands(read('GITHUB_STATE'));
  if (phase === 'main') Object.assign(job.state, state);
  return {
    code,
    stdout,
    stderr,
    outputs: parseFileCommands(read('GITHUB_OUTPUT')),
    state,
    exported: parseFileCommands(read('GITHUB_ENV')),
    summary: read('GITHUB_STEP_SUMMARY'),
    files: Object.fromEntries(Object.entries(files).map(([k]) => [k, read(k)])),
    ...(signalledAt === undefined ? {} : { msAfterSignal: endedAt - signalledAt })
  };
}
