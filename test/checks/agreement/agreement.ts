import type { AgreementCase, CaseVerdict } from './agreementCase.ts';
import { ourVerdict } from './ours.ts';
import { referenceVerdicts } from './reference.ts';

/** A case where our checks and Pact's reference verifier disagree, with what each said. */
export interface Disagreement {
  id: string;
  reference: CaseVerdict;
  ours: CaseVerdict;
  ourDetail: string;
  referenceDetail: unknown;
  actualBody: string;
}

/** How our checks fared against the reference on a set of cases. */
export interface AgreementReport {
  cases: number;
  agreements: number;
  /** Cases whose pact we refuse before any check (naming the construct): never an approximate verdict. */
  refused: { id: string; detail: string }[];
  disagreements: Disagreement[];
}

/** Runs the reference over every case and our checks over each, and lists where they differ. */
export async function compareWithReference(cases: readonly AgreementCase[]): Promise<AgreementReport> {
  const ids = new Set<string>();
  for (const testCase of cases) {
    if (ids.has(testCase.id)) throw new Error(`case id "${testCase.id}" is used twice`);
    ids.add(testCase.id);
  }
  const reference = await referenceVerdicts(cases);
  const report: AgreementReport = { cases: cases.length, agreements: 0, refused: [], disagreements: [] };
  for (const testCase of cases) {
    const ours = ourVerdict(testCase);
    const theirs = reference.verdicts[testCase.id]!;
    if (ours.verdict === 'refused') report.refused.push({ id: testCase.id, detail: ours.detail });
    else if (ours.verdict === theirs) report.agreements++;
    else
      report.disagreements.push({
        id: testCase.id,
        reference: theirs,
        ours: ours.verdict,
        ourDetail: ours.detail,
        referenceDetail: reference.reasons[testCase.id],
        actualBody: testCase.actual.body,
      });
  }
  return report;
}
