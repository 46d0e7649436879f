export declare const ROOT: string;
export declare function actionYml(root?: string): {
  inputs: Record<string, { description: string; default?: string; required?: boolean }>;
  outputs: Record<string, { description: string }>;
  runs: Record<string, string>;
  [key: string]: unknown;
};
export declare const inputEnvName: (name: string) => string;
export interface JobOptions {
  inputs?: Record<string, string>;
  env?: Record<string, string | undefined>;
  event?: string;
  ref?: string;
  payload?: unknown;
  defaultBranch?: string;
  githubToken?: string;
  matrix?: unknown;
  workspace?: string;
  /** Run main and post as this user (the caller must be root); the job's directories become theirs. */
  user?: JobUser;
}
export interface JobUser {
  uid: number;
  gid: number;
}
export interface Job {
  dirs: { base: string; temp: string; toolCache: string; files: string };
  env: Record<string, string>;
  workspace: string;
  state: Record<string, string>;
  user?: JobUser;
  cleanup(): void;
}
export interface PhaseResult {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  state: Record<string, string>;
  exported: Record<string, string>;
  summary: string;
  files: Record<string, string>;
  /** With `signal`: ms from the signal to the phase's exit. */
  msAfterSignal?: number;
}
export declare const BUILDKITD_ENV: string;
/** Names every FAKE_* variable of `env` in BUILDKITD_ENV, so that the stand-ins' knobs reach buildkitd. Edits `env`. */
export declare function allowFakeKnobs<T extends Record<string, string | undefined>>(env: T): T;
/** Hands `dir` and everything under it to `user` (the caller must be root). */
export declare function chownTree(dir: string, user: JobUser): void;
export declare function createJob(options?: JobOptions): Job;
/** A further step of `job` (same runner and job, its own inputs and STATE); cleanup() is the job's to do. */
export declare function jobStep(
  job: Job,
  options?: { inputs?: Record<string, string>; env?: Record<string, string | undefined> }
): Job;
export declare function parseFileCommands(text: string): Record<string, string>;
export declare function runPhase(
  job: Job,
  phase?: 'main' | 'post',
  options?: { entry?: string; timeoutMs?: number; signal?: { when: RegExp; name: NodeJS.Signals } }
): Promise<PhaseResult>;
