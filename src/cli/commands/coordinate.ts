import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { RUN_TOKEN_VARIABLE, newRunToken, runTokenFrom } from '../../coordinate/runToken.ts';
import { runCoordinated } from '../../coordinate/runCoordinated.ts';
import { ExitCode, UserError } from '../../errors.ts';
import { checkOutputFile, prepareOutDir } from '../../report/writeRun.ts';
import type { CliIo } from '../io.ts';
import { createRunOutput } from '../output.ts';
import { parseTolerance, readBaseline, withBaselineOptions } from './baselineOption.ts';
import type { BaselineArgs } from './baselineOption.ts';
import { publishRun, withPublishOptions } from './publishRun.ts';
import type { PublishArgs } from './publishRun.ts';
import { parseDurationScale, parseReadyTimeout, parseRunId, parseShardCount } from './scaleOptions.ts';
import { runFolder } from './runFolder.ts';
import { parseTargetOption } from './targetOption.ts';

interface CoordinateArgs extends BaselineArgs, PublishArgs {
  scenario: string;
  shards: number;
  port: number;
  host: string;
  target?: string;
  out?: string;
  force: boolean;
  readyTimeout?: string;
  durationScale?: string;
  insecure: boolean;
  preflight: boolean;
  quiet: boolean;
  runId?: string;
}

/** `coordinate`: the coordinator of a run split over shards; writes the run's results and exits with its verdict, as `load` does. */
export function coordinateCommand(io: CliIo, setExitCode: (code: number) => void) {
  return {
    command: 'coordinate <scenario>',
    describe: 'Coordinate a run split over shards on other machines: start them together, merge them live, stop them together, collect their results',
    builder: (yargs: Argv) =>
      withPublishOptions(withBaselineOptions(yargs), 'run')
        .positional('scenario', { type: 'string', demandOption: true, describe: 'the scenario every shard runs' })
        .option('shards', { type: 'number', demandOption: true, describe: 'how many shards the run is split in (load --shard i/N joins as shard i)' })
        .option('port', { type: 'number', default: 7070, describe: 'the port shards join on (0: any free one)' })
        .option('host', { type: 'string', default: '127.0.0.1', describe: 'the address to listen on: 0.0.0.0 for shards on other machines' })
        .option('target', { type: 'string', describe: 'override target.url for the preflight (each shard takes its own --target)' })
        .option('out', { type: 'string', describe: 'results folder (default reports/<scenario>-<UTC timestamp>/)' })
        .option('force', { type: 'boolean', default: false, describe: 'with --out: write into a folder that already holds files' })
        .option('ready-timeout', { type: 'string', describe: 'how long to wait for every shard to join, e.g. 10m (the default)' })
        .option('duration-scale', { type: 'string', describe: 'multiply every phase duration; give every shard the same' })
        .option('insecure', { type: 'boolean', default: false, describe: "skip TLS certificate verification in the coordinator's preflight" })
        .option('preflight', { type: 'boolean', default: true, describe: 'check the target once before any shard starts; --no-preflight skips it' })
        .option('quiet', { type: 'boolean', default: false, describe: 'print the summary only' })
        .option('run-id', { type: 'string', describe: "the run's id (live metrics' run_id), told to every shard; random when unset" }),
    handler: async (args: CoordinateArgs) => {
      const shards = parseShardCount(args.shards);
      if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535) {
        throw new UserError(`--port wants a port from 0 to 65535; got ${args.port}`, { exitCode: ExitCode.badInput });
      }
      const runId = parseRunId(args.runId);
      const durationScale = parseDurationScale(args.durationScale);
      parseTargetOption(args.target);
      const readyTimeoutMs = parseReadyTimeout(args.readyTimeout);
      const tolerance = parseTolerance(args);
      const storedBaseline = await readBaseline(args);
      if (args.out) await prepareOutDir(resolve(args.out), args.force);
      if (args.junit !== undefined) await checkOutputFile(args.junit, '--junit');
      if (args.summaryJson !== undefined) await checkOutputFile(args.summaryJson, '--summary-json');
      const given = runTokenFrom(io.env);
      const token = given ?? newRunToken();
      const output = createRunOutput(io, { quiet: args.quiet });
      const folder = runFolder(args.out, durationScale);
      const { outcome: result, dir } = await folder.holding(
        () =>
          runCoordinated({
            scenarioFile: args.scenario,
            target: args.target,
            durationScale,
            insecure: args.insecure,
            skipPreflight: !args.preflight,
            env: io.env,
            shards,
            host: args.host,
            port: args.port,
            readyTimeoutMs,
            token,
            runId,
            interrupt: io.interrupt,
            hurry: io.hurry,
            onLine: output.status,
            onProgress: output.progress,
            beforeLoad: (scenarioName) => folder.prepare(scenarioName),
            // Printed even with --quiet: without it no shard can join.
            onListening: (url, scenarioName) => {
              const scale = durationScale === undefined ? '' : ` --duration-scale ${args.durationScale}`;
              const tokenSetting = given === undefined ? `${RUN_TOKEN_VARIABLE}=${token} ` : '';
              io.stdout(
                `Coordinating ${shards} shard${shards === 1 ? '' : 's'} of ${scenarioName} at ${url}; waiting up to ${Math.round(readyTimeoutMs / 1000)} s for every shard to join.\n` +
                  `Start shard i (0..${shards - 1}) with${given === undefined ? ' this run token' : ` ${RUN_TOKEN_VARIABLE} as set here`}:\n` +
                  `  ${tokenSetting}npm run load -- ${args.scenario} --shard i/${shards} --coordinator ${url}${scale}\n`,
              );
            },
          }),
        output.finish,
      );
      setExitCode(
        await publishRun(io, dir, result, {
          storedBaseline,
          tolerance,
          junit: args.junit,
          summaryJson: args.summaryJson,
          paintVerdict: output.paintVerdict,
          entry: { kind: 'merged', shards: [] },
          index: args.index,
        }),
      );
    },
  };
}
