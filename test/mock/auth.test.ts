import { describe, expect, it } from 'vitest';
import { authorizer, secretMatcher } from '../../src/mock/auth.ts';

describe('secretMatcher', () => {
  it('accepts only the exact secret, whatever the lengths', () => {
    const matches = secretMatcher('s3cret');
    expect(matches('s3cret')).toBe(true);
    expect(matches('s3cre')).toBe(false);
    expect(matches('s3creT')).toBe(false);
    expect(matches('s3cret-and-more')).toBe(false);
    expect(matches(undefined)).toBe(false);
    expect(secretMatcher('')('')).toBe(true);
  });
});

describe('authorizer', () => {
  const isAuthorized = authorizer({ token: 'tok', clientId: 'cid' });
  it('needs "Bearer <token>" and the client id', () => {
    expect(isAuthorized('Bearer tok', 'cid')).toBe(true);
    expect(isAuthorized('bearer tok', 'cid')).toBe(false);
    expect(isAuthorized('tok', 'cid')).toBe(false);
    expect(isAuthorized('Bearer tok', undefined)).toBe(false);
    expect(isAuthorized('Bearer tok', 'cId')).toBe(false);
    expect(isAuthorized(undefined, 'cid')).toBe(false);
  });
});
