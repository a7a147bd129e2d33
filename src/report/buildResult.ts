import { isAbsolute, relative, sep } from 'node:path';
import type { ContractScopeSnapshot } from '../checks/contractRecorder.ts';
import type { StatsSnapshot } from '../metrics/scopeStats.ts';
import type { TimelineSecond } from '../metrics/runRecorder.ts';
import type { MockStats } from '../mock/stats.ts';
import { scheduledInSecond } from '../scenario/plan.ts';
import type { LoadPlan, PlannedPhase } from '../scenario/plan.ts';
import { thresholdHolds, thresholdUnit } from '../scenario/thresholds.ts';
import { achievedRate, latencySummaryOverAll, missingEvidence, sendingTimeMs, thresholdFigure } from '../metrics/definitions.ts';
import type { LatencyStat } from '../scenario/thresholds.ts';
import { storedFigures } from '../metrics/storedFigures.ts';
import { LatencyHistogram } from '../metrics/histogram.ts';
import type { LatencySummaryMs } from '../metrics/histogram.ts';
import { describeMessages, describeThinkTime } from '../conversations/conversationModel.ts';
import type { ScopeFigures } from '../metrics/definitions.ts';
import type { NetworkUse } from '../merge/measurements.ts';
import type { OutputReport } from '../outputs/prometheusOutput.ts';
import { outputsResult } from '../outputs/outputsResult.ts';
import type { ReferenceConfirmation } from '../verify/confirmViolations.ts';
import { RESULT_SCHEMA_VERSION, TOO_MANY_UNANSWERED } from './resultModel.ts';
import type { CapacityResult, PhaseResult, ResultStats, RunResult, ThresholdResult, TimelineEntry } from './resultModel.ts';

/** Stats of one scope as measured, with its histograms already encoded. */
export interface MeasuredStats {
  snapshot: StatsSnapshot;
  histogram: string;
  serviceHistogram: string;
  /** New connections and their connect and TLS handshake times (histograms, added when merged); null in files written before they were measured. */
  connections: {
    opened: number;
    /** Of those, TLS sessions resumed. */
    resumed: number;
    /** Open connections the server closed while idle. */
    closedByServer: number;
    /** New connections that failed before they were open, by kind (refused, tls, localLimit...). */
    failed: Record<string, number>;
    connectHistogram: string;
    tlsHandshakeHistogram: string;
    firstByteHistogram: string;
  } | null;
  /** Conversations of this scope (see conversations/); null where none was due. */
  conversations: MeasuredConversations | null;
  /** Contract checks of this scope's responses; null when checks were off. */
  contract: ContractScopeSnapshot | null;
}

/** Conversations as measured: counts, and the durations of the completed ones (a histogram, added when merged). */
export interface MeasuredConversations {
  started: number;
  completed: number;
  abandoned: number;
  cut: number;
  skipped: { connectionLimit: number; feedStarved: number };
  /** Messages sent by the conversations that ended. */
  messagesSent: number;
  durationHistogram: string;
}

/** Everything a finished (or aborted) run measured; the input of the pure result builder. */
export interface RunMeasurements {
  plan: LoadPlan;
  targetUrl: string;
  targetIsMock: boolean;
  /** Whether TLS certificates were verified; null for a plain-http target. */
  tlsVerified: boolean | null;
  /** What an https target's certificates were verified against; null for http or --insecure. */
  trustStore: string | null;
  /** Where connections went (by address or proxy) and the resolver's questions. */
  networkUse?: NetworkUse;
  /** Every generator's live-metrics pushes, per receiver. */
  outputs?: readonly OutputReport[];
  /** The run's id, shared by every worker and shard (the run_id label of live metrics). */
  runId?: string | null;
  /** The proxy requests went through (its URL without credentials), and the local addresses they left from. */
  route?: { proxy: string | null; localAddresses: number | null };
  startedAt: Date;
  endedAt: Date;
  /** When sending stopped, in ms from the run start: the end, or the abort (requests in flight then had a grace to finish). */
  sendingEndedMs: number;
  /** When each phase started, in ms from the run start. */
  phaseStartOffsetsMs: number[];
  aborted: boolean;
  abortReason: string | null;
  /** Stopped by Ctrl-C or SIGTERM (as opposed to an abortOnFail threshold). */
  interrupted: boolean;
  durationScale: number;
  /** Paths in the result are written relative to this folder (the working directory), never absolute. */
  baseDir: string;
  overall: MeasuredStats;
  phases: MeasuredStats[];
  timeline: TimelineSecond[];
  preflight: RunResult['preflight'];
  /** Pact's reference verifier on the broken answers, replayed after the run (null when checks were off or nothing broke a pact rule). */
  referenceConfirmation: ReferenceConfirmation | null;
  serverSide: MockStats | null;
  environment: RunResult['environment'];
  /** Each worker's or shard's headline figures, when the run was split; null or absent for one process. */
  generators?: RunResult['generators'];
  /** What the search phase found, when the scenario is a capacity search. */
  capacity?: CapacityResult | null;
}

