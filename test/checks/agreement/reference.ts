import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AgreementCase, CaseVerdict } from './agreementCase.ts';

const ENTRY = fileURLToPath(new URL('./referenceMain.ts', import.meta.url));

/** The reference verifier's verdict on each case (by id), and its mismatches where it failed one. */
export interface ReferenceVerdicts {
  verdicts: Record<string, CaseVerdict>;
  reasons: Record<string, unknown>;
}

/** Runs Pact's verifier over all cases in one child process (its native core prints to stdout). */
export async function referenceVerdicts(cases: readonly AgreementCase[]): Promise<ReferenceVerdicts> {
  const dir = mkdtempSync(join(tmpdir(), 'agreement-'));
  try {
    const casesFile = join(dir, 'cases.json');
    const outFile = join(dir, 'out.json');
    writeFileSync(casesFile, JSON.stringify(cases));
    // The verifier loads the machine's CA store for every interaction it replays (rustls reads each
    // of the ~300 files under /etc/ssl/certs: 290 openat a case, measured with strace), though the
    // provider here is plain HTTP on 127.0.0.1. An empty store leaves its verdicts as they are and
    // takes its time for 400 cases from 2.6 s to 1.0 s.
    const emptyCaDir = join(dir, 'no-ca');
    mkdirSync(emptyCaDir);
    writeFileSync(join(dir, 'no-ca.pem'), '');
    const output = await new Promise<string>((resolve, reject) => {
      // At the lowest priority: a core's worth of CPU for half a minute that times nothing itself,
      // beside test files whose latencies and think times are timed (nice only matters when the
      // cores are busy, so `npm run agreement` on its own takes no longer).
      const child = spawn('nice', ['-n', '19', process.execPath, '--import', import.meta.resolve('tsx'), ENTRY, casesFile, outFile], {
        env: { ...process.env, PACT_DO_NOT_TRACK: 'true', SSL_CERT_FILE: join(dir, 'no-ca.pem'), SSL_CERT_DIR: emptyCaDir },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`the reference verifier exited ${code}:\n${text.slice(-4000)}`))));
    });
    const result = JSON.parse(readFileSync(outFile, 'utf8')) as ReferenceVerdicts;
    const missing = cases.filter((testCase) => !(testCase.id in result.verdicts)).map((testCase) => testCase.id);
    if (missing.length > 0) throw new Error(`the reference gave no verdict for ${missing.slice(0, 5).join(', ')}; its output:\n${output.slice(-4000)}`);
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
