// Child process: asks Pact's reference verifier (pact-core, the Rust engine behind `npm run verify`)
// for its verdict on every case at once. argv: cases.json, out.json. Its own output is noise.
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

const [casesFile, outFile] = process.argv.slice(2) as [string, string];
const cases = JSON.parse(readFileSync(casesFile, 'utf8')) as AgreementCase[];
const pactFiles = [...pactsOf(cases)].map(([spec, pact]) => {
  const file = join(dirname(outFile), `agreement-pact-v${spec}.json`);
  writeFileSync(file, JSON.stringify(pact));
  return file;
});

const server = createServer((req, res) => {
  const testCase = cases[Number(req.url?.split('/')[2])];
  if (!testCase) return res.writeHead(404).end();
  // Flat [name, value, name, value...] keeps repeated header lines as separate lines.
  res.writeHead(testCase.actual.status, testCase.actual.headers.flat());
  res.end(testCase.actual.body);
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;

let report: string;
try {
  report = await pactCore.verifyPacts({ providerBaseUrl: `http://127.0.0.1:${port}`, pactUrls: pactFiles, provider: 'agreement-provider', logLevel: 'error' });
} catch (error) {
  // A failed verification rejects with the JSON report as its message.
  report = (error as Error).message;
}
server.close();
const parsed = JSON.parse(report) as { interactionResults: { description: string; result: string }[]; errors: { interaction: string; mismatch: unknown }[] };
const verdicts = Object.fromEntries(parsed.interactionResults.map((result) => [result.description, result.result === 'OK' ? 'pass' : 'fail']));
const reasons = Object.fromEntries(parsed.errors.map((error) => [error.interaction.replace(/^Verifying a pact between \S+ and \S+ - /, ''), error.mismatch]));
writeFileSync(outFile, JSON.stringify({ verdicts, reasons }));
