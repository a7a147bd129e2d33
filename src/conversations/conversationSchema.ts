// The `conversations` key of a phase: people who each send a few messages, reading and typing
// between them, each on a connection of their own (see docs/load-runs.md, "Conversations").
import { z } from 'zod';
import { durationMsSchema } from '../util/schemaHelpers.ts';

/** A conversation never holds more messages than this (a geometric draw has no upper bound of its own). */
export const MAX_MESSAGES_PER_CONVERSATION = 10_000;

const messageCount = z.number().int().min(1, 'at least 1 message').max(MAX_MESSAGES_PER_CONVERSATION, `at most ${MAX_MESSAGES_PER_CONVERSATION}`);

/** Messages per conversation: a fixed N, a whole number drawn uniformly from [min, max], or geometric with a mean. */
export const messagesDistributionSchema = z
  .union([
    messageCount.transform((count) => ({ kind: 'fixed' as const, count })),
    z
      .strictObject({ min: messageCount, max: messageCount })
      .refine((range) => range.min <= range.max, { message: 'min must not exceed max', path: ['max'] })
      .transform((range) => ({ kind: 'uniform' as const, min: range.min, max: range.max })),
    z
      .strictObject({ mean: z.number().min(1, 'a mean of at least 1 message').max(MAX_MESSAGES_PER_CONVERSATION) })
      .transform((geometric) => ({ kind: 'geometric' as const, mean: geometric.mean })),
  ])
  .describe('messages per conversation: 5, { min: 2, max: 8 } (uniform) or { mean: 4 } (geometric: many short, a few long)');
export type MessagesDistribution = z.output<typeof messagesDistributionSchema>;

const nonNegativeDurationMs = durationMsSchema.refine((ms) => ms >= 0, 'must not be negative');

/** Time from an answer to the user's next message: fixed, uniform between two durations, or lognormal by its median and 99th percentile. */
export const thinkTimeSchema = z
  .union([
    nonNegativeDurationMs.transform((ms) => ({ kind: 'fixed' as const, ms })),
    z
      .strictObject({ uniform: z.tuple([nonNegativeDurationMs, nonNegativeDurationMs]) })
      .refine(({ uniform: [fromMs, toMs] }) => fromMs <= toMs, { message: 'the first duration must not exceed the second', path: ['uniform'] })
      .transform(({ uniform: [fromMs, toMs] }) => ({ kind: 'uniform' as const, fromMs, toMs })),
    z
      .strictObject({ lognormal: z.strictObject({ median: durationMsSchema, p99: durationMsSchema }) })
      .refine(({ lognormal }) => lognormal.median > 0, { message: 'the median must be longer than 0', path: ['lognormal', 'median'] })
      .refine(({ lognormal }) => lognormal.p99 > lognormal.median, { message: 'p99 must be above the median', path: ['lognormal', 'p99'] })
      .transform(({ lognormal }) => ({ kind: 'lognormal' as const, medianMs: lognormal.median, p99Ms: lognormal.p99 })),
  ])
  .describe('from an answer to the next message: 1s, { uniform: [500ms, 3s] } or { lognormal: { median: 2s, p99: 20s } }');
export type ThinkTime = z.output<typeof thinkTimeSchema>;

/** At most this long after a conversations phase's window, its last conversations are cut. */
export const DEFAULT_GRACEFUL_STOP_MS = 30_000;

export const conversationsSchema = z
  .strictObject({
    rate: z.number().positive('must be above 0').describe('new conversations per second (open model)'),
    rampTo: z.number().nonnegative().optional().describe('the rate of new conversations at the end of the phase, ramped linearly'),
    messages: messagesDistributionSchema,
    thinkTime: thinkTimeSchema,
    connection: z
      .enum(['own', 'pool'])
      .default('own')
      .describe(
        "own: a connection per conversation, opened for its first message (TLS handshake included) and closed after its last; pool: the phase's shared keep-alive pool",
      ),
    onError: z
      .enum(['continue', 'abandon'])
      .default('continue')
      .describe('after a failed message (no answer, or an unexpected status): go on to the next message, or end the conversation (abandoned)'),
    gracefulStop: durationMsSchema
      .default(DEFAULT_GRACEFUL_STOP_MS)
      .describe('how long conversations started in the phase may run past its duration before the rest are cut (counted)'),
    tlsResume: z
      .boolean()
      .default(false)
      .describe(
        "resume TLS sessions (returning clients): a conversation's connection offers the last session ticket; off, every connection is a full handshake",
      ),
  })
  .describe('a conversation per user: several messages with think time between them (docs/load-runs.md)');
export type ConversationsSettings = z.output<typeof conversationsSchema>;
