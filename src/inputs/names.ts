/** The action's inputs and outputs, named exactly as in action.yml. */
export enum Input {
  Path = 'path',
  From = 'from',
  Output = 'output',
  Platform = 'platform',
  Cache = 'cache',
  CacheScope = 'cache-scope',
  CacheMode = 'cache-mode',
  CacheWrite = 'cache-write',
  CacheRef = 'cache-ref',
  CacheDir = 'cache-dir',
  CacheOptions = 'cache-options',
  ExportCache = 'export-cache',
  ImportCache = 'import-cache',
  Matrix = 'matrix',
  GithubToken = 'github-token',
  CacheBudget = 'cache-budget',
  CachePrune = 'cache-prune',
  Command = 'command',
  EnvdVersion = 'envd-version',
  BuildkitVersion = 'buildkit-version',
  Builder = 'builder',
  BuildkitdConfigInline = 'buildkitd-config-inline',
  BuildkitdFlags = 'buildkitd-flags',
  DryRun = 'dry-run'
}

export enum Output {
  CacheBackend = 'cache-backend',
  CacheScope = 'cache-scope',
  CacheMode = 'cache-mode',
  ExportCache = 'export-cache',
  ImportCache = 'import-cache',
  CachedSteps = 'cached-steps',
  TotalSteps = 'total-steps',
  CacheHitRatio = 'cache-hit-ratio',
  BuildSeconds = 'build-seconds',
  CacheUsageBytes = 'cache-usage-bytes',
  CacheBudgetBytes = 'cache-budget-bytes',
  PrunedEntries = 'pruned-entries',
  PrunedBytes = 'pruned-bytes',
  Plan = 'plan'
}
