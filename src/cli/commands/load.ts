import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { ExitCode, UserError } from '../../errors.ts';
import { shippedScenarios } from '../shippedScenarios.ts';
import { join } from 'node:path';
import { SHARD_FILE } from '../../merge/shardFile.ts';
import { shardFileOf } from '../../run/shardFileOf.ts';
import type { ShardRun } from '../../run/shardFileOf.ts';
import type { ShardFile } from '../../merge/shardFile.ts';
import type { RunResult } from '../../report/resultModel.ts';
import { checkOutputFile, prepareOutDir, writeFileAtomic } from '../../report/writeRun.ts';
import { measureLoad, runLoad } from '../../run/runLoad.ts';
import type { MeasuredLoad } from '../../run/runLoad.ts';
import type { CliIo } from '../io.ts';
import { createRunOutput } from '../output.ts';
import { parseTolerance, readBaseline, withBaselineOptions } from './baselineOption.ts';
import { publishRun, withPublishOptions } from './publishRun.ts';
import type { PublishArgs } from './publishRun.ts';
import { parseCoordinator, parseDurationScale, parseReadyTimeout, parseRunId, parseShard, parseStartAt, parseWorkers } from './scaleOptions.ts';
import { runFolder } from './runFolder.ts';
import { parseTargetOption } from './targetOption.ts';
import type { BaselineArgs } from './baselineOption.ts';
import { quickScenario } from './quickRun.ts';
import type { QuickArgs } from './quickRun.ts';

interface LoadArgs extends BaselineArgs, QuickArgs, PublishArgs {
  scenario?: string;
  target?: string;
  out?: string;
  force: boolean;
  durationScale?: string;
  preflight: boolean;
  quiet: boolean;
  insecure: boolean;
  workers?: string;
  shard?: string;
  startAt?: string;
  output?: string[];
  runId?: string;
  coordinator?: string;
  readyTimeout?: string;
}

/** `load`: runs a scenario and writes its results; exits with the run's verdict (0, 1, 4 or 130). */
export function loadCommand(io: CliIo, setExitCode: (code: number) => void) {
  return {
    command: 'load [scenario]',
    describe: 'Run a load scenario (YAML) against its target or the built-in mock',
    builder: (yargs: Argv) =>
      withPublishOptions(withBaselineOptions(yargs), 'run')
        .positional('scenario', { type: 'string', describe: 'scenario file, e.g. scenarios/peak.yml' })
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
        .option('workers', {
          type: 'string',
          describe: "generator processes on this machine: N, or auto (one per core, less one for the built-in mock); replaces the scenario's workers",
        })
        .option('shard', {
          type: 'string',
          describe: 'run shard i of N of a run split over machines (i/N, from 0; or N with JOB_COMPLETION_INDEX set): writes shard.json for npm run merge',
        })
        .option('coordinator', {
          type: 'string',
          describe:
            'with --shard: join the coordinator of a run there (npm run coordinate), which starts, watches and stops every shard; HARNESS_RUN_TOKEN set',
        })
        .option('ready-timeout', { type: 'string', describe: 'with --coordinator: how long to keep trying to reach it, e.g. 10m (the default)' })
        .option('start-at', { type: 'string', describe: 'UTC time the schedule starts at, e.g. 2026-12-01T09:00:00Z: give every shard the same' })
        .option('output', {
          type: 'string',
          array: true,
          describe: 'live metrics while the run runs: prometheus=URL of a remote-write receiver (repeatable; docs/live-metrics.md)',
        })
        .option('url', { type: 'string', describe: 'a quick run without a scenario file: mock or your server (with --rate, --duration, --users)' })
        .option('rate', { type: 'number', describe: 'quick run: requests per second' })
        .option('duration', { type: 'string', describe: 'quick run: how long, e.g. 30s' })
        .option('users', { type: 'string', describe: 'quick run: a users CSV (auth_id column); the shipped one against the mock' })
        .option('run-id', {
          type: 'string',
          describe: "the run's id (live metrics' run_id), the same for every shard; derived from --start-at, or random, when unset",
        }),
    handler: async (args: LoadArgs) => {
      const quick = await quickScenario(args, args.scenario !== undefined);
      if (quick) {
        io.stdout(`Running this scenario (save it to run it again):\n\n${quick.text}\n`);
        try {
          await runLoadCommand(io, { ...args, scenario: quick.file }, setExitCode);
        } finally {
          await quick.cleanup();
        }
        return;
      }
      await runLoadCommand(io, args, setExitCode);
    },
  };
}

