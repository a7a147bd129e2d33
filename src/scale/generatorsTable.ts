import type { GeneratorMeasurements } from '../merge/measurements.ts';
import { achievedRate } from '../metrics/definitions.ts';
import { round } from '../report/buildResult.ts';
import type { RunResult } from '../report/resultModel.ts';

/** Shards whose schedules started further apart than this are reported: their clocks (or their starts) differ. */
export const START_SKEW_TOLERANCE_MS = 250;

/**
 * One row per worker or shard, so a slow or far-away one shows in the report. `indices` name each
 * part's place among `of` when some are missing (a shard lost); by default the parts are all there.
 */
export function generatorsTable(
  splitBy: 'worker' | 'shard',
  parts: readonly GeneratorMeasurements[],
  names: { indices: readonly number[]; of: number } = { indices: parts.map((_, i) => i), of: parts.length },
): NonNullable<RunResult['generators']> {
  const firstStartMs = Math.min(...parts.map((part) => part.scheduleStartEpochMs));
  return {
    splitBy,
    skewToleranceMs: START_SKEW_TOLERANCE_MS,
    rows: parts.map((part, i) => ({
      label: `${splitBy} ${names.indices[i]}/${names.of}`,
      sent: part.overall.snapshot.requests.sent,
      achievedRate: round(achievedRate(part.overall.snapshot.requests.sent, part.sendingEndedMs)),
      p50Ms: part.overall.snapshot.latencyMs.p50,
      p99Ms: part.overall.snapshot.latencyMs.p99,
      unexpected: part.overall.snapshot.unexpected,
      startOffsetMs: Math.round(part.scheduleStartEpochMs - firstStartMs),
      aborted: part.aborted,
    })),
  };
}
