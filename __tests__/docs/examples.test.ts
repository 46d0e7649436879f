/**
 * Every `yaml` example in README.md and docs/ runs through the bundle in dry-run (scripts/harness.mjs), under each
 * event its `on:` names and for each matrix leg, and does what the text around it says. EXPECTED holds, per page
 * and heading, what that text promises; an example with no entry fails, so a new example comes with its promise.
 * `npm test` bundles before jest runs, so this runs exactly what dist/ holds.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { actionYml, ROOT } from '../../scripts/harness.mjs';
import { type Emulator, startEmulator } from '../support/emulator/index.js';
import { pages } from '../support/markdown.js';
import {
  ACTION_USES,
  evaluate,
  type Example,
  type ExampleRun,
  FEATURE,
  matrixLegs,
  PR_NUMBER,
  readExample,
  REPO,
  runJob,
  scenariosFor,
  secretValue,
  type Step,
  substitute,
  type Workflow
} from '../support/workflow-example.js';

const OUTPUTS = Object.keys(actionYml().outputs);
/** Values in the examples that stand for the reader's own (besides OWNER, which the README explains once). */
const PLACEHOLDERS = ['my-org', 'my-envd-cache', 'minio.example.com'];
/** The YAML comments of an example, from their # on. */
const comments = (body: string) =>
  body
    .split('\n')
    .filter((l) => /(^|\s)#\s/.test(l))
    .map((l) => l.slice(l.search(/(^|\s)#\s/)));
const TOKENS = {
  write: 'ghs_docsWriteToken000000000000000000000',
  read: 'ghs_docsReadToken0000000000000000000000',
  none: 'ghs_docsNoneToken0000000000000000000000'
};

/** What one example's text promises, checked on all of its runs together. */
type Promise_ = (runs: ExampleRun[]) => void;

const on = (runs: ExampleRun[], label: string) => {
  const picked = runs.filter((r) => r.scenario.label === label);
  if (!picked.length)
    throw new Error(`no run for ${label}; the runs are ${[...new Set(runs.map((r) => r.scenario.label))].join(', ')}`);
  return picked;
};
const out = (r: ExampleRun, name: string) => r.main.outputs[name];

const CLOSED_PR = 99;
const scopes = (runs: ExampleRun[]) => runs.map((r) => out(r, 'cache-scope'));
const plannedAccess = (r: ExampleRun) => r.plan.access as { readable: string[]; writable?: string };

/** gha on a push to main writes a max cache there; on a pull request it reads main's and writes a min cache of its own. */
const ghaPushAndPr: Promise_ = (runs) => {
  for (const r of on(runs, 'push to main')) {
    expect(out(r, 'export-cache')).toMatch(
      /^type=gha,scope=[^,]+,token=\*\*\*,url_v2=[^,]+,version=2,timeout=10m,mode=max,ignore-error=true$/
    );
    expect(plannedAccess(r).writable).toBe('refs/heads/main');
  }
  for (const r of on(runs, 'pull_request (opened)')) {
    expect([out(r, 'cache-mode'), out(r, 'export-cache')]).toEqual([
      'min',
      expect.stringMatching(/^type=gha,.*,mode=min,/)
    ]);
    expect(plannedAccess(r)).toEqual({
      readable: expect.arrayContaining([`refs/pull/${PR_NUMBER}/merge`, 'refs/heads/main']),
      writable: `refs/pull/${PR_NUMBER}/merge`
    });
  }
};

/** The ghcr.io recipe: the image name lowercased from the repository, the cache beside it under buildcache-<scope>. */
const ghcr: Promise_ = (runs) => {
  const [r] = on(runs, 'push to main');
  const image = `ghcr.io/${REPO.toLowerCase()}/env`;
  expect((r.plan.envd as { output: string }).output).toBe(`type=image,name=${image}:latest,push=true`);
  expect(out(r, 'export-cache')).toBe(
    `type=registry,ref=${image}:buildcache-${out(r, 'cache-scope')},mode=max,ignore-error=true`
  );
  expect(out(r, 'import-cache')).toBe(`type=registry,ref=${image}:buildcache-${out(r, 'cache-scope')}`);
};

const EXPECTED: Record<string, Promise_> = {
  'README.md > Quick start': ghaPushAndPr,
  'README.md > Registry cache on ghcr.io': ghcr,
  'docs/cache-mounts.md > Package caches (cache mounts)': (runs) => {
    ghaPushAndPr(runs);
    // A push and a same-repository pull request both write their layers, so both restore and save their package caches.
    for (const r of runs) {
      expect(r.plan.mounts).toMatchObject({
        setting: { kind: 'auto' },
        restore: true,
        save: true,
        scope: out(r, 'cache-scope')
      });
      expect(out(r, 'cache-mounts')).toBe('[]'); // figures only after a build; a dry run builds nothing
    }
  },
  'docs/examples.md > gha (default)': (runs) => {
    ghaPushAndPr(runs);
    for (const r of runs) expect(r.after).toEqual(['echo "cached  of  steps"']); // cached-steps and total-steps exist; empty in a dry run
  },
  'docs/examples.md > Registry on ghcr.io': ghcr,
  'docs/examples.md > Inline': ([r]) => {
    expect([out(r, 'cache-mode'), out(r, 'export-cache'), out(r, 'import-cache')]).toEqual([
      'min',
      'type=inline',
      'type=registry,ref=ghcr.io/my-org/env:latest'
    ]);
  },
  'docs/examples.md > Local': ([r]) => {
    const scope = out(r, 'cache-scope');
    expect((r.plan.local as { dir: string }).dir).toMatch(new RegExp(`/temp/envd-cache/${scope}$`)); // $RUNNER_TEMP/envd-cache/<scope>
    expect(out(r, 'export-cache')).toMatch(
      new RegExp(`^type=local,dest=.*/temp/envd-cache/${scope}\\.new,mode=max,ignore-error=true$`)
    );
  },
  'docs/examples.md > S3': ([r]) => {
    expect(out(r, 'export-cache')).toBe(
      `type=s3,name=${out(r, 'cache-scope')},mode=max,bucket=my-envd-cache,region=eu-west-1,access_key_id=***,secret_access_key=***,ignore-error=true`
    );
    expect(r.inputs['cache-options']).toContain(secretValue('AWS_SECRET_ACCESS_KEY'));
  },
  'docs/examples.md > S3-compatible endpoint (MinIO, R2)': ([r]) => {
    expect(out(r, 'export-cache')).toMatch(
      /^type=s3,name=[^,]+,mode=max,bucket=envd-cache,region=us-east-1,endpoint_url=https:\/\/minio\.example\.com,use_path_style=true,access_key_id=\*\*\*,secret_access_key=\*\*\*,ignore-error=true$/
    );
  },
  'docs/examples.md > Matrix: one scope per entry': (runs) => {
    for (const label of ['push to main', 'pull_request (opened)']) {
      const legs = on(runs, label);
      expect(legs).toHaveLength(4);
      expect(new Set(scopes(legs)).size).toBe(4); // no leg overwrites another's cache
      for (const r of legs) {
        expect((r.plan.envd as { platform: string }).platform).toBe(
          r.leg?.arch === 'arm64' ? 'linux/arm64' : 'linux/amd64'
        );
        expect((r.plan.envd as { from: string }).from).toBe(`build.envd:${String(r.leg?.function)}`);
      }
    }
    expect(scopes(on(runs, 'pull_request (opened)'))).toEqual(scopes(on(runs, 'push to main'))); // the same on every branch
  },
  'docs/examples.md > Matrix: one scope per entry + cache-scope': (runs) => {
    for (const r of runs) expect(out(r, 'cache-scope')).toBe(`envd-${String(r.leg?.function)}-${String(r.leg?.arch)}`);
    expect(new Set(scopes(on(runs, 'push to main'))).size).toBe(4);
  },
  'docs/examples.md > Pull request pipeline: import only': ([r, ...rest]) => {
    expect(rest).toEqual([]);
    expect([r.scenario.event, out(r, 'export-cache'), out(r, 'import-cache')]).toEqual([
      'pull_request',
      '',
      expect.stringMatching(/^type=gha,/)
    ]);
    expect(plannedAccess(r).readable).toEqual(expect.arrayContaining(['refs/heads/main']));
  },
  'docs/examples.md > Prune when a pull request closes': ([r]) => {
    expect([r.scenario.label, r.plan.command, out(r, 'pruned-entries')]).toEqual([
      'pull_request (closed)',
      'prune',
      '0'
    ]);
    expect(r.main.summary).toContain('Prune plan (dry run: nothing was deleted)');
    expect(r.main.summary).toContain(`refs/pull/${PR_NUMBER}/merge`);
    expect(emu.entries().filter((e) => e.ref === `refs/pull/${PR_NUMBER}/merge`)).toHaveLength(2);
    expect(r.main.state.builder).toBeUndefined(); // nothing is built
  },
  "docs/examples.md > Sweep the repository's cache on a schedule": ([r]) => {
    expect([r.scenario.event, r.plan.command, out(r, 'cache-budget-bytes')]).toEqual([
      'schedule',
      'prune',
      '8000000000'
    ]);
    expect(r.main.summary).toContain(`refs/pull/${CLOSED_PR}/merge`); // a pull request that is no longer open
    expect(emu.entries().filter((e) => e.ref === `refs/pull/${CLOSED_PR}/merge`)).toHaveLength(2);
  },
  'docs/reference.md > Dry run': ([r]) => {
    expect(r.after[0]).toBe('echo "$PLAN" | jq .');
    expect(JSON.parse(r.after[1])).toMatchObject({ dryRun: true, backend: 'registry', problems: [] });
    expect(out(r, 'export-cache')).toBe(
      `type=registry,ref=ghcr.io/my-org/env:buildcache-${out(r, 'cache-scope')},mode=max,ignore-error=true`
    );
  },
  'docs/remote-builders.md > A running buildkitd at an address': ([r]) => {
    expect(r.inputs.builder).toBe('unix:///run/buildkit/buildkitd.sock');
    expect([out(r, 'export-cache'), out(r, 'import-cache')]).toEqual([
      'type=registry,ref=ghcr.io/my-org/env-cache:buildcache,mode=max,ignore-error=true',
      'type=registry,ref=ghcr.io/my-org/env-cache:buildcache'
    ]);
  },
  'docs/remote-builders.md > The workflow': (runs) => {
    for (const r of runs) {
      // Three daemons, ranked for this scope; no cache flags (the fleet keeps its own cache); TLS inputs masked.
      expect(
        (r.plan.decisions as { topic: string; outcome: string }[]).find((d) => d.topic === 'builder')?.outcome
      ).toBe('fleet of 3');
      expect([out(r, 'cache-backend'), out(r, 'export-cache'), out(r, 'import-cache')]).toEqual(['none', '', '']);
    }
  },
  'docs/scopes-and-modes.md > Where the cache lives': (runs) => {
    const repo = 'ghcr.io/my-org/envd-example';
    expect(new Set(scopes(on(runs, 'push to main'))).size).toBe(2); // every leg has its own scope
    for (const r of on(runs, 'push to main'))
      expect(out(r, 'export-cache')).toBe(
        `type=registry,ref=${repo}:buildcache-${out(r, 'cache-scope')},mode=max,ignore-error=true`
      );
    for (const r of on(runs, `push to ${FEATURE}`)) {
      expect(out(r, 'export-cache')).toMatch(
        new RegExp(
          `^type=registry,ref=${repo}:buildcache-${out(r, 'cache-scope')}-feature-x-[0-9a-f]+,mode=min,ignore-error=true$`
        )
      );
      expect(out(r, 'import-cache')).toBe(`type=registry,ref=${repo}:buildcache-${out(r, 'cache-scope')}`); // starts from main's
    }
    for (const r of on(runs, 'pull_request (opened)')) {
      expect([out(r, 'export-cache'), out(r, 'import-cache')]).toEqual([
        '',
        `type=registry,ref=${repo}:buildcache-${out(r, 'cache-scope')}`
      ]);
      expect((r.plan.envd as { output: string }).output).toMatch(/,push=false$/);
    }
  }
};

// The examples of each page, in page order, with the inputs fragments folded into the example before them.
interface Found {
  key: string;
  file: string;
  line: number;
  example: Example;
  body: string;
  extraInputs: Record<string, unknown>[];
}
const found: Found[] = [];
for (const page of pages()) {
  const seen = new Map<string, number>();
  // Kubernetes manifests (apiVersion/kind) are not workflows: docs/remote-builders.md's are held by remote-builders.test.ts.
  for (const fence of page.fences.filter((f) => f.lang === 'yaml' && !/^apiVersion:/m.test(f.body))) {
    const example = readExample(fence.body);
    if (example.kind === 'inputs') {
      // A few inputs shown as a change to the example before them: that example again, with them.
      const previous = found.at(-1);
      if (!previous || previous.file !== page.file)
        throw new Error(`${page.file}:${fence.line}: an inputs fragment with no example before it`);
      found.push({
        ...previous,
        key: `${previous.key} + ${Object.keys(example.inputs).join(', ')}`,
        line: fence.line,
        extraInputs: [...previous.extraInputs, example.inputs]
      });
      continue;
    }
    const base = `${page.file} > ${fence.heading}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    found.push({
      key: n === 1 ? base : `${base} #${n}`,
      file: page.file,
      line: fence.line,
      example,
      body: fence.body,
      extraInputs: []
    });
  }
}

/** The example as a job and its permissions; step-only examples are a job that checks the repository out first. */
function asJob(f: Found): {
  workflow: Workflow;
  job: { 'runs-on'?: string | string[]; strategy?: { matrix?: Record<string, unknown> }; steps: Step[] };
} {
  const workflow: Workflow =
    f.example.kind === 'workflow'
      ? f.example.workflow
      : {
          jobs: {
            build: { steps: [{ uses: 'actions/checkout@v5' }, ...(f.example.kind === 'steps' ? f.example.steps : [])] }
          }
        };
  const jobs = Object.values(workflow.jobs ?? {});
  if (jobs.length !== 1) throw new Error(`${f.key}: the runner takes one job per example`);
  const job = structuredClone(jobs[0]);
  const action = job.steps.find((s) => s.uses === ACTION_USES);
  if (action) for (const extra of f.extraInputs) action.with = { ...action.with, ...extra };
  return { workflow, job };
}

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({
    repository: REPO,
    restTokens: { [TOKENS.write]: 'write', [TOKENS.read]: 'read' },
    openPullRequests: [PR_NUMBER]
  });
  // Caches of the example's pull request and of one that is closed, for the prune examples to list.
  const version = '693bb7016429d80366022f036f84856888c9f13e00145f5f6f4dce303a38d6f2';
  const old = Date.now() - 2 * 24 * 3600 * 1000;
  for (const ref of [`refs/pull/${PR_NUMBER}/merge`, `refs/pull/${CLOSED_PR}/merge`])
    for (const key of ['index-build-0a1b2c3d#1', 'buildkit-blob-1-sha256:' + 'c'.repeat(64)])
      emu.seed({ ref, key, version, sizeBytes: 5000, createdAt: old, lastAccessedAt: old });
});
afterAll(() => emu.close());

