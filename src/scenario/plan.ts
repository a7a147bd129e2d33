import { readPactResponses } from '../pact/pactFile.ts';
import { ResponseContract } from '../checks/responseContract.ts';
import { ExitCode, UserError } from '../errors.ts';
import { constantSchedule, rampSchedule, replaySchedule } from '../engine/schedule.ts';
import type { Schedule } from '../engine/schedule.ts';
import { messageRowSchema, replayRowSchema, userRowSchema } from '../feed/rowSchemas.ts';
import type { ReplayRow, UserRow } from '../feed/rowSchemas.ts';
import { scanCsv } from '../feed/scanCsv.ts';
import type { LoadedScenario } from './loadScenario.ts';
import type { Scenario, ScenarioPhase } from './schema.ts';

/** A phase with its schedule worked out. */
export type PlannedPhase =
  | { kind: 'rate'; name: string; durationMs: number; schedule: Schedule; ratePerSec: number; rampToPerSec: number; maxConnections: number }
  | { kind: 'connections'; name: string; durationMs: number; connections: number }
  | { kind: 'replay'; name: string; durationMs: number; schedule: Schedule; rows: ReplayRow[]; file: string; speed: number; maxConnections: number };

/** Everything the runner needs, validated: no file is read again except to stream rows. */
export interface LoadPlan {
  scenarioFile: string;
  scenario: Scenario;
  phases: PlannedPhase[];
  usersRowCount: number;
  /** A user expected to be accepted, and one (if any) expected to get a given status, for preflight. */
  preflightUsers: { accepted?: UserRow; expecting?: UserRow };
  /** Users whose rows name an expected status (few, by design), for replayed traffic. */
  expectedStatusByAuthId: Map<string, number>;
  /** The pact every response is checked against (compiled once), or null when checks are off. */
  contract: PlannedContract | null;
}

export interface PlannedContract {
  pactFile: string;
  responses: ResponseContract;
  sampleShare: number;
  clockSkewMs: number;
}

/**
 * Requests the plan schedules in one second of the run, summed over the phases it overlaps (a
 * second can straddle two), given when each phase started (ms from the run start; phases not yet
 * started are left out); null when a closed-model phase ran in it, which has no target.
 */
export function scheduledInSecond(phases: readonly PlannedPhase[], startOffsetsMs: readonly (number | undefined)[], second: number): number | null {
  const fromMs = second * 1000;
  const toMs = fromMs + 1000;
  let scheduled = 0;
  for (const [i, phase] of phases.entries()) {
    const startMs = startOffsetsMs[i];
    if (startMs === undefined || startMs >= toMs || startMs + phase.durationMs <= fromMs) continue;
    if (phase.kind === 'connections') return null;
    scheduled += phase.schedule.countBetween(fromMs - startMs, toMs - startMs);
  }
  return scheduled;
}

/**
 * The phase running `atMs` after the run started: the last one started by then (phases run one
 * after another), given when each started; undefined before the first.
 */
export function phaseIndexAt(startOffsetsMs: readonly (number | undefined)[], atMs: number): number | undefined {
  let running: number | undefined;
  for (const [i, startMs] of startOffsetsMs.entries()) if (startMs !== undefined && startMs <= atMs) running = i;
  return running;
}

/**
 * Validates every CSV the scenario names (streamed, so any size) and works out each phase's
 * schedule; all problems of all files are reported together.
 */
export async function planLoad(loaded: LoadedScenario, durationScale = 1, interrupt?: AbortSignal): Promise<LoadPlan> {
  const { scenario } = loaded;
  const problems: string[] = [];
  const collect = async <T>(work: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof UserError) || error.exitCode === ExitCode.interrupted) throw error;
      problems.push(...(error.problems.length > 0 ? error.problems : [error.message]));
      return undefined;
    }
  };

  const preflightUsers: LoadPlan['preflightUsers'] = {};
  const expectedStatusByAuthId = new Map<string, number>();
  const users = await collect(() =>
    scanCsv(
      scenario.users.file,
      userRowSchema,
      (row) => {
        if (row.expect === undefined) preflightUsers.accepted ??= row;
        else {
          preflightUsers.expecting ??= row;
          expectedStatusByAuthId.set(row.auth_id, row.expect);
        }
      },
      interrupt,
    ),
  );
  if ('file' in scenario.messages) {
    const messagesFile = scenario.messages.file;
    await collect(() => scanCsv(messagesFile, messageRowSchema, undefined, interrupt));
  }
  const phases: PlannedPhase[] = [];
  for (const phase of scenario.phases) {
    const planned = await collect(() => planPhase(phase, scenario, durationScale, interrupt));
    if (planned) phases.push(planned);
  }
  const settings = scenario.contract;
  const contract =
    settings === false
      ? null
      : await collect(async (): Promise<PlannedContract> => {
          const pactFile = settings.pact!;
          return {
            pactFile,
            responses: ResponseContract.compile(await readPactResponses(pactFile), pactFile),
            sampleShare: settings.sample,
            clockSkewMs: settings.clockSkew,
          };
        });
  if (problems.length > 0) throw new UserError(`${loaded.file}: its data files have problems`, { exitCode: ExitCode.badInput, problems });
  return { scenarioFile: loaded.file, scenario, phases, usersRowCount: users!.rowCount, preflightUsers, expectedStatusByAuthId, contract: contract ?? null };
}

async function planPhase(phase: ScenarioPhase, scenario: Scenario, durationScale: number, interrupt?: AbortSignal): Promise<PlannedPhase> {
  const maxConnections = ('maxConnections' in phase ? phase.maxConnections : undefined) ?? scenario.target.maxConnections;
  switch (phase.kind) {
    case 'rate':
      return {
        ...phase,
        maxConnections,
        schedule:
          phase.rampToPerSec === phase.ratePerSec
            ? constantSchedule(phase.ratePerSec, phase.durationMs)
            : rampSchedule(phase.ratePerSec, phase.rampToPerSec, phase.durationMs),
      };
    case 'connections':
      return phase;
    case 'replay': {
      const allRows: ReplayRow[] = [];
      await scanCsv(phase.file, replayRowSchema, (row) => allRows.push(row), interrupt);
      const problems = allRows.flatMap((row, i) =>
        i > 0 && row.offset_ms < allRows[i - 1]!.offset_ms ? [`${phase.file}: row ${i + 1}: offset_ms ${row.offset_ms} is before the previous row's`] : [],
      );
      if (problems.length > 0) throw new UserError(`${phase.file}: offsets must not decrease`, { problems });
      const firstMs = allRows[0]!.offset_ms;
      // --duration-scale shortens a replay by playing only the start of the log.
      const rows = allRows.filter((row) => (row.offset_ms - firstMs) / phase.speed <= ((allRows.at(-1)!.offset_ms - firstMs) / phase.speed) * durationScale);
      const schedule = replaySchedule(
        rows.map((row) => row.offset_ms),
        phase.speed,
      );
      const durationMs = (rows.length > 0 ? schedule.dueOffsetMs(rows.length - 1) : 0) + 1;
      return { kind: 'replay', name: phase.name, durationMs, schedule, rows, file: phase.file, speed: phase.speed, maxConnections };
    }
  }
}
