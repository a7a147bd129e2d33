import type { ContractRecorder } from '../checks/contractRecorder.ts';
import type { RunRecorder } from '../metrics/runRecorder.ts';
import { phaseIndexAt, scheduledInSecond } from '../scenario/plan.ts';
import type { LoadPlan, PlannedPhase } from '../scenario/plan.ts';
import { transportErrorCount } from '../metrics/outcome.ts';
import { PERCENTILE_OF, thresholdFigure } from '../metrics/definitions.ts';
import type { ScopeFigures } from '../metrics/definitions.ts';
import { thresholdHolds } from '../scenario/thresholds.ts';
import type { LatencyStat } from '../scenario/thresholds.ts';
import type { ScopeAccumulator } from '../metrics/scopeStats.ts';
import type { ContractScopeSnapshot } from '../checks/contractRecorder.ts';
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
    const contractScope = () => (contract ? (scopeIndex === undefined ? contract.snapshot().overall : contract.snapshot().phases[scopeIndex]!) : null);
    if (!thresholdHolds(threshold.condition, thresholdFigure(threshold.condition.metric, figuresSoFar(accumulator, contractScope))))
      return threshold.phase ? `${threshold.expr} (phase ${threshold.phase})` : threshold.expr;
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
    latency: (clock) => {
      const histogram = clock === 'service' ? accumulator.service : accumulator.latency;
      const percentileMs = (percentile: number) => histogram.atPercentilesMs([percentile])[0]!;
      return {
        count: histogram.count,
        statMs: (stat: LatencyStat) => {
          const percentile = PERCENTILE_OF[stat];
          return percentile === undefined ? histogram.summaryMs()[stat] : percentileMs(percentile);
        },
        percentileMs,
      };
    },
    achievedRatePerSec: null,
    get contract() {
      return contractScope();
    },
  };
}