describe('documentation examples, run through dist/index.js in dry-run', () => {
  test('every example is found, uses the action as OWNER/envd-cache-action@v1, and has its promise', () => {
    expect(found.length).toBeGreaterThan(10);
    for (const f of found) {
      const { job } = asJob(f);
      const uses = job.steps.map((s) => s.uses).filter((u) => u?.includes('envd-cache-action'));
      expect({ key: f.key, uses }).toEqual({ key: f.key, uses: [ACTION_USES] });
    }
    expect(found.map((f) => f.key).filter((k) => !(k in EXPECTED))).toEqual([]);
    // Every value a reader must replace is named in a comment of the example it appears in.
    for (const f of found)
      for (const placeholder of PLACEHOLDERS.filter((p) => f.body.includes(p)))
        expect({
          key: f.key,
          placeholder,
          named: comments(f.body).some((c) => c.includes(placeholder) && /\byour\b/.test(c))
        }).toEqual({ key: f.key, placeholder, named: true });
    expect(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')).toContain(
      '`OWNER/envd-cache-action@v1` stands for the repository and version you use the action from'
    );
    expect(Object.keys(EXPECTED).filter((k) => !found.some((f) => f.key === k))).toEqual([]);
  });

  test('the runner reads expressions and matrices as GitHub does, and fails on what it does not know', () => {
    const ternary = "matrix.arch == 'arm64' && 'ubuntu-24.04-arm' || 'ubuntu-24.04'";
    expect([
      evaluate(ternary, { matrix: { arch: 'arm64' } }),
      evaluate(ternary, { matrix: { arch: 'amd64' } })
    ]).toEqual(['ubuntu-24.04-arm', 'ubuntu-24.04']);
    expect(substitute("push=${{ github.event_name == 'push' }}", { github: { event_name: 'pull_request' } })).toBe(
      'push=false'
    );
    expect(() => evaluate('github.nope', { github: {} })).toThrow('github.nope: no nope');
    expect(() => evaluate('secret.X', { secrets: {} })).toThrow('no context secret');
    expect(matrixLegs({ a: [1, 2], include: [{ a: 1, b: 'x' }, { c: 3 }] })).toEqual([
      { a: 1, b: 'x', c: 3 },
      { a: 2, c: 3 }
    ]);
    expect(matrixLegs({ a: [1], include: [{ a: 9 }] })).toEqual([{ a: 1 }, { a: 9 }]);
  });

  test.each(found.map((f) => [f.key, f] as const))('%s', async (key, f) => {
    const { workflow, job } = asJob(f);
    // A step-only example runs with GitHub's default token permissions, which include actions: write.
    const permission = f.example.kind === 'workflow' ? workflow.permissions?.actions : 'write';
    const githubToken = permission === 'write' ? TOKENS.write : permission === 'read' ? TOKENS.read : TOKENS.none;
    const env = { GITHUB_API_URL: emu.apiUrl, ACTIONS_RESULTS_URL: emu.resultsUrl, ACTIONS_CACHE_SERVICE_V2: 'True' };
    const runs: ExampleRun[] = [];
    for (const scenario of scenariosFor(workflow.on))
      for (const leg of matrixLegs(job.strategy?.matrix))
        runs.push(await runJob(job, { scenario, leg, env, githubToken, outputNames: OUTPUTS }));
    for (const r of runs) {
      const where = `${key}, ${r.scenario.label}${r.leg ? ` ${JSON.stringify(r.leg)}` : ''}`;
      // Copied as shown, an example runs clean: no error and no warning its text does not mention.
      const annotations = (r.main.stdout + r.post.stdout).split('\n').filter((l) => /^::(error|warning)/.test(l));
      expect({ where, code: r.main.code, post: r.post.code, annotations }).toEqual({
        where,
        code: 0,
        post: 0,
        annotations: []
      });
      // No secret an example passes reaches the log, the outputs or the summary.
      const log = r.main.stdout
        .split('\n')
        .filter((l) => !l.startsWith('::add-mask::'))
        .join('\n');
      const written = log + r.main.stderr + JSON.stringify(r.main.outputs) + r.main.summary;
      for (const value of Object.values(r.inputs))
        for (const secret of value.match(/Secret\w+0123456789/g) ?? []) expect(written).not.toContain(secret);
    }
    EXPECTED[key](runs);
  });
});
