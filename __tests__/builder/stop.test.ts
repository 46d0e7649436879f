/** Stopping a buildkitd the action started: returns as soon as the process is gone, SIGKILL after the grace. */
import { describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { stopBuilder } from '../../src/io/buildkit/builder.js';
import { running } from '../support/process.js';

/** A child that prints `ready` once its SIGTERM handling is in place (so the test never guesses by the clock). */
async function daemon(ignoreTerm: boolean) {
  const code = `${ignoreTerm ? "process.on('SIGTERM', () => {});" : ''} setInterval(() => {}, 1000); console.log('ready');`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'ignore'] });
  await once(child.stdout, 'data');
  child.stdout.resume();
  return child;
}

describe('stopping buildkitd', () => {
  test('a daemon that exits on SIGTERM: stopBuilder returns with it gone', async () => {
    const child = await daemon(false);
    const exited = once(child, 'exit');
    await stopBuilder({
      kind: 'auto',
      envdBuilder: 'unix',
      envdAddress: 'x',
      buildctlAddr: 'unix://x',
      pid: child.pid
    });
    await exited; // reaped by this process, its parent
    expect(running(child.pid)).toBe(false);
  });

  test('a daemon that ignores SIGTERM is killed after the grace', async () => {
    const child = await daemon(true);
    const exited = once(child, 'exit');
    await stopBuilder(
      { kind: 'auto', envdBuilder: 'unix', envdAddress: 'x', buildctlAddr: 'unix://x', pid: child.pid },
      process.env,
      300
    );
    const [, signal] = await exited;
    expect(signal).toBe('SIGKILL');
  });
});
