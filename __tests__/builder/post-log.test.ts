/**
 * The post step writes its lines without @actions/core (so that it need not load it): they must be the bytes
 * core writes, above all the escaping that keeps a message (a path, a tool's error) from starting a command.
 */
import { describe, expect, jest, test } from '@jest/globals';
import * as core from '@actions/core';
import { postLog } from '../../src/steps/post.js';

const written = (fn: () => void) => {
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    fn();
    return spy.mock.calls.map((c) => String(c[0])).join('');
  } finally {
    spy.mockRestore();
  }
};


const messages = [
  'Removed envd context envd-cache-action-4242-abc123',
  'could not remove /tmp/x: EACCES\n::error::injected',
  'line one\r\nline two %0A already escaped 100%',
  '::add-mask::secret',
  ''
];

describe('post writes lines as @actions/core does', () => {
  test.each(messages)('info %j', (m) => {
    expect(written(() => postLog.info(m))).toBe(written(() => core.info(m)));
  });
  test.each(messages)('warning %j', (m) => {
    expect(written(() => postLog.warning(m))).toBe(written(() => core.warning(m)));
  });
  test('a newline in a warning cannot start a second command', () => {
    expect(written(() => postLog.warning('a\n::error::b')).split('\n').filter(Boolean)).toEqual(['::warning::a%0A::error::b']);
  });
});
