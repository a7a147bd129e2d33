import { LatencyHistogram } from '../metrics/histogram.ts';
import type { RunResult } from './resultModel.ts';

/** HdrHistogram's percentile distribution of the run's corrected latency, in milliseconds (`.hgrm`). */
export function hgrmText(result: RunResult): string {
  const histogram = LatencyHistogram.decode(result.overall.histogram);
  try {
    return histogram.percentileDistributionMs();
  } finally {
    histogram.destroy();
  }
}
