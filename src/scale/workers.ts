import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { ExitCode, UserError } from '../errors.ts';
import { generatorMeasurementsSchema } from '../merge/measurements.ts';
import type { GeneratorMeasurements } from '../merge/measurements.ts';
import { mergeMeasurements } from '../merge/mergeMeasurements.ts';
import type { LoadPlan } from '../scenario/plan.ts';
import { LiveMerge } from './liveMerge.ts';
import type { WorkerSecond } from './liveMerge.ts';
import { describeStripe } from './stripe.ts';
import type { Stripe } from './stripe.ts';
import type { CoordinatorMessage, WorkerJob, WorkerMessage } from './workerProtocol.ts';
import { childEntry } from '../util/childEntry.ts';

const WORKER_ENTRY = childEntry(new URL('./workerMain.ts', import.meta.url));
/** Time for every worker to receive the start before it is due. */
const START_LEAD_MS = 300;
/** After a stop, how long workers get to send what they measured before they are killed. */
const STOP_GRACE_MS = 15_000;
/** Workers report each second this long after it ends, spread over REPORT_SPREAD_MS. */
const REPORT_LAG_MS = 50;
const REPORT_SPREAD_MS = 400;

/**
 * When a run's schedule starts: an epoch ms known beforehand (--start-at, a trial's cooldown end),
 * or one asked for once every generator here is ready (a coordinator's start, which waits for every
 * shard), which resolves at once when `until` aborts.
 */
export type CommonStart = number | ((until: AbortSignal) => Promise<number>);

/** The common start, asked for now if it must be; undefined for none (start at once). */
export function commonStartOf(start: CommonStart | undefined, until: AbortSignal): Promise<number | undefined> {
  return typeof start === 'function' ? start(until) : Promise.resolve(start);
}

