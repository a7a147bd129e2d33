import { rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { MatchersV3, PactV4 } from '@pact-foundation/pact';
import { beforeAll, describe, expect, it } from 'vitest';
import { LogMessageClient } from '../../src/client/logMessageClient.ts';
import { CREATED_AT_PATTERN, ErrorMessages, LOG_MESSAGE_PATH } from '../../src/client/schema.ts';
import { PACT_CONSUMER, PACT_DIR, PACT_FILE, PACT_PROVIDER, PactExamples, ProviderStates } from '../../src/contract/pactTerms.ts';

const { datetime, fromProviderState, integer, regex, string } = MatchersV3;

const JSON_CONTENT_TYPE = regex('^application/json(;.*)?$', 'application/json');

function requestBody(authIdExample: string) {
  return {
    user: { auth_id: fromProviderState('${authId}', authIdExample) },
    message_body: PactExamples.messageBody,
    message_type: 0,
    business_id: PactExamples.businessId,
  };
}

const authenticatedHeaders = {
  Authorization: `Bearer ${PactExamples.validToken}`,
  'client-id': PactExamples.clientId,
  'Content-Type': 'application/json',
};

// The error texts are matched by type: the client branches on the status only, so a
// reworded message must not break the contract (docs/contract.md: "What the pact pins").
const errorBody = (text: string) => ({ error_message: string(text) });

// HARNESS_PACT_OUT_DIR lets a test run these tests again without touching the committed pact.
const pactDir = process.env.HARNESS_PACT_OUT_DIR ?? PACT_DIR;
const pactFile = join(pactDir, basename(PACT_FILE));
const pact = new PactV4({ consumer: PACT_CONSUMER, provider: PACT_PROVIDER, dir: pactDir, logLevel: 'warn', host: '127.0.0.1' });

describe('Log Message API consumer contract', () => {
  beforeAll(() => {
    // Start from an empty pact so that removed interactions do not linger in the merged file.
    rmSync(pactFile, { force: true });
  });

  it('a registered user logs a message: 200 with the message id and metadata', async () => {
    await pact
      .addInteraction()
      .given(ProviderStates.userRegistered, { authId: PactExamples.registeredAuthId })
      .uponReceiving('a message from a registered user')
      .withRequest('POST', LOG_MESSAGE_PATH, (builder) => builder.headers(authenticatedHeaders).jsonBody(requestBody(PactExamples.registeredAuthId)))
      .willRespondWith(200, (builder) =>
        builder.headers({ 'Content-Type': JSON_CONTENT_TYPE }).jsonBody({
          message_id: integer(1411200492),
          message_body: string(PactExamples.messageBody),
          created_at: datetime("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", '2018-10-04T12:41:27.980Z'),
          message_type: integer(0),
        }),
      )
      .executeTest(async (mockServer) => {
        const client = new LogMessageClient(mockServer.url, { token: PactExamples.validToken, clientId: PactExamples.clientId });
        const result = await client.logMessage({ authId: PactExamples.registeredAuthId, messageBody: PactExamples.messageBody, businessId: PactExamples.businessId });
        expect(result.kind).toBe('logged');
        if (result.kind !== 'logged') return;
        expect(Number.isInteger(result.message.message_id)).toBe(true);
        expect(result.message.message_body).toBe(PactExamples.messageBody);
        expect(result.message.created_at).toMatch(new RegExp(CREATED_AT_PATTERN));
        expect(result.message.message_type).toBe(0);
      });
  });

  it('an unregistered user is refused: 403', async () => {
    await pact
      .addInteraction()
      .given(ProviderStates.userNotRegistered, { authId: PactExamples.unregisteredAuthId })
      .uponReceiving('a message from a user who is not registered')
      .withRequest('POST', LOG_MESSAGE_PATH, (builder) => builder.headers(authenticatedHeaders).jsonBody(requestBody(PactExamples.unregisteredAuthId)))
      .willRespondWith(403, (builder) => builder.headers({ 'Content-Type': JSON_CONTENT_TYPE }).jsonBody(errorBody(ErrorMessages.unregisteredUser)))
      .executeTest(async (mockServer) => {
        const client = new LogMessageClient(mockServer.url, { token: PactExamples.validToken, clientId: PactExamples.clientId });
        const result = await client.logMessage({ authId: PactExamples.unregisteredAuthId, messageBody: PactExamples.messageBody, businessId: PactExamples.businessId });
        expect(result).toEqual({ kind: 'unregistered', status: 403, errorMessage: ErrorMessages.unregisteredUser });
      });
  });

  it('an invalid bearer token is refused: 401', async () => {
    await pact
      .addInteraction()
      .given(ProviderStates.userRegistered, { authId: PactExamples.registeredAuthId })
      .uponReceiving('a message with an invalid bearer token')
      .withRequest('POST', LOG_MESSAGE_PATH, (builder) =>
        builder.headers({ ...authenticatedHeaders, Authorization: `Bearer ${PactExamples.invalidToken}` }).jsonBody(requestBody(PactExamples.registeredAuthId)),
      )
      .willRespondWith(401, (builder) => builder.headers({ 'Content-Type': JSON_CONTENT_TYPE }).jsonBody(errorBody(ErrorMessages.invalidAuthorization)))
      .executeTest(async (mockServer) => {
        const client = new LogMessageClient(mockServer.url, { token: PactExamples.invalidToken, clientId: PactExamples.clientId });
        const result = await client.logMessage({ authId: PactExamples.registeredAuthId, messageBody: PactExamples.messageBody, businessId: PactExamples.businessId });
        expect(result).toEqual({ kind: 'unauthorized', status: 401, errorMessage: ErrorMessages.invalidAuthorization });
      });
  });

  it('a missing Authorization header is refused: 401', async () => {
    const { Authorization: _omitted, ...headersWithoutAuthorization } = authenticatedHeaders;
    await pact
      .addInteraction()
      .given(ProviderStates.userRegistered, { authId: PactExamples.registeredAuthId })
      .uponReceiving('a message without an Authorization header')
      .withRequest('POST', LOG_MESSAGE_PATH, (builder) => builder.headers(headersWithoutAuthorization).jsonBody(requestBody(PactExamples.registeredAuthId)))
      .willRespondWith(401, (builder) => builder.headers({ 'Content-Type': JSON_CONTENT_TYPE }).jsonBody(errorBody(ErrorMessages.invalidAuthorization)))
      .executeTest(async (mockServer) => {
        const client = new LogMessageClient(mockServer.url, { clientId: PactExamples.clientId });
        const result = await client.logMessage({ authId: PactExamples.registeredAuthId, messageBody: PactExamples.messageBody, businessId: PactExamples.businessId });
        expect(result).toEqual({ kind: 'unauthorized', status: 401, errorMessage: ErrorMessages.invalidAuthorization });
      });
  });
});
