import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { RunResult } from '../report/resultModel.ts';

const PACKAGE_JSON = new URL('../../package.json', import.meta.url);

/** Where a run happened: harness version, git commit (if any), Node, cores, and the generator's peak memory so far. */
export function describeEnvironment(): RunResult['environment'] {
  const { version } = JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')) as { version: string };
  let gitCommit: string | null = null;
  try {
    gitCommit =
      execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: new URL('../..', import.meta.url), stdio: ['ignore', 'pipe', 'ignore'] })
        .toString()
        .trim() || null;
  } catch {
    gitCommit = null;
  }
  return {
    harnessVersion: version,
    gitCommit,
    node: process.version,
    cpus: availableParallelism(),
    platform: `${process.platform}-${process.arch}`,
    // maxRSS is in kilobytes.
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  };
}
