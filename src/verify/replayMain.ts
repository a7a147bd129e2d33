// Child process: asks Pact's reference verifier (pact-core) to judge answers a load run found
// broken. Its native core prints to stdout, so it runs apart. argv: job.json, out.json.
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Verifier } from '@pact-foundation/pact';
import type { ReplayJob } from './replayJob.ts';
import { replayPact, verdictsFromReport } from './replayJob.ts';

const [jobFile, outFile] = process.argv.slice(2) as [string, string];
const job = JSON.parse(readFileSync(jobFile, 'utf8')) as ReplayJob;
const { pact, served } = replayPact(job);
writeFileSync(job.pactOut, JSON.stringify(pact));

// Hop-by-hop and framing headers are the server's own to write.
const FRAMING = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive']);
const server = createServer((req, res) => {
  const answer = served[Number(req.url?.split('/')[2])];
  if (!answer) return res.writeHead(404).end();
  res.writeHead(answer.status, answer.headers.filter(([name]) => !FRAMING.has(name.toLowerCase())).flat());
  res.end(Buffer.from(answer.bodyBase64, 'base64'));
});

/** Serves the recorded answers on 127.0.0.1 and has the reference verifier judge them. */
async function judge(): Promise<void> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  let report: string;
  try {
    report = String(
      await new Verifier({ provider: job.provider, providerBaseUrl: `http://127.0.0.1:${port}`, pactUrls: [job.pactOut], logLevel: 'error' }).verifyProvider(),
    );
  } catch (error) {
    // A failed verification rejects with the JSON report as its message.
    report = (error as Error).message;
  }
  server.close();
  writeFileSync(outFile, JSON.stringify(verdictsFromReport(job, report)));
}

// No top-level await: the test suite bundles the entry points as CommonJS (test/fixtures/cliBundle.ts).
void judge();
