import { basename, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { ExitCode, UserError } from '../../errors.ts';
import { DEFAULT_TOLERANCE, compareRuns } from '../../report/compare.ts';
import type { ReportBaseline } from '../../report/html/renderHtml.ts';
import { readStoredRun } from '../../report/readResult.ts';
import type { StoredRun } from '../../report/readResult.ts';
import type { RunResult } from '../../report/resultModel.ts';
import { shareSchema } from '../../util/schemaHelpers.ts';

export interface BaselineArgs {
  baseline?: string;
  tolerance?: string;
}

/** Adds `--baseline <run dir|result.json>` and `--tolerance <share>` to a command. */
export function withBaselineOptions<T>(yargs: Argv<T>) {
  return yargs
    .option('baseline', { type: 'string', describe: 'a stored run (folder or result.json) to compare with; exit 4 when this run regressed' })
    .option('tolerance', {
      type: 'string',
      describe: `how much worse than the baseline counts as a regression, e.g. 10% or 0.1 (default ${DEFAULT_TOLERANCE * 100}%)`,
    });
}

/** Validates the tolerance flag; call before any long work so a typo fails fast. */
export function parseTolerance(args: BaselineArgs): number {
  if (args.tolerance === undefined) return DEFAULT_TOLERANCE;
  const parsed = shareSchema.safeParse(args.tolerance.trim());
  if (!parsed.success) throw new UserError(`--tolerance: ${parsed.error.issues[0]?.message ?? 'invalid'}`, { exitCode: ExitCode.badInput });
  return parsed.data;
}

/** Reads the baseline run, if one was asked for (a missing or broken one is a usage error). */
export async function readBaseline(args: BaselineArgs): Promise<StoredRun | undefined> {
  return args.baseline === undefined ? undefined : await readStoredRun(resolve(args.baseline));
}

/** `result` compared with the baseline, for the report and the exit code. */
export function compareWithBaseline(baseline: StoredRun | undefined, tolerance: number, result: RunResult): (ReportBaseline & { label: string }) | undefined {
  if (!baseline) return undefined;
  // Names the comparison's own report: the run folder, or the file when it is not a run's result.json.
  const label = basename(baseline.file) === 'result.json' ? basename(baseline.dir) : basename(baseline.file, '.json');
  return { result: baseline.result, label, comparison: compareRuns(result, baseline.result, tolerance) };
}
