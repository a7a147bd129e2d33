import { defineConfig } from 'vitest/config';
import { LongFilesFirst } from './test/fixtures/longFilesFirst.ts';

/**
 * Files whose outcome depends on timing that a shared machine changes, run after the rest, two at a
 * time (a core each: docs/testing.md gives the engine's margins measured so). The mock's pace and
 * its stall windows are measured by the test process's own timers (its sender fell to a third of
 * its pace with four files side by side), and the engine's own tests run it in the test process
 * beside their server, judged to the millisecond. One process, two workers and three shards are
 * compared by the latency each measured, one run after another. The bench's CPU reading must see a
 * busy process as near a whole core (it saw 26% among the busiest files).
 */
const QUIET_FILES = [
  'test/mock/capacity.test.ts',
  'test/mock/faults.test.ts',
  'test/engine/loadEngine.test.ts',
  'test/scale/scaleOutLatency.test.ts',
  'test/bench/targetLoad.test.ts',
];

// Pact consumer tests (re)write pacts/; everything that reads the pact runs after them.
export default defineConfig({
  test: {
    // Pact's native core reports usage to its makers unless told not to; tests send nothing off the machine.
    env: { PACT_DO_NOT_TRACK: 'true' },
    testTimeout: 60_000,
    hookTimeout: 60_000,
    globalSetup: ['test/fixtures/globalSetup.ts'],
    // Files run side by side: most of their time is waiting on runs of fixed length, not CPU
    // (vitest's default here, one fewer than the cores, would run them one at a time). Five keep
    // the 2 cores 87% busy (vmstat); the timing-sensitive files wait for the calm after them.
    maxWorkers: 5,
    sequence: { sequencer: LongFilesFirst },
    projects: [
      {
        test: { name: 'pact-consumer', include: ['test/**/*.pact.test.ts'], sequence: { groupOrder: 0 }, testTimeout: 60_000 },
      },
      {
        test: {
          name: 'harness',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.pact.test.ts', ...QUIET_FILES],
          sequence: { groupOrder: 1 },
          // A worker runs one file after another without reloading what they share (the src/
          // modules, vitest itself): the 60-odd short files then take seconds, not twenty. No test
          // changes process state it does not restore (checked: env, listeners, timers, mocks).
          isolate: false,
          testTimeout: 120_000,
          hookTimeout: 60_000,
        },
      },
      {
        // After the rest, one file per core.
        test: { name: 'quiet', include: QUIET_FILES, sequence: { groupOrder: 2 }, maxWorkers: 2, isolate: false, testTimeout: 120_000, hookTimeout: 60_000 },
      },
    ],
  },
});
