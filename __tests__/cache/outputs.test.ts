/** The step outputs and the plan JSON show every credential as ***, wherever in a value it sits (issue 10 item 5). */
import { expect, test } from '@jest/globals';
import { plan } from '../../src/plan/planner.js';
import { outputs } from '../../src/report/outputs.js';
import { inputsOf } from '../support/inputs.js';
import { runtime } from '../support/runtime.js';

const PASS = 'minioPass7qTz';
const TOK = 'stsTok9XwVb';
const SK = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCY';

test('credentials inside endpoint_url and credential attributes never reach an output; the plan lists them as secrets', () => {
  const options = `bucket=b,region=eu-west-1,endpoint_url=https://bob:${PASS}@minio.example.com/?X-Amz-Security-Token=${TOK},secret_access_key=${SK}`;
  const p = plan(inputsOf({ cache: 's3', 'cache-scope': 'ex', 'cache-options': options }), runtime());
  expect(p.problems).toEqual([]);
  expect(p.secrets).toEqual(expect.arrayContaining([PASS, TOK, SK]));
  const out = outputs(p);
  expect(out['export-cache']).toContain('endpoint_url=https://bob:***@minio.example.com/?X-Amz-Security-Token=***');
  expect(out['import-cache']).toContain('secret_access_key=***');
  for (const value of Object.values(out)) for (const s of [PASS, TOK, SK]) expect(value).not.toContain(s);
  // Every string in the plan JSON, not only the flags.
  p.decisions.push({ topic: 'x', outcome: 'y', reason: `came from https://bob:${PASS}@minio.example.com/` });
  const json = outputs(p).plan;
  expect(json).not.toContain(PASS);
  expect(JSON.parse(json).export).toContain('secret_access_key=***');
  expect(JSON.parse(json).secrets).toBeUndefined();
});

test('steps: each build step as JSON (name, status, seconds), empty without a build', () => {
  const p = plan(inputsOf({ 'cache-scope': 'ex' }), runtime());
  expect(outputs(p).steps).toBe('');
  const steps = [
    { name: 'apt-get install curl', status: 'cached' as const, seconds: 0 },
    { name: '[internal] pip install nope', status: 'failed' as const, seconds: 1.2 }
  ];
  const out = outputs(p, { build: { cachedSteps: 1, totalSteps: 2, seconds: 3, steps } });
  expect(JSON.parse(out.steps)).toEqual(steps);
});
