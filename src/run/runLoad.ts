import { availableParallelism } from 'node:os';
import type { CapacityResult, RunResult } from '../report/resultModel.ts';
import { runSearch } from '../search/runSearch.ts';
import { inProcessTrials, workerTrials } from '../search/trialLoad.ts';
import { keepingWorkers } from '../scale/workers.ts';
import { searchRefusal } from '../search/searchSchema.ts';
import { buildResult } from '../report/buildResult.ts';
import type { MockStats } from '../mock/stats.ts';
import { defaultMockBehaviour } from '../mock/behaviour.ts';
import { startMockProcess } from '../mock/childProcess.ts';
import type { MockProcess } from '../mock/childProcess.ts';
import { MOCK_DEFAULT_CREDENTIALS } from '../mock/credentials.ts';
import { loadScenario } from '../scenario/loadScenario.ts';
import type { ScenarioOverrides } from '../scenario/loadScenario.ts';
import { planLoad } from '../scenario/plan.ts';
import { generatorLimitProblems } from '../scenario/schema.ts';
import { ExitCode, UserError } from '../errors.ts';
import type { LoadPlan } from '../scenario/plan.ts';
import { resultInputs } from '../merge/measurements.ts';
import { referenceOnViolations } from '../merge/referenceCheck.ts';
import type { GeneratorMeasurements } from '../merge/measurements.ts';
import { WHOLE_RUN, within } from '../scale/stripe.ts';
import type { Stripe } from '../scale/stripe.ts';
import { generatorsTable } from '../scale/generatorsTable.ts';
import { describeEnvironment } from './environment.ts';
import { sendStripe } from './sendStripe.ts';
import { shardFileOf } from './shardFileOf.ts';
import { sendCoordinatedTrials } from '../coordinate/shardTrials.ts';
import { preflight } from './preflight.ts';
import { poolTarget, routeLines } from './target.ts';
import { redactUrl } from '../util/redactUrl.ts';
import { prometheusOutputs } from '../outputs/outputSchema.ts';
import { LiveOutputs } from '../outputs/liveOutputs.ts';
import { generatorLabel, runIdOf } from '../outputs/runIdentity.ts';
import { CoordinatorLink } from '../coordinate/coordinatorClient.ts';
import type { Round } from '../coordinate/coordinatorClient.ts';
import { planFingerprint } from '../scale/planFingerprint.ts';
import type { WorkerSecond } from '../scale/liveMerge.ts';

/** How to run a scenario. */
export interface RunLoadOptions extends ScenarioOverrides {
  scenarioFile: string;
  env: Record<string, string | undefined>;
  interrupt: AbortSignal;
  /** A second interrupt: stop waiting for requests in flight, and skip asking the reference verifier. */
  hurry?: AbortSignal;
  /** Receives status lines (preflight, stopping) as they happen. */
  onLine(line: string): void;
  /** Receives the live line once a second. */
  onProgress(line: string): void;
  /** Skips the preflight requests (`--no-preflight`). */
  skipPreflight?: boolean;
  /** Generator processes on this machine (`--workers`), replacing the scenario's `workers`. */
  workers?: number | 'auto';
  /** This machine's part of a run split over machines (`--shard i/N`); the whole run when unset. */
  shard?: { index: number; count: number };
  /** When the schedule starts (`--start-at`), shared by every shard of the run. */
  startAtEpochMs?: number;
  /** Called once the scenario is valid, before the mock, preflight or any load: where results will go is made ready here. */
  beforeLoad?(scenarioName: string): Promise<void>;
  /** `--output prometheus=URL` flags, besides the scenario's outputs. */
  outputs?: readonly string[];
  /** `--run-id`: the run's id, shared by every shard (derived from --start-at, or random, when unset). */
  runId?: string;
  /** `--coordinator`: this shard joins a coordinated run there, which starts, watches and stops every shard together. */
  coordinator?: { url: string; token: string; readyTimeoutMs: number };
}

