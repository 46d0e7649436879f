/**
 * cache: local saves layer blobs that are compressed already: @actions/cache compresses the archive with
 * zstd at its default level (3), and offers no option for it; zstd takes its level from ZSTD_CLEVEL (zstd(1),
 * ENVIRONMENT), so the save runs with the fastest normal level, 1, unless the workflow set one itself.
 */
import { afterAll, beforeEach, describe, expect, jest, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const levels: (string | undefined)[] = [];
jest.unstable_mockModule('@actions/cache', () => ({
  isFeatureAvailable: () => true,
  restoreCache: jest.fn(),
  saveCache: jest.fn(async () => {
    levels.push(process.env.ZSTD_CLEVEL);
    return 1;
  })
}));
const { saveLocal } = await import('../../src/io/local/local-cache.js');
const { recordingRunner } = await import('../support/recording-runner.js');
const { OWNER_MARK, OWNER_MARK_TEXT } = await import('../../src/local/ownership.js');

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'save-compression-'));
const saved = process.env.ZSTD_CLEVEL;
afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
  if (saved === undefined) delete process.env.ZSTD_CLEVEL;
  else process.env.ZSTD_CLEVEL = saved;
});

let n = 0;
function exported() {
  const workspace = path.join(root, `ws${++n}`);
  const exportDir = path.join(workspace, '.envd-cache.new');
  fs.mkdirSync(path.join(exportDir, 'blobs', 'sha256'), { recursive: true });
  fs.writeFileSync(path.join(exportDir, OWNER_MARK), OWNER_MARK_TEXT);
  fs.writeFileSync(path.join(exportDir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [], n }));
  return {
    dir: '.envd-cache',
    exportDir: '.envd-cache.new',
    keyPrefix: 'envd-local-',
    workspace,
    home: path.join(root, 'home')
  };
}

beforeEach(() => {
  levels.length = 0;
  delete process.env.ZSTD_CLEVEL;
});

describe('saving the local cache', () => {
  test('compresses at zstd level 1, and leaves the environment as it was', async () => {
    await saveLocal(recordingRunner().out, exported());
    expect(levels).toEqual(['1']);
    expect(process.env.ZSTD_CLEVEL).toBeUndefined();
  });

  test('a level the workflow set is kept', async () => {
    process.env.ZSTD_CLEVEL = '9';
    await saveLocal(recordingRunner().out, exported());
    expect(levels).toEqual(['9']);
    expect(process.env.ZSTD_CLEVEL).toBe('9');
  });
});
