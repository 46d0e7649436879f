import { describe, expect, test } from '@jest/globals';
import { findSecrets, isSecretName, redactKnown, redactText } from '../../src/cache/redact.js';

describe('findSecrets and redactText: on text that may not parse', () => {
  // [raw text, secrets that must be found, the text redacted]
  const CASES: [string, string[], string][] = [
    // named attributes in CSV, valid or not
    ['secret_access_key=S3CRET/k+ey,prefix=a"b', ['S3CRET/k+ey'], 'secret_access_key=***,prefix=a"b'],
    ['type=s3,bucket=b,session_token=SESS-TOK', ['SESS-TOK'], 'type=s3,bucket=b,session_token=***'],
    ['access_key_id=AKIAEXAMPLE,region=x', ['AKIAEXAMPLE'], 'access_key_id=***,region=x'],
    ['type=gha,token=eyJ.abc.def,url=u', ['eyJ.abc.def'], 'type=gha,token=***,url=u'],
    ['repository=o/r,ghtoken=ghs_abcdef', ['ghs_abcdef'], 'repository=o/r,ghtoken=***'],
    ['TOKEN=UPPER', ['UPPER'], 'TOKEN=***'],
    // a field without "=": key:value
    ['secret_access_key:COLONSECRET', ['COLONSECRET'], 'secret_access_key:***'],
    ['bucket=b,session_token:ST123,region=r', ['ST123'], 'bucket=b,session_token:***,region=r'],
    // quoted CSV fields and quoted values
    ['"secret_access_key=a,b",region=r', ['a,b'], '"secret_access_key=***",region=r'],
    ['password = "to ml"\nx=1', ['to ml'], 'password = "***"\nx=1'],
    // JSON, as a matrix entry would hold it
    ['{"os":"linux","token":"JsonTok1","n":1}', ['JsonTok1'], '{"os":"linux","token":"***","n":1}'],
    // one line per attribute (cache-options)
    ['bucket=b\nsecret_access_key=LINE2\nregion=r', ['LINE2'], 'bucket=b\nsecret_access_key=***\nregion=r'],
    // URL userinfo, with and without a scheme
    ['endpoint_url=https://bob:PA55@minio.example.com/', ['PA55'], 'endpoint_url=https://bob:***@minio.example.com/'],
    ['ref=user:REFPASS@ghcr.io/o/e:cache', ['REFPASS'], 'ref=user:***@ghcr.io/o/e:cache'],
    ['user:BARE@ghcr.io/o/e', ['BARE'], 'user:***@ghcr.io/o/e'],
    ['type=image,name=u:NAMEPASS@r.io/o/e:1,push=true', ['NAMEPASS'], 'type=image,name=u:***@r.io/o/e:1,push=true'],
    [
      'https://ghp_0123456789abcdefghij0123@github.com/o/r',
      ['ghp_0123456789abcdefghij0123'],
      'https://***@github.com/o/r'
    ],
    // signed query strings
    [
      'endpoint_url=https://m.example.com/?X-Amz-Security-Token=TOK%2Bx&X-Amz-Signature=SIG1&X-Amz-Credential=AK%2F2026&keep=1',
      ['TOK%2Bx', 'TOK+x', 'SIG1', 'AK%2F2026', 'AK/2026'],
      'endpoint_url=https://m.example.com/?X-Amz-Security-Token=***&X-Amz-Signature=***&X-Amz-Credential=***&keep=1'
    ],
    [
      'https://acct.blob.core.windows.net/c?sv=2024&sig=SASSIG%3D',
      ['SASSIG%3D', 'SASSIG='],
      'https://acct.blob.core.windows.net/c?sv=2024&sig=***'
    ],
    ['http://h/?token=QTOK,mode=max', ['QTOK'], 'http://h/?token=***,mode=max'],
    // nothing secret: no false positives on ordinary values
    ['type=registry,ref=ghcr.io/o/e:buildcache,mode=max', [], 'type=registry,ref=ghcr.io/o/e:buildcache,mode=max'],
    [
      'ghcr.io/o/e:v1@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
      [],
      'ghcr.io/o/e:v1@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef'
    ],
    ['tcp://buildkitd:1234', [], 'tcp://buildkitd:1234'],
    ['ssh://git@github.com/o/r', [], 'ssh://git@github.com/o/r'],
    ['endpoint_url=https://minio.example.com:9000/', [], 'endpoint_url=https://minio.example.com:9000/'],
    ['token=***', [], 'token=***']
  ];

  test.each(CASES)('%j', (text, secrets, redacted) => {
    expect(findSecrets(text)).toEqual(secrets);
    expect(redactText(text)).toBe(redacted);
    for (const s of secrets) expect(redactText(text)).not.toContain(s);
  });
});

describe('isSecretName', () => {
  test.each([
    'my_token',
    'registry-password',
    'aws.session_token',
    'token',
    'ghtoken',
    'secret_access_key',
    'Session_Token',
    'access_key_id',
    'password',
    'X-Amz-Security-Token',
    'x_amz_signature',
    'sig'
  ])('%s is a secret', (n) => expect(isSecretName(n)).toBe(true));
  test.each([
    'scope',
    'bucket',
    'region',
    'endpoint_url',
    'ref',
    'name',
    'mode',
    'xtoken',
    'tokens',
    'cache_key',
    'upload_parallelism'
  ])('%s is not', (n) => expect(isSecretName(n)).toBe(false));
});

describe('redactKnown', () => {
  test('replaces every known value, longest first, and leaves the words of a message alone', () => {
    expect(redactKnown('token: "abcdef" is not abc', ['abc', 'abcdef'])).toBe('token: "***" is not ***');
    expect(redactKnown('nothing here', [''])).toBe('nothing here');
  });
});
