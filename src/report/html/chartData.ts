import type { RunResult } from '../resultModel.ts';
import { spectrumSeries } from '../spectrum.ts';

/** One line of the percentile spectrum chart. */
export interface SpectrumLine {
  label: string;
  role: 'corrected' | 'service' | 'baseline';
  latencyMs: number[];
}

/** The data the report's charts draw, embedded in the page as JSON. */
export interface ReportChartData {
  spectrum: { inverseTail: number[]; percentiles: number[]; lines: SpectrumLine[] };
  timeline: {
    /** Seconds since the run started, every second from 0 to the last (gaps filled). */
    seconds: number[];
    targetRate: (number | null)[];
    sent: number[];
    completed: number[];
    dropped: number[];
    /** Corrected latency of the responses completed in each second; null when none completed. */
    p50Ms: (number | null)[];
    p99Ms: (number | null)[];
    maxMs: (number | null)[];
    /** Unexpected outcomes per second, one series per kind (`http_503`, `timeout`...), largest first. */
    errors: { kind: string; counts: number[] }[];
    /** Expected non-2xx outcomes per second (e.g. 403 for users meant to be unregistered). */
    expected: number[];
    /** New connections opened per second. */
    connectionsOpened: number[];
  };
  /** Where each phase starts on the timeline, in seconds. */
  phases: { name: string; startSecond: number }[];
}

/** Builds the charts' data from a result (and the baseline's spectrum, when comparing). */
export function buildChartData(result: RunResult, baseline?: RunResult): ReportChartData {
  const histograms = [
    { encoded: result.overall.histogram, maxMs: result.overall.answeredLatencyMs.max },
    { encoded: result.overall.serviceHistogram, maxMs: result.overall.answeredServiceLatencyMs.max },
  ];
  if (baseline) histograms.push({ encoded: baseline.overall.histogram, maxMs: baseline.overall.answeredLatencyMs.max });
  const spectrum = spectrumSeries(histograms);
  const lines: SpectrumLine[] = [
    { label: 'latency (from scheduled send)', role: 'corrected', latencyMs: spectrum.latencyMs[0]! },
    { label: 'service time (from actual send)', role: 'service', latencyMs: spectrum.latencyMs[1]! },
  ];
  if (baseline)
    lines.push({ label: `baseline latency (${baseline.startedAt.slice(0, 16).replace('T', ' ')} UTC)`, role: 'baseline', latencyMs: spectrum.latencyMs[2]! });
  return {
    spectrum: { inverseTail: spectrum.inverseTail, percentiles: spectrum.percentiles, lines },
    timeline: timelineSeries(result.timeline),
    phases: result.phases.filter((phase) => phase.ran).map((phase) => ({ name: phase.name, startSecond: phase.startOffsetMs / 1000 })),
  };
}

function timelineSeries(timeline: RunResult['timeline']): ReportChartData['timeline'] {
  const lastSecond = timeline.reduce((last, entry) => Math.max(last, entry.second), -1);
  const bySecond = new Map(timeline.map((entry) => [entry.second, entry]));
  const kindTotals = new Map<string, number>();
  for (const entry of timeline) for (const [kind, count] of Object.entries(entry.errors)) kindTotals.set(kind, (kindTotals.get(kind) ?? 0) + count);
  const kinds = [...kindTotals].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([kind]) => kind);

  const series: ReportChartData['timeline'] = {
    seconds: [],
    targetRate: [],
    sent: [],
    completed: [],
    dropped: [],
    p50Ms: [],
    p99Ms: [],
    maxMs: [],
    errors: kinds.map((kind) => ({ kind, counts: [] })),
    expected: [],
    connectionsOpened: [],
  };
  for (let second = 0; second <= lastSecond; second++) {
    const entry = bySecond.get(second);
    const hasLatency = entry !== undefined && entry.completed > 0 && entry.maxMs > 0;
    series.seconds.push(second);
    series.targetRate.push(entry ? entry.targetRate : null);
    series.sent.push(entry?.sent ?? 0);
    series.completed.push(entry?.completed ?? 0);
    series.dropped.push(entry?.dropped ?? 0);
    series.p50Ms.push(hasLatency ? entry.p50Ms : null);
    series.p99Ms.push(hasLatency ? entry.p99Ms : null);
    series.maxMs.push(hasLatency ? entry.maxMs : null);
    for (const line of series.errors) line.counts.push(entry?.errors[line.kind] ?? 0);
    series.expected.push(entry?.expected ?? 0);
    series.connectionsOpened.push(entry?.connectionsOpened ?? 0);
  }
  return series;
}
