import type { ShardFile } from '../merge/shardFile.ts';
import { LiveMerge } from '../scale/liveMerge.ts';
import type { LoadPlan } from '../scenario/plan.ts';
import type { RoundTrial } from './protocol.ts';
import type { JoinedShard } from './shardRegistry.ts';

/**
 * Once every shard is ready, the start is announced this far ahead: every shard hears it in time
 * over any network a run spans (its workers then take 0.3 s to pass it on).
 */
export const START_LEAD_MS = 750;
/** After a stop, how long shards get to send what they measured before they count as lost. */
const STOP_GRACE_MS = 20_000;
/**
 * The merged live line and abortOnFail look at each second this long after it ends: shards report
 * it 50 ms after (their workers spread over the next 400 ms), and the network takes its share.
 */
const TICK_LAG_MS = 750;

export interface RoundOptions {
  /** What the shards run this round: the plan, or one trial of a search. */
  plan: LoadPlan;
  round: number;
  trial: RoundTrial | null;
  shards: readonly JoinedShard[];
  shardCount: number;
  /** The earliest start (epoch ms): a trial's, after the target's cooldown (its shards get ready meanwhile). */
  notBeforeEpochMs?: number;
  /** Judge abortOnFail on the merged figures (not in a search's trials: the search judges them). */
  judgeAbortOnFail: boolean;
  interrupt: AbortSignal;
  hurry?: AbortSignal;
  stop: AbortSignal;
  /** The round is announced: from now on no shard may join. */
  onPrepare(): void;
  onStart(startAtEpochMs: number): void;
  onLine(line: string): void;
  onProgress(line: string): void;
}

export interface RoundOutcome {
  /** The shards that sent what they measured, in shard order. */
  finished: { index: number; file: ShardFile }[];
  /** Why each shard that did not is missing, by name. */
  lost: string[];
  /** Why the round was stopped early, when it was. */
  stopReason: string | undefined;
  interrupted: boolean;
}

/**
 * One round of a coordinated run: announces one start to every shard, merges their seconds into
 * the live line, judges abortOnFail on the merged figures, stops every shard when one is lost, a
 * threshold fails or the coordinator is interrupted, and collects what each measured.
 */
export async function runRound(options: RoundOptions): Promise<RoundOutcome> {
  const { shards, round } = options;
  const name = (shard: JoinedShard) => `shard ${shard.index}/${options.shardCount} (${shard.host})`;
  const slots = new Map<JoinedShard, number>();
  let totalSlots = 0;
  for (const shard of shards) {
    slots.set(shard, totalSlots);
    totalSlots += shard.workers;
  }
  const live = new LiveMerge(totalSlots);
  const finished = new Map<number, ShardFile>();
  const lost = new Map<number, string>();
  let stopReason: string | undefined;
  let interrupted = false;
  let graceTimer: NodeJS.Timeout | undefined;
  let settle: () => void = () => {};
  const settled = new Promise<void>((resolve) => (settle = resolve));
  const checkSettled = () => {
    if (shards.every((shard) => finished.has(shard.index) || lost.has(shard.index))) settle();
  };
  // Every shard says when its generators are ready (its workers started); a stop ends the wait.
  const prepared = new Set<number>();
  let allPrepared: () => void = () => {};
  const ready = new Promise<void>((resolve) => (allPrepared = resolve));
  const checkPrepared = () => {
    if (stopReason !== undefined || shards.every((shard) => prepared.has(shard.index) || lost.has(shard.index))) allPrepared();
  };
  const stopAll = (reason: string) => {
    if (stopReason !== undefined) return;
    stopReason = reason;
    checkPrepared();
    options.onLine(`Stopping every shard: ${reason}. Waiting for what each measured...`);
    for (const shard of shards) shard.link.send({ type: 'stop', reason });
    graceTimer = setTimeout(() => {
      for (const shard of shards) {
        if (finished.has(shard.index) || lost.has(shard.index)) continue;
        lost.set(shard.index, `${name(shard)} sent nothing within ${STOP_GRACE_MS / 1000} s of the stop`);
      }
      settle();
    }, STOP_GRACE_MS);
  };
  const endedSlots = (shard: JoinedShard) => {
    for (let w = 0; w < shard.workers; w++) live.ended(slots.get(shard)! + w);
  };
  for (const shard of shards) {
    shard.link.onFrame((frame) => {
      if ((frame.type !== 'prepared' && frame.type !== 'second' && frame.type !== 'done') || frame.round !== round) return;
      if (frame.type === 'prepared') {
        prepared.add(shard.index);
        return checkPrepared();
      }
      if (frame.type === 'second') {
        if (frame.worker < shard.workers) live.update(slots.get(shard)! + frame.worker, frame.second);
        return;
      }
      if (frame.shard.shard.index !== shard.index) return shard.link.close(`it sent shard ${frame.shard.shard.index}'s measurements`);
      finished.set(shard.index, frame.shard);
      endedSlots(shard);
      const { measured } = frame.shard;
      // A shard that stopped on its own (its target lost, a worker died, Ctrl-C there) stops the run.
      if (measured.aborted && stopReason === undefined) stopAll(`${name(shard)} stopped: ${measured.abortReason ?? 'aborted'}`);
      checkSettled();
    });
    shard.link.onClose((reason) => {
      if (finished.has(shard.index) || lost.has(shard.index)) return;
      lost.set(shard.index, `${name(shard)} was lost (${reason})`);
      endedSlots(shard);
      stopAll(`${name(shard)} was lost (${reason})`);
      checkSettled();
    });
  }
  const onInterrupt = () => {
    interrupted = stopReason === undefined;
    stopAll(`interrupted (${String(options.interrupt.reason ?? 'signal')})`);
  };
  const onStop = () => stopAll(String(options.stop.reason));
  const onHurry = () => {
    for (const shard of shards) shard.link.send({ type: 'hurry' });
  };
  options.interrupt.addEventListener('abort', onInterrupt, { once: true });
  options.stop.addEventListener('abort', onStop, { once: true });
  options.hurry?.addEventListener('abort', onHurry, { once: true });

  options.onPrepare();
  for (const shard of shards) shard.link.send({ type: 'prepare', round, trial: options.trial });
  if (options.interrupt.aborted) onInterrupt();
  if (options.stop.aborted) onStop();
  let stopWatching = () => {};
  try {
    await ready;
    // Stopped before the start, the shards were told: each ends its round without sending.
    if (stopReason === undefined) {
      const startAtEpochMs = Math.max(Date.now() + START_LEAD_MS, options.notBeforeEpochMs ?? 0);
      options.onStart(startAtEpochMs);
      for (const shard of shards) shard.link.send({ type: 'start', round, startAtEpochMs });
      stopWatching = live.watchEachSecond({
        plan: options.plan,
        startAtEpochMs,
        lagMs: TICK_LAG_MS,
        judgeAbortOnFail: options.judgeAbortOnFail,
        onProgress: options.onProgress,
        onThresholdFailed: (expr) => stopAll(`threshold "${expr}" failed (abortOnFail) on every shard's figures merged`),
      });
    }
    checkSettled();
    await settled;
  } finally {
    stopWatching();
    clearTimeout(graceTimer);
    options.interrupt.removeEventListener('abort', onInterrupt);
    options.stop.removeEventListener('abort', onStop);
    options.hurry?.removeEventListener('abort', onHurry);
  }
  return {
    finished: [...finished.entries()].sort(([a], [b]) => a - b).map(([index, file]) => ({ index, file })),
    lost: [...lost.entries()].sort(([a], [b]) => a - b).map(([, reason]) => reason),
    stopReason,
    interrupted,
  };
}
