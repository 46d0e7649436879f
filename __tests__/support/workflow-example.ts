/**
 * Runs a workflow example of the documentation the way GitHub would run its job, as far as the action is concerned:
 * one run per event its `on:` names and per matrix leg, `${{ }}` expressions evaluated, `run:` steps that give
 * outputs to later steps run in bash, and the action's step run through the bundle in dry-run
 * (scripts/harness.mjs). The expression language is the subset the examples use: contexts, string and boolean
 * literals, `==`, `!=`, `&&`, `||`, `!` and parentheses (GitHub's docs, "Evaluate expressions in workflows").
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { createJob, type PhaseResult, ROOT, runPhase } from '../../scripts/harness.mjs';
import { jwt } from './runtime.js';

/** The one spelling of the action in the documentation's examples (the owner is a placeholder). */
export const ACTION_USES = 'OWNER/envd-cache-action@v1';
/** With capitals, as GitHub keeps an owner's spelling: the examples must lowercase registry names themselves. */
export const REPO = 'Octo/Envd-Demo';
export const PR_NUMBER = 7;
export const FEATURE = 'feature/x';

export interface Step {
  id?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}
interface WorkflowJob {
  'runs-on'?: string | string[];
  strategy?: { matrix?: Record<string, unknown> };
  steps: Step[];
}
export interface Workflow {
  on?: Record<string, unknown> | string | string[];
  permissions?: Record<string, string>;
  jobs?: Record<string, WorkflowJob>;
}

export interface Scenario {
  label: string;
  event: string;
  ref: string;
  payload: Record<string, unknown>;
  /** The runtime token's cache scopes: the ref it writes (3) and the ones it reads (1). */
  ac: { Scope: string; Permission: number }[];
  env: Record<string, string>;
}

const repository = { full_name: REPO, default_branch: 'main' };
const MAIN = {
  event: 'push',
  ref: 'refs/heads/main',
  payload: { repository },
  ac: [{ Scope: 'refs/heads/main', Permission: 3 }],
  env: {}
};

function pullRequest(action: string): Scenario {
  const pr = {
    number: PR_NUMBER,
    head: { ref: FEATURE, repo: { full_name: REPO, fork: false } },
    base: { ref: 'main', repo: { full_name: REPO } }
  };
  const ref = `refs/pull/${PR_NUMBER}/merge`;
  return {
    label: `pull_request (${action})`,
    event: 'pull_request',
    ref,
    payload: { action, number: PR_NUMBER, pull_request: pr, repository },
    ac: [
      { Scope: ref, Permission: 3 },
      { Scope: 'refs/heads/main', Permission: 1 }
    ],
    env: { GITHUB_HEAD_REF: FEATURE, GITHUB_BASE_REF: 'main' }
  };
}

/** The runs an `on:` asks for: one per event, and for pushes to any branch also one to a feature branch. */
export function scenariosFor(on: Workflow['on']): Scenario[] {
  if (on === undefined) return [{ ...MAIN, label: 'push to main (a step-only example)' }];
  const events: Record<string, unknown> =
    typeof on === 'string' ? { [on]: null } : Array.isArray(on) ? Object.fromEntries(on.map((e) => [e, null])) : on;
  const out: Scenario[] = [];
  for (const [event, spec] of Object.entries(events)) {
    const filter = (spec ?? {}) as { branches?: string[]; types?: string[] };
    if (event === 'push') {
      const branches = filter.branches ?? ['**'];
      if (branches.includes('main') || branches.includes('**')) out.push({ ...MAIN, label: 'push to main' });
      if (branches.includes('**'))
        out.push({
          label: `push to ${FEATURE}`,
          event,
          ref: `refs/heads/${FEATURE}`,
          payload: { repository },
          ac: [
            { Scope: `refs/heads/${FEATURE}`, Permission: 3 },
            { Scope: 'refs/heads/main', Permission: 1 }
          ],
          env: {}
        });
    } else if (event === 'pull_request') {
      const types = filter.types ?? ['opened'];
      for (const t of types) out.push(pullRequest(t));
    } else if (event === 'schedule' || event === 'workflow_dispatch') out.push({ ...MAIN, label: event, event });
    else throw new Error(`the examples' runner knows no ${event} event yet: add it to scenariosFor`);
  }
  return out;
}

/** The legs of a matrix: the product of its lists, then `include` added to the legs it matches, or as legs of its own. */
export function matrixLegs(matrix: Record<string, unknown> | undefined): Record<string, unknown>[] | [undefined] {
  if (!matrix) return [undefined];
  const { include = [], exclude, ...axes } = matrix as { include?: Record<string, unknown>[]; exclude?: unknown };
  if (exclude) throw new Error('the examples runner does not expand matrix exclude');
  let legs: Record<string, unknown>[] = [{}];
  for (const [key, values] of Object.entries(axes))
    legs = legs.flatMap((leg) => (values as unknown[]).map((v) => ({ ...leg, [key]: v })));
  for (const extra of include) {
    const matching = legs.filter((leg) => Object.entries(extra).every(([k, v]) => !(k in axes) || leg[k] === v));
    if (matching.length)
      for (const leg of matching)
        Object.assign(leg, Object.fromEntries(Object.entries(extra).filter(([k]) => !(k in axes))));
    else legs.push({ ...extra });
  }
  return legs;
}

