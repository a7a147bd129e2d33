import type { ContractRecorder } from '../conformance/contractRecorder.ts';
import type { RunRecorder } from '../metrics/runRecorder.ts';
import { phaseIndexAt, scheduledInSecond } from '../scenario/plan.ts';
import type { LoadPlan, PlannedPhase } from '../scenario/plan.ts';
import { transportErrorCount } from '../metrics/outcome.ts';
import { PERCENTILE_OF, latencyOverAll, thresholdHolds } from '../scenario/thresholds.ts';
import type { LatencyStat, ThresholdMetric } from '../scenario/thresholds.ts';
import type { StatsAccumulator } from '../metrics/phaseStats.ts';
import type { ContractScopeSnapshot } from '../conformance/contractRecorder.ts';
import { formatLiveLine } from './liveLine.ts';

/**
 * The live progress line, printed just after each second: target and achieved rate are those of
 * the second that just ended, so the line names the phase running in the middle of that second
 * (at a phase boundary the phase now running has not set those figures yet; phases start a
 * moment after a whole second, so the second's start would name the phase before).
 */
export function liveLine(
  phases: readonly PlannedPhase[],
  recorder: RunRecorder,
  contract: ContractRecorder | null,
  inFlight: number,
  phaseIndex: number,
  elapsedMs: number,
  phaseOffsetsMs: number[],
): string {
  const lastSecond = recorder.lastSealed();
  const targetRate = lastSecond ? scheduledInSecond(phases, phaseOffsetsMs, lastSecond.second) : null;
  const shownPhaseIndex = (lastSecond && phaseIndexAt(phaseOffsetsMs, lastSecond.second * 1000 + 500)) ?? phaseIndex;
  const overall = recorder.overall;
  return formatLiveLine({
    elapsedSec: elapsedMs / 1000,
    phase: phases[shownPhaseIndex]!.name,
    targetRate,
    lastSecond,
    inFlight,
    errors: overall.unexpected,
    sent: overall.sent,
    dropped: overall.droppedTotal,
    contractViolations: contract?.violatingResponses ?? null,
  });
}

/** Minimum responses before an abortOnFail threshold is judged, so one slow first request cannot stop a run. */
const ABORT_MIN_SAMPLES = 100;

/** The first abortOnFail threshold that fails on what was measured so far, if any. */
export function failingAbortThreshold(plan: LoadPlan, recorder: RunRecorder, contract: ContractRecorder | null, phaseIndex: number): string | undefined {
  for (const threshold of plan.scenario.thresholds) {
    // achievedRate is only meaningful over a whole phase, so it is judged at the end.
    if (!threshold.abortOnFail || threshold.condition.metric.kind === 'achievedRate') continue;
    const scopeIndex = threshold.phase === undefined ? undefined : plan.phases.findIndex((p) => p.name === threshold.phase);
    if (scopeIndex !== undefined && scopeIndex !== phaseIndex) continue;
    const accumulator = scopeIndex === undefined ? recorder.overall : recorder.phases[scopeIndex]!;
    if (accumulator.completed < ABORT_MIN_SAMPLES) continue;
    const metric = threshold.condition.metric;
    const contractScope =
      contract && metric.kind.startsWith('contract')
        ? scopeIndex === undefined
          ? contract.snapshot().overall
          : contract.snapshot().phases[scopeIndex]!
        : null;
    if (!thresholdHolds(threshold.condition, figureSoFar(metric, accumulator, contractScope)))
      return threshold.phase ? `${threshold.expr} (phase ${threshold.phase})` : threshold.expr;
  }
  return undefined;
}

/**
 * One threshold's metric on what was measured so far, computed alone: this runs every second
 * while requests are in flight, and a full snapshot (mean included) blocks for milliseconds.
 */
function figureSoFar(metric: ThresholdMetric, accumulator: StatsAccumulator, contractScope: ContractScopeSnapshot | null): number {
  switch (metric.kind) {
    case 'latency': {
      const histogram = metric.clock === 'service' ? accumulator.service : accumulator.latency;
      const statMs = (stat: LatencyStat) => {
        const percentile = PERCENTILE_OF[stat];
        return percentile === undefined ? histogram.summaryMs()[stat] : histogram.atPercentilesMs([percentile])[0]!;
      };
      const unanswered = transportErrorCount(accumulator.errors) + accumulator.droppedTotal;
      return latencyOverAll(metric.stat, histogram.count, unanswered, statMs, (percentile) => histogram.atPercentilesMs([percentile])[0]!);
    }
    case 'errorRate':
      return accumulator.sent === 0 ? 0 : accumulator.unexpected / accumulator.sent;
    case 'dropRate': {
      const dropped = accumulator.droppedTotal;
      return dropped / Math.max(1, accumulator.sent + dropped);
    }
    case 'contractViolations':
      return contractScope?.count ?? 0;
    case 'contractViolationRate':
      return contractScope?.rate ?? 0;
    case 'achievedRate':
      return 0;
  }
}
