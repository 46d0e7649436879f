/**
 * Issue 22, layer 1: `builder` takes one or several addresses (comma or newline), and mutual TLS comes from
 * builder-tls-* inputs (PEM text or a file path) that are checked, masked and never echoed.
 */
import { describe, expect, test } from '@jest/globals';
import { formatProblem, inputSecrets, parseInputs } from '../../src/inputs/inputs.js';
import { isRemote, parseAddresses, splitAddresses } from '../../src/fleet/address.js';
import { pemProblem, pemSecrets } from '../../src/fleet/tls.js';
import { Input } from '../../src/action/names.js';
import { raw } from '../support/inputs.js';

const problemsOf = (overrides: Record<string, string>) => parseInputs(raw(overrides)).problems.map(formatProblem);
const q = (s: string) => JSON.stringify(s);

// Made-up PEM bodies: shaped like PEM, no real key material.
const BODY = (seed: string) => Array.from({ length: 4 }, (_, i) => `${seed}${i}`.padEnd(64, 'A')).join('\n');
const CERT = `-----BEGIN CERTIFICATE-----\n${BODY('MIIcert')}\n-----END CERTIFICATE-----`;
const CA = `-----BEGIN CERTIFICATE-----\n${BODY('MIIca')}\n-----END CERTIFICATE-----`;
const KEY = `-----BEGIN PRIVATE KEY-----\n${BODY('MIIkeysecret')}\n-----END PRIVATE KEY-----`;

describe('builder addresses', () => {
  test('comma and newline separated, blanks and comment lines skipped, order kept', () => {
    expect(splitAddresses('tcp://a:1, tcp://b:2\n\n# pods\nkube-pod://bk-0?namespace=ci\n')).toEqual([
      'tcp://a:1',
      'tcp://b:2',
      'kube-pod://bk-0?namespace=ci'
    ]);
  });

  test('each scheme parses into its parts', () => {
    const { addresses, problems } = parseAddresses(
      'tcp://bk.example:1234\ntcp://[::1]:8000\nunix:///run/buildkit/buildkitd.sock\nkube-pod://buildkitd-1?namespace=build&context=ci@prod&container=buildkitd',
      q
    );
    expect(problems).toEqual([]);
    expect(addresses).toEqual([
      { scheme: 'tcp', text: 'tcp://bk.example:1234', host: 'bk.example', port: 1234 },
      { scheme: 'tcp', text: 'tcp://[::1]:8000', host: '::1', port: 8000 },
      { scheme: 'unix', text: 'unix:///run/buildkit/buildkitd.sock', path: '/run/buildkit/buildkitd.sock' },
      {
        scheme: 'kube-pod',
        text: 'kube-pod://buildkitd-1?namespace=build&context=ci@prod&container=buildkitd',
        pod: 'buildkitd-1',
        namespace: 'build',
        context: 'ci@prod',
        container: 'buildkitd'
      }
    ]);
  });

  test.each([
    ['tcp://host', 'is not tcp://host:port'],
    ['tcp://host:0', 'has port 0; a port is 1-65535'],
    ['unix://relative.sock', 'is not unix:///absolute/path'],
    ['kube-pod://Pod_1', 'names no pod BuildKit accepts'],
    ['kube-pod://bk-0?ns=x', 'kube-pod:// takes only namespace, context, container'],
    ['kube-pod://bk-0?namespace=Bad_NS', 'namespace="Bad_NS", which BuildKit\'s kube-pod helper does not accept'],
    ['ssh://host', 'is not an address envd can build on'],
    ['tcp://a:1,tcp://a:1', 'lists "tcp://a:1" twice']
  ])('%s is refused: %s', (text, message) => {
    expect(problemsOf({ builder: text }).join('\n')).toContain(message);
  });

  test('every bad address of a fleet is reported, each naming the input', () => {
    const problems = problemsOf({ builder: 'tcp://a:1\ntcp://b\nunix://x' });
    expect(problems).toHaveLength(2);
    for (const p of problems) expect(p).toMatch(/^Input "builder": /);
  });

  test('a fleet is one builder input with its addresses', () => {
    const { inputs } = parseInputs(raw({ builder: 'tcp://10.0.0.1:1234,tcp://10.0.0.2:1234', cache: 'none' }));
    expect(inputs?.builder).toMatchObject({
      kind: 'address',
      addresses: [{ text: 'tcp://10.0.0.1:1234' }, { text: 'tcp://10.0.0.2:1234' }]
    });
  });

  test('remote: kube-pod and tcp to another host; loopback and unix are the runner itself', () => {
    const kinds = parseAddresses(
      'tcp://127.0.0.1:1,tcp://localhost:2,tcp://[::1]:3,unix:///x.sock,tcp://bk:4,kube-pod://bk-0',
      q
    ).addresses.map(isRemote);
    expect(kinds).toEqual([false, false, false, false, true, true]);
  });
});

