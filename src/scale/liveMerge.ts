import type { MeasuredStats } from '../report/buildResult.ts';
import type { TimelineSecond } from '../metrics/runRecorder.ts';
import { mergeStats, mergeTimelines } from '../merge/mergeMeasurements.ts';
import { storedFigures } from '../metrics/storedFigures.ts';
import type { RunSoFar } from '../run/monitor.ts';

/** What a worker reports just after each second of its run. */
export interface WorkerSecond {
  /** Seconds before this one are sealed in the worker: their counts will not change. */
  sealedBefore: number;
  /** Seconds sealed since the worker's last report. */
  sealed: TimelineSecond[];
  inFlight: number;
  phaseIndex: number;
  overall: MeasuredStats;
  phases: MeasuredStats[];
}

/**
 * Every worker's latest figures merged into one view of the run so far, for the live line and
 * abortOnFail: a second is shown once every worker has sealed it, scopes are merged exactly (see
 * merge/mergeMeasurements.ts) when a threshold asks. Ids answered to two workers are only found by
 * the final merge, so the live contract count can be lower than the final one, never higher.
 */
export class LiveMerge {
  readonly #latest: (WorkerSecond | undefined)[];
  readonly #seconds = new Map<number, TimelineSecond[]>();
  /** Workers that ended: they no longer hold back sealed seconds. */
  readonly #ended: boolean[];

  constructor(workerCount: number) {
    this.#latest = Array.from({ length: workerCount }, () => undefined);
    this.#ended = Array.from({ length: workerCount }, () => false);
  }

  update(worker: number, report: WorkerSecond): void {
    this.#latest[worker] = report;
    for (const second of report.sealed) this.#seconds.set(second.second, [...(this.#seconds.get(second.second) ?? []), second]);
  }

  ended(worker: number): void {
    this.#ended[worker] = true;
  }

  get inFlight(): number {
    return this.#latest.reduce((sum, report) => sum + (report?.inFlight ?? 0), 0);
  }

  get phaseIndex(): number {
    return Math.max(0, ...this.#latest.map((report) => report?.phaseIndex ?? 0));
  }

  /** The run so far, merged over every worker's last report. */
  view(): RunSoFar {
    const reports = this.#latest.filter((report) => report !== undefined);
    const sum = (of: (stats: MeasuredStats) => number) => reports.reduce((total, report) => total + of(report.overall), 0);
    const contractCounts = reports.map((report) => report.overall.contract?.count ?? null);
    return {
      lastSealed: () => this.#lastSealed(),
      sent: sum((s) => s.snapshot.requests.sent),
      unexpected: sum((s) => s.snapshot.unexpected),
      dropped: sum((s) => s.snapshot.requests.dropped),
      contractViolations: contractCounts.length === 0 || contractCounts.includes(null) ? null : contractCounts.reduce((a, b) => a! + b!, 0),
      scope: (phaseIndex) => {
        const parts = reports.map((report) => (phaseIndex === undefined ? report.overall : report.phases[phaseIndex]!));
        const completed = parts.reduce((total, part) => total + part.snapshot.requests.completed, 0);
        return {
          completed,
          get figures() {
            const merged = mergeStats(parts);
            return storedFigures({
              ...merged.snapshot,
              histogram: merged.histogram,
              serviceHistogram: merged.serviceHistogram,
              achievedRate: null,
              contract: merged.contract,
            });
          },
        };
      },
    };
  }

  #lastSealed(): TimelineSecond | undefined {
    const sealedBefore = Math.min(...this.#latest.map((report, worker) => (this.#ended[worker] ? Number.POSITIVE_INFINITY : (report?.sealedBefore ?? 0))));
    const complete = [...this.#seconds.keys()].filter((second) => second < sealedBefore);
    if (complete.length === 0) return undefined;
    const last = Math.max(...complete);
    for (const second of complete) if (second < last) this.#seconds.delete(second);
    return mergeTimelines(this.#seconds.get(last)!.map((second) => [second]))[0];
  }
}
