/** cache-mounts in the plan: whether envd's package caches are restored before the build and saved after it. Pure. */
import { backendOf } from '../backends/index.js';
import type { LocationContext } from '../backends/backend.js';
import type { Inputs } from '../inputs/inputs.js';
import { mountDirs } from '../mounts/mounts.js';
import { homeWords } from '../mounts/remote.js';
import type { Decision, MountsPlan, Plan } from './plan.js';

/** What the plan says about package caches; undefined with cache-mounts: none (or a backend with no place for them). */
export function planMounts(
  inputs: Inputs,
  p: Pick<Plan, 'scope' | 'export' | 'import' | 'local'>,
  ctx: LocationContext
): { mounts?: MountsPlan; decision?: Decision } {
  const m = inputs.cacheMounts;
  const home = backendOf(inputs.cache).mountsHome?.(ctx);
  if (m.setting.kind === 'none' || !home) return {};
  const what = m.setting.kind === 'auto' ? 'every envd package cache the build uses' : mountDirs(m.setting).join(', ');
  if (inputs.builder.kind === 'address')
    return {
      mounts: { ...m, restore: false, save: false, scope: p.scope, home },
      decision: {
        topic: 'cache mounts',
        outcome: 'kept by the builder',
        reason: `builder is a running buildkitd (${inputs.builder.addresses.map((a) => a.text).join(', ')}): it keeps its own package caches, so ${what} are neither restored nor saved`
      }
    };
  const restore = !!p.import || !!p.local;
  const save = !!p.export;
  const outcome = restore && save ? 'restore and save' : restore ? 'restore only' : save ? 'save only' : 'skipped';
  const why = save
    ? 'this run writes its layers, so it saves them too'
    : 'this run writes no cache (the export decision above), so it only reads them';
  return {
    mounts: {
      ...m,
      restore,
      save,
      scope: p.scope,
      home,
      tools: `envd ${inputs.envdVersion}, BuildKit ${inputs.buildkitVersion}`
    },
    decision: {
      topic: 'cache mounts',
      outcome,
      reason: `${what}, ${homeWords(home, p.scope)}; ${restore ? '' : 'the cache is not read (see import above); '}${why}`
    }
  };
}
