/**
 * What a probe of one builder found, in words a workflow author can act on, and the record of how a fleet's
 * builder was chosen. A TLS failure is one line: the address, what failed, and the input that fixes it.
 */

/** Where a probe (connect, TLS handshake, gRPC ListWorkers) stopped. */
export interface ProbeFailure {
  stage: 'connect' | 'tls' | 'grpc' | 'timeout';
  /** Node's or OpenSSL's error code (`ECONNREFUSED`, `UNABLE_TO_VERIFY_LEAF_SIGNATURE`, …), or the gRPC status. */
  code?: string;
  /** The error's own text, for what the code does not say (a certificate's names, a gRPC message). */
  detail?: string;
  /** A plain-text probe failed and a TLS handshake with the same address got a server hello. */
  speaksTls?: boolean;
  /** The bound the probe had, in ms. */
  timeoutMs?: number;
}

export type ProbeOutcome = { ok: true } | ({ ok: false } & ProbeFailure);

/** OpenSSL's verify results when no CA given trusts the daemon's certificate chain. */
const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED'
]);
/** Alerts a daemon sends about the client certificate it got: Go sends bad_certificate, OpenSSL unknown_ca. */
const REFUSED_CLIENT = new Set([
  'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE',
  'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA',
  'ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN',
  'ERR_SSL_TLSV1_ALERT_ACCESS_DENIED',
  'ERR_SSL_TLSV1_ALERT_DECRYPT_ERROR',
  'ERR_SSL_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE'
]);
/** Alerts for no client certificate at all (TLS 1.3 certificate_required; TLS 1.2 daemons send handshake_failure). */
const MISSING_CLIENT = new Set(['ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE']);
/** What OpenSSL says when the other side answers a client hello with something that is not TLS. */
const NOT_TLS = new Set([
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_SSL_PACKET_LENGTH_TOO_LONG',
  'ERR_SSL_RECORD_LAYER_FAILURE',
  'EPROTO'
]);

const NET: Record<string, string> = {
  ECONNREFUSED: 'nothing listens there (connection refused)',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name does not resolve (temporary DNS failure)',
  EHOSTUNREACH: 'the host cannot be reached',
  ENETUNREACH: 'the network cannot be reached',
  ETIMEDOUT: 'the connection timed out',
  ECONNRESET: 'the connection was reset',
  ENOENT: 'the socket does not exist',
  EACCES: 'this user may not use the socket'
};

/** The failure's "what failed; the fix" part, for the address named around it. `tls`: TLS inputs were given. */
function explainFailure(f: ProbeFailure, tls: boolean): string {
  const code = f.code ?? '';
  if (f.stage === 'tls' || (tls && NOT_TLS.has(code))) {
    if (UNTRUSTED.has(code))
      return "TLS: the daemon's certificate is not signed by the CA in builder-tls-ca; give builder-tls-ca the CA that signed the daemon certificates";
    if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
      // Node: "Hostname/IP does not match certificate's altnames: Host: x. is not in the cert's altnames: DNS:…"
      const names = /cert's altnames: (.*)$/.exec(f.detail ?? '')?.[1];
      return `TLS: the daemon's certificate is not valid for the name the action checked${names ? ` (it carries ${names})` : ''}; set builder-tls-server-name to a name it carries`;
    }
    if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID')
      return `TLS: the daemon's certificate ${code === 'CERT_HAS_EXPIRED' ? 'has expired' : 'is not valid yet'}; renew the daemon certificate`;
    if (MISSING_CLIENT.has(code))
      return 'TLS: the daemon requires a client certificate and none was given; set builder-tls-cert and builder-tls-key';
    if (code === 'CLOSED_AFTER_HANDSHAKE')
      return `TLS: the daemon closed the connection right after the handshake, as it does when it refuses the client certificate; ${tls ? 'give builder-tls-cert and builder-tls-key a certificate signed by the CA the daemon trusts (its --tlscacert)' : 'set builder-tls-cert and builder-tls-key'}`;
    if (REFUSED_CLIENT.has(code))
      return 'TLS: the daemon refused the client certificate; give builder-tls-cert and builder-tls-key a certificate signed by the CA the daemon trusts (its --tlscacert)';
    if (NOT_TLS.has(code) || code === 'ECONNRESET')
      return 'TLS: the daemon does not speak TLS (a plain tcp listener); remove the builder-tls-* inputs for it, or start buildkitd with --tlscacert, --tlscert and --tlskey';
    return `TLS: the handshake failed (${code || f.detail || 'no reason given'}); check builder-tls-ca, builder-tls-cert, builder-tls-key and builder-tls-server-name`;
  }
  if (f.speaksTls)
    return 'TLS: the daemon speaks TLS and the action connected in plain text; set builder-tls-ca, builder-tls-cert and builder-tls-key';
  if (f.stage === 'timeout')
    return `no answer to ListWorkers within ${Math.round((f.timeoutMs ?? 0) / 100) / 10} s; check that the daemon runs and the address is right`;
  if (f.stage === 'connect')
    return `${NET[code] ?? `cannot connect (${code || f.detail || 'no reason given'})`}; check that the daemon runs and the address is right`;
  return `no gRPC answer to ListWorkers${f.code ? ` (status ${f.code}${f.detail ? `: ${f.detail}` : ''})` : f.detail ? ` (${f.detail})` : ''}; check that a buildkitd listens there`;
}

/** One line: the address, what failed and what to change. */
export function explain(address: string, f: ProbeFailure, tls: boolean): string {
  return `${address}: ${explainFailure(f, tls)}`;
}

/** Whether a failure is about TLS (so the run stops before envd, whatever the other builders answer). */
export function isTlsFailure(f: ProbeFailure, tls: boolean): boolean {
  return explainFailure(f, tls).startsWith('TLS:');
}

/** How the builder was chosen: shown in the log, the summary and the `plan`. */
export interface FleetChoice {
  /** Every address, best first for this scope (one for a single builder). */
  ranked: string[];
  /** The builders tried before the chosen one, each with why it was passed over. */
  passed: { address: string; why: string }[];
  chosen?: string;
  /** Why the chosen one. */
  reason: string;
}

/** The reason for the choice, from the ranking and what the ones before it said. */
export function choiceReason(
  ranked: readonly string[],
  chosen: string,
  passed: readonly { address: string }[]
): string {
  if (ranked.length === 1) return 'the one builder given; it answered';
  const place = ranked.indexOf(chosen);
  if (place === 0) return 'first for this cache scope by rendezvous hashing; it answered';
  return `number ${place + 1} for this cache scope by rendezvous hashing: ${passed.map((p) => p.address).join(', ')} did not answer`;
}
