import * as fs from 'node:fs';

/**
 * Whether a process still runs. A zombie has exited and only waits to be reaped by whoever adopted it
 * (in some sandboxes PID 1 reaps late), so it does not count.
 */
export function running(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    // EPERM: it runs, as another user (buildkitd started as root through sudo, seen from the runner user).
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}
