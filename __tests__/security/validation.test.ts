/**
 * Issue 10 item 7 (the input part) and issue 11 item 4, against the bundle as the runner runs it: each
 * invalid input fails the step with an error that names the input, before anything starts — no tool
 * installed, no envd, buildkitd, buildctl or docker run. `npm run package` first: these tests run dist/.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createJob, type Job, runPhase } from '../../scripts/harness.mjs';

// Stand-ins that only record that they ran, first on PATH; with envd-version and buildkit-version
// `system` the action would take them from PATH.
const TOOLS = ['envd', 'buildkitd', 'buildctl', 'docker'];
let bin: string;
beforeAll(() => {
  bin = fs.mkdtempSync(path.join(os.tmpdir(), 'envd-cache-validation-bin-'));
  for (const tool of TOOLS)
    fs.writeFileSync(path.join(bin, tool), `#!/bin/sh\necho "${tool} $*" >> "$STARTED_LOG"\nexit 1\n`, { mode: 0o755 });
});
afterAll(() => fs.rmSync(bin, { recursive: true, force: true }));

const jobs: Job[] = [];
afterEach(() => {
  while (jobs.length) jobs.pop()!.cleanup();
});

async function run(inputs: Record<string, string>) {
  const j = createJob({
    inputs: { path: 'examples', cache: 'none', 'envd-version': 'system', 'buildkit-version': 'system', ...inputs },
    env: { PATH: `${bin}:${process.env.PATH}` }
  });
  jobs.push(j);
  const log = path.join(j.dirs.base, 'started.log');
  j.env.STARTED_LOG = log;
  const main = await runPhase(j, 'main');
  const started = fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '';
  const installed = fs.readdirSync(j.dirs.toolCache);
  return { main, started, installed };
}

// [case, inputs, the error text (after `Input "<input>": `)]
const CASES: [string, Record<string, string>, string][] = [
  [
    'buildkitd-flags with an unbalanced quote',
    { 'buildkitd-flags': '--debug --oci-worker-gc-keepstorage "10GB' },
    'Input "buildkitd-flags": cannot be split into arguments: an unclosed " quote'
  ],
  ['cache-budget above 1 PB', { 'cache-budget': '2000TB' }, 'Input "cache-budget": "2000TB" is more than 1 PB'],
  [
    'cache-budget that reached an output as 1e+44',
    { 'cache-budget': '100000000000000000000000000000000000GB' },
    'Input "cache-budget": "100000000000000000000000000000000000GB" is more than 1 PB'
  ],
  [
    'cache-budget that is not whole bytes',
    { 'cache-budget': '1.5B' },
    'Input "cache-budget": "1.5B" is not a whole number of bytes'
  ],
  [
    'builder with port 99999',
    { builder: 'tcp://buildkitd:99999' },
    'Input "builder": "tcp://buildkitd:99999" has port 99999; a port is 1-65535'
  ],
  [
    'buildkitd-config-inline that is not TOML',
    { 'buildkitd-config-inline': '[worker.oci\nmax-parallelism = 4' },
    'Input "buildkitd-config-inline": is not TOML (line 1, column'
  ],
  [
    'from with two colons',
    { from: 'a:b.envd:build' },
    'Input "from": "a:b.envd:build" has 2 colons; envd splits --from on every ":" and wants file:func'
  ],
  [
    'a 100 KB cache-scope',
    { 'cache-scope': 'x'.repeat(100_000) },
    `Input "cache-scope": "${'x'.repeat(199)}…" must be 1-64 characters`
  ]
];

describe('refused before anything starts', () => {
  test.each(CASES)(
    '%s',
    async (_name, inputs, message) => {
      const { main, started, installed } = await run(inputs);
      expect(main.code).toBe(1);
      const errors = main.stdout.split('\n').filter((l) => l.startsWith('::error'));
      expect(errors[0]).toContain(`::error title=envd cache action%3A invalid input::${message}`);
      expect(errors[errors.length - 1]).toMatch(/^::error::1 invalid input; nothing was started/);
      expect(started).toBe('');
      expect(installed).toEqual([]);
      expect(main.outputs).toEqual({});
      expect(main.state).toEqual({ isPost: 'true' });
      for (const line of main.stdout.split('\n')) expect(line.length).toBeLessThan(2000);
    },
    60000
  );
});

test('control: with valid inputs the same job does reach the tools (so the stand-ins would notice)', async () => {
  const { started } = await run({});
  expect(started).toMatch(/^(envd|buildkitd|buildctl|docker) /m);
}, 60000);
