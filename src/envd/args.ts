/** envd's command lines, from the plan. Pure: global flags before the subcommand, one value per cache flag. */
import { type CacheSpec, redactCacheSpec, serializeCacheSpec } from '../cache/spec.js';
import type { Plan } from '../plan/plan.js';
import { shellArg } from '../report/text.js';

export interface BuildCall {
  args: string[];
  /** The same command line with every secret replaced by ***, for the log. */
  shown: string[];
}

export function envdBuildCall(plan: Plan, publicKeyFile: string, options: { withImport: boolean }): BuildCall {
  const common = ['build', '--path', plan.envd.path, '--from', plan.envd.from, '--force', '--public-key', publicKeyFile];
  if (plan.envd.output) common.push('--output', plan.envd.output);
  if (plan.envd.platform) common.push('--platform', plan.envd.platform);
  const flags = (render: (s: CacheSpec) => string) => [
    ...(plan.export ? ['--export-cache', render(plan.export)] : []),
    ...(plan.import && options.withImport ? ['--import-cache', render(plan.import)] : [])
  ];
  return { args: [...common, ...flags(serializeCacheSpec)], shown: [...common, ...flags(redactCacheSpec)] };
}

export function contextCreateArgs(name: string, builder: 'unix' | 'tcp' | 'docker-container', address: string): string[] {
  return ['context', 'create', '--name', name, '--builder', builder, '--builder-address', address, '--use'];
}

/** Quotes the arguments for display only (the action never runs a shell); control characters are shown as $'…' escapes. */
export function showArgs(cmd: string, args: string[]): string {
  return [cmd, ...args].map((a) => shellArg(a)).join(' ');
}
