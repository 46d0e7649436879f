/**
 * Issue 22 end to end, through the bundle: a fleet of three buildkitd stand-ins listening with mutual TLS
 * (client certificates required and verified, as buildkitd's serverCredentials does). Scopes stick to their
 * builder and are served from its own cache with cache: none; they spread over the fleet; when a builder
 * dies its scopes move, and with cache: registry the next-ranked builder imports every step; a wrong CA, no
 * client certificate and plain tcp stop the run before envd, naming TLS and the address; no certificate or
 * key reaches a log, output, state or the summary.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createJob, type Job, type PhaseResult, runPhase } from '../../scripts/harness.mjs';
import { bundleWorld } from '../support/world.js';
import { makeCerts, type TestCerts } from '../support/certs.mjs';
import { leaks } from '../security/support/leaks.js';
import { type Buildkitd, startBuildkitd } from '../support/fakes/index.mjs';

const BUILD_ENVD = `# syntax=v1

def build():
    base(dev=True)
    install.python_packages(name=["numpy"])
`;

const world = bundleWorld('envd-fleet');
let certs: TestCerts;
const fleet: Buildkitd[] = [];
const read = (f: string) => fs.readFileSync(f, 'utf8');

beforeAll(async () => {
  fs.mkdirSync(path.join(world.root, 'project'), { recursive: true });
  fs.writeFileSync(path.join(world.root, 'project', 'build.envd'), BUILD_ENVD);
  certs = makeCerts(path.join(world.root, 'certs'));
  for (let i = 0; i < 3; i++) fleet.push(await startTls(certs.ca));
}, 60000);
afterAll(async () => {
  for (const d of fleet) await d.stop();
});

/**
 * A stand-in buildkitd on a free loopback port with mutual TLS (`ca`: whose client certificates it accepts);
 * `registryRoot`: the stand-in registry it reaches (FAKE_REGISTRY_ROOT), shared by every daemon given the same.
 */
async function startTls(ca: string, port = 0, registryRoot?: string): Promise<Buildkitd> {
  const env = registryRoot ? { FAKE_REGISTRY_ROOT: registryRoot } : {};
  const d = await startBuildkitd({
    addr: `tcp://127.0.0.1:${port}`,
    env,
    args: ['--tlscert', certs.daemonCert, '--tlskey', certs.daemonKey, '--tlscacert', ca]
  });
  expect(d.logs()).not.toContain('TLS is not enabled');
  return d;
}
const addrOf = (d: Buildkitd) => `tcp://127.0.0.1:${d.port}`;

function job(inputs: Record<string, string>): Job {
  const j = createJob({
    workspace: path.join(world.root, 'project'),
    inputs: { cache: 'none', ...inputs },
    env: { HOME: fs.mkdtempSync(path.join(world.root, 'home-')), ...world.runnerEnv('refs/heads/main') }
  });
  world.track(j);
  return j;
}

async function run(inputs: Record<string, string>): Promise<{ main: PhaseResult; post: PhaseResult }> {
  const j = job(inputs);
  const main = await runPhase(j, 'main', { timeoutMs: 90000 });
  const post = await runPhase(j, 'post', { timeoutMs: 30000 });
  return { main, post };
}

/** The TLS inputs as a workflow gives them: the CA as a file in the workspace, the client pair as PEM text from secrets. */
const tlsInputs = () => ({
  'builder-tls-ca': certs.ca,
  'builder-tls-cert': read(certs.clientCert),
  'builder-tls-key': read(certs.clientKey)
});
const secrets = () => [read(certs.clientKey), read(certs.clientCert), read(certs.ca)].map((pem) => pem.trim());
const log = (r: PhaseResult) => r.stdout + r.stderr;

