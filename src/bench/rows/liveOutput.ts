// Row O: what pushing live metrics every second costs the generator, against runs without.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeWriteRequest } from '../../outputs/remoteWriteCodec.ts';
import type { BenchRow } from '../benchRow.ts';
import { formatRatio, formatSpread, sideBySide } from '../benchRow.ts';
import { startRawTarget } from '../nativeResponder.ts';
import { busiest, targetVerdict } from '../targetLoad.ts';
import { harnessThroughput, sharedCoreRatios } from './throughput.ts';
import type { BenchSettings } from './throughput.ts';

const CONNECTIONS = 50;

/** A remote-write receiver that takes every push and keeps only counts (a stand-in for the bench only: the tests use a real Prometheus). */
async function startSink() {
  let pushes = 0;
  let seriesInLast = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      pushes++;
      seriesInLast = decodeWriteRequest(Buffer.concat(chunks)).length;
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/write`,
    counts: () => ({ pushes, seriesInLast }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Row O: two runs at once on the generator core, one pushing every second and one not (and two not
 * as the control), then sequential pairs for the absolute rates, as row C measures the contract.
 */
export async function liveOutputRow(settings: BenchSettings): Promise<BenchRow> {
  const server = await startRawTarget(settings.workDir);
  const sink = await startSink();
  const pushing = `outputs:\n  prometheus: { url: "${sink.url}", interval: 1s }\n`;
  try {
    const { shared, control, targetShares } = await sharedCoreRatios(settings, server.pid, (runSettings, name, variant) =>
      harnessThroughput(runSettings, server.url, name, true, variant === 'a' ? pushing : ''),
    );
    const { a, b } = await sideBySide(
      settings.repetitions,
      () => harnessThroughput(settings, server.url, 'output-on', true, pushing),
      () => harnessThroughput(settings, server.url, 'output-off', true),
    );
    const { pushes, seriesInLast } = sink.counts();
    const target = targetVerdict({ 'both at once': busiest(targetShares) });
    return {
      id: 'O',
      name: `live metrics pushed every second (Prometheus remote write) vs none, closed model, ${CONNECTIONS} connections, checks on, ${server.name}`,
      measured: `both at once on one core: pushing/not ${formatRatio(shared)}, not/not ${formatRatio(control)}; one after the other: pushing ${formatSpread(a)} req/s vs not ${formatSpread(b)} req/s; ${pushes} pushes taken, ${seriesInLast} series in the last; ${target.text}`,
      figure: formatRatio(shared),
      goal: '>= 0.98',
      met: target.targetBound ? null : shared.median >= 0.98,
      details: { sharedCoreRatios: shared, sharedCoreControl: control, on: a, off: b, pushes, seriesInLast, targetShare: busiest(targetShares) },
    };
  } finally {
    server.stop();
    await sink.close();
  }
}
