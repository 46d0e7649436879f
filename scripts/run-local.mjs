// `npm start`: runs the action's main job on examples/ as the runner would, in dry-run, and prints what a
// workflow author would see: the log, the outputs and the job summary. Starts nothing.
import { createJob, runPhase } from './harness.mjs';

// GITHUB_ACTIONS is left unset: this is a local run, and the plan says so where it matters (gha credentials).
const job = createJob({ inputs: { path: 'examples', 'dry-run': 'true', ...inputsFromArgs() }, env: { GITHUB_ACTIONS: undefined } });
try {
  const main = await runPhase(job, 'main');
  process.stdout.write('── log ──\n' + main.stdout + main.stderr);
  process.stdout.write('\n── outputs ──\n');
  for (const [k, v] of Object.entries(main.outputs)) process.stdout.write(`${k}: ${k === 'plan' ? JSON.stringify(JSON.parse(v), null, 2) : v}\n`);
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
