import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOG_MESSAGE_PATH, LogMessageSuccessSchema } from '../../src/client/schema.ts';
import { startMockServer } from '../../src/mock/server.ts';
import type { RunningMock } from '../../src/mock/server.ts';
import { mockStatsSchema } from '../../src/mock/stats.ts';

const credentials = { token: 'server-test-token', clientId: 'server-test-client' };
const goodHeaders = { authorization: `Bearer ${credentials.token}`, 'client-id': credentials.clientId, 'content-type': 'application/json' };
const goodBody = { user: { auth_id: 'alice01' }, message_body: 'hello', message_type: 0, business_id: 343 };

async function post(mock: RunningMock, body: string, headers: Record<string, string> = goodHeaders, path = LOG_MESSAGE_PATH, method = 'POST') {
  const response = await fetch(mock.url + path, { method, headers, body: method === 'GET' ? undefined : body });
  return { status: response.status, json: (await response.json()) as Record<string, unknown>, headers: response.headers };
}

describe('mock server', () => {
  let mock: RunningMock;
  beforeAll(async () => {
    mock = await startMockServer({ credentials, registeredAuthIds: ['alice01'], maxBodyBytes: 1024 });
  });
  afterAll(async () => {
    await mock.close();
  });

  it("logs a registered user's message with unique increasing ids and a current created_at", async () => {
    const before = Date.now();
    const first = await post(mock, JSON.stringify(goodBody));
    const second = await post(mock, JSON.stringify({ ...goodBody, message_body: 'नमस्ते 🙏' }));
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('application/json');
    const a = LogMessageSuccessSchema.parse(first.json);
    const b = LogMessageSuccessSchema.parse(second.json);
    expect(b.message_id).toBeGreaterThan(a.message_id);
    expect(b.message_body).toBe('नमस्ते 🙏');
    expect(Date.parse(a.created_at)).toBeGreaterThanOrEqual(before - 5);
    expect(Date.parse(a.created_at)).toBeLessThanOrEqual(Date.now() + 5);
  });

  it.each([
    ['an unregistered user', JSON.stringify({ ...goodBody, user: { auth_id: 'mallory' } }), goodHeaders, 403, 'user is not registered'],
    ['a wrong token', JSON.stringify(goodBody), { ...goodHeaders, authorization: 'Bearer nope' }, 401, 'invalid authorization details'],
    [
      'no Authorization header',
      JSON.stringify(goodBody),
      { 'client-id': credentials.clientId, 'content-type': 'application/json' },
      401,
      'invalid authorization details',
    ],
    ['a token without Bearer', JSON.stringify(goodBody), { ...goodHeaders, authorization: credentials.token }, 401, 'invalid authorization details'],
    ['a wrong client-id', JSON.stringify(goodBody), { ...goodHeaders, 'client-id': 'other' }, 401, 'invalid authorization details'],
    ['malformed JSON', '{"user": ', goodHeaders, 400, 'body is not valid JSON'],
    ['a body missing fields', JSON.stringify({ user: {} }), goodHeaders, 400, 'user.auth_id'],
    ['a string business_id', JSON.stringify({ ...goodBody, business_id: '343' }), goodHeaders, 400, 'business_id'],
    ['an unknown field', JSON.stringify({ ...goodBody, extra: 1 }), goodHeaders, 400, 'extra'],
    ['a form content type', JSON.stringify(goodBody), { ...goodHeaders, 'content-type': 'application/x-www-form-urlencoded' }, 415, 'application/json'],
    ['a body over the limit', JSON.stringify({ ...goodBody, message_body: 'x'.repeat(2000) }), goodHeaders, 413, 'exceeds 1024 bytes'],
  ])('answers %s with %i and a JSON error', async (_case, body, headers, status, text) => {
    const response = await post(mock, body, headers);
    expect(response.status).toBe(status);
    expect(String(response.json.error_message)).toContain(text);
  });

  it('answers other paths 404 and other methods 405 with Allow: POST', async () => {
    expect((await post(mock, '{}', goodHeaders, '/v1.0/other/')).status).toBe(404);
    const getResponse = await post(mock, '', goodHeaders, LOG_MESSAGE_PATH, 'GET');
    expect(getResponse.status).toBe(405);
    expect(getResponse.headers.get('allow')).toBe('POST');
  });

  it('survives a chunked body over the limit and keeps serving', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(mock.url + LOG_MESSAGE_PATH, { method: 'POST', headers: goodHeaders }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      for (let i = 0; i < 8; i++) req.write('x'.repeat(512));
      req.end();
    });
    expect(status).toBe(413);
    expect((await post(mock, JSON.stringify(goodBody))).status).toBe(200);
  });

  it('serves its counters and server-side service time on /__mock/stats', async () => {
    const stats = mockStatsSchema.parse(await (await fetch(`${mock.url}/__mock/stats`)).json());
    expect(stats.requests).toBeGreaterThan(10);
    expect(stats.statusCounts['200']).toBeGreaterThanOrEqual(3);
    expect(stats.statusCounts['401']).toBe(4);
    expect(stats.serviceTimeMs.max).toBeGreaterThan(0);
    await fetch(`${mock.url}/__mock/stats`, { method: 'DELETE' });
    expect(mock.stats().requests).toBe(0);
  });
});
