/**
 * docs/remote-builders.md, "A fleet of buildkitd with mutual TLS": its example is held to the code. The
 * workflow's inputs pass the action's own validation, the StatefulSet runs buildkitd with mutual TLS on the
 * port and names the workflow uses, and the certificates are made for those names.
 */
import { describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { ROOT } from '../../scripts/harness.mjs';
import { formatProblem, parseInputs } from '../../src/inputs/inputs.js';
import { raw } from '../support/inputs.js';

const page = fs.readFileSync(path.join(ROOT, 'docs', 'remote-builders.md'), 'utf8');
const section = page.slice(page.indexOf('## A fleet of buildkitd with mutual TLS'));
const blocks = (lang: string) =>
  [...section.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]);

const PEM = (label: string) => `-----BEGIN ${label}-----\n${'QUJD'.repeat(16)}\n-----END ${label}-----`;
/** What the runner gives for each secret the workflow names. */
const SECRETS: Record<string, string> = {
  BUILDKIT_CA: PEM('CERTIFICATE'),
  BUILDKIT_CERT: PEM('CERTIFICATE'),
  BUILDKIT_KEY: PEM('PRIVATE KEY')
};

interface K8sObject {
  kind: string;
  metadata: { name: string; namespace?: string };
  spec: Record<string, unknown> & {
    clusterIP?: string;
    replicas?: number;
    serviceName?: string;
    ports?: { port: number }[];
    template?: { spec: { containers: { args: string[] }[]; volumes: { secret?: { secretName: string } }[] } };
  };
}

describe('docs/remote-builders.md', () => {
  const [manifests, workflow] = blocks('yaml');
  const objects = parseAllDocuments(manifests).map((d) => d.toJSON() as K8sObject);
  const service = objects.find((o) => o.kind === 'Service')!;
  const sts = objects.find((o) => o.kind === 'StatefulSet')!;
  const step = (
    parse(workflow) as { jobs: { build: { steps: { uses?: string; with?: Record<string, string> }[] } } }
  ).jobs.build.steps.find((s) => s.uses?.includes('envd-cache-action'))!;
  const inputs = Object.fromEntries(
    Object.entries(step.with!).map(([k, v]) => [
      k,
      String(v).replace(/\$\{\{ secrets\.(\w+) \}\}/, (_, name: string) => SECRETS[name])
    ])
  );

  test("the workflow's inputs are valid: a fleet of three tcp builders with mutual TLS", () => {
    const parsed = parseInputs(raw(inputs));
    expect(parsed.problems.map(formatProblem)).toEqual([]);
    expect(parsed.inputs?.builder).toMatchObject({
      kind: 'address',
      tls: { ca: { from: 'text' }, cert: { from: 'text' }, key: { from: 'text' } }
    });
  });

  test('the StatefulSet runs buildkitd with mutual TLS from the daemon secret, one pod per address the workflow lists', () => {
    const args = sts.spec.template!.spec.containers[0].args;
    for (const flag of ['--tlscacert', '--tlscert', '--tlskey']) expect(args).toContain(flag);
    expect(args).toContain('tcp://0.0.0.0:1234');
    expect(sts.spec.template!.spec.volumes.map((v) => v.secret?.secretName)).toContain('buildkit-daemon-certs');
    expect(service.spec.clusterIP).toBe('None');
    expect(sts.spec.serviceName).toBe(service.metadata.name);
    const expected = Array.from(
      { length: sts.spec.replicas! },
      (_, i) =>
        `tcp://${sts.metadata.name}-${i}.${service.metadata.name}.${sts.metadata.namespace}.svc:${service.spec.ports![0].port}`
    );
    expect(inputs.builder.trim().split('\n')).toEqual(expected);
  });

  test('the certificates are made for every name the workflow connects to', () => {
    const [script] = blocks('sh');
    const sans = /create-certs\.sh (.*)/.exec(script)![1].split(' ');
    expect(
      inputs.builder
        .trim()
        .split('\n')
        .map((a) => /^tcp:\/\/([^:]+):/.exec(a)![1])
    ).toEqual(sans);
  });
});
