import { defaultMockBehaviour } from '../../mock/behaviour.ts';
import { startMockProcess } from '../../mock/childProcess.ts';
import { MOCK_DEFAULT_CREDENTIALS } from '../../mock/credentials.ts';
import type { BenchRow, Spread } from '../benchRow.ts';
import { formatRatio, formatSpread, sideBySide, spread } from '../benchRow.ts';
import { autocannonThroughput, heyThroughput, wrkThroughput } from '../peers.ts';
import { startRawTarget } from '../nativeResponder.ts';
import { TARGET_CORE, hasCommand, pinTo, runHarness } from '../processes.ts';
import { busiest, targetVerdict, withTargetShare } from '../targetLoad.ts';
import { benchScenario } from '../scenarios.ts';

export interface BenchSettings {
  /** --quick: a smoke run of every row, not figures to quote. */
  quick: boolean;
  workDir: string;
  repetitions: number;
  durationSec: number;
}

const CONNECTIONS = 50;

/** The harness's closed-model throughput (completed/s) against `url`: a whole real run; `extraYaml` is appended to its scenario. */
export async function harnessThroughput(settings: BenchSettings, url: string, name: string, contract = true, extraYaml = ''): Promise<number> {
  const yaml = benchScenario({ name, url, contract, phases: [`{ name: push, duration: ${settings.durationSec}s, connections: ${CONNECTIONS} }`] }) + extraYaml;
  const run = await runHarness(yaml, settings.workDir, name);
  const phase = run.result.phases[0]!;
  if (phase.errorRate > 0) throw new Error(`bench run ${name} had errors: ${JSON.stringify(phase.statusCounts)} ${JSON.stringify(phase.errors)}`);
  return phase.requests.completed / (phase.durationMs / 1000);
}

/**
 * Two harness runs at once on the generator core, variant A against variant B, and B against B
 * as the control: what A costs, with no drift between runs in it (sequential pairs on this
 * machine moved by more than the cost measured). Twice as long as the other rows' runs, so the
 * moments when one run has started or ended and the other has not weigh less.
 */
export async function sharedCoreRatios(
  settings: BenchSettings,
  targetPid: number | undefined,
  run: (settings: BenchSettings, name: string, variant: 'a' | 'b') => Promise<number>,
): Promise<{ shared: Spread; control: Spread; targetShares: (number | null)[] }> {
  const sharedSettings = { ...settings, durationSec: settings.quick ? settings.durationSec : settings.durationSec * 2 };
  const targetShares: (number | null)[] = [];
  const atOnce = async (first: 'a' | 'b', second: 'a' | 'b') => {
    const { value, targetShare } = await withTargetShare(targetPid, () =>
      Promise.all([run(sharedSettings, 'shared-1', first), run(sharedSettings, 'shared-2', second)]),
    );
    targetShares.push(targetShare);
    return value[0] / value[1];
  };
  const sharedRatios: number[] = [];
  const controlRatios: number[] = [];
  for (let i = 0; i < settings.repetitions * 2; i++) {
    sharedRatios.push(await atOnce('a', 'b'));
    if (i % 2 === 0) controlRatios.push(await atOnce('b', 'b'));
  }
  return { shared: spread(sharedRatios), control: spread(controlRatios), targetShares };
}

/** Runs `work`, adding the target's CPU share during it to `shares`. */
function tracked(pid: number | undefined, shares: (number | null)[], work: () => Promise<number>): () => Promise<number> {
  return async () => {
    const { value, targetShare } = await withTargetShare(pid, work);
    shares.push(targetShare);
    return value;
  };
}

/**
 * Row 1: the harness (feeds, HDR, per-second timeline: everything a run does) vs raw autocannon,
 * closed model, against the C responder, which has headroom where node:http (and even the Node raw
 * responder) would cap both sides. Checks off is the generator's own cost; checks on is a run as users run it.
 */
export async function closedThroughputRow(settings: BenchSettings): Promise<{ row: BenchRow; harnessPerSec: Spread }> {
  const server = await startRawTarget(settings.workDir);
  try {
    const shares = { off: [] as (number | null)[], on: [] as (number | null)[], autocannon: [] as (number | null)[] };
    const autocannon = tracked(server.pid, shares.autocannon, () => autocannonThroughput(server.url, CONNECTIONS, settings.durationSec));
    const off = await sideBySide(
      settings.repetitions,
      tracked(server.pid, shares.off, () => harnessThroughput(settings, server.url, 'closed-off', false)),
      autocannon,
    );
    const on = await sideBySide(
      settings.repetitions,
      tracked(server.pid, shares.on, () => harnessThroughput(settings, server.url, 'closed-on', true)),
      autocannon,
    );
    const targetShares = { 'checks off': busiest(shares.off), 'checks on': busiest(shares.on), autocannon: busiest(shares.autocannon) };
    const target = targetVerdict(targetShares);
    const met = target.targetBound ? null : off.ratio.median >= 0.9 && on.ratio.median >= 0.8;
    return {
      harnessPerSec: on.a,
      row: {
        id: '1',
        name: `max throughput, closed model, 50 connections, ${server.name}`,
        measured: `harness checks off ${formatSpread(off.a)} req/s vs raw autocannon ${formatSpread(off.b)}: ${formatRatio(off.ratio)}; checks on ${formatSpread(on.a)} vs ${formatSpread(on.b)}; ${target.text}`,
        figure: `off ${formatRatio(off.ratio)}, on ${formatRatio(on.ratio)}`,
        goal: 'off >= 0.90, on >= 0.80',
        met,
        details: { checksOff: off, checksOn: on, targetShares, targetBound: target.targetBound },
      },
    };
  } finally {
    server.stop();
  }
}

