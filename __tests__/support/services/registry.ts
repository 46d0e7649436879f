/**
 * A real OCI distribution registry for tests: Debian's docker-registry (distribution v2.8), started on
 * 127.0.0.1 with htpasswd basic auth and a throwaway storage directory. `scripts/test-deps.sh` installs it.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export interface TestRegistry {
  host: string;
  user: string;
  password: string;
  /** Pushes a tiny OCI image manifest under repo:tag. */
  pushTag(repo: string, tag: string): Promise<void>;
  stop(): Promise<void>;
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });

export function registryAvailable(): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v docker-registry && command -v htpasswd'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export async function startRegistry(): Promise<TestRegistry> {
  if (!registryAvailable())
    throw new Error(
      "Debian's docker-registry and htpasswd are needed: run scripts/test-deps.sh (npm test does it when it can)"
    );
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'envd-registry-'));
  const user = 'ci';
  const password = 'registry-test-password';
  fs.writeFileSync(path.join(dir, 'htpasswd'), execFileSync('htpasswd', ['-Bbn', user, password]));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  fs.writeFileSync(
    path.join(dir, 'config.yml'),
    [
      'version: 0.1',
      'log: { level: error }',
      `storage: { filesystem: { rootdirectory: ${path.join(dir, 'data')} }, delete: { enabled: true } }`,
      `http: { addr: "${host}" }`,
      `auth: { htpasswd: { realm: test-registry, path: ${path.join(dir, 'htpasswd')} } }`
    ].join('\n')
  );
  const child: ChildProcess = spawn('docker-registry', ['serve', path.join(dir, 'config.yml')], { stdio: 'ignore' });
  const auth = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const deadline = Date.now() + 15000;
  for (;;) {
    const ok = await fetch(`http://${host}/v2/`, { headers: { Authorization: auth } }).then(
      (r) => r.status === 200,
      () => false
    );
    if (ok) break;
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error('docker-registry did not start');
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  async function putBlob(repo: string, data: Buffer): Promise<string> {
    const digest = `sha256:${createHash('sha256').update(data).digest('hex')}`;
    const start = await fetch(`http://${host}/v2/${repo}/blobs/uploads/`, {
      method: 'POST',
      headers: { Authorization: auth }
    });
    const location = new URL(start.headers.get('location')!, `http://${host}`);
    location.searchParams.set('digest', digest);
    const put = await fetch(location, {
      method: 'PUT',
      headers: { Authorization: auth, 'Content-Type': 'application/octet-stream' },
      body: data
    });
    if (put.status !== 201) throw new Error(`blob upload answered ${put.status}`);
    return digest;
  }

  return {
    host,
    user,
    password,
    async pushTag(repo, tag) {
      const config = Buffer.from('{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}');
      const digest = await putBlob(repo, config);
      const manifest = JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest, size: config.length },
        layers: []
      });
      const res = await fetch(`http://${host}/v2/${repo}/manifests/${tag}`, {
        method: 'PUT',
        headers: { Authorization: auth, 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' },
        body: manifest
      });
      if (res.status !== 201) throw new Error(`manifest upload answered ${res.status}: ${await res.text()}`);
    },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };
}
