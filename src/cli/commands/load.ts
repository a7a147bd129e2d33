import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { ExitCode, UserError } from '../../errors.ts';
import { runLoad } from '../../run/runLoad.ts';
import { formatSummary } from '../../report/terminal.ts';
import { createRunDir, writeRunFiles } from '../../report/writeRun.ts';
import type { CliIo } from '../io.ts';

interface LoadArgs {
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
      yargs
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
      const files = await writeRunFiles(dir, result);
      io.stdout(formatSummary(result, { result: files.resultJson, hgrm: files.hgrm }));
      setExitCode(result.aborted && io.interrupt.aborted ? ExitCode.interrupted : result.passed ? ExitCode.ok : ExitCode.thresholdFailed);
    },
  };
}
