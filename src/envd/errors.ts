/**
 * Known BuildKit, GitHub and envd error texts, turned into what to do (buildkit-cache.md §6, envd-cli.md §13).
 * Pure: the first matching entry wins, so the more specific texts come first.
 */

export interface KnownError {
  id: string;
  title: string;
  advice: string;
}

const TABLE: [RegExp, KnownError][] = [
  [
    // BuildKit v0.32.2 prints `blob sha256:<hex>: not found`: errors.Wrapf(cerrdefs.ErrNotFound, "blob %s", dgst)
    // in cache/remotecache/gha/gha.go:593,618 (also v1/chains.go:251, azblob/importer.go:219,239), and
    // ErrNotFound reads "not found" (vendor/github.com/containerd/errdefs/errors.go:120). Still matched: the
    // colon-less `blob sha256:<hex> not found` (azblob/importer.go:194), containerd's `blob not found`
    // (content/local/readerat.go:43) and Azure's BlobNotFound.
    /blob not found|blob sha256:[0-9a-f]+:? not found|BlobNotFound/i,
    {
      id: 'evicted-blob',
      title: 'A cached layer was evicted',
      advice:
        'The cache index still names a layer that the GitHub cache (or registry) no longer holds, usually after LRU eviction over the budget. The action retries once without --import-cache; keep usage under the budget (cache-budget, cache-prune) to avoid it.'
    }
  ],
  [
    // A cached layer that could not be read whole. containerd's content copy: `short read: expected %d bytes but
    // got %d: unexpected EOF` (vendor/github.com/containerd/containerd/v2/core/content/helpers.go:221 at BuildKit
    // v0.32.2) and `failed to read expected number of bytes: unexpected EOF` (:249); a body of another digest:
    // `unexpected commit digest <got>, expected <want>: failed precondition` (plugins/content/local/writer.go:135);
    // a reset; a 5xx from the registry (`unexpected status from GET request to <url>: 503 …`,
    // core/remotes/errors/errors.go:43), the GitHub cache (`invalid status response 503 … for <url>`,
    // vendor/github.com/tonistiigi/go-actions-cache/cache.go:686-688) or S3 (`https response error StatusCode:
    // 503`, vendor/github.com/aws/aws-sdk-go-v2/aws/transport/http/response_error.go:25).
    /short read: expected \d+ bytes but got \d+|unexpected EOF|failed to read expected number of bytes|unexpected commit digest sha256:[0-9a-f]+, expected sha256:|connection reset by peer|unexpected status from GET request to \S+: 5\d\d|invalid status response 5\d\d|https response error StatusCode: 5\d\d/,
    {
      id: 'unreadable-layer',
      title: 'A cached layer could not be read',
      advice:
        'A layer of the imported cache came cut short, reset, with a server error or with the wrong digest. The action retries once with the same import, then once without it; if the build still fails, the cache service (or a proxy in front of it) is failing: the next run after it recovers restores the whole cache.'
    }
  ],
  [
    /This legacy service is shutting down/,
    {
      id: 'legacy-cache-api',
      title: 'BuildKit speaks the retired cache API v1',
      advice:
        'github.com shut the v1 cache service down on 2025-04-15. Use a BuildKit of v0.20.0 or later (buildkit-version, or builder: auto) so that the action passes url_v2 and version=2.'
    }
  ],
  [
    /token not set for github actions cache|url not set for github actions cache/,
    {
      id: 'gha-credentials',
      title: 'The gha cache got no credentials',
      advice:
        'The cache flags lacked token= or url_v2=. The action fills them from the runner; if you set export-cache or import-cache yourself, let the action add them (leave token/url out) and run it as a JavaScript step.'
    }
  ],
  [
    /cache token expired|invalid token with future issue time/,
    {
      id: 'token-expired',
      title: 'The runtime token expired during the build',
      advice:
        "The runner's cache token lives about 6 hours. Split long builds into shorter jobs, or export with cache-write: false near the limit."
    }
  ],
  [
    /failed to reserve cache|cache write denied/,
    {
      id: 'write-denied',
      title: 'The GitHub cache refused the write',
      advice:
        'This run may only read the cache (an untrusted trigger, cache-mode read, or an exhausted budget), or another job reserved the same key. The action drops the export when the token has no writable ref; set ignore-error=true in cache-options if you removed it.'
    }
  ],
  [
    /maximum timeout reached|requested delay \S+ exceeds maximum timeout|\(429\) Too Many Requests|rate limit exceeded/i,
    {
      id: 'throttled',
      title: 'The GitHub cache throttled the export',
      advice:
        'GitHub allows 200 cache uploads per minute per repository and BuildKit writes one per layer. Use BuildKit v0.27.0 or later (it honours Retry-After), cache-mode: min on busy branches, or a longer timeout in cache-options.'
    }
  ],
  [
    /403 AuthenticationFailed|Server failed to authenticate the request|Signature not valid in the specified time frame/,
    {
      id: 'expired-url',
      title: 'A signed cache download URL expired',
      advice:
        'BuildKit before v0.23.2 cannot renew an expired download URL during a long build. Use a newer BuildKit (buildkit-version).'
    }
  ],
  [
    /repository name must be lowercase/,
    {
      id: 'uppercase-ref',
      title: 'A registry reference has capital letters',
      advice:
        'Registry references must be lowercase; ${{ github.repository }} often is not. Lowercase the image name in output and cache-ref.'
    }
  ],
  [
    /cache export feature is currently not supported for docker driver|Cache export is not supported for the docker driver|unknown cache exporter/,
    {
      id: 'wrong-builder',
      title: 'The builder cannot export this cache',
      advice:
        "envd's default moby-worker builder only knows inline cache. Use builder: auto (the action starts its own buildkitd) or a buildkitd address."
    }
  ],
  [
    /failed to connect to buildkitd|cannot connect to buildkitd/,
    {
      id: 'no-buildkitd',
      title: 'envd could not reach buildkitd',
      advice:
        'The buildkitd the context points at is not answering. With builder: auto the action starts it; with an address, check that the daemon runs and that the address has the right scheme (unix:// or tcp://).'
    }
  ],
  [
    /bucket \(\$AWS_BUCKET\) not set for s3 cache|region \(\$AWS_REGION\) not set for s3 cache/,
    {
      id: 's3-location',
      title: 'The s3 cache has no bucket or region',
      advice: 'Set bucket= and region= in cache-options, or AWS_BUCKET and AWS_REGION in the step environment.'
    }
  ],
  [
    /SignatureDoesNotMatch/,
    {
      id: 's3-signature',
      title: 'The S3-compatible store rejected the request signature',
      advice:
        'A proxy in front of the store rewrote Accept-Encoding. Add disable_accept_encoding=true to cache-options (BuildKit v0.30+).'
    }
  ],
  [
    /unauthorized|denied: (permission_denied|installation not allowed)|insufficient_scope/i,
    {
      id: 'registry-auth',
      title: 'The registry refused the push',
      advice: 'Log in before this step (docker/login-action) and grant the job packages: write for ghcr.io.'
    }
  ],
  [
    /local cache importer requires explicit digest|unknown service containerd\.services\.content\.v1\.Content/,
    {
      id: 'local-import',
      title: 'envd cannot import a local cache',
      advice:
        'envd v1.3.4 cannot import type=local (envd #1391), so this build ran without that cache. Use cache: local and leave import-cache empty: the action then serves the restored directory as a registry on 127.0.0.1 and imports that.'
    }
  ]
];

