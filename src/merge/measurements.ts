// What one generator process measured, as plain data: the unit the merge adds up. Generators
// hand it to their coordinator, and shards store it in shard.json; both are read back through
// these schemas (another process, or another machine, wrote them).
import { z } from 'zod';
import { idLedgerSchema } from '../checks/idLedger.ts';
import type { ContractScopeSnapshot, ReplayableAnswer } from '../checks/contractRecorder.ts';
import { decodesAsHistogram, latencySummarySchema, looksLikeHistogram } from '../metrics/histogram.ts';
import type { TimelineSecond } from '../metrics/runRecorder.ts';
import type { MeasuredStats, RunMeasurements } from '../report/buildResult.ts';
import type { OutputReport } from '../outputs/prometheusOutput.ts';

const counts = z.record(z.string(), z.number().int().nonnegative());
const count = z.number().int().nonnegative();

const contractScopeSchema = z.object({
  checked: count,
  count: count,
  rate: z.number().min(0).max(1),
  byKind: z.array(z.object({ rule: z.string(), path: z.string(), source: z.enum(['pact', 'ingestion']), count: count })),
  noInteraction: counts,
  contentEncodings: counts,
  examples: z.array(
    z.object({ status: z.number().int(), rule: z.string(), path: z.string(), expected: z.string(), actual: z.string(), bodyExcerpt: z.string() }),
  ),
}) satisfies z.ZodType<ContractScopeSnapshot>;

const errorKinds = {
  timeout: count,
  refused: count,
  reset: count,
  tls: count,
  protocol: count,
  bodyTooLarge: count,
  localLimit: count,
  socket: count,
  aborted: count,
};

export const measuredStatsSchema = z.object({
  snapshot: z.object({
    requests: z.object({ sent: count, completed: count, dropped: count }),
    dropped: z.object({ queueTimeout: count, aborted: count, feedStarved: count }),
    statusCounts: counts,
    errors: z.object({ ...errorKinds, http: counts }),
    expectedOutcomes: counts,
    unexpected: count,
    errorRate: z.number().min(0).max(1),
    latencyMs: latencySummarySchema,
    serviceLatencyMs: latencySummarySchema,
    errorExamples: z.array(
      z.object({
        status: z.number().int(),
        error: z.enum(Object.keys(errorKinds) as [keyof typeof errorKinds]).optional(),
        reason: z.string().optional(),
        bodyExcerpt: z.string(),
        count: count,
      }),
    ),
    sendWindowMs: z.object({ firstMs: z.number(), lastMs: z.number() }).nullable(),
  }),
  histogram: z.string().refine(decodesAsHistogram, 'not an HdrHistogram in compressed base64'),
  serviceHistogram: z.string().refine(decodesAsHistogram, 'not an HdrHistogram in compressed base64'),
  connections: z
    .object({
      opened: count,
      resumed: count.default(0),
      closedByServer: count.default(0),
      failed: counts.default({}),
      connectHistogram: z.string().refine(decodesAsHistogram, 'not an HdrHistogram in compressed base64'),
      tlsHandshakeHistogram: z.string().refine(decodesAsHistogram, 'not an HdrHistogram in compressed base64'),
      firstByteHistogram: z.string().refine(decodesAsHistogram, 'not an HdrHistogram in compressed base64'),
    })
    .nullable()
    .default(null),
  conversations: z
    .object({
      started: count,
      completed: count,
      abandoned: count,
      cut: count,
      skipped: z.object({ connectionLimit: count, feedStarved: count }),
      messagesSent: count,
      durationHistogram: z.string().refine(decodesAsHistogram, 'not an HdrHistogram in compressed base64'),
    })
    .nullable()
    .default(null),
  contract: contractScopeSchema.nullable(),
}) satisfies z.ZodType<MeasuredStats>;

