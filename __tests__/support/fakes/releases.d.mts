export declare const ENVD_REPO: 'tensorchord/envd';
export declare const BUILDKIT_REPO: 'moby/buildkit';

/** BuildKit tarball platforms → whether the tarball ships buildkitd (darwin tarballs carry buildctl only). */
export declare const BUILDKIT_PLATFORMS: Record<string, boolean>;
/** `buildkit-<tag>.<platform>.tar.gz` */
export declare function buildkitAssetName(tag: string, platform: string): string;
/** Every envd asset of a release (binaries for all platforms, envd-sshd placeholders), without checksums.txt. */
export declare function envdAssetNames(tag: string): string[];
/** The source of a fake (`envd`, `buildkitd`, `buildctl`) that runs alone: its version baked in, ./shared.mjs inlined. */
export declare function bakeFake(name: 'envd' | 'buildkitd' | 'buildctl', version: string, assetName?: string): string;

export interface ReleaseServerOptions {
  /** Default ['v1.3.4']. */
  envdVersions?: string[];
  /** Default ['v0.32.2']. */
  buildkitVersions?: string[];
  /** What `/releases/latest` answers; default the highest version of each list. */
  latest?: { envd?: string; buildkit?: string };
  /** Default true: download URLs answer 302 to `/_objects/…`, as github.com redirects to its object store. */
  redirect?: boolean;
}

export interface ReleaseRequest {
  method: string;
  /** Decoded path, no query. */
  path: string;
  status: number;
  headers: Record<string, string | string[] | undefined>;
}

export interface ReleaseAsset {
  name: string;
  data: Buffer;
  /** `sha256:<hex>` */
  digest: string;
  size: number;
}

export interface ReleaseServer {
  /** `http://127.0.0.1:PORT`: downloads at `/<owner>/<repo>/releases/download/<tag>/<asset>`. */
  url: string;
  /** `http://127.0.0.1:PORT/api`: `GET /repos/{owner}/{repo}/releases[/latest|/tags/{tag}]`. */
  apiUrl: string;
  /** Live request log, oldest first. */
  requests: ReleaseRequest[];
  latest: { envd: string; buildkit: string };
  asset(repo: string, tag: string, name: string): ReleaseAsset | undefined;
  assets(repo: string, tag: string): ReleaseAsset[];
  /** The next `count` requests whose path matches answer `status` (default 503) instead. */
  failNext(pathPattern: RegExp | string, count?: number, status?: number, body?: string): void;
  /** Downloads of this asset get altered bytes from now on (checksums and digests stay as published). */
  corrupt(assetName: string, on?: boolean): void;
  close(): Promise<void>;
}

export declare function startReleaseServer(options?: ReleaseServerOptions): Promise<ReleaseServer>;
