import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { ExitCode, UserError } from '../errors.ts';
import { runResultSchema } from '../report/resultModel.ts';
import { generatorMeasurementsSchema } from './measurements.ts';

export const SHARD_FILE = 'shard.json';
const SHARD_FORMAT = 'logmsg-harness shard';

/** shard.json: one shard's part of a run split over machines, with what the merge needs. */
export const shardFileSchema = z.object({
  format: z.literal(SHARD_FORMAT),
  version: z.literal(1),
  /** The plan's digest (scale/planFingerprint.ts): shards of one run share it. */
  planFingerprint: z.string(),
  scenario: z.object({ name: z.string(), file: z.string() }),
  durationScale: z.number().positive(),
  shard: z.object({ index: z.number().int().nonnegative(), count: z.number().int().positive() }),
  workers: z.number().int().positive(),
  /** The common start the shard was given (`--start-at`), null when it had none. */
  startAt: z.iso.datetime().nullable(),
  target: runResultSchema.shape.target,
  preflight: runResultSchema.shape.preflight,
  environment: runResultSchema.shape.environment,
  measured: generatorMeasurementsSchema,
});
export type ShardFile = z.infer<typeof shardFileSchema>;

export function shardFileContent(shard: Omit<ShardFile, 'format' | 'version'>): ShardFile {
  return { format: SHARD_FORMAT, version: 1, ...shard };
}

/** Reads a shard from its folder (or its shard.json); problems go to `problems`, named by path. */
export async function readShardFile(path: string, problems: string[]): Promise<{ file: string; shard: ShardFile } | undefined> {
  const absolute = resolve(path);
  const info = await stat(absolute).catch(() => undefined);
  if (!info) {
    problems.push(`${path}: no such file or folder`);
    return undefined;
  }
  const file = info.isDirectory() ? join(absolute, SHARD_FILE) : absolute.endsWith('result.json') ? join(absolute, '..', SHARD_FILE) : absolute;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    problems.push(`${path}: no ${SHARD_FILE} there (a shard's folder holds one: run load with --shard i/N)`);
    return undefined;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    problems.push(`${file}: not JSON (${(error as Error).message})`);
    return undefined;
  }
  const parsed = shardFileSchema.safeParse(data);
  if (!parsed.success) {
    for (const issue of parsed.error.issues.slice(0, 5)) problems.push(`${file}: ${issue.path.join('.') || '(top)'}: ${issue.message}`);
    return undefined;
  }
  return { file, shard: parsed.data };
}

/**
 * The shards of one run, in shard order, or every reason they are not: files that cannot be read,
 * shards of different scenarios or plans, a shard given twice, a shard missing.
 */
export async function readShards(paths: readonly string[]): Promise<{ file: string; shard: ShardFile }[]> {
  const problems: string[] = [];
  const read = (await Promise.all(paths.map((path) => readShardFile(path, problems)))).filter((entry) => entry !== undefined);
  if (problems.length === 0 && read.length > 0) {
    const [first] = read;
    for (const { file, shard } of read.slice(1)) {
      if (shard.scenario.name !== first!.shard.scenario.name || shard.planFingerprint !== first!.shard.planFingerprint) {
        problems.push(
          `${file}: shard of another run (scenario "${shard.scenario.name}", plan ${shard.planFingerprint}) than ${first!.file} (scenario "${first!.shard.scenario.name}", plan ${first!.shard.planFingerprint})`,
        );
      }
      if (shard.shard.count !== first!.shard.shard.count)
        problems.push(`${file}: shard of ${shard.shard.count}, but ${first!.file} is a shard of ${first!.shard.shard.count}`);
    }
    const count = first!.shard.shard.count;
    const byIndex = new Map<number, string>();
    for (const { file, shard } of read) {
      const known = byIndex.get(shard.shard.index);
      if (known) problems.push(`shard ${shard.shard.index}/${count} is given twice: ${known} and ${file}`);
      byIndex.set(shard.shard.index, file);
    }
    const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !byIndex.has(i));
    if (missing.length > 0)
      problems.push(`missing shard${missing.length === 1 ? '' : 's'} ${missing.map((i) => `${i}/${count}`).join(', ')}: the run was split in ${count}`);
  }
  if (problems.length > 0) throw new UserError(`cannot merge these shards`, { exitCode: ExitCode.badInput, problems });
  return read.sort((a, b) => a.shard.shard.index - b.shard.shard.index);
}
