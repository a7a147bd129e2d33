import type { ErrorKind, Sample } from '../engine/types.ts';

/** What a sample means for the run: fine, an expected non-2xx answer, or an error. */
export type OutcomeClass = 'ok' | 'expected' | 'unexpected';

/**
 * A request whose row names an expected status (e.g. 403 for an unregistered user) is fine only
 * with that status; any other request is fine with a 2xx, and with contract checks on only with a
 * 2xx the pact has an interaction for (a 204 the pact does not know is an answer the consumer
 * cannot read: an error, and a broken contract). Transport failures are always errors.
 */
export function classifyOutcome(sample: Sample, pactKnows?: (status: number) => boolean): OutcomeClass {
  if (sample.error) return 'unexpected';
  const expected = sample.request.expectedStatus;
  if (expected !== undefined) return sample.status === expected ? 'expected' : 'unexpected';
  return sample.status >= 200 && sample.status < 300 && (pactKnows === undefined || pactKnows(sample.status)) ? 'ok' : 'unexpected';
}

/** Every way a request ends without an answer, in the order results list them. */
export const ERROR_KINDS = [
  'timeout',
  'refused',
  'reset',
  'tls',
  'protocol',
  'bodyTooLarge',
  'localLimit',
  'socket',
  'aborted',
] as const satisfies readonly ErrorKind[];

/** Requests that ended without an answer (transport errors, aborted ones included). */
export function transportErrorCount(errors: Record<ErrorKind, number>): number {
  return ERROR_KINDS.reduce((sum, kind) => sum + errors[kind], 0);
}
