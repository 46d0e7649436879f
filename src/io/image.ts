/**
 * Reads what the build left behind: the pushed tag's digest from its registry (the existence probe's HEAD and
 * credentials), or the ID of the image loaded into Docker (`docker image inspect`, through the Exec seam).
 * Never throws and never fails the build: what cannot be read comes back with the reason.
 */
import { type ImageFacts, type ImageTarget, pinned } from '../report/image.js';
import { echo } from '../text/text.js';
import { Exec } from './exec.js';
import type { Http } from './http/client.js';
import { registryDigest, type RegistryCaller, registryHttp } from './registry.js';

/** What was read, and how loudly to say what was not: a push whose digest is unknown is a warning, a missing Docker a debug line. */
export interface ImageReading {
  facts: ImageFacts;
  warning?: string;
  debug?: string;
}

const IMAGE_ID = /^sha256:[a-f0-9]{64}$/;

export async function readImage(
  target: ImageTarget,
  caller: RegistryCaller,
  http: Http = registryHttp()
): Promise<ImageReading> {
  if (target.kind === 'none') return { facts: {}, debug: `No digest or image ID to read: ${target.why}` };
  if (target.kind === 'registry') {
    const read = await registryDigest(target.name, target.insecure, caller, http);
    if (read.digest)
      return { facts: { name: target.name, digest: read.digest, image: pinned(target.repository, read.digest) } };
    const why = read.why ?? 'no answer';
    // A registry that went silent had its one warning, which names the digest among what the job goes without.
    if (read.down)
      return {
        facts: { name: target.name, why },
        debug: `The digest of the pushed image ${echo(target.name)} is not read: ${why}`
      };
    return {
      facts: { name: target.name, why },
      warning: `The digest of the pushed image ${echo(target.name)} could not be read: ${why}. The build succeeded; the digest and image outputs are empty.`
    };
  }
  const r = await Exec.run('docker', ['image', 'inspect', '--format', '{{.Id}}', target.name], {
    env: caller.env,
    timeoutMs: 30000
  });
  const id = r.stdout.trim();
  if (r.code === 0 && IMAGE_ID.test(id)) return { facts: { name: target.name, imageId: id } };
  const why =
    r.code === 127
      ? 'docker is not on PATH'
      : r.code === 0
        ? `docker image inspect answered ${echo(id, 80)}, not an image ID`
        : `docker image inspect ${echo(target.name)} exited ${r.code}: ${echo(r.stderr.trim().split('\n')[0] ?? '')}`;
  return { facts: { name: target.name }, debug: `No imageid output: ${why}` };
}
