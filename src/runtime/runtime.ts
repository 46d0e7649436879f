/**
 * The runner's environment, read once into a typed value: the event, refs, repository, workflow and job,
 * GitHub.com or GHES, and the cache service endpoints and token. Pure: tests pass env and payload in.
 */
import { decodeRuntimeToken, type RuntimeToken, TokenError } from './token.js';

export type CacheServiceMode = 'read' | 'write' | 'write-only' | 'none';

export interface PullRequest {
  number: number;
  /** The head repository differs from the base repository. */
  fork: boolean;
  baseRef: string;
  headRef: string;
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
  repository: string;
  workflow: string;
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

const truthy = (v: string | undefined) => (v ?? '').trim() !== '' && !['false', '0'].includes((v ?? '').trim().toLowerCase());

interface Payload {
  repository?: { default_branch?: string; full_name?: string };
  pull_request?: { number?: number; base?: { ref?: string; repo?: { full_name?: string } }; head?: { ref?: string; repo?: { full_name?: string } } };
}

export function readRuntime(env: Env, payloadText?: string): Runtime {
  let payload: Payload = {};
  if (payloadText) {
    try {
      payload = JSON.parse(payloadText) as Payload;
    } catch {
      payload = {};
    }
  }
  const ref = env.GITHUB_REF ?? '';
  const pr = payload.pull_request;
  const pullRequest: PullRequest | undefined =
    pr && typeof pr.number === 'number'
      ? {
          number: pr.number,
          fork: !!pr.head?.repo?.full_name && pr.head.repo.full_name !== (pr.base?.repo?.full_name ?? payload.repository?.full_name),
          baseRef: pr.base?.ref ?? env.GITHUB_BASE_REF ?? '',
          headRef: pr.head?.ref ?? env.GITHUB_HEAD_REF ?? ''
        }
      : undefined;
  const serverUrl = env.GITHUB_SERVER_URL || 'https://github.com';
  const token = env.ACTIONS_RUNTIME_TOKEN || undefined;
  let decoded: RuntimeToken | undefined;
  let tokenProblem: string | undefined;
  if (token) {
    try {
      decoded = decodeRuntimeToken(token);
    } catch (e) {
      if (!(e instanceof TokenError)) throw e;
      tokenProblem = e.message;
    }
  }
  const modeText = (env.ACTIONS_CACHE_MODE ?? '').trim().toLowerCase();
  const mode = (['read', 'write', 'write-only', 'none'] as const).find((m) => m === modeText);
  return {
    actions: env.GITHUB_ACTIONS === 'true',
    event: env.GITHUB_EVENT_NAME ?? '',
    ref,
    refName: env.GITHUB_REF_NAME ?? ref.replace(/^refs\/(heads|tags)\//, ''),
    sha: env.GITHUB_SHA ?? '',
    defaultBranch: payload.repository?.default_branch,
    pullRequest,
    repository: env.GITHUB_REPOSITORY ?? payload.repository?.full_name ?? '',
    workflow: env.GITHUB_WORKFLOW ?? '',
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
