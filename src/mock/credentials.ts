/** The mock's credentials when none are given (a run against the mock needs no secrets). */
export const MOCK_DEFAULT_CREDENTIALS = { token: 'mock-token', clientId: 'mock-client' } as const;
