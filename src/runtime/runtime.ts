/**
 * The runner's environment, read once into a typed value: the event, refs, repository, job,
 * GitHub.com or GHES, and the cache service endpoints and token. Pure: tests pass env and payload in.
 */
import { echo } from '../text/text.js';
import { decodeRuntimeToken, type RuntimeToken } from './token.js';

export type CacheServiceMode = 'read' | 'write' | 'write-only' | 'none';

export interface PullRequest {
  number: number;
  /** The head is not known to come from the base repository (see `Head`): its code never writes a cache. */
  fork: boolean;
  baseRef: string;
  headRef: string;
}

/**
 * Where the code a run acts for comes from, when the event involves a pull request or another run:
 * `same` — the base repository; `fork` — another repository, a fork (`fork: true`) or a deleted one
 * (`repo: null`); `unknown` — the payload does not say, which counts as a fork (hostile by default).
 */
export interface Head {
  origin: 'same' | 'fork' | 'unknown';
  /** In words, for the log: which pull request or run, and what the payload says about its head. */
  detail: string;
}

export interface Runtime {
  /** Running under the GitHub Actions runner (GITHUB_ACTIONS=true). */
  actions: boolean;
  event: string;
  ref: string;
  refName: string;
  sha: string;
  /** From the event payload; the environment does not carry it. */
  defaultBranch?: string;
  pullRequest?: PullRequest;
  /** The head of the pull request or triggering run, when the event has one. */
  head?: Head;
  /**
   * Why this event is an untrusted trigger, when it is one: it runs with the base repository's cache
   * access on behalf of a pull request, a comment or another run (pull_request_target, workflow_run,
   * issue_comment, or any event other than pull_request whose payload carries a pull request).
   */
  untrusted?: string;
  /** RUNNER_ARCH as the runner set it, and the platform envd should build for it (unknown or unset: none). */
  runnerArch?: string;
  runnerPlatform?: string;
  /** What is wrong with the event file (GITHUB_EVENT_PATH): the run stops before anything starts. */
  problems: string[];
  repository: string;
  job: string;
  runId: string;
  serverUrl: string;
  apiUrl: string;
  ghes: boolean;
  runnerTemp: string;
  workspace: string;
  cacheService: {
    token?: string;
    decoded?: RuntimeToken;
    tokenProblem?: string;
    resultsUrl?: string;
    cacheUrl?: string;
    v2: boolean;
    /** ACTIONS_CACHE_MODE, when the runner sets it. */
    mode?: CacheServiceMode;
  };
  aws: {
    bucket?: string;
    region?: string;
    accessKeyId?: string;
    secretAccessKey?: string;
    sessionToken?: string;
    endpointUrl?: string;
  };
}

export type Env = Readonly<Record<string, string | undefined>>;

/** `@actions/cache`'s rule: anything but github.com, *.ghe.com and *.localhost is GHES. */
export function isGhes(serverUrl: string): boolean {
  let host: string;
  try {
    host = new URL(serverUrl).hostname.toLowerCase();
  } catch {
    return false;
  }
  return !(host === 'github.com' || host.endsWith('.ghe.com') || host.endsWith('.localhost'));
}

const truthy = (v: string | undefined) =>
  (v ?? '').trim() !== '' && !['false', '0'].includes((v ?? '').trim().toLowerCase());

interface Payload {
  repository?: { default_branch?: string; full_name?: string };
}