/** What a run measured and where, before results are built: a shard stores this for the merge. */
export interface MeasuredLoad {
  plan: LoadPlan;
  measured: GeneratorMeasurements;
  /** Each worker's own measurements, in stripe order, when there was more than one. */
  workers: GeneratorMeasurements[] | null;
  targetUrl: string;
  targetIsMock: boolean;
  tlsVerified: boolean | null;
  /** What an https target's certificates were verified against (run/trustedCa.ts); null for http or --insecure. */
  trustStore: string | null;
  preflight: RunResult['preflight'];
  serverSide: MockStats | null;
  /** What the search found, when the scenario is a capacity search. */
  capacity: CapacityResult | null;
  /** The proxy requests went through (URL without credentials) and how many local addresses they left from. */
  route: { proxy: string | null; localAddresses: number | null };
  /**
   * The coordinator this shard ran for (`--coordinator`): it is sent what the shard measured; in a
   * capacity search it was sent each trial as it ended (`trialsSent` of them).
   */
  coordinator: { link: CoordinatorLink; round: number; trialsSent: number | null } | null;
}

/**
 * Loads and validates the scenario, starts the mock if it is the target, checks the target with
 * preflight requests, runs the load and returns the result model. The mock is stopped whatever
 * happens; an interrupt stops sending and keeps everything measured so far.
 */
export async function runLoad(options: RunLoadOptions): Promise<RunResult> {
  const load = await measureLoad(options);
  const { plan, measured } = load;
  const referenceConfirmation = await referenceOnViolations(plan, measured, options.onLine, options.hurry);
  return buildResult({
    ...resultInputs(measured),
    plan,
    targetUrl: load.targetUrl,
    targetIsMock: load.targetIsMock,
    tlsVerified: load.tlsVerified,
    trustStore: load.trustStore,
    route: load.route,
    preflight: load.preflight,
    referenceConfirmation,
    serverSide: load.serverSide,
    durationScale: options.durationScale ?? 1,
    baseDir: process.cwd(),
    environment: describeEnvironment(),
    generators: load.workers && generatorsTable('worker', load.workers),
    capacity: load.capacity,
  });
}

/** Generator processes for a run: `auto` is one per core, less one for the built-in mock when it is the target. */
export function workerCount(requested: number | 'auto', targetIsMock: boolean): number {
  if (requested !== 'auto') return requested;
  return Math.max(1, availableParallelism() - (targetIsMock ? 1 : 0));
}

