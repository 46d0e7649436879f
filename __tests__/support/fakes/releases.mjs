// A fake GitHub release server for installer tests (types in releases.d.mts, docs in README.md).
// Serves envd assets the way GoReleaser publishes them (raw binaries + checksums.txt) and BuildKit tarballs
// (bin/buildkitd + bin/buildctl, no checksums file; the REST API reports each asset's `digest`).
// Every "binary" is one of the fakes in ./bin with its version baked in, so it runs wherever it is copied.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { createServer } from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compareVersions } from './shared.mjs';

const BIN = path.join(path.dirname(fileURLToPath(import.meta.url)), 'bin');
export const ENVD_REPO = 'tensorchord/envd';
export const BUILDKIT_REPO = 'moby/buildkit';
const BAKED_LINE = /^const BAKED_VERSION = null;.*$/m;
const SHARED_LINE = /^const SHARED_SOURCE = null;.*$/m;
const sha256 = (data) => createHash('sha256').update(data).digest('hex');

/**
 * A fake's source that runs alone, with its version (and, for distinct bytes per asset, the asset name) baked
 * in: a release asset is one file, so the fake carries ./shared.mjs inline (loaded as a `data:` module).
 */
export function bakeFake(name, version, assetName = '') {
  const source = fs.readFileSync(path.join(BIN, name), 'utf8');
  if (!BAKED_LINE.test(source)) throw new Error(`releases: ${name} has no BAKED_VERSION line`);
  if (!SHARED_LINE.test(source)) throw new Error(`releases: ${name} has no SHARED_SOURCE line`);
  const shared = fs.readFileSync(path.join(BIN, '..', 'shared.mjs'), 'utf8');
  return source
    .replace(
      BAKED_LINE,
      () =>
        `const BAKED_VERSION = ${JSON.stringify(version)}; // baked by the fake release server${assetName ? ` for ${assetName}` : ''}`
    )
    .replace(
      SHARED_LINE,
      () => `const SHARED_SOURCE = ${JSON.stringify(shared)}; // ./shared.mjs, inlined by the fake release server`
    );
}

/** envd's raw-binary asset names: `envd_1.3.4_linux_amd64` (v1.3.1+) or `envd_1.3.0_Linux_x86_64` (older). */
export function envdAssetNames(tag) {
  const v = tag.replace(/^v/, '');
  if (compareVersions(tag, 'v1.3.1') >= 0) {
    return [
      ...['linux_amd64', 'linux_arm64', 'darwin_amd64', 'darwin_arm64', 'darwin_all'].map((p) => `envd_${v}_${p}`),
      ...['linux_amd64', 'linux_arm64', 'darwin_amd64', 'darwin_arm64'].map((p) => `envd-sshd_${v}_${p}`)
    ];
  }
  return [
    ...['Linux_x86_64', 'Linux_arm64', 'Darwin_x86_64', 'Darwin_arm64', 'Darwin_all'].map((p) => `envd_${v}_${p}`),
    ...['Linux_x86_64', 'Linux_arm64', 'Darwin_x86_64', 'Darwin_arm64'].map((p) => `envd-sshd_${v}_${p}`)
  ];
}

/** BuildKit release tarballs (platform suffix → whether it ships buildkitd; darwin tarballs carry buildctl only). */
export const BUILDKIT_PLATFORMS = {
  'linux-amd64': true,
  'linux-arm64': true,
  'linux-arm-v7': true,
  'darwin-amd64': false,
  'darwin-arm64': false
};
export const buildkitAssetName = (tag, platform) => `buildkit-${tag}.${platform}.tar.gz`;

