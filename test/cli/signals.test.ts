// Signals as production paths send them (issue #35): SIGTERM to npm's pid (timeout, docker stop,
// a deleted pod) and a second Ctrl-C while requests are in flight. Targets on 127.0.0.1.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.ts';
import { cliTestFolder, editCliScenario, readRunResult, writeCliScenario } from '../fixtures/cliScenario.ts';
import { startHonestProvider } from '../fixtures/honestProvider.ts';
import { runCliProcess } from '../fixtures/runCliProcess.ts';

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const env = { HAPTIK_TOKEN: 'signal-token', HAPTIK_CLIENT_ID: 'signal-client' };
const files = cliTestFolder();

/** The pids of every process in group `pgid`, read from /proc (field 5 of /proc/<pid>/stat). */
function processesInGroup(pgid: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) === pgid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

function readFileSafe(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').replaceAll('\0', ' ');
  } catch {
    return undefined;
  }
}

describe('signals on production paths', () => {
  it('SIGTERM to the pid of `npm run load` stops the load within seconds, writes the partial result, and leaves no process', async () => {
    const out = join(files.dir, 'out');
    const scenario = writeCliScenario(files, 'npmterm', '  - { name: long, duration: 60s, rate: 50 }');
    // npm in a process group of its own (as a shell's job, or a container's PID 1): the signal goes to npm alone.
    const npm = spawn('npm', ['run', '-s', 'load', '--', scenario, '--out', out], {
      cwd: PROJECT_ROOT,
      detached: true,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    const closed = new Promise<number | null>((resolve) => npm.on('close', (code) => resolve(code)));
    const killer = setTimeout(() => process.kill(-npm.pid!, 'SIGKILL'), 45_000);
    try {
      await new Promise<void>((resolve) => {
        npm.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          if (/\[\s+2s\]/.test(stdout)) resolve();
        });
      });
      const signalledMs = Date.now();
      process.kill(npm.pid!, 'SIGTERM');
      const code = await closed;
      expect(Date.now() - signalledMs).toBeLessThan(8000);
      expect(code).toBe(ExitCode.interrupted);
      // npm returned after the result was written, not before.
      expect(existsSync(join(out, 'result.json'))).toBe(true);
      expect(readRunResult(out)).toMatchObject({ interrupted: true, aborted: true });
      expect(stdout).toMatch(/^INTERRUPTED {2}npmterm .* exit 130$/m);
      // Nothing of the run is left (the mock's process, a worker): the group empties within seconds.
      const deadline = Date.now() + 3000;
      while (processesInGroup(npm.pid!).length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(processesInGroup(npm.pid!).map((pid) => readFileSafe(`/proc/${pid}/cmdline`))).toEqual([]);
    } finally {
      clearTimeout(killer);
      if (processesInGroup(npm.pid!).length > 0) process.kill(-npm.pid!, 'SIGKILL');
    }
  }, 60_000);

  it('a second Ctrl-C while requests are in flight stops waiting for them and still writes the partial result', async () => {
    // Every request after the 20th hangs: at the interrupt, requests are in flight that will never end.
    const provider = await startHonestProvider((n) => n > 20);
    try {
      const out = join(files.dir, 'twice');
      // Requests wait 30 s for an answer: only the second Ctrl-C ends them before the 2 s grace does.
      const scenario = editCliScenario(files, 'twice', '  - { name: long, duration: 60s, rate: 20 }', '', (text) =>
        text.replace('timeout: 2s', 'timeout: 30s'),
      );
      let first = 0;
      const startedMs = Date.now();
      const run = await runCliProcess(['load', scenario, '--target', provider.url, '--no-preflight', '--out', out], {
        env,
        onStdout: (text, kill) => {
          if (first === 0 && /\[\s+2s\]/.test(text)) {
            first = Date.now();
            kill('SIGINT');
            // A second Ctrl-C, more than a second later (a repeat within one is the same request).
            setTimeout(() => kill('SIGINT'), 1200);
          }
        },
        timeoutMs: 30_000,
      });
      expect(run.exitCode, run.stdout + run.stderr).toBe(ExitCode.interrupted);
      // Written at the second interrupt (1.2 s after the first), not after the 2 s grace.
      expect(Date.now() - first).toBeLessThan(1950 + 1500);
      expect(first - startedMs).toBeGreaterThan(0);
      expect(run.stdout).toContain('Interrupted again: not waiting for requests in flight');
      const result = readRunResult(out);
      expect(result).toMatchObject({ interrupted: true, aborted: true });
      expect(result.overall.errors.aborted).toBeGreaterThan(0);
      expect(result.overall.requests.completed).toBe(result.overall.requests.sent);
    } finally {
      await provider.close();
    }
  }, 40_000);
});