/** The event file as the shell found it: its text, or what kept it from being read. */
export type EventFile = string | { problem: string };

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const obj = (v: unknown): Json | undefined => (isObject(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The platform envd should build for on the runner's architecture; envd alone builds linux/amd64 everywhere. */
const RUNNER_PLATFORMS: Readonly<Record<string, string>> = {
  X64: 'linux/amd64',
  ARM64: 'linux/arm64',
  ARM: 'linux/arm/v7'
};

/** Events that run with the base repository's cache access for code or text that someone else controls. */
const UNTRUSTED_EVENTS: Readonly<Record<string, string>> = {
  pull_request_target: "runs the base branch's workflow for a pull request, with the base repository's cache access",
  workflow_run:
    "runs after another workflow, which a pull request may have started, with the default branch's cache access",
  issue_comment: 'runs on the default branch, with its cache access, for whoever can comment'
};

/** Parses the event payload; a broken file is a problem naming GITHUB_EVENT_PATH, never a throw. */
function parsePayload(env: Env, event: EventFile | undefined): { payload: Json; problems: string[] } {
  if (event === undefined) return { payload: {}, problems: [] };
  const where = `GITHUB_EVENT_PATH (${echo(env.GITHUB_EVENT_PATH ?? '')})`;
  const fix = 'the runner writes the triggering event there as a JSON object; do not override GITHUB_EVENT_PATH';
  if (typeof event !== 'string') return { payload: {}, problems: [`${where}: ${event.problem}; ${fix}`] };
  if (event.trim() === '') return { payload: {}, problems: [`${where}: the file is empty; ${fix}`] };
  let value: unknown;
  try {
    value = JSON.parse(event);
  } catch (e) {
    return {
      payload: {},
      problems: [`${where}: the file is not valid JSON (${echo((e as Error).message, 120)}); ${fix}`]
    };
  }
  if (!isObject(value))
    return {
      payload: {},
      problems: [
        `${where}: the file holds ${value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`}, not a JSON object; ${fix}`
      ]
    };
  return { payload: value, problems: [] };
}

/** Compares a head repository with the base one: same, a fork (other name, fork: true, deleted) or unknown. */
function headOrigin(repo: unknown, base: string | undefined, what: string, field: string): Head {
  if (repo === null) return { origin: 'fork', detail: `${what} comes from a deleted repository (${field} is null)` };
  const r = obj(repo);
  const name = str(r?.full_name);
  if (!r || !name || !base)
    return {
      origin: 'unknown',
      detail: `${what} does not say which repository its head comes from (no ${field}.full_name${base ? '' : ' or base repository'})`
    };
  if (name.toLowerCase() !== base.toLowerCase())
    return { origin: 'fork', detail: `${what} comes from another repository (${echo(name)}, not ${echo(base)})` };
  if (r.fork === true) return { origin: 'fork', detail: `${what} comes from a fork (${field}.fork is true)` };
  return { origin: 'same', detail: `${what} comes from ${echo(base)} itself` };
}

interface EventFacts {
  pullRequest?: PullRequest;
  head?: Head;
  untrusted?: string;
  problems: string[];
}

/** What the payload says about pull requests, forks and trust. Pure. */
function eventFacts(env: Env, event: string, payload: Json): EventFacts {
  const facts: EventFacts = { problems: [] };
  const repository = str(obj(payload.repository)?.full_name) ?? env.GITHUB_REPOSITORY;
  const pr = obj(payload.pull_request);
  if (pr) {
    const n = pr.number;
    if (typeof n !== 'number' || !Number.isInteger(n) || n <= 0) {
      facts.problems.push(
        `GITHUB_EVENT_PATH (${echo(env.GITHUB_EVENT_PATH ?? '')}): pull_request.number is ${n === undefined ? 'missing' : echo(JSON.stringify(n) ?? String(n), 60)}, not a pull request number; the event file does not look like a GitHub webhook payload`
      );
    } else {
      const base = obj(pr.base);
      const head = obj(pr.head);
      facts.head = headOrigin(
        head ? head.repo : undefined,
        str(obj(base?.repo)?.full_name) ?? repository,
        `pull request #${n}`,
        'head.repo'
      );
      facts.pullRequest = {
        number: n,
        fork: facts.head.origin !== 'same',
        baseRef: str(base?.ref) ?? env.GITHUB_BASE_REF ?? '',
        headRef: str(head?.ref) ?? env.GITHUB_HEAD_REF ?? ''
      };
    }
  }
  if (!pr && event.startsWith('pull_request'))
    facts.head = {
      origin: 'unknown',
      detail: 'the event file carries no pull_request, so where its head comes from is not known'
    };
  const issue = obj(payload.issue);
  if (!pr && issue && issue.pull_request !== undefined && issue.pull_request !== null) {
    const n = typeof issue.number === 'number' ? ` #${issue.number}` : '';
    facts.head = {
      origin: 'unknown',
      detail: `pull request${n} is commented on, and the event does not say which repository its head comes from`
    };
  }
  const run = obj(payload.workflow_run);
  if (event === 'workflow_run' && !facts.head)
    facts.head = run
      ? headOrigin(run.head_repository, repository, 'the triggering run', 'workflow_run.head_repository')
      : { origin: 'unknown', detail: 'the event does not say which run triggered it (no workflow_run)' };

  if (UNTRUSTED_EVENTS[event]) facts.untrusted = `${event} ${UNTRUSTED_EVENTS[event]}`;
  else if (event !== 'pull_request' && (pr || (issue && facts.head)))
    facts.untrusted = `${echo(event, 60) || 'this event'} carries a pull request but does not run as pull_request`;
  return facts;
}

