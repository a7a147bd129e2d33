import { performance } from 'node:perf_hooks';
import { ContractRecorder } from '../checks/contractRecorder.ts';
import type { PoolTarget } from '../engine/connectionPool.ts';
import { LoadEngine } from '../engine/loadEngine.ts';
import type { EngineRun, EngineStatus } from '../engine/loadEngine.ts';
import type { EnginePhase, RequestFactory } from '../engine/types.ts';
import { messageRowSchema, userRowSchema } from '../feed/rowSchemas.ts';
import type { MessageRow } from '../feed/rowSchemas.ts';
import { inMemorySource, openRowSource } from '../feed/rowSource.ts';
import type { RowSource } from '../feed/rowSource.ts';
import type { GeneratorMeasurements } from '../merge/measurements.ts';
import { storeReplayable } from '../merge/measurements.ts';
import { RunRecorder } from '../metrics/runRecorder.ts';
import type { ConversationCounts, ScopeAccumulator } from '../metrics/scopeStats.ts';
import type { MeasuredConversations } from '../report/buildResult.ts';
import { WHOLE_RUN, globalIndex, stripeConnections, stripeSchedule } from '../scale/stripe.ts';
import type { Stripe } from '../scale/stripe.ts';
import type { LoadPlan } from '../scenario/plan.ts';
import { collectGarbageNow } from './collectGarbage.ts';
import { feedConversations, feedRequests, replayRequests } from './requests.ts';
import { conversationShape } from '../conversations/conversationModel.ts';
import type { ConversationFactory } from '../engine/types.ts';
import { MAX_CONNECTIONS } from '../scenario/schema.ts';
import { openFileLimit } from './descriptorLimit.ts';
import { liveFigures } from '../outputs/generatorFigures.ts';
import type { LiveOutputs } from '../outputs/liveOutputs.ts';

/** What a generator shows its monitor once a second, just after the second ended. */
export interface GeneratorSecond {
  recorder: RunRecorder;
  contract: ContractRecorder | null;
  engine: EngineStatus;
  /** ms since the schedule's start. */
  elapsedMs: number;
  /** When each phase starts, in ms from the schedule's start. */
  phaseOffsetsMs: number[];
}

export interface GeneratorOptions {
  /** The share of the run this process sends (the whole run unless shards or workers split it). */
  stripe?: Stripe;
  /** Wall-clock time (epoch ms) the schedule starts at, shared by every generator of the run; now when unset or past. */
  startAtEpochMs?: number;
  interrupt: AbortSignal;
  /** A second interrupt: stop waiting for requests in flight (they count as aborted). */
  hurry?: AbortSignal;
  /** Stops the run at once (the target was lost); its reason is the abort reason. */
  stop?: AbortSignal;
  /** Receives status lines (stopping) as they happen. */
  onLine(line: string): void;
  /** How long after each second `onSecond` is called (default 50 ms): workers of one run spread their reports so they do not compete for the CPU at once. */
  secondLagMs?: number;
  /** Called just after each second of the run: returns a reason to stop the run, or undefined. */
  onSecond(second: GeneratorSecond): string | undefined;
  /** This process's limit on open file descriptors (`ulimit -n`), when known: conversations on their own connections stay below it. */
  descriptorLimit?: number;
  /** Live metrics (--output): they read the run's figures while it runs; `searchTrialPerSec` when this run is a capacity trial. */
  live?: { outputs: LiveOutputs; searchTrialPerSec?: number };
}

type ConversationsPlan = Extract<LoadPlan['phases'][number], { kind: 'conversations' }>;

/** Descriptors kept for everything but conversations' connections: the feeds, the report, the pooled connections' headroom. */
const DESCRIPTOR_RESERVE = 256;

/**
 * A conversations phase as the engine runs it (its stripe of it). On own connections, at most
 * `maxConnections` are open at once (its stripe's share), or, unset, as many as this process may
 * open: MAX_CONNECTIONS and the descriptor limit, less a reserve.
 */
function conversationsPhase(phase: ConversationsPlan, conversations: ConversationFactory, stripe: Stripe, descriptorLimit: number | undefined): EnginePhase {
  const settings = phase.conversations;
  const ownCap = Math.max(1, Math.min(MAX_CONNECTIONS, (descriptorLimit ?? Number.POSITIVE_INFINITY) - DESCRIPTOR_RESERVE));
  const maxConnections = phase.maxConnections === undefined ? ownCap : Math.max(1, stripeConnections(phase.maxConnections, stripe));
  return {
    model: 'conversations',
    name: phase.name,
    durationMs: phase.durationMs,
    starts: stripeSchedule(phase.starts, stripe),
    conversations,
    connection: settings.connection,
    maxConnections,
    onError: settings.onError,
    gracefulStopMs: settings.gracefulStop,
    tlsResume: settings.tlsResume,
  };
}

/**
 * Sends the plan's load (or its stripe of it) at the target and measures every answer; an
 * interrupt or a stop ends sending and keeps everything measured so far.
 */
