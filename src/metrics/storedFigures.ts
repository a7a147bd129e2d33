import type { ErrorKind } from '../engine/types.ts';
import type { ScopeFigures } from './definitions.ts';
import { LatencyHistogram } from './histogram.ts';
import type { LatencySummaryMs } from './histogram.ts';
import { transportErrorCount } from './outcome.ts';

/** A scope's figures as stored (a result's, or several generators' merged): counts, summaries and encoded histograms. */
export interface StoredScope {
  requests: { sent: number; completed: number; dropped: number };
  unexpected: number;
  errors: Record<ErrorKind, number>;
  latencyMs: LatencySummaryMs;
  serviceLatencyMs: LatencySummaryMs;
  histogram: string;
  serviceHistogram: string;
  /** Null while the scope is still sending. */
  achievedRate: number | null;
  contract: { checked: number; count: number; rate: number } | null;
}

/** The threshold figures of a stored scope (see metrics/definitions.ts). */
export function storedFigures(scope: StoredScope): ScopeFigures {
  const transportErrors = transportErrorCount(scope.errors);
  const answered = scope.requests.completed - transportErrors;
  const latency = (summary: LatencySummaryMs, encoded: string) => ({
    count: answered,
    statMs: (stat: keyof LatencySummaryMs) => summary[stat],
    // Only asked for when requests went unanswered: the stored histogram is decoded then.
    percentileMs: (percentile: number) => {
      const histogram = LatencyHistogram.decode(encoded);
      try {
        return Math.min(histogram.atPercentilesMs([percentile])[0]!, summary.max);
      } finally {
        histogram.destroy();
      }
    },
  });
  return {
    sent: scope.requests.sent,
    dropped: scope.requests.dropped,
    unexpected: scope.unexpected,
    transportErrors,
    answered,
    latency: (clock) => (clock === 'service' ? latency(scope.serviceLatencyMs, scope.serviceHistogram) : latency(scope.latencyMs, scope.histogram)),
    achievedRatePerSec: scope.achievedRate,
    contract: scope.contract,
  };
}
