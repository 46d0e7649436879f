// Fails when dist/ differs from what `npm run package` just produced, or when the bundle does not start.
import { execFileSync, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const git = (...args) => execFileSync('git', args, { cwd: root, encoding: 'utf8' });

// A broken bundle can build with exit 0: run it once. Without inputs it must fail cleanly, not crash.
const smoke = spawnSync(process.execPath, [path.join(root, 'dist', 'index.js')], {
  cwd: root,
  encoding: 'utf8',
  env: { PATH: process.env.PATH }
});
if (!/::error/.test(smoke.stdout) || /Cannot find module|SyntaxError|ERR_/.test(smoke.stdout + smoke.stderr)) {
  console.error('check-dist: node dist/index.js did not start cleanly:\n' + smoke.stdout + smoke.stderr);
  process.exit(1);
}

let inRepo = true;
try {
  git('rev-parse', '--is-inside-work-tree');
} catch {
  inRepo = false;
}
if (!inRepo) {
  console.log('check-dist: not a git checkout; the bundle starts, the diff is skipped');
  process.exit(0);
}
const changed = git('status', '--porcelain', '--', 'dist').trim();
if (changed) {
  console.error('check-dist: dist/ does not match a fresh `npm run package`; run it and commit dist/:\n' + changed);
  process.exit(1);
}
console.log('check-dist: dist/ matches the source, and the bundle starts');
