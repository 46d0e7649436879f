import type { ChildProcess } from 'node:child_process';

/** Directory of this module (`__tests__/support/fakes`). */
export declare const FAKES_DIR: string;
/** Directory holding the fake executables `envd`, `buildkitd`, `buildctl`. */
export declare const FAKES_BIN: string;

/** FAKES_REAL=1: the stand-ins' tests drive the real tools on PATH instead (see README). */
export declare const REAL: boolean;
/** The fake (or, with FAKES_REAL=1, the real tool on PATH; throws when there is none). */
export declare function fakeTool(name: 'envd' | 'buildkitd' | 'buildctl'): string;
/** `PATH` with FAKES_BIN first (unchanged with FAKES_REAL=1). */
export declare function pathWithFakes(pathValue?: string): string;

export interface RunOptions {
  cwd?: string;
  /** Merged over process.env (undefined deletes a variable), unless replaceEnv. */
  env?: Record<string, string | undefined>;
  replaceEnv?: boolean;
  input?: string;
  /** SIGKILL after this long; default 20 s. */
  timeoutMs?: number;
}
export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}
/** Runs a fake by name (or any executable by path) to completion. */
export declare function runFake(tool: string, args?: string[], options?: RunOptions): Promise<RunResult>;

export interface BuildkitdOptions {
  /** `unix:///abs/path.sock` or `tcp://127.0.0.1:PORT` (port 0 is allowed; the actual port is read from the log). */
  addr?: string;
  /** More flags after `--addr`. */
  args?: string[];
  env?: Record<string, string | undefined>;
  /** Another buildkitd executable (e.g. one extracted from a fake release tarball). */
  bin?: string;
  /**
   * Its --root. Default: a fresh temp root (unless `args` or FAKE_BUILDKITD_DEFAULT_ROOT choose one);
   * false: none, so it takes the default root (/var/lib/buildkit, or FAKE_BUILDKITD_DEFAULT_ROOT).
   */
  root?: string | false;
  /** Give up waiting after this long (default 30 s: a bound for a broken fake, not a readiness guess). */
  readyTimeoutMs?: number;
  /**
   * true (default): resolve once it logs `running server on`. 'started': once it logs its workers, i.e. its
   * SIGTERM/SIGINT handlers are installed but it may not listen yet. false: resolve at once.
   */
  waitReady?: boolean | 'started';
}
export interface Buildkitd {
  proc: ChildProcess;
  pid: number | undefined;
  /** The address to give envd/buildctl (tcp: with the real port). */
  addr: string;
  socketPath?: string;
  port?: number;
  /** The temp root the helper chose (removed once the daemon exited); undefined when the caller chose one. */
  root?: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Everything it logged on stderr so far. */
  logs(): string;
  stdout(): string;
  /** SIGTERM (or `signal`), SIGKILL after graceMs; resolves with the exit status. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}
/** Spawns the fake buildkitd and resolves once it logs `running server on …` (rejects if it exits first). */
export declare function startBuildkitd(options?: BuildkitdOptions): Promise<Buildkitd>;
/** Stops every daemon started by startBuildkitd that is still running (use in afterAll/afterEach). */
export declare function stopAllBuildkitd(): Promise<void>;

/** Writes `<home>/.config/envd/id_rsa_envd{,.pub}` (a fresh ed25519 pair unless given); returns the public key. */
export declare function writeEnvdKeys(home: string, keys?: { publicKey?: string; privateKey?: string }): string;

/** `domain/path:tag`, as the fake registry stores references. */
export declare function normalizeRef(ref: string): string;
/** The fake registry's directory for a reference: `<root>/<normalized ref, % / : @ percent-encoded>`. */
export declare function registryDir(root: string, ref: string): string;
/** `<root>/<bucket>/<key>`. */
export declare function s3Object(root: string, bucket: string, key: string): string;
export declare function digestOf(data: string | Buffer): string;
/** First 8 hex of sha256(ref), as in `index-<scope>-1-<hash>#<n>`. */
export declare function ghaRefHash(ref: string): string;

export interface ProgressVertex {
  n: number;
  name: string;
  status: 'CACHED' | 'DONE' | 'ERROR' | 'RUNNING';
  error?: string;
  /** Sub-status and log lines, without the `#N ` prefix. */
  lines: string[];
}
/** Parses BuildKit plain progress output into vertices. */
export declare function parseProgress(stdout: string): ProgressVertex[];
/** The error text of envd's `level=fatal msg=exit … error="…"` line, unquoted by Go's strconv.Unquote rules (throws when they refuse it). */
export declare function fatalError(stderr: string): string | undefined;
