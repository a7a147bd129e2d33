import type { ContractRecorder } from '../checks/contractRecorder.ts';
import type { RunRecorder, TimelineSecond } from '../metrics/runRecorder.ts';
import { phaseIndexAt, scheduledInSecond } from '../scenario/plan.ts';
import type { LoadPlan, PlannedPhase } from '../scenario/plan.ts';
import { transportErrorCount } from '../metrics/outcome.ts';
import { PERCENTILE_OF, achievedRate, missingEvidence, sendingTimeMs, thresholdFigure } from '../metrics/definitions.ts';
import type { AnsweredLatency, ScopeFigures, SendWindowMs } from '../metrics/definitions.ts';
import type { LatencyHistogram } from '../metrics/histogram.ts';
import { thresholdHolds } from '../scenario/thresholds.ts';
import type { LatencyStat } from '../scenario/thresholds.ts';
import type { ScopeAccumulator } from '../metrics/scopeStats.ts';
import type { ContractScopeSnapshot } from '../checks/contractRecorder.ts';
import { formatLiveLine } from './liveLine.ts';

/**
 * What the monitor reads of the run so far: one generator's recorders (recordersSoFar), or the
 * figures of every worker merged (scale/liveMerge.ts). The live line, abortOnFail and the final
 * verdict read the same definitions either way.
 */
export interface RunSoFar {
  /** The last second every generator has sealed. */
  lastSealed(): TimelineSecond | undefined;
  sent: number;
  unexpected: number;
  dropped: number;
  /** Responses with a contract violation so far; null when checks are off. */
  contractViolations: number | null;
  /** A scope's answers and sends so far and its threshold figures (computed when asked). */
  scope(phaseIndex: number | undefined): { completed: number; sent: number; sendWindowMs: SendWindowMs | null; figures: ScopeFigures };
}

/** The run so far as one generator's recorders hold it. */
export function recordersSoFar(recorder: RunRecorder, contract: ContractRecorder | null): RunSoFar {
  return {
    lastSealed: () => recorder.lastSealed(),
    get sent() {
      return recorder.overall.sent;
    },
    get unexpected() {
      return recorder.overall.unexpected;
    },
    get dropped() {
      return recorder.overall.droppedTotal;
    },
    get contractViolations() {
      return contract?.violatingResponses ?? null;
    },
    scope(phaseIndex) {
      const accumulator = phaseIndex === undefined ? recorder.overall : recorder.phases[phaseIndex]!;
      const contractScope = () => (contract ? (phaseIndex === undefined ? contract.snapshot().overall : contract.snapshot().phases[phaseIndex]!) : null);
      return {
        completed: accumulator.completed,
        sent: accumulator.sent,
        sendWindowMs: accumulator.snapshotSendWindow(),
        figures: figuresSoFar(accumulator, contractScope),
      };
    },
  };
}

/**
 * The live progress line, printed just after each second: target and achieved rate are those of
 * the second that just ended, so the line names the phase running in the middle of that second
 * (at a phase boundary the phase now running has not set those figures yet; phases start a
 * moment after a whole second, so the second's start would name the phase before).
 */
export function liveLine(
  phases: readonly PlannedPhase[],
  run: RunSoFar,
  inFlight: number,
  phaseIndex: number,
  elapsedMs: number,
  phaseOffsetsMs: number[],
): string {
  const lastSecond = run.lastSealed();
  const targetRate = lastSecond ? scheduledInSecond(phases, phaseOffsetsMs, lastSecond.second) : null;
  const shownPhaseIndex = (lastSecond && phaseIndexAt(phaseOffsetsMs, lastSecond.second * 1000 + 500)) ?? phaseIndex;
  return formatLiveLine({
    elapsedSec: elapsedMs / 1000,
    phase: phases[shownPhaseIndex]!.name,
    targetRate,
    conversations: phases[shownPhaseIndex]!.kind === 'conversations',
    lastSecond,
    inFlight,
    errors: run.unexpected,
    sent: run.sent,
    dropped: run.dropped,
    contractViolations: run.contractViolations,
  });
}

/** Minimum responses before an abortOnFail threshold is judged, so one slow first request cannot stop a run. */
const ABORT_MIN_SAMPLES = 100;

/**
 * The first abortOnFail threshold that fails on what was measured so far, if any. Each is judged
 * every second while its scope runs, except achievedRate: a rate is a phase's whole, so it is
 * judged once its phase has ended (every second after, while the phase's late requests still go
 * out), and a whole-run rate only at the end. A scope with no evidence yet is not judged live.
 */
export function failingAbortThreshold(plan: LoadPlan, run: RunSoFar, phaseIndex: number, phaseOffsetsMs: readonly number[]): string | undefined {
  for (const threshold of plan.scenario.thresholds) {
    if (!threshold.abortOnFail) continue;
    const { metric } = threshold.condition;
    const scopeIndex = threshold.phase === undefined ? undefined : plan.phases.findIndex((p) => p.name === threshold.phase);
    let actual: number;
    if (metric.kind === 'achievedRate') {
      if (scopeIndex === undefined || phaseIndex <= scopeIndex) continue;
      const scope = run.scope(scopeIndex);
      const startMs = phaseOffsetsMs[scopeIndex]!;
      const ranMs = Math.min(plan.phases[scopeIndex]!.durationMs, phaseOffsetsMs[scopeIndex + 1]! - startMs);
      if (scope.sent === 0) continue;
      actual = achievedRate(scope.sent, sendingTimeMs(ranMs, startMs, scope.sendWindowMs));
    } else {
      if (scopeIndex !== undefined && scopeIndex !== phaseIndex) continue;
      const scope = run.scope(scopeIndex);
      if (scope.completed < ABORT_MIN_SAMPLES || missingEvidence(metric, scope.figures) !== null) continue;
      actual = thresholdFigure(metric, scope.figures);
    }
    if (!thresholdHolds(threshold.condition, actual)) return threshold.phase ? `${threshold.expr} (phase ${threshold.phase})` : threshold.expr;
  }
  return undefined;
}

/**
 * A scope's figures so far, each computed only when a threshold asks for it: this runs every
 * second while requests are in flight, and a full snapshot (mean included) blocks for milliseconds.
 */
function figuresSoFar(accumulator: ScopeAccumulator, contractScope: () => ContractScopeSnapshot | null): ScopeFigures {
  return {
    sent: accumulator.sent,
    dropped: accumulator.droppedTotal,
    unexpected: accumulator.unexpected,
    transportErrors: transportErrorCount(accumulator.errors),
    get answered() {
      return accumulator.completed - transportErrorCount(accumulator.errors);
    },
    latency: (clock) => liveLatency(clock === 'service' ? accumulator.service : accumulator.latency),
    connectionTime: (timing) => liveLatency(timing === 'connect' ? accumulator.connectTime : accumulator.tlsHandshakeTime),
    achievedRatePerSec: null,
    get contract() {
      return contractScope();
    },
  };
}

/** A histogram still filling, read for a threshold: percentiles only, unless min or mean is asked for. */
function liveLatency(histogram: LatencyHistogram): AnsweredLatency {
  const percentileMs = (percentile: number) => histogram.atPercentilesMs([percentile])[0]!;
  return {
    count: histogram.count,
    statMs: (stat: LatencyStat) => {
      const percentile = PERCENTILE_OF[stat];
      return percentile === undefined ? histogram.summaryMs()[stat] : percentileMs(percentile);
    },
    percentileMs,
  };
}
