// One trial of a capacity search: the plan of a single open-model phase held at a rate, and
// the verdict of the SLO on that trial's figures alone.
import { arrivalSeed, openSchedule } from '../scenario/plan.ts';
import type { GeneratorMeasurements } from '../merge/measurements.ts';
import { achievedRate, dropRate, errorRate, latencySummaryOverAll, missingEvidence, sendingTimeMs, thresholdFigure } from '../metrics/definitions.ts';
import { storedFigures } from '../metrics/storedFigures.ts';
import { TOO_MANY_UNANSWERED } from '../report/resultModel.ts';
import type { CapacityResult } from '../report/resultModel.ts';
import type { LoadPlan } from '../scenario/plan.ts';
import { thresholdHolds } from '../scenario/thresholds.ts';
import type { SearchSettings } from './searchSchema.ts';

export type Trial = CapacityResult['trials'][number];

/** The plan of one trial: the search's scenario with a single phase holding `ratePerSec` for `holdMs`. */
export function trialPlan(plan: LoadPlan, ratePerSec: number, holdMs: number): LoadPlan {
  const search = plan.phases[0]!;
  const arrivals = search.kind === 'search' ? search.arrivals : 'uniform';
  return {
    ...plan,
    phases: [
      {
        kind: 'rate',
        name: search.name,
        durationMs: holdMs,
        ratePerSec,
        rampToPerSec: ratePerSec,
        // Poisson trials: a seed of the rate and length, so every worker of the trial cuts the one schedule.
        schedule: openSchedule(arrivals, ratePerSec, ratePerSec, holdMs, arrivalSeed(plan.scenario.seed, ratePerSec, holdMs), search.name),
        maxConnections: search.kind === 'search' ? search.maxConnections : plan.scenario.target.maxConnections,
        arrivals,
        connection: 'pool',
      },
    ],
  };
}

/**
 * A trial's figures and the SLO's verdict on them (a threshold with no evidence fails, as in any
 * run), and whether what failed was this side: latency from the scheduled send over the SLO while
 * the same statistic from the actual send holds means requests waited here (for a connection, or
 * an event loop) before they went out, not at the server.
 */
export function judgeTrial(
  measured: GeneratorMeasurements,
  askedPerSec: number,
  holdMs: number,
  slo: SearchSettings['slo'],
  role: Trial['role'],
): { trial: Trial; waitedHere: boolean; serviceP50Ms: number } {
  const stats = measured.phases[0]!;
  const { snapshot } = stats;
  const sendingMs = sendingTimeMs(holdMs, 0, snapshot.sendWindowMs);
  const achievedPerSec = achievedRate(snapshot.requests.sent, sendingMs);
  const figures = storedFigures({
    ...snapshot,
    histogram: stats.histogram,
    serviceHistogram: stats.serviceHistogram,
    achievedRate: achievedPerSec,
    contract: stats.contract,
    connections: stats.connections,
  });
  const latency = latencySummaryOverAll(figures, 'corrected');
  const finite = (ms: number) => (Number.isFinite(ms) ? ms : null);
  const failed = slo.flatMap(({ expr, condition }) => {
    const missing = missingEvidence(condition.metric, figures);
    if (missing !== null) return [{ expr, actual: null, reason: missing }];
    const actual = thresholdFigure(condition.metric, figures);
    return thresholdHolds(condition, actual) ? [] : [{ expr, actual: finite(actual), reason: Number.isFinite(actual) ? null : TOO_MANY_UNANSWERED }];
  });
  const waitedHere =
    failed.length > 0 &&
    slo.every(({ condition }) => {
      const { metric } = condition;
      if (metric.kind !== 'latency' || metric.clock !== 'corrected') return thresholdHolds(condition, thresholdFigure(metric, figures));
      return thresholdHolds(condition, thresholdFigure({ ...metric, clock: 'service' }, figures));
    });
  const trial: Trial = {
    askedPerSec,
    achievedPerSec: Math.round(achievedPerSec * 100) / 100,
    durationMs: Math.round(sendingMs),
    role,
    held: failed.length === 0,
    p50Ms: finite(latency.p50),
    p99Ms: finite(latency.p99),
    p999Ms: finite(latency.p999),
    errorRate: errorRate(figures),
    dropRate: dropRate(figures),
    contractViolations: stats.contract?.count ?? null,
    failed,
  };
  // The server's own median time (answered requests, from the actual send): how much it queues.
  return { trial, waitedHere, serviceP50Ms: figures.latency('service').statMs('p50') };
}
