import { resolve } from 'node:path';
import { junitXml, summaryJson } from '../../report/ciOutputs.ts';
import type { StoredRun } from '../../report/readResult.ts';
import type { RunResult } from '../../report/resultModel.ts';
import { formatComparison, formatSummary } from '../../report/terminal.ts';
import { judgeRun } from '../../report/verdict.ts';
import { writeFileAtomic, writeRunFiles } from '../../report/writeRun.ts';
import type { CliIo } from '../io.ts';
import { compareWithBaseline } from './baselineOption.ts';

export interface PublishOptions {
  storedBaseline: StoredRun | undefined;
  tolerance: number;
  junit?: string;
  summaryJson?: string;
  paintVerdict(word: string): string;
}

/** Writes a run's files (result.json, latency.hgrm, report.html, CI outputs), prints its summary and returns its exit code. */
export async function publishRun(io: CliIo, dir: string, result: RunResult, options: PublishOptions): Promise<number> {
  const baseline = compareWithBaseline(options.storedBaseline, options.tolerance, result);
  const verdict = judgeRun(result, baseline?.comparison);
  const files: Record<string, string> = { ...(await writeRunFiles(dir, result, baseline)) };
  if (options.junit) {
    files.junit = resolve(options.junit);
    await writeFileAtomic(files.junit, junitXml(result, verdict, baseline?.comparison));
  }
  if (options.summaryJson) {
    files.summary = resolve(options.summaryJson);
    await writeFileAtomic(files.summary, summaryJson(result, verdict, { ...files }, baseline?.comparison));
  }
  const summary = formatSummary(result, verdict, files);
  io.stdout(summary.replace(verdict.word, options.paintVerdict(verdict.word)));
  if (baseline) io.stdout(formatComparison(baseline.comparison));
  // The last line names the result, for scripts that pick it up.
  io.stdout(`result ${files.result}\n`);
  return verdict.exitCode;
}
