/**
 * The one seam for subprocesses. Nothing is echoed by itself: callers log a redacted command line, because
 * cache flags carry credentials. Static methods, so tests can spy on them under ESM.
 */
import { spawn, spawnSync } from 'node:child_process';
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
}

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
    return new Promise((resolve) => {
      const child = spawn(cmd, args, { env: options.env ?? process.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
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
      child.on('error', (e) => {
        if (timer) clearTimeout(timer);
        resolve({ code: 127, stdout, stderr: stderr + e.message });
      });
      child.on('close', (code, signal) => {
        if (timer) clearTimeout(timer);
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
