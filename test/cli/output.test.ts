import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.ts';
import { createRunOutput } from '../../src/cli/output.ts';

function fakeIo(isTty: boolean, env: Record<string, string> = {}): CliIo & { written: string } {
  const io = {
    written: '',
    isTty,
    env,
    interrupt: new AbortController().signal,
    hurry: new AbortController().signal,
    stdout: (text: string) => (io.written += text),
    stderr: () => {},
  };
  return io;
}

describe('run output', () => {
  it('redraws the live line in place on a terminal, and ends it before any other line', () => {
    const io = fakeIo(true);
    const output = createRunOutput(io, { quiet: false });
    output.progress('[   1s] a');
    output.progress('[   2s] b');
    output.status('Stopping');
    output.progress('[   3s] c');
    output.finish();
    expect(io.written).toBe('\r\x1b[2K[   1s] a\r\x1b[2K[   2s] b\r\x1b[2KStopping\n\r\x1b[2K[   3s] c\n');
  });

  it('prints one line per second in pipes and in CI, even on a terminal', () => {
    for (const io of [fakeIo(false), fakeIo(true, { CI: 'true' })]) {
      const output = createRunOutput(io, { quiet: false });
      output.progress('[   1s] a');
      output.progress('[   2s] b');
      output.finish();
      expect(io.written).toBe('[   1s] a\n[   2s] b\n');
    }
  });

  it('colours the verdict on a terminal only, and never with NO_COLOR or FORCE_COLOR=0', () => {
    expect(createRunOutput(fakeIo(true), { quiet: false }).paintVerdict('FAILED')).toBe('\x1b[1;31mFAILED\x1b[0m');
    expect(createRunOutput(fakeIo(true), { quiet: false }).paintVerdict('PASSED')).toBe('\x1b[1;32mPASSED\x1b[0m');
    expect(createRunOutput(fakeIo(true, { NO_COLOR: '1' }), { quiet: false }).paintVerdict('FAILED')).toBe('FAILED');
    expect(createRunOutput(fakeIo(true, { FORCE_COLOR: '0' }), { quiet: false }).paintVerdict('FAILED')).toBe('FAILED');
    expect(createRunOutput(fakeIo(false), { quiet: false }).paintVerdict('FAILED')).toBe('FAILED');
  });

  it('--quiet leaves out status and live lines', () => {
    const io = fakeIo(true);
    const output = createRunOutput(io, { quiet: true });
    output.status('preflight: ok');
    output.progress('[   1s] a');
    output.finish();
    expect(io.written).toBe('');
  });
});