/** Builds result.json's model: rates, scheduled counts, timeline targets and threshold verdicts. */
export function buildResult(m: RunMeasurements): RunResult {
  const confirm = confirmExamples(m.referenceConfirmation);
  // A phase ends where the next one started, or where sending stopped, whichever came first.
  const ranMs = m.plan.phases.map((planned, i) =>
    phaseRanMs(planned, m.phaseStartOffsetsMs[i]!, Math.min(m.phaseStartOffsetsMs[i + 1] ?? m.sendingEndedMs, m.sendingEndedMs)),
  );
  const phases = m.plan.phases.map((planned, i) =>
    phaseResult(planned, { ...m.phases[i]!, contract: confirm(m.phases[i]!.contract) }, m.phaseStartOffsetsMs[i]!, ranMs[i]!, m.baseDir, m.capacity ?? null),
  );
  const scheduledTotal = phases.reduce((sum, phase) => sum + phase.requests.scheduled, 0);
  const openOnly = m.plan.phases.every((phase) => phase.kind === 'rate' || phase.kind === 'replay');
  // The whole run's target is the plan's: what the phases that ran were set to send, over the time they were set to run.
  const plannedMs = ranMs.reduce((sum, ms) => sum + ms, 0);
  const plannedCount = m.plan.phases.reduce(
    (sum, planned, i) => sum + (planned.kind === 'rate' || planned.kind === 'replay' ? planned.schedule.countBetween(0, ranMs[i]!) : 0),
    0,
  );
  const overall = statsResult(
    { ...m.overall, contract: confirm(m.overall.contract) },
    { ...m.overall.snapshot.requests, scheduled: scheduledTotal },
    sendingTimeMs(plannedMs, 0, m.overall.snapshot.sendWindowMs),
    openOnly && plannedMs > 0 ? plannedCount / (plannedMs / 1000) : null,
  );
  const thresholds = m.plan.scenario.thresholds.map((threshold): ThresholdResult => {
    const index = threshold.phase === undefined ? undefined : m.plan.phases.findIndex((phase) => phase.name === threshold.phase);
    const scope = index === undefined ? overall : phases[index]!;
    const measured = index === undefined ? m.overall : m.phases[index]!;
    const { operator, limit, metric } = threshold.condition;
    const base = {
      expr: threshold.expr,
      phase: threshold.phase ?? null,
      abortOnFail: threshold.abortOnFail,
      implicit: threshold.implicit,
      operator,
      limit,
      unit: thresholdUnit(metric),
    };
    // A phase the run never reached has no figures: its thresholds are not evaluated, not passed.
    if ('ran' in scope && !scope.ran) return { ...base, actual: null, passed: null, reason: 'not evaluated: the run stopped before this phase' };
    const figures = figuresOf(measured, scope);
    // A scope with no evidence fails: "no request was answered" is never a reason to pass.
    const missing = missingEvidence(metric, figures);
    if (missing !== null) return { ...base, actual: null, passed: false, reason: `${missing} in ${threshold.phase ?? 'the whole run'}` };
    const actual = thresholdFigure(threshold.condition.metric, figures);
    const passed = thresholdHolds(threshold.condition, actual);
    // JSON has no Infinity: a latency the unanswered requests reach into is stored as null, failed.
    return { ...base, actual: Number.isFinite(actual) ? actual : null, passed, reason: Number.isFinite(actual) ? null : TOO_MANY_UNANSWERED };
  });
  return {
    schemaVersion: RESULT_SCHEMA_VERSION,
    // Whatever the thresholds say, a run that sent nothing, or whose every request failed, has not passed.
    // A search's trials fail on purpose: its own gate (atLeast) judges it, not its error rate.
    passed:
      !m.aborted &&
      thresholds.every((t) => t.passed !== false) &&
      overall.requests.sent > 0 &&
      (overall.errorRate < 1 || m.capacity != null) &&
      phases.every((phase) => !capacityShort(phase.capacity)),
    aborted: m.aborted,
    abortReason: m.abortReason,
    interrupted: m.interrupted,
    durationScale: m.durationScale,
    scenario: { name: m.plan.scenario.name, file: portablePath(m.plan.scenarioFile, m.baseDir), description: m.plan.scenario.description ?? null },
    target: {
      url: m.targetUrl,
      mock: m.targetIsMock,
      tlsVerified: m.tlsVerified,
      trustStore: m.trustStore,
      network: !m.networkUse
        ? null
        : {
            proxy: m.route?.proxy ?? null,
            localAddresses: m.route?.localAddresses ?? null,
            dnsQueries: m.networkUse.dnsQueries,
            addresses: Object.entries(m.networkUse.addresses)
              .map(([address, use]) => ({ address, ...use }))
              .sort((a, b) => b.requests - a.requests || a.address.localeCompare(b.address)),
          },
    },
    runId: m.runId ?? null,
    outputs: outputsResult(m.outputs ?? []),
    startedAt: m.startedAt.toISOString(),
    endedAt: m.endedAt.toISOString(),
    overall,
    phases,
    timeline: m.timeline.map((second) => timelineEntry(second, m.plan.phases, m.phaseStartOffsetsMs)),
    thresholds,
    contract: m.plan.contract && {
      pactFile: portablePath(m.plan.contract.pactFile, m.baseDir),
      sampleShare: m.plan.contract.sampleShare,
      clockSkewMs: m.plan.contract.clockSkewMs,
      statuses: m.plan.contract.responses.statuses,
      reference: referenceSummary(m.referenceConfirmation),
    },
    preflight: m.preflight,
    serverSide: m.serverSide && { serviceTimeMs: m.serverSide.serviceTimeMs, statusCounts: m.serverSide.statusCounts, injected: m.serverSide.injected },
    generators: m.generators ?? null,
    environment: m.environment,
  };
}

