import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { hostname } from 'node:os';
import { ExitCode, UserError } from '../errors.ts';
import { resultOfShards, withMissingShards } from '../merge/mergeShards.ts';
import { MOCK_DEFAULT_CREDENTIALS } from '../mock/credentials.ts';
import { runIdOf } from '../outputs/runIdentity.ts';
import type { CapacityResult, RunResult } from '../report/resultModel.ts';
import type { GeneratorMeasurements } from '../merge/measurements.ts';
import { preflight } from '../run/preflight.ts';
import { poolTarget } from '../run/target.ts';
import { planFingerprint } from '../scale/planFingerprint.ts';
import { loadScenario } from '../scenario/loadScenario.ts';
import type { ScenarioOverrides } from '../scenario/loadScenario.ts';
import { planLoad } from '../scenario/plan.ts';
import { generatorLimitProblems } from '../scenario/schema.ts';
import { runSearch } from '../search/runSearch.ts';
import type { TrialLoad } from '../search/trialLoad.ts';
import { mergeMeasurements } from '../merge/mergeMeasurements.ts';
import type { ShardFile } from '../merge/shardFile.ts';
import { runRound } from './coordinatedRound.ts';
import { ShardRegistry } from './shardRegistry.ts';

export interface CoordinateOptions extends ScenarioOverrides {
  scenarioFile: string;
  env: Record<string, string | undefined>;
  shards: number;
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  readyTimeoutMs: number;
  token: string;
  runId?: string;
  skipPreflight?: boolean;
  interrupt: AbortSignal;
  hurry?: AbortSignal;
  /** Called once the scenario is valid, before any shard may join: where results will go is made ready here. */
  beforeLoad?(scenarioName: string): Promise<void>;
  /** The coordinator listens: say where, and how shards join. */
  onListening(url: string, scenarioName: string): void;
  onLine(line: string): void;
  onProgress(line: string): void;
}

/**
 * A run split over shards on other machines, coordinated from here: the scenario is checked and
 * planned as `load` does, the target checked once with preflight requests, and every shard waits
 * at a barrier until all N joined. Then one start is announced to all; their seconds are merged
 * live, abortOnFail is judged on the merged figures, and a lost shard, a failed threshold or
 * Ctrl-C here stop every shard, each of which sends what it measured. The result is built as
 * `merge` builds it from the same shards' files.
 */
