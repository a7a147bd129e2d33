import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ExitCode, UserError } from '../errors.ts';

/** The variable every shard and its coordinator read the run token from. */
export const RUN_TOKEN_VARIABLE = 'HARNESS_RUN_TOKEN';
const MIN_TOKEN_LENGTH = 16;

/** A fresh token: 32 random bytes, as base64url (43 characters). */
export function newRunToken(): string {
  return randomBytes(32).toString('base64url');
}

/** A 32-byte challenge, as hex. */
export function newNonce(): string {
  return randomBytes(32).toString('hex');
}

/**
 * The answer to a challenge: HMAC-SHA256 of the nonce under the token. Each side challenges the
 * other with a nonce of its own, so the token never crosses the network and an answer overheard
 * once is worth nothing afterwards.
 */
export function proofFor(token: string, nonce: string, role: 'shard' | 'coordinator'): string {
  return createHmac('sha256', token).update(`logmsg-harness ${role}\n${nonce}`).digest('hex');
}

export function proofHolds(token: string, nonce: string, role: 'shard' | 'coordinator', proof: string): boolean {
  const expected = Buffer.from(proofFor(token, nonce, role), 'hex');
  const given = Buffer.from(proof, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** HARNESS_RUN_TOKEN, when set: long enough that guessing it is no way in. */
export function runTokenFrom(env: Record<string, string | undefined>): string | undefined {
  const token = env[RUN_TOKEN_VARIABLE];
  if (token === undefined || token === '') return undefined;
  if (token.length < MIN_TOKEN_LENGTH) {
    throw new UserError(`${RUN_TOKEN_VARIABLE} is ${token.length} characters: a run token needs at least ${MIN_TOKEN_LENGTH} (e.g. openssl rand -hex 32)`, {
      exitCode: ExitCode.badInput,
    });
  }
  return token;
}