/** Whether a search's capacity falls short of its launch gate (atLeast): none found counts as short. */
export function capacityShort(capacity: CapacityResult | null): boolean {
  return capacity !== null && capacity.atLeastPerSec !== null && (capacity.heldPerSec ?? 0) < capacity.atLeastPerSec;
}

/** A finished scope's figures, for the threshold metrics (see metrics/definitions.ts): its answered latencies, counts and rate. */
function figuresOf(measured: MeasuredStats, scope: ResultStats): ScopeFigures {
  const { snapshot } = measured;
  return storedFigures({
    ...snapshot,
    histogram: measured.histogram,
    serviceHistogram: measured.serviceHistogram,
    achievedRate: scope.achievedRate,
    contract: scope.contractViolations,
    connections: measured.connections,
  });
}

/** Marks each violation example with the reference verifier's word on its kind. */
function confirmExamples(confirmation: ReferenceConfirmation | null) {
  return (scope: MeasuredStats['contract']): ResultStats['contractViolations'] => {
    if (!scope) return null;
    const examples = scope.examples.map((example) => {
      const source = scope.byKind.find((kind) => kind.rule === example.rule && kind.path === example.path)?.source;
      if (source !== 'pact' || !confirmation) return { ...example, reference: 'notApplicable' as const };
      if ('unavailable' in confirmation) return { ...example, reference: 'unavailable' as const };
      return { ...example, reference: confirmation.verdicts[`${example.rule} ${example.path}`] ?? ('notApplicable' as const) };
    });
    return { ...scope, examples };
  };
}

