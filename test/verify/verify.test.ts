import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer } from '../../src/mock/server.ts';
import type { RunningMock } from '../../src/mock/server.ts';
import { readBody, startPrefixGateway, startTestServer } from '../fixtures/servers.ts';
import type { TestServer } from '../fixtures/servers.ts';
import { runCliProcess } from '../fixtures/runCliProcess.ts';

const env = { HAPTIK_TOKEN: 'verify-test-token', HAPTIK_CLIENT_ID: 'verify-test-client' };

/** A provider that honours everything but answers `message_id` as a string. */
async function startStringIdProvider(): Promise<TestServer> {
  return startTestServer(async (req, res) => {
    const body = JSON.parse(await readBody(req)) as { user: { auth_id: string }; message_body: string };
    const json = (status: number, payload: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(payload));
    };
    if (req.headers.authorization !== `Bearer ${env.HAPTIK_TOKEN}`) return json(401, { error_message: 'invalid authorization details' });
    if (body.user.auth_id !== 'knownUser') return json(403, { error_message: 'user is not registered' });
    json(200, { message_id: 'MSG-1411200492', message_body: body.message_body, created_at: new Date().toISOString(), message_type: 0 });
  });
}

describe('npm run verify', () => {
  let broken: TestServer;
  let mock: RunningMock;
  beforeAll(async () => {
    broken = await startStringIdProvider();
    mock = await startMockServer({ credentials: { token: env.HAPTIK_TOKEN, clientId: env.HAPTIK_CLIENT_ID }, registeredAuthIds: ['knownUser'] });
  });
  afterAll(async () => {
    await broken.close();
    await mock.close();
  });

  it('fails on a provider that answers message_id as a string, naming the interaction, path, expected and actual', async () => {
    const result = await runCliProcess(
      ['verify', '--provider-base-url', broken.url, '--registered-auth-id', 'knownUser', '--unregistered-auth-id', 'strangerUser'],
      { env },
    );
    expect(result.exitCode).toBe(1);
    const output = result.stdout + result.stderr;
    expect(output).toContain('a message from a registered user');
    expect(output).toMatch(/\$\.message_id/);
    expect(output).toMatch(/Expected .*MSG-1411200492.* to be an integer|MSG-1411200492/);
    expect(result.stderr).toContain('does not honour the pact');
    expect(output).not.toContain(env.HAPTIK_TOKEN);
    // Through a pipe with NO_COLOR (runCliProcess sets it): no colour codes from the native core.
    expect(output).not.toContain('\u001b[');
  });

  it('says why an unreachable provider did not answer, in words', async () => {
    const gone = await startTestServer(() => {});
    const url = gone.url;
    await gone.close();
    const result = await runCliProcess(['verify', '--provider-base-url', url, '--registered-auth-id', 'knownUser', '--unregistered-auth-id', 'strangerUser'], {
      env,
    });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toMatch(
      /provider unreachable: http:\/\/127\.0\.0\.1:\d+ did not answer \(ECONNREFUSED: connect ECONNREFUSED 127\.0\.0\.1:\d+\); nothing was verified/,
    );
    expect(result.stderr).not.toContain('TypeError');
  });

  it('passes on the mock given its users and credentials from the environment', async () => {
    const result = await runCliProcess(
      ['verify', '--provider-base-url', mock.url, '--registered-auth-id', 'knownUser', '--unregistered-auth-id', 'strangerUser'],
      { env },
    );
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('honours every interaction');
  });

  it('keeps the base path of the provider URL (the prefix of an API gateway)', async () => {
    const gateway = await startPrefixGateway(mock.url, '/haptik/api');
    try {
      const result = await runCliProcess(
        ['verify', '--provider-base-url', `${gateway.url}/haptik/api`, '--registered-auth-id', 'knownUser', '--unregistered-auth-id', 'strangerUser'],
        { env },
      );
      expect(result.exitCode, result.stdout + result.stderr).toBe(0);
      expect(new Set(gateway.paths)).toEqual(new Set(['/haptik/api/v1.0/log_message_from_user/']));
    } finally {
      await gateway.close();
    }
  });

  it('refuses to run without credentials in the environment (exit 2)', async () => {
    const result = await runCliProcess(['verify', '--provider-base-url', mock.url, '--registered-auth-id', 'a', '--unregistered-auth-id', 'b'], {
      env: { HAPTIK_TOKEN: '', HAPTIK_CLIENT_ID: '' },
    });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('HAPTIK_TOKEN is not set');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
  it('reports a rejected token as credentials to fix (exit 3), not as a provider that breaks the pact', async () => {
    const result = await runCliProcess(
      ['verify', '--provider-base-url', broken.url, '--registered-auth-id', 'knownUser', '--unregistered-auth-id', 'strangerUser'],
      {
        env: { HAPTIK_TOKEN: 'not-the-right-token', HAPTIK_CLIENT_ID: env.HAPTIK_CLIENT_ID },
      },
    );
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toMatch(
      /^error: credentials rejected: .* answered 401 "invalid authorization details" with the token and client id from HAPTIK_TOKEN and HAPTIK_CLIENT_ID/,
    );
    expect(result.stdout + result.stderr).not.toMatch(/does not honour|\$\.message_id|not-the-right-token/);
  });
});