describe('cache with a remote builder', () => {
  test('cache: local is refused with a remote builder, with the reason and what to use', () => {
    const problems = problemsOf({ builder: 'tcp://bk.example:1234', cache: 'local' });
    expect(problems).toEqual([
      expect.stringContaining(
        'Input "cache": local keeps the cache in a directory on this runner, which a remote builder cannot read or write'
      )
    ]);
    expect(problems[0]).toContain('use cache: none');
  });

  test.each([
    [{ builder: 'tcp://127.0.0.1:1234', cache: 'local' }],
    [{ builder: 'tcp://bk-0:1234,tcp://bk-1:1234', cache: 'none' }],
    [{ builder: 'kube-pod://bk-0', cache: 'registry', 'cache-ref': 'ghcr.io/o/e:cache' }]
  ])('%o is fine', (overrides) => {
    expect(problemsOf(overrides)).toEqual([]);
  });
});

describe('TLS inputs', () => {
  const tcp = { builder: 'tcp://bk.example:1234', cache: 'none' };

  test('PEM text is taken as text, anything else as a path', () => {
    const { inputs } = parseInputs(
      raw({
        ...tcp,
        'builder-tls-ca': CA,
        'builder-tls-cert': 'certs/client.pem',
        'builder-tls-key': KEY,
        'builder-tls-server-name': 'buildkitd'
      })
    );
    expect(inputs?.builder).toMatchObject({
      kind: 'address',
      tls: {
        ca: { from: 'text', pem: CA },
        cert: { from: 'file', path: 'certs/client.pem' },
        key: { from: 'text', pem: KEY },
        serverName: 'buildkitd'
      }
    });
  });

  test.each([
    [{ 'builder-tls-cert': CERT }, 'Input "builder-tls-key": is empty while builder-tls-cert is set'],
    [{ 'builder-tls-key': KEY }, 'Input "builder-tls-cert": is empty while builder-tls-key is set'],
    [{ 'builder-tls-ca': KEY }, 'Input "builder-tls-ca": holds a private key; give it to builder-tls-key'],
    [
      { 'builder-tls-cert': CERT, 'builder-tls-key': CERT },
      'Input "builder-tls-key": holds CERTIFICATE, not a PRIVATE KEY'
    ],
    [{ 'builder-tls-ca': '-----BEGIN CERTIFICATE-----\nMII' }, 'holds no complete PEM block'],
    [
      { 'builder-tls-ca': CA, 'builder-tls-server-name': 'a b' },
      'Input "builder-tls-server-name": is not a DNS name or an IP address'
    ],
    [{ 'builder-tls-server-name': 'buildkitd' }, 'is set without builder-tls-ca, builder-tls-cert or builder-tls-key']
  ])('%o: %s', (overrides, message) => {
    expect(problemsOf({ ...tcp, ...overrides }).join('\n')).toContain(message);
  });

  test('an encrypted key is refused: there is no passphrase input', () => {
    const enc = `-----BEGIN ENCRYPTED PRIVATE KEY-----\n${BODY('MIIenc')}\n-----END ENCRYPTED PRIVATE KEY-----`;
    expect(pemProblem(enc, 'private key')).toContain('is an encrypted private key');
  });

  test.each([[{ builder: 'auto' }], [{ builder: 'unix:///run/b.sock' }], [{ builder: 'kube-pod://bk-0' }]])(
    'TLS without a tcp:// builder is refused (%o)',
    (b) => {
      expect(problemsOf({ cache: 'none', ...b, 'builder-tls-ca': CA })).toEqual([
        expect.stringContaining(
          'Input "builder-tls-ca": is set, but no builder is tcp://; TLS is used only for tcp:// builders'
        )
      ]);
    }
  );

  test('no message quotes a certificate or a key, also when they are in the wrong input', () => {
    const problems = problemsOf({
      builder: 'tcp://bk:1',
      cache: 'none',
      'builder-tls-ca': KEY,
      'builder-tls-cert': KEY,
      'builder-tls-key': CA,
      'builder-tls-server-name': 'x y'
    }).join('\n');
    expect(problems).not.toMatch(/MIIkeysecret|MIIca/);
    // a path is a value too: the input is shown as *** wherever a message would quote it
    expect(
      problemsOf({ builder: 'docker', 'builder-tls-key': 'MIIkeysecret0AAAAAAAAAAAAAAAAAAAAAAA' }).join('\n')
    ).not.toContain('MIIkeysecret');
  });

  test('every line of PEM text is registered as a secret before anything is logged, the whole value too', () => {
    const secrets = inputSecrets(
      raw({ ...tcp, 'builder-tls-ca': CA, 'builder-tls-cert': CERT, 'builder-tls-key': `  ${KEY}\n` })
    );
    for (const pem of [CA, CERT, KEY]) {
      expect(secrets).toContain(pem);
      for (const line of pem.split('\n').filter((l) => !l.startsWith('-----'))) expect(secrets).toContain(line);
    }
    // The markers are not secrets: masking them would only blank harmless lines.
    expect(secrets).not.toContain('-----BEGIN PRIVATE KEY-----');
    expect(pemSecrets('')).toEqual([]);
  });

  test('the inputs are in action.yml', () => {
    expect(Object.values(Input)).toEqual(
      expect.arrayContaining(['builder-tls-ca', 'builder-tls-cert', 'builder-tls-key', 'builder-tls-server-name'])
    );
  });
});
