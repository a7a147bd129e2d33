import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.ts';

/** runCli in this process, with what it printed. */
async function inProcess(argv: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const exitCode = await runCli(argv, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    env: {},
    interrupt: new AbortController().signal,
    hurry: new AbortController().signal,
    isTty: false,
  });
  return { exitCode, stdout, stderr };
}

describe('the command line', () => {
  it('prints the commands for --help and a command’s flags for <command> --help, rendered when asked', async () => {
    const top = await inProcess(['--help']);
    expect(top.exitCode).toBe(0);
    for (const command of ['load', 'verify', 'mock', 'report', 'merge', 'coordinate', 'k8s', 'fit', 'schema', 'new'])
      expect(top.stdout).toContain(`harness ${command}`);
    const load = await inProcess(['load', '--help']);
    expect(load.exitCode).toBe(0);
    expect(load.stdout).toContain('Run a load scenario');
    expect(load.stdout).toContain('--duration-scale');
    expect(load.stderr).toBe('');
  });
});
