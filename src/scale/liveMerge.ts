import type { MeasuredStats } from '../report/buildResult.ts';
import type { TimelineSecond } from '../metrics/runRecorder.ts';
import { mergeSendWindows, mergeStats, mergeTimelines } from '../merge/mergeMeasurements.ts';
import { storedFigures } from '../metrics/storedFigures.ts';
import type { RunSoFar } from '../run/monitor.ts';
import { failingAbortThreshold, liveLine } from '../run/monitor.ts';
import { phaseStartOffsetsMs } from '../engine/schedule.ts';
import type { LoadPlan } from '../scenario/plan.ts';
import type { RunRecorder } from '../metrics/runRecorder.ts';
import type { ContractRecorder } from '../checks/contractRecorder.ts';
import type { EngineStatus } from '../engine/loadEngine.ts';
import { scopeFigures } from '../run/generator.ts';

/** What a worker reports just after each second of its run. */
export interface WorkerSecond {
  /** Seconds before this one are sealed in the worker: their counts will not change. */
  sealedBefore: number;
  /** Seconds sealed since the worker's last report. */
  sealed: TimelineSecond[];
  inFlight: number;
  phaseIndex: number;
  /** The live line's run totals. */
  totals: { sent: number; unexpected: number; dropped: number; contractViolations: number | null };
  /**
   * Every scope's figures, histograms included, for abortOnFail; null when the scenario has no
   * abortOnFail threshold (building them blocks the worker for milliseconds, which shows in the
   * latency of requests in flight).
   */
  scopes: { overall: MeasuredStats; phases: MeasuredStats[] } | null;
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
    const sum = (of: (totals: WorkerSecond['totals']) => number) => reports.reduce((total, report) => total + of(report.totals), 0);
    const contractCounts = reports.map((report) => report.totals.contractViolations);
    return {
      lastSealed: () => this.#lastSealed(),
      sent: sum((t) => t.sent),
      unexpected: sum((t) => t.unexpected),
      dropped: sum((t) => t.dropped),
      contractViolations: contractCounts.length === 0 || contractCounts.includes(null) ? null : contractCounts.reduce((a, b) => a! + b!, 0),
      scope: (phaseIndex) => {
        const parts = reports.map((report) => {
          if (!report.scopes) throw new Error('bug: a threshold asked for figures the workers were told not to send');
          return phaseIndex === undefined ? report.scopes.overall : report.scopes.phases[phaseIndex]!;
        });
        const completed = parts.reduce((total, part) => total + part.snapshot.requests.completed, 0);
        return {
          completed,
          sent: parts.reduce((total, part) => total + part.snapshot.requests.sent, 0),
          sendWindowMs: mergeSendWindows(parts.map((part) => part.snapshot.sendWindowMs)),
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

  /**
   * Each second of the run, `lagMs` after it ends (when every generator has reported it): the
   * merged live line, and abortOnFail judged on the merged figures when `judgeAbortOnFail`.
   * Returns how to stop watching.
   */
  watchEachSecond(options: {
    plan: LoadPlan;
    startAtEpochMs: number;
    lagMs: number;
    judgeAbortOnFail: boolean;
    onProgress(line: string): void;
    onThresholdFailed(expr: string): void;
  }): () => void {
    const { plan } = options;
    const phaseOffsetsMs = phaseStartOffsetsMs(plan.phases);
    let ticker: NodeJS.Timeout | undefined;
    const tick = () => {
      const run = this.view();
      options.onProgress(liveLine(plan.phases, run, this.inFlight, this.phaseIndex, Date.now() - options.startAtEpochMs, phaseOffsetsMs));
      const failed = options.judgeAbortOnFail && failingAbortThreshold(plan, run, this.phaseIndex, phaseOffsetsMs);
      if (failed) options.onThresholdFailed(failed);
    };
    const aligner = setTimeout(
      () => {
        ticker = setInterval(tick, 1000);
        tick();
      },
      Math.max(0, options.startAtEpochMs + 1000 + options.lagMs - Date.now()),
    );
    return () => {
      clearTimeout(aligner);
      clearInterval(ticker);
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

/**
 * What a generator reports of each second to whoever merges it (a local coordinator, or a shard's
 * over the network): the seconds sealed since its last report (`sentSeconds` of them went before),
 * and every scope's figures when an abortOnFail threshold needs them.
 */
export function secondReport(
  second: { recorder: RunRecorder; contract: ContractRecorder | null; engine: EngineStatus; elapsedMs: number },
  sentSeconds: number,
  withScopes: boolean,
): WorkerSecond {
  const { recorder, contract, engine } = second;
  return {
    sealedBefore: Math.floor(second.elapsedMs / 1000),
    sealed: recorder.sealed.slice(sentSeconds),
    inFlight: engine.inFlight,
    phaseIndex: engine.phaseIndex,
    totals: {
      sent: recorder.overall.sent,
      unexpected: recorder.overall.unexpected,
      dropped: recorder.overall.droppedTotal,
      contractViolations: contract?.violatingResponses ?? null,
    },
    scopes: withScopes ? scopeFigures(recorder, contract) : null,
  };
}
