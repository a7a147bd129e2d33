import { resolve } from 'node:path';
import { ExitCode, UserError } from '../errors.ts';
import { buildResult } from '../report/buildResult.ts';
import type { RunResult } from '../report/resultModel.ts';
import { generatorsTable } from '../scale/generatorsTable.ts';
import { planFingerprint } from '../scale/planFingerprint.ts';
import { loadScenario } from '../scenario/loadScenario.ts';
import { planLoad } from '../scenario/plan.ts';
import type { LoadPlan } from '../scenario/plan.ts';
import type { CapacityResult } from '../report/resultModel.ts';
import type { GeneratorMeasurements } from './measurements.ts';
import { resultInputs } from './measurements.ts';
import { referenceOnViolations } from './referenceCheck.ts';
import { mergeMeasurements } from './mergeMeasurements.ts';
import type { ShardFile } from './shardFile.ts';

export interface MergeShardsOptions {
  /** The scenario to plan again (thresholds, schedules); the shards' own when unset. */
  scenarioFile?: string;
  env: Record<string, string | undefined>;
  onLine(line: string): void;
}

/**
 * One run's result from its shards (given in shard order): the scenario is planned again and must
 * be the plan every shard ran, their measurements merge exactly, and thresholds are judged on the
 * whole. Shards whose schedules started further apart than the tolerance are reported.
 */
export async function mergeShards(shards: readonly { file: string; shard: ShardFile }[], options: MergeShardsOptions): Promise<RunResult> {
  const first = shards[0]!.shard;
  const scenarioFile = options.scenarioFile ?? first.scenario.file;
  // Planned against the mock: where the shards sent their load, and as whom, is not the merge's business.
  const loaded = await loadScenario(resolve(scenarioFile), options.env, { target: 'mock', durationScale: first.durationScale });
  const plan = await planLoad(loaded, first.durationScale);
  const fingerprint = await planFingerprint(plan);
  if (fingerprint !== first.planFingerprint) {
    throw new UserError(`${scenarioFile}: not the plan the shards ran (plan ${fingerprint}, shards ${first.planFingerprint})`, {
      exitCode: ExitCode.badInput,
      problems: [
        'the scenario, or one of its data files (users, messages, replay log, pact), changed since the shards ran; merge with the files they used (--scenario FILE)',
      ],
    });
  }
  return resultOfShards(
    plan,
    shards.map(({ shard }) => shard),
    options,
  );
}

/** What a coordinator knows besides the shards' files: its own preflight, the shards it lost, an interrupt. */
export interface ShardsOutcome {
  /** The coordinator's preflight checks (it checked the target once for every shard). */
  preflight?: RunResult['preflight'];
  /** Shards missing from the result, each with why: the result is partial and says so. */
  lost?: readonly string[];
  /** The coordinator was interrupted. */
  interrupted?: boolean;
  /** A second interrupt: skip asking the reference verifier. */
  hurry?: AbortSignal;
  /** A capacity search's outcome, its measurements its trials' (the shards' files being the last trial's). */
  search?: { measured: GeneratorMeasurements; capacity: CapacityResult };
}

/**
 * One result from the shards of a run (in shard order) planned as `plan`: their measurements merge
 * exactly, thresholds are judged on the whole, and shards whose schedules started further apart
 * than the tolerance are reported. `merge` and a coordinator build results alike through here.
 */
export async function resultOfShards(
  plan: LoadPlan,
  shards: readonly ShardFile[],
  options: Pick<MergeShardsOptions, 'onLine'> & ShardsOutcome,
): Promise<RunResult> {
  const first = shards[0]!;
  const parts = shards.map((shard) => shard.measured);
  const measured = withMissingShards(options.search?.measured ?? mergeMeasurements(parts), options, 'result');
  // A search's shards sent many trials: a table of theirs would show the last one only.
  const generators = options.search ? null : generatorsTable('shard', parts, { indices: shards.map((shard) => shard.shard.index), of: first.shard.count });
  for (const row of generators?.rows ?? []) {
    if (row.startOffsetMs > generators!.skewToleranceMs) {
      options.onLine(
        `WARNING: ${row.label} started its schedule ${row.startOffsetMs} ms after the first shard: its clock or its start was off (tolerance ${generators!.skewToleranceMs} ms).`,
      );
    }
  }
  const referenceConfirmation = await referenceOnViolations(plan, measured, options.onLine, options.hurry);
  return buildResult({
    ...resultInputs(measured),
    plan,
    targetUrl: first.target.url,
    targetIsMock: first.target.mock,
    tlsVerified: first.target.tlsVerified,
    trustStore: first.target.trustStore,
    route: first.target.network ? { proxy: first.target.network.proxy, localAddresses: first.target.network.localAddresses } : undefined,
    preflight: options.preflight ?? first.preflight,
    referenceConfirmation,
    // Each shard against the mock had a mock of its own: their server-side summaries do not add up.
    serverSide: null,
    durationScale: first.durationScale,
    baseDir: process.cwd(),
    environment: { ...first.environment, peakRssBytes: Math.max(...shards.map((shard) => shard.environment.peakRssBytes ?? 0)) || null },
    generators,
    capacity: options.search?.capacity ?? null,
  });
}

/**
 * Shards' measurements merged, marked as what they are: aborted, naming each shard missing from
 * `what` (the result, or a search's trial) with why, or interrupted when the coordinator was.
 */
export function withMissingShards(
  merged: GeneratorMeasurements,
  outcome: { lost?: readonly string[]; interrupted?: boolean },
  what: 'result' | 'trial',
): GeneratorMeasurements {
  const lost = outcome.lost ?? [];
  if (lost.length > 0)
    return {
      ...merged,
      aborted: true,
      abortReason: `${lost.join('; ')}: its requests are missing from the ${what}`,
      interrupted: outcome.interrupted === true,
    };
  return { ...merged, interrupted: merged.interrupted || outcome.interrupted === true };
}
