// A running generator's live figures, read from the counters the run keeps anyway (and the
// latency buckets filled beside them): cheap enough to read every second while requests fly.
import type { ContractRecorder } from '../checks/contractRecorder.ts';
import type { EngineStatus } from '../engine/loadEngine.ts';
import type { RunRecorder } from '../metrics/runRecorder.ts';
import type { ScopeAccumulator } from '../metrics/scopeStats.ts';
import { scheduledInSecond } from '../scenario/plan.ts';
import type { PlannedPhase } from '../scenario/plan.ts';
import { LatencyBuckets } from './liveSeries.ts';
import type { LiveFigures } from './liveSeries.ts';

/** What a generator's live figures are read from. */
export interface LiveSources {
  phases: readonly PlannedPhase[];
  recorder: RunRecorder;
  contract: ContractRecorder | null;
  engine: () => EngineStatus;
  /** Phase start times, in ms from the schedule's start. */
  phaseOffsetsMs: () => number[];
  searchTrialPerSec: number | null;
}

/** Latency buckets per phase, filled by every answered sample the recorder sees. */
export function observeLatency(recorder: RunRecorder, phaseCount: number): LatencyBuckets[] {
  const buckets = Array.from({ length: phaseCount }, () => new LatencyBuckets());
  recorder.observe((sample) => {
    if (!sample.error) buckets[sample.phaseIndex]!.record((sample.doneMs - sample.scheduledMs) / 1000);
  });
  return buckets;
}

export function liveFigures(sources: LiveSources, buckets: readonly LatencyBuckets[]): LiveFigures {
  const status = sources.engine();
  const lastSecond = sources.recorder.lastSealed();
  return {
    phases: sources.phases.map((phase, i) => {
      const scope = sources.recorder.phases[i]!;
      const violations = sources.contract?.liveViolations(i);
      return {
        name: phase.name,
        outcomes: outcomesOf(scope),
        dropped: { ...scope.dropped },
        violatingResponses: violations?.responses ?? null,
        violations: violations?.byKind ?? [],
        latency: buckets[i]!,
      };
    }),
    currentPhase: sources.phases[status.phaseIndex]?.name ?? '',
    inFlight: status.inFlight,
    openConnections: status.connections,
    targetPerSec: lastSecond ? scheduledInSecond(sources.phases, sources.phaseOffsetsMs(), lastSecond.second) : null,
    achievedPerSec: lastSecond?.sent ?? 0,
    searchTrialPerSec: sources.searchTrialPerSec,
  };
}

/**
 * Completed requests by outcome, as result.json counts them: `ok`, `expected` (the status a
 * user's row asks for), unexpected HTTP answers by class (`http_4xx`, `http_5xx`), and each
 * transport error kind. They add up to the requests completed.
 */
export function outcomesOf(scope: ScopeAccumulator): Record<string, number> {
  const outcomes: Record<string, number> = {};
  let accounted = 0;
  for (const [kind, count] of Object.entries(scope.errors)) {
    if (count === 0) continue;
    outcomes[kind] = count;
    accounted += count;
  }
  for (const [status, count] of scope.httpErrors) {
    const statusClass = `http_${Math.floor(status / 100)}xx`;
    outcomes[statusClass] = (outcomes[statusClass] ?? 0) + count;
    accounted += count;
  }
  let expected = 0;
  for (const count of scope.expectedOutcomes.values()) expected += count;
  if (expected > 0) outcomes.expected = expected;
  outcomes.ok = scope.completed - accounted - expected;
  return outcomes;
}
