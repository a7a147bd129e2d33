import { fileURLToPath } from 'node:url';

/** Names written into the pact; the pact file is `pacts/<consumer>-<provider>.json`. */
export const PACT_CONSUMER = 'chat-platform-harness';
export const PACT_PROVIDER = 'haptik-log-message-api';

/** Where `npm run contract` writes and `verify` reads pacts. */
export const PACT_DIR = fileURLToPath(new URL('../../pacts/', import.meta.url));
export const PACT_FILE = `${PACT_DIR}${PACT_CONSUMER}-${PACT_PROVIDER}.json`;

/** Provider states the pact names; each takes an `authId` parameter the provider may replace. */
export const ProviderStates = {
  userRegistered: 'a user with the given auth_id is registered',
  userNotRegistered: 'no user with the given auth_id is registered',
} as const;

/**
 * Placeholder credentials written into the pact. They are examples, never real secrets:
 * `verify` swaps the valid ones for the provider's own credentials in flight, and leaves the
 * deliberately invalid token as it is.
 */
export const PactExamples = {
  validToken: 'example-valid-token',
  invalidToken: 'example-invalid-token',
  clientId: 'example-client-id',
  registeredAuthId: 'registeredUser1',
  unregisteredAuthId: 'unregisteredUser1',
  businessId: 343,
  messageBody: 'Hi, I need help with my order',
} as const;
