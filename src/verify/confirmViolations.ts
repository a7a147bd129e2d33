import { fork } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReplayableAnswer } from '../checks/contractRecorder.ts';
import type { ResponseContract } from '../checks/responseContract.ts';
import { PACT_PROVIDER } from '../pact/pactTerms.ts';
import type { ReplayJob, ReplayVerdicts } from './replayJob.ts';
import { childEntry } from '../util/childEntry.ts';

const CHILD_ENTRY = childEntry(new URL('./replayMain.ts', import.meta.url));

/** The reference verifier's word on the answers a run found broken, or why it could not be asked. */
export type ReferenceConfirmation = { verdicts: ReplayVerdicts } | { unavailable: string };

/**
 * Replays the first answer of each kind of pact violation, as received, through Pact's reference
 * verifier (in a child process: its native core prints to stdout) against the interactions for
 * its status. A few answers cost a second or two; a verifier that fails or hangs is reported as
 * unavailable, never as a verdict.
 */
export async function confirmWithReference(
  pactFile: string,
  contract: ResponseContract,
  answers: readonly ReplayableAnswer[],
  { timeoutMs = 60_000, stop }: { timeoutMs?: number; stop?: AbortSignal } = {},
): Promise<ReferenceConfirmation> {
  if (answers.length === 0) return { verdicts: {} };
  if (stop?.aborted) return { unavailable: 'not asked: interrupted again' };
  const dir = await mkdtemp(join(tmpdir(), 'harness-replay-'));
  try {
    const job: ReplayJob = {
      pactText: await readFile(pactFile, 'utf8'),
      provider: PACT_PROVIDER,
      pactOut: join(dir, 'replay-pact.json'),
      answers: answers.map((answer) => ({
        kind: answer.kind,
        status: answer.status,
        headers: answer.headers,
        bodyBase64: answer.body.toString('base64'),
        interactions: contract.interactionIndexesFor(answer.judgedAs),
      })),
    };
    const jobFile = join(dir, 'job.json');
    const outFile = join(dir, 'verdicts.json');
    await writeFile(jobFile, JSON.stringify(job));
    const exit = await new Promise<string | undefined>((resolve) => {
      const child = fork(CHILD_ENTRY.file, [jobFile, outFile], {
        execArgv: CHILD_ENTRY.execArgv,
        env: { ...process.env, PACT_DO_NOT_TRACK: 'true' },
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      });
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      // A second interrupt does not wait for the verifier: the result says it was not asked.
      const onStop = () => {
        child.kill('SIGKILL');
        resolve('not asked: interrupted again');
      };
      stop?.addEventListener('abort', onStop, { once: true });
      child.on('error', (error) => resolve(error.message));
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        stop?.removeEventListener('abort', onStop);
        resolve(code === 0 ? undefined : `the verifier process ended with ${signal ?? `code ${code}`}${stderr ? `: ${stderr.trim().split('\n').at(-1)}` : ''}`);
      });
    });
    if (exit !== undefined) return { unavailable: exit };
    return { verdicts: JSON.parse(await readFile(outFile, 'utf8')) as ReplayVerdicts };
  } catch (error) {
    return { unavailable: (error as Error).message };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
