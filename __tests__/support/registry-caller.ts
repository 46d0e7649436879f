/** The caller a registry read is given in tests (io/registry.ts RegistryCaller): `env`, and the secrets it masked in `masked`. */
import type { RegistryCaller } from '../../src/io/registry.js';

export const caller = (env: NodeJS.ProcessEnv = {}, masked: string[] = []): RegistryCaller => ({
  env,
  mask: (secret) => void masked.push(secret)
});
