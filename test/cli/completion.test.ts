import { describe, expect, it } from 'vitest';
import { runCliProcess } from '../fixtures/runCliProcess.ts';

describe('shell completion', () => {
  it('prints a completion script, and completes commands from what was typed', async () => {
    const script = await runCliProcess(['completion']);
    expect(script.exitCode).toBe(0);
    expect(script.stdout).toContain('complete -o bashdefault -o default -F _harness_yargs_completions harness');
    const commands = await runCliProcess(['--get-yargs-completions', 'lo']);
    expect(commands.stdout.split('\n')).toEqual(expect.arrayContaining(['load', 'report', 'merge', 'new', 'schema', 'fit']));
  });
});