function referenceSummary(confirmation: ReferenceConfirmation | null): NonNullable<RunResult['contract']>['reference'] {
  if (!confirmation) return null;
  if ('unavailable' in confirmation) return { replayed: 0, confirmed: 0, disputed: [], unavailable: confirmation.unavailable };
  const verdicts = Object.entries(confirmation.verdicts);
  if (verdicts.length === 0) return null;
  return {
    replayed: verdicts.length,
    confirmed: verdicts.filter(([, verdict]) => verdict === 'confirmed').length,
    disputed: verdicts.filter(([, verdict]) => verdict === 'disputed').map(([kind]) => kind),
    unavailable: null,
  };
}

function statsResult(measured: MeasuredStats, requests: ResultStats['requests'], sendingMs: number, targetRate: number | null): ResultStats {
  const { snapshot } = measured;
  const contractViolations = measured.contract as ResultStats['contractViolations'];
  const figures = storedFigures({
    ...snapshot,
    histogram: measured.histogram,
    serviceHistogram: measured.serviceHistogram,
    achievedRate: null,
    contract: contractViolations,
  });
  return {
    requests,
    connections: connectionsResult(measured.connections, snapshot.requests.sent),
    conversations: conversationsResult(measured.conversations),
    dropped: snapshot.dropped,
    durationMs: sendingMs,
    achievedRate: round(achievedRate(snapshot.requests.sent, sendingMs)),
    targetRate: targetRate === null ? null : round(targetRate),
    latencyMs: storableFigures(latencySummaryOverAll(figures, 'corrected')),
    serviceLatencyMs: storableFigures(latencySummaryOverAll(figures, 'service')),
    answeredLatencyMs: snapshot.latencyMs,
    answeredServiceLatencyMs: snapshot.serviceLatencyMs,
    statusCounts: snapshot.statusCounts,
    errors: snapshot.errors,
    expectedOutcomes: snapshot.expectedOutcomes,
    unexpected: snapshot.unexpected,
    errorRate: snapshot.errorRate,
    errorExamples: snapshot.errorExamples.map((e) =>
      e.error
        ? { status: e.status, error: e.error, ...(e.reason ? { reason: e.reason } : {}), bodyExcerpt: e.bodyExcerpt, count: e.count }
        : { status: e.status, bodyExcerpt: e.bodyExcerpt, count: e.count },
    ),
    histogram: measured.histogram,
    serviceHistogram: measured.serviceHistogram,
    contractViolations,
  };
}

/** JSON has no Infinity or NaN: a statistic the requests that got no answer reach into, or of a scope with none, is null. */
function storableFigures(summary: Record<LatencyStat, number>): ResultStats['latencyMs'] {
  return Object.fromEntries(Object.entries(summary).map(([stat, ms]) => [stat, Number.isFinite(ms) ? ms : null])) as ResultStats['latencyMs'];
}

/**
 * How long a phase ran: its planned length, cut short where the next phase started early (its
 * `once` feed ran out) or where sending stopped (an interrupt, an abort); 0 for a phase never reached.
 */
function phaseRanMs(planned: PlannedPhase, startOffsetMs: number, endOffsetMs: number): number {
  if (startOffsetMs >= endOffsetMs) return 0;
  return Math.max(1, Math.min(planned.durationMs, endOffsetMs - startOffsetMs));
}

function phaseResult(
  planned: PlannedPhase,
  measured: MeasuredStats,
  startOffsetMs: number,
  ranMs: number,
  baseDir: string,
  capacity: CapacityResult | null,
): PhaseResult {
  // An interrupted or aborted run ends phases early: rates are over the time the phase actually
  // sent (not the grace for requests in flight), and a phase it never reached has no target or rate.
  const ran = ranMs > 0;
  // Scheduled: every request that fell due while the phase sent, each of them sent or dropped (a
  // `once` feed that runs out ends its phase there). So scheduled = sent + dropped, always.
  const { sent, dropped } = measured.snapshot.requests;
  const scheduled = ran ? sent + dropped : 0;
  const targetRate = ran && (planned.kind === 'rate' || planned.kind === 'replay') ? planned.schedule.countBetween(0, ranMs) / (ranMs / 1000) : null;
  const sendingMs = ran ? sendingTimeMs(ranMs, startOffsetMs, measured.snapshot.sendWindowMs) : 0;
  const base = statsResult(measured, { ...measured.snapshot.requests, scheduled }, sendingMs, targetRate);
  const plan = phasePlan(planned, baseDir);
  return {
    ...base,
    achievedRate: ran ? base.achievedRate : 0,
    name: planned.name,
    ran,
    model: planned.kind === 'connections' ? 'closed' : 'open',
    kind: planned.kind,
    startOffsetMs,
    plan,
    capacity: planned.kind === 'search' ? capacity : null,
  };
}

