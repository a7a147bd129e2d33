import type { ExitCode } from '../errors.ts';
import type { GeneratorMeasurements } from '../merge/measurements.ts';
import type { Credentials } from '../run/target.ts';
import type { PrometheusOutputSettings } from '../outputs/outputSchema.ts';
import type { ScenarioOverrides } from '../scenario/loadScenario.ts';
import type { WorkerSecond } from './liveMerge.ts';
import type { Stripe } from './stripe.ts';

/** What a worker needs to run its stripe: it loads and plans the scenario itself (the plan holds compiled code). */
export interface WorkerJob {
  scenarioFile: string;
  overrides: ScenarioOverrides;
  /** The target the coordinator checked (the built-in mock's address when it is the target). */
  baseUrl: string;
  /** The certificate the built-in mock serves HTTPS with, when it does: the one the workers trust. */
  mockCertificatePem?: string;
  credentials: Credentials;
  stripe: Stripe;
  workerIndex: number;
  /** How long after each second the worker reports it (see GeneratorOptions.secondLagMs). */
  secondLagMs: number;
  /** A capacity search's trial: the scenario's search phase held at this rate (search/trial.ts); `index` counts trials from 1. */
  trial?: { ratePerSec: number; holdMs: number; index: number };
  /** Live metrics: where every generator pushes, the run's id, and this machine's shard. */
  live: { outputs: PrometheusOutputSettings[]; runId: string; shard: number | undefined };
  /** Wait for another job once this one is done (a capacity search's next trial) instead of exiting. */
  stay?: boolean;
}

export type CoordinatorMessage =
  | { type: 'job'; job: WorkerJob; env: Record<string, string | undefined> }
  | { type: 'start'; startAtEpochMs: number }
  | { type: 'stop'; reason: string }
  /** A second interrupt: stop waiting for requests in flight. */
  | { type: 'hurry' };

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'failed'; message: string; problems: readonly string[]; exitCode: ExitCode }
  | { type: 'line'; text: string }
  | { type: 'second'; second: WorkerSecond }
  | { type: 'done'; measured: GeneratorMeasurements };
