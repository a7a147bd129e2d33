import type { GeneratorMeasurements } from '../merge/measurements.ts';
import type { ShardFile } from '../merge/shardFile.ts';
import { sendStripe } from '../run/sendStripe.ts';
import type { StripeSend } from '../run/sendStripe.ts';
import { keepingWorkers } from '../scale/workers.ts';
import { trialPlan } from '../search/trial.ts';
import type { CoordinatorLink, Round } from './coordinatorClient.ts';

/**
 * A coordinated shard's part of a capacity search: the coordinator decides each trial and
 * announces it as a round; the shard sends its stripe of the trial and hands over what it
 * measured, until the coordinator says the search is over (or goes away).
 */
export async function sendCoordinatedTrials(
  link: CoordinatorLink,
  first: Round,
  send: Omit<StripeSend, 'startAt' | 'reportSecond' | 'announce' | 'processes'>,
  fileOf: (measured: GeneratorMeasurements) => Promise<ShardFile>,
): Promise<{ last: GeneratorMeasurements; trials: number }> {
  // This shard's workers are kept from one trial to the next.
  return keepingWorkers(send.workers, (processes) => sendEachTrial(link, first, { ...send, processes }, fileOf));
}

async function sendEachTrial(
  link: CoordinatorLink,
  first: Round,
  send: Omit<StripeSend, 'startAt' | 'reportSecond' | 'announce'>,
  fileOf: (measured: GeneratorMeasurements) => Promise<ShardFile>,
): Promise<{ last: GeneratorMeasurements; trials: number }> {
  let round = first;
  let trials = 0;
  for (;;) {
    if (!round.trial) throw new Error('bug: a search round without its trial');
    const { ratePerSec, holdMs } = round.trial;
    const current = round;
    send.control.onLine(`Trial ${round.trial.index}: ${ratePerSec}/s for ${holdMs / 1000} s (this shard's stripe of it)`);
    const { measured } = await sendStripe({
      ...send,
      plan: trialPlan(send.plan, ratePerSec, holdMs),
      job: { ...send.job, trial: round.trial },
      startAt: (until) => link.readyFor(current.round, until),
      reportSecond: (worker, second) => link.reportSecond(current.round, worker, second),
      announce: trials === 0,
    });
    trials++;
    link.sendDone(round.round, await fileOf(measured));
    const next = await link.nextRound(send.control.interrupt);
    if (typeof next !== 'object') return { last: measured, trials };
    round = next;
  }
}
