/** `cache: none`: envd builds without remote cache. */
import type { Backend } from './backend.js';

export const none: Backend = {
  name: 'none',
  attributes: {},
  required: { export: [], import: [] },
  store: 'nowhere',
  savedInGithubCache: false,
  location: () => [],
  companions: [],
  noMounts:
    'cache: none keeps no cache, so package caches have nowhere to go; pick a cache backend (gha, local, registry or s3)'
};
