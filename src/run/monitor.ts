import type { ContractRecorder } from '../conformance/contractRecorder.ts';
import type { RunRecorder } from '../metrics/runRecorder.ts';
import type { LoadPlan } from '../scenario/plan.ts';
import { checkThreshold } from '../scenario/thresholds.ts';
import { formatLiveLine } from './liveLine.ts';

/** The live progress line of the current second. */
export function liveLine(plan: LoadPlan, recorder: RunRecorder, contract: ContractRecorder | null, inFlight: number, phaseIndex: number, elapsedMs: number, phaseOffsetsMs: number[]): string {
  const phase = plan.phases[phaseIndex]!;
  const lastSecond = recorder.lastSealed();
  let targetRate: number | null = null;
  if (phase.kind !== 'closed' && lastSecond) {
    const fromMs = lastSecond.second * 1000 - phaseOffsetsMs[phaseIndex]!;
    targetRate = phase.schedule.countBetween(fromMs, fromMs + 1000);
  }
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
