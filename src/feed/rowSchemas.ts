import { z } from 'zod';
import { LogMessageRequestSchema } from '../client/schema.ts';
import { decimalNumber } from '../util/schemaHelpers.ts';

const optionalInt = (min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (text === undefined || text === '') return undefined;
      const value = decimalNumber(text) ?? Number.NaN;
      if (!Number.isInteger(value) || value < min || value > max) {
        ctx.addIssue({ code: 'custom', message: `expected a whole number from ${min} to ${max}, got "${text}"` });
        return z.NEVER;
      }
      return value;
    });

/** A row of a users CSV: who sends, on which business, how often, and what answer is expected. */
export const userRowSchema = z.object({
  auth_id: LogMessageRequestSchema.shape.user.shape.auth_id,
  business_id: optionalInt(0, Number.MAX_SAFE_INTEGER),
  /** Messages per cycle for this user relative to the others (1 when absent). */
  weight: optionalInt(1, 1000).transform((weight) => weight ?? 1),
  /** An HTTP status that is the expected answer for this user, e.g. 403 for unregistered ids. */
  expect: optionalInt(100, 599),
});
export type UserRow = z.output<typeof userRowSchema>;

/** A row of a messages CSV: the text a user sends. */
export const messageRowSchema = z.object({
  message_body: z.string().min(1, 'message_body must not be empty'),
  message_type: optionalInt(0, 1000).transform((type) => type ?? 0),
  weight: optionalInt(1, 1000).transform((weight) => weight ?? 1),
});
export type MessageRow = z.output<typeof messageRowSchema>;

/** A row of a recorded traffic log, replayed at its original pace. */
export const replayRowSchema = z.object({
  offset_ms: z.string().transform((text, ctx) => {
    const value = decimalNumber(text) ?? Number.NaN;
    if (!(value >= 0)) {
      ctx.addIssue({ code: 'custom', message: `offset_ms must be a number of milliseconds >= 0, got "${text}"` });
      return z.NEVER;
    }
    return value;
  }),
  auth_id: LogMessageRequestSchema.shape.user.shape.auth_id,
  message_body: z.string().min(1, 'message_body must not be empty'),
  business_id: optionalInt(0, Number.MAX_SAFE_INTEGER),
});
export type ReplayRow = z.output<typeof replayRowSchema>;