/** Every known error with the pattern that recognizes it, in the order they are tried (docs/troubleshooting.md lists them). */
export const KNOWN_ERRORS: readonly (KnownError & { pattern: RegExp })[] = TABLE.map(([pattern, e]) => ({
  ...e,
  pattern
}));

export function classify(text: string): KnownError | undefined {
  return TABLE.find(([re]) => re.test(text))?.[1];
}

/**
 * The error of envd's fatal log line, unquoted (it may span lines), else the last non-empty line without
 * Go's `log` timestamp (a missing build file dies in `log.Fatal`, envd v1.3.4 pkg/lang/version/version.go:72-75).
 * envd's ExitErrHandler logs through logrus (pkg/app/app.go:160-166), whose text formatter writes a value
 * bare when it is only `[A-Za-z0-9-._/@^+]`, else Go-quoted with %q.
 */
export function envdErrorLine(stderr: string): string {
  const fatal = [...stderr.matchAll(/level=fatal msg=exit\b.*? error=("(?:[^"\\]|\\.)*"|[^\s"]+)/g)].pop();
  if (fatal) return fatal[1].startsWith('"') ? (goUnquote(fatal[1]) ?? fatal[1].slice(1, -1)) : fatal[1];
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const last = lines[lines.length - 1];
  return last ? last.replace(/^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} /, '') : 'envd exited with an error';
}

const SIMPLE_ESCAPES: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, '"': 34 };

/**
 * Go's strconv.Unquote for a double-quoted string: `\a \b \f \n \r \t \v \\ \"`, `\xHH` and `\ooo` (bytes),
 * `\uHHHH` and `\UHHHHHHHH` (runes; no surrogates, at most U+10FFFF). Bytes are decoded as UTF-8 at the end,
 * as Go's string holds them. undefined when the text is not a valid Go double-quoted string.
 */
export function goUnquote(quoted: string): string | undefined {
  if (quoted.length < 2 || !quoted.startsWith('"') || !quoted.endsWith('"')) return undefined;
  const body = quoted.slice(1, -1);
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  const hex = (text: string, n: number) =>
    text.length === n && /^[0-9a-fA-F]+$/.test(text) ? parseInt(text, 16) : undefined;
  for (let i = 0; i < body.length;) {
    const c = body[i];
    if (c === '"' || c === '\n') return undefined;
    if (c !== '\\') {
      const cp = body.codePointAt(i)!;
      const ch = String.fromCodePoint(cp);
      bytes.push(...encoder.encode(ch));
      i += ch.length;
      continue;
    }
    const e = body[i + 1];
    if (e === undefined) return undefined;
    if (e in SIMPLE_ESCAPES) {
      bytes.push(SIMPLE_ESCAPES[e]);
      i += 2;
    } else if (e === 'x') {
      const b = hex(body.slice(i + 2, i + 4), 2);
      if (b === undefined) return undefined;
      bytes.push(b);
      i += 4;
    } else if (e >= '0' && e <= '7') {
      const oct = body.slice(i + 1, i + 4);
      if (!/^[0-7]{3}$/.test(oct) || parseInt(oct, 8) > 255) return undefined;
      bytes.push(parseInt(oct, 8));
      i += 4;
    } else if (e === 'u' || e === 'U') {
      const n = e === 'u' ? 4 : 8;
      const cp = hex(body.slice(i + 2, i + 2 + n), n);
      if (cp === undefined || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return undefined;
      bytes.push(...encoder.encode(String.fromCodePoint(cp)));
      i += 2 + n;
    } else return undefined;
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}
