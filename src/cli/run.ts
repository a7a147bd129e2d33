import yargs from 'yargs';
import { ExitCode, UserError } from '../errors.ts';
import { loadCommand } from './commands/load.ts';
import { k8sCommand } from './commands/k8s.ts';
import { fitCommand } from './commands/fit.ts';
import { schemaCommand } from './commands/schema.ts';
import { newCommand } from './commands/scaffold.ts';
import { mergeCommand } from './commands/merge.ts';
import { coordinateCommand } from './commands/coordinate.ts';
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
    .command(mergeCommand(io, (code) => (exitCode = code)))
    .command(coordinateCommand(io, (code) => (exitCode = code)))
    .command(k8sCommand(io))
    .command(fitCommand(io))
    .command(schemaCommand(io))
    .command(newCommand(io))
    // `completion` prints a bash/zsh completion script (README: shell completion).
    .completion('completion', 'Print a bash or zsh completion script for the harness commands and flags')
    .demandCommand(1, 'name a command')
    .strict()
    .env(false)
    .exitProcess(false)
    .wrap(Math.min(110, process.stdout.columns || 110))
    .fail((message, error) => {
      // Throwing stops yargs from running the handler with invalid arguments.
      if (error) throw error;
      // Read when it fails: by then the command's builder has added its options.
      const known = Object.keys((parser as unknown as { getOptions(): { key: Record<string, unknown> } }).getOptions().key);
      throw new UserError(`${describeUnknownFlags(message, known) ?? message}\n(run with --help for usage)`, { exitCode: ExitCode.badInput });
    })
    .help();
  skipHelpCache(parser);
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

/**
 * yargs renders a command's whole help text as soon as its handler starts, in case the handler
 * later asks for it (yargs 18, command.js: cacheHelpMessage): 25 ms of CPU at the start of every
 * run, on the thread that is about to send. Our handlers never show help (a failure says to run
 * --help), so the render is skipped; `--help` itself renders as before.
 */
function skipHelpCache(parser: unknown): void {
  const usage = (parser as { getInternalMethods?(): { getUsageInstance?(): { cacheHelpMessage?: () => void } } }).getInternalMethods?.().getUsageInstance?.();
  if (usage && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => {};
}

/**
 * yargs' "Unknown arguments: duraton-scale, duratonScale" as one line per flag the user typed, with
 * the known flag a typo most likely meant: "unknown flag --duraton-scale: did you mean --duration-scale?".
 */
export function describeUnknownFlags(message: string, knownFlags: readonly string[]): string | undefined {
  const listed = /^Unknown arguments?: (.+)$/.exec(message)?.[1]?.split(', ');
  if (!listed) return undefined;
  const kebab = (flag: string) => flag.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
  // yargs lists a dashed flag twice, as typed and camel-cased.
  const typed = [...new Set(listed.map(kebab))];
  const candidates = knownFlags.filter((known) => known.length > 1 && known === kebab(known));
  return typed
    .map((flag) => {
      const closest = candidates
        .map((known) => ({ known, distance: editDistance(flag, known) }))
        .filter(({ known, distance }) => distance <= Math.max(1, Math.floor(known.length / 4)))
        .sort((a, b) => a.distance - b.distance)[0];
      return `unknown flag --${flag}${closest ? `: did you mean --${closest.known}?` : ''}`;
    })
    .join('\n');
}

/** Levenshtein distance: insertions, deletions and substitutions. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}
