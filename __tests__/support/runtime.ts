/** Runtimes for the planner's tests: a job on a given event and ref, with or without cache credentials. */
import { readRuntime, type Runtime } from '../../src/runtime/runtime.js';

export const RESULTS_URL = 'https://results-receiver.actions.githubusercontent.com/';

/** An unsigned JWT with an `ac` claim, as the runner's ACTIONS_RUNTIME_TOKEN carries. */
export function jwt(ac: { Scope: string; Permission: number }[], claims: Record<string, unknown> = {}): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ ac: JSON.stringify(ac), exp: 2000000000, nbf: 1700000000, ...claims })}.c2ln`;
}

export interface RuntimeOptions {
  event?: string;
  ref?: string;
  env?: Record<string, string | undefined>;
  payload?: Record<string, unknown>;
}

export function runtime(options: RuntimeOptions = {}): Runtime {
  const ref = options.ref ?? 'refs/heads/main';
  const env: Record<string, string | undefined> = {
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: options.event ?? 'push',
    GITHUB_REF: ref,
    GITHUB_REPOSITORY: 'octo/envd-demo',
    GITHUB_WORKFLOW: 'CI',
    GITHUB_JOB: 'build',
    GITHUB_SERVER_URL: 'https://github.com',
    RUNNER_TEMP: '/runner/_temp',
    ACTIONS_RUNTIME_TOKEN: jwt([{ Scope: ref, Permission: 3 }]),
    ACTIONS_RESULTS_URL: RESULTS_URL,
    ACTIONS_CACHE_SERVICE_V2: 'True',
    ...options.env
  };
  const payload = { repository: { full_name: 'octo/envd-demo', default_branch: 'main' }, ...options.payload };
  return readRuntime(env, JSON.stringify(payload));
}
