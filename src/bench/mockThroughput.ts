import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { LOG_MESSAGE_PATH } from '../client/schema.ts';
import { defaultMockBehaviour } from '../mock/behaviour.ts';
import { startMockProcess } from '../mock/childProcess.ts';
import { MOCK_DEFAULT_CREDENTIALS } from '../mock/server.ts';
import { alternate, spread } from './measure.ts';
import type { Spread } from './measure.ts';

/** One row of the benchmark table. */
export interface BenchRow {
  name: string;
  figure: string;
  a: { label: string; value: Spread };
  b: { label: string; value: Spread };
  ratio: number;
  goal: string;
  met: boolean;
}

const REFERENCE_ENTRY = fileURLToPath(new URL('./referenceServer.ts', import.meta.url));
const BODY = JSON.stringify({ user: { auth_id: 'benchUser1' }, message_body: 'Hi, I need help with my order', message_type: 0, business_id: 343 });

/** req/s of plain autocannon (fixed body, 50 connections) against `url` for `durationSec`. */
async function throughput(url: string, durationSec: number): Promise<number> {
  const result = await autocannon({
    url: url + LOG_MESSAGE_PATH,
    method: 'POST',
    connections: 50,
    duration: durationSec,
    body: BODY,
    headers: { authorization: `Bearer ${MOCK_DEFAULT_CREDENTIALS.token}`, 'client-id': MOCK_DEFAULT_CREDENTIALS.clientId, 'content-type': 'application/json' },
  });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`benchmark target answered ${result.non2xx} non-2xx and ${result.errors} errors`);
  return result.requests.average;
}

/** Row 3 of the bench: the built-in mock (no latency) vs a minimal node:http server, side by side. */
export async function benchMockVsReference(options: { repetitions: number; durationSec: number }): Promise<BenchRow> {
  const mock = await startMockProcess({ credentials: { ...MOCK_DEFAULT_CREDENTIALS }, behaviour: { ...defaultMockBehaviour, registerAll: true } });
  const reference = fork(REFERENCE_ENTRY, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const referencePort = await new Promise<number>((resolve) => reference.once('message', (m: { port: number }) => resolve(m.port)));
    const referenceUrl = `http://127.0.0.1:${referencePort}`;
    await throughput(mock.url, 1);
    await throughput(referenceUrl, 1);
    const runs = await alternate(options.repetitions, () => throughput(mock.url, options.durationSec), () => throughput(referenceUrl, options.durationSec));
    const a = spread(runs.a);
    const b = spread(runs.b);
    const ratio = a.median / b.median;
    return { name: 'mock vs reference', figure: 'req/s, 50 connections, autocannon', a: { label: 'built-in mock', value: a }, b: { label: 'minimal node:http', value: b }, ratio, goal: '>= 0.90', met: ratio >= 0.9 };
  } finally {
    reference.kill();
    await mock.stop();
  }
}