type Value = string | number | boolean | null | undefined | Record<string, unknown>;

/** Evaluates one expression against the contexts. */
export function evaluate(expr: string, contexts: Record<string, unknown>): Value {
  const tokens = expr.match(/'(?:[^']|'')*'|==|!=|&&|\|\||[!()]|[A-Za-z_][\w.-]*|\d+(?:\.\d+)?|\S/g) ?? [];
  let i = 0;
  const truthy = (v: Value) => !(v === false || v === 0 || v === '' || v === null || v === undefined);
  const primary = (): Value => {
    const t = tokens[i++];
    if (t === undefined) throw new Error(`expression ends early: ${expr}`);
    if (t === '(') {
      const v = or();
      if (tokens[i++] !== ')') throw new Error(`missing ) in ${expr}`);
      return v;
    }
    if (t === '!') return !truthy(primary());
    if (t.startsWith("'")) return t.slice(1, -1).replace(/''/g, "'");
    if (/^\d/.test(t)) return Number(t);
    if (t === 'true' || t === 'false') return t === 'true';
    if (t === 'null') return null;
    return lookup(t, contexts);
  };
  const comparison = (): Value => {
    const left = primary();
    if (tokens[i] !== '==' && tokens[i] !== '!=') return left;
    const op = tokens[i++];
    const right = primary();
    const same =
      typeof left === 'string' && typeof right === 'string'
        ? left.toLowerCase() === right.toLowerCase()
        : left === right;
    return op === '==' ? same : !same;
  };
  /** A left-to-right chain of one operator; `pick` gives its value from the two sides. */
  const chain = (op: string, next: () => Value, pick: (left: Value, right: Value) => Value) => (): Value => {
    let v = next();
    while (tokens[i] === op) {
      i++;
      v = pick(v, next());
    }
    return v;
  };
  const and = chain('&&', comparison, (l, r) => (truthy(l) ? r : l));
  const or = chain('||', and, (l, r) => (truthy(l) ? l : r));
  const v = or();
  if (i !== tokens.length) throw new Error(`cannot read ${tokens.slice(i).join(' ')} in ${expr}`);
  return v;
}

/** `a.b.c` in the contexts; a name no context has is an error, so a typo in an example fails its test. */
function lookup(name: string, contexts: Record<string, unknown>): Value {
  const [head, ...rest] = name.split('.');
  if (!(head in contexts)) throw new Error(`no context ${head} (in ${name})`);
  let v: unknown = contexts[head];
  for (const key of rest) {
    if (v === null || typeof v !== 'object' || !(key in v)) throw new Error(`${name}: no ${key}`);
    v = (v as Record<string, unknown>)[key];
  }
  return v as Value;
}

/** A string with every `${{ }}` replaced, as the runner does before a step sees it. */
export function substitute(text: string, contexts: Record<string, unknown>): string {
  return text.replace(/\$\{\{\s*([\s\S]+?)\s*\}\}/g, (_, expr: string) => {
    const v = evaluate(expr, contexts);
    return v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  });
}

/** Secrets as the examples name them: a recognizable value per name. */
/** The TLS secrets docs/remote-builders.md names are PEM, as the builder-tls-* inputs require. */
const PEM_SECRETS: Record<string, string> = {
  BUILDKIT_CA: 'CERTIFICATE',
  BUILDKIT_CERT: 'CERTIFICATE',
  BUILDKIT_KEY: 'PRIVATE KEY'
};
const pem = (label: string, name: string) =>
  `-----BEGIN ${label}-----\n${Buffer.from(`Secret${name}`).toString('base64').padEnd(64, 'A')}\n-----END ${label}-----`;
export const secretValue = (name: string) =>
  name in PEM_SECRETS ? pem(PEM_SECRETS[name], name) : `Secret${name.replace(/[^A-Za-z0-9]/g, '')}0123456789`;
const secretsContext = new Proxy({}, { has: () => true, get: (_, name) => secretValue(String(name)) });

/** A step's outputs as a context: a name the step does not set is an error. */
function outputsContext(id: string, outputs: Record<string, string>, known: readonly string[]) {
  return new Proxy(outputs, {
    has: (_, name) => {
      if (!known.includes(String(name)))
        throw new Error(`steps.${id}.outputs.${String(name)}: the step has no such output`);
      return true;
    },
    get: (o, name) => o[String(name)] ?? ''
  });
}

export interface ExampleRun {
  scenario: Scenario;
  leg?: Record<string, unknown>;
  inputs: Record<string, string>;
  main: PhaseResult;
  post: PhaseResult;
  plan: Record<string, unknown>;
  /** The evaluated `run:` and `env:` of the steps after the action's, which read its outputs. */
  after: string[];
}

