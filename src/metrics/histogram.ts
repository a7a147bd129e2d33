import * as hdr from 'hdr-histogram-js';
import { z } from 'zod';

/** Latency values are recorded in integer microseconds; anything above one hour is clamped. */
const HIGHEST_TRACKABLE_US = 3_600_000_000;
const SIGNIFICANT_DIGITS = 3;

/** Whether a text decodes as `encode()`'s output: stored results are read through this, so a damaged one is bad input, not a crash. */
export function decodesAsHistogram(encoded: string): boolean {
  try {
    LatencyHistogram.decode(encoded).destroy();
    return true;
  } catch {
    return false;
  }
}

/**
 * A cheaper look for the many per-second histograms of a long run (decoding 86,400 of them takes
 * seconds): base64 that opens with HdrHistogram's compressed-encoding cookie.
 */
export function looksLikeHistogram(encoded: string): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) return false;
  const head = Buffer.from(encoded.slice(0, 8), 'base64');
  return head.length >= 4 && (head.readUInt32BE(0) & ~0xf0) === COMPRESSED_COOKIE_BASE;
}
/** HdrHistogram's V2 compressed encoding cookie, bits 4-7 holding the word size (as its decoder reads it). */
const COMPRESSED_COOKIE_BASE = 0x1c849304;

/** Percentiles every result and report carries, in milliseconds. */
export const latencySummarySchema = z.object({
  min: z.number(),
  mean: z.number(),
  p50: z.number(),
  p75: z.number(),
  p90: z.number(),
  p95: z.number(),
  p99: z.number(),
  p999: z.number(),
  max: z.number(),
});
export type LatencySummaryMs = z.infer<typeof latencySummarySchema>;

function newHdr(): hdr.Histogram {
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_TRACKABLE_US,
    numberOfSignificantValueDigits: SIGNIFICANT_DIGITS,
    bitBucketSize: 32,
    autoResize: true,
    useWebAssembly: false,
  });
}

/** An HDR histogram of latencies in microseconds (3 significant digits), mergeable and encodable. */
export class LatencyHistogram {
  readonly #hdr: hdr.Histogram;

  private constructor(inner: hdr.Histogram) {
    this.#hdr = inner;
  }

  /** An empty histogram. */
  static create(): LatencyHistogram {
    return new LatencyHistogram(newHdr());
  }

  /** Rebuilds a histogram from `encode()`'s compressed base64 text; throws on corrupt input. */
  static decode(encoded: string): LatencyHistogram {
    const decoded = hdr.decodeFromCompressedBase64(encoded, 32, false);
    // Decoded histograms do not resize; copy into a resizable one so merges never overflow.
    const copy = newHdr();
    copy.add(decoded);
    decoded.destroy();
    return new LatencyHistogram(copy);
  }

  /** Records one latency; values are rounded to whole microseconds and at least 1. */
  recordUs(latencyUs: number): void {
    this.#hdr.recordValue(Math.min(HIGHEST_TRACKABLE_US, Math.max(1, Math.round(latencyUs))));
  }

  /**
   * How many recorded values are at or below each bound (µs, ascending), in one pass over the
   * counts: to HdrHistogram's resolution (a value counts with the bound when it falls in the bound's
   * own bucket, 0.1% wide at 3 significant digits).
   */
  countsAtOrBelowUs(boundsUs: readonly number[]): number[] {
    if (this.count === 0) return boundsUs.map(() => 0);
    const inner = this.#hdr as unknown as { countsArrayLength: number; countsArrayIndex(value: number): number; getCountAtIndex(index: number): number };
    const lastIndex = Math.min(inner.countsArrayLength - 1, inner.countsArrayIndex(this.#hdr.maxValue));
    const counts: number[] = [];
    let cumulative = 0;
    let index = 0;
    for (const boundUs of boundsUs) {
      const upTo = Math.min(lastIndex, inner.countsArrayIndex(Math.max(1, Math.floor(boundUs))));
      for (; index <= upTo; index++) cumulative += inner.getCountAtIndex(index);
      counts.push(cumulative);
    }
    return counts;
  }

  /** The mean of the recorded values, µs (0 when none). */
  get meanUs(): number {
    return this.count === 0 ? 0 : this.#hdr.mean;
  }

  /** Adds every value of `other` into this histogram. */
  add(other: LatencyHistogram): void {
    this.#hdr.add(other.#hdr);
  }

  get count(): number {
    return this.#hdr.totalCount;
  }

  /** Latency at a percentile (0..100), in microseconds; 0 when empty. */
  percentileUs(percentile: number): number {
    return this.count === 0 ? 0 : this.#hdr.getValueAtPercentile(percentile);
  }

  /** The summary percentiles in milliseconds (all 0 when empty). */
  summaryMs(): LatencySummaryMs {
    if (this.count === 0) return { min: 0, mean: 0, p50: 0, p75: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 };
    const maxUs = this.#hdr.maxValue;
    // HDR reports the top of a value's bucket; never show a percentile above the maximum.
    const ms = (us: number) => Math.round(Math.min(us, maxUs)) / 1000;
    return {
      min: ms(this.#hdr.minNonZeroValue),
      mean: ms(this.#hdr.mean),
      p50: ms(this.percentileUs(50)),
      p75: ms(this.percentileUs(75)),
      p90: ms(this.percentileUs(90)),
      p95: ms(this.percentileUs(95)),
      p99: ms(this.percentileUs(99)),
      p999: ms(this.percentileUs(99.9)),
      max: ms(this.#hdr.maxValue),
    };
  }

  /** Latencies at the given percentiles (0..100) in ms, never above the maximum; 0s when empty. */
  atPercentilesMs(percentiles: readonly number[]): number[] {
    if (this.count === 0) return percentiles.map(() => 0);
    const maxUs = this.#hdr.maxValue;
    return percentiles.map((p) => Math.round(Math.min(p >= 100 ? maxUs : this.percentileUs(p), maxUs)) / 1000);
  }

  /** HdrHistogram's percentile-distribution text in milliseconds (the `.hgrm` format). */
  percentileDistributionMs(): string {
    return this.#hdr.outputPercentileDistribution(5, 1000);
  }

  /** Compressed base64 form (HdrHistogram's standard encoding), for result.json. */
  encode(): string {
    return hdr.encodeIntoCompressedBase64(this.#hdr);
  }

  /** Frees the histogram's buffers. */
  destroy(): void {
    this.#hdr.destroy();
  }
}