describe('a fleet of three with mutual TLS', () => {
  const runs: PhaseResult[] = [];

  test('six scopes, each built twice: the same builder both times, the second from its own cache; spread over the fleet', async () => {
    const builderInput = fleet.map(addrOf).join(',\n');
    const chosen = new Map<string, string>();
    for (let s = 0; s < 6; s++) {
      const scope = `project-${s}`;
      const first = await run({ builder: builderInput, 'cache-scope': scope, ...tlsInputs() });
      const second = await run({ builder: builderInput, 'cache-scope': scope, ...tlsInputs() });
      for (const r of [first, second]) {
        expect([scope, r.main.code, r.post.code]).toEqual([scope, 0, 0]);
        runs.push(r.main, r.post);
      }
      expect(second.main.outputs.builder).toBe(first.main.outputs.builder);
      expect(second.main.outputs['cached-steps']).toBe(second.main.outputs['total-steps']);
      // The first build on a builder is cold: nothing but that builder's own state can serve the second.
      if (![...chosen.values()].includes(first.main.outputs.builder))
        expect(first.main.outputs['cached-steps']).toBe('0');
      chosen.set(scope, first.main.outputs.builder);
      expect(first.main.summary).toContain(
        `| Builder | \`${first.main.outputs.builder}\`: first for this cache scope by rendezvous hashing; it answered |`
      );
      expect(first.main.summary).toMatch(
        /\| Fleet \| ranked for this scope: `tcp:\/\/127\.0\.0\.1:\d+`, `tcp:\/\/127\.0\.0\.1:\d+`, `tcp:\/\/127\.0\.0\.1:\d+` \|/
      );
      expect(log(first.main)).toContain('through a TLS relay');
    }
    expect(new Set(chosen.values()).size).toBeGreaterThanOrEqual(2);

    // A scope's builder dies: its next build runs on its second choice, and says why.
    const [scope, address] = [...chosen.entries()][0];
    const dead = fleet.find((d) => addrOf(d) === address)!;
    await dead.stop();
    const moved = await run({ builder: builderInput, 'cache-scope': scope, ...tlsInputs() });
    runs.push(moved.main, moved.post);
    expect(moved.main.code).toBe(0);
    expect(moved.main.outputs.builder).not.toBe(address);
    expect(log(moved.main)).toContain(`Passed over ${address}: nothing listens there (connection refused)`);
    expect(moved.main.summary).toContain('did not answer');
    fleet.splice(fleet.indexOf(dead), 1, await startTls(certs.ca, dead.port));
  }, 600000);

  test("cache: registry: when a scope's builder dies, its next build runs on its next-ranked builder and imports every step from the registry", async () => {
    // A fleet of its own, so that no builder holds this scope's steps from the test above.
    const registryRoot = path.join(world.root, 'registry');
    const own: Buildkitd[] = [];
    for (let i = 0; i < 3; i++) own.push(await startTls(certs.ca, 0, registryRoot));
    fleet.push(...own);
    const cacheRef = '127.0.0.1:5000/octo/env:buildcache';
    const inputs = {
      builder: own.map(addrOf).join('\n'),
      'cache-scope': 'moves',
      cache: 'registry',
      'cache-ref': cacheRef,
      ...tlsInputs()
    };
    const first = await run(inputs);
    runs.push(first.main, first.post);
    expect([first.main.code, first.post.code, first.main.outputs['cached-steps']]).toEqual([0, 0, '0']);
    const ranking = /Fleet of 3 for cache scope moves, by rendezvous hashing: (.*)$/m
      .exec(first.main.stdout)![1]
      .split(', ');
    expect(first.main.outputs.builder).toBe(ranking[0]);

    const dead = own.find((d) => addrOf(d) === ranking[0])!;
    await dead.stop();
    const moved = await run(inputs);
    runs.push(moved.main, moved.post);
    expect([moved.main.code, moved.post.code]).toEqual([0, 0]);
    expect(moved.main.outputs.builder).toBe(ranking[1]);
    expect(log(moved.main)).toContain(`Passed over ${ranking[0]}: nothing listens there (connection refused)`);
    // The new builder never built this scope: only the registry import can make every step CACHED.
    expect(moved.main.outputs['cached-steps']).toBe(moved.main.outputs['total-steps']);
    expect(Number(moved.main.outputs['total-steps'])).toBeGreaterThan(0);
    expect(log(moved.main)).toMatch(
      new RegExp(`#\\d+ importing cache manifest from ${cacheRef.replace(/[.:/]/g, '\\$&')}`)
    );
    expect(moved.main.outputs['import-cache']).toBe(`type=registry,ref=${cacheRef}`);
  }, 300000);

  test('no certificate or key in any log, output, state or summary', () => {
    expect(runs.length).toBeGreaterThan(0);
    expect(leaks(runs, secrets())).toEqual([]);
  });

  test.each([
    [
      'a CA that did not sign the daemon',
      () => ({ ...tlsInputs(), 'builder-tls-ca': certs.rogueCa }),
      "TLS: the daemon's certificate is not signed by the CA in builder-tls-ca"
    ],
    [
      'no client certificate',
      () => ({ 'builder-tls-ca': certs.ca }),
      'TLS: the daemon requires a client certificate and none was given; set builder-tls-cert and builder-tls-key'
    ],
    [
      'a client certificate from another CA',
      () => ({
        ...tlsInputs(),
        'builder-tls-cert': read(certs.rogueClientCert),
        'builder-tls-key': read(certs.rogueClientKey)
      }),
      'TLS: the daemon closed the connection right after the handshake, as it does when it refuses the client certificate'
    ],
    [
      'plain tcp against TLS',
      () => ({}),
      'TLS: the daemon speaks TLS and the action connected in plain text; set builder-tls-ca, builder-tls-cert and builder-tls-key'
    ],
    [
      'a server name the certificate does not carry',
      () => ({ ...tlsInputs(), 'builder-tls-server-name': 'buildkitd.example' }),
      "TLS: the daemon's certificate is not valid for the name the action checked (it carries IP Address:127.0.0.1, DNS:localhost); set builder-tls-server-name to a name it carries"
    ]
  ])(
    '%s: the run stops before envd, naming TLS and the address',
    async (_, inputs, message) => {
      const address = addrOf(fleet[0]);
      const { main, post } = await run({ builder: address, 'cache-scope': 'tls-failure', ...inputs() });
      expect(main.code).toBe(1);
      expect(
        main.stdout.split('\n').filter((l) => l.includes(address) && !l.startsWith('::add-mask::'))
      ).toContainEqual(expect.stringContaining(`${address}: ${message}`));
      expect(main.stdout).not.toContain('::group::envd build');
      expect(main.summary).toContain(address);
      expect(post.code).toBe(0);
      expect(leaks([main, post], secrets())).toEqual([]);
    },
    120000
  );
});