export interface RunOptions {
  scenario: Scenario;
  leg?: Record<string, unknown>;
  /** Environment every run gets: the cache service and REST API of the emulator. */
  env: Record<string, string>;
  /** The github-token the job's permissions give (`actions: write` → a token that may delete). */
  githubToken: string;
  outputNames: readonly string[];
}

/** Copies examples/build.envd to where `path` points, when the job checks the repository out. */
function workspaceFor(base: string, steps: Step[], actionPath: string): string {
  const ws = path.join(base, 'workspace');
  fs.mkdirSync(ws, { recursive: true });
  if (steps.some((s) => s.uses?.startsWith('actions/checkout@'))) {
    fs.mkdirSync(path.join(ws, actionPath), { recursive: true });
    fs.copyFileSync(path.join(ROOT, 'examples', 'build.envd'), path.join(ws, actionPath, 'build.envd'));
  }
  return ws;
}

/** Runs the job's steps up to and including the action's, then evaluates the steps after it. */
export async function runJob(job: WorkflowJob, o: RunOptions): Promise<ExampleRun> {
  const { scenario, leg } = o;
  const github = {
    token: o.githubToken,
    actor: 'octocat',
    sha: '0123456789abcdef0123456789abcdef01234567',
    event_name: scenario.event,
    ref: scenario.ref,
    repository: REPO,
    repository_owner: REPO.split('/')[0]
  };
  const steps: Record<string, { outputs: Record<string, string> }> = {};
  const contexts = () => ({
    github,
    secrets: secretsContext,
    matrix: leg ?? {},
    steps,
    env: {},
    runner: { arch: 'X64', os: 'Linux' }
  });
  const runsOn = substitute([job['runs-on'] ?? 'ubuntu-latest'].flat().join(' '), contexts());
  const index = job.steps.findIndex((s) => s.uses === ACTION_USES);
  if (index < 0) throw new Error(`the job has no step that uses ${ACTION_USES}`);
  const action = job.steps[index];
  const before = job.steps.slice(0, index);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'docs-example-'));
  try {
    for (const step of before.filter((s) => s.run !== undefined && s.id !== undefined))
      steps[step.id!] = { outputs: runShellStep(step, scratch, github.repository) };
    const inputs = Object.fromEntries(
      Object.entries(action.with ?? {}).map(([k, v]) => [k, substitute(String(v), contexts())])
    );
    const stepEnv = Object.fromEntries(
      Object.entries(action.env ?? {}).map(([k, v]) => [k, substitute(String(v), contexts())])
    );
    const ws = workspaceFor(scratch, before, inputs.path ?? '.');
    const runner = createJob({
      inputs: { 'dry-run': 'true', ...inputs },
      event: scenario.event,
      ref: scenario.ref,
      payload: scenario.payload,
      matrix: leg,
      workspace: ws,
      githubToken: o.githubToken,
      env: {
        GITHUB_REPOSITORY: REPO,
        RUNNER_ARCH: /arm/.test(runsOn) ? 'ARM64' : 'X64',
        ACTIONS_RUNTIME_TOKEN: jwt(scenario.ac),
        ...o.env,
        ...scenario.env,
        ...stepEnv
      }
    });
    try {
      const main = await runPhase(runner, 'main');
      const post = await runPhase(runner, 'post');
      if (action.id) steps[action.id] = { outputs: outputsContext(action.id, main.outputs, o.outputNames) };
      const after = job.steps
        .slice(index + 1)
        .flatMap((s) =>
          [s.run, ...Object.values(s.env ?? {})]
            .filter((t): t is string => typeof t === 'string')
            .map((t) => substitute(t, contexts()))
        );
      const plan = main.outputs.plan ? (JSON.parse(main.outputs.plan) as Record<string, unknown>) : {};
      return { scenario, leg, inputs, main, post, plan, after };
    } finally {
      runner.cleanup();
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** A `run:` step that sets outputs for later steps: bash, with GITHUB_OUTPUT and the repository as the runner sets them. */
function runShellStep(step: Step, dir: string, repositoryName: string): Record<string, string> {
  const file = path.join(dir, `output-${step.id}`);
  fs.writeFileSync(file, '');
  execFileSync('bash', ['-e', '-c', step.run!], {
    env: { PATH: process.env.PATH, GITHUB_OUTPUT: file, GITHUB_REPOSITORY: repositoryName },
    stdio: 'pipe'
  });
  return Object.fromEntries(
    fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)])
  );
}

/** A YAML example: a whole workflow, a list of steps, or a few inputs that go into the example before it. */
export type Example =
  | { kind: 'workflow'; workflow: Workflow }
  | { kind: 'steps'; steps: Step[] }
  | { kind: 'inputs'; inputs: Record<string, unknown> };

export function readExample(body: string): Example {
  const doc = parse(body) as unknown;
  if (Array.isArray(doc)) return { kind: 'steps', steps: doc as Step[] };
  if (doc && typeof doc === 'object' && 'jobs' in doc) return { kind: 'workflow', workflow: doc as Workflow };
  if (doc && typeof doc === 'object') return { kind: 'inputs', inputs: doc as Record<string, unknown> };
  throw new Error('a yaml example that is neither a workflow, steps nor inputs');
}
