/** Shared fixtures for the budget tests: BuildKit-shaped entries seeded into the emulator. */
import { blobKey, indexKey, sha256Digest } from '../../src/budget/keys.js';
import type { Emulator } from '../support/emulator/index.js';

export const START = Date.UTC(2026, 9, 1, 12);
export const MAIN = 'refs/heads/main';
export const PR12 = 'refs/pull/12/merge';
export const PR7 = 'refs/pull/7/merge';
export const REPOSITORY = 'octo-org/octo-repo';
export const MB = 1000 ** 2;
export const GB = 1000 ** 3;

export const digest = (layer: string) => sha256Digest(layer);

/** BuildKit's cache config JSON referencing the given layers. */
export function cacheConfig(layers: string[]): string {
  return JSON.stringify({
    layers: layers.map((l, i) => ({
      blob: digest(l),
      parent: i - 1,
      annotations: { 'containerd.io/uncompressed': sha256Digest(`${l}-diff`) }
    })),
    records: layers.map((l, i) => ({ digest: sha256Digest(`key-${l}`), layers: [{ layer: i }] }))
  });
}

export function seedIndex(emu: Emulator, ref: string, scope: string, n: number, layers: string[], at: number) {
  return emu.seed({ ref, key: indexKey(scope, ref, n), data: cacheConfig(layers), createdAt: at });
}

export function seedBlob(emu: Emulator, ref: string, layer: string, sizeBytes: number, at: number, accessed?: number) {
  return emu.seed({ ref, key: blobKey(digest(layer)), sizeBytes, createdAt: at, lastAccessedAt: accessed ?? at });
}
