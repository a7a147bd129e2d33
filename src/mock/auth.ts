import { timingSafeEqual } from 'node:crypto';

/**
 * Returns a constant-time matcher for one secret: contents are compared with timingSafeEqual;
 * only the length may differ in timing (a token's length is not a secret). The expected bytes are
 * prepared once, so a check costs well under a microsecond on the hot path.
 */
export function secretMatcher(expected: string): (presented: string | undefined) => boolean {
  const expectedBytes = Buffer.from(expected);
  return (presented) => {
    if (presented === undefined) return false;
    const presentedBytes = Buffer.from(presented);
    if (presentedBytes.length !== expectedBytes.length) return false;
    return timingSafeEqual(presentedBytes, expectedBytes);
  };
}

const BEARER_PREFIX = 'Bearer ';

/** Returns a check of `Authorization: Bearer <token>` together with `client-id`. */
export function authorizer(expected: { token: string; clientId: string }): (authorization: string | undefined, clientId: string | undefined) => boolean {
  const tokenMatches = secretMatcher(expected.token);
  const clientIdMatches = secretMatcher(expected.clientId);
  return (authorization, clientId) => {
    const token = authorization?.startsWith(BEARER_PREFIX) ? authorization.slice(BEARER_PREFIX.length) : undefined;
    // Both comparisons always run, so a wrong client id takes as long as a wrong token.
    const tokenOk = tokenMatches(token);
    const clientOk = clientIdMatches(clientId);
    return tokenOk && clientOk;
  };
}
