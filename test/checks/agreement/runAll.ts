// The whole agreement corpus against Pact's reference verifier: every curated case, 2,000 generated
// ones and 2,000 generated for the V4 collection matchers (npm run agreement; CI runs a subset in
// agreement.test.ts). Exits 1 on any disagreement.
import { writeFileSync } from 'node:fs';
import { compareWithReference } from './agreement.ts';
import { collectionCases } from './collectionCases.ts';
import { curatedCases, randomCases } from './corpus.ts';

const seed = Number(process.env.AGREEMENT_SEED ?? 20261130);
const cases = [
  ...curatedCases(),
  ...randomCases(seed, Number(process.env.AGREEMENT_RANDOM ?? 2000)),
  ...collectionCases(seed, Number(process.env.AGREEMENT_COLLECTION ?? 2000)),
];
const report = await compareWithReference(cases);
if (process.env.AGREEMENT_OUT) writeFileSync(process.env.AGREEMENT_OUT, JSON.stringify(report, null, 2));
for (const d of report.disagreements) {
  console.log(`DISAGREE ${d.id}\n  reference ${d.reference}: ${JSON.stringify(d.referenceDetail)}\n  ours ${d.ours}: ${d.ourDetail}\n  body ${d.actualBody}`);
}
for (const r of report.refused) console.log(`REFUSED ${r.id}: ${r.detail.split('\n').join(' ')}`);
console.log(
  `agreement: ${report.cases} cases (seed ${seed}), ${report.agreements} agree, ${report.refused.length} refused by us, ${report.disagreements.length} disagree`,
);
process.exitCode = report.disagreements.length === 0 ? 0 : 1;
