// How a trial's load is sent: by this process, or striped over worker processes that the
// coordinator keeps from one trial to the next. The search decides the trials; this only sends one
// and hands back what it measured, merged.
import type { PoolTarget } from '../engine/connectionPool.ts';
import { ExitCode, UserError } from '../errors.ts';
import type { GeneratorMeasurements } from '../merge/measurements.ts';
import { runGenerator } from '../run/generator.ts';
import type { LiveOutputs } from '../outputs/liveOutputs.ts';
import type { GeneratorOptions } from '../run/generator.ts';
import { liveLine, recordersSoFar } from '../run/monitor.ts';
import { WHOLE_RUN, within } from '../scale/stripe.ts';
import type { WorkerJob } from '../scale/workerProtocol.ts';
import { runWorkers } from '../scale/workers.ts';
import type { WorkerProcesses } from '../scale/workers.ts';
import type { LoadPlan } from '../scenario/plan.ts';

/** A trial to send: the search's plan held at one rate, and where its live line goes. */
export interface TrialRequest {
  plan: LoadPlan;
  ratePerSec: number;
  holdMs: number;
  /** When its schedule starts (epoch ms): after the target's cooldown. */
  startAtEpochMs: number;
  /** Receives the trial's live line once a second. */
  onProgress(line: string): void;
}

/** Sends one trial and returns its measurements; null when it was stopped before it began. */
export type TrialLoad = (trial: TrialRequest) => Promise<GeneratorMeasurements | null>;

type Control = Pick<GeneratorOptions, 'interrupt' | 'hurry' | 'onLine'> & { stop: AbortSignal };

/** Each trial sent by this process. */
export function inProcessTrials(target: PoolTarget, control: Control, live: LiveOutputs): TrialLoad {
  return async ({ plan, ratePerSec, startAtEpochMs, onProgress }) => {
    await restUntil(startAtEpochMs, [control.interrupt, control.stop]);
    if (control.interrupt.aborted || control.stop.aborted) return null;
    return runGenerator(plan, target, {
      ...control,
      // One process sends every trial: its counters carry on from one to the next.
      live: live.empty ? undefined : { outputs: live, searchTrialPerSec: ratePerSec },
      onSecond: ({ recorder, contract, engine, elapsedMs, phaseOffsetsMs }) => {
        onProgress(liveLine(plan.phases, recordersSoFar(recorder, contract), engine.inFlight, engine.phaseIndex, elapsedMs, phaseOffsetsMs));
        return undefined;
      },
    });
  };
}

/**
 * Each trial striped over `workers` processes (one request in `workers` each, as any run with
 * --workers): their figures merged are the trial's, judged as one process's would be. The
 * processes are kept from one trial to the next; the caller closes them after the search.
 */
export function workerTrials(
  workers: number,
  processes: WorkerProcesses,
  job: Omit<WorkerJob, 'stripe' | 'workerIndex' | 'secondLagMs' | 'trial'>,
  env: Record<string, string | undefined>,
  control: Control,
): TrialLoad {
  let trialsStarted = 0;
  return async ({ plan, ratePerSec, holdMs, startAtEpochMs, onProgress }) => {
    const first = trialsStarted++ === 0;
    try {
      const run = await runWorkers({
        plan,
        job: { ...job, trial: { ratePerSec, holdMs, index: trialsStarted } },
        env,
        stripes: Array.from({ length: workers }, (_, w) => within(WHOLE_RUN, w, workers)),
        // The workers get ready (the first time, start up) while the target rests.
        startAt: startAtEpochMs,
        processes,
        // Which processes send is said once; every trial has the same split.
        announce: first,
        ...control,
        onProgress,
      });
      return run.measured;
    } catch (error) {
      // Stopped while the workers started: the trials before it stand; this one never sent.
      if (error instanceof UserError && error.exitCode !== ExitCode.badInput && (control.interrupt.aborted || control.stop.aborted)) return null;
      throw error;
    }
  };
}

/** Waits until `epochMs`, or less when any signal aborts. */
function restUntil(epochMs: number, signals: readonly AbortSignal[]): Promise<void> {
  return new Promise((resolve) => {
    if (signals.some((signal) => signal.aborted)) return resolve();
    const timer = setTimeout(done, Math.max(0, epochMs - Date.now()));
    for (const signal of signals) signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      for (const signal of signals) signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
