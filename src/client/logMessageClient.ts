import { ErrorBodySchema, LogMessageSuccessSchema, STANDARD_MESSAGE_TYPE, logMessageEndpoint } from './schema.ts';
import type { LogMessageRequest, LogMessageSuccess } from './schema.ts';

/** Credentials issued by the vendor; `token` may be omitted to exercise the 401 path. */
export interface ClientCredentials {
  token?: string;
  clientId: string;
}

/** What one call returned: a typed success, a typed documented error, or anything else. */
export type LogMessageResult =
  | { kind: 'logged'; status: 200; message: LogMessageSuccess }
  | { kind: 'unauthorized'; status: 401; errorMessage: string }
  | { kind: 'unregistered'; status: 403; errorMessage: string }
  | { kind: 'unexpected'; status: number; reason: string; bodyExcerpt: string };

/** The fields a caller chooses; `message_type` defaults to the standard pipeline. */
export interface LogMessageInput {
  authId: string;
  messageBody: string;
  businessId: number;
  messageType?: number;
}

/** Builds the documented request body from the caller's fields. */
export function buildLogMessageRequest(input: LogMessageInput): LogMessageRequest {
  return {
    user: { auth_id: input.authId },
    message_body: input.messageBody,
    message_type: input.messageType ?? STANDARD_MESSAGE_TYPE,
    business_id: input.businessId,
  };
}

/**
 * The JSON text of `buildLogMessageRequest(input)`, byte for byte, written without building the
 * object first: the load engine makes one per request.
 */
export function logMessageRequestJson(input: LogMessageInput): string {
  return `{"user":{"auth_id":${JSON.stringify(input.authId)}},"message_body":${JSON.stringify(input.messageBody)},"message_type":${JSON.stringify(input.messageType ?? STANDARD_MESSAGE_TYPE)},"business_id":${JSON.stringify(input.businessId)}}`;
}

/** Headers of an authenticated call; Authorization is left out when no token is given. */
export function buildLogMessageHeaders(credentials: ClientCredentials): Record<string, string> {
  const headers: Record<string, string> = {
    'client-id': credentials.clientId,
    'content-type': 'application/json',
  };
  if (credentials.token !== undefined) headers.authorization = `Bearer ${credentials.token}`;
  return headers;
}

const BODY_EXCERPT_CHARS = 200;

/**
 * Typed client of POST /v1.0/log_message_from_user/. It never throws on an HTTP error status:
 * every answer becomes a LogMessageResult. Network failures reject (the caller decides).
 */
export class LogMessageClient {
  readonly #endpoint: URL;
  readonly #credentials: ClientCredentials;

  constructor(baseUrl: string, credentials: ClientCredentials) {
    this.#endpoint = logMessageEndpoint(baseUrl);
    this.#credentials = credentials;
  }

  /** Logs one user message and classifies the provider's answer. */
  async logMessage(input: LogMessageInput, options: { signal?: AbortSignal } = {}): Promise<LogMessageResult> {
    const response = await fetch(this.#endpoint, {
      method: 'POST',
      headers: buildLogMessageHeaders(this.#credentials),
      body: JSON.stringify(buildLogMessageRequest(input)),
      signal: options.signal,
    });
    const text = await response.text();
    return classifyResponse(response.status, text);
  }
}

/** Turns a status and raw body into a LogMessageResult, validating the body by its schema. */
export function classifyResponse(status: number, bodyText: string): LogMessageResult {
  const excerpt = bodyText.slice(0, BODY_EXCERPT_CHARS);
  let json: unknown;
  try {
    json = JSON.parse(bodyText);
  } catch {
    return { kind: 'unexpected', status, reason: 'body is not JSON', bodyExcerpt: excerpt };
  }
  if (status === 200) {
    const parsed = LogMessageSuccessSchema.safeParse(json);
    if (parsed.success) return { kind: 'logged', status, message: parsed.data };
    return {
      kind: 'unexpected',
      status,
      reason: `200 body does not match the contract: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
      bodyExcerpt: excerpt,
    };
  }
  if (status === 401 || status === 403) {
    const parsed = ErrorBodySchema.safeParse(json);
    if (parsed.success) {
      return status === 401
        ? { kind: 'unauthorized', status, errorMessage: parsed.data.error_message }
        : { kind: 'unregistered', status, errorMessage: parsed.data.error_message };
    }
    return { kind: 'unexpected', status, reason: `${status} body has no error_message`, bodyExcerpt: excerpt };
  }
  return { kind: 'unexpected', status, reason: `status ${status} is not part of the contract`, bodyExcerpt: excerpt };
}
