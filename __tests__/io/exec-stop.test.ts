/** Exec's stop ladder (src/io/exec.ts): SIGINT as Ctrl-C would, then SIGTERM, then SIGKILL, each STOP_GRACE_MS apart. */
import { expect, test } from '@jest/globals';
import { Exec } from '../../src/io/exec.js';

/** A child that says which signals it got, ignores `ignore`, and says when it is ready. */
const child = (ignore: string[]) => `
for (const s of ['SIGINT', 'SIGTERM']) process.on(s, () => { console.log('got ' + s); if (!${JSON.stringify(ignore)}.includes(s)) process.exit(0); });
console.log('ready');
setInterval(() => undefined, 1000);
`;

async function stopped(ignore: string[]) {
  const stop = new AbortController();
  const lines: string[] = [];
  const r = await Exec.run(process.execPath, ['-e', child(ignore)], {
    stop: stop.signal,
    onStdout: (l) => {
      lines.push(l);
      if (l === 'ready') stop.abort();
    }
  });
  return { r, lines };
}

test('a child that ends on SIGINT gets only SIGINT', async () => {
  const { r, lines } = await stopped([]);
  expect(lines).toEqual(['ready', 'got SIGINT']);
  expect(r.code).toBe(0);
});

test('a child that ignores SIGINT gets SIGTERM; one that ignores both is killed', async () => {
  expect((await stopped(['SIGINT'])).lines).toEqual(['ready', 'got SIGINT', 'got SIGTERM']);
  const both = await stopped(['SIGINT', 'SIGTERM']);
  expect(both.lines).toEqual(['ready', 'got SIGINT', 'got SIGTERM']);
  expect(both.r.code).toBe(128);
}, 20000);
