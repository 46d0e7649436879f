/** `cache: none`: envd builds without remote cache. */
import type { Backend } from './backend.js';

export const none: Backend = {
  name: 'none',
  attributes: {},
  required: { export: [], import: [] },
  store: 'nowhere',
  savedInGithubCache: false,
  location: () => [],
  companions: []
};
