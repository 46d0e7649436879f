// Runs after envd-cache-action's post step (post steps run in reverse order). Checks, and fails the job on:
// - a buildkitd process that was not running before the action (builder: auto);
// - a container named envd-cache-* (builder: docker-container);
// - a record (envd-cache-buildkitd-*.json) or a buildkitd directory (envd-bk-*) left in RUNNER_TEMP.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { buildkitds } from './processes.mjs';

const problems = [];
const before = new Set((process.env.STATE_before ?? '').split(',').filter(Boolean).map(Number));
const left = buildkitds().filter((pid) => !before.has(pid));
if (left.length) problems.push(`buildkitd still runs after the post step: pid ${left.join(', ')}`);

const docker = spawnSync('docker', ['ps', '-a', '--filter', 'name=^envd-cache-', '--format', '{{.Names}}'], {
  encoding: 'utf8'
});
if (docker.status === 0 && docker.stdout.trim())
  problems.push(`containers left: ${docker.stdout.trim().split('\n').join(', ')}`);

const temp = process.env.RUNNER_TEMP;
if (temp) {
  const leftovers = fs
    .readdirSync(temp)
    .filter((f) => /^envd-cache-buildkitd-[0-9a-f]{16}\.json$/.test(f) || f.startsWith('envd-bk-'));
  if (leftovers.length) problems.push(`left in RUNNER_TEMP: ${leftovers.join(', ')}`);
}

if (problems.length) {
  for (const p of problems) console.log(`::error title=Something outlived the post step::${p}`);
  process.exit(1);
}
console.log(
  'Nothing the action started is left: no new buildkitd, no envd-cache-* container, no record or buildkitd directory in RUNNER_TEMP.'
);
