import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ExitCode, UserError } from '../../src/errors.ts';
import { defaultMockBehaviour } from '../../src/mock/behaviour.ts';
import { startMockProcess } from '../../src/mock/childProcess.ts';
import { tempDir } from '../fixtures/tempFiles.ts';

const credentials = { token: 'child-token', clientId: 'child-client' };

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('the mock in its own process', () => {
  it('stops starting at once when interrupted while it reads a large users file, leaving no process behind', async () => {
    const files = tempDir();
    try {
      // About 10 MB: the mock parses every row before it listens, which takes seconds.
      const rows = Array.from({ length: 800_000 }, (_, i) => `user${String(i).padStart(8, '0')}`).join('\n');
      const usersFile = files.write('users.csv', `auth_id\n${rows}\n`);
      const interrupt = new AbortController();
      const pidsBefore = new Set(childPids());
      setTimeout(() => interrupt.abort('SIGINT'), 300);
      const started = Date.now();
      const error = await startMockProcess({ credentials, usersFile, behaviour: defaultMockBehaviour }, { interrupt: interrupt.signal }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(UserError);
      expect(error).toMatchObject({ exitCode: ExitCode.interrupted, message: expect.stringContaining('interrupted while the built-in mock was starting') });
      expect(Date.now() - started).toBeLessThan(1300);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(childPids().filter((pid) => !pidsBefore.has(pid) && processAlive(pid))).toEqual([]);
    } finally {
      files.cleanup();
    }
  });

  it('starts, answers stats and stops', async () => {
    const mock = await startMockProcess({ credentials, behaviour: defaultMockBehaviour });
    try {
      expect(mock.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await mock.stats()).requests).toBe(0);
    } finally {
      await mock.stop();
    }
    expect(mock.endedHow).toBeDefined();
  });
});

/** This process's children, from /proc (field 4 of /proc/<pid>/stat is the parent). */
function childPids(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === process.pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}