export async function runGenerator(plan: LoadPlan, target: PoolTarget, options: GeneratorOptions): Promise<GeneratorMeasurements> {
  const { scenario } = plan;
  const stripe = options.stripe ?? WHOLE_RUN;
  const users = await openRowSource(scenario.users.file, userRowSchema, scenario.users.order, scenario.seed, stripe);
  const messages: RowSource<MessageRow> =
    'file' in scenario.messages
      ? await openRowSource(scenario.messages.file, messageRowSchema, scenario.messages.order, scenario.seed + 1, stripe)
      : inMemorySource(
          scenario.messages.inline.map((text) => ({ message_body: text, message_type: 0, weight: 1 })),
          scenario.messages.order,
          scenario.seed + 1,
          stripe,
        );
  const fromFeeds = feedRequests(users, messages, scenario.businessId);
  const expectedStatusOf = (authId: string) => plan.expectedStatusByAuthId.get(authId);
  const replayOf = (rows: Parameters<typeof replayRequests>[0]) => replayRequests(rows, scenario.businessId, expectedStatusOf);
  const conversationsOf = (phase: ConversationsPlan, phaseIndex: number) =>
    feedConversations(users, messages, scenario.businessId, (index) =>
      conversationShape(scenario.seed, phaseIndex, globalIndex(index, stripe), phase.conversations.messages, phase.conversations.thinkTime),
    );
  const phases = plan.phases.map((phase, phaseIndex) =>
    phase.kind === 'conversations'
      ? conversationsPhase(phase, conversationsOf(phase, phaseIndex), stripe, options.descriptorLimit ?? openFileLimit())
      : enginePhase(phase, fromFeeds, replayOf, stripe),
  );

  const responses = plan.contract?.responses;
  const recorder = new RunRecorder(phases.length, responses && ((status) => responses.hasInteractionFor(status)));
  const contract =
    plan.contract &&
    new ContractRecorder(plan.contract.responses, phases.length, {
      sampleShare: plan.contract.sampleShare,
      clockSkewMs: plan.contract.clockSkewMs,
      timeOriginMs: performance.timeOrigin,
      keepIdLedger: stripe.step > 1,
      maxDecodedBytes: scenario.target.maxBodyBytes,
    });
  if (contract) recorder.observe(contract.observe);
  const engine = new LoadEngine({
    target,
    phases,
    sink: recorder,
    maxQueueMs: scenario.target.maxQueue ?? scenario.target.timeout,
    startAtMs: options.startAtEpochMs === undefined ? undefined : options.startAtEpochMs - Date.now() + performance.now(),
  });
  let abortReason: string | null = null;
  let interrupted = false;
  const abort = (reason: string) => {
    if (abortReason !== null) return;
    abortReason = reason;
    options.onLine(`Stopping: ${reason}. Waiting briefly for requests in flight...`);
    engine.abort();
  };
  const onInterrupt = () => {
    if (abortReason === null) interrupted = true;
    abort(`interrupted (${String(options.interrupt.reason ?? 'signal')})`);
  };
  options.interrupt.addEventListener('abort', onInterrupt, { once: true });
  const onStop = () => abort(String(options.stop?.reason));
  options.stop?.addEventListener('abort', onStop, { once: true });
  const onHurry = () => {
    options.onLine('Interrupted again: not waiting for requests in flight (they count as aborted); writing the partial result...');
    engine.hurry();
  };
  options.hurry?.addEventListener('abort', onHurry, { once: true });

  // Start-up (planning, CSV validation, transpiled modules) leaves garbage that a full collection
  // would otherwise clear in the first second of the load, stalling every request due meanwhile.
  collectGarbageNow();
  const startedAt = new Date();
  // The resolver's questions during this load (the cache may be shared with preflight or earlier trials).
  const queriesBefore = target.network?.resolver.queries ?? 0;
  const running = engine.run();
  const runStartMs = engine.startMs;
  recorder.startClock(runStartMs);
  const untrack = options.live?.outputs.track(() =>
    liveFigures({
      phases: plan.phases,
      recorder,
      contract,
      engine: () => engine.status(),
      phaseOffsetsMs: () => engine.phaseStartsMs.map((ms) => ms - runStartMs),
      searchTrialPerSec: options.live?.searchTrialPerSec ?? null,
    }),
  );
  // Tick just after each second boundary of the run, when that second can be sealed.
  let ticker: NodeJS.Timeout | undefined;
  const tick = () => {
    const nowMs = performance.now();
    recorder.sealBefore(nowMs);
    const stopReason = options.onSecond({
      recorder,
      contract,
      engine: engine.status(),
      elapsedMs: nowMs - runStartMs,
      phaseOffsetsMs: engine.phaseStartsMs.map((ms) => ms - runStartMs),
    });
    if (stopReason) abort(stopReason);
  };
  const aligner = setTimeout(
    () => {
      ticker = setInterval(tick, 1000);
      tick();
    },
    Math.max(0, runStartMs + 1000 + (options.secondLagMs ?? 50) - performance.now()),
  );
  if (options.interrupt.aborted) onInterrupt();
  if (options.stop?.aborted) onStop();

  let run: EngineRun;
  try {
    run = await running;
  } finally {
    clearTimeout(aligner);
    clearInterval(ticker);
    options.interrupt.removeEventListener('abort', onInterrupt);
    options.stop?.removeEventListener('abort', onStop);
    options.hurry?.removeEventListener('abort', onHurry);
    users.close();
    messages.close();
  }
  const endedAt = new Date();
  const figures = recordedFigures(recorder, contract);
  // After the figures: their contract checks are all done, so the counters the outputs keep are final.
  untrack?.();
  return {
    startedAt: startedAt.toISOString(),
    endedAt: endedAt.toISOString(),
    scheduleStartEpochMs: Date.now() - performance.now() + run.startMs,
    sendingEndedMs: Math.max(0, (engine.abortedAtMs ?? run.endMs) - run.startMs),
    phaseStartOffsetsMs: engine.phaseStartsMs.map((ms) => ms - run.startMs),
    aborted: run.aborted,
    abortReason,
    interrupted: run.aborted && interrupted,
    ...figures,
    network: { addresses: Object.fromEntries(engine.addresses), dnsQueries: (target.network?.resolver.queries ?? 0) - queriesBefore },
    // Filled by whoever closes the outputs, after the final push, and by whoever named the run.
    outputs: [],
    runId: null,
  };
}

