/** envd as a subprocess: contexts and builds. Every call goes through Exec; secrets are never echoed. */
import * as path from 'node:path';
import { Exec, type ExecResult } from './exec.js';
import { contextCreateArgs } from '../envd/args.js';
import { DEFAULT_BUILD_OWNER } from '../envd/ssh-key.js';

class EnvdError extends Error {
  constructor(
    message: string,
    readonly result: ExecResult
  ) {
    super(message);
  }
}

/** The environment envd runs with: telemetry off, a fixed image owner, plain progress, our tools first on PATH. */
export function envdEnv(base: NodeJS.ProcessEnv, binDirs: string[]): NodeJS.ProcessEnv {
  return {
    ...base,
    PATH: [...binDirs, base.PATH ?? ''].join(path.delimiter),
    ENVD_ANALYTICS: 'false',
    ENVD_BUILD_OWNER: base.ENVD_BUILD_OWNER || DEFAULT_BUILD_OWNER,
    BUILDKIT_PROGRESS: 'plain'
  };
}

/** Where envd's output lines go, and the signal that stops it. */
export interface BuildStreams {
  onStdout: (line: string) => void;
  onStderr: (line: string) => void;
  stop?: AbortSignal;
}

export class Envd {
  constructor(
    readonly binary: string,
    readonly env: NodeJS.ProcessEnv
  ) {}

  private async ok(args: string[], what: string): Promise<ExecResult> {
    const r = await Exec.run(this.binary, args, { env: this.env });
    if (r.code !== 0) throw new EnvdError(`${what} failed: ${(r.stderr || r.stdout).trim().split('\n').pop()}`, r);
    return r;
  }

  async version(): Promise<string> {
    const r = await this.ok(['version', '--short'], 'envd version');
    return /v\d+\.\d+\.\d+\S*/.exec(r.stdout)?.[0] ?? r.stdout.trim();
  }

  async createContext(
    name: string,
    builder: 'unix' | 'tcp' | 'kube-pod' | 'docker-container',
    address: string
  ): Promise<void> {
    await this.ok(contextCreateArgs(name, builder, address), `envd context create ${name}`);
  }

  /** Switches back to the default context, then removes ours. Errors are returned, not thrown: post must go on. */
  async removeContext(name: string): Promise<string | undefined> {
    const use = await Exec.run(this.binary, ['context', 'use', '--name', 'default'], { env: this.env });
    const rm = await Exec.run(this.binary, ['context', 'rm', '--name', name], { env: this.env });
    if (rm.code === 0) return undefined;
    return `envd context rm ${name}: ${(rm.stderr || use.stderr).trim().split('\n').pop()}`;
  }

  /** `envd build`; when `streams.stop` is aborted envd is stopped as Ctrl-C would (SIGINT, then SIGTERM). */
  build(args: string[], cwd: string, streams: BuildStreams): Promise<ExecResult> {
    return Exec.run(this.binary, args, { env: this.env, cwd, ...streams });
  }
}
