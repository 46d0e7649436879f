/** Every TypeScript file under `dir`, at any depth (the checks that read all of src/). */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const sourceFiles = (dir: string): string[] =>
  fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? sourceFiles(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []
    );
