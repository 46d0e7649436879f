/**
 * Throw-away certificates for the mutual-TLS tests, made with openssl at test time (nothing is committed):
 * a CA, a daemon certificate for the names given, a client certificate, and a second, unrelated CA with a
 * client certificate of its own (the one a daemon must refuse). EC P-256 keys: quick to make.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

function openssl(args, cwd) {
  const r = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr || r.error?.message}`);
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function ca(dir, name) {
  openssl(
    [
      'req',
      '-x509',
      ...EC,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.pem`,
      '-days',
      '2',
      '-subj',
      `/CN=${name} (test only)`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign'
    ],
    dir
  );
}

function leaf(dir, { name, signer, cn, ext }) {
  openssl(['req', ...EC, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`], dir);
  fs.writeFileSync(path.join(dir, `${name}.ext`), ext.join('\n') + '\n');
  openssl(
    [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${signer}.pem`,
      '-CAkey',
      `${signer}.key`,
      '-CAcreateserial',
      '-out',
      `${name}.pem`,
      '-days',
      '2',
      '-extfile',
      `${name}.ext`
    ],
    dir
  );
}

/**
 * Makes the set in `dir` (created 0700) and returns the file paths. `names`: what the daemon certificate is
 * valid for (DNS names and IP addresses), 127.0.0.1 and localhost by default.
 */
export function makeCerts(dir, names = ['127.0.0.1', 'localhost']) {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const san = names.map((n) => (/^[0-9.]+$|:/.test(n) ? `IP:${n}` : `DNS:${n}`)).join(',');
  ca(dir, 'ca');
  ca(dir, 'rogue-ca');
  leaf(dir, {
    name: 'daemon',
    signer: 'ca',
    cn: 'buildkitd',
    ext: [`subjectAltName=${san}`, 'extendedKeyUsage=serverAuth']
  });
  leaf(dir, { name: 'client', signer: 'ca', cn: 'envd-cache-action', ext: ['extendedKeyUsage=clientAuth'] });
  leaf(dir, { name: 'rogue-client', signer: 'rogue-ca', cn: 'intruder', ext: ['extendedKeyUsage=clientAuth'] });
  const p = (f) => path.join(dir, f);
  return {
    dir,
    ca: p('ca.pem'),
    daemonCert: p('daemon.pem'),
    daemonKey: p('daemon.key'),
    clientCert: p('client.pem'),
    clientKey: p('client.key'),
    rogueCa: p('rogue-ca.pem'),
    rogueClientCert: p('rogue-client.pem'),
    rogueClientKey: p('rogue-client.key')
  };
}
