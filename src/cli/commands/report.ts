import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { readStoredRun } from '../../report/readResult.ts';
import { formatComparison } from '../../report/terminal.ts';
import { judgeRun } from '../../report/verdict.ts';
import { rerenderRun } from '../../report/writeRun.ts';
import type { CliIo } from '../io.ts';
import { ExitCode, UserError } from '../../errors.ts';
import { writeRunIndex } from '../../history/writeIndex.ts';
import { compareWithBaseline, parseTolerance, readBaseline, withBaselineOptions } from './baselineOption.ts';
import type { BaselineArgs } from './baselineOption.ts';

interface ReportArgs extends BaselineArgs {
  run?: string;
  index?: string;
}

/**
 * `report`: re-renders a stored run's report.html and latency.hgrm, or with a baseline writes the
 * comparison to a report of its own; exits with the verdict the page shows (0, 1, 4 or 130).
 */
export function reportCommand(io: CliIo, setExitCode: (code: number) => void) {
  return {
    command: 'report [run]',
    describe: 'Re-render report.html and latency.hgrm of a stored run (no re-run); compare with a baseline; or --index: the history of every run',
    builder: (yargs: Argv) =>
      withBaselineOptions(yargs.positional('run', { type: 'string', describe: 'run folder or its result.json' })).option('index', {
        type: 'string',
        describe: 'write DIR/index.html and index.json: every run under DIR (default reports/) with trends',
      }),
    handler: async (args: ReportArgs) => {
      if (args.index !== undefined) {
        if (args.run !== undefined)
          throw new UserError('--index indexes a folder of runs: give the folder to --index, not a run beside it', { exitCode: ExitCode.badInput });
        const root = args.index === '' ? 'reports' : args.index;
        const index = await writeRunIndex(resolve(root), root);
        io.stdout(
          `indexed ${index.runs} runs${index.unreadable > 0 ? ` (${index.unreadable} unreadable, listed with why)` : ''}\n  index    ${index.html}\n  json     ${index.json}\n`,
        );
        return;
      }
      if (args.run === undefined)
        throw new UserError('name a run folder (or its result.json), or --index [DIR] for the history of every run', { exitCode: ExitCode.badInput });
      const run = args.run;
      const tolerance = parseTolerance(args);
      const stored = await readStoredRun(resolve(run));
      const baseline = compareWithBaseline(await readBaseline(args), tolerance, stored.result);
      const files = await rerenderRun(stored.dir, stored.result, baseline);
      const verdict = judgeRun(stored.result, baseline?.comparison);
      if (baseline) io.stdout(formatComparison(baseline.comparison));
      io.stdout(`${verdict.word}  ${stored.result.scenario.name}  exit ${verdict.exitCode}\n  report   ${files.report}\n  hgrm     ${files.hgrm}\n`);
      setExitCode(verdict.exitCode);
    },
  };
}
