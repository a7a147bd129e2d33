import { ExitCode, UserError } from '../../errors.ts';
import { MAX_WORKERS } from '../../scenario/schema.ts';
import { parseDurationMs } from '../../util/duration.ts';
import { RUN_TOKEN_VARIABLE, runTokenFrom } from '../../coordinate/runToken.ts';
import { RUN_ID_PATTERN } from '../../outputs/runIdentity.ts';
import { decimalNumber } from '../../util/schemaHelpers.ts';

/** `--workers N|auto`. */
export function parseWorkers(text: string | undefined): number | 'auto' | undefined {
  if (text === undefined) return undefined;
  if (text.trim() === 'auto') return 'auto';
  const count = Number(text.trim());
  if (!Number.isInteger(count) || count < 1 || count > MAX_WORKERS) {
    throw new UserError(`--workers wants a whole number from 1 to ${MAX_WORKERS}, or auto (one per core); got "${text}"`, { exitCode: ExitCode.badInput });
  }
  return count;
}

/**
 * `--shard i/N` (shard i of N, from 0), or `--shard N` with the index from JOB_COMPLETION_INDEX,
 * which Kubernetes sets in each pod of an Indexed Job.
 */
export function parseShard(text: string | undefined, env: Record<string, string | undefined>): { index: number; count: number } | undefined {
  if (text === undefined) return undefined;
  const match = /^\s*(?:(\d+)\s*\/\s*)?(\d+)\s*$/.exec(text);
  if (!match) throw new UserError(`--shard wants i/N (shard i of N, counted from 0), or N with JOB_COMPLETION_INDEX set; got "${text}"`);
  const count = Number(match[2]);
  const indexText = match[1] ?? env.JOB_COMPLETION_INDEX;
  if (indexText === undefined) {
    throw new UserError(`--shard ${text} names no shard: write --shard i/${count}, or set JOB_COMPLETION_INDEX (a Kubernetes Indexed Job sets it)`);
  }
  const index = Number(indexText);
  if (count < 1 || count > 1000) throw new UserError(`--shard: between 1 and 1000 shards; got ${count}`);
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    throw new UserError(`--shard: shard index ${indexText}${match[1] === undefined ? ' (from JOB_COMPLETION_INDEX)' : ''} is not one of 0..${count - 1}`);
  }
  return { index, count };
}

/** `--start-at`: an ISO 8601 UTC time within the next 24 hours (a past one starts at once, and shows as a late start in the merge). */
export function parseStartAt(text: string | undefined, nowMs: number): number | undefined {
  if (text === undefined) return undefined;
  const epochMs = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?Z$/.test(text.trim()) ? Date.parse(text.trim()) : Number.NaN;
  if (Number.isNaN(epochMs)) throw new UserError(`--start-at wants a UTC time such as 2026-12-01T09:00:00Z; got "${text}"`);
  if (epochMs > nowMs + 24 * 3600_000) throw new UserError(`--start-at ${text} is more than 24 hours away`);
  return epochMs;
}

/** `--ready-timeout`: how long a coordinator waits for every shard, and a shard for its coordinator (default 10 minutes). */
export function parseReadyTimeout(text: string | undefined): number {
  if (text === undefined) return 10 * 60_000;
  const ms = parseDurationMs(text.trim());
  if (ms === undefined || ms < 1000 || ms > 24 * 3600_000) {
    throw new UserError(`--ready-timeout wants a duration from 1s to 24h, e.g. 10m; got "${text}"`, { exitCode: ExitCode.badInput });
  }
  return ms;
}

/** `--coordinator URL` for a shard: an http URL, a shard to be, and the run token in the environment. */
export function parseCoordinator(
  text: string | undefined,
  shard: { index: number; count: number } | undefined,
  startAt: string | undefined,
  env: Record<string, string | undefined>,
): { url: string; token: string } | undefined {
  if (text === undefined) return undefined;
  const problems: string[] = [];
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {}
  if (url?.protocol !== 'http:') problems.push(`--coordinator wants the coordinator's http URL, e.g. http://coordinator:7070; got "${text}"`);
  if (!shard) problems.push('--coordinator needs --shard i/N: which shard this machine runs');
  if (startAt !== undefined) problems.push('--coordinator and --start-at: the coordinator announces the start once every shard has joined; drop --start-at');
  const token = runTokenFrom(env);
  if (token === undefined) problems.push(`set ${RUN_TOKEN_VARIABLE} to the run token the coordinator printed (or was given)`);
  if (problems.length > 0) throw new UserError('cannot join a coordinator', { exitCode: ExitCode.badInput, problems });
  return { url: url!.href, token: token! };
}

/** `--shards N` of coordinate and k8s: from 1 to 1000, as `--shard i/N` takes. */
export function parseShardCount(count: number): number {
  if (!Number.isInteger(count) || count < 1 || count > 1000) {
    throw new UserError(`--shards wants a whole number from 1 to 1000; got ${count}`, { exitCode: ExitCode.badInput });
  }
  return count;
}

/** `--duration-scale X`: a number above 0, kept as text by yargs so the message can quote it. */
export function parseDurationScale(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const scale = decimalNumber(text) ?? Number.NaN;
  if (!(scale > 0)) {
    throw new UserError(`--duration-scale wants a number above 0, e.g. 0.1 for a tenth of every phase; got "${text}"`, { exitCode: ExitCode.badInput });
  }
  return scale;
}

/** `--run-id`: the run's id as live metrics label it. */
export function parseRunId(text: string | undefined): string | undefined {
  if (text !== undefined && !RUN_ID_PATTERN.test(text))
    throw new UserError(`--run-id wants 1 to 64 letters, digits, ".", "_" or "-"; got "${text}"`, { exitCode: ExitCode.badInput });
  return text;
}
