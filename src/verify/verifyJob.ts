import { fork } from 'node:child_process';
import { UserError } from '../errors.ts';
import type { ExitCode } from '../errors.ts';
import type { VerifyProviderOptions } from './verify.ts';
import { childEntry } from '../util/childEntry.ts';

/** What the child verifies: everything but the credentials, which it reads from its environment. */
export type VerifyJob = Omit<VerifyProviderOptions, 'credentials' | 'registerUser'>;

/** How the child's verification ended. */
export type VerifyOutcome = { ok: true } | { ok: false; message: string; problems: string[]; exitCode: ExitCode };

const CHILD_ENTRY = childEntry(new URL('./verifyMain.ts', import.meta.url));
// Any colour sequence the native core writes (SGR: ESC [ ... m).
// biome-ignore lint/suspicious/noControlCharactersInRegex: ESC is what is looked for.
const ANSI_COLOUR = /\u001b\[[0-9;]*m/g;

/**
 * Verifies in a child process whose output goes through `write` without colour codes: for pipes,
 * CI logs and NO_COLOR. The credentials pass in the child's environment. Rejects as the
 * in-process verification would (the same UserError, message and exit code).
 */
export function verifyWithoutColour(
  job: VerifyJob,
  env: Record<string, string | undefined>,
  write: { stdout(text: string): void; stderr(text: string): void },
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = fork(CHILD_ENTRY.file, [JSON.stringify(job)], {
      execArgv: CHILD_ENTRY.execArgv,
      env: { ...env, NO_COLOR: '1', PACT_DO_NOT_TRACK: 'true' },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    child.stdout!.on('data', (chunk: Buffer) => write.stdout(chunk.toString().replace(ANSI_COLOUR, '')));
    child.stderr!.on('data', (chunk: Buffer) => write.stderr(chunk.toString().replace(ANSI_COLOUR, '')));
    let outcome: VerifyOutcome | undefined;
    child.on('message', (message: VerifyOutcome) => (outcome = message));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (!outcome) return reject(new Error(`the verifier process ended with ${signal ?? `code ${code}`} and no outcome`));
      if (outcome.ok) return resolve();
      reject(new UserError(outcome.message, { exitCode: outcome.exitCode, problems: outcome.problems }));
    });
  });
}