/** Starts one worker process. */
function forkWorker(): ChildProcess {
  const child = fork(WORKER_ENTRY.file, [], {
    execArgv: WORKER_ENTRY.execArgv,
    env: { ...process.env, PACT_DO_NOT_TRACK: 'true' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
    // A process group of its own: a terminal's Ctrl-C reaches the coordinator only, which stops the
    // workers itself. Otherwise a worker still loading (before it could ignore SIGINT) dies of it.
    // A worker still exits when the coordinator goes away (its IPC channel closes).
    detached: true,
  });
  child.on('error', () => {});
  return child;
}

/**
 * Worker processes kept from one run to the next (a capacity search's trials): each is started
 * once, and again only after it ended. Between runs they wait for their next job.
 */
export class WorkerProcesses {
  readonly #children: ChildProcess[] = [];

  /** The process of worker `index`, started now unless one is running. */
  get(index: number): { child: ChildProcess; fresh: boolean } {
    const running = this.#children[index];
    if (running && running.exitCode === null && running.signalCode === null && running.connected) return { child: running, fresh: false };
    const child = forkWorker();
    this.#children[index] = child;
    return { child, fresh: true };
  }

  /** Lets every process go: a worker exits when its channel closes. */
  close(): void {
    for (const child of this.#children) if (child.connected) child.disconnect();
  }
}

/**
 * Runs `use` with worker processes kept for its whole length (a search's trials), then lets them
 * go however it ended; one generator (`workers` 1) sends from this process, and gets none.
 */
export async function keepingWorkers<T>(workers: number, use: (processes: WorkerProcesses | undefined) => Promise<T>): Promise<T> {
  const processes = workers > 1 ? new WorkerProcesses() : undefined;
  try {
    return await use(processes);
  } finally {
    processes?.close();
  }
}

export interface RunWorkersOptions {
  plan: LoadPlan;
  job: Omit<WorkerJob, 'stripe' | 'workerIndex' | 'secondLagMs'>;
  env: Record<string, string | undefined>;
  /** One stripe per worker, in order. */
  stripes: Stripe[];
  startAt?: CommonStart;
  interrupt: AbortSignal;
  /** A second interrupt: every worker stops waiting for its requests in flight. */
  hurry?: AbortSignal;
  stop: AbortSignal;
  onLine(line: string): void;
  onProgress(line: string): void;
  /** Says which processes send (default true); a search's later trials have the same split. */
  announce?: boolean;
  /** Each worker's report of each second, as it arrives: a shard hands them on to its coordinator. */
  onWorkerSecond?(worker: number, second: WorkerSecond): void;
  /** Judge abortOnFail here (default true); a coordinated shard leaves it to its coordinator, which sees every shard. */
  judgeAbortOnFail?: boolean;
  /** Processes kept for the next run (a search's trials); without them, each worker is a process started for this run. */
  processes?: WorkerProcesses;
}

interface Worker {
  index: number;
  child: ChildProcess;
  /** Started for this run (not kept from the one before). */
  fresh: boolean;
  ready: boolean;
  measured: GeneratorMeasurements | undefined;
  /** Its part is over: it sent its measurements and (unless kept) exited, or it died. */
  finished: Promise<void>;
  finish(): void;
  /** How it ended when that was not after sending its measurements. */
  death: string | undefined;
}

/**
 * Runs the plan on one worker process per stripe and merges what they measured. The live line and
 * abortOnFail read every worker's figures merged; Ctrl-C, a failed threshold or a lost target stop
 * every worker, which still send what they measured. A worker that dies stops the run: the others'
 * measurements are merged and the result says it was aborted, and why.
 */
export async function runWorkers(options: RunWorkersOptions): Promise<{ measured: GeneratorMeasurements; workers: GeneratorMeasurements[] }> {
  const { plan, stripes } = options;
  const live = new LiveMerge(stripes.length);
  let stopReason: string | undefined;
  let interrupted = false;
  let started = false;
  let killTimer: NodeJS.Timeout | undefined;
  const send = (worker: Worker, message: CoordinatorMessage) => {
    if (worker.child.connected) worker.child.send(message, () => {});
  };
  const kept = options.processes;
  // What this run attached to each process, taken off at its end (a kept process outlives it).
  const detach: (() => void)[] = [];
  const workers: Worker[] = stripes.map((stripe, index) => {
    const { child, fresh } = kept ? kept.get(index) : { child: forkWorker(), fresh: true };
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const worker: Worker = { index, child, fresh, ready: false, measured: undefined, death: undefined, finished, finish };
    // 'close', not 'exit': a worker sends its measurements and exits at once, and its exit can be
    // seen before the message is read from the channel (a loaded machine showed it: the run called
    // a worker that had finished "ended unexpectedly"). 'close' comes after the channel has
    // delivered everything. A kept worker has finished when its measurements arrive.
    const onClose = (code: number | null, signal: NodeJS.Signals | null) => {
      if (!worker.measured) worker.death = `worker ${index} (pid ${child.pid}) ended unexpectedly (${signal ? `signal ${signal}` : `exit code ${code}`})`;
      live.ended(index);
      finish();
    };
    child.once('close', onClose);
    detach.push(() => child.off('close', onClose));
    // Reports spread over the first half of each second, the coordinator's tick after them all.
    const secondLagMs = REPORT_LAG_MS + Math.floor((REPORT_SPREAD_MS * index) / stripes.length);
    child.send({
      type: 'job',
      job: { ...options.job, stripe, workerIndex: index, secondLagMs, stay: kept !== undefined },
      env: options.env,
    } satisfies CoordinatorMessage);
    return worker;
  });
  // Ends the wait for every worker's ready (set below): a stop before the start need not wait for them.
  let checkReady = () => {};
  const stopAll = (reason: string) => {
    if (stopReason !== undefined) return;
    stopReason = reason;
    checkReady();
    if (started) options.onLine(`Stopping every worker: ${reason}. Waiting briefly for requests in flight...`);
    for (const worker of workers) send(worker, { type: 'stop', reason });
    killTimer = setTimeout(() => {
      for (const worker of workers) if (worker.child.exitCode === null && !worker.measured) worker.child.kill('SIGKILL');
    }, STOP_GRACE_MS);
  };
  const onInterrupt = () => {
    interrupted = stopReason === undefined;
    stopAll(`interrupted (${String(options.interrupt.reason ?? 'signal')})`);
  };
  const onStop = () => stopAll(String(options.stop.reason));
  options.interrupt.addEventListener('abort', onInterrupt, { once: true });
  options.stop.addEventListener('abort', onStop, { once: true });
  const onHurry = () => {
    for (const worker of workers) if (worker.child.connected) send(worker, { type: 'hurry' });
  };
  options.hurry?.addEventListener('abort', onHurry, { once: true });

  let failure: UserError | undefined;
  const allReady = new Promise<void>((resolve) => {
    const check = () => {
      if (workers.every((w) => w.ready) || failure || stopReason !== undefined) resolve();
    };
    checkReady = check;
    for (const worker of workers) {
      const onMessage = (message: WorkerMessage) => {
        switch (message.type) {
          case 'ready':
            worker.ready = true;
            break;
          case 'failed':
            failure ??= new UserError(message.message, { exitCode: message.exitCode, problems: message.problems });
            break;
          case 'line':
            options.onLine(`worker ${worker.index}: ${message.text}`);
            break;
          case 'second':
            live.update(worker.index, message.second);
            options.onWorkerSecond?.(worker.index, message.second);
            break;
          case 'done':
            worker.measured = generatorMeasurementsSchema.parse(message.measured);
            // A kept worker stays for the next run: its part of this one is over.
            if (kept) {
              live.ended(worker.index);
              worker.finish();
            }
            break;
        }
        check();
      };
      worker.child.on('message', onMessage);
      detach.push(() => worker.child.off('message', onMessage));
      void worker.finished.then(() => {
        // A worker told to stop before the start (Ctrl-C while workers load) exits as told: not a failure.
        if (!started && worker.death && stopReason === undefined)
          failure ??= new UserError(`${worker.death} before the run started`, { exitCode: ExitCode.badInput });
        if (started && worker.death) stopAll(worker.death);
        check();
      });
    }
  });

  let stopWatching = () => {};
  try {
    await allReady;
    const commonStartEpochMs =
      failure || stopReason !== undefined ? undefined : await commonStartOf(options.startAt, AbortSignal.any([options.interrupt, options.stop]));
    if (failure || stopReason !== undefined) {
      // What stopped the start, before the kills below make every worker's exit look like a failure.
      const failed = failure;
      for (const worker of workers) worker.child.kill('SIGKILL');
      await Promise.all(workers.map((w) => w.finished));
      if (failed) throw failed;
      throw new UserError(`Stopped before the load started: ${stopReason}`, { exitCode: interrupted ? ExitCode.interrupted : ExitCode.targetNotUsable });
    }
    const startAtEpochMs = Math.max(Date.now() + START_LEAD_MS, commonStartEpochMs ?? 0);
    if (options.announce !== false && commonStartEpochMs !== undefined && commonStartEpochMs > Date.now() + START_LEAD_MS) {
      options.onLine(`Waiting for the common start at ${new Date(startAtEpochMs).toISOString()}...`);
    }
    started = true;
    for (const worker of workers) send(worker, { type: 'start', startAtEpochMs });
    // Kept processes are named again only when one had to be started anew.
    if (options.announce !== false || (kept && workers.some((w) => w.fresh)))
      options.onLine(`Workers: ${workers.map((w) => `${w.index} (pid ${w.child.pid}, stripe ${describeStripe(stripes[w.index]!)})`).join(', ')}`);
    // Just after each second of the schedule, when the workers have reported it.
    stopWatching = live.watchEachSecond({
      plan,
      startAtEpochMs,
      lagMs: REPORT_LAG_MS + REPORT_SPREAD_MS + 100,
      judgeAbortOnFail: options.judgeAbortOnFail !== false,
      onProgress: options.onProgress,
      onThresholdFailed: (expr) => stopAll(`threshold "${expr}" failed (abortOnFail)`),
    });
    await Promise.all(workers.map((w) => w.finished));
  } finally {
    stopWatching();
    clearTimeout(killTimer);
    options.interrupt.removeEventListener('abort', onInterrupt);
    options.hurry?.removeEventListener('abort', onHurry);
    options.stop.removeEventListener('abort', onStop);
    for (const undo of detach) undo();
    // A kept worker that sent its measurements waits for the next run; any other still running goes.
    for (const worker of workers) {
      const running = worker.child.exitCode === null && worker.child.signalCode === null;
      if (running && !(kept && worker.measured)) worker.child.kill('SIGKILL');
    }
  }
  const finished = workers.filter((w) => w.measured !== undefined).map((w) => w.measured!);
  const dead = workers.filter((w) => w.death !== undefined);
  if (finished.length === 0) {
    throw new UserError(`No worker sent its measurements: ${dead.map((w) => w.death).join('; ')}`, { exitCode: ExitCode.thresholdFailed });
  }
  const merged = mergeMeasurements(finished);
  if (dead.length > 0) {
    const reason = `${dead.map((w) => w.death).join('; ')}: its requests are missing from the result`;
    return { measured: { ...merged, aborted: true, abortReason: reason, interrupted: false }, workers: finished };
  }
  return { measured: { ...merged, interrupted: merged.interrupted || interrupted }, workers: finished };
}
