import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { readStoredRun } from '../../report/readResult.ts';
import { formatComparison } from '../../report/terminal.ts';
import { judgeRun } from '../../report/verdict.ts';
import { rerenderRun } from '../../report/writeRun.ts';
import type { CliIo } from '../io.ts';
import { compareWithBaseline, parseTolerance, readBaseline, withBaselineOptions } from './baselineOption.ts';
import type { BaselineArgs } from './baselineOption.ts';

interface ReportArgs extends BaselineArgs {
  run: string;
}

/**
 * `report`: re-renders a stored run's report.html and latency.hgrm, or with a baseline writes the
 * comparison to a report of its own; exits with the verdict the page shows (0, 1, 4 or 130).
 */
export function reportCommand(io: CliIo, setExitCode: (code: number) => void) {
  return {
    command: 'report <run>',
    describe: 'Re-render report.html and latency.hgrm of a stored run (no re-run); compare with a baseline',
    builder: (yargs: Argv) => withBaselineOptions(yargs.positional('run', { type: 'string', demandOption: true, describe: 'run folder or its result.json' })),
    handler: async (args: ReportArgs) => {
      const tolerance = parseTolerance(args);
      const stored = await readStoredRun(resolve(args.run));
      const baseline = compareWithBaseline(await readBaseline(args), tolerance, stored.result);
      const files = await rerenderRun(stored.dir, stored.result, baseline);
      const verdict = judgeRun(stored.result, baseline?.comparison);
      if (baseline) io.stdout(formatComparison(baseline.comparison));
      io.stdout(`${verdict.word}  ${stored.result.scenario.name}  exit ${verdict.exitCode}\n  report   ${files.report}\n  hgrm     ${files.hgrm}\n`);
      setExitCode(verdict.exitCode);
    },
  };
}
