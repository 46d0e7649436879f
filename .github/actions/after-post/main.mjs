// Remembers which buildkitd processes ran before envd-cache-action did (an image may start its own).
import * as fs from 'node:fs';
import { buildkitds } from './processes.mjs';

const before = buildkitds();
fs.appendFileSync(process.env.GITHUB_STATE, `before=${before.join(',')}\n`);
console.log(`buildkitd processes before the action: ${before.length ? before.join(', ') : 'none'}`);
