/** Credentials the mock accepts when none are configured: safe to print, useless elsewhere (a run against the mock needs no secrets). */
export const MOCK_DEFAULT_CREDENTIALS = { token: 'mock-token', clientId: 'mock-client' } as const;
