// A capacity search: held trials, each an ordinary open-model run of the engine (latency from the
// scheduled send, drops counted, contract checks on), judged on its own figures against the SLO.
// The rate grows by `factor` while trials hold, then is bisected between the last held and the
// first failed rate until `precision`, then the rate found is confirmed by a longer trial.
import { performance } from 'node:perf_hooks';
import { ExitCode, UserError } from '../errors.ts';
import type { GeneratorMeasurements } from '../merge/measurements.ts';
import { mergeMeasurements } from '../merge/mergeMeasurements.ts';
import type { CapacityResult } from '../report/resultModel.ts';
import type { LoadPlan } from '../scenario/plan.ts';
import { formatDurationMs } from '../util/duration.ts';
import { describeTrial, sloValue } from '../report/capacityText.ts';
import { judgeTrial, trialPlan } from './trial.ts';
import type { Trial } from './trial.ts';
import type { TrialLoad } from './trialLoad.ts';

/** A trial that held its SLO but sent less than this share of its rate was limited by this side. */
export const GENERATOR_SHORTFALL = 0.9;
/** How long a recovery probe (a trial at the first rate, after an overload) holds. */
const PROBE_MS = 1000;
/** How often a failed confirmation steps the rate down before the search gives up on confirming. */
const MAX_STEP_DOWNS = 2;

export interface SearchOptions {
  interrupt: AbortSignal;
  /** Stops the search at once (the target was lost). */
  stop?: AbortSignal;
  /** Receives status lines and a line per trial as it ends. */
  onLine(line: string): void;
  /** Receives the live line of the trial running, once a second. */
  onProgress(line: string): void;
}

/** What a search measured (its trials merged into one phase, on one clock) and what it found. */
export interface SearchRun {
  measured: GeneratorMeasurements;
  capacity: CapacityResult;
}

/** Rates as a search tries them: whole requests per second (a tenth below 10/s). */
function roundRate(ratePerSec: number): number {
  return ratePerSec >= 10 ? Math.round(ratePerSec) : Math.round(ratePerSec * 10) / 10;
}

