import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { ExitCode } from '../../errors.ts';
import { readStoredRun } from '../../report/readResult.ts';
import { formatComparison } from '../../report/terminal.ts';
import { writeReportFiles } from '../../report/writeRun.ts';
import type { CliIo } from '../io.ts';
import { compareWithBaseline, parseTolerance, readBaseline, withBaselineOptions } from './baselineOption.ts';
import type { BaselineArgs } from './baselineOption.ts';

interface ReportArgs extends BaselineArgs {
  run: string;
}

/** `report`: re-renders report.html and latency.hgrm from a stored result.json, optionally against a baseline. */
export function reportCommand(io: CliIo, setExitCode: (code: number) => void) {
  return {
    command: 'report <run>',
    describe: 'Re-render report.html and latency.hgrm of a stored run (no re-run); compare with a baseline',
    builder: (yargs: Argv) => withBaselineOptions(yargs.positional('run', { type: 'string', demandOption: true, describe: 'run folder or its result.json' })),
    handler: async (args: ReportArgs) => {
      const tolerance = parseTolerance(args);
      const stored = await readStoredRun(resolve(args.run));
      const baseline = compareWithBaseline(await readBaseline(args), tolerance, stored.result);
      const files = await writeReportFiles(stored.dir, stored.result, baseline);
      if (baseline) io.stdout(formatComparison(baseline.comparison));
      io.stdout(`  report   ${files.report}\n  hgrm     ${files.hgrm}\n`);
      setExitCode(baseline?.comparison.regressed ? ExitCode.regression : ExitCode.ok);
    },
  };
}
