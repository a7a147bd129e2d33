import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ExitCode, UserError } from '../errors.ts';
import { describeIssues } from '../util/schemaHelpers.ts';
import { RESULT_SCHEMA_VERSION, runResultSchema } from './resultModel.ts';
import type { RunResult } from './resultModel.ts';

/** A stored run: its result and the folder it lives in. */
export interface StoredRun {
  result: RunResult;
  dir: string;
  file: string;
}

/** Reads and validates a stored `result.json`, given the file or the run folder holding it. */
export async function readStoredRun(path: string): Promise<StoredRun> {
  const isDir = await stat(path).then(
    (info) => info.isDirectory(),
    () => {
      throw new UserError(`no run found at ${path}: expected a run folder or its result.json`, { exitCode: ExitCode.badInput });
    },
  );
  const file = isDir ? join(path, 'result.json') : path;
  const dir = isDir ? path : join(file, '..');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UserError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { exitCode: ExitCode.badInput });
  }
  return { result: parseStoredResult(text, file), dir, file };
}

/** Parses result.json text against the result schema, reporting every problem at once. */
export function parseStoredResult(text: string, file: string): RunResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UserError(`${file} is not JSON: ${(error as Error).message}`, { exitCode: ExitCode.badInput });
  }
  const version = (json as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (version !== RESULT_SCHEMA_VERSION) {
    throw new UserError(`${file} has schemaVersion ${JSON.stringify(version)}; this harness reads version ${RESULT_SCHEMA_VERSION}`, {
      exitCode: ExitCode.badInput,
    });
  }
  const parsed = runResultSchema.safeParse(json);
  if (!parsed.success) {
    throw new UserError(`${file} is not a valid run result`, { exitCode: ExitCode.badInput, problems: describeIssues(parsed.error) });
  }
  return parsed.data;
}