export async function runCoordinated(options: CoordinateOptions): Promise<RunResult> {
  const loaded = await loadScenario(options.scenarioFile, options.env, options);
  const { scenario } = loaded;
  const tooMuch = generatorLimitProblems(scenario, options.shards);
  if (tooMuch.length > 0)
    throw new UserError(`${loaded.file}: more than ${options.shards} shards can send`, { exitCode: ExitCode.badInput, problems: tooMuch });
  const plan = await planLoad(loaded, options.durationScale ?? 1, options.interrupt);
  const fingerprint = await planFingerprint(plan);
  const runId = runIdOf(scenario.name, undefined, options.runId);
  await options.beforeLoad?.(scenario.name);

  // Checked once for every shard; each shard against the built-in mock checks a mock of its own.
  const targetIsMock = scenario.target.url === 'mock';
  let preflightChecks: RunResult['preflight'] = [];
  if (targetIsMock) options.onLine('preflight: each shard checks the built-in mock it starts');
  else if (options.skipPreflight) options.onLine('preflight: skipped (--no-preflight)');
  else {
    const credentials = {
      token: scenario.target.token ?? MOCK_DEFAULT_CREDENTIALS.token,
      clientId: scenario.target.clientId ?? MOCK_DEFAULT_CREDENTIALS.clientId,
    };
    const target = await poolTarget(scenario, scenario.target.url, credentials, options.env);
    preflightChecks = await preflight(target, plan, options.interrupt);
    for (const check of preflightChecks) options.onLine(`preflight: ${check.check}: ${check.status} ${check.note}`);
  }

  const registry = new ShardRegistry(
    { shards: options.shards, planFingerprint: fingerprint, token: options.token, runId, preflightDone: !targetIsMock },
    options.onLine,
  );
  const server = createServer({ requestTimeout: 0, headersTimeout: 10_000 }, (request, response) => registry.handle(request, response));
  const url = await listen(server, options.host, options.port);
  options.onListening(url, scenario.name);
  try {
    await registry.whenAllJoined(options.readyTimeoutMs, [options.interrupt]);
    const shards = registry.shards;
    options.onLine(`Every shard joined: run ${runId} (${shards.reduce((sum, shard) => sum + shard.workers, 0)} generators on ${shards.length} shards)`);
    const stop = new AbortController();
    const rounds = { count: 0 };
    const roundOptions = {
      shards,
      shardCount: options.shards,
      interrupt: options.interrupt,
      hurry: options.hurry,
      stop: stop.signal,
      // A shard joining once the first round is announced would send its share misaligned.
      onPrepare: () => registry.markStarted(Date.now()),
      onStart: (startAtEpochMs: number) => {
        if (rounds.count === 1) options.onLine(`Every shard starts its schedule at ${new Date(startAtEpochMs).toISOString()}`);
      },
      onLine: options.onLine,
    };
    let outcome: Awaited<ReturnType<typeof runRound>>;
    let search: { measured: GeneratorMeasurements; capacity: CapacityResult } | undefined;
    if (plan.phases[0]!.kind === 'search') {
      // This process decides the trials; every shard sends its stripe of each, as workers do on one machine.
      let last: Awaited<ReturnType<typeof runRound>> | undefined;
      const sendTrial: TrialLoad = async (trial) => {
        rounds.count++;
        last = await runRound({
          ...roundOptions,
          plan: trial.plan,
          round: rounds.count,
          trial: { ratePerSec: trial.ratePerSec, holdMs: trial.holdMs, index: rounds.count },
          notBeforeEpochMs: trial.startAtEpochMs,
          // The search judges each trial on its SLO.
          judgeAbortOnFail: false,
          onProgress: trial.onProgress,
        });
        return last.finished.length === 0 ? null : roundMeasurements(last);
      };
      search = await runSearch(plan, sendTrial, { interrupt: options.interrupt, stop: stop.signal, onLine: options.onLine, onProgress: options.onProgress });
      if (!last) throw new UserError('Stopped before the first trial', { exitCode: ExitCode.interrupted });
      outcome = last;
    } else {
      rounds.count++;
      outcome = await runRound({ ...roundOptions, plan, round: 1, trial: null, judgeAbortOnFail: true, onProgress: options.onProgress });
    }
    await Promise.all(shards.map((shard) => shard.link.end({ type: 'finish' })));
    const { inBytes, outBytes } = registry.traffic;
    options.onLine(`Coordination traffic: ${kb(inBytes)} from the shards, ${kb(outBytes)} to them`);
    if (outcome.finished.length === 0) {
      throw new UserError(`No shard sent what it measured: ${outcome.lost.join('; ')}`, { exitCode: ExitCode.thresholdFailed });
    }
    return await resultOfShards(
      plan,
      outcome.finished.map(({ file }) => file),
      {
        onLine: options.onLine,
        preflight: targetIsMock ? undefined : preflightChecks,
        lost: outcome.lost,
        interrupted: outcome.interrupted,
        hurry: options.hurry,
        search,
      },
    );
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

/** One round's measurements from every shard that sent them; a partial one says which shards are missing. */
function roundMeasurements(round: { finished: { file: ShardFile }[]; lost: string[]; interrupted: boolean }): GeneratorMeasurements {
  return withMissingShards(mergeMeasurements(round.finished.map(({ file }) => file.measured)), { lost: round.lost, interrupted: round.interrupted }, 'trial');
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

/**
 * Listens and returns the URL shards join: the address bound, or this machine's host name when
 * it listens on every interface (0.0.0.0 or ::), which no other machine could join at.
 */
function listen(server: Server, host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new UserError(`cannot listen on ${host}:${port} (${error.code ?? error.message}); choose another --port or --host`, { exitCode: ExitCode.badInput }),
      ),
    );
    server.listen(port, host, () => {
      const address = server.address();
      const boundPort = typeof address === 'object' && address ? address.port : port;
      const reachable = host === '0.0.0.0' || host === '::' ? hostname() : host;
      const shown = reachable.includes(':') ? `[${reachable}]` : reachable;
      resolve(`http://${shown}:${boundPort}`);
    });
  });
}
