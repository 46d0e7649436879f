/** The builder-tls-* inputs given as file paths: read and checked in preflight, before anything starts. */
import { describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readTlsMaterial } from '../../src/io/tls-material.js';

const BODY = (seed: string) => Array.from({ length: 3 }, (_, i) => `${seed}${i}`.padEnd(64, 'Q')).join('\n');
const CERT = `-----BEGIN CERTIFICATE-----\n${BODY('MIIcert')}\n-----END CERTIFICATE-----\n`;
const KEY = `-----BEGIN EC PRIVATE KEY-----\n${BODY('MIIfilekey')}\n-----END EC PRIVATE KEY-----\n`;

describe('TLS files', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tls-files-'));
  fs.writeFileSync(path.join(dir, 'ca.pem'), CERT);
  fs.writeFileSync(path.join(dir, 'key.pem'), KEY);

  test('paths are read relative to the workspace; PEM text is taken as is', () => {
    const r = readTlsMaterial(
      {
        ca: { from: 'file', path: 'ca.pem' },
        cert: { from: 'text', pem: CERT },
        key: { from: 'file', path: path.join(dir, 'key.pem') },
        serverName: 'bk'
      },
      dir
    );
    expect(r).toEqual({ problems: [], material: { ca: CERT, cert: CERT, key: KEY, serverName: 'bk' } });
  });

  test('a missing file, a directory and a key in the CA input are problems naming the input and the path, never the content', () => {
    const r = readTlsMaterial(
      {
        ca: { from: 'file', path: 'key.pem' },
        cert: { from: 'file', path: 'missing.pem' },
        key: { from: 'file', path: '.' }
      },
      dir
    );
    expect(r.material).toBeUndefined();
    expect(r.problems).toEqual([
      {
        input: 'builder-tls-ca',
        message:
          'names key.pem, which holds a private key; give it to builder-tls-key, and here the certificate(s) only'
      },
      {
        input: 'builder-tls-cert',
        message: expect.stringContaining(
          'is neither PEM text (-----BEGIN …) nor a readable file: missing.pem does not exist'
        )
      },
      { input: 'builder-tls-key', message: expect.stringContaining('which is not a file') }
    ]);
    expect(JSON.stringify(r.problems)).not.toContain('MIIfilekey');
  });
});
