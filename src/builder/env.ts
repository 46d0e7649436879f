/**
 * The environment the buildkitd the action starts runs with: an allow-list, never the whole environment of
 * the step (which holds the GitHub token as INPUT_GITHUB-TOKEN, ACTIONS_RUNTIME_TOKEN and whatever else the
 * workflow set). The same list whether buildkitd runs as root directly or through `sudo -n`. Pure.
 */

/** Names the step may add to the list (comma or whitespace separated), e.g. for a variable a custom buildkitd reads. */
export const EXTRA_ENV = 'ENVD_CACHE_ACTION_BUILDKITD_ENV';

/**
 * Read by buildkitd v0.32.2 or the libraries it uses: the proxy (Go's net/http ProxyFromEnvironment, also handed
 * to git, util/gitutil/git_cli.go:236-240), certificates (Go's crypto/x509), TMPDIR (os.TempDir) and HOME (the AWS
 * SDK's shared config, util/gitutil/git_cli.go:207 with a host git config).
 */
const NAMES = [
  'HOME',
  'TMPDIR',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  ...['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'ALL_PROXY'].flatMap((n) => [n, n.toLowerCase()])
];

/**
 * Whole families buildkitd reads at v0.32.2: AWS_ (the s3 cache's AWS_BUCKET and AWS_REGION,
 * cache/remotecache/s3/s3.go:79,87, and the AWS SDK's credential chain), AZURE_ (the Azure SDK's environment
 * credential for azblob), BUILDKIT_ (cache/remotecache/azblob/utils.go:47-79, the debug and log-size knobs),
 * OTEL_ (util/tracing/detect/detect.go:48,88,95).
 */
const PREFIXES = ['AWS_', 'AZURE_', 'BUILDKIT_', 'OTEL_'];

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export type BuildkitdEnv = { env: Record<string, string>; names: string[] } | { problem: string };

/**
 * The allowed variables of `env` that are set (PATH is not among them: the caller sets buildkitd's PATH), and
 * their names in a stable order (what `sudo --preserve-env=` is given). A problem for an unusable EXTRA_ENV.
 */
export function buildkitdEnv(env: Readonly<Record<string, string | undefined>>): BuildkitdEnv {
  const extra = (env[EXTRA_ENV] ?? '').split(/[\s,]+/).filter(Boolean);
  const bad = extra.filter((n) => !NAME.test(n) || n === 'PATH');
  if (bad.length)
    return {
      problem: `${EXTRA_ENV} holds ${bad.map((n) => JSON.stringify(n)).join(', ')}: it takes names of environment variables (letters, digits, underscores; not PATH), separated by commas or spaces`
    };
  const allowed = (n: string) => NAMES.includes(n) || extra.includes(n) || PREFIXES.some((p) => n.startsWith(p));
  const names = Object.keys(env)
    .filter((n) => env[n] !== undefined && NAME.test(n) && allowed(n))
    .sort();
  return { env: Object.fromEntries(names.map((n) => [n, env[n] as string])), names };
}
