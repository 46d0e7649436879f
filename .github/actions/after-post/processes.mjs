import * as fs from 'node:fs';

/** Pids of the running processes named buildkitd (a zombie has exited and does not count). */
export function buildkitds() {
  const pids = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'buildkitd') continue;
      if (/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${entry}/stat`, 'utf8'))) continue;
      pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}
