/** Process exit codes, one closed set shared by every command (documented in README, "Exit codes"). */
export const ExitCode = {
  ok: 0,
  thresholdFailed: 1,
  badInput: 2,
  /** The target cannot be used as set up: unreachable, certificate not trusted, credentials or user refused. */
  targetNotUsable: 3,
  regression: 4,
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * A mistake the user can fix (bad flag, scenario, CSV, unreachable target): carries every
 * problem found and the exit code; the CLI prints the message without a stack trace.
 */
export class UserError extends Error {
  readonly exitCode: ExitCode;
  readonly problems: readonly string[];

  constructor(summary: string, options: { exitCode?: ExitCode; problems?: readonly string[]; cause?: unknown } = {}) {
    super(summary, { cause: options.cause });
    this.name = 'UserError';
    this.exitCode = options.exitCode ?? ExitCode.badInput;
    this.problems = options.problems ?? [];
  }

  /** The summary and every problem, one per line, as shown to the user. */
  describe(): string {
    return [this.message, ...this.problems.map((problem) => `  - ${problem}`)].join('\n');
  }
}
