import yargs from 'yargs';
import { ExitCode, UserError } from '../errors.ts';
import { loadCommand } from './commands/load.ts';
import { mockCommand } from './commands/mock.ts';
import { reportCommand } from './commands/report.ts';
import { verifyCommand } from './commands/verify.ts';
import type { CliIo } from './io.ts';

/**
 * Runs the harness CLI in-process and resolves to its exit code. User mistakes are printed as
 * a message (never a stack trace); anything else is a bug and is rethrown to crash loudly.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let exitCode: number = ExitCode.ok;
  const parser = yargs(argv)
    .scriptName('harness')
    .usage('$0 <command> [options]')
    .command(verifyCommand(io))
    .command(mockCommand(io))
    .command(loadCommand(io, (code) => (exitCode = code)))
    .command(reportCommand(io, (code) => (exitCode = code)))
    .demandCommand(1, 'name a command')
    .strict()
    .env(false)
    .exitProcess(false)
    .wrap(Math.min(110, process.stdout.columns || 110))
    .fail((message, error) => {
      // Throwing stops yargs from running the handler with invalid arguments.
      throw error ?? new UserError(`${message}\n(run with --help for usage)`, { exitCode: ExitCode.badInput });
    })
    .help();
  try {
    let helpText = '';
    await parser.parseAsync(argv, {}, (_err, _argv, output) => {
      helpText = output;
    });
    if (helpText) io.stdout(`${helpText}\n`);
    return exitCode;
  } catch (error) {
    if (error instanceof UserError) {
      io.stderr(`error: ${error.describe()}\n`);
      return error.exitCode;
    }
    throw error;
  }
}
