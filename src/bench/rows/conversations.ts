// Row V: conversations on connections of their own, at scale: 10,000 open at once in one
// generator process pinned to one core, and what each costs in memory and CPU.
import type { BenchRow } from '../benchRow.ts';
import { startRawTarget } from '../nativeResponder.ts';
import { runHarness } from '../processes.ts';
import { benchScenario } from '../scenarios.ts';
import type { BenchSettings } from './throughput.ts';

/**
 * `conversations` conversations start over `startSec` seconds, each of 3 messages a think time
 * apart long enough that none ends before the last has started: all are open at once, each with
 * its own connection. A run of 10 conversations is the baseline the memory is counted from.
 */
export async function conversationsRow(settings: BenchSettings, conversations: number): Promise<BenchRow> {
  const server = await startRawTarget(settings.workDir);
  const startSec = 5;
  const thinkSec = startSec + 1;
  const phase = (count: number) =>
    `{ name: chats, duration: ${startSec}s, maxConnections: ${count}, conversations: { rate: ${count / startSec}, messages: 3, thinkTime: ${thinkSec}s, connection: own } }`;
  try {
    const base = await runHarness(benchScenario({ name: 'conversations-base', url: server.url, phases: [phase(10)] }), settings.workDir, 'conversations-base');
    const run = await runHarness(benchScenario({ name: 'conversations', url: server.url, phases: [phase(conversations)] }), settings.workDir, 'conversations');
    const counts = run.result.phases[0]!.conversations!;
    const connections = run.result.overall.connections!;
    const messages = run.result.overall.requests.sent;
    const startedPerSec = counts.started / startSec;
    const memoryPerConversationKb = ((run.peakRssMb - base.peakRssMb) * 1024) / counts.started;
    // Beyond the baseline run's: start-up, preflight and writing the report cost the same in both.
    const cpuPerConversationUs = ((run.cpuSec - base.cpuSec) / (counts.started - 10)) * 1e6;
    const allOpen = counts.started === conversations && counts.completed === conversations && counts.notStarted.connectionLimit === 0;
    const errorFree = run.result.overall.unexpected === 0;
    return {
      id: 'V',
      name: `conversations: ${conversations.toLocaleString('en-US')} at once, each on its own connection, one generator on one core`,
      measured: `${counts.started.toLocaleString('en-US')} started in ${startSec} s (${Math.round(startedPerSec).toLocaleString('en-US')}/s), ${counts.completed.toLocaleString('en-US')} completed, ${connections.opened.toLocaleString('en-US')} connections opened and all held at once (think ${thinkSec} s), ${messages.toLocaleString('en-US')} messages, p99 ${run.result.overall.latencyMs.p99?.toFixed(1) ?? '∞'} ms, connect p99 ${connections.connectMs?.p99.toFixed(2) ?? '-'} ms; peak RSS ${run.peakRssMb.toFixed(0)} MB vs ${base.peakRssMb.toFixed(0)} MB for 10; CPU ${run.cpuSec.toFixed(1)} s vs ${base.cpuSec.toFixed(1)} s`,
      figure: `${memoryPerConversationKb.toFixed(1)} KB per open conversation; ${cpuPerConversationUs.toFixed(0)} µs CPU per conversation (connect, 3 messages, close)`,
      goal: `all ${conversations.toLocaleString('en-US')} open at once, no error`,
      met: allOpen && errorFree,
      details: {
        counts,
        connections,
        messages,
        startedPerSec,
        memoryPerConversationKb,
        cpuPerConversationUs,
        peakRssMb: run.peakRssMb,
        basePeakRssMb: base.peakRssMb,
        cpuSec: run.cpuSec,
        baseCpuSec: base.cpuSec,
      },
    };
  } finally {
    server.stop();
  }
}
