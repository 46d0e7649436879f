/**
 * One buildkitd per job: whether a later call of the action may use the buildkitd an earlier call started
 * (issue 11 item 8). Pure: the record the starter wrote, what this call wants, and what the shell saw of
 * the process and its socket.
 */
import { describe, expect, test } from '@jest/globals';
import { decideReuse, type SharedRecord, recordFileName, sharedFingerprint } from '../../src/builder/shared.js';

const wanted = { version: 'v0.32.2', flags: '--debug', config: '[worker.oci]\n  gc = false' };
const record = (over: Partial<SharedRecord> = {}): SharedRecord => ({
  schema: 1,
  version: 'v0.32.2',
  flags: sharedFingerprint({ ...wanted }).flags,
  config: sharedFingerprint({ ...wanted }).config,
  pid: 4242,
  sudo: false,
  buildctlAddr: 'unix:///tmp/t/envd-bk-abc/buildkitd.sock',
  envdAddress: '/tmp/t/envd-bk-abc/buildkitd.sock',
  dir: '/tmp/t/envd-bk-abc',
  root: '/tmp/t/envd-bk-abc/root',
  logFile: '/tmp/t/envd-bk-abc/buildkitd.log',
  ...over
});
const up = { running: true, answers: true };

describe('reuse of the buildkitd an earlier call in the same job started', () => {
  test('same version, flags and config, running and answering: reused', () => {
    expect(decideReuse(record(), wanted, up)).toEqual({ reuse: true });
  });

  test('flags and config are compared as buildkitd reads them, not as typed', () => {
    // Extra blanks between flags and around the config change nothing buildkitd sees.
    expect(decideReuse(record(), { ...wanted, flags: '  --debug ', config: `\n${wanted.config}\n\n` }, up)).toEqual({
      reuse: true
    });
    expect(decideReuse(record(), { ...wanted, flags: '"--debug"' }, up)).toEqual({ reuse: true });
  });

  test.each([
    [{ version: 'v0.31.0' }, 'it runs BuildKit v0.32.2 and this call wants v0.31.0'],
    [{ flags: '' }, 'it was started with other buildkitd-flags'],
    [{ flags: '--debug --oci-worker-gc=false' }, 'it was started with other buildkitd-flags'],
    [{ config: '' }, 'it was started with another buildkitd-config-inline'],
    [{ config: '[worker.oci]\n  gc = true' }, 'it was started with another buildkitd-config-inline']
  ])('another wish %j: not reused, and the reason names what differs', (over, why) => {
    expect(decideReuse(record(), { ...wanted, ...over }, up)).toEqual({ reuse: false, why });
  });

  test('the version is named before the flags, so the log says the most telling difference', () => {
    expect(decideReuse(record(), { version: 'v0.30.0', flags: '', config: '' }, up)).toEqual({
      reuse: false,
      why: 'it runs BuildKit v0.32.2 and this call wants v0.30.0'
    });
  });

  test('a process that is gone, or a socket that does not answer, is not reused', () => {
    expect(decideReuse(record(), wanted, { running: false, answers: false })).toEqual({
      reuse: false,
      why: 'its process 4242 is no longer running'
    });
    expect(decideReuse(record(), wanted, { running: true, answers: false })).toEqual({
      reuse: false,
      why: 'its socket unix:///tmp/t/envd-bk-abc/buildkitd.sock does not answer'
    });
  });

  test('a record that is not one (another schema, missing fields, not an object) is not reused', () => {
    expect(decideReuse({ ...record(), schema: 2 }, wanted, up)).toEqual({
      reuse: false,
      why: 'its record is not one this action version understands'
    });
    expect(decideReuse({ version: 'v0.32.2' }, wanted, up)).toEqual({
      reuse: false,
      why: 'its record is not one this action version understands'
    });
    expect(decideReuse(null, wanted, up)).toEqual({
      reuse: false,
      why: 'its record is not one this action version understands'
    });
  });

  test('the fingerprint never holds the config or flags themselves (they may name private hosts)', () => {
    const fp = sharedFingerprint({ version: 'v0.32.2', flags: '--x secret-host', config: 'root = "/private"' });
    expect(JSON.stringify(fp)).not.toMatch(/secret-host|private/);
    expect(fp.flags).toMatch(/^[0-9a-f]{64}$/);
  });

  test('one record file per version and configuration, so a CPU and a GPU variant each find their own', () => {
    const a = recordFileName(wanted);
    expect(a).toMatch(/^envd-cache-buildkitd-[0-9a-f]{16}\.json$/);
    expect(recordFileName({ ...wanted, flags: ' --debug' })).toBe(a);
    expect(recordFileName({ ...wanted, version: 'v0.31.0' })).not.toBe(a);
    expect(recordFileName({ ...wanted, config: '' })).not.toBe(a);
  });
});
