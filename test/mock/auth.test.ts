import { describe, expect, it } from 'vitest';
import { isAuthorized, secretsEqual } from '../../src/mock/auth.ts';

describe('secretsEqual', () => {
  it('accepts only the exact secret, whatever the lengths', () => {
    expect(secretsEqual('s3cret', 's3cret')).toBe(true);
    expect(secretsEqual('s3cre', 's3cret')).toBe(false);
    expect(secretsEqual('s3cret-and-more', 's3cret')).toBe(false);
    expect(secretsEqual('', '')).toBe(true);
    expect(secretsEqual(undefined, '')).toBe(false);
  });
});

describe('isAuthorized', () => {
  const expected = { token: 'tok', clientId: 'cid' };
  it('needs "Bearer <token>" and the client id', () => {
    expect(isAuthorized('Bearer tok', 'cid', expected)).toBe(true);
    expect(isAuthorized('bearer tok', 'cid', expected)).toBe(false);
    expect(isAuthorized('Bearer tok', undefined, expected)).toBe(false);
    expect(isAuthorized(undefined, 'cid', expected)).toBe(false);
  });
});
