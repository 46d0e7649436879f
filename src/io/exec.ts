/**
 * The one seam for subprocesses. Nothing is echoed by itself: callers log a redacted command line, because
 * cache flags carry credentials. Static methods, so tests can spy on them under ESM.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Called with each complete line as it arrives. */
  onStdout?: (line: string) => void;
  onStderr?: (line: string) => void;
  timeoutMs?: number;
  /** When aborted, the process is stopped as Ctrl-C would (`stopChild`); its result is what it returns then. */
  stop?: AbortSignal;
}

/** The grace between SIGINT, SIGTERM and SIGKILL: the runner itself gives a cancelled step 7.5 s before SIGTERM. */
const STOP_GRACE_MS = 2000;

/**
 * SIGINT as Ctrl-C would, SIGTERM when it still runs after `graceMs`, SIGKILL after as long again. envd v1.3.4
 * sets no handler of its own for either signal (its only signal.Notify is pkg/syncthing/syncthing.go:186), so Go's
 * default ends it at SIGINT; its gRPC connection closes, and buildkitd cancels the solve of the client gone.
 */
function stopChild(child: ChildProcess, graceMs: number): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGINT');
  const term = setTimeout(() => child.kill('SIGTERM'), graceMs);
  const kill = setTimeout(() => child.kill('SIGKILL'), 2 * graceMs);
  child.once('close', () => {
    clearTimeout(term);
    clearTimeout(kill);
  });
}

/**
 * The children one step started: every child `Exec.run` started in it that has not ended, and whether the step
 * was cancelled. Part of the step's context (steps/context.ts); `Exec.run`, called deep below the steps, finds
 * the one of the step it runs in through async context (`run`). A child started outside any step is not tracked.
 */
export class Children {
  readonly running = new Set<ChildProcess>();
  private stopped = false;

  /** Whether the step was cancelled (`stopAll`). */
  get cancelled(): boolean {
    return this.stopped;
  }

  /** Runs `work` (a whole step) so that every child `Exec.run` starts in it is one of these. */
  run<T>(work: () => Promise<T>): Promise<T> {
    return steps.run(this, work);
  }

  /**
   * The step is cancelled: every child is stopped as Ctrl-C would (SIGINT, SIGTERM, SIGKILL, `graceMs` apart),
   * nothing new starts, and no stopped call returns. Resolves when all have ended.
   */
  stopAll(graceMs = STOP_GRACE_MS): Promise<void> {
    this.stopped = true;
    return Promise.all(
      [...this.running].map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('close', () => resolve());
            stopChild(child, graceMs);
          })
      )
    ).then(() => undefined);
  }
}

const steps = new AsyncLocalStorage<Children>();

function lines(onLine: ((line: string) => void) | undefined) {
  let buffered = '';
  return {
    feed(chunk: string) {
      if (!onLine) return;
      buffered += chunk;
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      for (const p of parts) onLine(p.replace(/\r$/, ''));
    },
    flush() {
      if (onLine && buffered) onLine(buffered);
      buffered = '';
    }
  };
}

export class Exec {
  static run(cmd: string, args: string[], options: ExecOptions = {}): Promise<ExecResult> {
    // Once the step is cancelled nothing new starts, and nothing that was stopped reports back: the cancel
    // handler writes the step's last line and ends the process.
    const children = steps.getStore();
    if (children?.cancelled) return new Promise(() => undefined);
    return new Promise((resolve) => {
      const child = spawn(cmd, args, {
        env: options.env ?? process.env,
        cwd: options.cwd,
        stdio: ['ignore', 'pipe', 'pipe']
      });
      children?.running.add(child);
      const onStop = () => stopChild(child, STOP_GRACE_MS);
      options.stop?.addEventListener('abort', onStop, { once: true });
      if (options.stop?.aborted) onStop();
      let stdout = '';
      let stderr = '';
      const out = lines(options.onStdout);
      const err = lines(options.onStderr);
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        stdout += d;
        out.feed(d);
      });
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        stderr += d;
        err.feed(d);
      });
      const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs) : undefined;
      const ended = () => {
        children?.running.delete(child);
        options.stop?.removeEventListener('abort', onStop);
        if (timer) clearTimeout(timer);
        return !children?.cancelled;
      };
      child.on('error', (e) => {
        if (ended()) resolve({ code: 127, stdout, stderr: stderr + e.message });
      });
      child.on('close', (code, signal) => {
        if (!ended()) return;
        out.flush();
        err.flush();
        resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
      });
    });
  }

  /** Starts a long-running process that outlives this step; its output goes to logFile. Returns its pid. */
  static spawnDetached(cmd: string, args: string[], options: { env?: NodeJS.ProcessEnv; logFile: string }): number {
    const fd = fs.openSync(options.logFile, 'a');
    try {
      const child = spawn(cmd, args, { env: options.env ?? process.env, detached: true, stdio: ['ignore', fd, fd] });
      if (child.pid === undefined) throw new Error(`could not start ${cmd}`);
      child.unref();
      return child.pid;
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Whether a process runs; a zombie (exited, not yet reaped by whoever adopted it) does not. */
  static isAlive(pid: number): boolean {
    try {
      process.kill(pid, 0);
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'EPERM';
    }
    try {
      return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      return true; // no /proc (macOS): the signal check is all there is
    }
  }

  /** Signals a process (through sudo when it was started with sudo). */
  static kill(pid: number, signal: NodeJS.Signals, sudo = false): void {
    if (sudo) spawnSync('sudo', ['-n', 'kill', `-${signal}`, String(pid)], { stdio: 'ignore' });
    else {
      try {
        process.kill(pid, signal);
      } catch {
        // already gone
      }
    }
  }

  /** Whether this process may run commands as root: it is root, or sudo works without a password. */
  static rootVia(): 'root' | 'sudo' | undefined {
    if (process.getuid?.() === 0) return 'root';
    return spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0 ? 'sudo' : undefined;
  }
}
