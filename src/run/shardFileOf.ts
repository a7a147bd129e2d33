import { resolve } from 'node:path';
import { shardFileContent } from '../merge/shardFile.ts';
import type { ShardFile } from '../merge/shardFile.ts';
import { planFingerprint } from '../scale/planFingerprint.ts';
import { describeEnvironment } from './environment.ts';
import type { MeasuredLoad } from './runLoad.ts';

/** What a shard measured and where: its MeasuredLoad, or the same for one trial of a coordinated search. */
export type ShardMeasured = Pick<
  MeasuredLoad,
  'plan' | 'measured' | 'workers' | 'targetUrl' | 'targetIsMock' | 'tlsVerified' | 'trustStore' | 'preflight' | 'route'
>;

/** Which shard of which run, as the command line said. */
export interface ShardRun {
  shard: { index: number; count: number };
  startAtEpochMs: number | undefined;
  durationScale: number;
  scenarioFile: string;
}

/** What shard.json holds: the shard's measurements and what the merge needs to judge them with the others. */
export async function shardFileOf(load: ShardMeasured, run: ShardRun): Promise<ShardFile> {
  const { measured } = load;
  return shardFileContent({
    planFingerprint: await planFingerprint(load.plan),
    // Where this shard read it: the merge plans it again from there (or from --scenario).
    scenario: { name: load.plan.scenario.name, file: resolve(run.scenarioFile) },
    durationScale: run.durationScale,
    shard: run.shard,
    workers: load.workers?.length ?? 1,
    startAt: run.startAtEpochMs === undefined ? null : new Date(run.startAtEpochMs).toISOString(),
    target: {
      url: load.targetUrl,
      mock: load.targetIsMock,
      tlsVerified: load.tlsVerified,
      trustStore: load.trustStore,
      // How this shard reached the target; what its connections met is in `measured`.
      network: { ...load.route, dnsQueries: measured.network.dnsQueries, addresses: [] },
    },
    preflight: load.preflight,
    environment: describeEnvironment(),
    measured,
  });
}
