import { LatencyHistogram } from '../metrics/histogram.ts';

/** Points per decade of 1/(1-p): enough for a smooth curve, few enough to keep the HTML small. */
const POINTS_PER_DECADE = 24;
/** The spectrum stops at 99.9999% (1 in a million); beyond that a run has no resolution anyway. */
const MAX_DECADES = 6;

/**
 * Percentile spectra of several histograms on one shared x axis, as an HDR percentile plot
 * draws them: x is 1/(1-p) (1 = 0%, 10 = 90%, 100 = 99%, ...), y the latency in ms.
 */
export interface SpectrumSeries {
  /** 1/(1-p) at each point, increasing; the last point is each histogram's maximum. */
  inverseTail: number[];
  /** The percentile (0..100) of each point, for labels. */
  percentiles: number[];
  /** One latency list per histogram, in ms, aligned with `inverseTail`. */
  latencyMs: number[][];
}

/**
 * Samples each encoded histogram at the same log-spaced percentiles, up to the resolution of
 * the largest one (a run of N samples resolves up to 1/(1-p) = N), then its exact maximum.
 */
export function spectrumSeries(inputs: readonly { encoded: string; maxMs: number }[]): SpectrumSeries {
  const histograms = inputs.map((input) => LatencyHistogram.decode(input.encoded));
  try {
    const largestCount = Math.max(1, ...histograms.map((h) => h.count));
    const decades = Math.min(MAX_DECADES, Math.log10(largestCount));
    const steps = Math.max(1, Math.floor(decades * POINTS_PER_DECADE));
    const inverseTail: number[] = [];
    for (let step = 0; step <= steps; step++) inverseTail.push(10 ** (step / POINTS_PER_DECADE));
    const percentiles = inverseTail.map((x) => 100 * (1 - 1 / x));
    // The maximum sits one step to the right of the last resolved percentile.
    inverseTail.push(10 ** ((steps + 1) / POINTS_PER_DECADE));
    percentiles.push(100);
    // A decoded histogram knows its maximum only to the bucket; the result carries the exact one.
    const latencyMs = histograms.map((h, i) => {
      const exactMaxMs = inputs[i]!.maxMs;
      return h.atPercentilesMs(percentiles).map((ms, point) => (point === percentiles.length - 1 ? exactMaxMs : Math.min(ms, exactMaxMs)));
    });
    return { inverseTail, percentiles, latencyMs };
  } finally {
    for (const histogram of histograms) histogram.destroy();
  }
}
