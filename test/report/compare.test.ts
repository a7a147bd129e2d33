import { describe, expect, it } from 'vitest';
import { compareRuns } from '../../src/report/compare.ts';
import { seededLatenciesMs, syntheticRun } from '../fixtures/runResults.ts';

const baseline = syntheticRun({ latenciesMs: seededLatenciesMs(5000, 20), errorRate: 0.002 });

describe('compareRuns', () => {
  it('finds no regression against itself', () => {
    const comparison = compareRuns(baseline, baseline);
    expect(comparison.regressed).toBe(false);
    expect(comparison.rows.filter((row) => row.scope === 'overall').map((row) => row.metric)).toEqual([
      'p50',
      'p90',
      'p99',
      'p999',
      'max',
      'errorRate',
      'achievedRate',
    ]);
    expect(comparison.rows.every((row) => row.change === 0)).toBe(true);
  });

  it('flags latency beyond the tolerance, and not within it', () => {
    const slower = syntheticRun({ latenciesMs: seededLatenciesMs(5000, 20).map((ms) => ms * 1.15), errorRate: 0.002 });
    const flagged = compareRuns(slower, baseline, 0.1);
    expect(flagged.regressed).toBe(true);
    const p99 = flagged.rows.find((row) => row.scope === 'overall' && row.metric === 'p99')!;
    expect(p99.regressed).toBe(true);
    expect(p99.change).toBeCloseTo(0.15, 2);
    // max is one sample: shown, never gated.
    expect(flagged.rows.find((row) => row.metric === 'max')).toMatchObject({ gated: false, regressed: false });
    expect(compareRuns(slower, baseline, 0.2).regressed).toBe(false);
  });

  it('needs an error rate to rise by the tolerance and by 0.1 percentage point', () => {
    const latenciesMs = seededLatenciesMs(5000, 20);
    const cleanBaseline = syntheticRun({ latenciesMs, errorRate: 0 });
    expect(compareRuns(syntheticRun({ latenciesMs, errorRate: 0.0004 }), cleanBaseline).regressed).toBe(false);
    const worse = compareRuns(syntheticRun({ latenciesMs, errorRate: 0.004 }), cleanBaseline);
    expect(worse.rows.find((row) => row.scope === 'overall' && row.metric === 'errorRate')).toMatchObject({ regressed: true, change: null });
  });

  it('flags throughput that fell beyond the tolerance', () => {
    const latenciesMs = seededLatenciesMs(5000, 20);
    const slowerRun = syntheticRun({ latenciesMs, durationMs: 12_000 });
    const comparison = compareRuns(slowerRun, syntheticRun({ latenciesMs, durationMs: 10_000 }));
    expect(comparison.rows.find((row) => row.scope === 'overall' && row.metric === 'achievedRate')).toMatchObject({ regressed: true });
  });

  it('compares phases by name and lists the ones only one run has', () => {
    const other = syntheticRun({ latenciesMs: seededLatenciesMs(5000, 20), phaseName: 'peak' });
    const comparison = compareRuns(other, baseline);
    expect(new Set(comparison.rows.map((row) => row.scope))).toEqual(new Set(['overall']));
    expect(comparison.unmatchedPhases).toEqual(['peak', 'steady']);
  });

  it('warns that a baseline stopped early is poor company', () => {
    const interrupted = { ...baseline, interrupted: true, aborted: true, abortReason: 'interrupted (SIGINT)' };
    expect(compareRuns(baseline, interrupted).warnings).toEqual(['the baseline was stopped early (interrupted (SIGINT)): its phases ran short or not at all']);
    expect(compareRuns(baseline, baseline).warnings).toEqual([]);
  });

  it('counts a latency gone to ∞ (requests unanswered) as a regression, and two ∞ as alike', () => {
    const unanswered = { ...baseline, overall: { ...baseline.overall, latencyMs: { ...baseline.overall.latencyMs, p99: null, p999: null, max: null } } };
    const worse = compareRuns(unanswered, baseline);
    expect(worse.rows.filter((row) => row.scope === 'overall' && row.regressed).map((row) => row.metric)).toEqual(['p99', 'p999']);
    expect(worse.rows.find((row) => row.scope === 'overall' && row.metric === 'p99')).toMatchObject({ current: null, change: null });
    expect(compareRuns(unanswered, unanswered).regressed).toBe(false);
    expect(compareRuns(baseline, unanswered).regressed).toBe(false);
  });
});
