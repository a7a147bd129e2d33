import { UserError } from '../../../src/errors.ts';
import { parsePactResponses } from '../../../src/pact/pactFile.ts';
import { ResponseContract } from '../../../src/checks/responseContract.ts';
import { pactOf } from './agreementCase.ts';
import type { AgreementCase, CaseVerdict } from './agreementCase.ts';

/** Our verdict on one case: the pact compiled as a load run compiles it, then the response checked. */
export function ourVerdict(testCase: AgreementCase): { verdict: CaseVerdict; detail: string } {
  let contract: ResponseContract;
  try {
    contract = ResponseContract.compile(parsePactResponses(JSON.stringify(pactOf(testCase)), testCase.id), testCase.id);
  } catch (error) {
    if (error instanceof UserError) return { verdict: 'refused', detail: error.describe() };
    throw error;
  }
  const { status, headers, body } = testCase.actual;
  // Flat header lines (name, value, ...) and the body's bytes, as the load engine hands them on.
  const violations = contract.check(status, headers.flat(), Buffer.from(body, 'utf8'));
  if (violations === 'noInteraction') return { verdict: 'fail', detail: `status ${status}: no interaction` };
  return {
    verdict: violations.length === 0 ? 'pass' : 'fail',
    detail: violations.map((v) => `${v.rule} ${v.path}: expected ${v.expected}, actual ${v.actual}`).join('; '),
  };
}
