import type { PhaseResult, ResultStats, RunResult } from './resultModel.ts';

/** Default regression tolerance: 10% worse than the baseline. */
export const DEFAULT_TOLERANCE = 0.1;
/** An error rate must also rise by this much (absolute, 0.1 percentage point) to count: one stray error is noise. */
export const ERROR_RATE_FLOOR = 0.001;

export type ComparedMetric = 'p50' | 'p90' | 'p99' | 'p999' | 'max' | 'errorRate' | 'achievedRate' | 'capacity';

/** One metric of one scope, baseline against current. */
export interface MetricDelta {
  scope: string;
  metric: ComparedMetric;
  /** null for a latency no share of the requests got within (∞: see result.json's latencyMs). */
  baseline: number | null;
  current: number | null;
  /** current / baseline - 1; null when the baseline is 0 or either is ∞. */
  change: number | null;
  /** Whether this metric can fail the comparison (max is shown, not gated: it is a single sample). */
  gated: boolean;
  regressed: boolean;
}

/** A run compared with a baseline run, scope by scope (overall, then phases present in both). */
export interface Comparison {
  tolerance: number;
  baseline: { scenario: string; startedAt: string; targetUrl: string };
  rows: MetricDelta[];
  /** Phases of either run that the other does not have, so they are not compared. */
  unmatchedPhases: string[];
  /** Why the two runs may not be comparable at all (another scenario, another duration scale). */
  warnings: string[];
  regressed: boolean;
}

const LATENCY_METRICS = ['p50', 'p90', 'p99', 'p999', 'max'] as const;

/** Compares `current` with `baseline`: latency and error rate regress when higher, throughput when lower. */
export function compareRuns(current: RunResult, baseline: RunResult, tolerance: number = DEFAULT_TOLERANCE): Comparison {
  const scopes: [string, ResultStats | PhaseResult, ResultStats | PhaseResult][] = [['overall', current.overall, baseline.overall]];
  const baselinePhases = new Map(baseline.phases.map((phase) => [phase.name, phase]));
  for (const phase of current.phases) {
    const matching = baselinePhases.get(phase.name);
    if (matching) scopes.push([phase.name, phase, matching]);
  }
  const currentNames = new Set(current.phases.map((phase) => phase.name));
  const unmatchedPhases = [
    ...current.phases.map((p) => p.name).filter((name) => !baselinePhases.has(name)),
    ...baseline.phases.map((p) => p.name).filter((name) => !currentNames.has(name)),
  ];

  const rows: MetricDelta[] = [];
  for (const [scope, now, before] of scopes) {
    for (const metric of LATENCY_METRICS) {
      const gated = metric !== 'max';
      rows.push(latencyDelta(scope, metric, before.latencyMs[metric], now.latencyMs[metric], gated, tolerance));
    }
    rows.push(delta(scope, 'errorRate', before.errorRate, now.errorRate, true, (b, c) => c - b > Math.max(b * tolerance, ERROR_RATE_FLOOR)));
    rows.push(delta(scope, 'achievedRate', before.achievedRate, now.achievedRate, true, (b, c) => c < b * (1 - tolerance)));
    // A search's finding is the figure a launch is judged by: a held rate that fell is a regression.
    const capacityNow = 'capacity' in now ? now.capacity : null;
    const capacityBefore = 'capacity' in before ? before.capacity : null;
    if (capacityNow && capacityBefore) {
      rows.push(delta(scope, 'capacity', capacityBefore.heldPerSec ?? 0, capacityNow.heldPerSec ?? 0, true, (b, c) => c < b * (1 - tolerance)));
    }
  }
  return {
    tolerance,
    baseline: { scenario: baseline.scenario.name, startedAt: baseline.startedAt, targetUrl: baseline.target.url },
    rows,
    unmatchedPhases,
    warnings: comparabilityWarnings(current, baseline),
    regressed: rows.some((row) => row.regressed),
  };
}

/** A latency compared: ∞ (null) is worse than any figure, and two ∞ are alike. */
function latencyDelta(scope: string, metric: ComparedMetric, baseline: number | null, current: number | null, gated: boolean, tolerance: number): MetricDelta {
  if (baseline !== null && current !== null) return delta(scope, metric, baseline, current, gated, (b, c) => b > 0 && c > b * (1 + tolerance));
  return { scope, metric, baseline, current, change: null, gated, regressed: gated && current === null && baseline !== null };
}

function delta(
  scope: string,
  metric: ComparedMetric,
  baseline: number,
  current: number,
  gated: boolean,
  worse: (baseline: number, current: number) => boolean,
): MetricDelta {
  return { scope, metric, baseline, current, change: baseline === 0 ? null : current / baseline - 1, gated, regressed: gated && worse(baseline, current) };
}

/** What makes two runs poor company for a comparison: another scenario, or another --duration-scale. */
function comparabilityWarnings(current: RunResult, baseline: RunResult): string[] {
  const warnings: string[] = [];
  if (current.scenario.name !== baseline.scenario.name)
    warnings.push(`the baseline ran scenario "${baseline.scenario.name}", this run "${current.scenario.name}"`);
  if (baseline.interrupted || baseline.aborted) {
    warnings.push(
      `the baseline was stopped early (${baseline.abortReason ?? (baseline.interrupted ? 'interrupted' : 'aborted')}): its phases ran short or not at all`,
    );
  }
  if (current.durationScale !== baseline.durationScale) {
    warnings.push(
      `the baseline ran at --duration-scale ${baseline.durationScale}, this run at ${current.durationScale}: phase lengths differ, so rates and tails are not like for like`,
    );
  }
  return warnings;
}
