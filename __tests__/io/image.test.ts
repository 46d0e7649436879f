/**
 * readImage: the image ID of an image loaded into Docker, through `docker image inspect` (a stand-in docker on
 * PATH), and what happens without Docker; a push whose registry does not answer is a warning, never a throw.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readImage } from '../../src/io/image.js';
import { caller } from '../support/registry-caller.js';

const ID = `sha256:${'c3'.repeat(32)}`;
let dir: string;
let calls: string;

/** A docker stand-in that prints `answer` (or fails with `stderr`) and records its argv. */
function docker(name: string, body: string): string {
  const bin = path.join(dir, name);
  fs.mkdirSync(bin, { recursive: true });
  fs.writeFileSync(path.join(bin, 'docker'), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${calls}'\n${body}\n`, {
    mode: 0o755
  });
  return bin;
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'read-image-'));
  calls = path.join(dir, 'calls');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('readImage: an image loaded into Docker', () => {
  test('docker image inspect gives the ID', async () => {
    const bin = docker('ok', `echo ${ID}`);
    expect(await readImage({ kind: 'docker', name: 'project:dev' }, caller({ PATH: `${bin}:/usr/bin:/bin` }))).toEqual({
      facts: { name: 'project:dev', imageId: ID }
    });
    expect(fs.readFileSync(calls, 'utf8').trim().split('\n').pop()).toBe('image inspect --format {{.Id}} project:dev');
  });

  test('no docker on PATH: no image ID, a debug line', async () => {
    const empty = path.join(dir, 'empty');
    fs.mkdirSync(empty, { recursive: true });
    expect(await readImage({ kind: 'docker', name: 'project:dev' }, caller({ PATH: empty }))).toEqual({
      facts: { name: 'project:dev' },
      debug: 'No imageid output: docker is not on PATH'
    });
  });

  test('a Docker that cannot answer: its first error line, in a debug line', async () => {
    const bin = docker(
      'down',
      'echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2; exit 1'
    );
    const r = await readImage({ kind: 'docker', name: 'project:dev' }, caller({ PATH: `${bin}:/usr/bin:/bin` }));
    expect(r.facts).toEqual({ name: 'project:dev' });
    expect(r.warning).toBeUndefined();
    expect(r.debug).toBe(
      'No imageid output: docker image inspect project:dev exited 1: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?'
    );
  });

  test('an answer that is not an image ID is not taken for one', async () => {
    const bin = docker('odd', 'echo "::set-output name=imageid::evil"');
    const r = await readImage({ kind: 'docker', name: 'project:dev' }, caller({ PATH: `${bin}:/usr/bin:/bin` }));
    expect(r.facts.imageId).toBeUndefined();
    expect(r.debug).toContain('not an image ID');
  });
});

describe('readImage: a pushed image', () => {
  test('a registry that does not answer: a warning that says why and that the build succeeded', async () => {
    const r = await readImage(
      { kind: 'registry', name: '127.0.0.1:9/octo/env:v1', repository: '127.0.0.1:9/octo/env', insecure: true },
      caller({})
    );
    expect(r.facts).toEqual({
      name: '127.0.0.1:9/octo/env:v1',
      why: expect.stringContaining('127.0.0.1:9 did not answer')
    });
    expect(r.warning).toMatch(
      /^The digest of the pushed image 127\.0\.0\.1:9\/octo\/env:v1 could not be read: 127\.0\.0\.1:9 did not answer \(.*\)\. The build succeeded; the digest and image outputs are empty\.$/
    );
  });

  test('nothing to read', async () => {
    expect(
      await readImage(
        { kind: 'none', why: 'output type=local without push=true leaves no image in a registry or in Docker' },
        caller({})
      )
    ).toEqual({
      facts: {},
      debug:
        'No digest or image ID to read: output type=local without push=true leaves no image in a registry or in Docker'
    });
  });
});
