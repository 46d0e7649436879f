// bench:replay's world on disk: the matrix legs' build contexts and what the shim left of each build. Effects only;
// the day and the figures are decided in schedule.ts, progress.ts, ledger.ts and metrics.ts.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** A leg's build context directory name (`3.10` → `py3.10`). */
export const legDir = (leg) => `py${leg}`;

/**
 * A leg's Dockerfile: 7 steps, small layers of random bytes (so every build's new layers are new blobs), and, as an
 * envd Python environment has, a wheel-building stage whose layer only a mode=max export holds:
 * - base (3 steps, the same for every leg: a shared base image);
 * - dependencies (2, the leg's own): wheels built for the leg's Python from requirements.txt (a bind mount, in the
 *   builder stage, 5 MB of wheel cache + 2 MB of packages), then the packages copied into the image;
 * - app (2): app.txt, and a step built from it.
 */
export function dockerfile(leg) {
  const sh = (cmd) => `["/bin/busybox", "sh", "-c", "${cmd}"]`;
  const random = (bytes, file) => `/bin/busybox head -c ${bytes} /dev/urandom > ${file}`;
  return [
    `# bench:replay, leg ${leg}: base (3 steps, shared by the legs), dependencies (2), app (2). FROM scratch + a static busybox: nothing is pulled.`,
    'FROM scratch AS base',
    'COPY busybox /bin/busybox',
    `RUN ${sh(random(2000000, '/base-1'))}`,
    `RUN ${sh(random(1000000, '/base-2'))}`,
    'FROM base AS wheels',
    `RUN --mount=type=bind,source=requirements.txt,target=/requirements.txt ${sh(`/bin/busybox mkdir -p /wheels/site && echo python ${leg} > /wheels/site/python && /bin/busybox cp /requirements.txt /wheels/site/ && ${random(5000000, '/wheels/cache')} && ${random(2000000, '/wheels/site/packages')}`)}`,
    'FROM base',
    'COPY --from=wheels /wheels/site /site-packages',
    'COPY app.txt /app.txt',
    `RUN ${sh(`/bin/busybox cat /app.txt > /app-build && ${random(500000, '/app-1')}`)}`,
    ''
  ].join('\n');
}

const ENVD_FILE =
  '# syntax=v1\n# bench:replay: the envd shim builds the Dockerfile in this directory\n\ndef build():\n    base(dev=True)\n';

/** The workspace: one directory per leg with its Dockerfile, busybox and build.envd. */
export function makeProject(root, legs, busybox) {
  const project = path.join(root, 'project');
  fs.mkdirSync(project, { recursive: true });
  fs.writeFileSync(path.join(project, 'build.envd'), ENVD_FILE);
  for (const leg of legs) {
    const dir = path.join(project, legDir(leg));
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'Dockerfile'), dockerfile(leg));
    fs.writeFileSync(path.join(dir, 'build.envd'), ENVD_FILE);
    fs.copyFileSync(busybox, path.join(dir, 'busybox'));
    fs.chmodSync(path.join(dir, 'busybox'), 0o755);
  }
  return project;
}

/** Writes a commit's content into every leg's context. */
export function checkout(project, legs, content) {
  for (const leg of legs) {
    fs.writeFileSync(path.join(project, legDir(leg), 'requirements.txt'), content.requirements);
    fs.writeFileSync(path.join(project, legDir(leg), 'app.txt'), content.app);
  }
}

/** The progress of each build the shim ran into `dir` (build-1.log, build-2.log, …), with exit codes. */
export function buildsIn(dir) {
  if (!fs.existsSync(dir)) return [];
  const out = [];
  for (let n = 1; fs.existsSync(path.join(dir, `build-${n}.log`)); n++) {
    const rc = path.join(dir, `build-${n}.rc`);
    out.push({
      progress: fs.readFileSync(path.join(dir, `build-${n}.log`), 'utf8'),
      code: fs.existsSync(rc) ? Number(fs.readFileSync(rc, 'utf8').trim()) : undefined
    });
  }
  return out;
}

/** `buildkitd --version`'s text, to print beside the figures. */
export function versionOf(bin) {
  return new Promise((resolve) => {
    const child = spawn(path.join(bin, 'buildkitd'), ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('close', () => resolve(out.trim()));
    child.on('error', () => resolve(''));
  });
}
