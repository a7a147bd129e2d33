/**
 * When each request of an open-model phase is due, in ms from the phase start. Pure: the
 * pacer asks `dueOffsetMs(i)` for i in [0, count).
 */
export interface Schedule {
  readonly count: number;
  dueOffsetMs(index: number): number;
  /** Requests the schedule intends in [fromMs, toMs) from the phase start (for target rates). */
  countBetween(fromMs: number, toMs: number): number;
}

/** `ratePerSec` requests per second for `durationMs`, evenly spaced. */
export function constantSchedule(ratePerSec: number, durationMs: number): Schedule {
  const intervalMs = 1000 / ratePerSec;
  const count = Math.floor((ratePerSec * durationMs) / 1000 + 1e-9);
  return {
    count,
    dueOffsetMs: (index) => index * intervalMs,
    countBetween: (fromMs, toMs) => countDueBefore(Math.min(toMs, durationMs)) - countDueBefore(Math.max(0, fromMs)),
  };
  function countDueBefore(offsetMs: number): number {
    return Math.min(count, Math.ceil((offsetMs * ratePerSec) / 1000 - 1e-9));
  }
}

/**
 * A linear ramp from `fromPerSec` to `toPerSec` over `durationMs`: the instantaneous rate is
 * r(t) = r0 + (r1 - r0) t / D, so n(t) = r0 t + (r1 - r0) t^2 / 2D requests are due by t, and
 * request i is due at the t where n(t) = i.
 */
export function rampSchedule(fromPerSec: number, toPerSec: number, durationMs: number): Schedule {
  if (fromPerSec === toPerSec) return constantSchedule(fromPerSec, durationMs);
  const durationSec = durationMs / 1000;
  const halfSlope = (toPerSec - fromPerSec) / (2 * durationSec);
  const dueBy = (offsetMs: number) => {
    const t = Math.min(Math.max(offsetMs, 0), durationMs) / 1000;
    return fromPerSec * t + halfSlope * t * t;
  };
  const count = Math.floor(dueBy(durationMs) + 1e-9);
  return {
    count,
    dueOffsetMs(index) {
      if (index === 0) return 0;
      // Solve halfSlope t^2 + r0 t - i = 0 for the positive root, written to stay stable when r0 is 0.
      const t = (2 * index) / (fromPerSec + Math.sqrt(fromPerSec * fromPerSec + 4 * halfSlope * index));
      return t * 1000;
    },
    countBetween: (fromMs, toMs) => Math.min(count, Math.ceil(dueBy(toMs) - 1e-9)) - Math.min(count, Math.ceil(dueBy(fromMs) - 1e-9)),
  };
}

/** Recorded offsets (ms from the log's start) replayed `speed` times faster. */
export function replaySchedule(offsetsMs: readonly number[], speed: number): Schedule {
  const firstMs = offsetsMs[0] ?? 0;
  const scaled = offsetsMs.map((offsetMs) => (offsetMs - firstMs) / speed);
  return {
    count: scaled.length,
    dueOffsetMs: (index) => scaled[index]!,
    countBetween: (fromMs, toMs) => lowerBound(scaled, toMs) - lowerBound(scaled, fromMs),
  };
}

function lowerBound(sorted: ArrayLike<number>, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** When each phase starts, in ms from the run's start: phases run back to back. */
export function phaseStartOffsetsMs(phases: readonly { durationMs: number }[]): number[] {
  let offsetMs = 0;
  return phases.map((phase) => {
    const startMs = offsetMs;
    offsetMs += phase.durationMs;
    return startMs;
  });
}

/** How requests of an open-model phase arrive: evenly spaced, or as independent users do (a Poisson process). */
export type Arrivals = 'uniform' | 'poisson';

/** Poisson arrivals keep every arrival time in memory (8 bytes each): at most this many per phase. */
export const MAX_POISSON_ARRIVALS = 20_000_000;

/**
 * The phase's rate (or linear ramp) as a Poisson process: arrival k is due where the expected count
 * reaches E1 + ... + Ek, the E independent exponential draws of a seeded generator, so the same
 * seed gives the same arrivals in every generator process (stripes cut the one schedule). Over a
 * second the count varies (about its mean ± its square root) and gaps are exponential: bursts and
 * lulls as independent users make them.
 */
export function poissonSchedule(fromPerSec: number, toPerSec: number, durationMs: number, random: () => number): Schedule {
  const durationSec = durationMs / 1000;
  const halfSlope = (toPerSec - fromPerSec) / (2 * durationSec);
  const expectedTotal = fromPerSec * durationSec + halfSlope * durationSec * durationSec;
  // Where the expected count reaches x: the uniform schedule's due time for a fractional index.
  const atExpected = (x: number) =>
    halfSlope === 0 ? (x / fromPerSec) * 1000 : ((2 * x) / (fromPerSec + Math.sqrt(fromPerSec * fromPerSec + 4 * halfSlope * x))) * 1000;
  let offsets = new Float64Array(Math.max(16, Math.ceil(expectedTotal + 6 * Math.sqrt(expectedTotal) + 16)));
  let count = 0;
  let expected = -Math.log(1 - random());
  while (expected < expectedTotal) {
    if (count === offsets.length) {
      const grown = new Float64Array(offsets.length * 2);
      grown.set(offsets);
      offsets = grown;
    }
    offsets[count++] = atExpected(expected);
    expected += -Math.log(1 - random());
  }
  const arrivals = offsets.subarray(0, count);
  return {
    count,
    dueOffsetMs: (index) => arrivals[index]!,
    countBetween: (fromMs, toMs) => lowerBound(arrivals, toMs) - lowerBound(arrivals, fromMs),
  };
}
