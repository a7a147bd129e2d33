// The series every generator pushes (names documented in docs/live-metrics.md): counters of
// requests by outcome, drops and contract violations, a classic histogram of latency from the
// scheduled send, and gauges of the moment. Pure: figures in, samples out.
import type { SeriesSample } from './remoteWriteCodec.ts';

/**
 * Upper bounds (seconds) of the latency histogram's buckets: 20 per decade from 1 ms to 10 s, on
 * three significant digits. A bucket spans at most 12.3% of its upper bound, so a quantile
 * interpolated within one (histogram_quantile) is within that of the exact one.
 */
export const LATENCY_BUCKETS_SECONDS: readonly number[] = Array.from({ length: 81 }, (_, k) => Number((10 ** (k / 20) / 1000).toPrecision(3)));

/** Latency of a phase's answered requests, as the histogram's series carry it. */
export interface LatencyFigures {
  /** Answered requests at or below each of LATENCY_BUCKETS_SECONDS. */
  cumulativeCounts: readonly number[];
  count: number;
  sumSeconds: number;
}

/** What one phase of one generator measured so far (cumulative). */
export interface PhaseFigures {
  name: string;
  /** Completed requests by outcome: ok, expected, http_4xx, http_5xx, timeout, reset, ... */
  outcomes: Record<string, number>;
  dropped: Record<string, number>;
  /** Responses that broke the contract (null when checks are off), and their violations by rule and the field it is about. */
  violatingResponses: number | null;
  violations: Iterable<{ rule: string; path: string; count: number }>;
  latency: LatencyFigures;
}

/** A generator's figures at one instant. */
export interface LiveFigures {
  phases: readonly PhaseFigures[];
  /** The phase running now (gauges carry its name). */
  currentPhase: string;
  inFlight: number;
  openConnections: number;
  /** Requests the plan scheduled in the last whole second; null where no rate is fixed in advance. */
  targetPerSec: number | null;
  /** Requests sent in the last whole second. */
  achievedPerSec: number;
  /** The capacity search's trial rate, while one runs. */
  searchTrialPerSec: number | null;
}

/** The generator process itself: CPU used since the last push (1 = one core busy) and resident memory. */
export interface ProcessFigures {
  cpuUtilization: number;
  residentBytes: number;
}

export type SeriesKind = 'counter' | 'gauge';

/** A sample with its kind: counters of a process add up across the runs it makes (capacity trials). */
export interface KindedSample extends SeriesSample {
  kind: SeriesKind;
}

/** Every series of `figures`, each with `common` labels (scenario, run_id, generator, the user's). */
export function liveSeries(figures: LiveFigures, process: ProcessFigures, common: Readonly<Record<string, string>>, timestampMs: number): KindedSample[] {
  const samples: KindedSample[] = [];
  const add = (kind: SeriesKind, name: string, labels: Record<string, string>, value: number) =>
    samples.push({ kind, labels: { ...common, ...labels, __name__: name }, value, timestampMs });
  for (const phase of figures.phases) {
    const own = { phase: phase.name };
    for (const [outcome, count] of Object.entries(phase.outcomes)) add('counter', 'logmsg_requests_total', { ...own, outcome }, count);
    for (const [reason, count] of Object.entries(phase.dropped)) add('counter', 'logmsg_dropped_total', { ...own, reason }, count);
    if (phase.violatingResponses !== null) add('counter', 'logmsg_contract_violating_responses_total', own, phase.violatingResponses);
    for (const violation of phase.violations)
      add('counter', 'logmsg_contract_violations_total', { ...own, rule: violation.rule, path: violation.path }, violation.count);
    for (const [i, bound] of LATENCY_BUCKETS_SECONDS.entries())
      add('counter', 'logmsg_request_duration_seconds_bucket', { ...own, le: String(bound) }, phase.latency.cumulativeCounts[i]!);
    add('counter', 'logmsg_request_duration_seconds_bucket', { ...own, le: '+Inf' }, phase.latency.count);
    add('counter', 'logmsg_request_duration_seconds_sum', own, phase.latency.sumSeconds);
    add('counter', 'logmsg_request_duration_seconds_count', own, phase.latency.count);
  }
  const now = { phase: figures.currentPhase };
  add('gauge', 'logmsg_in_flight_requests', now, figures.inFlight);
  add('gauge', 'logmsg_open_connections', now, figures.openConnections);
  if (figures.targetPerSec !== null) add('gauge', 'logmsg_target_rate_per_second', now, figures.targetPerSec);
  add('gauge', 'logmsg_achieved_rate_per_second', now, figures.achievedPerSec);
  if (figures.searchTrialPerSec !== null) add('gauge', 'logmsg_search_trial_rate_per_second', now, figures.searchTrialPerSec);
  add('gauge', 'logmsg_generator_cpu_utilization', now, process.cpuUtilization);
  add('gauge', 'logmsg_generator_resident_memory_bytes', now, process.residentBytes);
  return samples;
}

/** The identity of a series: its labels, sorted. */
export function seriesKey(labels: Readonly<Record<string, string>>): string {
  return Object.keys(labels)
    .sort()
    .map((name) => `${name}=${JSON.stringify(labels[name])}`)
    .join(',');
}
