// Every metric a threshold can name, defined once: the live checks (abortOnFail, every second)
// and the final verdict (result.json) both compute a threshold's figure with `thresholdFigure`,
// from the same counts, so they cannot disagree on the same run.
import { LATENCY_STATS } from '../scenario/thresholds.ts';
import type { ConnectionTiming, LatencyStat, ThresholdMetric } from '../scenario/thresholds.ts';

/** The percentile each latency statistic is (max the 100th); min and mean are none. */
export const PERCENTILE_OF: Partial<Record<LatencyStat, number>> = { p50: 50, p75: 75, p90: 90, p95: 95, p99: 99, p999: 99.9, max: 100 };

/** Unexpected outcomes (errors of any kind, HTTP or transport) per request sent. */
export function errorRate(counts: { sent: number; unexpected: number }): number {
  return counts.sent === 0 ? 0 : counts.unexpected / counts.sent;
}

/** Requests dropped before sending per request that fell due (sent + dropped). */
export function dropRate(counts: { sent: number; dropped: number }): number {
  const due = counts.sent + counts.dropped;
  return due === 0 ? 0 : counts.dropped / due;
}

/** The first and last send of a scope, in ms from the schedule's start; null when it sent nothing. */
export interface SendWindowMs {
  firstMs: number;
  lastMs: number;
}

/**
 * How long a scope took to send its requests: from its start to its last send, and at least the
 * time it was planned to run (the part of it that ran, when the run was stopped early). A target
 * that holds the schedule sends its last request just before the phase ends, so this is the
 * phase's length; a target too slow for the schedule makes the backlog go out late, and the time
 * grows with it.
 */
export function sendingTimeMs(plannedMs: number, startOffsetMs: number, window: SendWindowMs | null): number {
  const lastSendMs = window === null ? 0 : window.lastMs - startOffsetMs;
  return Math.max(1, plannedMs, lastSendMs);
}

/** Requests sent per second of the time the scope took to send them (see sendingTimeMs). */
export function achievedRate(sent: number, sendingMs: number): number {
  return sent / (Math.max(1, sendingMs) / 1000);
}

/**
 * A latency statistic over every request the scope scheduled, where a request that got no answer
 * (a transport error such as a timeout, or dropped before sending) counts as infinitely slow:
 * pX is the latency within which X% of all scheduled requests were answered, Infinity when more
 * than (100 - X)% got none; max and mean are Infinity when any got none. So a run where most
 * requests failed cannot pass a latency threshold on the few that were answered.
 */
export function latencyOverAll(
  stat: LatencyStat,
  answered: number,
  unanswered: number,
  statMs: (stat: LatencyStat) => number,
  percentileMs: (percentile: number) => number,
): number {
  if (unanswered === 0) return statMs(stat);
  if (answered === 0) return Number.POSITIVE_INFINITY;
  if (stat === 'min') return statMs('min');
  const percentile = PERCENTILE_OF[stat];
  // The mean of all requests, and their maximum, are infinite once one got no answer.
  if (percentile === undefined || percentile === 100) return Number.POSITIVE_INFINITY;
  const rank = (percentile / 100) * (answered + unanswered);
  return rank > answered ? Number.POSITIVE_INFINITY : percentileMs((100 * rank) / answered);
}

/** The latency of a scope's answered requests on one clock (corrected or service). */
export interface AnsweredLatency {
  /** Answered requests (those with a latency). */
  count: number;
  statMs(stat: LatencyStat): number;
  percentileMs(percentile: number): number;
}

/** What every threshold metric of one scope (a phase or the run) is computed from. */
export interface ScopeFigures {
  sent: number;
  dropped: number;
  unexpected: number;
  /** Requests sent that got no answer (transport errors, those aborted at Ctrl-C included). */
  transportErrors: number;
  /** Requests that got an HTTP answer, whatever its status. */
  answered: number;
  latency(clock: 'corrected' | 'service'): AnsweredLatency;
  /** The times of the new connections the scope opened (connect, or TLS handshake): count 0 when none. */
  connectionTime(timing: ConnectionTiming): AnsweredLatency;
  /** Null while the scope is still sending: a rate is only judged over a whole phase. */
  achievedRatePerSec: number | null;
  /** Responses checked against the pact, those that broke it and their share; null when checks are off. */
  contract: { checked: number; count: number; rate: number } | null;
}

/**
 * Why a scope's figures cannot judge a metric, or null when they can: a scope that answered
 * nothing has no latency, error rate or rate worth passing, and a contract threshold over no
 * checked response has nothing to hold. Such a threshold fails with this reason.
 */
export function missingEvidence(metric: ThresholdMetric, scope: ScopeFigures): string | null {
  if (metric.kind === 'connectionTime')
    return scope.connectionTime(metric.timing).count > 0
      ? null
      : metric.timing === 'connect'
        ? 'no new connection was opened'
        : 'no TLS handshake was measured';
  if (scope.answered === 0) return 'no request was answered';
  if ((metric.kind === 'contractViolations' || metric.kind === 'contractViolationRate') && scope.contract?.checked === 0)
    return 'no response was checked against the pact';
  return null;
}

/**
 * Every latency statistic of a scope over all the requests it scheduled, by the thresholds' rule
 * (latencyOverAll): Infinity where the requests that got no answer reach into the statistic; NaN
 * for a scope with nothing scheduled. Tables, headlines and result.json show these, so they show
 * what the thresholds judge.
 */
export function latencySummaryOverAll(scope: ScopeFigures, clock: 'corrected' | 'service'): Record<LatencyStat, number> {
  const summary = {} as Record<LatencyStat, number>;
  const nothing = scope.answered + scope.transportErrors + scope.dropped === 0;
  for (const stat of LATENCY_STATS) summary[stat] = nothing ? Number.NaN : thresholdFigure({ kind: 'latency', clock, stat }, scope);
  return summary;
}

/** A threshold metric's value for a scope: the one definition the live checks and the verdict use. */
export function thresholdFigure(metric: ThresholdMetric, scope: ScopeFigures): number {
  switch (metric.kind) {
    case 'latency': {
      const latency = scope.latency(metric.clock);
      const unanswered = scope.transportErrors + scope.dropped;
      return latencyOverAll(
        metric.stat,
        latency.count,
        unanswered,
        (stat) => latency.statMs(stat),
        (percentile) => latency.percentileMs(percentile),
      );
    }
    case 'connectionTime':
      return scope.connectionTime(metric.timing).statMs(metric.stat);
    case 'errorRate':
      return errorRate(scope);
    case 'dropRate':
      return dropRate(scope);
    case 'achievedRate':
      return scope.achievedRatePerSec ?? Number.NaN;
    case 'contractViolations':
      return scope.contract?.count ?? 0;
    case 'contractViolationRate':
      return scope.contract?.rate ?? 0;
  }
}
