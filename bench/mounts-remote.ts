/**
 * cache-mounts beside the layers, with a large archive: push and restore one mount of BENCH_MOUNT_MB (default 512)
 * through the registry store (Debian's docker-registry on 127.0.0.1, its own process) and the s3 store (s3rver in a
 * child process), and print seconds, throughput and this process's peak RSS above its start (the archives are
 * streamed, so it stays far below the archive's size). `npm run bench:mounts-remote`.
 */
import { fork } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { once } from 'node:events';
import type { Locations } from '../src/backends/location.js';
import { cacheSpec } from '../src/backends/spec.js';
import { registryMountStore } from '../src/io/mounts-registry.js';
import { s3MountStore } from '../src/io/mounts-s3.js';
import type { MountStore } from '../src/io/mounts.js';
import { ENVD_MOUNT_DIRS, mountKey, mountKeyPrefix } from '../src/mounts/mounts.js';
import { startRegistry } from '../__tests__/support/services/registry.js';

const MB = 2 ** 20;
const size = Number(process.env.BENCH_MOUNT_MB || 512) * MB;
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-mounts-'));
const ID = `${ENVD_MOUNT_DIRS[0]}/bench-cpu`;
const places: Locations = {
  write: { name: 'buildcache-bench', owner: 'main' },
  reads: [{ name: 'buildcache-bench', owner: 'main' }]
};

/** An archive of random bytes (no store can compress or deduplicate it), and its key. */
async function archive(): Promise<{ dir: string; key: string }> {
  const dir = path.join(root, 'slot');
  fs.mkdirSync(dir);
  const out = fs.createWriteStream(path.join(dir, 'mount.tar'));
  const hash = createHash('sha256');
  for (let left = size; left > 0; left -= 4 * MB) {
    const chunk = randomBytes(Math.min(4 * MB, left));
    hash.update(chunk);
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return { dir, key: mountKey('bench', ID, hash.digest('hex')) };
}

/** Peak RSS while `work` runs, sampled every 20 ms (a benchmark, not a test: it prints, it asserts nothing). */
async function measured<T>(work: () => Promise<T>): Promise<{ value: T; seconds: number; peakMb: number }> {
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const t0 = performance.now();
  try {
    const value = await work();
    return { value, seconds: (performance.now() - t0) / 1000, peakMb: (peak - base) / MB };
  } finally {
    clearInterval(timer);
  }
}

async function run(name: string, store: MountStore, a: { dir: string; key: string }): Promise<void> {
  const saved = await measured(() => store.save(a.dir, a.key));
  const into = path.join(root, `into-${name}`);
  const restored = await measured(() => store.restore(into, mountKeyPrefix('bench', ID)));
  const notes = store.drain?.().filter((n) => n.warning) ?? [];
  if (!saved.value || restored.value !== a.key || notes.length) throw new Error(`${name}: ${JSON.stringify(notes)}`);
  const rate = (s: number) => `${(size / MB / s).toFixed(0)} MB/s`;
  console.log(
    `${name}: ${size / MB} MB archive — save ${saved.seconds.toFixed(2)} s (${rate(saved.seconds)}, RSS +${saved.peakMb.toFixed(0)} MB), restore ${restored.seconds.toFixed(2)} s (${rate(restored.seconds)}, RSS +${restored.peakMb.toFixed(0)} MB)`
  );
  fs.rmSync(into, { recursive: true, force: true });
}

/** s3rver in a child process, so that its own buffers are not counted in this one's RSS. */
async function childS3(): Promise<{ endpoint: string; stop(): void }> {
  const script = path.join(root, 's3.mjs');
  const s3rver = path.resolve('node_modules/s3rver/lib/s3rver.js');
  fs.writeFileSync(
    script,
    `import S3rver from ${JSON.stringify(s3rver)};\nconst s = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: ${JSON.stringify(path.join(root, 's3'))}, configureBuckets: [{ name: 'cache' }] });\nconst a = await s.run();\nprocess.send(a.port);\n`
  );
  const child = fork(script, { stdio: 'ignore' });
  const [port] = (await once(child, 'message')) as [number];
  return { endpoint: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}

const a = await archive();
const registry = await startRegistry();
const s3 = await childS3();
try {
  const docker = path.join(root, 'docker');
  fs.mkdirSync(docker);
  const auth = Buffer.from(`${registry.user}:${registry.password}`).toString('base64');
  fs.writeFileSync(path.join(docker, 'config.json'), JSON.stringify({ auths: { [registry.host]: { auth } } }));
  const home = {
    store: 'oci-artifact' as const,
    repository: `${registry.host}/bench/env`,
    insecure: false,
    tags: places
  };
  await run(
    'registry',
    registryMountStore(home, { env: { DOCKER_CONFIG: docker, HOME: docker }, mask: () => undefined }),
    a
  );
  const spec = cacheSpec('s3', [
    ['bucket', 'cache'],
    ['region', 'us-east-1'],
    ['endpoint_url', s3.endpoint],
    ['use_path_style', 'true']
  ]);
  const env = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' };
  await run('s3', s3MountStore({ store: 's3-object', prefix: '', names: places }, spec, env), a);
} finally {
  s3.stop();
  await registry.stop();
  fs.rmSync(root, { recursive: true, force: true });
}