/** Runs the load (this machine's share of it) and returns what it measured, unbuilt. */
export async function measureLoad(options: RunLoadOptions): Promise<MeasuredLoad> {
  const loaded = await loadScenario(options.scenarioFile, options.env, options);
  const targetIsMock = loaded.scenario.target.url === 'mock';
  const workers = workerCount(options.workers ?? loaded.scenario.workers, targetIsMock);
  // The one-process limits hold per generator, once the run is split over workers and shards.
  if (options.shard && !options.coordinator && loaded.scenario.phases.some((phase) => phase.kind === 'search')) throw searchRefusal('--shard');
  const tooMuch = generatorLimitProblems(loaded.scenario, workers * (options.shard?.count ?? 1));
  if (tooMuch.length > 0) throw new UserError(`${loaded.file}: more than one generator process can send`, { exitCode: ExitCode.badInput, problems: tooMuch });
  const resolvedOutputs = prometheusOutputs(loaded.scenario.outputs, options.outputs ?? []);
  if (resolvedOutputs.problems.length > 0)
    throw new UserError('--output: no live metrics could go there', { exitCode: ExitCode.badInput, problems: resolvedOutputs.problems });
  const plan = await planLoad(loaded, options.durationScale ?? 1, options.interrupt);
  const { scenario } = plan;
  let runId = runIdOf(scenario.name, options.startAtEpochMs, options.runId);
  await options.beforeLoad?.(scenario.name);
  const credentials = {
    token: scenario.target.token ?? MOCK_DEFAULT_CREDENTIALS.token,
    clientId: scenario.target.clientId ?? MOCK_DEFAULT_CREDENTIALS.clientId,
  };
  const stripe: Stripe = options.shard ? within(WHOLE_RUN, options.shard.index, options.shard.count) : WHOLE_RUN;
  let mock: MockProcess | undefined;
  try {
    if (targetIsMock) {
      options.onLine('Starting the built-in mock in its own process...');
      mock = await startMockProcess(
        {
          credentials,
          usersFile: scenario.users.file,
          behaviour: scenario.mock ?? defaultMockBehaviour,
          // Each shard against the mock has a mock of its own: in blocks of their own, they never hand out the same id.
          messageIdBlock: options.shard?.index ?? 0,
          // @peculiar/x509 loads only for a mock that serves HTTPS.
          tls: scenario.mock?.tls ? await (await import('../mock/runCertificate.ts')).makeRunCertificate() : undefined,
        },
        { interrupt: options.interrupt },
      );
    }
    const baseUrl = mock?.url ?? scenario.target.url;
    const target = await poolTarget(scenario, baseUrl, credentials, options.env, mock?.certificatePem);
    if (target.trustStore) options.onLine(`TLS: verifying ${target.url.host} against ${target.trustStore}`);
    for (const line of routeLines(target, scenario.target.dns.ttl)) options.onLine(line);
    if (target.insecure && target.url.protocol === 'https:') {
      options.onLine(`WARNING: TLS certificates of ${target.url.origin} are NOT verified (--insecure / target.insecure): the token goes to whoever answers.`);
    }
    const link = options.coordinator && options.shard && (await joinCoordinator(options.coordinator, options.shard, plan, workers, options));
    if (link) runId = link.runId;
    const live = await LiveOutputs.open(resolvedOutputs.outputs, {
      scenario: scenario.name,
      runId,
      generator: generatorLabel({ shard: options.shard?.index }),
    });
    const skipPreflight = options.skipPreflight || link?.preflightDone === true;
    const preflightChecks = skipPreflight ? [] : await preflight(target, plan, options.interrupt);
    if (options.skipPreflight) options.onLine('preflight: skipped (--no-preflight)');
    else if (skipPreflight) options.onLine('preflight: done once by the coordinator');
    for (const check of preflightChecks) options.onLine(`preflight: ${check.check}: ${check.status} ${check.note}`);
    await mock?.resetStats();
    // A mock that dies mid-run (killed, crashed) ends the run at once, keeping what was measured.
    const targetLost = new AbortController();
    mock?.onUnexpectedExit((how) => targetLost.abort(`the built-in mock stopped (${how})`));
    let measured: GeneratorMeasurements;
    let perWorker: GeneratorMeasurements[] | null = null;
    let capacity: CapacityResult | null = null;
    let trialsSent: number | null = null;
    // How a search or the workers are stopped, and where they report.
    // A coordinated shard waits for the common start, and stops (or hurries) when its coordinator says.
    const round = link ? await firstRound(link, options.interrupt) : undefined;
    // A coordinator's start comes once every shard said it is ready.
    const startAt = link && round ? (until: AbortSignal) => link.readyFor(round.round, until) : options.startAtEpochMs;
    const control = {
      interrupt: options.interrupt,
      hurry: link ? AbortSignal.any([link.hurry, ...(options.hurry ? [options.hurry] : [])]) : options.hurry,
      stop: link ? AbortSignal.any([targetLost.signal, link.stop]) : targetLost.signal,
      onLine: options.onLine,
      onProgress: options.onProgress,
    };
    const reportSecond = round && link ? (worker: number, second: WorkerSecond) => link.reportSecond(round.round, worker, second) : undefined;
    for (const output of resolvedOutputs.outputs)
      options.onLine(
        `Live metrics: Prometheus remote write to ${redactUrl(output.url)} every ${output.interval / 1000} s from every generator, run_id ${runId}`,
      );
    const job = {
      scenarioFile: options.scenarioFile,
      overrides: { target: options.target, durationScale: options.durationScale, insecure: options.insecure },
      baseUrl,
      mockCertificatePem: mock?.certificatePem,
      credentials,
      live: { outputs: resolvedOutputs.outputs, runId, shard: options.shard?.index },
    };
    // Where the load went and how it was checked: the same for the result and every trial a coordinator is sent.
    const where = {
      targetUrl: targetIsMock ? `mock (${baseUrl})` : redactUrl(scenario.target.url),
      targetIsMock,
      tlsVerified: target.url.protocol === 'https:' ? !target.insecure : null,
      trustStore: target.trustStore,
      preflight: preflightChecks,
      route: { proxy: target.network?.proxy?.shown ?? null, localAddresses: target.network?.localAddresses?.length ?? null },
    };
    if (plan.phases[0]!.kind === 'search' && link && round && options.shard) {
      // The coordinator decides the trials; this shard sends its stripe of each and hands it over.
      const shardRun = { shard: options.shard, startAtEpochMs: undefined, durationScale: options.durationScale ?? 1, scenarioFile: options.scenarioFile };
      const fileOf = (trialMeasured: GeneratorMeasurements) => shardFileOf({ plan, measured: trialMeasured, workers: null, ...where }, shardRun);
      const trials = await sendCoordinatedTrials(link, round, { plan, target, stripe, workers, job, env: options.env, control, live }, fileOf);
      measured = trials.last;
      trialsSent = trials.trials;
    } else if (plan.phases[0]!.kind === 'search') {
      // This process decides the trials (no shard can without a coordinator: see the top); workers only send them.
      if (workers > 1) options.onLine(`Each trial runs on ${workers} worker processes (each sends one request in ${workers} of its schedule)`);
      const search = await keepingWorkers(workers, (processes) =>
        runSearch(plan, processes ? workerTrials(workers, processes, job, options.env, control) : inProcessTrials(target, control, live), control),
      );
      measured = search.measured;
      capacity = search.capacity;
    } else {
      const sent = await sendStripe({ plan, target, stripe, workers, job, env: options.env, startAt, control, live, reportSecond });
      measured = sent.measured;
      perWorker = sent.perWorker;
    }
    // The final pushes (exact totals) of this process's outputs; workers closed their own.
    measured = { ...measured, outputs: [...measured.outputs, ...(await live.close())], runId };
    let serverSide: MockStats | null = null;
    if (mock && !mock.endedHow) {
      serverSide = await mock.stats().catch((error: Error) => {
        options.onLine(`The built-in mock's own figures could not be read (${error.message}): the result has none.`);
        return null;
      });
    }
    return {
      plan,
      measured,
      workers: perWorker,
      ...where,
      serverSide,
      capacity,
      coordinator: link && round ? { link, round: round.round, trialsSent } : null,
    };
  } finally {
    await mock?.stop();
  }
}