/** Row 2: the same against the built-in mock, with wrk and hey for reference where installed. */
export async function mockThroughputRow(settings: BenchSettings): Promise<BenchRow> {
  const mock = await startMockProcess({ credentials: { ...MOCK_DEFAULT_CREDENTIALS }, behaviour: { ...defaultMockBehaviour, registerAll: true } });
  await pinTo(mock.pid, TARGET_CORE);
  const mockShares = { harness: [] as (number | null)[], autocannon: [] as (number | null)[] };
  try {
    const {
      a,
      b,
      ratio: pairs,
    } = await sideBySide(
      settings.repetitions,
      tracked(mock.pid, mockShares.harness, () => harnessThroughput(settings, mock.url, 'closed-mock')),
      tracked(mock.pid, mockShares.autocannon, () => autocannonThroughput(mock.url, CONNECTIONS, settings.durationSec)),
    );
    const target = targetVerdict({ harness: busiest(mockShares.harness), autocannon: busiest(mockShares.autocannon) });
    const peers: Record<string, Spread | string> = {};
    for (const [tool, measure] of [
      ['wrk', () => wrkThroughput(settings.workDir, mock.url, CONNECTIONS, settings.durationSec)],
      ['hey', () => heyThroughput(mock.url, CONNECTIONS, settings.durationSec)],
    ] as const) {
      if (!(await hasCommand(tool))) {
        peers[tool] = `not installed (apt-get install -y ${tool})`;
        continue;
      }
      const values: number[] = [];
      for (let i = 0; i < settings.repetitions; i++) values.push(await measure());
      peers[tool] = spread(values);
    }
    const ratio = pairs.median;
    const peerText = Object.entries(peers)
      .map(([tool, value]) => `${tool} ${typeof value === 'string' ? value : `${formatSpread(value)} req/s`}`)
      .join('; ');
    return {
      id: '2',
      name: 'max throughput against the built-in mock (no latency), 50 connections',
      measured: `harness ${formatSpread(a)} req/s vs raw autocannon ${formatSpread(b)} req/s; ${peerText}; ${target.text}`,
      figure: formatRatio(pairs),
      goal: '- (reference)',
      met: null,
      details: {
        harness: a,
        autocannon: b,
        ratio,
        pairRatios: pairs,
        ...peers,
        targetShares: { harness: busiest(mockShares.harness), autocannon: busiest(mockShares.autocannon) },
      },
    };
  } finally {
    await mock.stop();
  }
}

/**
 * The throughput cost of checking every response against the pact (contract-aware load). The
 * target is the C responder: node:http on one core answers about as fast as the harness sends,
 * so against it a run is partly bound by the target, and the checks' cost hides in the
 * generator's idle time. The verdict runs checks on and off at once, sharing the generator core,
 * so the host's slow spells hit both alike: the ratio is the checks' share
 * of the generator's CPU. The same runs with checks off on both sides show what the method reads
 * when there is no difference. Runs one after the other are listed too; their pairs swing with
 * the host.
 */
export async function contractCostRow(settings: BenchSettings): Promise<BenchRow> {
  const server = await startRawTarget(settings.workDir);
  try {
    const {
      shared,
      control,
      targetShares: shares,
    } = await sharedCoreRatios(settings, server.pid, (runSettings, name, variant) => harnessThroughput(runSettings, server.url, name, variant === 'a'));
    const {
      a,
      b,
      ratio: pairs,
    } = await sideBySide(
      settings.repetitions,
      () => harnessThroughput(settings, server.url, 'contract-on', true),
      () => harnessThroughput(settings, server.url, 'contract-off', false),
    );
    const target = targetVerdict({ 'both at once': busiest(shares) });
    return {
      id: 'C',
      name: `contract checks on every response vs off, closed model, 50 connections, ${server.name}`,
      measured: `both at once on one core: on/off ${formatRatio(shared)}, off/off ${formatRatio(control)}; one after the other: on ${formatSpread(a)} req/s vs off ${formatSpread(b)} req/s, pairs ${formatRatio(pairs)}; ${target.text}`,
      figure: formatRatio(shared),
      goal: '>= 0.90',
      met: target.targetBound ? null : shared.median >= 0.9,
      details: {
        sharedCoreRatios: shared,
        sharedCoreControl: control,
        on: a,
        off: b,
        sequentialPairRatios: pairs,
        targetShare: busiest(shares),
        targetBound: target.targetBound,
      },
    };
  } finally {
    server.stop();
  }
}
