/**
 * builder: one or several running buildkitd. The core ranks them for the cache scope (rendezvous hashing);
 * here each is asked, in that order, whether it answers a bounded ListWorkers, and the first that does is
 * used: directly for unix://, tcp:// and kube-pod://, or through the TLS relay for tcp:// with mutual TLS.
 * Every builder passed over is named with the reason; when none answers the run stops before envd.
 */
import * as path from 'node:path';
import type { Runner } from '../io/runner.js';
import { parseBuildkitVersion } from '../builder/args.js';
import type { BuilderHandle } from '../builder/handle.js';
import { type BuilderAddress, envdTarget } from '../fleet/address.js';
import { choiceReason, explain, type FleetChoice, isTlsFailure } from '../fleet/choice.js';
import { rank } from '../fleet/rank.js';
import { pemSecrets, type TlsInputs, type TlsMaterial } from '../fleet/tls.js';
import { builderVersion, probeBuilder } from '../io/builder-probe.js';
import { readTlsMaterial } from '../io/tls-material.js';
import { startTlsRelay, type TlsRelay } from '../io/tls-relay.js';
import { formatProblem } from '../inputs/inputs.js';
import { POLICIES } from '../http/policies.js';
import { echo, MAX_SENTENCE } from '../text/text.js';

export interface RemoteRequest {
  addresses: BuilderAddress[];
  tls?: TlsInputs;
  /** The cache scope the builders are ranked for. */
  scope: string;
  /** The run's private directory (0700): the relay's socket goes there. */
  dir: string;
  binDir: string;
  env: NodeJS.ProcessEnv;
  /** The workspace, against which TLS file paths resolve. */
  cwd: string;
  /** The step's runner protocol: the choice's lines, the secrets of the TLS inputs. */
  out: Runner;
}

export interface RemoteBuilder {
  h: BuilderHandle;
  choice: FleetChoice;
  /** Open while the build runs; closed by the caller. */
  relay?: TlsRelay;
}

class NoBuilderError extends Error {}

/** The PEM text of the TLS inputs, every line registered as a secret before it can reach a log. */
function loadTls({ tls, cwd, out }: RemoteRequest): TlsMaterial | undefined {
  if (!tls) return undefined;
  const { material, problems } = readTlsMaterial(tls, cwd);
  if (!material) throw new NoBuilderError(problems.map(formatProblem).join('\n'));
  for (const pem of [material.ca, material.cert, material.key]) for (const s of pemSecrets(pem ?? '')) out.setSecret(s);
  return material;
}

/** Asks the builders in rank order; the first that answers is chosen. Throws, naming each and why, when none does. */
async function choose(
  r: RemoteRequest,
  tls: TlsMaterial | undefined
): Promise<{ chosen: BuilderAddress; choice: FleetChoice }> {
  const { out } = r;
  const ranked = rank(r.scope, r.addresses);
  const passed: FleetChoice['passed'] = [];
  const buildctl = path.join(r.binDir, 'buildctl');
  if (ranked.length > 1)
    out.info(
      `Fleet of ${ranked.length} for cache scope ${echo(r.scope)}, by rendezvous hashing: ${ranked.map((a) => echo(a.text)).join(', ')}`
    );
  for (const a of ranked) {
    const secure = a.scheme === 'tcp' && !!tls;
    const outcome = await probeBuilder(a, {
      tls: secure ? tls : undefined,
      buildctl,
      env: r.env,
      timeoutMs: POLICIES.builderProbeMs
    });
    if (outcome.ok) {
      const texts = ranked.map((x) => x.text);
      return {
        chosen: a,
        choice: { ranked: texts, passed, chosen: a.text, reason: choiceReason(texts, a.text, passed) }
      };
    }
    const why = explain(a.text, outcome, secure);
    passed.push({ address: a.text, why });
    // A TLS mistake is the workflow's to fix even when another builder answers: an annotation, not only a line.
    if (isTlsFailure(outcome, secure)) out.warning(echo(why, MAX_SENTENCE), { title: 'Builder TLS' });
    else out.info(`Passed over ${echo(why, MAX_SENTENCE)}`);
  }
  const lines = passed.map((p) => `  ${echo(p.why, MAX_SENTENCE)}`).join('\n');
  throw new NoBuilderError(
    `${ranked.length > 1 ? `none of the ${ranked.length} builders answered` : 'the builder did not answer'}; nothing was built:\n${lines}`
  );
}

/** Chooses the builder, starts the TLS relay when it needs one, and reads its version. */
export async function startRemote(r: RemoteRequest): Promise<RemoteBuilder> {
  const { out } = r;
  const tls = loadTls(r);
  const { chosen, choice } = await choose(r, tls);
  let relay: TlsRelay | undefined;
  let target = envdTarget(chosen);
  if (chosen.scheme === 'tcp' && tls) {
    relay = await startTlsRelay({ host: chosen.host, port: chosen.port, tls }, path.join(r.dir, 'tls-relay.sock'));
    target = { builder: 'unix', address: relay.socket };
    out.info(`envd reaches ${echo(chosen.text)} through a TLS relay on ${echo(relay.socket)} (mutual TLS, ALPN h2)`);
  }
  try {
    const info = await builderVersion(`${target.builder}://${target.address}`, {
      buildctl: path.join(r.binDir, 'buildctl'),
      env: r.env,
      timeoutMs: POLICIES.builderProbeMs
    });
    const h: BuilderHandle = {
      kind: 'address',
      envdBuilder: target.builder,
      envdAddress: target.address,
      buildctlAddr: chosen.text,
      version: info ? parseBuildkitVersion(info) : undefined
    };
    if (choice.ranked.length > 1) out.info(`Chose ${echo(chosen.text)}: ${echo(choice.reason, MAX_SENTENCE)}`);
    return { h, choice, relay };
  } catch (e) {
    await relay?.close();
    throw e;
  }
}
