/** What a command may touch of the outside world; tests pass their own. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Record<string, string | undefined>;
  /** Aborted on Ctrl-C / SIGTERM. */
  interrupt: AbortSignal;
  /** Aborted on a second Ctrl-C / SIGTERM: stop waiting for anything but writing the partial result. */
  hurry: AbortSignal;
  /** Whether stdout is a terminal (live progress lines are redrawn in place). */
  isTty: boolean;
}

/** Waits until the signal aborts. */
export function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
