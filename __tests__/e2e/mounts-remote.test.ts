/**
 * cache-mounts beside registry and s3 layers, through the bundle (a dry run: the plan, not the transfers, which
 * __tests__/mounts/remote-*.test.ts cover against real stores): accepted, planned per branch as the layers, and no
 * credential in anything the action wrote. inline still refuses it, naming the backends that can.
 */
import { afterEach, expect, test } from '@jest/globals';
import { createJob, type Job, runPhase } from '../../scripts/harness.mjs';

const SECRET = 'wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY';
const jobs: Job[] = [];
const job = (inputs: Record<string, string>) => {
  const j = createJob({ inputs: { path: 'examples', 'dry-run': 'true', 'cache-mounts': 'auto', ...inputs } });
  jobs.push(j);
  return j;
};
afterEach(() => {
  while (jobs.length) jobs.pop()!.cleanup();
});

test('registry: OCI artifacts next to the cache tag, in the plan and its decision', async () => {
  const main = await runPhase(job({ cache: 'registry', 'cache-ref': 'ghcr.io/octo/env:buildcache' }), 'main');
  expect(main.code).toBe(0);
  const planned = JSON.parse(main.outputs.plan);
  expect(planned.mounts.home).toMatchObject({ store: 'oci-artifact', repository: 'ghcr.io/octo/env' });
  expect(planned.decisions).toContainEqual(
    expect.objectContaining({
      topic: 'cache mounts',
      reason: expect.stringContaining(
        'as OCI artifacts in ghcr.io/octo/env tagged buildcache-mount-…, beside the layers'
      )
    })
  );
});

test('s3: objects under the prefix; the keys in cache-options appear nowhere the action wrote', async () => {
  const main = await runPhase(
    job({
      cache: 's3',
      'cache-scope': 'ex',
      'cache-options': `bucket=cache,region=eu-west-1,prefix=ci/,access_key_id=AKIAEXAMPLE,secret_access_key=${SECRET}`
    }),
    'main'
  );
  expect(main.code).toBe(0);
  expect(JSON.parse(main.outputs.plan).mounts.home).toMatchObject({ store: 's3-object', prefix: 'ci/' });
  expect(main.stdout).toContain('as s3 objects under ci/envd-mounts/');
  // `::add-mask::` is how the runner is told what to mask: the one line that must carry it.
  const shown = main.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::'));
  expect(main.stdout).toContain(`::add-mask::${SECRET}`);
  const written = JSON.stringify([shown, main.stderr, main.outputs, main.state, main.summary]);
  expect(written).not.toContain(SECRET);
});

test('inline: refused before anything starts, naming the backends that keep them', async () => {
  const main = await runPhase(
    job({ cache: 'inline', output: 'type=image,name=ghcr.io/octo/env:latest,push=true' }),
    'main'
  );
  expect(main.code).toBe(1);
  expect(main.stdout).toContain(
    'Input "cache-mounts": is "auto" while cache is inline: cache: inline keeps the cache inside the pushed image, which has no place for package caches; use cache: registry, which keeps them as artifacts beside its layers.'
  );
  expect(main.stdout).toContain('Set cache-mounts: none, or use cache: gha, registry, local or s3');
});