/** Runs the search phase of `plan` (its only phase), each trial sent by `sendTrial`. */
export async function runSearch(plan: LoadPlan, sendTrial: TrialLoad, options: SearchOptions): Promise<SearchRun> {
  const phase = plan.phases[0]!;
  if (phase.kind !== 'search') throw new Error('bug: runSearch needs a plan whose phase is a search');
  const { search } = phase;
  const startedMs = performance.now();
  const parts: GeneratorMeasurements[] = [];
  /** When the next trial may start (epoch ms): the target rests until then after the last one ended. */
  let restUntilEpochMs = Date.now();
  const trials: Trial[] = [];
  /** The trial running or starting when the search was stopped. */
  let stoppedDuring: CapacityResult['stoppedDuring'] = null;
  /** Why a trial ended the search on its own (a worker lost), when one did. */
  let lost: string | null = null;
  const stopped = () => options.interrupt.aborted || options.stop?.aborted === true || lost !== null;

  /** The server's median time in the first trial, unloaded: a later one far above it means the server queues. */
  let unloadedServiceP50Ms: number | undefined;
  /** Runs and judges a trial; `waitedHere` only counts when the server's own times stayed as they were unloaded. */
  const runTrial = async (ratePerSec: number, holdMs: number, role: Trial['role']): Promise<{ trial: Trial; waitedHere: boolean } | null> => {
    const label =
      role === 'trial' ? `trial ${trials.filter((t) => t.role === 'trial').length + 1}` : role === 'confirmation' ? 'confirmation' : 'recovery probe';
    const measured = await sendTrial({
      plan: trialPlan(plan, ratePerSec, holdMs),
      ratePerSec,
      holdMs,
      startAtEpochMs: restUntilEpochMs,
      onProgress: (live) => options.onProgress(`${label} ${live}`),
    });
    // Stopped before it sent anything (during the cooldown, or as its workers started): not a trial.
    if (measured === null || (stopped() && measured.overall.snapshot.requests.sent === 0)) {
      stoppedDuring = { askedPerSec: ratePerSec, role };
      return null;
    }
    parts.push(measured);
    if (measured.aborted) stoppedDuring = { askedPerSec: ratePerSec, role };
    if (measured.aborted && !measured.interrupted && !options.stop?.aborted) lost = measured.abortReason ?? 'a generator was lost';
    const { trial, waitedHere, serviceP50Ms } = judgeTrial(measured, ratePerSec, holdMs, search.slo, role);
    unloadedServiceP50Ms ??= serviceP50Ms;
    const serverQueued = serviceP50Ms > 2 * unloadedServiceP50Ms + 5;
    trials.push(trial);
    options.onLine(describeTrial(trial, trials.filter((t) => t.role === 'trial').length));
    // Requests that waited here for a connection while the server queued them (its own times grew)
    // waited for the server: only a wait with the server's times as they were unloaded is this side's.
    return { trial, waitedHere: waitedHere && !serverQueued };
  };
  // The target rests a cooldown after each trial ended; the next trial's generators get ready meanwhile.
  const cooldown = () => {
    restUntilEpochMs = Date.now() + search.cooldownMs;
  };
  const timeLeft = (holdMs: number) => performance.now() - startedMs + Math.max(0, restUntilEpochMs - Date.now()) + holdMs <= search.maxDurationMs;
  const firstFailure = (trial: Trial) => `at ${trial.askedPerSec}/s ${trial.failed[0]!.expr} was ${sloValue(trial.failed[0]!)}`;

  let heldPerSec: number | null = null;
  let failedPerSec: number | null = null;
  let reason: string | null = null;
  let bound: CapacityResult['bound'] | null = null;
  let ratePerSec = roundRate(search.fromPerSec);
  options.onLine(
    `Searching the capacity from ${ratePerSec}/s up to ${search.maxPerSec}/s, ${formatDurationMs(search.holdMs)} a trial, within ${search.slo.map((s) => s.expr).join(', ')}`,
  );
  while (bound === null) {
    if (stopped()) bound = 'interrupted';
    else if (!timeLeft(search.holdMs)) bound = 'time';
    if (bound !== null) break;
    const ran = await runTrial(ratePerSec, search.holdMs, 'trial');
    if (ran === null || stopped()) {
      bound = 'interrupted';
      break;
    }
    const { trial, waitedHere } = ran;
    if ((trial.held && trial.achievedPerSec < GENERATOR_SHORTFALL * ratePerSec) || waitedHere) {
      bound = 'generator';
      reason = trial.held
        ? `the generator sent ${trial.achievedPerSec}/s of ${ratePerSec}/s asked: this side's limit here, not the server's (add --workers or shards)`
        : `at ${ratePerSec}/s requests waited on this side before they were sent (the server's own times held the SLO): the generator's limit here, or target.maxConnections (add --workers or shards, or connections)`;
      break;
    }
    if (trial.held) {
      heldPerSec = ratePerSec;
      if (ratePerSec >= search.maxPerSec) {
        bound = 'max';
        reason = `held at max (${search.maxPerSec}/s): the capacity may be higher`;
        break;
      }
    } else {
      failedPerSec = ratePerSec;
      reason = firstFailure(trial);
      if (heldPerSec === null) {
        bound = 'server';
        break;
      }
      cooldown();
      // The target must be back to what it was before the next trial can be judged on its own.
      const probe = (await runTrial(roundRate(search.fromPerSec), Math.min(PROBE_MS, search.holdMs), 'recoveryProbe'))?.trial;
      if (probe && !probe.held && !stopped()) {
        bound = 'notRecovered';
        reason = `${reason}; after a ${formatDurationMs(search.cooldownMs)} cooldown the target still failed at ${probe.askedPerSec}/s (not recovered)`;
        break;
      }
    }
    const next = failedPerSec === null ? Math.min(search.maxPerSec, ratePerSec * search.factor) : (heldPerSec! + failedPerSec) / 2;
    if (failedPerSec !== null && (failedPerSec - heldPerSec!) / heldPerSec! <= search.precision) {
      bound = 'server';
      break;
    }
    if (roundRate(next) === ratePerSec || roundRate(next) === heldPerSec || roundRate(next) === failedPerSec) {
      bound = 'server';
      break;
    }
    ratePerSec = roundRate(next);
    cooldown();
  }

  // The rate found holds for longer, or the search steps down and says so.
  let steps = 0;
  while (heldPerSec !== null && (bound === 'server' || bound === 'max') && !stopped() && steps <= MAX_STEP_DOWNS) {
    cooldown();
    const confirmation = (await runTrial(heldPerSec, search.confirmMs, 'confirmation'))?.trial;
    if (!confirmation || confirmation.held || stopped()) break;
    const stepped = roundRate(heldPerSec * (1 - search.precision));
    reason = `${reason ?? ''}${reason ? '; ' : ''}the confirmation at ${heldPerSec}/s failed (${firstFailure(confirmation).replace(/^at [^ ]+ /, '')}), stepped down to ${stepped}/s`;
    failedPerSec = heldPerSec;
    heldPerSec = steps < MAX_STEP_DOWNS ? stepped : null;
    steps++;
  }
  if (stopped()) bound = 'interrupted';
  if (parts.length === 0) {
    throw new UserError('Stopped before the first trial started: nothing was measured', {
      exitCode: options.interrupt.aborted ? ExitCode.interrupted : ExitCode.targetNotUsable,
    });
  }

  const measured = onOneClock(parts);
  return {
    // A stop between trials, or before a trial sent anything, stops the run as much as one mid-trial.
    measured:
      options.interrupt.aborted && !measured.interrupted
        ? { ...measured, aborted: true, interrupted: true, abortReason: `interrupted (${String(options.interrupt.reason ?? 'signal')})` }
        : measured,
    capacity: {
      heldPerSec,
      failedPerSec,
      reason,
      bound: bound ?? 'server',
      atLeastPerSec: search.atLeastPerSec,
      stoppedDuring: bound === 'interrupted' ? stoppedDuring : null,
      trials,
    },
  };
}

/** The trials' measurements as one phase on one clock: each shifted by when its schedule started after the first's. */
function onOneClock(parts: readonly GeneratorMeasurements[]): GeneratorMeasurements {
  const firstStartEpochMs = parts[0]!.scheduleStartEpochMs;
  const shifted = parts.map((measured) => {
    const offsetMs = measured.scheduleStartEpochMs - firstStartEpochMs;
    const shiftWindow = <T extends { snapshot: { sendWindowMs: { firstMs: number; lastMs: number } | null } }>(stats: T): T => ({
      ...stats,
      snapshot: {
        ...stats.snapshot,
        sendWindowMs: stats.snapshot.sendWindowMs && {
          firstMs: stats.snapshot.sendWindowMs.firstMs + offsetMs,
          lastMs: stats.snapshot.sendWindowMs.lastMs + offsetMs,
        },
      },
    });
    const seconds = Math.round(offsetMs / 1000);
    return {
      ...measured,
      sendingEndedMs: measured.sendingEndedMs + offsetMs,
      phaseStartOffsetsMs: [0],
      overall: shiftWindow(measured.overall),
      phases: measured.phases.map(shiftWindow),
      timeline: measured.timeline.map((second) => ({ ...second, second: second.second + seconds })),
    };
  });
  return mergeMeasurements(shifted);
}
