import type { ContractRecorder } from '../conformance/contractRecorder.ts';
import type { RunRecorder } from '../metrics/runRecorder.ts';
import type { LoadPlan } from '../scenario/plan.ts';
import { checkThreshold } from '../scenario/thresholds.ts';
import { formatLiveLine } from './liveLine.ts';

/** The live progress line of the current second. */
export function liveLine(plan: LoadPlan, recorder: RunRecorder, contract: ContractRecorder | null, inFlight: number, phaseIndex: number, elapsedMs: number, phaseOffsetsMs: number[]): string {
  const phase = plan.phases[phaseIndex]!;
  const lastSecond = recorder.lastSealed();
  const targetRate = lastSecond ? scheduledInSecond(plan, phaseOffsetsMs, lastSecond.second) : null;
  const overall = recorder.overall;
  return formatLiveLine({
    elapsedSec: elapsedMs / 1000,
    phase: phase.name,
    targetRate,
    lastSecond,
    inFlight,
    p50Ms: overall.latency.percentileUs(50) / 1000,
    p99Ms: overall.latency.percentileUs(99) / 1000,
    errors: overall.unexpected,
    sent: overall.sent,
    dropped: overall.dropped.queueTimeout + overall.dropped.aborted + overall.dropped.feedStarved,
    contractViolations: contract?.violatingResponses ?? null,
  });
}

/**
 * Requests scheduled in one second of the run, summed over the phases it overlaps (a second can
 * straddle two); null when a closed-model phase ran in it, which has no target.
 */
function scheduledInSecond(plan: LoadPlan, phaseOffsetsMs: readonly number[], second: number): number | null {
  const fromMs = second * 1000;
  let scheduled = 0;
  for (const [i, phase] of plan.phases.entries()) {
    const startMs = phaseOffsetsMs[i];
    if (startMs === undefined || startMs >= fromMs + 1000 || startMs + phase.durationMs <= fromMs) continue;
    if (phase.kind === 'closed') return null;
    scheduled += phase.schedule.countBetween(fromMs - startMs, fromMs + 1000 - startMs);
  }
  return scheduled;
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
    const snapshot = accumulator.snapshot();
    const dropped = snapshot.requests.dropped;
    const contractScope = contract && (scopeIndex === undefined ? contract.snapshot().overall : contract.snapshot().phases[scopeIndex]!);
    const { passed } = checkThreshold(threshold.condition, {
      ...snapshot,
      dropRate: dropped / Math.max(1, snapshot.requests.sent + dropped),
      achievedRate: 0,
      contractViolations: contractScope?.count ?? 0,
      contractViolationRate: contractScope?.rate ?? 0,
    });
    if (!passed) return threshold.phase ? `${threshold.expr} (phase ${threshold.phase})` : threshold.expr;
  }
  return undefined;
}