/** What the recorders hold, as plain data that merges with other generators'. */
export function recordedFigures(
  recorder: RunRecorder,
  contract: ContractRecorder | null,
): Pick<GeneratorMeasurements, 'overall' | 'phases' | 'timeline' | 'replayableAnswers' | 'idLedger'> {
  return {
    ...scopeFigures(recorder, contract),
    timeline: recorder.timeline(),
    replayableAnswers: storeReplayable(contract?.replayableAnswers() ?? []),
    idLedger: contract?.idLedger() ?? null,
  };
}

/** The whole run's and each phase's figures so far, as plain data. */
export function scopeFigures(recorder: RunRecorder, contract: ContractRecorder | null): Pick<GeneratorMeasurements, 'overall' | 'phases'> {
  const contractSnapshot = contract?.snapshot();
  const snapshot = (accumulator: ScopeAccumulator, phaseIndex?: number) => ({
    snapshot: accumulator.snapshot(),
    histogram: accumulator.latency.encode(),
    serviceHistogram: accumulator.service.encode(),
    connections: {
      opened: accumulator.connectionsOpened,
      resumed: accumulator.connectionsResumed,
      closedByServer: accumulator.connectionsClosedByServer,
      failed: Object.fromEntries(accumulator.connectionFailures),
      connectHistogram: accumulator.connectTime.encode(),
      tlsHandshakeHistogram: accumulator.tlsHandshakeTime.encode(),
      firstByteHistogram: accumulator.firstByteTime.encode(),
    },
    conversations: conversationFigures(accumulator.conversations),
    contract: (phaseIndex === undefined ? contractSnapshot?.overall : contractSnapshot?.phases[phaseIndex]) ?? null,
  });
  return { overall: snapshot(recorder.overall), phases: recorder.phases.map((accumulator, i) => snapshot(accumulator, i)) };
}

/** A scope's conversations as plain data; null where none was due. */
function conversationFigures(counts: ConversationCounts): MeasuredConversations | null {
  if (!counts.seen) return null;
  return {
    started: counts.started,
    ...counts.ended,
    skipped: { ...counts.skipped },
    messagesSent: counts.messagesSent,
    durationHistogram: counts.duration.encode(),
  };
}

/** A planned phase as the engine runs it (its stripe of it): open model for rate and replay phases, closed for connections. */
function enginePhase(
  phase: LoadPlan['phases'][number],
  fromFeeds: RequestFactory,
  replayOf: (rows: Parameters<typeof replayRequests>[0]) => RequestFactory,
  stripe: Stripe,
): EnginePhase {
  switch (phase.kind) {
    case 'rate':
    case 'replay': {
      const requests = phase.kind === 'replay' ? replayOf(phase.rows) : fromFeeds;
      return {
        model: 'open',
        name: phase.name,
        durationMs: phase.durationMs,
        schedule: stripeSchedule(phase.schedule, stripe),
        // The cap on connections is the run's: each stripe gets its share of it.
        maxConnections: Math.max(1, stripeConnections(phase.maxConnections, stripe)),
        // Replayed records are looked up by their place in the whole log.
        requests: stripe.step === 1 ? requests : (index) => requests(globalIndex(index, stripe)),
        newConnections: phase.kind === 'rate' && phase.connection === 'new',
      };
    }
    case 'search':
      throw new Error('bug: a search phase runs trial by trial through src/search/runSearch.ts, not as one engine phase');
    case 'conversations':
      throw new Error('bug: a conversations phase is built by conversationsPhase');
    case 'connections':
      return {
        model: 'closed',
        name: phase.name,
        durationMs: phase.durationMs,
        connections: stripeConnections(phase.connections, stripe),
        requests: fromFeeds,
      };
  }
}
