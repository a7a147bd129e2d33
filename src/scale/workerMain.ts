// A worker process: runs one stripe of the plan for its coordinator (scale/workers.ts) and sends
// back what it measured; told to stay, it then waits for its next job (a capacity search's next
// trial). Signals are the coordinator's to handle: the worker runs in a process group of its own,
// and ignores SIGINT and SIGTERM sent to it anyway (a worker that stopped on its own would lose
// the merged verdict).
import { UserError } from '../errors.ts';
import { LiveOutputs } from '../outputs/liveOutputs.ts';
import { generatorLabel } from '../outputs/runIdentity.ts';
import { runGenerator } from '../run/generator.ts';
import { secondReport } from './liveMerge.ts';
import { poolTarget } from '../run/target.ts';
import { loadScenario } from '../scenario/loadScenario.ts';
import { planLoad } from '../scenario/plan.ts';
import type { LoadPlan } from '../scenario/plan.ts';
import { trialPlan } from '../search/trial.ts';
import type { CoordinatorMessage, WorkerJob, WorkerMessage } from './workerProtocol.ts';

process.env.PACT_DO_NOT_TRACK = 'true';
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => {});

const neverInterrupted = new AbortController().signal;

/** What the coordinator says about the job at hand: when it starts (NaN: it never will), stop, hurry. */
interface JobControl {
  stop: AbortController;
  hurry: AbortController;
  start(startAtEpochMs: number): void;
  startAt: Promise<number>;
}
function jobControl(): JobControl {
  let start!: (startAtEpochMs: number) => void;
  const startAt = new Promise<number>((resolve) => (start = resolve));
  return { stop: new AbortController(), hurry: new AbortController(), start, startAt };
}
let current: JobControl | undefined;
/** The plan of the last job, kept for the next (a search's trials all start from it). */
let planned: { key: string; plan: LoadPlan } | undefined;

const post = (message: WorkerMessage) => new Promise<void>((resolve) => process.send!(message, undefined, {}, () => resolve()));

// The coordinator gone (crashed, killed): nobody would read the results, so stop at once.
process.on('disconnect', () => process.exit(1));
process.on('message', (message: CoordinatorMessage) => {
  switch (message.type) {
    case 'job':
      current = jobControl();
      void work(message.job, message.env, current);
      break;
    case 'start':
      current?.start(message.startAtEpochMs);
      break;
    case 'stop':
      current?.stop.abort(message.reason);
      current?.start(Number.NaN);
      break;
    case 'hurry':
      current?.hurry.abort();
      break;
  }
});

async function work(job: WorkerJob, env: Record<string, string | undefined>, control: JobControl): Promise<void> {
  const { stop, hurry, startAt } = control;
  let plan: LoadPlan;
  let target: Awaited<ReturnType<typeof poolTarget>>;
  try {
    const key = JSON.stringify([job.scenarioFile, job.overrides, env]);
    if (planned?.key !== key)
      planned = { key, plan: await planLoad(await loadScenario(job.scenarioFile, env, job.overrides), job.overrides.durationScale ?? 1) };
    plan = job.trial ? trialPlan(planned.plan, job.trial.ratePerSec, job.trial.holdMs) : planned.plan;
    target = await poolTarget(plan.scenario, job.baseUrl, job.credentials, env, job.mockCertificatePem);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    await post({ type: 'failed', message: error.message, problems: error.problems, exitCode: error.exitCode });
    process.exit(2);
  }
  // Opened before saying ready: loading the remote-write codec must not delay the first second.
  const live = await LiveOutputs.open(job.live.outputs, {
    scenario: plan.scenario.name,
    runId: job.live.runId,
    generator: generatorLabel({ shard: job.live.shard, trial: job.trial?.index, worker: job.workerIndex }),
  });
  await post({ type: 'ready' });
  const startAtEpochMs = await startAt;
  if (Number.isNaN(startAtEpochMs)) process.exit(0);
  let sentSeconds = 0;
  const abortOnFail = plan.scenario.thresholds.some((threshold) => threshold.abortOnFail);
  const measured = await runGenerator(plan, target, {
    live: live.empty ? undefined : { outputs: live, searchTrialPerSec: job.trial?.ratePerSec },
    stripe: job.stripe,
    startAtEpochMs,
    secondLagMs: job.secondLagMs,
    interrupt: neverInterrupted,
    stop: stop.signal,
    hurry: hurry.signal,
    // The coordinator says why the run stops; the worker's own line would repeat it once per worker.
    onLine: () => {},
    onSecond: (second) => {
      void post({ type: 'second', second: secondReport(second, sentSeconds, abortOnFail) });
      sentSeconds = second.recorder.sealed.length;
      return undefined;
    },
  });
  // A stop from the coordinator is recorded there (interrupt, threshold, a lost worker or target).
  const outputs = await live.close();
  await post({
    type: 'done',
    measured: { ...measured, outputs, abortReason: measured.aborted ? String(stop.signal.reason ?? measured.abortReason) : null },
  });
  if (!job.stay) process.exit(0);
}