export const timelineSecondSchema = z.object({
  second: z.number().int().nonnegative(),
  sent: count,
  completed: count,
  connectionsOpened: count.default(0),
  errors: counts,
  expected: count,
  dropped: count,
  p50Ms: z.number(),
  p99Ms: z.number(),
  maxMs: z.number(),
  histogram: z.string().refine(looksLikeHistogram, 'not an HdrHistogram in compressed base64'),
}) satisfies z.ZodType<TimelineSecond>;

const replayableAnswerSchema = z.object({
  kind: z.string(),
  status: z.number().int(),
  judgedAs: z.number().int(),
  headers: z.array(z.tuple([z.string(), z.string()])),
  bodyBase64: z.string(),
});

export const outputReportSchema = z.object({
  url: z.string(),
  pushes: count,
  failed: count,
  lastError: z.string().nullable(),
  missingMs: z.number().nonnegative(),
  finalDelivered: z.boolean(),
}) satisfies z.ZodType<OutputReport>;

/** Connections and requests by the address (or proxy) they went to, and the resolver's questions. */
export const networkUseSchema = z.object({
  addresses: z.record(z.string(), z.object({ connections: count, requests: count })),
  dnsQueries: count,
});
export type NetworkUse = z.infer<typeof networkUseSchema>;

export const generatorMeasurementsSchema = z.object({
  startedAt: z.iso.datetime(),
  endedAt: z.iso.datetime(),
  /** Wall-clock time (epoch ms) of the schedule's time 0 in this generator: when its first request was due. */
  scheduleStartEpochMs: z.number(),
  /** When sending stopped, in ms from the schedule's start. */
  sendingEndedMs: z.number().nonnegative(),
  phaseStartOffsetsMs: z.array(z.number().nonnegative()),
  aborted: z.boolean(),
  abortReason: z.string().nullable(),
  interrupted: z.boolean(),
  overall: measuredStatsSchema,
  phases: z.array(measuredStatsSchema),
  timeline: z.array(timelineSecondSchema),
  replayableAnswers: z.array(replayableAnswerSchema),
  /** The message ids this generator saw first; null for a run of one generator (nothing to merge them with). */
  idLedger: idLedgerSchema.nullable(),
  /** Where the connections went: by address (or proxy), and how often the resolver was asked. */
  network: networkUseSchema.default({ addresses: {}, dnsQueries: 0 }),
  /** What became of this generator's live-metrics pushes, per receiver. */
  outputs: z.array(outputReportSchema).default([]),
  /** The run's id (live metrics' run_id), the same in every generator of the run. */
  runId: z.string().nullable().default(null),
});
export type GeneratorMeasurements = z.infer<typeof generatorMeasurementsSchema>;

/** Answers kept whole for the reference verifier, as stored (bodies in base64). */
export function storeReplayable(answers: readonly ReplayableAnswer[]): GeneratorMeasurements['replayableAnswers'] {
  return answers.map(({ body, ...rest }) => ({ ...rest, bodyBase64: body.toString('base64') }));
}

export function readReplayable(stored: GeneratorMeasurements['replayableAnswers']): ReplayableAnswer[] {
  return stored.map(({ bodyBase64, ...rest }) => ({ ...rest, body: Buffer.from(bodyBase64, 'base64') }));
}

/** The measured part of the result builder's input. */
export function resultInputs(
  m: GeneratorMeasurements,
): Pick<
  RunMeasurements,
  | 'startedAt'
  | 'endedAt'
  | 'sendingEndedMs'
  | 'phaseStartOffsetsMs'
  | 'aborted'
  | 'abortReason'
  | 'interrupted'
  | 'overall'
  | 'phases'
  | 'timeline'
  | 'networkUse'
  | 'outputs'
  | 'runId'
> {
  return {
    startedAt: new Date(m.startedAt),
    endedAt: new Date(m.endedAt),
    sendingEndedMs: m.sendingEndedMs,
    phaseStartOffsetsMs: m.phaseStartOffsetsMs,
    aborted: m.aborted,
    abortReason: m.abortReason,
    interrupted: m.interrupted,
    overall: m.overall,
    phases: m.phases,
    timeline: m.timeline,
    networkUse: m.network,
    outputs: m.outputs,
    runId: m.runId,
  };
}
