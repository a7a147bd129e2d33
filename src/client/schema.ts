import { z } from 'zod';
import { compileDateTimePattern } from '../checks/dateTimePattern.ts';

/** Path of the Log Message API, fixed by the vendor; scenarios give only the base URL. */
export const LOG_MESSAGE_PATH = '/v1.0/log_message_from_user/';

/**
 * The endpoint below a base URL, its path kept: an API gateway's prefix
 * (`https://gw.example.com/haptik/api`) stays in front of the API's path.
 */
export function logMessageEndpoint(baseUrl: string | URL): URL {
  const base = new URL(baseUrl);
  return new URL(`${base.pathname.replace(/\/+$/, '')}${LOG_MESSAGE_PATH}`, base.origin);
}

/**
 * `created_at` as the pact pins it and the client reads it: one format, so the client accepts
 * exactly what a provider that passes verification may send. Pact reads it with 1-4 year digits,
 * 1-2 digits for the other fields and 1-3 fraction digits, ranges and real calendar dates checked
 * (2018-1-4T2:4:7.9Z passes, 2018-02-30T... does not); the provider documents the widest form.
 */
export const CREATED_AT_FORMAT = "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'";
const createdAtCheck = compileDateTimePattern(CREATED_AT_FORMAT);
if (typeof createdAtCheck !== 'function') throw new Error(createdAtCheck.problem);
/** Whether a text is a `created_at` the pact allows. */
export const isCreatedAt: (text: string) => boolean = createdAtCheck;

/** What an auth_id may contain. */
const AUTH_ID_PATTERN = /^[A-Za-z0-9_.@-]+$/;

/** Pipeline for standard messages. */
export const STANDARD_MESSAGE_TYPE = 0;

export const LogMessageRequestSchema = z.strictObject({
  user: z.strictObject({ auth_id: z.string().regex(AUTH_ID_PATTERN, 'alphanumeric auth_id').max(256) }),
  message_body: z.string().min(1),
  message_type: z.number().int().nonnegative(),
  business_id: z.number().int().nonnegative(),
});
export type LogMessageRequest = z.infer<typeof LogMessageRequestSchema>;

/**
 * A fast pre-check for the mock's hot path: true only for bodies the schema accepts as they are
 * (a strict subset, so anything else still goes through the schema, which also explains what is
 * wrong). A test holds it to the schema on thousands of generated bodies.
 */
export function isPlainLogMessageRequest(json: unknown): json is LogMessageRequest {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return false;
  const body = json as Record<string, unknown>;
  let keys = 0;
  for (const key in body) {
    if (key !== 'user' && key !== 'message_body' && key !== 'message_type' && key !== 'business_id') return false;
    keys++;
  }
  if (keys !== 4) return false;
  const user = body.user;
  if (user === null || typeof user !== 'object' || Array.isArray(user)) return false;
  let userKeys = 0;
  for (const key in user) {
    if (key !== 'auth_id') return false;
    userKeys++;
  }
  const authId = (user as { auth_id?: unknown }).auth_id;
  return (
    userKeys === 1 &&
    typeof authId === 'string' &&
    authId.length <= 256 &&
    AUTH_ID_PATTERN.test(authId) &&
    typeof body.message_body === 'string' &&
    body.message_body.length >= 1 &&
    Number.isSafeInteger(body.message_type) &&
    (body.message_type as number) >= 0 &&
    Number.isSafeInteger(body.business_id) &&
    (body.business_id as number) >= 0
  );
}

export const LogMessageSuccessSchema = z.object({
  message_id: z.number().int(),
  message_body: z.string(),
  created_at: z.string().refine(isCreatedAt, `a timestamp formatted ${CREATED_AT_FORMAT}, a real date`),
  message_type: z.number().int(),
});
export type LogMessageSuccess = z.infer<typeof LogMessageSuccessSchema>;

export const ErrorBodySchema = z.object({ error_message: z.string() });
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/** Error texts the provider documents; the pact pins them (see docs/contract.md, "What the pact pins"). */
export const ErrorMessages = {
  unregisteredUser: 'user is not registered',
  invalidAuthorization: 'invalid authorization details',
} as const;
