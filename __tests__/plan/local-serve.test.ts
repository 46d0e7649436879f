import { describe, expect, test } from '@jest/globals';
import { parse } from 'smol-toml';
import { withPlainHttpRegistry } from '../../src/builder/config.js';
import { serializeCacheSpec } from '../../src/backends/spec.js';
import { servedLocalCache } from '../../src/plan/local-serve.js';
import { deepFreeze, plan } from '../support/freeze.js';
import { inputsOf } from '../support/inputs.js';
import { runtime } from '../support/runtime.js';

/** What buildkitd reads of a registry's table: the parsed document, not the text. */
const registryOf = (toml: string, host: string) =>
  (parse(toml).registry as Record<string, Record<string, unknown>>)[host];

describe('withPlainHttpRegistry: the buildkitd config that lets BuildKit reach the served local cache over HTTP', () => {
  // [what, the author's buildkitd-config-inline, the host]
  const CASES: [string, string, string][] = [
    ['no config of the author', '', '127.0.0.1:5000'],
    ['the lowest port', '', '127.0.0.1:1'],
    ['the highest port', '', '127.0.0.1:65535'],
    [
      'an author config with other tables',
      'debug = true\n[worker.oci]\n  gc = false\n[registry."docker.io"]\n  mirrors = ["mirror.gcr.io"]',
      '127.0.0.1:40123'
    ],
    ['an author config ending in a comment, no newline', '[worker.oci]\nmax-parallelism = 2 # two', '127.0.0.1:40123'],
    ['a host with a quote', '', '127.0.0.1:5000"\n[evil]'],
    ['a host with a backslash and a newline', '', 'a\\b\nc:1'],
    ['a host with dots and brackets', '', 'reg.example.com]:443'],
    ['an IPv6 host', '', '[::1]:5000'],
    [
      'the author already configured that host',
      '[registry."127.0.0.1:5000"]\nhttp = false\nca = ["/etc/ca.pem"]',
      '127.0.0.1:5000'
    ],
    [
      'the author wrote registry as an inline table',
      'registry = { "docker.io" = { mirrors = ["mirror.gcr.io"] } }',
      '127.0.0.1:5000'
    ]
  ];
  test.each(CASES)(
    '%s: valid TOML in which that host is plain HTTP, the author’s settings kept',
    (_what, config, host) => {
      const out = withPlainHttpRegistry(config, host);
      const doc = parse(out) as Record<string, unknown>;
      expect(registryOf(out, host).http).toBe(true);
      const mine = config === '' ? {} : (parse(config) as Record<string, unknown>);
      for (const [k, v] of Object.entries(mine)) if (k !== 'registry') expect(doc[k]).toEqual(v);
      for (const [h, table] of Object.entries((mine.registry ?? {}) as Record<string, Record<string, unknown>>))
        expect(registryOf(out, h)).toEqual(h === host ? { ...table, http: true } : table);
      // Only the one table is added.
      expect(Object.keys(doc.registry as object).sort()).toEqual(
        [...new Set([...Object.keys((mine.registry ?? {}) as object), host])].sort()
      );
    }
  );

  test('the usual case appends one table to the author’s text, which stays as written', () => {
    const config = '# mine\n[worker.oci]\n  gc = false';
    expect(withPlainHttpRegistry(config, '127.0.0.1:5000')).toBe(`${config}\n[registry."127.0.0.1:5000"]\nhttp = true`);
    expect(withPlainHttpRegistry('', '127.0.0.1:5000')).toBe('[registry."127.0.0.1:5000"]\nhttp = true');
  });
});

describe('servedLocalCache: the plan and config for a local cache served on 127.0.0.1', () => {
  test('the import becomes the served registry, the config names it plain HTTP, and nothing given is edited', () => {
    const planned = deepFreeze(plan(inputsOf({ cache: 'local', 'cache-scope': 's1' }), runtime()));
    expect(planned.import).toBeUndefined();
    const served = servedLocalCache({ plan: planned, configInline: 'debug = true', host: '127.0.0.1:41000' });
    expect(serializeCacheSpec(served.plan.import!)).toBe(
      'type=registry,ref=127.0.0.1:41000/envd-local-cache:latest,registry.insecure=true'
    );
    expect(served.plan.export).toBe(planned.export);
    expect({ ...served.plan, import: undefined }).toEqual({ ...planned, import: undefined });
    expect(served.configInline).toBe('debug = true\n[registry."127.0.0.1:41000"]\nhttp = true');
  });
});
