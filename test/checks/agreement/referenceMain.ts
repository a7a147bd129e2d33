// Child process: asks Pact's reference verifier (pact-core, the Rust engine behind `npm run verify`)
// for its verdict on every case. argv: cases.json, out.json. Its own output is noise.
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, dirname } from 'node:path';
import pactCoreModule from '@pact-foundation/pact-core';
import { pactsOf } from './agreementCase.ts';
import type { AgreementCase } from './agreementCase.ts';

// CommonJS: its default export is the Pact instance; the types describe the module.
const pactCore = pactCoreModule as unknown as {
  verifyPacts(options: { providerBaseUrl: string; pactUrls: string[]; provider: string; logLevel: string }): Promise<string>;
};

/**
 * Cases per verification. The verifier's time per interaction grows with the pact's size (measured
 * here: 400 cases 3.2 s, 850 7.4 s, 1,700 21 s, 3,385 70 s), so the corpus goes in chunks of
 * this many; every case is still verified, each in a pact of its own chunk's cases.
 */
const CASES_PER_PACT = 200;

const [casesFile, outFile] = process.argv.slice(2) as [string, string];
const cases = JSON.parse(readFileSync(casesFile, 'utf8')) as AgreementCase[];

// Interaction i of the pact being verified asks for /case/i: the chunk's own case i.
let served: AgreementCase[] = [];
const server = createServer((req, res) => {
  const testCase = served[Number(req.url?.split('/')[2])];
  if (!testCase) return res.writeHead(404).end();
  // Flat [name, value, name, value...] keeps repeated header lines as separate lines.
  res.writeHead(testCase.actual.status, testCase.actual.headers.flat());
  res.end(testCase.actual.body);
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;

type VerifierReport = { interactionResults: { description: string; result: string }[]; errors: { interaction: string; mismatch: unknown }[] };

/** The verifier's report on one chunk of cases. */
async function verifyChunk(chunk: AgreementCase[]): Promise<VerifierReport> {
  served = chunk;
  const pactFiles = [...pactsOf(chunk)].map(([spec, pact]) => {
    const file = join(dirname(outFile), `agreement-pact-v${spec}.json`);
    writeFileSync(file, JSON.stringify(pact));
    return file;
  });
  let report: string;
  try {
    report = await pactCore.verifyPacts({
      providerBaseUrl: `http://127.0.0.1:${port}`,
      pactUrls: pactFiles,
      provider: 'agreement-provider',
      logLevel: 'error',
    });
  } catch (error) {
    // A failed verification rejects with the JSON report as its message.
    report = (error as Error).message;
  }
  return JSON.parse(report) as VerifierReport;
}

const verdicts: Record<string, string> = {};
const reasons: Record<string, unknown> = {};
for (let first = 0; first < cases.length; first += CASES_PER_PACT) {
  const parsed = await verifyChunk(cases.slice(first, first + CASES_PER_PACT));
  for (const result of parsed.interactionResults) verdicts[result.description] = result.result === 'OK' ? 'pass' : 'fail';
  for (const error of parsed.errors) reasons[error.interaction.replace(/^Verifying a pact between \S+ and \S+ - /, '')] = error.mismatch;
}
server.close();
writeFileSync(outFile, JSON.stringify({ verdicts, reasons }));
