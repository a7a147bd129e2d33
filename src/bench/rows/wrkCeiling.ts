// Row K: the harness against wrk, a C generator on epoll: what one core can do, and where the
// harness's microseconds per request go on either side of the kernel boundary.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BenchRow } from '../benchRow.ts';
import { formatRatio, formatSpread, sideBySide, skippedRow } from '../benchRow.ts';
import { startRawTarget } from '../nativeResponder.ts';
import type { RawTarget } from '../nativeResponder.ts';
import { wrkRun, wrkThroughput } from '../peers.ts';
import { childrenCpu, hasCommand, runHarness } from '../processes.ts';
import { benchScenario } from '../scenarios.ts';
import { busiest, targetVerdict, withTargetShare } from '../targetLoad.ts';
import { harnessThroughput } from './throughput.ts';
import type { BenchSettings } from './throughput.ts';

const CONNECTIONS = 50;

/** What one request costs a generator: CPU in user space and in the kernel, and system calls. */
export interface RequestCost {
  userUs: number;
  systemUs: number;
  /** System calls per request, null without strace; the commonest with their own counts. */
  syscalls: number | null;
  topSyscalls: { name: string; perRequest: number }[];
}

/** Row K: the harness (checks off and on) vs `wrk -t1`, alternating, and the cost split of both. */
export async function wrkRow(settings: BenchSettings): Promise<BenchRow> {
  const name = `max throughput vs wrk -t1 (C, epoll), closed model, ${CONNECTIONS} connections`;
  if (!(await hasCommand('wrk'))) return skippedRow('K', name, 'wrk is not installed (apt-get install -y wrk)');
  const server = await startRawTarget(settings.workDir);
  try {
    const shares = { off: [] as (number | null)[], on: [] as (number | null)[], wrk: [] as (number | null)[] };
    const tracked = (into: (number | null)[], work: () => Promise<number>) => async () => {
      const { value, targetShare } = await withTargetShare(server.pid, work);
      into.push(targetShare);
      return value;
    };
    const wrk = tracked(shares.wrk, () => wrkThroughput(settings.workDir, server.url, CONNECTIONS, settings.durationSec));
    const off = await sideBySide(
      settings.repetitions,
      tracked(shares.off, () => harnessThroughput(settings, server.url, 'wrk-off', false)),
      wrk,
    );
    const on = await sideBySide(
      settings.repetitions,
      tracked(shares.on, () => harnessThroughput(settings, server.url, 'wrk-on', true)),
      wrk,
    );
    const cost = await costSplit(settings, server);
    const target = targetVerdict({ 'checks off': busiest(shares.off), 'checks on': busiest(shares.on), wrk: busiest(shares.wrk) });
    const describe = (side: RequestCost) =>
      `${side.userUs.toFixed(1)} µs user + ${side.systemUs.toFixed(1)} µs kernel${side.syscalls === null ? '' : `, ${side.syscalls.toFixed(2)} syscalls (${side.topSyscalls.map((s) => `${s.name} ${s.perRequest.toFixed(2)}`).join(', ')})`}`;
    return {
      id: 'K',
      name: `${name}, ${server.name}`,
      measured: `harness checks off ${formatSpread(off.a)} req/s vs wrk ${formatSpread(off.b)}: ${formatRatio(off.ratio)}; checks on ${formatSpread(on.a)} vs ${formatSpread(on.b)}; per request: harness (checks on) ${describe(cost.harness)}; wrk ${describe(cost.wrk)}; ${target.text}`,
      figure: `off ${formatRatio(off.ratio)}, on ${formatRatio(on.ratio)} of wrk`,
      goal: 'on >= 0.85',
      met: target.targetBound ? null : on.ratio.median >= 0.85,
      details: { checksOff: off, checksOn: on, cost, targetBound: target.targetBound },
    };
  } finally {
    server.stop();
  }
}

/**
 * One more run of each side, measured from outside: user and kernel CPU from /proc (start-up
 * included for the harness, a fraction of a second against seconds of load), and system calls
 * counted by `strace -c -f` in a run of its own (strace slows a run; calls per request do not change).
 */
async function costSplit(settings: BenchSettings, server: RawTarget): Promise<{ harness: RequestCost; wrk: RequestCost }> {
  const yaml = benchScenario({
    name: 'wrk-cost',
    url: server.url,
    contract: true,
    phases: [`{ name: push, duration: ${settings.durationSec}s, connections: ${CONNECTIONS} }`],
  });
  const harness = await runHarness(yaml, settings.workDir, 'wrk-cost');
  const harnessRequests = harness.result.phases[0]!.requests.completed;
  const before = await childrenCpu();
  const wrk = await wrkRun(settings.workDir, server.url, CONNECTIONS, settings.durationSec);
  const after = await childrenCpu();
  const strace = await hasCommand('strace');
  const harnessCalls = strace
    ? await straced((wrap) => runHarness(yaml, settings.workDir, 'wrk-cost-strace', { wrap }).then((run) => run.result.phases[0]!.requests.completed), settings)
    : null;
  const wrkCalls = strace
    ? await straced((wrap) => wrkRun(settings.workDir, server.url, CONNECTIONS, settings.durationSec, wrap).then((run) => run.requests), settings)
    : null;
  return {
    harness: {
      userUs: (harness.cpuUserSec * 1e6) / harnessRequests,
      systemUs: (harness.cpuSystemSec * 1e6) / harnessRequests,
      syscalls: harnessCalls?.perRequest ?? null,
      topSyscalls: harnessCalls?.top ?? [],
    },
    wrk: {
      userUs: ((after.userSec - before.userSec) * 1e6) / wrk.requests,
      systemUs: ((after.systemSec - before.systemSec) * 1e6) / wrk.requests,
      syscalls: wrkCalls?.perRequest ?? null,
      topSyscalls: wrkCalls?.top ?? [],
    },
  };
}

/** Runs `work` under `strace -c -f` and returns its system calls per request, and the five commonest. */
async function straced(
  work: (wrap: string[]) => Promise<number>,
  settings: BenchSettings,
): Promise<{ perRequest: number; top: { name: string; perRequest: number }[] }> {
  const file = join(settings.workDir, `strace-${Date.now()}.txt`);
  const requests = await work(['strace', '-f', '-c', '-o', file]);
  const counts = parseStraceSummary(await readFile(file, 'utf8'));
  const total = counts.reduce((sum, row) => sum + row.calls, 0);
  const top = [...counts]
    .sort((a, b) => b.calls - a.calls)
    .slice(0, 5)
    .map((row) => ({ name: row.name, perRequest: row.calls / requests }));
  return { perRequest: total / requests, top };
}

/** The rows of `strace -c`'s table (not its total): each system call and how often it was made. */
export function parseStraceSummary(text: string): { name: string; calls: number }[] {
  const rows: { name: string; calls: number }[] = [];
  for (const line of text.split('\n')) {
    // % time, seconds, usecs/call, calls, [errors], syscall
    const match = /^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?([a-z_0-9]+)\s*$/.exec(line);
    if (match && match[2] !== 'total') rows.push({ name: match[2]!, calls: Number(match[1]) });
  }
  return rows;
}
