import type { ConversationFactory, PreparedRequest, RequestFactory } from '../engine/types.ts';
import type { ConversationShape } from '../conversations/conversationModel.ts';
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

/**
 * Conversations drawn from the feeds: conversation i takes the next user (every message of it
 * carries that user's auth_id) and, per message, the next message text; `shapeOf(i)` gives its
 * message count and think times.
 */
export function feedConversations(
  users: RowSource<UserRow>,
  messages: RowSource<MessageRow>,
  defaultBusinessId: number,
  shapeOf: (index: number) => ConversationShape,
): ConversationFactory {
  return (index) => {
    const user = users.next();
    if (user === 'exhausted' || user === 'starved') return user;
    const shape = shapeOf(index);
    const businessId = user.business_id ?? defaultBusinessId;
    return {
      messages: shape.messages,
      thinkTimeMs: shape.thinkTimeMs,
      request() {
        const message = messages.next();
        if (message === 'exhausted' || message === 'starved') return message;
        return prepare(user.auth_id, message.message_body, businessId, message.message_type, user.expect);
      },
    };
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
