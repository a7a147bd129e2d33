import { z } from 'zod';

/** Path of the Log Message API, fixed by the vendor; scenarios give only the base URL. */
export const LOG_MESSAGE_PATH = '/v1.0/log_message_from_user/';

/** ISO-8601 UTC with exactly three fractional digits, as the provider documents `created_at`. */
export const CREATED_AT_PATTERN = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z$';

/** Pipeline for standard messages. */
export const STANDARD_MESSAGE_TYPE = 0;

export const LogMessageRequestSchema = z.strictObject({
  user: z.strictObject({ auth_id: z.string().regex(/^[A-Za-z0-9_.@-]+$/, 'alphanumeric auth_id').max(256) }),
  message_body: z.string().min(1),
  message_type: z.number().int().nonnegative(),
  business_id: z.number().int().nonnegative(),
});
export type LogMessageRequest = z.infer<typeof LogMessageRequestSchema>;

export const LogMessageSuccessSchema = z.object({
  message_id: z.number().int(),
  message_body: z.string(),
  created_at: z.string().regex(new RegExp(CREATED_AT_PATTERN), 'ISO-8601 UTC timestamp with milliseconds'),
  message_type: z.number().int(),
});
export type LogMessageSuccess = z.infer<typeof LogMessageSuccessSchema>;

export const ErrorBodySchema = z.object({ error_message: z.string() });
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/** Error texts the provider documents; the pact pins them (see README, "What the pact pins"). */
export const ErrorMessages = {
  unregisteredUser: 'user is not registered',
  invalidAuthorization: 'invalid authorization details',
} as const;
