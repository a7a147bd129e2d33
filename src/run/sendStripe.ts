import type { PoolTarget } from '../engine/connectionPool.ts';
import type { GeneratorMeasurements } from '../merge/measurements.ts';
import type { LiveOutputs } from '../outputs/liveOutputs.ts';
import { secondReport } from '../scale/liveMerge.ts';
import type { WorkerSecond } from '../scale/liveMerge.ts';
import { within } from '../scale/stripe.ts';
import type { Stripe } from '../scale/stripe.ts';
import type { WorkerJob } from '../scale/workerProtocol.ts';
import { commonStartOf, runWorkers } from '../scale/workers.ts';
import type { CommonStart, WorkerProcesses } from '../scale/workers.ts';
import type { LoadPlan } from '../scenario/plan.ts';
import { runGenerator } from './generator.ts';
import { failingAbortThreshold, liveLine, recordersSoFar } from './monitor.ts';

/** How a stripe is stopped, and where it reports. */
export interface StripeControl {
  interrupt: AbortSignal;
  hurry?: AbortSignal;
  stop: AbortSignal;
  onLine(line: string): void;
  onProgress(line: string): void;
}

export interface StripeSend {
  plan: LoadPlan;
  target: PoolTarget;
  stripe: Stripe;
  /** Generator processes: 1 sends from this process, more start workers that split the stripe. */
  workers: number;
  job: Omit<WorkerJob, 'stripe' | 'workerIndex' | 'secondLagMs'>;
  env: Record<string, string | undefined>;
  /** When the schedule starts: a coordinator's start is asked for once this stripe's generators are ready. */
  startAt: CommonStart | undefined;
  control: StripeControl;
  live: LiveOutputs;
  /** A coordinated shard: each generator's seconds go to the coordinator, which judges abortOnFail. */
  reportSecond?: (worker: number, second: WorkerSecond) => void;
  /** Say which processes send (default true). */
  announce?: boolean;
  /** Worker processes kept from the stripe before (a coordinated search's trials). */
  processes?: WorkerProcesses;
}

/** Sends a stripe of the plan from this process, or from worker processes that split it, and returns what it measured. */
export async function sendStripe(send: StripeSend): Promise<{ measured: GeneratorMeasurements; perWorker: GeneratorMeasurements[] | null }> {
  const { plan, workers, control, reportSecond } = send;
  if (workers > 1) {
    if (send.announce !== false) control.onLine(`Starting ${workers} worker processes (each sends one request in ${workers} of the schedule)...`);
    const run = await runWorkers({
      plan,
      job: send.job,
      env: send.env,
      stripes: Array.from({ length: workers }, (_, w) => within(send.stripe, w, workers)),
      startAt: send.startAt,
      ...control,
      announce: send.announce,
      judgeAbortOnFail: !reportSecond,
      onWorkerSecond: reportSecond,
      processes: send.processes,
    });
    return { measured: run.measured, perWorker: run.workers };
  }
  // Stopped while it waits, it runs nothing: the generator sees the stop at once.
  const startAtEpochMs = await commonStartOf(send.startAt, AbortSignal.any([control.interrupt, control.stop]));
  if (startAtEpochMs !== undefined && startAtEpochMs > Date.now()) {
    control.onLine(`Waiting for the common start at ${new Date(startAtEpochMs).toISOString()}...`);
  }
  const withScopes = plan.scenario.thresholds.some((threshold) => threshold.abortOnFail);
  let reportedSeconds = 0;
  const measured = await runGenerator(plan, send.target, {
    stripe: send.stripe,
    startAtEpochMs,
    ...control,
    live: send.live.empty ? undefined : { outputs: send.live, searchTrialPerSec: send.job.trial?.ratePerSec },
    onSecond: (second) => {
      const { recorder, contract, engine, elapsedMs, phaseOffsetsMs } = second;
      const run = recordersSoFar(recorder, contract);
      control.onProgress(liveLine(plan.phases, run, engine.inFlight, engine.phaseIndex, elapsedMs, phaseOffsetsMs));
      if (reportSecond) {
        reportSecond(0, secondReport(second, reportedSeconds, withScopes));
        reportedSeconds = recorder.sealed.length;
        return undefined;
      }
      const failed = failingAbortThreshold(plan, run, engine.phaseIndex, phaseOffsetsMs);
      return failed && `threshold "${failed}" failed (abortOnFail)`;
    },
  });
  return { measured, perWorker: null };
}
