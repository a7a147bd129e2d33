// A capacity search over worker processes (127.0.0.1); searchInterrupted.test.ts stops one by Ctrl-C.
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExitCode } from '../../src/errors.ts';
import { cliTestFolder, readRunResult } from '../fixtures/cliScenario.ts';
import { runCliProcess } from '../fixtures/runCliProcess.ts';
import { searchScenarioIn } from './searchFixture.ts';

const files = cliTestFolder();

const readChildren = (pid: number): number[] => {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
};
/** A process's command line; empty once it has ended. */
const readCommandLine = (pid: number): string => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
};

const searchScenario = searchScenarioIn(files);

describe('capacity search over workers', () => {
  it('with --workers 2 stripes each trial over two processes and finds the same capacity (200/s) on their merged figures', async () => {
    const out = join(files.dir, 'workers');
    const scenario = searchScenario(
      'workers',
      'from: 50, max: 1000, hold: 1s, precision: 10%, slo: [p99 < 120ms], cooldown: 300ms, atLeast: 150',
      'mock: { latency: 20ms, slots: 4 }',
    );
    // The worker processes seen under the run, trial after trial (Linux lists a process's children).
    const workerPids = new Set<number>();
    const run = await runCliProcess(['load', scenario, '--workers', '2', '--out', out], {
      onStdout: (_text, _kill, pid) => {
        for (const child of readChildren(pid)) if (readCommandLine(child).includes('workerMain')) workerPids.add(child);
      },
    });
    // The same two processes sent every trial, and went with the run.
    expect(workerPids.size).toBe(2);
    for (let waitedMs = 0; waitedMs < 2000 && [...workerPids].some((pid) => readCommandLine(pid) !== ''); waitedMs += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    for (const pid of workerPids) expect(readCommandLine(pid)).toBe('');
    // Its launch gate (atLeast 150/s) passes: the run passes (search.test.ts has one that fails).
    expect(run.exitCode, run.stdout + run.stderr).toBe(ExitCode.ok);
    expect(run.stdout).toMatch(/^PASSED {2}workers/m);
    expect(run.stdout).toMatch(/; meets atLeast 150\/s/);
    expect(run.stdout).toContain('Each trial runs on 2 worker processes');
    // Which processes send is said once, not once per trial.
    expect(run.stdout.match(/^Workers: 0 \(pid \d+, stripe 0\/2\), 1 \(pid \d+, stripe 1\/2\)$/gm)).toHaveLength(1);
    const result = readRunResult(out);
    const capacity = result.phases[0]!.capacity!;
    expect(capacity.bound).toBe('server');
    expect(capacity.heldPerSec).toBeGreaterThanOrEqual(200 * 0.85);
    expect(capacity.heldPerSec).toBeLessThanOrEqual(200 * 1.15);
    // Each trial sent its whole rate between the two workers: asked and achieved agree for the held ones.
    for (const trial of capacity.trials.filter((t) => t.held)) expect(trial.achievedPerSec).toBeGreaterThanOrEqual(trial.askedPerSec * 0.95);
    // Every request of every trial is in the merged phase, and the mock answered each of them.
    const sent = result.phases[0]!.requests.sent;
    expect(sent).toBeGreaterThan(capacity.trials.reduce((total, t) => total + t.askedPerSec * (t.durationMs / 1000), 0) * 0.95);
    expect(Object.values(result.serverSide!.statusCounts).reduce((total, count) => total + count, 0)).toBe(sent);

    // A baseline that held twice as much: the held rate fell beyond the tolerance.
    const baseline = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as { phases: { capacity: { heldPerSec: number } }[] };
    baseline.phases[0]!.capacity.heldPerSec *= 2;
    writeFileSync(join(files.dir, 'twice.json'), JSON.stringify(baseline));
    const compared = await runCliProcess(['report', out, '--baseline', join(files.dir, 'twice.json')]);
    expect(compared.exitCode).toBe(ExitCode.regression);
    expect(compared.stdout).toMatch(/find\s+capacity\s+\d+\.\d\/s -> \d+\.\d\/s \(-50\.0%\)/);
  }, 120_000);
});
