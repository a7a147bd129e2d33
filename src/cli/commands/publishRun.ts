import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Argv } from 'yargs';
import { INDEX_ENTRY_FILE, entryOf } from '../../history/indexEntry.ts';
import { writeRunIndex } from '../../history/writeIndex.ts';
import { junitXml, summaryJson } from '../../report/ciOutputs.ts';
import type { StoredRun } from '../../report/readResult.ts';
import type { RunResult } from '../../report/resultModel.ts';
import { formatComparison, formatSummary } from '../../report/terminal.ts';
import { judgeRun } from '../../report/verdict.ts';
import { writeFileAtomic, writeRunFiles } from '../../report/writeRun.ts';
import type { CliIo } from '../io.ts';
import { compareWithBaseline } from './baselineOption.ts';

/** The flags of every command that judges a run and writes its files (load, merge, coordinate). */
export interface PublishArgs {
  junit?: string;
  summaryJson?: string;
  index: boolean;
}

/** Adds --junit, --summary-json and --index; `what` is the folder the command writes (a run's, a merge's). */
export function withPublishOptions<T>(yargs: Argv<T>, what: 'run' | 'merge') {
  return yargs
    .option('junit', { type: 'string', describe: 'also write the verdict as JUnit XML to this file (a test case per threshold, one for the contract)' })
    .option('summary-json', { type: 'string', describe: 'also write the verdict and headline figures as JSON to this file' })
    .option('index', {
      type: 'boolean',
      default: true,
      describe: `refresh the run history (index.html) of the folder holding the ${what}'s folder; --no-index skips it`,
    });
}

export interface PublishOptions {
  storedBaseline: StoredRun | undefined;
  tolerance: number;
  junit?: string;
  summaryJson?: string;
  paintVerdict(word: string): string;
  /** What the run history lists it as: a run, or a merge of these shard folders (absolute or from here). */
  entry: { kind: 'run' | 'merged'; shards: readonly string[] };
  /** Refresh the run history of the folder holding the run's folder (false: --no-index). */
  index: boolean;
}

/** Writes a run's files (result.json, latency.hgrm, report.html, CI outputs), prints its summary and returns its exit code. */
export async function publishRun(io: CliIo, dir: string, result: RunResult, options: PublishOptions): Promise<number> {
  const baseline = compareWithBaseline(options.storedBaseline, options.tolerance, result);
  const verdict = judgeRun(result, baseline?.comparison);
  const files: Record<string, string> = { ...(await writeRunFiles(dir, result, baseline)) };
  const shards = options.entry.shards.map((shard) =>
    relative(dir, shard.endsWith('.json') ? dirname(resolve(shard)) : resolve(shard))
      .split(sep)
      .join('/'),
  );
  await writeFileAtomic(join(dir, INDEX_ENTRY_FILE), `${JSON.stringify(entryOf(result, verdict.word, options.entry.kind, shards), null, 2)}\n`);
  if (options.junit) {
    files.junit = resolve(options.junit);
    await writeFileAtomic(files.junit, await junitXml(result, verdict, baseline?.comparison));
  }
  if (options.summaryJson) {
    files.summary = resolve(options.summaryJson);
    await writeFileAtomic(files.summary, summaryJson(result, verdict, { ...files }, baseline?.comparison));
  }
  if (options.index) {
    // The history beside the run: a failure to write it is said, never the run's.
    const parent = dirname(dir);
    await writeRunIndex(parent, relative(process.cwd(), parent) || '.').then(
      (index) => (files.index = index.html),
      (error: Error) => io.stderr(`index: ${parent}/index.html not refreshed (${error.message})\n`),
    );
  }
  const summary = formatSummary(result, verdict, files);
  io.stdout(summary.replace(verdict.word, options.paintVerdict(verdict.word)));
  if (baseline) io.stdout(formatComparison(baseline.comparison));
  // The last line names the result, for scripts that pick it up.
  io.stdout(`result ${files.result}\n`);
  return verdict.exitCode;
}
