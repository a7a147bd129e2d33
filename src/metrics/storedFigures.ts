import type { ErrorKind } from '../engine/types.ts';
import type { AnsweredLatency, ScopeFigures } from './definitions.ts';
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
  /** The scope's new connections, when measured: connect and TLS handshake times (encoded histograms). */
  connections?: { connectHistogram: string; tlsHandshakeHistogram: string } | null;
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
    connectionTime: (timing) => histogramFigures(timing === 'connect' ? scope.connections?.connectHistogram : scope.connections?.tlsHandshakeHistogram),
    achievedRatePerSec: scope.achievedRate,
    contract: scope.contract,
  };
}

/** Every statistic of a stored histogram (decoded once, when first asked); none when absent. */
function histogramFigures(encoded: string | undefined): AnsweredLatency {
  if (encoded === undefined) return { count: 0, statMs: () => Number.NaN, percentileMs: () => Number.NaN };
  const histogram = LatencyHistogram.decode(encoded);
  try {
    const summary = histogram.summaryMs();
    const count = histogram.count;
    const percentiles = new Map<number, number>();
    for (const percentile of [50, 75, 90, 95, 99, 99.9, 100]) percentiles.set(percentile, histogram.atPercentilesMs([percentile])[0]!);
    return { count, statMs: (stat) => summary[stat], percentileMs: (percentile) => percentiles.get(percentile) ?? Number.NaN };
  } finally {
    histogram.destroy();
  }
}
