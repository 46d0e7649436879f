/** Which image the action asks about after a build, and the summary section that shows the answer. */
import { describe, expect, test } from '@jest/globals';
import { parseOutput } from '../../src/inputs/output.js';
import { plan } from '../../src/plan/planner.js';
import { imageMarkdown, imageTarget } from '../../src/report/image.js';
import { outputs } from '../../src/report/outputs.js';
import { planSummary } from '../../src/report/summary.js';
import { inputsOf } from '../support/inputs.js';
import { runtime } from '../support/runtime.js';

const out = (raw: string) => {
  const p = parseOutput(raw);
  if (!p.ok) throw new Error(p.problem);
  return p.value;
};

describe('imageTarget', () => {
  test.each([
    [
      'type=image,name=ghcr.io/octo/env:latest,push=true',
      { kind: 'registry', name: 'ghcr.io/octo/env:latest', repository: 'ghcr.io/octo/env', insecure: false }
    ],
    [
      'type=registry,name=ghcr.io/octo/env:v1',
      { kind: 'registry', name: 'ghcr.io/octo/env:v1', repository: 'ghcr.io/octo/env', insecure: false }
    ],
    // Several names: the first is the one asked about, as for the cache ref.
    [
      'type=image,"name=r.example:5000/a/b:1,r.example:5000/a/b:2",push=true,registry.insecure=true',
      { kind: 'registry', name: 'r.example:5000/a/b:1', repository: 'r.example:5000/a/b', insecure: true }
    ],
    [
      'type=image,name=octo/env,push=true',
      { kind: 'registry', name: 'octo/env', repository: 'octo/env', insecure: false }
    ],
    ['type=docker,name=octo/env:dev', { kind: 'docker', name: 'octo/env:dev' }],
    ['type=docker', { kind: 'docker', name: 'project:dev' }]
  ])('%s', (raw, want) => {
    expect(imageTarget(out(raw), 'project:dev')).toEqual(want);
  });

  test('no output: the image envd loads into Docker under the tag the action gave it', () => {
    expect(imageTarget(undefined, 'project:dev')).toEqual({ kind: 'docker', name: 'project:dev' });
  });

  test.each([
    [
      'type=image,name=ghcr.io/octo/env:latest',
      'output type=image without push=true leaves no image in a registry or in Docker'
    ],
    ['type=local,dest=out', 'output type=local without push=true leaves no image in a registry or in Docker'],
    ['type=oci,dest=x.tar', 'output type=oci without push=true leaves no image in a registry or in Docker'],
    ['type=docker,dest=x.tar', 'output type=docker with dest= writes a tarball; nothing is loaded into Docker']
  ])('%s: nothing to read, and why', (raw, why) => {
    expect(imageTarget(out(raw), 'project:dev')).toEqual({ kind: 'none', why });
  });

  test('several platforms loaded into Docker: no single image ID', () => {
    expect(imageTarget(undefined, 'project:dev', 'linux/amd64,linux/arm64')).toEqual({
      kind: 'none',
      why: 'several platforms: envd loads one image per platform, under suffixed tags'
    });
    expect(imageTarget(undefined, 'project:dev', 'linux/arm64')).toEqual({ kind: 'docker', name: 'project:dev' });
  });
});

describe('imageMarkdown', () => {
  const digest = `sha256:${'ab'.repeat(32)}`;
  test('a pushed image: name, pinned image, digest', () => {
    expect(imageMarkdown({ name: 'ghcr.io/octo/env:latest', digest, image: `ghcr.io/octo/env@${digest}` })).toBe(
      [
        '### Image',
        '',
        '| | |',
        '|---|---|',
        '| Name | `ghcr.io/octo/env:latest` |',
        `| Image | \`ghcr.io/octo/env@${digest}\` |`,
        `| Digest | \`${digest}\` |`,
        ''
      ].join('\n')
    );
  });

  test('an image loaded into Docker: its ID', () => {
    expect(imageMarkdown({ name: 'project:dev', imageId: digest })).toContain(`| Image ID | \`${digest}\` |`);
  });

  test('a digest that could not be read: why, on one line, pipes escaped', () => {
    const md = imageMarkdown({ name: 'ghcr.io/octo/env:latest', why: 'ghcr.io answered 403 | to HEAD\n::error::x' });
    expect(md).toContain('| Digest | not read: ghcr.io answered 403 \\| to HEAD\\n::error::x |');
    expect(md.split('\n').filter((l) => l.startsWith('::'))).toEqual([]);
  });

  test('nothing read and nothing to say: no section', () => {
    expect(imageMarkdown(undefined)).toBe('');
    expect(imageMarkdown({ name: 'project:dev' })).toBe('');
  });
});

describe('the digest, image and imageid outputs', () => {
  const digest = `sha256:${'ab'.repeat(32)}`;
  const p = plan(inputsOf({ cache: 'none' }), runtime());
  test('a pushed image: digest and image (name@digest); no imageid', () => {
    const out = outputs(p, { image: { name: 'ghcr.io/octo/env:latest', digest, image: `ghcr.io/octo/env@${digest}` } });
    expect([out.digest, out.image, out.imageid]).toEqual([digest, `ghcr.io/octo/env@${digest}`, '']);
  });
  test('an image loaded into Docker: imageid only', () => {
    const out = outputs(p, { image: { name: 'project:dev', imageId: digest } });
    expect([out.digest, out.image, out.imageid]).toEqual(['', '', digest]);
  });
  test('nothing read (no build, a refusal, a dry run): all three empty', () => {
    for (const out of [outputs(p), outputs(p, { image: { name: 'x', why: 'refused' } })])
      expect([out.digest, out.image, out.imageid]).toEqual(['', '', '']);
  });
});

describe('the summary shows the image and the history after the build table, before the decisions', () => {
  const digest = `sha256:${'ab'.repeat(32)}`;
  test('both sections, in order, and secrets still replaced', () => {
    const p = plan(inputsOf({ cache: 'none' }), runtime());
    p.secrets.push('s3cr3t-value');
    const md = planSummary(p, {
      image: { name: 'ghcr.io/octo/env:latest', digest, image: `ghcr.io/octo/env@${digest}` },
      history: {
        scope: 'py',
        runs: [{ run: '1', attempt: 1, cached: 2, total: 4, seconds: 1 }],
        notes: ['Not saved: s3cr3t-value']
      }
    });
    const at = (s: string) => md.indexOf(s);
    expect(at('| envd |')).toBeLessThan(at('### Image'));
    expect(at('### Image')).toBeLessThan(at('### Hit-ratio history'));
    expect(at('### Hit-ratio history')).toBeLessThan(at('### Decisions'));
    expect(md).toContain(`| Image | \`ghcr.io/octo/env@${digest}\` |`);
    expect(md).not.toContain('s3cr3t-value');
  });

  test('without insight (a failure, a dry run): neither section', () => {
    const md = planSummary(plan(inputsOf({ cache: 'none' }), runtime()));
    expect(md).not.toContain('### Image');
    expect(md).not.toContain('### Hit-ratio history');
  });
});