export function readRuntime(env: Env, event?: EventFile): Runtime {
  const parsed = parsePayload(env, event);
  const payload = parsed.payload as Payload;
  const eventName = env.GITHUB_EVENT_NAME ?? '';
  const facts = parsed.problems.length ? { problems: [] } : eventFacts(env, eventName, parsed.payload);
  const ref = env.GITHUB_REF ?? '';
  const runnerArch = env.RUNNER_ARCH?.trim() || undefined;
  const serverUrl = env.GITHUB_SERVER_URL || 'https://github.com';
  const token = env.ACTIONS_RUNTIME_TOKEN || undefined;
  let decoded: RuntimeToken | undefined;
  let tokenProblem: string | undefined;
  if (token) {
    const read = decodeRuntimeToken(token);
    if (read.ok) decoded = read.value;
    else tokenProblem = read.reason;
  }
  const modeText = (env.ACTIONS_CACHE_MODE ?? '').trim().toLowerCase();
  const mode = (['read', 'write', 'write-only', 'none'] as const).find((m) => m === modeText);
  return {
    actions: env.GITHUB_ACTIONS === 'true',
    event: eventName,
    ref,
    refName: env.GITHUB_REF_NAME ?? ref.replace(/^refs\/(heads|tags)\//, ''),
    sha: env.GITHUB_SHA ?? '',
    defaultBranch: str(payload.repository?.default_branch),
    pullRequest: facts.pullRequest,
    head: facts.head,
    untrusted: facts.untrusted,
    runnerArch,
    runnerPlatform: runnerArch ? RUNNER_PLATFORMS[runnerArch.toUpperCase()] : undefined,
    problems: [...parsed.problems, ...facts.problems],
    repository: env.GITHUB_REPOSITORY ?? str(payload.repository?.full_name) ?? '',
    job: env.GITHUB_JOB ?? '',
    runId: env.GITHUB_RUN_ID ?? '',
    serverUrl,
    apiUrl: env.GITHUB_API_URL || 'https://api.github.com',
    ghes: isGhes(serverUrl),
    runnerTemp: env.RUNNER_TEMP ?? '',
    workspace: env.GITHUB_WORKSPACE ?? '',
    cacheService: {
      token,
      decoded,
      tokenProblem,
      resultsUrl: env.ACTIONS_RESULTS_URL || undefined,
      cacheUrl: env.ACTIONS_CACHE_URL || undefined,
      v2: truthy(env.ACTIONS_CACHE_SERVICE_V2),
      mode
    },
    aws: {
      bucket: env.AWS_BUCKET || undefined,
      region: env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined,
      accessKeyId: env.AWS_ACCESS_KEY_ID || undefined,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY || undefined,
      sessionToken: env.AWS_SESSION_TOKEN || undefined,
      endpointUrl: env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined
    }
  };
}

/** `refs/heads/main` when the run is on the default branch. */
export function defaultBranchRef(rt: Runtime): string | undefined {
  return rt.defaultBranch ? `refs/heads/${rt.defaultBranch}` : undefined;
}
