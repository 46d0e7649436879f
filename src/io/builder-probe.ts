/**
 * Whether a running buildkitd answers, and if not, where it stopped: ListWorkers in-process (over TLS when the
 * builder-tls-* inputs are given), `buildctl debug workers` where that cannot settle it (kube-pod://, or a
 * daemon that does not speak gRPC in-process), and a TLS hello when a plain-text probe failed.
 */
import * as net from 'node:net';
import * as tls from 'node:tls';
import { Exec } from './exec.js';
import { listWorkersOn } from './grpc-list-workers.js';
import { speaksTls, tlsOptions } from './tls-relay.js';
import type { BuilderAddress } from '../fleet/address.js';
import type { ProbeOutcome } from '../fleet/choice.js';
import type { TlsMaterial } from '../fleet/tls.js';

export interface ProbeOptions {
  /** TLS for tcp:// builders (undefined: plain text). */
  tls?: TlsMaterial;
  buildctl: string;
  env: NodeJS.ProcessEnv;
  /** The bound of each step of a probe (connect and answer; buildctl). */
  timeoutMs: number;
}

async function viaBuildctl(addr: string, o: ProbeOptions): Promise<ProbeOutcome> {
  const r = await Exec.run(o.buildctl, ['--addr', addr, 'debug', 'workers'], { env: o.env, timeoutMs: o.timeoutMs });
  if (r.code === 0) return { ok: true };
  const detail = (r.stderr || r.stdout).trim().split('\n').pop();
  return { ok: false, stage: 'grpc', detail: `buildctl debug workers: ${detail || `exit ${r.code}`}` };
}

/** Probes one builder, bounded. Never throws. */
export async function probeBuilder(a: BuilderAddress, o: ProbeOptions): Promise<ProbeOutcome> {
  if (a.scheme === 'kube-pod') return viaBuildctl(a.text, o);
  // Not half-open (unlike the relay): a daemon that closes after the handshake ends the probe at once.
  if (a.scheme === 'tcp' && o.tls)
    return listWorkersOn(() => tls.connect(tlsOptions({ host: a.host, port: a.port, tls: o.tls! })), o.timeoutMs);
  const plain = await listWorkersOn(
    () => (a.scheme === 'unix' ? net.connect(a.path) : net.connect({ host: a.host, port: a.port })),
    o.timeoutMs
  );
  if (plain.ok || plain.stage === 'connect' || plain.stage === 'timeout') return plain;
  if (a.scheme === 'tcp' && (await speaksTls(a.host, a.port, o.timeoutMs))) return { ...plain, speaksTls: true };
  return viaBuildctl(a.text, o);
}

/** The chosen builder's BuildKit version (`buildctl debug info`), through `addr` (the relay for a TLS builder). */
export async function builderVersion(
  addr: string,
  o: Pick<ProbeOptions, 'buildctl' | 'env' | 'timeoutMs'>
): Promise<string | undefined> {
  const info = await Exec.run(o.buildctl, ['--addr', addr, 'debug', 'info'], { env: o.env, timeoutMs: o.timeoutMs });
  return info.code === 0 ? info.stdout : undefined;
}
