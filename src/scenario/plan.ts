import { readPactResponses } from '../pact/pactFile.ts';
import { ResponseContract } from '../checks/responseContract.ts';
import { ExitCode, UserError } from '../errors.ts';
import { MAX_POISSON_ARRIVALS, constantSchedule, poissonSchedule, rampSchedule, replaySchedule } from '../engine/schedule.ts';
import type { Arrivals, Schedule } from '../engine/schedule.ts';
import { seededRandom } from '../util/random.ts';
import { messageRowSchema, replayRowSchema, userRowSchema } from '../feed/rowSchemas.ts';
import type { ReplayRow, UserRow } from '../feed/rowSchemas.ts';
import { scanCsv } from '../feed/scanCsv.ts';
import type { LoadedScenario } from './loadScenario.ts';
import { MAX_PHASE_DURATION_MS } from './schema.ts';
import type { Scenario, ScenarioPhase } from './schema.ts';
import type { SearchSettings } from '../search/searchSchema.ts';
import type { ConversationsSettings } from '../conversations/conversationSchema.ts';
import { formatDurationMs } from '../util/duration.ts';

/** A phase with its schedule worked out. */
export type PlannedPhase =
  | {
      kind: 'rate';
      name: string;
      durationMs: number;
      schedule: Schedule;
      ratePerSec: number;
      rampToPerSec: number;
      maxConnections: number;
      arrivals: Arrivals;
      connection: 'pool' | 'new';
    }
  | { kind: 'connections'; name: string; durationMs: number; connections: number }
  | {
      kind: 'conversations';
      name: string;
      /** Conversations start during this time; they run on past it up to `conversations.gracefulStop`. */
      durationMs: number;
      /** When each conversation starts. */
      starts: Schedule;
      conversations: ConversationsSettings;
      /** Pooled: requests in flight (the target's cap unless set); own connections: conversations open at once, when the phase set it. */
      maxConnections: number | undefined;
      arrivals: Arrivals;
    }
  | { kind: 'replay'; name: string; durationMs: number; schedule: Schedule; rows: ReplayRow[]; file: string; speed: number; maxConnections: number }
  | { kind: 'search'; name: string; durationMs: number; search: SearchSettings; maxConnections: number; arrivals: Arrivals };

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
    // Closed-model phases, searches and conversations (whose messages follow answers) have no rate fixed in advance.
    if (phase.kind === 'connections' || phase.kind === 'search' || phase.kind === 'conversations') return null;
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
  for (const [index, phase] of scenario.phases.entries()) {
    const planned = await collect(() => planPhase(phase, index, scenario, durationScale, interrupt));
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

async function planPhase(phase: ScenarioPhase, index: number, scenario: Scenario, durationScale: number, interrupt?: AbortSignal): Promise<PlannedPhase> {
  const maxConnections = ('maxConnections' in phase ? phase.maxConnections : undefined) ?? scenario.target.maxConnections;
  const scaled = durationScale === 1 ? '' : ` (--duration-scale ${durationScale})`;
  // The scenario's own durations were checked against the limit; a scaled one is checked here.
  if ((phase.kind === 'rate' || phase.kind === 'connections' || phase.kind === 'conversations') && phase.durationMs > MAX_PHASE_DURATION_MS) {
    throw new UserError(`phase "${phase.name}" would last ${Number((phase.durationMs / 3_600_000).toFixed(2))}h${scaled}: at most 24h per phase`);
  }
  switch (phase.kind) {
    case 'rate': {
      const schedule = openSchedule(phase.arrivals, phase.ratePerSec, phase.rampToPerSec, phase.durationMs, arrivalSeed(scenario.seed, index), phase.name);
      // A phase that can send nothing is a mistake to say before the run, not a run to judge after.
      if (schedule.count === 0) {
        throw new UserError(
          `phase "${phase.name}" schedules no request in ${formatDurationMs(phase.durationMs)} at ${phase.ratePerSec}/s${scaled}: lengthen it or raise its rate`,
        );
      }
      return { ...phase, maxConnections, schedule };
    }
    case 'connections':
      return phase;
    case 'conversations': {
      const { rate, rampTo } = phase.conversations;
      const starts = openSchedule(phase.arrivals, rate, rampTo ?? rate, phase.durationMs, arrivalSeed(scenario.seed, index), phase.name);
      if (starts.count === 0) {
        throw new UserError(
          `phase "${phase.name}" starts no conversation in ${formatDurationMs(phase.durationMs)} at ${rate}/s${scaled}: lengthen it or raise its rate`,
        );
      }
      // Pooled conversations share the target's cap; own connections are capped by the generator (run/generator.ts) unless the phase sets one.
      return { ...phase, starts, maxConnections: phase.conversations.connection === 'pool' ? maxConnections : phase.maxConnections };
    }
    case 'search':
      // Its length is known only as it runs: maxDuration bounds it.
      return { kind: 'search', name: phase.name, durationMs: phase.search.maxDurationMs, search: phase.search, maxConnections, arrivals: phase.arrivals };
    case 'replay': {
      const allRows: ReplayRow[] = [];
      const lines: number[] = [];
      await scanCsv(
        phase.file,
        replayRowSchema,
        (row, line) => {
          allRows.push(row);
          lines.push(line);
        },
        interrupt,
      );
      const problems = allRows.flatMap((row, i) =>
        i > 0 && row.offset_ms < allRows[i - 1]!.offset_ms
          ? [`${phase.file}:${lines[i]}: offset_ms: ${row.offset_ms} is before the previous row's (${allRows[i - 1]!.offset_ms})`]
          : [],
      );
      if (problems.length > 0) throw new UserError(`${phase.file}: offsets must not decrease`, { problems });
      const { rows, offsetsMs } = scaledLog(allRows, durationScale, phase.file);
      const schedule = replaySchedule(offsetsMs, phase.speed);
      const durationMs = (rows.length > 0 ? schedule.dueOffsetMs(rows.length - 1) : 0) + 1;
      return { kind: 'replay', name: phase.name, durationMs, schedule, rows, file: phase.file, speed: phase.speed, maxConnections };
    }
  }
}

/** A replay is never scaled into more records than this (the rows are held in memory). */
export const MAX_REPLAY_RECORDS = 10_000_000;

/**
 * A traffic log as --duration-scale plays it: a scale below 1 plays only the start of the log, a
 * scale above 1 plays it again from its start, back to back, until it has lasted that much longer.
 * Copies follow each other one mean gap apart, so the seam keeps the log's pace. Offsets are in
 * the log's ms (before `speed`).
 */
function scaledLog(allRows: readonly ReplayRow[], durationScale: number, file: string): { rows: ReplayRow[]; offsetsMs: number[] } {
  const firstMs = allRows[0]!.offset_ms;
  const spanMs = allRows.at(-1)!.offset_ms - firstMs;
  const lengthMs = spanMs * durationScale;
  const periodMs = allRows.length > 1 ? (spanMs * allRows.length) / (allRows.length - 1) : Number.POSITIVE_INFINITY;
  const copies = Math.max(1, Math.ceil((lengthMs + 1) / periodMs));
  if (copies * allRows.length > MAX_REPLAY_RECORDS) {
    throw new UserError(
      `${file}: --duration-scale ${durationScale} would replay ${copies} copies of its ${allRows.length} records: at most ${MAX_REPLAY_RECORDS.toLocaleString('en-US')} records`,
    );
  }
  const rows: ReplayRow[] = [];
  const offsetsMs: number[] = [];
  for (let copy = 0; copy < copies; copy++) {
    for (const row of allRows) {
      const offsetMs = row.offset_ms - firstMs + copy * periodMs;
      if (offsetMs > lengthMs) return { rows, offsetsMs };
      rows.push(row);
      offsetsMs.push(offsetMs);
    }
  }
  return { rows, offsetsMs };
}

/** The seed of a phase's Poisson arrivals: the scenario's, mixed with what sets the phase apart (its place, a trial's rate). */
export function arrivalSeed(seed: number, ...parts: number[]): number {
  let mixed = seed >>> 0;
  for (const part of parts) {
    mixed = Math.imul(mixed ^ (Math.round(part * 1000) >>> 0), 0x9e3779b1) >>> 0;
    mixed = Math.imul(mixed ^ (mixed >>> 16), 0x85ebca6b) >>> 0;
  }
  return mixed;
}

/** A rate phase's (or search trial's) schedule: evenly spaced, or Poisson arrivals from `seed`. */
export function openSchedule(arrivals: Arrivals, fromPerSec: number, toPerSec: number, durationMs: number, seed: number, phaseName: string): Schedule {
  if (arrivals === 'uniform') return fromPerSec === toPerSec ? constantSchedule(fromPerSec, durationMs) : rampSchedule(fromPerSec, toPerSec, durationMs);
  const expected = ((fromPerSec + toPerSec) / 2) * (durationMs / 1000);
  if (expected > MAX_POISSON_ARRIVALS) {
    throw new UserError(
      `phase "${phaseName}" would keep ${Math.round(expected).toLocaleString('en-US')} Poisson arrival times in memory: at most ${MAX_POISSON_ARRIVALS.toLocaleString('en-US')} per phase; split it into shorter phases or use arrivals: uniform`,
    );
  }
  return poissonSchedule(fromPerSec, toPerSec, durationMs, seededRandom(seed));
}
