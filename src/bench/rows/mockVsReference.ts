import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { defaultMockBehaviour } from '../../mock/behaviour.ts';
import { startMockProcess } from '../../mock/childProcess.ts';
import { MOCK_DEFAULT_CREDENTIALS } from '../../mock/credentials.ts';
import type { BenchRow } from '../benchRow.ts';
import { formatRatio, formatSpread, sideBySide } from '../benchRow.ts';
import { autocannonThroughput } from '../peers.ts';
import { TARGET_CORE, pinTo } from '../processes.ts';
import type { BenchSettings } from './throughput.ts';

const REFERENCE_ENTRY = fileURLToPath(new URL('../referenceServer.ts', import.meta.url));

/** Row 3: the built-in mock (no latency) vs a minimal node:http server of the endpoint, same load. */
export async function mockVsReferenceRow(settings: BenchSettings): Promise<BenchRow> {
  const mock = await startMockProcess({ credentials: { ...MOCK_DEFAULT_CREDENTIALS }, behaviour: { ...defaultMockBehaviour, registerAll: true } });
  const reference = fork(REFERENCE_ENTRY, [], { execArgv: ['--import', import.meta.resolve('tsx')], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const referencePort = await new Promise<number>((resolve) => reference.once('message', (m: { port: number }) => resolve(m.port)));
    const referenceUrl = `http://127.0.0.1:${referencePort}`;
    // Both servers live on the target core; only the one under load is busy at any time.
    await pinTo(mock.pid, TARGET_CORE);
    await pinTo(reference.pid, TARGET_CORE);
    // Warm both up (JIT) before measuring.
    await autocannonThroughput(mock.url, 50, 1);
    await autocannonThroughput(referenceUrl, 50, 1);
    const {
      a,
      b,
      ratio: pairs,
    } = await sideBySide(
      settings.repetitions,
      () => autocannonThroughput(mock.url, 50, settings.durationSec),
      () => autocannonThroughput(referenceUrl, 50, settings.durationSec),
    );
    const ratio = pairs.median;
    return {
      id: '3',
      name: 'built-in mock vs minimal node:http server of the endpoint (autocannon, 50 connections)',
      measured: `mock ${formatSpread(a)} req/s vs reference ${formatSpread(b)} req/s`,
      figure: formatRatio(pairs),
      goal: '>= 0.90',
      met: ratio >= 0.9,
      details: { mock: a, reference: b, ratio, pairRatios: pairs },
    };
  } finally {
    reference.kill();
    await mock.stop();
  }
}