/**
 * A path as a result may hold it: relative to `baseDir` when inside it, else the file name alone,
 * so no result or report reveals the layout of the machine that ran it.
 */
export function portablePath(path: string, baseDir: string): string {
  if (!isAbsolute(path)) return path;
  const inside = relative(baseDir, path);
  if (inside && !inside.startsWith('..') && !isAbsolute(inside)) return inside.split(sep).join('/');
  return path.split(sep).at(-1) ?? path;
}

function timelineEntry(second: TimelineSecond, phases: readonly PlannedPhase[], startOffsetsMs: readonly number[]): TimelineEntry {
  // The second is named after the phase that ran most of it.
  let phase = phases[0]?.name ?? '';
  phases.forEach((planned, i) => {
    if (startOffsetsMs[i]! <= second.second * 1000 + 500) phase = planned.name;
  });
  return { ...second, phase, targetRate: scheduledInSecond(phases, startOffsetsMs, second.second) };
}

/** Rates as result.json holds them: two decimals. */
export function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/** What a phase was set to do, as the result records it. */
function phasePlan(planned: PlannedPhase, baseDir: string): PhaseResult['plan'] {
  switch (planned.kind) {
    case 'rate':
      return { ratePerSec: planned.ratePerSec, rampToPerSec: planned.rampToPerSec };
    case 'connections':
      return { connections: planned.connections };
    case 'conversations': {
      const settings = planned.conversations;
      return {
        conversations: {
          ratePerSec: settings.rate,
          rampToPerSec: settings.rampTo ?? settings.rate,
          messages: describeMessages(settings.messages),
          thinkTime: describeThinkTime(settings.thinkTime),
          connection: settings.connection,
          onError: settings.onError,
          gracefulStopMs: settings.gracefulStop,
          tlsResume: settings.tlsResume,
        },
      };
    }
    case 'replay':
      return { replayFile: portablePath(planned.file, baseDir), speed: planned.speed };
    case 'search': {
      const { fromPerSec, maxPerSec, holdMs, precision, slo, atLeastPerSec } = planned.search;
      return { search: { fromPerSec, maxPerSec, holdMs, precision, slo: slo.map((s) => s.expr), atLeastPerSec } };
    }
  }
}

/** New connections and the percentiles of their connect and TLS handshake times. */
function connectionsResult(measured: MeasuredStats['connections'], sent: number): ResultStats['connections'] {
  if (measured === null) return null;
  return {
    opened: measured.opened,
    connectMs: summaryOf(measured.connectHistogram),
    tlsHandshakeMs: summaryOf(measured.tlsHandshakeHistogram),
    firstByteMs: summaryOf(measured.firstByteHistogram),
    resumed: measured.resumed,
    closedByServer: measured.closedByServer,
    failed: measured.failed,
    requestsPerConnection: measured.opened === 0 ? null : round(sent / measured.opened),
  };
}

/** A stored histogram's summary in ms; null when it holds nothing. */
function summaryOf(encoded: string): LatencySummaryMs | null {
  const histogram = LatencyHistogram.decode(encoded);
  try {
    return histogram.count === 0 ? null : histogram.summaryMs();
  } finally {
    histogram.destroy();
  }
}

function conversationsResult(measured: MeasuredStats['conversations']): ResultStats['conversations'] {
  if (measured === null) return null;
  const ended = measured.completed + measured.abandoned + measured.cut;
  return {
    started: measured.started,
    completed: measured.completed,
    abandoned: measured.abandoned,
    cut: measured.cut,
    notStarted: measured.skipped,
    messagesPerConversation: ended === 0 ? null : round(measured.messagesSent / ended),
    durationMs: summaryOf(measured.durationHistogram),
  };
}
