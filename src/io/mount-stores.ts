/** Which MountStore a plan's package caches use: the plan's `home` says (the backend chose it); no backend name is asked. */
import type { Plan } from '../plan/plan.js';
import { githubMountStore, type MountStore } from './mounts.js';
import { registryMountStore } from './mounts-registry.js';
import type { RegistryCaller } from './registry.js';
import { s3MountStore } from './mounts-s3.js';

export function mountStoreOf(plan: Plan, caller: RegistryCaller): MountStore {
  const home = plan.mounts?.home;
  const spec = plan.export ?? plan.import;
  if (home?.store === 'oci-artifact') return registryMountStore(home, caller);
  if (home?.store === 's3-object' && spec) return s3MountStore(home, spec, caller.env);
  return githubMountStore(caller.env);
}
