// A capacity search stopped by Ctrl-C, in one process and over two workers (127.0.0.1).
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ExitCode } from '../../src/errors.ts';
import { cliTestFolder, readRunResult } from '../fixtures/cliScenario.ts';
import { runCliProcess } from '../fixtures/runCliProcess.ts';
import { searchScenarioIn } from './searchFixture.ts';

const files = cliTestFolder();

const searchScenario = searchScenarioIn(files);

describe('capacity search interrupted', () => {
  it.each([[[]], [['--workers', '2']]])(
    'on Ctrl-C mid-search exits 130, keeps every finished trial and says where it stood %j',
    async (args: string[]) => {
      const out = join(files.dir, `stopped${args.length}`);
      const scenario = searchScenario(
        'stopped',
        'from: 25, max: 1000, hold: 2s, precision: 10%, slo: [p99 < 120ms], cooldown: 200ms',
        'mock: { latency: 20ms, slots: 4 }',
      );
      let signalled = false;
      const run = await runCliProcess(['load', scenario, ...args, '--out', out], {
        onStdout: (text, kill) => {
          if (!signalled && /trial 2: 50\/s held/.test(text)) {
            signalled = true;
            setTimeout(() => kill('SIGINT'), 500);
          }
        },
      });
      expect(run.exitCode, run.stdout + run.stderr).toBe(ExitCode.interrupted);
      const capacity = readRunResult(out).phases[0]!.capacity!;
      expect(capacity.bound).toBe('interrupted');
      expect(capacity.trials.slice(0, 2).map((t) => [t.askedPerSec, t.held])).toEqual([
        [25, true],
        [50, true],
      ]);
      expect(run.stdout).toMatch(/interrupted during the 100\/s trial, so 50\/s held so far/);
    },
    60_000,
  );
});
