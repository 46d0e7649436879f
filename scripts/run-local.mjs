// `npm start`: runs the action's main job on examples/ as the runner would, in dry-run, and prints what a
// workflow author would see: the log, the outputs and the job summary. Starts nothing.
import { createJob, runPhase } from './harness.mjs';

import { execFileSync } from 'node:child_process';

// With envd, buildkitd and buildctl on PATH the example is really built (tools from PATH, cache: local,
// which outside GitHub Actions is not kept); otherwise the main job runs in dry-run and starts nothing.
const onPath = (tool) => {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
const real = ['envd', 'buildkitd', 'buildctl'].every(onPath);
const defaults = real
  ? { path: 'examples', 'dry-run': 'false', 'envd-version': 'system', 'buildkit-version': 'system', cache: 'local' }
  : { path: 'examples', 'dry-run': 'true' };
console.log(
  real
    ? 'envd, buildkitd and buildctl are on PATH: building examples/ for real (cache: local)'
    : 'Running the main job on examples/ in dry-run (put envd, buildkitd and buildctl on PATH to build for real)'
);
// GITHUB_ACTIONS is left unset: this is a local run, and the plan says so where it matters (gha credentials).
const job = createJob({ inputs: { ...defaults, ...inputsFromArgs() }, env: { GITHUB_ACTIONS: undefined } });
try {
  const main = await runPhase(job, 'main');
  process.stdout.write('── log ──\n' + main.stdout + main.stderr);
  process.stdout.write('\n── outputs ──\n');
  for (const [k, v] of Object.entries(main.outputs))
    process.stdout.write(`${k}: ${k === 'plan' ? JSON.stringify(JSON.parse(v), null, 2) : v}\n`);
  process.stdout.write('\n── job summary ──\n' + main.summary + '\n');
  const post = await runPhase(job, 'post');
  process.exitCode = main.code || post.code || 0;
} finally {
  job.cleanup();
}

/** `npm start -- cache=local cache-mode=max` overrides inputs. */
function inputsFromArgs() {
  return Object.fromEntries(
    process.argv.slice(2).map((a) => {
      const eq = a.indexOf('=');
      if (eq < 0) throw new Error(`expected input=value, got ${a}`);
      return [a.slice(0, eq), a.slice(eq + 1)];
    })
  );
}
