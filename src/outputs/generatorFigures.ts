// A running generator's live figures, read from the counters the run keeps anyway (and the
// latency buckets filled beside them): cheap enough to read every second while requests fly.
import type { ContractRecorder } from '../checks/contractRecorder.ts';
import type { EngineStatus } from '../engine/loadEngine.ts';
import type { RunRecorder } from '../metrics/runRecorder.ts';
import type { ScopeAccumulator } from '../metrics/scopeStats.ts';
import { scheduledInSecond } from '../scenario/plan.ts';
import type { PlannedPhase } from '../scenario/plan.ts';
import { LATENCY_BUCKETS_SECONDS } from './liveSeries.ts';
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

/** The bounds of the latency histogram's buckets in µs, as HdrHistogram counts them. */
const BOUNDS_US = LATENCY_BUCKETS_SECONDS.map((seconds) => seconds * 1e6);

/**
 * A generator's figures now. Latency buckets are counted from each phase's HdrHistogram when asked
 * (one pass over its counts), not as answers come: pushing costs the hot path nothing.
 */
export function liveFigures(sources: LiveSources): LiveFigures {
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
        latency: {
          cumulativeCounts: scope.latency.countsAtOrBelowUs(BOUNDS_US),
          count: scope.latency.count,
          sumSeconds: (scope.latency.meanUs * scope.latency.count) / 1e6,
        },
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
