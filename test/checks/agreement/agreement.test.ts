import { describe, expect, it } from 'vitest';
import { compareWithReference } from './agreement.ts';
import { collectionCases } from './collectionCases.ts';
import { curatedCases, randomCases } from './corpus.ts';
import { REFUSED_REGEXES } from './regexCases.ts';

/**
 * Our contract checks against Pact's reference verifier (pact-core, the engine behind `npm run
 * verify`): every curated case, 300 generated from a fixed seed and 300 generated for the V4
 * collection matchers. `npm run agreement` runs the same with 2,000 of each (and any seed).
 */
describe('contract checks agree with Pact itself', () => {
  it("gives the reference verifier's verdict on every case, or refuses the pact naming the construct", async () => {
    const cases = [...curatedCases(), ...randomCases(20261130, 300), ...collectionCases(20261130, 300)];
    const report = await compareWithReference(cases);
    const described = report.disagreements.map((d) => `${d.id}: reference ${d.reference} ${JSON.stringify(d.referenceDetail)}, ours ${d.ours} ${d.ourDetail}`);
    expect(described).toEqual([]);
    expect(report.agreements).toBe(cases.length - report.refused.length);
    // What we refuse by design: contentType on a header (the reference sniffs bytes with the machine's MIME
    // database), and regular expressions Oniguruma rejects or JavaScript cannot read exactly (regexCases.ts).
    expect(report.refused.map((refused) => refused.id).sort()).toEqual(
      ['contentType matcher', ...REFUSED_REGEXES.map((regex) => `refused regex ${JSON.stringify(regex)}`)].sort(),
    );
    expect(report.cases).toBeGreaterThan(2000);
  }, 600_000);
});
