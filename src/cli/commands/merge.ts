import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { mergeShards } from '../../merge/mergeShards.ts';
import { readShards } from '../../merge/shardFile.ts';
import { checkOutputFile, createRunDir, prepareOutDir } from '../../report/writeRun.ts';
import type { CliIo } from '../io.ts';
import { createRunOutput } from '../output.ts';
import { parseTolerance, readBaseline, withBaselineOptions } from './baselineOption.ts';
import type { BaselineArgs } from './baselineOption.ts';
import { publishRun, withPublishOptions } from './publishRun.ts';
import type { PublishArgs } from './publishRun.ts';

interface MergeArgs extends BaselineArgs, PublishArgs {
  shards: string[];
  out?: string;
  force: boolean;
  scenario?: string;
}

/** `merge`: one run's result.json, latency.hgrm and report.html from its shards; exits with its verdict, as `load` does. */
export function mergeCommand(io: CliIo, setExitCode: (code: number) => void) {
  return {
    command: 'merge <shards..>',
    describe: 'Merge the shards of a run split over machines (load --shard i/N) into one result, judged on the whole',
    builder: (yargs: Argv) =>
      withPublishOptions(withBaselineOptions(yargs), 'merge')
        .positional('shards', { type: 'string', array: true, demandOption: true, describe: "every shard's folder (or its shard.json)" })
        .option('out', { type: 'string', describe: 'results folder (default reports/<scenario>-merged-<UTC timestamp>/)' })
        .option('force', { type: 'boolean', default: false, describe: 'with --out: write into a folder that already holds files' })
        .option('scenario', { type: 'string', describe: 'the scenario file, when it is not where the shards ran it (it must be the same plan)' }),
    handler: async (args: MergeArgs) => {
      const tolerance = parseTolerance(args);
      const storedBaseline = await readBaseline(args);
      if (args.junit !== undefined) await checkOutputFile(args.junit, '--junit');
      if (args.summaryJson !== undefined) await checkOutputFile(args.summaryJson, '--summary-json');
      const shards = await readShards(args.shards);
      const output = createRunOutput(io, { quiet: false });
      // Named like a run's folder: a shortened run says its scale (-x0.1) there too.
      const dir = args.out
        ? resolve(args.out)
        : await createRunDir(resolve('reports'), `${shards[0]!.shard.scenario.name}-merged`, new Date(), shards[0]!.shard.durationScale);
      await prepareOutDir(dir, args.force || !args.out);
      output.status(`Merging ${shards.length} shards of ${shards[0]!.shard.scenario.name}...`);
      const result = await mergeShards(shards, { scenarioFile: args.scenario, env: io.env, onLine: output.status });
      setExitCode(
        await publishRun(io, dir, result, {
          storedBaseline,
          tolerance,
          junit: args.junit,
          summaryJson: args.summaryJson,
          paintVerdict: output.paintVerdict,
          entry: { kind: 'merged', shards: args.shards },
          index: args.index,
        }),
      );
    },
  };
}