function buildkitTarball(tmp, tag, platform, withDaemon) {
  const stage = path.join(tmp, `stage-${tag}-${platform}`);
  fs.mkdirSync(path.join(stage, 'bin'), { recursive: true });
  const tools = withDaemon ? ['buildctl', 'buildkitd'] : ['buildctl'];
  for (const tool of tools) {
    fs.writeFileSync(path.join(stage, 'bin', tool), bakeFake(tool, tag, buildkitAssetName(tag, platform)), {
      mode: 0o755
    });
    fs.chmodSync(path.join(stage, 'bin', tool), 0o755);
  }
  const file = path.join(tmp, buildkitAssetName(tag, platform));
  const res = spawnSync('tar', ['-czf', file, '-C', stage, ...tools.map((t) => `bin/${t}`)], { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`releases: tar failed: ${res.stderr || res.error?.message}`);
  return fs.readFileSync(file);
}

function latestOf(tags) {
  return [...tags].sort((a, b) => compareVersions(b, a))[0];
}

/**
 * options: { envdVersions, buildkitVersions, latest: {envd, buildkit}, redirect (default true: downloads answer
 * 302 to an objects URL, as github.com does) }
 */
export async function startReleaseServer(options = {}) {
  const envdVersions = options.envdVersions ?? ['v1.3.4'];
  const buildkitVersions = options.buildkitVersions ?? ['v0.32.2'];
  const redirect = options.redirect ?? true;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-releases-'));
  const repos = new Map([
    [ENVD_REPO, new Map()],
    [BUILDKIT_REPO, new Map()]
  ]);
  const published = Date.UTC(2026, 1, 7);
  let nextId = 1000;
  const addRelease = (repo, tag, files) => {
    repos.get(repo).set(tag, {
      id: nextId++,
      tag,
      assets: files.map(([name, data]) => ({
        id: nextId++,
        name,
        data,
        digest: `sha256:${sha256(data)}`,
        size: data.length
      }))
    });
  };
  try {
    for (const tag of envdVersions) {
      const files = envdAssetNames(tag).map((name) => [
        name,
        Buffer.from(
          name.startsWith('envd-sshd')
            ? `#!/bin/sh\necho "envd-sshd ${tag} (fake placeholder)"\n`
            : bakeFake('envd', tag, name)
        )
      ]);
      const checksums = files
        .map(([name, data]) => `${sha256(data)}  ${name}`)
        .sort((a, b) => a.split('  ')[1].localeCompare(b.split('  ')[1]))
        .join('\n');
      addRelease(ENVD_REPO, tag, [...files, ['checksums.txt', Buffer.from(`${checksums}\n`)]]);
    }
    for (const tag of buildkitVersions) {
      addRelease(
        BUILDKIT_REPO,
        tag,
        Object.entries(BUILDKIT_PLATFORMS).map(([platform, withDaemon]) => [
          buildkitAssetName(tag, platform),
          buildkitTarball(tmp, tag, platform, withDaemon)
        ])
      );
    }
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  const latest = {
    [ENVD_REPO]: options.latest?.envd ?? latestOf(envdVersions),
    [BUILDKIT_REPO]: options.latest?.buildkit ?? latestOf(buildkitVersions)
  };

  const faults = [];
  const corrupted = new Set();
  const requests = [];
  const sockets = new Set();
  const server = createServer();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const url = `http://127.0.0.1:${server.address().port}`;
  const apiUrl = `${url}/api`;

  const releaseJson = (repo, r) => ({
    url: `${apiUrl}/repos/${repo}/releases/${r.id}`,
    html_url: `${url}/${repo}/releases/tag/${r.tag}`,
    id: r.id,
    tag_name: r.tag,
    target_commitish: 'main',
    name: r.tag,
    draft: false,
    prerelease: false,
    created_at: new Date(published).toISOString(),
    published_at: new Date(published).toISOString(),
    tarball_url: `${apiUrl}/repos/${repo}/tarball/${r.tag}`,
    zipball_url: `${apiUrl}/repos/${repo}/zipball/${r.tag}`,
    body: `${r.tag} (fake release)`,
    assets: r.assets.map((a) => ({
      url: `${apiUrl}/repos/${repo}/releases/assets/${a.id}`,
      id: a.id,
      name: a.name,
      label: '',
      content_type: a.name.endsWith('.tar.gz')
        ? 'application/gzip'
        : a.name.endsWith('.txt')
          ? 'text/plain'
          : 'application/octet-stream',
      state: 'uploaded',
      size: a.size,
      digest: a.digest,
      download_count: 0,
      created_at: new Date(published).toISOString(),
      updated_at: new Date(published).toISOString(),
      browser_download_url: `${url}/${repo}/releases/download/${r.tag}/${a.name}`
    }))
  });

  const handle = (req, res) => {
    const parsed = new URL(req.url ?? '/', url);
    const p = decodeURIComponent(parsed.pathname);
    const entry = { method: req.method ?? 'GET', path: p, status: 0, headers: { ...req.headers } };
    requests.push(entry);
    const send = (status, body, headers = {}) => {
      entry.status = status;
      const data =
        typeof body === 'string' || Buffer.isBuffer(body)
          ? Buffer.from(body)
          : Buffer.from(JSON.stringify(body, null, 2));
      res.writeHead(status, { 'content-length': String(data.length), ...headers });
      res.end(req.method === 'HEAD' ? undefined : data);
    };
    const notFoundApi = (doc) =>
      send(
        404,
        { message: 'Not Found', documentation_url: doc, status: '404' },
        { 'content-type': 'application/json; charset=utf-8' }
      );

    const fault = faults.find((f) => f.remaining > 0 && f.pattern.test(p));
    if (fault) {
      fault.remaining--;
      return send(fault.status, fault.body ?? `injected fault: HTTP ${fault.status}`, { 'content-type': 'text/plain' });
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed');

    let m = /^\/api\/repos\/([^/]+\/[^/]+)\/releases(?:\/(latest|tags\/(.+)))?\/?$/.exec(p);
    if (m) {
      const releases = repos.get(m[1]);
      if (!releases) return notFoundApi('https://docs.github.com/rest/releases/releases');
      const json = { 'content-type': 'application/json; charset=utf-8' };
      if (!m[2])
        return send(
          200,
          [...releases.values()].sort((a, b) => compareVersions(b.tag, a.tag)).map((r) => releaseJson(m[1], r)),
          json
        );
      const tag = m[2] === 'latest' ? latest[m[1]] : m[3];
      const r = releases.get(tag);
      if (!r)
        return notFoundApi(
          m[2] === 'latest'
            ? 'https://docs.github.com/rest/releases/releases#get-the-latest-release'
            : 'https://docs.github.com/rest/releases/releases#get-a-release-by-tag-name'
        );
      return send(200, releaseJson(m[1], r), json);
    }
    m =
      /^\/([^/]+\/[^/]+)\/releases\/download\/([^/]+)\/([^/]+)$/.exec(p) ??
      /^\/_objects\/([^/]+\/[^/]+)\/([^/]+)\/([^/]+)$/.exec(p);
    if (m) {
      const asset = repos
        .get(m[1])
        ?.get(m[2])
        ?.assets.find((a) => a.name === m[3]);
      if (!asset) return send(404, 'Not Found', { 'content-type': 'text/plain' });
      if (redirect && !p.startsWith('/_objects/')) {
        return send(302, '', {
          location: `${url}/_objects/${m[1]}/${m[2]}/${encodeURIComponent(m[3])}?X-Amz-Signature=fake`
        });
      }
      const data = corrupted.has(asset.name)
        ? Buffer.concat([asset.data, Buffer.from('\n# corrupted in transit\n')])
        : asset.data;
      return send(200, data, {
        'content-type': 'application/octet-stream',
        'content-disposition': `attachment; filename=${asset.name}`
      });
    }
    return send(404, 'Not Found', { 'content-type': 'text/plain' });
  };
  server.on('request', handle);

  return {
    url,
    apiUrl,
    requests,
    latest: { envd: latest[ENVD_REPO], buildkit: latest[BUILDKIT_REPO] },
    asset(repo, tag, name) {
      const a = repos
        .get(repo)
        ?.get(tag)
        ?.assets.find((x) => x.name === name);
      return a ? { name: a.name, data: a.data, digest: a.digest, size: a.size } : undefined;
    },
    assets(repo, tag) {
      return (repos.get(repo)?.get(tag)?.assets ?? []).map((a) => ({
        name: a.name,
        data: a.data,
        digest: a.digest,
        size: a.size
      }));
    },
    failNext(pathPattern, count = 1, status = 503, body) {
      const pattern = typeof pathPattern === 'string' ? new RegExp(pathPattern) : pathPattern;
      faults.push({ pattern, remaining: count, status, body });
    },
    corrupt(assetName, on = true) {
      if (on) corrupted.add(assetName);
      else corrupted.delete(assetName);
    },
    async close() {
      await new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
        for (const s of sockets) s.destroy();
      });
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  };
}
