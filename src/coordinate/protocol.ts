// What a coordinator and its shards say to each other (docs/scaling.md, "Coordinated shards").
// One HTTP/1.1 POST per shard carries both directions at once: the shard's frames in the request
// body, the coordinator's in the response body, one JSON object per line. Every frame read is
// checked against these schemas: the other end is another machine.
import { z } from 'zod';
import { measuredStatsSchema, timelineSecondSchema } from '../merge/measurements.ts';
import { shardFileSchema } from '../merge/shardFile.ts';
import type { WorkerSecond } from '../scale/liveMerge.ts';

/** The path shards join at; the version is in it, so an older shard meets a clear 404, not a confusing frame. */
export const JOIN_PATH = '/v2/shards';

const count = z.number().int().nonnegative();

export const workerSecondSchema = z.object({
  sealedBefore: z.number().int(),
  sealed: z.array(timelineSecondSchema),
  inFlight: count,
  phaseIndex: count,
  totals: z.object({ sent: count, unexpected: count, dropped: count, contractViolations: count.nullable() }),
  scopes: z.object({ overall: measuredStatsSchema, phases: z.array(measuredStatsSchema) }).nullable(),
}) satisfies z.ZodType<WorkerSecond>;

/** A capacity search's trial: the scenario's search phase held at one rate (search/trial.ts). */
export const trialSchema = z.object({ ratePerSec: z.number().positive(), holdMs: z.number().positive(), index: z.number().int().positive() });
export type RoundTrial = z.infer<typeof trialSchema>;

const hex = z.string().regex(/^[0-9a-f]{64}$/);

export const shardFrameSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ping') }),
  /** The first frame: who the shard is, the plan it made, and proof it holds the run token (runToken.ts). */
  z.object({
    type: z.literal('join'),
    shard: z.object({ index: count, count: z.number().int().positive() }),
    planFingerprint: z.string().min(1).max(64),
    scenarioName: z.string(),
    workers: z.number().int().positive().max(1024),
    host: z.string().max(253),
    /** Answers the coordinator's challenge. */
    proof: hex,
    /** The shard's own challenge: the coordinator's answer proves it holds the token too. */
    nonce: hex,
  }),
  /** One of the shard's generators (`worker`, from 0) sealed a second: as workers report to their local coordinator. */
  z.object({ type: z.literal('second'), round: z.number().int().positive(), worker: count, second: workerSecondSchema }),
  /** The shard's generators are ready for round `round` (its workers started): it waits for the round's start. */
  z.object({ type: z.literal('prepared'), round: z.number().int().positive() }),
  /** What the shard measured in a round: its shard.json. */
  z.object({ type: z.literal('done'), round: z.number().int().positive(), shard: shardFileSchema }),
]);
export type ShardFrame = z.infer<typeof shardFrameSchema>;

export const coordinatorFrameSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ping') }),
  z.object({ type: z.literal('challenge'), nonce: hex }),
  z.object({
    type: z.literal('accepted'),
    /** Answers the shard's nonce. */
    proof: hex,
    runId: z.string(),
    /** The coordinator checked the target with preflight requests: the shard need not. */
    preflightDone: z.boolean(),
  }),
  z.object({ type: z.literal('refused'), reason: z.string(), exitCode: z.number().int().min(1).max(255).optional() }),
  /** Get ready for round `round` (the whole plan, or one trial of a search) and say so. */
  z.object({ type: z.literal('prepare'), round: z.number().int().positive(), trial: trialSchema.nullable() }),
  /** Every shard is ready: start round `round` at `startAtEpochMs`. */
  z.object({ type: z.literal('start'), round: z.number().int().positive(), startAtEpochMs: z.number() }),
  z.object({ type: z.literal('stop'), reason: z.string() }),
  /** A second Ctrl-C on the coordinator: stop waiting for requests in flight. */
  z.object({ type: z.literal('hurry') }),
  /** No more rounds: the shard may go. */
  z.object({ type: z.literal('finish') }),
]);
export type CoordinatorFrame = z.infer<typeof coordinatorFrameSchema>;
