import { afterAll, beforeAll, describe, it } from 'vitest';
import { verifyProvider } from '../../src/verify/verify.ts';
import { startMockServer } from '../../src/mock/server.ts';
import type { RunningMock } from '../../src/mock/server.ts';

const credentials = { token: 'provider-test-token', clientId: 'provider-test-client' };

describe('the built-in mock honours the committed pact', () => {
  let mock: RunningMock;
  beforeAll(async () => {
    mock = await startMockServer({ credentials });
  });
  afterAll(async () => {
    await mock.close();
  });

  it('passes Pact verification with state-injected users and swapped credentials', async () => {
    await verifyProvider({
      providerBaseUrl: mock.url,
      credentials,
      registeredAuthId: 'verifiedUser42',
      unregisteredAuthId: 'strangerUser7',
      registerUser: (authId) => mock.registerUser(authId),
    });
  });
});
