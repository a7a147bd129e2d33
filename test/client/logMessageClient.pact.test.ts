import { rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { MatchersV3, PactV4 } from '@pact-foundation/pact';
import { beforeAll, describe, expect, it } from 'vitest';
import { LogMessageClient } from '../../src/client/logMessageClient.ts';
import { CREATED_AT_FORMAT, ErrorMessages, LOG_MESSAGE_PATH, LogMessageSuccessSchema, isCreatedAt } from '../../src/client/schema.ts';
import { parsePactResponses } from '../../src/pact/pactFile.ts';
import { ResponseContract } from '../../src/checks/responseContract.ts';
import { readFileSync } from 'node:fs';
import { PACT_CONSUMER, PACT_DIR, PACT_FILE, PACT_PROVIDER, PactExamples, ProviderStates } from '../../src/pact/pactTerms.ts';

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
          created_at: datetime(CREATED_AT_FORMAT, '2018-10-04T12:41:27.980Z'),
          message_type: integer(0),
        }),
      )
      .executeTest(async (mockServer) => {
        const client = new LogMessageClient(mockServer.url, { token: PactExamples.validToken, clientId: PactExamples.clientId });
        const result = await client.logMessage({
          authId: PactExamples.registeredAuthId,
          messageBody: PactExamples.messageBody,
          businessId: PactExamples.businessId,
        });
        expect(result.kind).toBe('logged');
        if (result.kind !== 'logged') return;
        expect(Number.isInteger(result.message.message_id)).toBe(true);
        expect(result.message.message_body).toBe(PactExamples.messageBody);
        expect(isCreatedAt(result.message.created_at)).toBe(true);
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
        const result = await client.logMessage({
          authId: PactExamples.unregisteredAuthId,
          messageBody: PactExamples.messageBody,
          businessId: PactExamples.businessId,
        });
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
        const result = await client.logMessage({
          authId: PactExamples.registeredAuthId,
          messageBody: PactExamples.messageBody,
          businessId: PactExamples.businessId,
        });
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
        const result = await client.logMessage({
          authId: PactExamples.registeredAuthId,
          messageBody: PactExamples.messageBody,
          businessId: PactExamples.businessId,
        });
        expect(result).toEqual({ kind: 'unauthorized', status: 401, errorMessage: ErrorMessages.invalidAuthorization });
      });
  });

  // A conscious choice, checked here: the pact's created_at rule and the client's parser are one
  // format, so neither is looser than the other. The rule, as Pact's engine reads it, is looser
  // than the documented form in widths (1-4 year digits, 1-2 for other fields, 1-3 fraction
  // digits) and stricter in meaning (a real calendar date); the client follows the pact. Numbers:
  // the pact is stricter than JavaScript, 1411200492.0 is not an integer to Pact, and the client
  // never sees the difference.
  it('the client accepts exactly the created_at texts the written pact accepts', () => {
    const contract = ResponseContract.compile(parsePactResponses(readFileSync(pactFile, 'utf8'), pactFile), pactFile);
    const texts = [
      '2018-10-04T12:41:27.980Z',
      '2018-1-4T2:4:7.9Z',
      '2018-02-30T12:41:27.980Z',
      '2020-02-29T23:59:59.999Z',
      '2018-10-04T12:41:27Z',
      '2018-10-04T12:41:27.9800Z',
      '2018-10-04 12:41:27.980Z',
      '12018-10-04T12:41:27.980Z',
    ];
    for (const created_at of texts) {
      const body = { message_id: 1, message_body: 'hi', created_at, message_type: 0 };
      const pactAccepts = contract.check(200, ['content-type', 'application/json'], JSON.stringify(body)) as unknown[];
      expect(LogMessageSuccessSchema.safeParse(body).success, created_at).toBe(pactAccepts.length === 0);
    }
  });
});
