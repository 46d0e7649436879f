/**
 * The public key baked into dev images (`envd build --public-key`). envd would otherwise generate a fresh
 * key pair on every runner and copy it into the image, so every layer from "install ssh keys" on would
 * miss the cache. This key is the same everywhere, and its private half was destroyed when it was made:
 * nobody can log in with it. Authors who want SSH access pass their own key through envd's own setup.
 */
export const STABLE_PUBLIC_KEY =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIL5GdS4KENmESepf8h+XLGxiAxGmntMBe9nGsV4IQUnN envd-cache-action (no private key exists)\n';

/** The image user, the same on every runner (envd's own release job uses 1000). */
export const DEFAULT_BUILD_OWNER = '1000:1000';
