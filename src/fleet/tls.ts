/**
 * Mutual TLS to tcp:// builders: `builder-tls-ca`, `builder-tls-cert`, `builder-tls-key` (each PEM text or
 * the path of a PEM file) and `builder-tls-server-name`, checked without ever quoting a value: a certificate
 * or a key pasted into an input must not come back in a message.
 */
import type { BuilderAddress } from './address.js';

export type PemSource = { from: 'text'; pem: string } | { from: 'file'; path: string };

/** The TLS inputs, when any of ca, cert and key is given. */
export interface TlsInputs {
  ca?: PemSource;
  cert?: PemSource;
  key?: PemSource;
  serverName?: string;
}

/** The PEM text of each, once files are read (by the shell). */
export interface TlsMaterial {
  ca?: string;
  cert?: string;
  key?: string;
  serverName?: string;
}

export type PemKind = 'certificate' | 'private key';

/** PEM text when the value holds a PEM header, else a path (one line). */
export function pemSource(value: string): PemSource | undefined {
  const t = value.trim();
  if (t === '') return undefined;
  return t.includes('-----BEGIN ') ? { from: 'text', pem: t } : { from: 'file', path: t };
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;
const KEY_LABELS = ['PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY'];

/** Why PEM text is not what the input takes, or undefined. Names the labels found, never the content. */
export function pemProblem(pem: string, kind: PemKind): string | undefined {
  const labels = [...pem.matchAll(BLOCK)].map((m) => m[1]);
  if (labels.length === 0) return 'holds no complete PEM block (-----BEGIN …----- to -----END …-----)';
  if (kind === 'certificate') {
    if (labels.some((l) => l.includes('PRIVATE KEY')))
      return 'holds a private key; give it to builder-tls-key, and here the certificate(s) only';
    return labels.includes('CERTIFICATE') ? undefined : `holds ${labels.join(', ')}, not a CERTIFICATE`;
  }
  if (labels.includes('ENCRYPTED PRIVATE KEY') || /Proc-Type: 4,ENCRYPTED/.test(pem))
    return 'is an encrypted private key; the action takes no passphrase: give the key unencrypted, from a secret';
  const keys = labels.filter((l) => KEY_LABELS.includes(l));
  if (keys.length !== 1)
    return keys.length
      ? 'holds several private keys; give the one that goes with builder-tls-cert'
      : `holds ${labels.join(', ')}, not a PRIVATE KEY`;
  return undefined;
}

/** A name a certificate can carry: a DNS name or an IP address. */
const SERVER_NAME = /^([A-Za-z0-9*](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|[0-9A-Fa-f:.]+)$/;

export interface TlsInputProblem {
  input: 'builder-tls-ca' | 'builder-tls-cert' | 'builder-tls-key' | 'builder-tls-server-name';
  message: string;
}

/** The problems of the TLS inputs as given, with the builder addresses they are for. */
export function tlsInputProblems(tls: TlsInputs, addresses: readonly BuilderAddress[] | undefined): TlsInputProblem[] {
  const problems: TlsInputProblem[] = [];
  const on = !!(tls.ca || tls.cert || tls.key);
  if (tls.cert && !tls.key)
    problems.push({
      input: 'builder-tls-key',
      message: 'is empty while builder-tls-cert is set; a client certificate needs its private key'
    });
  if (tls.key && !tls.cert)
    problems.push({
      input: 'builder-tls-cert',
      message: 'is empty while builder-tls-key is set; a private key needs its client certificate'
    });
  if (tls.serverName !== undefined) {
    if (!on)
      problems.push({
        input: 'builder-tls-server-name',
        message:
          'is set without builder-tls-ca, builder-tls-cert or builder-tls-key; it only names the daemon in its TLS certificate'
      });
    else if (!SERVER_NAME.test(tls.serverName))
      problems.push({
        input: 'builder-tls-server-name',
        message: 'is not a DNS name or an IP address, as a daemon certificate names it'
      });
  }
  for (const [input, source, kind] of [
    ['builder-tls-ca', tls.ca, 'certificate'],
    ['builder-tls-cert', tls.cert, 'certificate'],
    ['builder-tls-key', tls.key, 'private key']
  ] as const) {
    if (source?.from === 'text') {
      const p = pemProblem(source.pem, kind);
      if (p) problems.push({ input, message: p });
    } else if (source?.from === 'file' && /[\r\n]/.test(source.path))
      problems.push({ input, message: `is neither PEM text (-----BEGIN …) nor the path of a ${kind} file (one line)` });
  }
  if (on && addresses && !addresses.some((a) => a.scheme === 'tcp'))
    problems.push({
      input: tls.ca ? 'builder-tls-ca' : tls.cert ? 'builder-tls-cert' : 'builder-tls-key',
      message:
        'is set, but no builder is tcp://; TLS is used only for tcp:// builders (unix:// and kube-pod:// have their own transport)'
    });
  return problems;
}

/**
 * What to register as secrets for one TLS input before anything is logged: the whole value, and each line of
 * PEM text long enough to be a mask worth having (the runner masks line by line; a 64-character base64 line of
 * a key is one). Certificates are masked too: nothing of them is meant for a log.
 */
export function pemSecrets(value: string): string[] {
  const out = new Set<string>();
  const t = value.trim();
  if (t === '') return [];
  out.add(t);
  for (const line of t.split(/\r?\n/).map((l) => l.trim()))
    if (line.length >= 16 && !line.startsWith('-----')) out.add(line);
  return [...out];
}
