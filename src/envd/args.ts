/** envd's command lines, from the plan. Pure: global flags before the subcommand, one value per cache flag. */
import * as path from 'node:path';
import { type CacheSpec, redactCacheSpec, serializeCacheSpec } from '../backends/spec.js';
import { parseOutput } from '../inputs/output.js';
import type { Plan } from '../plan/plan.js';
import { shellArg } from '../text/text.js';

export interface BuildCall {
  args: string[];
  /** The same command line with every secret replaced by ***, for the log. */
  shown: string[];
}

export interface BuildCallOptions {
  publicKeyFile: string;
  withImport: boolean;
  /**
   * The image of the buildkitd the action started (`docker.io/moby/buildkit:<tag>`). On a docker-container
   * context envd inspects, and pulls when absent, this image on every build before it looks for the container
   * (envd v1.3.4 pkg/driver/docker/docker.go:273-290, :313, :326-327); its default is moby/buildkit:v0.19.0
   * (pkg/app/app.go:61-66). Other builders ignore it.
   */
  buildkitdImage: string;
  /** The directory envd runs in: `--path` is resolved against it (its basename names the default tag). */
  cwd: string;
}

export function envdBuildCall(plan: Plan, options: BuildCallOptions): BuildCall {
  const contextDir = path.resolve(options.cwd, plan.envd.path);
  const common = [
    '--buildkitd-image',
    options.buildkitdImage,
    'build',
    '--path',
    plan.envd.path,
    '--from',
    plan.envd.from,
    '--tag',
    envdTag(plan.envd.output, path.basename(contextDir)),
    '--force',
    '--public-key',
    options.publicKeyFile
  ];
  if (plan.envd.output) common.push('--output', plan.envd.output);
  if (plan.envd.platform) common.push('--platform', plan.envd.platform);
  const flags = (render: (s: CacheSpec) => string) => [
    ...(plan.export ? ['--export-cache', render(plan.export)] : []),
    ...(plan.import && options.withImport ? ['--import-cache', render(plan.import)] : [])
  ];
  return { args: [...common, ...flags(serializeCacheSpec)], shown: [...common, ...flags(redactCacheSpec)] };
}

/**
 * The `--tag` for envd build. envd parses its tag as an image reference on every build, output or not, and
 * without `--tag` that is `<basename(--path)>:dev` (envd v1.3.4 pkg/app/build/build.go:124-133), which fails
 * for a directory such as `.github`, `repo_` or `-x` (`failed to parse the name '.github:dev', please provide
 * a valid image name`, pkg/driver/docker/docker.go:103-105). So: the output image's (first) name where there
 * is one, else a valid name made from the directory, with envd's own `:dev`.
 */
export function envdTag(output: string | undefined, dirName: string): string {
  const parsed = output ? parseOutput(output) : undefined;
  const name = parsed?.ok ? parsed.value.imageName : undefined;
  // A digest cannot take the `-<os>-<arch>` suffix envd appends for several platforms.
  if (name && !name.includes('@')) return name;
  return `${sanitizeImageName(dirName)}:dev`;
}

/**
 * A directory name made into one reference path component (`[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*`):
 * lowercased, accents dropped, every other run of characters that is no valid separator becomes `-`,
 * leading and trailing separators dropped, at most 128 characters; `envd` when nothing is left. Pure.
 */
export function sanitizeImageName(dirName: string): string {
  const ascii = dirName
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
  const joined = ascii.replace(/[^a-z0-9]+/g, (run) => (/^(\.|_|__|-+)$/.test(run) ? run : '-'));
  const trim = (s: string) => s.replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  const name = trim(trim(joined).slice(0, 128));
  return name || 'envd';
}

export function contextCreateArgs(
  name: string,
  builder: 'unix' | 'tcp' | 'kube-pod' | 'docker-container',
  address: string
): string[] {
  return ['context', 'create', '--name', name, '--builder', builder, '--builder-address', address, '--use'];
}

/** Quotes the arguments for display only (the action never runs a shell); control characters are shown as $'…' escapes. */
export function showArgs(cmd: string, args: string[]): string {
  return [cmd, ...args].map((a) => shellArg(a)).join(' ');
}
