/** The caller of a registry read in tests (io/registry.ts RegistryCaller): `env`; the secrets it masked go to `masked`. */
import type { RegistryCaller } from '../../src/io/registry.js';

export const caller = (env: NodeJS.ProcessEnv = {}, masked: string[] = []): RegistryCaller => ({
  env,
  mask: (secret) => void masked.push(secret)
});
