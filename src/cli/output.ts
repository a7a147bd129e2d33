import type { CliIo } from './io.ts';

/** Where a command's running commentary goes: status lines, the per-second live line, colour. */
export interface RunOutput {
  /** A status line (preflight, stopping...): always on its own line. */
  status(line: string): void;
  /** The live line: redrawn in place on a terminal, one line per second in pipes and CI. */
  progress(line: string): void;
  /** Ends a line left open by `progress` on a terminal. */
  finish(): void;
  /** Paints a verdict word green, red or amber when colour is allowed. */
  paintVerdict(word: string): string;
}

const VERDICT_COLOURS: Record<string, string> = { PASSED: '32', FAILED: '31', REGRESSED: '31', INTERRUPTED: '33' };

/** Whether output may be coloured: on a terminal, without NO_COLOR (no-color.org) or FORCE_COLOR=0. */
export function colourAllowed(io: Pick<CliIo, 'isTty' | 'env'>): boolean {
  return io.isTty && !io.env.NO_COLOR && io.env.FORCE_COLOR !== '0';
}

/**
 * Colour only on a terminal, never when NO_COLOR is set to anything (no-color.org) or FORCE_COLOR
 * is 0; `--quiet` leaves status and live lines out (the summary still prints).
 */
export function createRunOutput(io: CliIo, options: { quiet: boolean }): RunOutput {
  const colour = colourAllowed(io);
  const redraw = io.isTty && !io.env.CI;
  let lineOpen = false;
  const closeLine = () => {
    if (lineOpen) io.stdout('\r\x1b[2K');
    lineOpen = false;
  };
  return {
    status(line) {
      if (options.quiet) return;
      closeLine();
      io.stdout(`${line}\n`);
    },
    progress(line) {
      if (options.quiet) return;
      if (!redraw) return io.stdout(`${line}\n`);
      io.stdout(`\r\x1b[2K${line}`);
      lineOpen = true;
    },
    finish() {
      if (lineOpen) io.stdout('\n');
      lineOpen = false;
    },
    paintVerdict(word) {
      const code = VERDICT_COLOURS[word];
      return colour && code ? `\x1b[1;${code}m${word}\x1b[0m` : word;
    },
  };
}
