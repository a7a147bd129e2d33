import { describe, expect, it } from 'vitest';
import { compareWithReference } from './agreement.ts';
import { curatedCases, randomCases } from './corpus.ts';

/**
 * Our contract checks against Pact's reference verifier (pact-core, the engine behind `npm run
 * verify`): every curated case and 300 generated from a fixed seed. `npm run agreement` runs the
 * same with 2,000 generated cases (and any seed).
 */
describe('contract checks agree with Pact itself', () => {
  it("gives the reference verifier's verdict on every case, or refuses the pact naming the construct", async () => {
    const cases = [...curatedCases(), ...randomCases(20261130, 300)];
    const report = await compareWithReference(cases);
    const described = report.disagreements.map((d) => `${d.id}: reference ${d.reference} ${JSON.stringify(d.referenceDetail)}, ours ${d.ours} ${d.ourDetail}`);
    expect(described).toEqual([]);
    expect(report.agreements).toBe(cases.length - report.refused.length);
    // The one construct in the corpus we do not check: contentType on a header (it inspects binary content).
    expect(report.refused.map((refused) => refused.id)).toEqual(['contentType matcher']);
    expect(report.cases).toBeGreaterThan(2000);
  }, 600_000);
});
