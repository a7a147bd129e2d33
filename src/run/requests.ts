import type { PreparedRequest, RequestFactory } from '../engine/types.ts';
import type { MessageRow, ReplayRow, UserRow } from '../feed/rowSchemas.ts';
import type { RowSource } from '../feed/rowSource.ts';
import { logMessageRequestJson } from '../client/logMessageClient.ts';

function prepare(authId: string, messageBody: string, businessId: number, messageType: number, expectedStatus: number | undefined): PreparedRequest {
  return { body: logMessageRequestJson({ authId, messageBody, businessId, messageType }), messageBody, expectedStatus };
}

/** Requests drawn from the users and messages feeds (shared by every phase, so orders carry on). */
export function feedRequests(users: RowSource<UserRow>, messages: RowSource<MessageRow>, defaultBusinessId: number): RequestFactory {
  return () => {
    const user = users.next();
    if (user === 'exhausted' || user === 'starved') return user;
    const message = messages.next();
    if (message === 'exhausted' || message === 'starved') return message;
    return prepare(user.auth_id, message.message_body, user.business_id ?? defaultBusinessId, message.message_type, user.expect);
  };
}

/** Requests of a replayed traffic log: row i is request i. */
export function replayRequests(
  rows: readonly ReplayRow[],
  defaultBusinessId: number,
  expectedStatusOf: (authId: string) => number | undefined,
): RequestFactory {
  return (index) => {
    const row = rows[index];
    if (!row) return 'exhausted';
    return prepare(row.auth_id, row.message_body, row.business_id ?? defaultBusinessId, 0, expectedStatusOf(row.auth_id));
  };
}