/** Joins the coordinator as this shard, with the plan it made and its generator count. */
function joinCoordinator(
  coordinator: NonNullable<RunLoadOptions['coordinator']>,
  shard: { index: number; count: number },
  plan: LoadPlan,
  workers: number,
  options: RunLoadOptions,
): Promise<CoordinatorLink> {
  options.onLine(`Joining the coordinator at ${new URL(coordinator.url).origin} as shard ${shard.index}/${shard.count}...`);
  return planFingerprint(plan).then((fingerprint) =>
    CoordinatorLink.join({
      ...coordinator,
      shard,
      planFingerprint: fingerprint,
      scenarioName: plan.scenario.name,
      workers,
      signals: [options.interrupt],
      onLine: options.onLine,
    }),
  );
}

/** The coordinator's first round: every shard has joined. Gone before it, the run never started here. */
async function firstRound(link: CoordinatorLink, interrupt: AbortSignal): Promise<Round> {
  const round = await link.nextRound(interrupt);
  if (round === 'interrupted') {
    await link.close();
    throw new UserError("Interrupted while waiting for the coordinator's start: this shard sent nothing", { exitCode: ExitCode.interrupted });
  }
  if (typeof round === 'object') return round;
  throw new UserError(`the coordinator ${round === 'lost' ? `went away (${link.lostReason})` : 'ended the run'} before the start: this shard sent nothing`, {
    exitCode: ExitCode.targetNotUsable,
  });
}
