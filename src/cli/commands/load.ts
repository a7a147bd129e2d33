import { rmdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { ExitCode, UserError } from '../../errors.ts';
import { junitXml, summaryJson } from '../../report/ciOutputs.ts';
import { formatComparison, formatSummary } from '../../report/terminal.ts';
import type { RunResult } from '../../report/resultModel.ts';
import { judgeRun } from '../../report/verdict.ts';
import { createRunDir, prepareOutDir, writeFileAtomic, writeRunFiles } from '../../report/writeRun.ts';
import { runLoad } from '../../run/runLoad.ts';
import type { CliIo } from '../io.ts';
import { createRunOutput } from '../output.ts';
import { compareWithBaseline, parseTolerance, readBaseline, withBaselineOptions } from './baselineOption.ts';
import type { BaselineArgs } from './baselineOption.ts';

interface LoadArgs extends BaselineArgs {
  scenario: string;
  target?: string;
  out?: string;
  force: boolean;
  durationScale?: string;
  preflight: boolean;
  quiet: boolean;
  junit?: string;
  summaryJson?: string;
  insecure: boolean;
}

/** `load`: runs a scenario and writes its results; exits with the run's verdict (0, 1, 4 or 130). */
export function loadCommand(io: CliIo, setExitCode: (code: number) => void) {
  return {
    command: 'load <scenario>',
    describe: 'Run a load scenario (YAML) against its target or the built-in mock',
    builder: (yargs: Argv) =>
      withBaselineOptions(yargs)
        .positional('scenario', { type: 'string', demandOption: true, describe: 'scenario file, e.g. scenarios/peak.yml' })
        .option('target', { type: 'string', describe: 'override target.url: "mock" or a base URL' })
        .option('out', {
          type: 'string',
          describe: 'results folder (default reports/<scenario>-<UTC timestamp>/); an existing one that holds files is refused',
        })
        .option('force', { type: 'boolean', default: false, describe: 'with --out: write into a folder that already holds files, replacing a run there' })
        // A string, parsed here: yargs turns "abc" into NaN and the message could not quote it.
        .option('duration-scale', {
          type: 'string',
          describe: 'multiply every phase duration, e.g. 0.1 for a quick try (stored in the result and its folder name)',
        })
        .option('insecure', { type: 'boolean', default: false, describe: 'skip TLS certificate verification (as target.insecure: true); printed as a warning' })
        .option('preflight', { type: 'boolean', default: true, describe: 'send one request per kind of user before the load; --no-preflight skips it' })
        .option('quiet', { type: 'boolean', default: false, describe: 'print the summary only (no status or live lines)' })
        .option('junit', { type: 'string', describe: 'also write the verdict as JUnit XML to this file (a test case per threshold, one for the contract)' })
        .option('summary-json', { type: 'string', describe: 'also write the verdict and headline figures as JSON to this file' }),
    handler: async (args: LoadArgs) => {
      const durationScale = parseDurationScale(args.durationScale);
      if (args.target !== undefined && args.target !== 'mock' && !/^https?:\/\//.test(args.target)) {
        throw new UserError(`--target must be "mock" or an http(s) base URL, got "${args.target}"`, { exitCode: ExitCode.badInput });
      }
      const tolerance = parseTolerance(args);
      // Read and prepared before the run: a missing baseline or an unusable --out is found before any load is sent.
      const storedBaseline = await readBaseline(args);
      if (args.out) await prepareOutDir(resolve(args.out), args.force);
      const output = createRunOutput(io, { quiet: args.quiet });
      let dir = args.out ? resolve(args.out) : undefined;
      let result: RunResult;
      try {
        result = await runLoad({
          scenarioFile: args.scenario,
          target: args.target,
          durationScale,
          skipPreflight: !args.preflight,
          insecure: args.insecure,
          env: io.env,
          interrupt: io.interrupt,
          onLine: output.status,
          onProgress: output.progress,
          // The run's folder exists and takes files before any load is sent: a full disk or a
          // read-only reports/ is found at once, not after the run.
          beforeLoad: async (scenarioName) => {
            if (dir) return;
            dir = await createRunDir(resolve('reports'), scenarioName, new Date(), durationScale).catch((error: NodeJS.ErrnoException) => {
              throw new UserError(`cannot create a run folder in ${resolve('reports')} (${error.code ?? error.message}); choose one with --out`, {
                exitCode: ExitCode.badInput,
              });
            });
            await prepareOutDir(dir, true);
          },
        });
      } catch (error) {
        // A run that never produced results leaves no empty folder of its own behind.
        if (!args.out && dir) await rmdir(dir).catch(() => {});
        throw error;
      } finally {
        output.finish();
      }
      if (!dir) throw new Error('the run folder was not prepared before the load');
      const baseline = compareWithBaseline(storedBaseline, tolerance, result);
      const verdict = judgeRun(result, baseline?.comparison);
      const files: Record<string, string> = { ...(await writeRunFiles(dir, result, baseline)) };
      if (args.junit) {
        files.junit = resolve(args.junit);
        await writeFileAtomic(files.junit, junitXml(result, verdict, baseline?.comparison));
      }
      if (args.summaryJson) {
        files.summary = resolve(args.summaryJson);
        await writeFileAtomic(files.summary, summaryJson(result, verdict, { ...files }, baseline?.comparison));
      }
      const summary = formatSummary(result, verdict, files);
      io.stdout(summary.replace(verdict.word, output.paintVerdict(verdict.word)));
      if (baseline) io.stdout(formatComparison(baseline.comparison));
      // The last line names the result, for scripts that pick it up.
      io.stdout(`result ${files.result}\n`);
      setExitCode(verdict.exitCode);
    },
  };
}

function parseDurationScale(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const scale = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(scale) || scale <= 0) {
    throw new UserError(`--duration-scale wants a number above 0, e.g. 0.1 for a tenth of every phase; got "${text}"`, { exitCode: ExitCode.badInput });
  }
  return scale;
}
