// What the real-BuildKit benches (bench:real, bench:replay) share about the processes they start: every child is
// spawned detached (its own process group) so that one signal stops it and what it started; a buildkitd the action
// started is found by its command line, which names the bench's temporary directory.
import * as fs from 'node:fs';

/** Signals a detached child's whole process group; a group already gone is not an error. */
export function killGroup(child, signal = 'SIGTERM') {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // gone
  }
}

/** The processes a bench started under `root` (its temporary directory). */
export class Processes {
  constructor(root) {
    this.root = root;
    /** Everything this bench spawned that may outlive a call: killed (process group) in the end, also on failure. */
    this.started = new Set();
  }

  /** Adds a child to `started` until it exits. */
  track(child) {
    this.started.add(child);
    child.once('exit', () => this.started.delete(child));
    return child;
  }

  /** Processes whose command line names the bench's directory (a buildkitd the action started and did not stop). */
  strays() {
    const out = [];
    for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
      try {
        const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
        if (cmd.includes(this.root) && Number(pid) !== process.pid) out.push({ pid: Number(pid), cmd: cmd.trim() });
      } catch {
        // exited meanwhile
      }
    }
    return out;
  }

  /**
   * Stops everything the bench started: its own children's process groups, then whatever still names its directory
   * (a buildkitd the action started: SIGTERM first, so that it unmounts what it mounted under its root; SIGKILL after 5 s).
   */
  async stopAll() {
    for (const child of this.started) killGroup(child, 'SIGKILL');
    const signal = (sig) => {
      const left = this.strays();
      for (const s of left) {
        try {
          process.kill(s.pid, sig);
        } catch {
          // gone
        }
      }
      return left.length;
    };
    const deadline = Date.now() + 5000;
    while (signal('SIGTERM') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    signal('SIGKILL');
  }
}
