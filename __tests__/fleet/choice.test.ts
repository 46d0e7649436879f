/** Issue 22, layer 4: a failed probe in one line naming the address, what failed and the input to fix. */
import { describe, expect, test } from '@jest/globals';
import { choiceReason, explain, isTlsFailure, type ProbeFailure } from '../../src/fleet/choice.js';
import { fleetDecision } from '../../src/fleet/rank.js';
import { plan } from '../../src/plan/planner.js';
import { inputsOf } from '../support/inputs.js';
import { runtime } from '../support/runtime.js';

const A = 'tcp://buildkitd-0.buildkitd:1234';

describe('explaining a probe', () => {
  test.each<[ProbeFailure, boolean, string]>([
    [
      { stage: 'tls', code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' },
      true,
      `${A}: TLS: the daemon's certificate is not signed by the CA in builder-tls-ca; give builder-tls-ca the CA that signed the daemon certificates`
    ],
    [{ stage: 'tls', code: 'SELF_SIGNED_CERT_IN_CHAIN' }, true, 'not signed by the CA in builder-tls-ca'],
    [
      {
        stage: 'tls',
        code: 'ERR_TLS_CERT_ALTNAME_INVALID',
        detail:
          "Hostname/IP does not match certificate's altnames: Host: bk. is not in the cert's altnames: DNS:localhost, IP Address:127.0.0.1"
      },
      true,
      'not valid for the name the action checked (it carries DNS:localhost, IP Address:127.0.0.1); set builder-tls-server-name to a name it carries'
    ],
    [
      { stage: 'tls', code: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED' },
      true,
      'TLS: the daemon requires a client certificate and none was given; set builder-tls-cert and builder-tls-key'
    ],
    [
      { stage: 'tls', code: 'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE' },
      true,
      'TLS: the daemon refused the client certificate; give builder-tls-cert and builder-tls-key a certificate signed by the CA the daemon trusts'
    ],
    [{ stage: 'tls', code: 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA' }, true, 'refused the client certificate'],
    [
      { stage: 'tls', code: 'CLOSED_AFTER_HANDSHAKE' },
      true,
      'TLS: the daemon closed the connection right after the handshake, as it does when it refuses the client certificate; give builder-tls-cert and builder-tls-key'
    ],
    [
      { stage: 'tls', code: 'ERR_SSL_WRONG_VERSION_NUMBER' },
      true,
      'TLS: the daemon does not speak TLS (a plain tcp listener); remove the builder-tls-* inputs for it'
    ],
    [
      { stage: 'grpc', detail: 'the connection closed without an answer', speaksTls: true },
      false,
      `${A}: TLS: the daemon speaks TLS and the action connected in plain text; set builder-tls-ca, builder-tls-cert and builder-tls-key`
    ],
    [
      { stage: 'connect', code: 'ECONNREFUSED' },
      false,
      `${A}: nothing listens there (connection refused); check that the daemon runs and the address is right`
    ],
    [{ stage: 'timeout', timeoutMs: 10000 }, true, `${A}: no answer to ListWorkers within 10 s`],
    [
      { stage: 'grpc', code: '12', detail: 'unknown service' },
      false,
      'no gRPC answer to ListWorkers (status 12: unknown service)'
    ]
  ])('%j', (failure, tls, line) => {
    const text = explain(A, failure, tls);
    expect(text).toContain(line);
    expect(text).not.toContain('\n');
  });

  test('TLS failures are told apart from a daemon that is down', () => {
    expect(isTlsFailure({ stage: 'tls', code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }, true)).toBe(true);
    expect(isTlsFailure({ stage: 'grpc', speaksTls: true }, false)).toBe(true);
    expect(isTlsFailure({ stage: 'connect', code: 'ECONNREFUSED' }, true)).toBe(false);
  });
});

describe('the reason for a choice', () => {
  test('first, a later one, the only one', () => {
    expect(choiceReason(['a', 'b', 'c'], 'a', [])).toBe(
      'first for this cache scope by rendezvous hashing; it answered'
    );
    expect(choiceReason(['a', 'b', 'c'], 'c', [{ address: 'a' }, { address: 'b' }])).toBe(
      'number 3 for this cache scope by rendezvous hashing: a, b did not answer'
    );
    expect(choiceReason(['a'], 'a', [])).toBe('the one builder given; it answered');
  });

  test('the plan names the fleet and its ranking for the scope before anything is asked', () => {
    const d = fleetDecision('scope-1', [{ text: 'tcp://a:1' }, { text: 'tcp://b:1' }]);
    expect(d).toMatchObject({ topic: 'builder', outcome: 'fleet of 2' });
    expect(d.reason).toMatch(
      /^ranked for this scope by rendezvous hashing: tcp:\/\/[ab]:1, tcp:\/\/[ab]:1; the build runs on the first that answers ListWorkers$/
    );
  });

  test("a dry run's plan shows the fleet and its ranking; a single address is named as is", () => {
    const fleet = plan(
      inputsOf({ builder: 'tcp://a:1\ntcp://b:1\ntcp://c:1', cache: 'none', 'cache-scope': 'proj' }),
      runtime()
    );
    expect(fleet.decisions.find((d) => d.topic === 'builder')).toEqual(
      fleetDecision('proj', [{ text: 'tcp://a:1' }, { text: 'tcp://b:1' }, { text: 'tcp://c:1' }])
    );
    const one = plan(inputsOf({ builder: 'unix:///run/bk.sock', cache: 'none' }), runtime());
    expect(one.decisions.find((d) => d.topic === 'builder')?.outcome).toBe('unix:///run/bk.sock');
    expect(plan(inputsOf({ cache: 'none' }), runtime()).decisions.find((d) => d.topic === 'builder')).toBeUndefined();
  });
});