/** A run of the scenario file `args.scenario` (a quick run's too): its checks, the load, its files and exit code. */
async function runLoadCommand(io: CliIo, args: LoadArgs, setExitCode: (code: number) => void): Promise<void> {
  if (!args.scenario) {
    throw new UserError('name a scenario file to run; the shipped ones:', {
      exitCode: ExitCode.badInput,
      problems: [
        ...shippedScenarios(),
        'or write your own: npm run harness -- new NAME (docs/load-runs.md#scenario-files)',
        'or a quick run without a file: npm run load -- --url mock --rate 50 --duration 30s',
      ],
    });
  }
  const durationScale = parseDurationScale(args.durationScale);
  parseTargetOption(args.target);
  const tolerance = parseTolerance(args);
  // Read and prepared before the run: a missing baseline or an unusable --out is found before any load is sent.
  const storedBaseline = await readBaseline(args);
  if (args.out) await prepareOutDir(resolve(args.out), args.force);
  const workers = parseWorkers(args.workers);
  const shard = parseShard(args.shard, io.env);
  const startAtEpochMs = parseStartAt(args.startAt, Date.now());
  const coordinator = parseCoordinator(args.coordinator, shard, args.startAt, io.env);
  const readyTimeoutMs = parseReadyTimeout(args.readyTimeout);
  const runId = parseRunId(args.runId);
  if (shard && (args.baseline !== undefined || args.junit !== undefined || args.summaryJson !== undefined)) {
    throw new UserError('--baseline, --junit and --summary-json judge a whole run: give them to npm run merge, not to a shard', {
      exitCode: ExitCode.badInput,
    });
  }
  // Checked before the mock, preflight or any load, as --out is: a typo costs seconds, not a run.
  if (args.junit !== undefined) await checkOutputFile(args.junit, '--junit');
  if (args.summaryJson !== undefined) await checkOutputFile(args.summaryJson, '--summary-json');
  const output = createRunOutput(io, { quiet: args.quiet });
  const folder = runFolder(args.out, durationScale);
  const options = {
    scenarioFile: args.scenario,
    target: args.target,
    durationScale,
    skipPreflight: !args.preflight,
    insecure: args.insecure,
    workers,
    shard,
    startAtEpochMs,
    outputs: args.output ?? [],
    runId,
    coordinator: coordinator && { ...coordinator, readyTimeoutMs },
    env: io.env,
    interrupt: io.interrupt,
    hurry: io.hurry,
    onLine: output.status,
    onProgress: output.progress,
    beforeLoad: (scenarioName: string) => folder.prepare(shard ? `${scenarioName}-shard${shard.index}of${shard.count}` : scenarioName),
  };
  const { outcome, dir } = await folder.holding<{ result: RunResult } | { shard: MeasuredLoad }>(
    async () => (shard ? { shard: await measureLoad(options) } : { result: await runLoad(options) }),
    output.finish,
  );
  if ('shard' in outcome) {
    // A coordinated search's shard hands every trial over as it ends and keeps no file: no empty folder either.
    if (outcome.shard.coordinator?.trialsSent != null) await folder.discardIfEmpty();
    setExitCode(await writeShard(io, dir, outcome.shard, { shard: shard!, startAtEpochMs, durationScale: durationScale ?? 1, scenarioFile: args.scenario }));
    return;
  }
  setExitCode(
    await publishRun(io, dir, outcome.result, {
      storedBaseline,
      tolerance,
      junit: args.junit,
      summaryJson: args.summaryJson,
      paintVerdict: output.paintVerdict,
      entry: { kind: 'run', shards: [] },
      index: args.index,
    }),
  );
}

/**
 * Writes a shard's shard.json and, coordinated, sends it to the coordinator, which gives the
 * verdict; otherwise says how to merge it. A coordinator lost on the way leaves shard.json for the merge.
 */
async function writeShard(io: CliIo, dir: string, load: MeasuredLoad, run: ShardRun): Promise<number> {
  const { measured } = load;
  if (load.coordinator?.trialsSent != null) {
    // A search's trials went to the coordinator one by one: there is no one shard.json to merge.
    io.stdout(
      `shard ${run.shard.index}/${run.shard.count}: sent ${load.coordinator.trialsSent} trials of the coordinator's capacity search; the verdict is the coordinator's\n`,
    );
    return measured.interrupted ? ExitCode.interrupted : ExitCode.ok;
  }
  const file = join(dir, SHARD_FILE);
  const content = await shardFileOf(load, run);
  await writeFileAtomic(file, `${JSON.stringify(content)}\n`);
  const { requests, unexpected } = measured.overall.snapshot;
  const status = `shard ${run.shard.index}/${run.shard.count} ${measured.aborted ? `stopped early (${measured.abortReason})` : 'done'}: ${requests.sent} sent, ${unexpected} unexpected outcomes`;
  const coordinated = load.coordinator && (await handOver(load.coordinator, content));
  io.stdout(
    coordinated === 'delivered'
      ? `${status}; sent to the coordinator, which gives the run's verdict\n`
      : coordinated
        ? `${status}\nthe coordinator was lost (${coordinated}): merge every shard's folder with npm run merge -- <folders...>\n`
        : `${status}\nmerge every shard's folder: npm run merge -- <folders...>\n`,
  );
  io.stdout(`shard ${file}\n`);
  return measured.interrupted ? ExitCode.interrupted : ExitCode.ok;
}

/** How long a shard waits for its coordinator to take what it measured. */
const HAND_OVER_WITHIN_MS = 60_000;

/** Sends the shard's measurements and waits for the coordinator's finish: 'delivered', or why not. */
async function handOver(coordinator: NonNullable<MeasuredLoad['coordinator']>, content: ShardFile): Promise<string> {
  const { link, round } = coordinator;
  if (link.lostReason !== undefined) return link.lostReason;
  link.sendDone(round, content);
  const timeout = AbortSignal.timeout(HAND_OVER_WITHIN_MS);
  const next = await link.nextRound(timeout);
  await link.close();
  if (next === 'finish') return 'delivered';
  return next === 'lost' ? (link.lostReason ?? 'connection closed') : `no answer within ${HAND_OVER_WITHIN_MS / 1000} s`;
}
