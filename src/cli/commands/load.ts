import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { ExitCode, UserError } from '../../errors.ts';
import { runLoad } from '../../run/runLoad.ts';
import { formatComparison, formatSummary } from '../../report/terminal.ts';
import { createRunDir, writeRunFiles } from '../../report/writeRun.ts';
import type { CliIo } from '../io.ts';
import { compareWithBaseline, parseTolerance, readBaseline, withBaselineOptions } from './baselineOption.ts';
import type { BaselineArgs } from './baselineOption.ts';

interface LoadArgs extends BaselineArgs {
  scenario: string;
  target?: string;
  out?: string;
  durationScale?: number;
}

/** `load`: runs a scenario and writes its results; exit code 0 passed, 1 threshold failed, 130 interrupted. */
export function loadCommand(io: CliIo, setExitCode: (code: number) => void) {
  return {
    command: 'load <scenario>',
    describe: 'Run a load scenario (YAML) against its target or the built-in mock',
    builder: (yargs: Argv) =>
      withBaselineOptions(yargs)
        .positional('scenario', { type: 'string', demandOption: true, describe: 'scenario file, e.g. scenarios/peak.yml' })
        .option('target', { type: 'string', describe: 'override target.url: "mock" or a base URL' })
        .option('out', { type: 'string', describe: 'results folder (default reports/<scenario>-<UTC timestamp>/)' })
        .option('duration-scale', { type: 'number', describe: 'multiply every phase duration, e.g. 0.1 for a quick try' }),
    handler: async (args: LoadArgs) => {
      if (args.durationScale !== undefined && !(args.durationScale > 0)) {
        throw new UserError(`--duration-scale must be a number above 0, got ${args.durationScale}`, { exitCode: ExitCode.badInput });
      }
      if (args.target !== undefined && args.target !== 'mock' && !/^https?:\/\//.test(args.target)) {
        throw new UserError(`--target must be "mock" or an http(s) base URL, got "${args.target}"`, { exitCode: ExitCode.badInput });
      }
      const tolerance = parseTolerance(args);
      // Read before the run: a missing or broken baseline is found before any load is sent.
      const baselineResult = await readBaseline(args);
      const result = await runLoad({
        scenarioFile: args.scenario,
        target: args.target,
        durationScale: args.durationScale,
        env: io.env,
        interrupt: io.interrupt,
        onLine: (line) => io.stdout(`${line}\n`),
      });
      const dir = args.out ? resolve(args.out) : await createRunDir(resolve('reports'), result.scenario.name, new Date(result.startedAt));
      if (args.out) await mkdir(dir, { recursive: true });
      const baseline = compareWithBaseline(baselineResult, tolerance, result);
      const files = await writeRunFiles(dir, result, baseline);
      io.stdout(formatSummary(result, { ...files }));
      if (baseline) io.stdout(formatComparison(baseline.comparison));
      setExitCode(exitCodeOf(result.aborted && io.interrupt.aborted, result.passed, baseline?.comparison.regressed ?? false));
    },
  };
}

/** Interrupted beats a failed threshold, which beats a regression against the baseline. */
function exitCodeOf(interrupted: boolean, passed: boolean, regressed: boolean): number {
  if (interrupted) return ExitCode.interrupted;
  if (!passed) return ExitCode.thresholdFailed;
  return regressed ? ExitCode.regression : ExitCode.ok;
}
