import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares a presented secret with the expected one in constant time: both are hashed first
 * so that neither their contents nor their lengths leak through timing.
 */
export function secretsEqual(presented: string | undefined, expected: string): boolean {
  const presentedDigest = createHash('sha256').update(presented ?? '').digest();
  const expectedDigest = createHash('sha256').update(expected).digest();
  return timingSafeEqual(presentedDigest, expectedDigest) && presented !== undefined;
}

const BEARER_PREFIX = 'Bearer ';

/** True when the request carries `Authorization: Bearer <token>` and `client-id` as expected. */
export function isAuthorized(authorization: string | undefined, clientId: string | undefined, expected: { token: string; clientId: string }): boolean {
  const token = authorization?.startsWith(BEARER_PREFIX) ? authorization.slice(BEARER_PREFIX.length) : undefined;
  // Both comparisons always run, so a wrong client id takes as long as a wrong token.
  const tokenOk = secretsEqual(token, expected.token);
  const clientOk = secretsEqual(clientId, expected.clientId);
  return tokenOk && clientOk;
}
