import { describe, expect, test } from '@jest/globals';
import {
  cacheSpec,
  parseCacheSpec,
  redactCacheSpec,
  secretsOf,
  serializeCacheSpec,
  validateCacheSpec
} from '../../src/backends/spec.js';
import { PARSE_CASES, RULE_CASES } from '../fixtures/cache-rules.js';

describe('cache flag rules', () => {
  test('the table is large enough to mean something', () => {
    expect(RULE_CASES.length + PARSE_CASES.length).toBeGreaterThanOrEqual(60);
  });

  test.each(RULE_CASES)('%s (%s) → %s', (value, direction, problem) => {
    const parsed = parseCacheSpec(value);
    if (!parsed.ok) throw new Error(`did not parse: ${parsed.problem}`);
    const problems = validateCacheSpec(parsed.value, direction, { complete: true });
    if (problem === null) expect(problems).toEqual([]);
    else expect(problems.join('\n')).toContain(problem);
  });

  test.each(PARSE_CASES)('grammar: %j → %s', (value, problem) => {
    const parsed = parseCacheSpec(value);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problem).toContain(problem);
  });

  test('keys are lowercased as envd does, values kept verbatim (with = inside)', () => {
    const parsed = parseCacheSpec('type=gha,Token=abc==,url_v2=http://h/?a=b');
    expect(parsed.ok && [...parsed.value.attrs]).toEqual([
      ['token', 'abc=='],
      ['url_v2', 'http://h/?a=b']
    ]);
  });

  test('a whole quoted field may hold commas and doubled quotes', () => {
    const parsed = parseCacheSpec('type=s3,bucket=b,region=r,"prefix=a,b""c/"');
    expect(parsed.ok && parsed.value.attrs.get('prefix')).toBe('a,b"c/');
  });

  test('incomplete values are accepted while being assembled', () => {
    expect(validateCacheSpec(cacheSpec('registry', [['mode', 'max']]), 'export')).toEqual([]);
  });
});

describe('serialization', () => {
  test('quotes a whole field that holds a comma or a quote, and nothing else', () => {
    const spec = cacheSpec('s3', [
      ['bucket', 'b'],
      ['prefix', 'x,y/'],
      ['name', 'say "hi"'],
      ['manifests_prefix', ' m/']
    ]);
    expect(serializeCacheSpec(spec)).toBe('type=s3,bucket=b,"prefix=x,y/","name=say ""hi""",manifests_prefix= m/');
  });

  test('redaction replaces every credential, whatever the type', () => {
    const gha = cacheSpec('gha', [
      ['token', 'secret-jwt'],
      ['url_v2', 'http://x/'],
      ['ghtoken', 'ghs_1']
    ]);
    expect(redactCacheSpec(gha)).toBe('type=gha,token=***,url_v2=http://x/,ghtoken=***');
    expect(secretsOf(gha)).toEqual(['secret-jwt', 'ghs_1']);
    const s3 = cacheSpec('s3', [
      ['access_key_id', 'AKIA1'],
      ['secret_access_key', 'sk'],
      ['session_token', 'st']
    ]);
    expect(redactCacheSpec(s3)).not.toMatch(/AKIA1|sk$|st$/);
    expect(redactCacheSpec(cacheSpec('azblob', [['secret_access_key', 'k']]))).toBe(
      'type=azblob,secret_access_key=***'
    );
  });

  // Issue 10 item 5: credentials inside any attribute value, not only under a credential name.
  const URL_CASES: [string, [string, string][], string, string[]][] = [
    [
      's3',
      [['endpoint_url', 'https://bob:PASS1@minio.example.com/?X-Amz-Security-Token=TOK1&x=1']],
      'type=s3,endpoint_url=https://bob:***@minio.example.com/?X-Amz-Security-Token=***&x=1',
      ['PASS1', 'TOK1']
    ],
    ['registry', [['ref', 'user:REFPASS@ghcr.io/o/e:c']], 'type=registry,ref=user:***@ghcr.io/o/e:c', ['REFPASS']],
    ['gha', [['url_v2', 'https://r.example/?sig=SIG9']], 'type=gha,url_v2=https://r.example/?sig=***', ['SIG9']],
    ['s3', [['password', 'pw-unknown-attr']], 'type=s3,password=***', ['pw-unknown-attr']],
    ['registry', [['ref', 'ghcr.io/o/e:c']], 'type=registry,ref=ghcr.io/o/e:c', []]
  ];
  test.each(URL_CASES)(
    'redaction covers URL userinfo and credential query parameters: %s %j',
    (type, attrs, redacted, secrets) => {
      const spec = cacheSpec(type, attrs);
      expect(redactCacheSpec(spec)).toBe(redacted);
      expect(secretsOf(spec)).toEqual(secrets);
    }
  );

  // A small deterministic generator, so the property covers awkward characters without a library.
  const ALPHABET = ['a', 'Z', '0', '=', ',', '"', ' ', ';', '/', ':', '-', '_', '.', 'é', '\t', '\n'];
  function* randomSpecs(count: number) {
    let seed = 42;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const word = (min: number) => Array.from({ length: min + next(8) }, () => ALPHABET[next(ALPHABET.length)]).join('');
    for (let i = 0; i < count; i++) {
      const attrs = new Map<string, string>();
      const n = next(5);
      for (let j = 0; j < n; j++)
        attrs.set(
          `k${j}${word(0)
            .replace(/[=,"\s]/g, '')
            .toLowerCase()}`,
          word(0)
        );
      yield cacheSpec(['gha', 'registry', 's3', 'local'][next(4)], attrs);
    }
  }

  test('round trip: parsing what was serialized gives it back (500 generated values)', () => {
    for (const spec of randomSpecs(500)) {
      const text = serializeCacheSpec(spec);
      const parsed = parseCacheSpec(text);
      if (!parsed.ok) throw new Error(`${JSON.stringify(text)}: ${parsed.problem}`);
      expect(parsed.value.type).toBe(spec.type);
      expect([...parsed.value.attrs]).toEqual([...spec.attrs]);
    }
  });

  test('round trip of every valid table value', () => {
    for (const [value] of RULE_CASES) {
      const first = parseCacheSpec(value);
      if (!first.ok) continue;
      const again = parseCacheSpec(serializeCacheSpec(first.value));
      expect(again).toEqual(first);
    }
  });
});
